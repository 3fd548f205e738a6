// SPDX-License-Identifier: Apache-2.0
// What every (target, probe kind, TTL) drew, aggregated from matched replies. This is
// the whole input of the verdicts, so a live run and a re-judged capture that saw the
// same replies reach the same verdicts.
#ifndef CUTPOINT_ENGINE_LOCATE_OBSERVATION_TABLE_H_
#define CUTPOINT_ENGINE_LOCATE_OBSERVATION_TABLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/match/reply_record.h"
#include "engine/targets/probe_plan.h"
#include "engine/targets/target_set.h"

namespace cutpoint::locate {

// One (target, kind, TTL): which replies arrived, per attempt as bit masks so that
// "the same probe drew two answers" can be told apart from "two probes drew one each".
struct Cell {
  wire::IpAddress te_from;       // first time-exceeded responder; :: for none
  wire::IpAddress unreach_from;  // first destination-unreachable responder; :: for none
  int32_t te_rtt_us = -1;     // smallest RTT of a time exceeded
  int32_t target_rtt_us = -1;  // smallest RTT of a reply in the target's name
  uint8_t te_attempts = 0;
  uint8_t unreach_attempts = 0;
  uint8_t synack_attempts = 0;
  uint8_t rst_attempts = 0;
  uint8_t half_open_attempts = 0;  // challenge ACKs: an earlier SYN of the flow got through
  uint8_t echo_attempts = 0;
  uint8_t other_attempts = 0;
  uint8_t unreach_code = 0;
  bool te_from_varies = false;  // more than one time-exceeded responder (load balancing)
  uint8_t synack_reply_ttl = 0;
  uint8_t rst_reply_ttl = 0;
  uint8_t echo_reply_ttl = 0;
  uint16_t synack_ipid = 0;
  uint16_t rst_ipid = 0;

  // The attempts (bit i: attempt i) that drew any answer.
  uint8_t answered_attempts() const {
    return te_attempts | unreach_attempts | synack_attempts | rst_attempts | echo_attempts |
           half_open_attempts | other_attempts;
  }
  bool answered() const { return answered_attempts() != 0; }
  bool target_replied() const {
    return (synack_attempts | rst_attempts | echo_attempts | half_open_attempts) != 0;
  }
};

// The probe kinds of a locate run, by role: kinds[0] is the test (TCP SYN to the test
// port); then the control ports; then ICMP echo when enabled.
struct LocateLayout {
  std::vector<targets::ProbeKind> kinds;
  uint8_t ttl_min = 1;
  uint8_t ttl_max = 32;
  int ttl_count() const { return ttl_max - ttl_min + 1; }
};

inline constexpr int kTestKind = 0;

// The layout of a locate run: the test probe (TCP SYN to `test_port`, kind kTestKind), then
// SYNs to each control port, then ICMP echo if `echo_control`. `probe_names` (optional)
// receives their names for the meta record ("tcp-syn:25 (test)", "tcp-syn:443", ...).
LocateLayout MakeLocateLayout(uint8_t ttl_min, uint8_t ttl_max, uint16_t test_port,
                              const std::vector<uint16_t>& control_ports, bool echo_control,
                              std::vector<std::string>* probe_names = nullptr);

// What the target's own answers at TTL max left in one probe kind's cell: a screened run
// (screen.h) keeps only these for most targets. A target that draws anything else — a
// probe below TTL max, a time exceeded or unreachable (which carry a router's address) —
// moves to whole cells.
struct ScreenCell {
  int32_t target_rtt_us = -1;
  uint16_t synack_ipid = 0;
  uint16_t rst_ipid = 0;
  uint8_t synack_attempts = 0;
  uint8_t rst_attempts = 0;
  uint8_t half_open_attempts = 0;
  uint8_t echo_attempts = 0;
  uint8_t other_attempts = 0;
  uint8_t synack_reply_ttl = 0;
  uint8_t rst_reply_ttl = 0;
  uint8_t echo_reply_ttl = 0;
};

// A Cell as stored: its two router addresses as indices into the table's address pool
// (a path has few routers; 32 bytes instead of 64 per cell).
struct StoredCell {
  uint32_t te_from = 0;       // pool index; 0 is ::
  uint32_t unreach_from = 0;
  int32_t te_rtt_us = -1;
  int32_t target_rtt_us = -1;
  uint16_t synack_ipid = 0;
  uint16_t rst_ipid = 0;
  uint8_t te_attempts = 0;
  uint8_t unreach_attempts = 0;
  uint8_t synack_attempts = 0;
  uint8_t rst_attempts = 0;
  uint8_t half_open_attempts = 0;
  uint8_t echo_attempts = 0;
  uint8_t other_attempts = 0;
  uint8_t unreach_code = 0;
  bool te_from_varies = false;
  uint8_t synack_reply_ttl = 0;
  uint8_t rst_reply_ttl = 0;
  uint8_t echo_reply_ttl = 0;
};

class ObservationTable;

// One target's cells, resolved once (the judge reads many of them per target).
class TargetCells {
 public:
  TargetCells(const ObservationTable& table, const StoredCell* whole, const ScreenCell* screen)
      : table_(&table), whole_(whole), screen_(screen) {}
  Cell At(int kind, int ttl) const;

 private:
  const ObservationTable* table_;
  const StoredCell* whole_;   // kinds x TTLs, or null: only the screen's answers
  const ScreenCell* screen_;  // per kind, at TTL max
};

class ObservationTable {
 public:
  // `every_target_swept` (`--sweep all`): every target will need whole cells, so a set
  // too large for them is refused here rather than while probing.
  static absl::StatusOr<ObservationTable> Create(const targets::TargetSet* targets,
                                                 LocateLayout layout,
                                                 bool every_target_swept = true);

  // Folds one matched reply in; replies for unknown targets, kinds or TTLs are ignored
  // (returns false).
  bool Add(const match::ReplyRecord& reply);

  // By value: most targets have no whole cells to point into.
  Cell At(uint64_t target_index, int kind, int ttl) const { return Of(target_index).At(kind, ttl); }
  TargetCells Of(uint64_t target_index) const;
  const targets::TargetSet& targets() const { return *targets_; }
  const LocateLayout& layout() const { return layout_; }
  int KindIndex(probe::ProbeType type, uint16_t port) const;
  // Targets holding whole cells (kinds x TTLs x sizeof(StoredCell) bytes each).
  size_t whole_targets() const { return whole_index_.size(); }

 private:
  friend class TargetCells;
  ObservationTable(const targets::TargetSet* targets, LocateLayout layout);
  size_t CellsPerTarget() const {
    return layout_.kinds.size() * static_cast<size_t>(layout_.ttl_count());
  }
  // The target's whole cells, made from its screen cells on first use.
  StoredCell* WholeCells(uint64_t target_index);
  uint32_t PoolIndex(const wire::IpAddress& address);

  const targets::TargetSet* targets_;
  LocateLayout layout_;
  std::vector<ScreenCell> screen_;  // targets x kinds
  // target -> its block of CellsPerTarget() cells; blocks are allocated one by one, so
  // growing never copies (or doubles) the cells of every swept target.
  absl::flat_hash_map<uint64_t, std::unique_ptr<StoredCell[]>> whole_index_;
  std::vector<wire::IpAddress> pool_ = {wire::IpAddress()};  // router addresses
  absl::flat_hash_map<wire::IpAddress, uint32_t> pool_index_;
};

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_OBSERVATION_TABLE_H_
