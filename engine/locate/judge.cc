// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/judge.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <string>
#include "absl/container/flat_hash_map.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "engine/locate/partial_test.h"
#include "engine/locate/silence_test.h"
#include "engine/targets/group_prefix.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::locate {
namespace {

using wire::IpAddressToString;

// ICMP: net/host administratively prohibited (9, 10) and communication administratively
// prohibited (13). ICMPv6 (RFC 4443): administratively prohibited (1), source address
// failed ingress/egress policy (5) and reject route to destination (6) - each a policy
// decision, not a missing route.
constexpr uint8_t kAdminProhibitedCodes[] = {9, 10, 13};
constexpr uint8_t kAdminProhibitedCodesV6[] = {1, 5, 6};

// The pass-fraction test (partial_test.h). partial_drop needs at least this many rows (a
// handful of probes says nothing about a fraction), p within the run's per-target budget
// and the two 95 % intervals apart. Apart with p within kUndecidedFactor budgets reads
// inconclusive (loss): at the default rate that is 0.01 unfiltered targets per run.
constexpr int kMinPartialProbes = 10;
constexpr double kUndecidedFactor = 10;
// Worth more attempts (retry rows, deeper windows): fewer test passes than its controls
// would give by a chance of 5 % or less.
constexpr double kPartialSuspicion = 0.05;
// blackholed needs other hosts of the network past the hop, not one.
constexpr int kMinWitnessHosts = 2;

bool IsAdminProhibited(uint8_t code, bool v6) {
  if (v6) {
    return std::find(std::begin(kAdminProhibitedCodesV6), std::end(kAdminProhibitedCodesV6),
                     code) != std::end(kAdminProhibitedCodesV6);
  }
  return std::find(std::begin(kAdminProhibitedCodes), std::end(kAdminProhibitedCodes), code) !=
         std::end(kAdminProhibitedCodes);
}

Evidence SynAckEvidence(int first_synack) {
  return {"syn_ack", absl::StrCat("SYN-ACK from the target to the probe with TTL ", first_synack)};
}

// Per TTL: who answered the controls of a group of targets.
struct GroupHops {
  std::vector<int> answering_targets;  // per TTL offset: targets with any answer there
  std::vector<wire::IpAddress> hop_addr;  // per TTL offset: a time-exceeded responder
  int distance = 0;                    // smallest control distance among members
  std::vector<uint64_t> members;
};

// What one target's own probes saw, digested once.
class TargetView {
 public:
  // Digests TTLs up to `reach_ttl_max` (a sweep's guidance looks only at the TTLs swept
  // so far: a screened run's answers at TTL max say nothing about the TTLs between).
  TargetView(const ObservationTable& table, uint64_t index, int reach_ttl_max)
      : table_(table), index_(index), layout_(table.layout()), cells_(table.Of(index)) {
    address_ = table.targets().At(index);
    for (int ttl = layout_.ttl_min; ttl <= reach_ttl_max; ++ttl) {
      for (int kind = 1; kind < static_cast<int>(layout_.kinds.size()); ++kind) {
        const Cell cell = cells_.At(kind, ttl);
        if (cell.target_replied() && own_distance_ == 0) own_distance_ = ttl;
        if (genuine_tcp_ttl_ == 0 && (cell.synack_attempts | cell.rst_attempts) != 0) {
          genuine_tcp_ttl_ = cell.synack_attempts ? cell.synack_reply_ttl : cell.rst_reply_ttl;
          genuine_ipid_ = cell.synack_attempts ? cell.synack_ipid : cell.rst_ipid;
          has_genuine_tcp_ = true;
        }
        if (genuine_echo_ttl_ == 0 && cell.echo_attempts != 0)
          genuine_echo_ttl_ = cell.echo_reply_ttl;
        if (cell.answered()) max_control_answer_ttl_ = ttl;
      }
    }
  }

  Cell Test(int ttl) const { return cells_.At(kTestKind, ttl); }
  Cell Control(int kind, int ttl) const { return cells_.At(kind, ttl); }
  bool ControlAnswered(int ttl) const {
    for (int kind = 1; kind < static_cast<int>(layout_.kinds.size()); ++kind) {
      if (cells_.At(kind, ttl).answered()) return true;
    }
    return false;
  }
  bool AnyAnswered(int ttl) const { return ControlAnswered(ttl) || Test(ttl).answered(); }
  // The address a control saw at `ttl`: a hop's time exceeded, or the target itself.
  wire::IpAddress ControlHop(int ttl) const {
    for (int kind = 1; kind < static_cast<int>(layout_.kinds.size()); ++kind) {
      const Cell cell = cells_.At(kind, ttl);
      if (cell.target_replied()) return address_;
      if (cell.te_from != wire::IpAddress()) return cell.te_from;
    }
    return wire::IpAddress();
  }

  wire::IpAddress address() const { return address_; }
  uint64_t index() const { return index_; }
  int own_distance() const { return own_distance_; }
  int max_control_answer_ttl() const { return max_control_answer_ttl_; }
  bool has_genuine_tcp() const { return has_genuine_tcp_; }
  uint8_t genuine_tcp_ttl() const { return genuine_tcp_ttl_; }
  uint16_t genuine_ipid() const { return genuine_ipid_; }
  uint8_t genuine_echo_ttl() const { return genuine_echo_ttl_; }

 private:
  const ObservationTable& table_;
  uint64_t index_;
  const LocateLayout& layout_;
  TargetCells cells_;  // resolved once: a target's cells are read many times
  wire::IpAddress address_;
  int own_distance_ = 0;
  int max_control_answer_ttl_ = 0;
  bool has_genuine_tcp_ = false;
  uint8_t genuine_tcp_ttl_ = 0;
  uint16_t genuine_ipid_ = 0;
  uint8_t genuine_echo_ttl_ = 0;
};

class Judge {
 public:
  Judge(const ObservationTable& table, const JudgeOptions& options, int reach_ttl_max = 0)
      : table_(table),
        options_(options),
        layout_(table.layout()),
        reach_ttl_max_(reach_ttl_max != 0 ? reach_ttl_max : layout_.ttl_max) {
    BuildGroups();
    threshold_ = AccusationThreshold(options_.false_accusation_rate,
                                     table_.targets().size() - control_host_indices_.size());
  }

  std::vector<CellRef> SilentTestCells(int ttl_limit) const {
    std::vector<CellRef> cells;
    const targets::TargetSet& targets = table_.targets();
    for (uint64_t i = 0; i < targets.size(); ++i) {
      if (!Swept(i)) continue;
      TargetView view(table_, i, reach_ttl_max_);
      const GroupHops* group = GroupOf(view.address());
      bool reached = false;
      int blocking_probes = 0, blocking_ttl = 0;  // RSTs and unreachables drawn by the test
      for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
        const Cell& test = view.Test(ttl);
        reached = reached || test.target_replied() || test.unreach_attempts;
        int here = __builtin_popcount(test.rst_attempts | test.unreach_attempts);
        if (here != 0 && blocking_ttl == 0) blocking_ttl = ttl;
        blocking_probes += here;
      }
      if (blocking_probes == 1 && blocking_ttl <= ttl_limit) {
        // One RST or unreachable is no verdict (kMinEvidenceProbes): ask that hop again.
        cells.push_back({i, blocking_ttl});
        continue;
      }
      if (reached) {
        // Some test SYNs got through and fewer than the controls': more rows tell a
        // partial filter from loss (attempts up to probe::kMaxAttempts per cell).
        if (PartialSuspected(view)) AddPathRows(view, ttl_limit, &cells);
        AddPartialIntervalRows(view, ttl_limit, &cells);
        continue;
      }
      int max_te = 0;
      for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
        if (view.Test(ttl).te_attempts) max_te = ttl;
      }
      if (SilenceProvesDrop(TestSilence(table_, i, max_te))) continue;
      for (int ttl = layout_.ttl_min; ttl <= std::min<int>(ttl_limit, layout_.ttl_max); ++ttl) {
        if (!view.Test(ttl).answered() && ControlsAnswered(view, group, ttl)) {
          cells.push_back({i, ttl});
        }
      }
    }
    return cells;
  }

  std::vector<uint64_t> TargetsToSweepDeeper(int swept_ttl_max) const {
    std::vector<uint64_t> deeper;
    if (swept_ttl_max >= layout_.ttl_max) return deeper;
    const targets::TargetSet& targets = table_.targets();
    for (uint64_t i = 0; i < targets.size(); ++i) {
      if (!Swept(i)) continue;  // judged on the screen alone: never swept
      TargetView view(table_, i, reach_ttl_max_);
      const GroupHops* group = GroupOf(view.address());
      if (view.own_distance() != 0 && (SilenceUndecided(view) || PartialSuspected(view))) {
        // Its controls reach it, its test does not: the rows past the destination are
        // where the silence test gets its evidence.
        deeper.push_back(i);
        continue;
      }
      if (view.own_distance() != 0 || (group != nullptr && group->distance != 0)) continue;
      // The path is still alive if anything — this target's probes or its group's —
      // answered in the upper half of the swept TTLs (silent hops at the very top of a
      // window must not end the sweep).
      bool alive = false;
      int from_ttl = std::max<int>(layout_.ttl_min, (layout_.ttl_min + swept_ttl_max + 1) / 2);
      for (int ttl = from_ttl; ttl <= swept_ttl_max && !alive; ++ttl) {
        alive =
            view.AnyAnswered(ttl) ||
            (group != nullptr && group->answering_targets[static_cast<size_t>(Offset(ttl))] > 0);
      }
      if (alive) deeper.push_back(i);
    }
    return deeper;
  }

  std::vector<Verdict> Run() {
    const targets::TargetSet& targets = table_.targets();
    std::vector<Verdict> verdicts;
    verdicts.reserve(static_cast<size_t>(targets.size()));
    for (uint64_t i = 0; i < targets.size(); ++i) verdicts.push_back(JudgeOne(i));
    if (!options_.incomplete_reason.empty()) {
      for (Verdict& verdict : verdicts) WithholdIncomplete(&verdict);
    }
    AssignScopes(verdicts);
    return verdicts;
  }

 private:
  // The test probe never reached the target (no SYN-ACK, RST or unreachable) and its
  // silence does not prove a drop yet.
  bool SilenceUndecided(const TargetView& view) const {
    int max_te = 0;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& test = view.Test(ttl);
      if (test.target_replied() || test.unreach_attempts || test.other_attempts) return false;
      if (test.te_attempts) max_te = ttl;
    }
    return !SilenceProvesDrop(TestSilence(table_, view.index(), max_te));
  }

  bool SilenceProvesDrop(const SilenceTest& silence) const {
    return silence.test_probes >= kMinEvidenceProbes && silence.p <= threshold_;
  }

  // A sweep cut short leaves answers missing, and a missing answer reads as silence, a
  // distance too long, or a forged RST as the target's own (`closed`): keep only what the
  // target's SYN-ACK proves, and no distance.
  void WithholdIncomplete(Verdict* verdict) const {
    if (verdict->verdict == VerdictKind::kReachable) {
      verdict->distance = 0;
      return;
    }
    std::string was(VerdictName(verdict->verdict));
    Verdict withheld;
    withheld.target = verdict->target;
    withheld.port = verdict->port;
    withheld.control_host = verdict->control_host;
    withheld.verdict = VerdictKind::kInconclusive;
    withheld.reason = options_.incomplete_reason;
    withheld.evidence.push_back(
        {"evidence_incomplete",
         absl::StrCat("the sweep was cut short (", options_.incomplete_reason,
                      "); the answers so far would have read '", was,
                      verdict->reason.empty() ? "" : absl::StrCat(" (", verdict->reason, ")"),
                      "', which missing answers can fake")});
    *verdict = std::move(withheld);
  }
  wire::IpAddress GroupKey(const wire::IpAddress& address) const {
    return targets::GroupOf(address, options_.group_prefixes);
  }
  bool IsControlHost(const wire::IpAddress& address) const {
    return std::find(options_.control_hosts.begin(), options_.control_hosts.end(), address) !=
           options_.control_hosts.end();
  }
  int Offset(int ttl) const { return ttl - layout_.ttl_min; }

  void BuildGroups() {
    const targets::TargetSet& targets = table_.targets();
    size_t ttl_count = static_cast<size_t>(layout_.ttl_count());
    for (uint64_t i = 0; i < targets.size(); ++i) {
      wire::IpAddress address = targets.At(i);
      // Control hosts serve every group, so they are folded in below, not grouped.
      if (IsControlHost(address)) {
        control_host_indices_.push_back(i);
        continue;
      }
      GroupHops& group = groups_[GroupKey(address)];
      if (group.answering_targets.empty()) {
        group.answering_targets.assign(ttl_count, 0);
        group.hop_addr.assign(ttl_count, wire::IpAddress());
      }
      group.members.push_back(i);
    }
    for (auto& [key, group] : groups_) {
      std::vector<uint64_t> contributors = group.members;
      contributors.insert(contributors.end(), control_host_indices_.begin(),
                          control_host_indices_.end());
      for (uint64_t i : contributors) AddToGroup(i, &group);
    }
  }

  bool Swept(uint64_t index) const {
    return options_.swept == nullptr || (*options_.swept)[static_cast<size_t>(index)];
  }

  void AddToGroup(uint64_t index, GroupHops* group) const {
    TargetView view(table_, index, reach_ttl_max_);
    if (Swept(index) && view.own_distance() != 0 &&
        (group->distance == 0 || view.own_distance() < group->distance)) {
      group->distance = view.own_distance();
    }
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      if (view.AnyAnswered(ttl)) ++group->answering_targets[static_cast<size_t>(Offset(ttl))];
      wire::IpAddress& hop = group->hop_addr[static_cast<size_t>(Offset(ttl))];
      if (hop == wire::IpAddress()) hop = view.ControlHop(ttl);
    }
  }

  const GroupHops* GroupOf(const wire::IpAddress& address) const {
    auto it = groups_.find(GroupKey(address));
    return it == groups_.end() ? nullptr : &it->second;
  }

  // Did any control — own or another host of the group — get an answer at `ttl`?
  bool ControlsAnswered(const TargetView& view, const GroupHops* group, int ttl) const {
    if (view.ControlAnswered(ttl)) return true;
    if (group == nullptr) return false;
    int others = group->answering_targets[static_cast<size_t>(Offset(ttl))] -
                 (view.AnyAnswered(ttl) && !IsControlHost(view.address()) ? 1 : 0);
    return others > 0;
  }

  wire::IpAddress ControlsHop(const TargetView& view, const GroupHops* group, int ttl) const {
    wire::IpAddress own = view.ControlHop(ttl);
    if (own != wire::IpAddress() || group == nullptr) return own;
    return group->hop_addr[static_cast<size_t>(Offset(ttl))];
  }

  // Fills the after/before interval around the first TTL at which the test probe was
  // treated differently from its controls.
  void Locate(const TargetView& view, const GroupHops* group, int divergence_ttl,
              Verdict* verdict) const {
    verdict->has_location = true;
    verdict->after_ttl = 0;  // the prober itself
    verdict->after_addr = wire::IpAddress();
    for (int ttl = std::min(divergence_ttl - 1, static_cast<int>(layout_.ttl_max));
         ttl >= layout_.ttl_min; --ttl) {
      if (view.Test(ttl).te_from != wire::IpAddress()) {
        verdict->after_ttl = ttl;
        verdict->after_addr = view.Test(ttl).te_from;
        break;
      }
    }
    for (int ttl = std::max(divergence_ttl, static_cast<int>(layout_.ttl_min));
         ttl <= layout_.ttl_max; ++ttl) {
      wire::IpAddress hop = ControlsHop(view, group, ttl);
      if (hop != wire::IpAddress()) {
        verdict->before_ttl = ttl;
        verdict->before_addr = hop;
        break;
      }
    }
    if (verdict->before_ttl > verdict->after_ttl + 1) {
      verdict->evidence.push_back(
          {"silent_hops", absl::StrCat("no probe drew an answer from hop(s) ",
                                       verdict->after_ttl + 1, "..", verdict->before_ttl - 1,
                                       "; the filter may sit on any hop of the interval")});
    }
  }

  Verdict JudgeOne(uint64_t index) const {
    TargetView view(table_, index, reach_ttl_max_);
    const GroupHops* group = GroupOf(view.address());
    Verdict verdict;
    verdict.target = view.address();
    verdict.port = layout_.kinds[kTestKind].port;
    verdict.control_host = IsControlHost(view.address());
    verdict.distance = view.own_distance();
    if (!Swept(index)) {
      // Clean at TTL max (screen.h): reachable, distance unmeasured.
      verdict.distance = 0;
      verdict.evidence.push_back(
          {"screened", absl::StrCat("the test drew a SYN-ACK at TTL ", layout_.ttl_max,
                                    " in the screening round and nothing else; not swept")});
    } else if (verdict.distance == 0 && group != nullptr && group->distance != 0) {
      verdict.distance = group->distance;
      verdict.evidence.push_back(
          {"distance_from_other_hosts",
           absl::StrCat("this host answered no control; other hosts of its network answer at TTL ",
                        group->distance)});
    }

    int first_rst = 0, first_synack = 0, first_unreach = 0, max_te = 0, first_half_open = 0;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& cell = view.Test(ttl);
      if (cell.rst_attempts && first_rst == 0) first_rst = ttl;
      if (cell.synack_attempts && first_synack == 0) first_synack = ttl;
      if (cell.half_open_attempts && first_half_open == 0) first_half_open = ttl;
      if (cell.unreach_attempts && first_unreach == 0) first_unreach = ttl;
      if (cell.te_attempts) max_te = ttl;
    }

    if (first_rst != 0) {
      JudgeRst(view, group, first_rst, first_synack, &verdict);
    } else if (first_synack != 0) {
      verdict.verdict = VerdictKind::kReachable;
      verdict.evidence.push_back(SynAckEvidence(first_synack));
      verdict.supporting = CountTestTargetReplies(view);
    } else if (first_half_open != 0) {
      // The target answers the test's SYNs from a half-open connection of this flow (an
      // earlier SYN got through and our RST to its SYN-ACK was lost): not a silence.
      verdict.verdict = VerdictKind::kReachable;
      verdict.evidence.push_back(
          {"ack_from_half_open",
           absl::StrCat("the target answers the test flow's SYNs with a challenge ACK of a "
                        "half-open connection opened by the SYN with TTL ",
                        first_half_open, ": the port is open and the SYNs reach it")});
      verdict.supporting = CountTestTargetReplies(view);
    } else if (first_unreach != 0) {
      JudgeUnreachable(view, group, first_unreach, &verdict);
    } else {
      JudgeSilence(view, group, max_te, &verdict);
    }
    if (verdict.verdict == VerdictKind::kReachable && first_rst == 0 && Swept(index)) {
      JudgePassFraction(view, group, &verdict);
    }
    if (IsBlocking(verdict.verdict)) AddSameHostControls(view, &verdict);
    return verdict;
  }

  // Names the control kinds of the same host that reached it.
  void AddSameHostControls(const TargetView& view, Verdict* verdict) const {
    for (int kind = 1; kind < static_cast<int>(layout_.kinds.size()); ++kind) {
      for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
        if (!view.Control(kind, ttl).target_replied()) continue;
        const targets::ProbeKind& probe_kind = layout_.kinds[static_cast<size_t>(kind)];
        std::string name = probe_kind.type == probe::ProbeType::kIcmpEcho
                               ? std::string("ICMP echo")
                               : absl::StrCat("TCP port ", probe_kind.port);
        verdict->evidence.push_back({"same_host_control_passes",
                                     absl::StrCat(name, " of this host answers from TTL ", ttl)});
        break;
      }
    }
  }

  int CountTestTargetReplies(const TargetView& view) const {
    int count = 0;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& test = view.Test(ttl);
      count += __builtin_popcount(test.synack_attempts | test.rst_attempts | test.half_open_attempts);
    }
    return count;
  }

  // What a RST in the target's name says about who sent it: signs of a forgery
  // (`injected`), signs of the target itself (`genuine`), and whether the probe went on
  // past the sender (`raced`).
  struct RstTally {
    int injected = 0;
    int genuine = 0;
    bool raced = false;  // the probe went on past the injector
    bool double_answer = false;  // one probe drew the RST and the target's SYN-ACK
    // A RST TTL derived from the probe's (TrackRstTtl): the hops the sender may be on.
    int track_lo = 0;
    int track_hi = 0;
  };

  void JudgeRst(const TargetView& view, const GroupHops* group, int first_rst, int first_synack,
                Verdict* verdict) const {
    RstTally tally;
    CompareRstWithTarget(view, first_rst, &tally, verdict);
    FindRstRaces(view, first_rst, &tally, verdict);
    TrackRstTtl(view, first_rst, &tally, verdict);
    AddRstRtt(view, first_rst, verdict);
    ExcuseOneHopShort(view, first_rst, &tally, verdict);
    verdict->supporting = tally.injected;
    verdict->contradicting = tally.genuine;
    if (tally.injected == 0) {
      ReadRstAsTargets(view, first_rst, first_synack, tally.genuine, verdict);
      return;
    }
    AccuseRstInjection(view, group, first_rst, tally, verdict);
  }

  // Probe TTLs with a RST needed before its arriving TTL is read as tracking the probe's:
  // two could be an unequal-length balanced path's one-hop step.
  static constexpr int kMinTrackingTtls = 3;

  // A device that sets the RST's TTL from the probe's remaining TTL (plus a constant N)
  // sends it with t - h + 1 + N from hop h; it crosses h - 1 routers back, so it arrives
  // with t + c, c = 2 - 2h + N, and dies (no RST cell) while t + c < 1. A genuine RST's
  // arriving TTL does not move with t. Reading N >= -1 (a copy taken after this hop's
  // decrement included) bounds the hop from below: h >= (1 - c) / 2; so does every probe
  // below the first RST whose RST would have lived but did not come (it never reached
  // the device). The first RST bounds it from above, and the target's SYN-ACK to a probe
  // that drew the RST puts the device in front of the target.
  void TrackRstTtl(const TargetView& view, int first_rst, RstTally* tally,
                   Verdict* verdict) const {
    int ttls = 0, offset = 0;
    for (int ttl = first_rst; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& cell = view.Test(ttl);
      if (cell.rst_attempts == 0) continue;
      int here = static_cast<int>(cell.rst_reply_ttl) - ttl;
      if (ttls != 0 && here != offset) return;  // it does not rise one for one
      offset = here;
      ++ttls;
    }
    if (ttls < kMinTrackingTtls) return;
    int lo = std::max<int>(layout_.ttl_min, (2 - offset) / 2);  // ceil((1 - c) / 2)
    for (int ttl = layout_.ttl_min; ttl < first_rst; ++ttl) {
      if (ttl + offset >= 1 && view.Test(ttl).answered()) lo = std::max(lo, ttl + 1);
    }
    int hi = first_rst;
    if (tally->double_answer && verdict->distance != 0) hi = std::min(hi, verdict->distance - 1);
    if (lo > hi) lo = layout_.ttl_min;  // no N >= -1 fits: the first RST bounds it alone
    ++tally->injected;
    tally->track_lo = std::max<int>(lo, layout_.ttl_min);
    tally->track_hi = hi;
    verdict->evidence.push_back(
        {"rst_ttl_tracks_probe",
         absl::StrCat("the RST's IP TTL rises with the probe's (TTL t + ", offset, " at ", ttls,
                      " probe TTLs from ", first_rst,
                      "; a genuine RST's does not move): a device derives it from the probe "
                      "and its RSTs to lower TTLs die on the way back; it sits on hop ",
                      tally->track_lo, "..", tally->track_hi)});
  }

  // The RST against the target's distance and its genuine TCP replies (IP TTL, IP ID).
  void CompareRstWithTarget(const TargetView& view, int first_rst, RstTally* tally,
                            Verdict* verdict) const {
    const Cell& rst_cell = view.Test(first_rst);
    int distance = verdict->distance;
    if (distance != 0 && first_rst < distance) {
      ++tally->injected;
      verdict->evidence.push_back(
          {"rst_below_distance",
           absl::StrCat("RST in the target's name answered a probe with TTL ", first_rst,
                        "; the target is ", distance, " hops away")});
    } else if (distance != 0) {
      ++tally->genuine;
    }
    if (!view.has_genuine_tcp()) return;
    if (rst_cell.rst_reply_ttl != view.genuine_tcp_ttl()) {
      ++tally->injected;
      verdict->evidence.push_back(
          {"rst_ttl_differs", absl::StrCat("RST arrived with IP TTL ", rst_cell.rst_reply_ttl,
                                           "; the target's own TCP replies arrive with TTL ",
                                           view.genuine_tcp_ttl())});
    } else {
      ++tally->genuine;
    }
    if ((view.genuine_ipid() == 0) != (rst_cell.rst_ipid == 0)) {
      ++tally->injected;
      verdict->evidence.push_back(
          {"rst_ipid_differs",
           absl::StrCat("RST IP ID ", rst_cell.rst_ipid,
                        "; the target's own TCP replies use IP ID ", view.genuine_ipid())});
    }
  }

  // Answers beside the RST: a time exceeded for the same probe, later hops still
  // expiring probes, the target's SYN-ACK for the same probe.
  void FindRstRaces(const TargetView& view, int first_rst, RstTally* tally,
                    Verdict* verdict) const {
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& cell = view.Test(ttl);
      if ((cell.rst_attempts & cell.te_attempts) != 0 && cell.te_from != view.address()) {
        ++tally->injected;
        tally->raced = true;
        verdict->evidence.push_back(
            {"rst_and_time_exceeded",
             absl::StrCat("the probe with TTL ", ttl, " drew both a RST and a time exceeded from ",
                          IpAddressToString(cell.te_from))});
        break;
      }
    }
    for (int ttl = first_rst + 1; ttl <= layout_.ttl_max; ++ttl) {
      if (view.Test(ttl).te_attempts != 0) {
        tally->raced = true;
        verdict->evidence.push_back(
            {"probe_travelled_on", absl::StrCat("after the RST at TTL ", first_rst,
                                                ", probes still expired at hop ", ttl)});
        break;
      }
    }
    // Both answers to one probe: an injector raced the target. On different probes they
    // are what the target itself does when a SYN of the flow (its ports are the same for
    // every TTL and attempt) finds the connection a lost SYN-ACK left half-open.
    int double_answer_ttl = 0;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max && double_answer_ttl == 0; ++ttl) {
      if ((view.Test(ttl).rst_attempts & view.Test(ttl).synack_attempts) != 0) {
        double_answer_ttl = ttl;
      }
    }
    if (double_answer_ttl != 0) {
      ++tally->injected;
      tally->raced = true;
      tally->double_answer = true;
      verdict->evidence.push_back(
          {"rst_and_syn_ack", absl::StrCat("the probe with TTL ", double_answer_ttl,
                                           " drew a RST and the target's SYN-ACK: the RST raced "
                                           "the real reply")});
    }
  }

  // An RTT close to an earlier hop's rather than the target's is reported for the reader.
  void AddRstRtt(const TargetView& view, int first_rst, Verdict* verdict) const {
    const Cell& rst_cell = view.Test(first_rst);
    if (rst_cell.target_rtt_us < 0 || rst_cell.te_rtt_us >= 0) return;
    int32_t hop_rtt_us = -1;
    for (int ttl = first_rst - 1; ttl >= layout_.ttl_min && hop_rtt_us < 0; --ttl) {
      hop_rtt_us = view.Test(ttl).te_rtt_us;
    }
    if (hop_rtt_us >= 0) {
      verdict->evidence.push_back({"rst_rtt", absl::StrCat("RST RTT ", rst_cell.target_rtt_us,
                                                           " us; last hop before it answered in ",
                                                           hop_rtt_us, " us")});
    }
  }

  // One hop short of the distance with nothing else amiss is what an unequal-length
  // load-balanced path does to a genuine reply: do not call that an injection.
  void ExcuseOneHopShort(const TargetView& view, int first_rst, RstTally* tally,
                         Verdict* verdict) const {
    int distance = verdict->distance;
    bool only_one_short = tally->injected == 1 && distance != 0 && first_rst == distance - 1 &&
                          view.has_genuine_tcp() &&
                          view.Test(first_rst).rst_reply_ttl == view.genuine_tcp_ttl();
    if (!only_one_short) return;
    tally->injected = 0;
    verdict->evidence.push_back({"rst_one_hop_short",
                                 "RST one hop short of the distance but otherwise like the "
                                 "target's own replies: read as a shorter load-balanced path"});
  }

  // Nothing marks the RST as forged: the target's own, `closed` — or `reachable` when a
  // SYN-ACK came too and the RST answered a SYN into a half-open connection.
  void ReadRstAsTargets(const TargetView& view, int first_rst, int first_synack, int genuine,
                        Verdict* verdict) const {
    if (first_synack != 0) {
      verdict->verdict = VerdictKind::kReachable;
      verdict->evidence.push_back(SynAckEvidence(first_synack));
      verdict->evidence.push_back(
          {"rst_from_half_open", absl::StrCat("the RST at TTL ", first_rst,
                                              " answered another probe "
                                              "and is like the target's own replies: a SYN into "
                                              "the connection a lost SYN-ACK left half-open")});
      verdict->supporting = CountTestTargetReplies(view);
      verdict->contradicting = 0;
      return;
    }
    verdict->verdict = VerdictKind::kClosed;
    verdict->evidence.push_back(
        {"rst_from_target", absl::StrCat("RST from the target at TTL ", first_rst,
                                         ", consistent with its own replies")});
    verdict->supporting = genuine + 1;
    verdict->contradicting = 0;
  }

  // A forged RST: rst_injection once it is on kMinEvidenceProbes probes, in_path unless
  // the probe went on past the injector.
  void AccuseRstInjection(const TargetView& view, const GroupHops* group, int first_rst,
                          const RstTally& tally, Verdict* verdict) const {
    const bool raced = tally.raced;
    int rst_probes = 0;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      rst_probes += __builtin_popcount(view.Test(ttl).rst_attempts);
    }
    verdict->evidence_probes = rst_probes;
    if (rst_probes < kMinEvidenceProbes) {
      // One RST is one packet: a forger's lucky guess or a stray. Never an accusation.
      verdict->evidence.push_back(
          {"single_probe", absl::StrCat("only ", rst_probes,
                                        " test probe drew a RST; an "
                                        "injection needs it on ",
                                        kMinEvidenceProbes, " independent probes")});
      // Nor `reachable` when the SYN-ACK came too: an on-path injector lets the SYN on,
      // and its other RSTs may just be lost.
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "single_probe";
      return;
    }
    verdict->verdict = VerdictKind::kRstInjection;
    verdict->mechanism = raced ? Mechanism::kOnPath : Mechanism::kInPath;
    if (!raced) {
      verdict->evidence.push_back(
          {"probe_stopped",
           "no time exceeded from later hops and no SYN-ACK for the test probe: "
           "the device dropped the SYN and answered in the target's name"});
    }
    if (tally.track_hi == 0) {
      Locate(view, group, first_rst, verdict);
      return;
    }
    LocateTrackingRst(view, group, tally, verdict);
  }

  // The device is on a hop of [track_lo, track_hi]: after the last hop that answered
  // below track_lo, before the hop the controls see at track_hi.
  void LocateTrackingRst(const TargetView& view, const GroupHops* group, const RstTally& tally,
                         Verdict* verdict) const {
    Locate(view, group, tally.track_lo, verdict);
    for (int ttl = tally.track_hi; ttl <= layout_.ttl_max; ++ttl) {
      wire::IpAddress hop = ControlsHop(view, group, ttl);
      if (hop == wire::IpAddress()) continue;
      if (ttl > verdict->before_ttl) {
        verdict->before_ttl = ttl;
        verdict->before_addr = hop;
      }
      break;
    }
  }

  void JudgeUnreachable(const TargetView& view, const GroupHops* group, int first_unreach,
                        Verdict* verdict) const {
    const Cell& cell = view.Test(first_unreach);
    verdict->has_icmp = true;
    verdict->icmp_from = cell.unreach_from;
    verdict->icmp_code = cell.unreach_code;
    bool controls_same = false;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max && !controls_same; ++ttl) {
      for (int kind = 1; kind < static_cast<int>(layout_.kinds.size()); ++kind) {
        const Cell& control = view.Control(kind, ttl);
        if (control.unreach_attempts != 0 && control.unreach_code == cell.unreach_code) {
          controls_same = true;
        }
      }
    }
    const bool v6 = !view.address().is_v4();
    std::string detail =
        absl::StrCat(v6 ? "ICMPv6 " : "", "destination unreachable code ", cell.unreach_code,
                     " from ",
                     IpAddressToString(cell.unreach_from), " for the probe with TTL ", first_unreach);
    if (IsAdminProhibited(cell.unreach_code, v6) && !controls_same) {
      int prohibited_probes = 0;
      for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
        const Cell& test = view.Test(ttl);
        if (IsAdminProhibited(test.unreach_code, v6)) {
          prohibited_probes += __builtin_popcount(test.unreach_attempts);
        }
      }
      verdict->evidence.push_back({"icmp_admin_prohibited", detail});
      verdict->supporting = prohibited_probes;
      verdict->evidence_probes = prohibited_probes;
      if (prohibited_probes < kMinEvidenceProbes) {
        verdict->verdict = VerdictKind::kInconclusive;
        verdict->reason = "single_probe";
        verdict->evidence.push_back(
            {"single_probe", absl::StrCat("only ", prohibited_probes,
                                          " test probe drew it; a "
                                          "verdict needs ",
                                          kMinEvidenceProbes, " independent probes")});
        return;
      }
      verdict->verdict = VerdictKind::kIcmpProhibited;
      Locate(view, group, first_unreach, verdict);
      return;
    }
    verdict->verdict = VerdictKind::kUnreachable;
    verdict->evidence.push_back(
        {controls_same ? "controls_unreachable_too" : "icmp_unreachable", detail});
    verdict->supporting = 1;
    Locate(view, group, first_unreach, verdict);
  }

  // Per TTL around the test's last answer (`max_te`): TTLs beyond it where a control
  // answered, and TTLs up to it where a control answered and the test did not.
  struct SilenceTally {
    int beyond = 0;
    int lossy_before = 0;
  };

  void JudgeSilence(const TargetView& view, const GroupHops* group, int max_te,
                    Verdict* verdict) const {
    SilenceTally tally = TallySilence(view, group, max_te);
    bool own_reached = view.own_distance() != 0;
    bool group_reached = group != nullptr && group->distance != 0;
    bool any_control = AnyControlAnswered(view, group);
    if (max_te == 0 && !any_control) {
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "no_replies";
      return;
    }
    if (tally.beyond == 0) {
      ControlsStopToo(view, max_te, any_control, verdict);
      return;
    }
    verdict->supporting = tally.beyond + (own_reached ? 1 : 0);
    verdict->contradicting = tally.lossy_before;
    if (tally.beyond < 2 && !own_reached && !group_reached) {
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "weak_evidence";
      return;
    }
    SilenceTest silence = TestSilence(table_, view.index(), max_te);
    RecordSilenceTest(silence, verdict);
    if (silence.control_passes == 0) {
      // This host's controls die where its test dies; only other hosts get further. A
      // host that is down looks the same, unless the routes of the others go on past its
      // last hop (JudgeBlackhole).
      if (JudgeBlackhole(view, group, max_te, verdict)) return;
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "host_silent";
      verdict->evidence.push_back(
          {"same_host_controls_blocked_too",
           absl::StrCat("this host's test and control probes get no answer beyond hop ", max_te,
                        "; other hosts of its network answer beyond it")});
      return;
    }
    if (!SilenceProvesDrop(silence)) {
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "loss";
      verdict->evidence.push_back(
          {"silence_explained_by_loss", SilenceTestDetail(silence, max_te, "above")});
      return;
    }
    AccuseSilentDrop(view, group, max_te, tally, silence, verdict);
  }

  // The last TTL of the sweep window that holds `ttl`: windows of options_.window TTLs
  // from ttl_min, each sent as one round with every base attempt.
  int WindowTop(int ttl) const {
    const int window = options_.window;
    const int first = layout_.ttl_min + (ttl - layout_.ttl_min) / window * window;
    return std::min<int>(first + window - 1, layout_.ttl_max);
  }

  // What the other hosts of a group saw beyond a silent host's last hop.
  struct Witnesses {
    int hosts = 0;          // other hosts through the same last hop, answered by a router beyond it
    int64_t probes = 0;     // their probes at the silent host's TTLs (base attempts)
    int64_t answered = 0;   // of which drew an answer
  };

  // Other swept hosts of the group that passed hop `last` through the same router (any
  // router when `last` is the prober) and drew a time exceeded from a router in
  // (last, top]: that answer proves their window round went out, so all its rows count.
  Witnesses WitnessesBeyond(const TargetView& view, const GroupHops& group, int last,
                            int top) const {
    Witnesses seen;
    const wire::IpAddress hop = last >= layout_.ttl_min ? view.Test(last).te_from : wire::IpAddress();
    if (last >= layout_.ttl_min && hop == wire::IpAddress()) return seen;
    const int kinds = static_cast<int>(layout_.kinds.size());
    const auto base = static_cast<uint8_t>((1u << options_.attempts) - 1);
    for (uint64_t member : group.members) {
      if (member == view.index() || !Swept(member)) continue;
      TargetView other(table_, member, reach_ttl_max_);
      bool same_hop = last < layout_.ttl_min, router_beyond = false;
      int64_t answered = 0;
      for (int kind = 0; kind < kinds; ++kind) {
        if (!same_hop && other.Control(kind, last).te_from == hop) same_hop = true;
        for (int ttl = last + 1; ttl <= top; ++ttl) {
          const Cell cell = other.Control(kind, ttl);
          answered += std::popcount(static_cast<unsigned>(cell.answered_attempts() & base));
          if (cell.te_from != wire::IpAddress() && cell.te_from != other.address()) {
            router_beyond = true;
          }
        }
      }
      if (!same_hop || !router_beyond) continue;
      ++seen.hosts;
      seen.answered += answered;
      seen.probes += static_cast<int64_t>(top - last) * kinds * options_.attempts;
    }
    return seen;
  }

  // Every probe of this host — test and controls — dies after hop `last`, while other
  // hosts of its network, through the same hop, draw answers from routers beyond it: the
  // route to this host ends there (a null route). A host that is down does not look like
  // that: the routers before it still answer. Counts only rows the sweep surely sent (the
  // base attempts of the window that holds `last` + 1, which the answer at `last` or the
  // first window proves), and weighs the silence against the others' answer rate there.
  bool JudgeBlackhole(const TargetView& view, const GroupHops* group, int last,
                      Verdict* verdict) const {
    if (group == nullptr || options_.window <= 0 || options_.attempts <= 0 ||
        view.own_distance() != 0) {
      return false;
    }
    const int top = WindowTop(std::max<int>(last, layout_.ttl_min));
    if (top <= last) return false;  // the next window may not have gone to this host
    for (int ttl = last + 1; ttl <= layout_.ttl_max; ++ttl) {
      if (view.AnyAnswered(ttl)) return false;
    }
    const Witnesses seen = WitnessesBeyond(view, *group, last, top);
    const int kinds = static_cast<int>(layout_.kinds.size());
    const int silent = (top - last) * kinds * options_.attempts;
    if (seen.hosts < kMinWitnessHosts || seen.probes == 0) return false;
    const double pass = static_cast<double>(seen.answered) / static_cast<double>(seen.probes);
    const double p = std::pow(1 - pass, silent);
    if (silent < kMinEvidenceProbes || p > threshold_) return false;
    verdict->verdict = VerdictKind::kBlackholed;
    verdict->has_silence_test = true;
    verdict->test_probes = silent;
    verdict->control_probes = static_cast<int>(seen.probes);
    verdict->control_passes = static_cast<int>(seen.answered);
    verdict->p = p;
    verdict->threshold = threshold_;
    verdict->evidence_probes = silent;
    verdict->supporting = silent;
    verdict->evidence.push_back(
        {"all_probes_silent_beyond",
         absl::StrCat("none of this host's ", silent, " probes (test and controls) at TTL ",
                      last + 1, "..", top, " drew an answer")});
    verdict->evidence.push_back(
        {"other_hosts_pass_hop",
         absl::StrFormat("%d other host(s) of its network through hop %d draw answers from "
                         "routers beyond it; their probes there answered %d of %d: chance %.3g "
                         "that this host's silence is loss, within the budget %.3g",
                         seen.hosts, last, seen.answered, seen.probes, p, threshold_)});
    Locate(view, group, last + 1, verdict);
    return true;
  }

  SilenceTally TallySilence(const TargetView& view, const GroupHops* group, int max_te) const {
    SilenceTally tally;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      bool controls = ControlsAnswered(view, group, ttl);
      if (ttl > max_te && controls) ++tally.beyond;
      if (ttl <= max_te && controls && !view.Test(ttl).answered()) ++tally.lossy_before;
    }
    return tally;
  }

  // Did any control of this host, or any probe of another host of its group, answer?
  bool AnyControlAnswered(const TargetView& view, const GroupHops* group) const {
    return view.max_control_answer_ttl() != 0 ||
           (group != nullptr &&
            std::any_of(group->answering_targets.begin(), group->answering_targets.end(),
                        [](int n) { return n > 0; }));
  }

  // The controls die where the test dies: nothing singles out the test probe.
  void ControlsStopToo(const TargetView& view, int max_te, bool any_control,
                       Verdict* verdict) const {
    verdict->verdict = any_control ? VerdictKind::kUnreachable : VerdictKind::kInconclusive;
    if (!any_control) verdict->reason = "no_controls";
    verdict->evidence.push_back(
        {"controls_stop_too", absl::StrCat("test and controls get no answer beyond hop ",
                                           std::max(max_te, view.max_control_answer_ttl()))});
    verdict->has_location = true;
    verdict->after_ttl = max_te;
    verdict->after_addr = max_te == 0 ? wire::IpAddress() : view.Test(max_te).te_from;
  }

  void RecordSilenceTest(const SilenceTest& silence, Verdict* verdict) const {
    verdict->has_silence_test = true;
    verdict->test_probes = silence.test_probes;
    verdict->control_probes = silence.control_probes;
    verdict->control_passes = silence.control_passes;
    verdict->p = silence.p;
    verdict->threshold = threshold_;
    verdict->evidence_probes = silence.test_probes;
  }

  // The silence test's figures against the budget; `against` is "above" or "within".
  std::string SilenceTestDetail(const SilenceTest& silence, int max_te,
                                absl::string_view against) const {
    return absl::StrFormat(
        "%d silent test probe(s) beyond hop %d where controls answered %d of %d: chance %.3g "
        "under the controls' loss, %s the budget %.3g",
        silence.test_probes, max_te, silence.control_passes, silence.control_probes, silence.p,
        against, threshold_);
  }

  // The test's silence is beyond what the controls' loss explains: silent_drop.
  void AccuseSilentDrop(const TargetView& view, const GroupHops* group, int max_te,
                        const SilenceTally& tally, const SilenceTest& silence,
                        Verdict* verdict) const {
    verdict->verdict = VerdictKind::kSilentDrop;
    verdict->evidence.push_back(
        {"silence_beyond_loss", SilenceTestDetail(silence, max_te, "within")});
    verdict->evidence.push_back(
        {"test_silent_beyond",
         absl::StrCat("test probes get no answer beyond hop ", max_te, "; controls get answers at ",
                      tally.beyond, " TTL(s) beyond it")});
    if (view.own_distance() != 0) {
      verdict->evidence.push_back(
          {"controls_reach_target",
           absl::StrCat("this host answers its control probes from TTL ", view.own_distance())});
    }
    if (tally.lossy_before > 0) {
      verdict->evidence.push_back(
          {"lossy_hops_before", absl::StrCat(tally.lossy_before,
                                             " hop(s) before the filter answered "
                                             "controls but not the test probe")});
    }
    Locate(view, group, max_te + 1, verdict);
  }

  // The pass-fraction test of a target whose test got through at least once.
  std::optional<PartialTest> PassTest(const TargetView& view) const {
    if (view.own_distance() == 0) return std::nullopt;  // the controls never proved the path
    // A half-open connection of the test flow answers later SYNs with (rate-limited)
    // challenge ACKs in the name of the SYN that opened it: the target's silence then is
    // no loss, so only the hops before it count.
    const int ttl_hi = PassTestTtlHi(view);
    const int from =
        LossChangeTtl(TallyTestLoss(table_, view.index(), ttl_hi), layout_.ttl_min);
    if (from == 0) return std::nullopt;
    return TestPartial(table_, view.index(), from, ttl_hi);
  }

  // When PassTest's change point leaves too few rows to test (the last TTL's rows all
  // lost by chance make the likeliest "change"): the pass test from the likeliest change
  // that leaves enough rows. Only ever asks for more rows, never decides a verdict: its
  // change point may lie before the filter.
  std::optional<PartialTest> WiderPassTest(const TargetView& view) const {
    const int ttl_hi = PassTestTtlHi(view);
    const int from = LossChangeTtl(TallyTestLoss(table_, view.index(), ttl_hi), layout_.ttl_min,
                                   kMinPartialProbes);
    if (from == 0) return std::nullopt;
    return TestPartial(table_, view.index(), from, ttl_hi);
  }

  int PassTestTtlHi(const TargetView& view) const {
    return TestFlowHalfOpen(view) ? view.own_distance() - 1 : layout_.ttl_max;
  }

  bool TestFlowHalfOpen(const TargetView& view) const {
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      if (view.Test(ttl).half_open_attempts) return true;
    }
    return false;
  }

  bool PassesApart(const PartialTest& test) const {
    return test.test_probes >= kMinPartialProbes && test.test_ci.high < test.control_ci.low;
  }

  bool PartialProven(const PartialTest& test) const {
    return PassesApart(test) && test.test_probes - test.test_passes >= kMinEvidenceProbes &&
           test.p <= threshold_;
  }

  // The test got through sometimes, less often than chance allows, and nothing is decided:
  // retry rows and deeper windows are worth it.
  bool PartialSuspected(const TargetView& view) const {
    bool reached = false;
    for (int ttl = layout_.ttl_min; ttl <= layout_.ttl_max; ++ttl) {
      const Cell& test = view.Test(ttl);
      if (test.rst_attempts || test.unreach_attempts) return false;
      reached = reached || (test.synack_attempts | test.half_open_attempts) != 0;
    }
    if (!reached) return false;
    std::optional<PartialTest> test = PassTest(view);
    if (!test) return false;
    if (test->test_probes < kMinPartialProbes) {
      std::optional<PartialTest> wider = WiderPassTest(view);
      return wider && wider->p <= kPartialSuspicion;
    }
    return test->p <= kPartialSuspicion && !PartialProven(*test);
  }

  // Whole rows of every TTL (up to `ttl_limit`) at which this host's controls answered.
  void AddPathRows(const TargetView& view, int ttl_limit, std::vector<CellRef>* cells) const {
    for (int ttl = layout_.ttl_min; ttl <= std::min<int>(ttl_limit, layout_.ttl_max); ++ttl) {
      if (view.ControlAnswered(ttl)) cells->push_back({view.index(), ttl});
    }
  }

  // A proven partial drop whose interval reaches back over hops with too few passing rows
  // to rule the filter out there: those hops' rows again, for a narrower interval.
  void AddPartialIntervalRows(const TargetView& view, int ttl_limit,
                              std::vector<CellRef>* cells) const {
    std::optional<PartialTest> test = PassTest(view);
    if (!test || !PartialProven(*test)) return;
    const int after = PartialAfterTtl(view, *test);
    for (int ttl = std::max<int>(after + 1, layout_.ttl_min);
         ttl < test->from_ttl && ttl <= ttl_limit; ++ttl) {
      if (view.ControlAnswered(ttl)) cells->push_back({view.index(), ttl});
    }
  }

  // The last hop that the test's rows rule out as the filter's: the hop before the
  // earliest TTL at which the test could start losing, within a likelihood ratio of
  // 1 / false_accusation_rate of the most likely change point. 0: the prober. (pass^rows
  // of the hops before from_ttl misplaced 1 in 14 lab filters: from_ttl is biased late
  // whenever hops past the filter pass by luck.)
  int PartialAfterTtl(const TargetView& view, const PartialTest& test) const {
    const std::vector<TtlLoss> tally = TallyTestLoss(table_, view.index(), PassTestTtlHi(view));
    const double level = std::clamp(options_.false_accusation_rate, 1e-12, 0.5);
    const int earliest =
        LossChangeEarliestTtl(tally, layout_.ttl_min, test.from_ttl, std::log(1 / level));
    return std::max(earliest - 1, 0);
  }

  // A reachable test that passes significantly less often than its controls: partial_drop,
  // or inconclusive (loss) when the budget is not met.
  void JudgePassFraction(const TargetView& view, const GroupHops* group, Verdict* verdict) const {
    std::optional<PartialTest> test = PassTest(view);
    if (!test || !PassesApart(*test) || test->p > kUndecidedFactor * threshold_) return;
    RecordPassTest(*test, verdict);
    verdict->supporting = test->test_probes - test->test_passes;
    verdict->contradicting = 0;
    verdict->evidence_probes = test->test_probes;
    if (!PartialProven(*test)) {
      verdict->verdict = VerdictKind::kInconclusive;
      verdict->reason = "loss";
      verdict->evidence.push_back({"pass_fraction_explained_by_loss", PassTestDetail(*test, "above")});
      return;
    }
    verdict->verdict = VerdictKind::kPartialDrop;
    verdict->evidence.push_back({"pass_fraction_below_controls", PassTestDetail(*test, "within")});
    LocatePartial(view, group, *test, verdict);
  }

  void RecordPassTest(const PartialTest& test, Verdict* verdict) const {
    verdict->has_pass_test = true;
    verdict->pass_from_ttl = test.from_ttl;
    verdict->pass_probes = test.test_probes;
    verdict->test_passes = test.test_passes;
    verdict->pass_fraction = test.test_fraction();
    verdict->pass_ci_low = test.test_ci.low;
    verdict->pass_ci_high = test.test_ci.high;
    verdict->control_pass_probes = test.control_probes;
    verdict->control_pass_count = test.control_passes;
    verdict->control_pass_fraction = test.control_fraction();
    verdict->control_ci_low = test.control_ci.low;
    verdict->control_ci_high = test.control_ci.high;
    verdict->pass_p = test.p;
    verdict->threshold = threshold_;
  }

  std::string PassTestDetail(const PartialTest& test, absl::string_view against) const {
    return absl::StrFormat(
        "from TTL %d the test passed %d of %d rows where a control answered (%.2f, 95 %% CI "
        "%.2f-%.2f), the controls %d of %d (%.2f, CI %.2f-%.2f): chance %.3g under the "
        "controls' loss, %s the budget %.3g",
        test.from_ttl, test.test_passes, test.test_probes, test.test_fraction(), test.test_ci.low,
        test.test_ci.high, test.control_passes, test.control_probes, test.control_fraction(),
        test.control_ci.low, test.control_ci.high, test.p, against, threshold_);
  }

  // Where the test starts losing more (`from_ttl`) is the interval's far end; its near end
  // reaches back over the hops whose passing rows could be luck at the measured fraction.
  void LocatePartial(const TargetView& view, const GroupHops* group, const PartialTest& test,
                     Verdict* verdict) const {
    const double pass = test.test_fraction();
    const int after = PartialAfterTtl(view, test);
    verdict->has_location = true;
    verdict->after_ttl = after >= layout_.ttl_min ? after : 0;
    verdict->after_addr = wire::IpAddress();
    if (verdict->after_ttl != 0) {
      verdict->after_addr = view.Test(after).te_from != wire::IpAddress()
                                ? view.Test(after).te_from
                                : ControlsHop(view, group, after);
    }
    // A change point past the destination (the test's rows just before it passed by luck)
    // still puts the filter before the destination: the bound is the destination's hop.
    const int first_lossy =
        view.own_distance() > 0 ? std::min(test.from_ttl, view.own_distance()) : test.from_ttl;
    for (int ttl = first_lossy; ttl <= layout_.ttl_max; ++ttl) {
      wire::IpAddress hop = ControlsHop(view, group, ttl);
      if (hop != wire::IpAddress()) {
        verdict->before_ttl = ttl;
        verdict->before_addr = hop;
        break;
      }
    }
    if (verdict->after_ttl < test.from_ttl - 1) {
      verdict->evidence.push_back(
          {"partial_interval",
           absl::StrFormat("the test starts losing rows at TTL %d; passing %.0f %% of the time, "
                           "its passes at hop(s) %d..%d do not rule the filter out there",
                           test.from_ttl, 100 * pass, verdict->after_ttl + 1,
                           test.from_ttl - 1)});
    }
  }

  // Scope: which controls still got through on the test port.
  void AssignScopes(std::vector<Verdict>& verdicts) const {
    absl::flat_hash_map<wire::IpAddress, std::pair<int, int>> passing_by_group;  // (passing, total)
    int control_hosts_passing = 0;
    for (const Verdict& v : verdicts) {
      bool passes = v.verdict == VerdictKind::kReachable || v.verdict == VerdictKind::kClosed;
      if (v.control_host) {
        control_hosts_passing += passes ? 1 : 0;
        continue;
      }
      auto& counts = passing_by_group[GroupKey(v.target)];
      counts.first += passes ? 1 : 0;
      ++counts.second;
    }
    for (Verdict& v : verdicts) {
      if (!IsBlocking(v.verdict)) continue;
      const auto& counts = passing_by_group[GroupKey(v.target)];
      int other_passing = counts.first + control_hosts_passing;
      int others = counts.second - 1 + static_cast<int>(control_host_indices_.size());
      if (other_passing > 0) {
        v.scope = Scope::kHost;
        v.evidence.push_back(
            {"other_hosts_pass", absl::StrCat(other_passing, " of ", others,
                                              " other host(s) answer on port ", v.port)});
      } else if (others > 0) {
        v.scope = Scope::kPrefix;
        v.evidence.push_back(
            {"other_hosts_blocked",
             absl::StrCat("none of ", others, " other host(s) answer on port ", v.port)});
      } else {
        v.scope = Scope::kPort;
      }
    }
  }

  const ObservationTable& table_;
  const JudgeOptions& options_;
  const LocateLayout& layout_;
  const int reach_ttl_max_;
  absl::flat_hash_map<wire::IpAddress, GroupHops> groups_;
  std::vector<uint64_t> control_host_indices_;
  double threshold_ = 0;
};

}  // namespace

std::vector<Verdict> JudgeAll(const ObservationTable& table, const JudgeOptions& options) {
  return Judge(table, options).Run();
}

std::vector<CellRef> SilentTestCells(const ObservationTable& table, const JudgeOptions& options,
                                     int ttl_limit) {
  return Judge(table, options).SilentTestCells(ttl_limit);
}

std::vector<uint64_t> TargetsToSweepDeeper(const ObservationTable& table,
                                           const JudgeOptions& options, int swept_ttl_max) {
  return Judge(table, options, swept_ttl_max).TargetsToSweepDeeper(swept_ttl_max);
}

}  // namespace cutpoint::locate
