// SPDX-License-Identifier: Apache-2.0
// What each (target, TCP port) of a scan has answered so far, to flag a port that drew
// both a SYN-ACK and a RST: the signature of an on-path injector racing the real server
// (or of a middlebox resetting an open port). The scan writes each reply as it arrives,
// so the later of the two carries the flag; the earlier line is already out.
#ifndef CUTPOINT_ENGINE_MATCH_PORT_OUTCOMES_H_
#define CUTPOINT_ENGINE_MATCH_PORT_OUTCOMES_H_

#include <cstdint>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "engine/match/reply_record.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::match {

class PortOutcomes {
 public:
  // Notes `reply` and says whether it contradicts what its port answered before: a RST
  // after a SYN-ACK (or a half-open ACK), or the other way round. Only TCP probes'
  // SYN-ACK, half-open ACK and RST replies count; anything else returns false and is
  // not stored. Each contradicting reply returns true, not only the first.
  bool Contradicts(const ReplyRecord& reply);

  // Ports that drew both.
  uint64_t conflicted_ports() const { return conflicted_ports_; }

 private:
  static constexpr uint8_t kOpen = 1;
  static constexpr uint8_t kClosed = 2;
  absl::flat_hash_map<std::pair<wire::IpAddress, uint16_t>, uint8_t> seen_;
  uint64_t conflicted_ports_ = 0;
};

}  // namespace cutpoint::match

#endif  // CUTPOINT_ENGINE_MATCH_PORT_OUTCOMES_H_
