// SPDX-License-Identifier: Apache-2.0
#include "session/stats_accounting.h"

#include <optional>

namespace cutpoint::session {

bool MatchAndCount(const match::Matcher& matcher, wire::LinkType link,
                   const capture::CapturedFrame& frame, match::ReplyRecord* reply,
                   report::ScanStats* stats) {
  match::RejectReason reason = match::RejectReason::kNone;
  match::MatchOutcome outcome =
      matcher.MatchFrame(link, frame.data, frame.len, frame.time_us, reply, &reason);
  CountOutcome(outcome, reason, stats);
  return outcome == match::MatchOutcome::kMatched;
}

namespace {

// The counter of one rejection reason; none for kNone.
uint64_t* ReasonCounter(match::RejectReason reason, report::RejectCounts* by) {
  switch (reason) {
    case match::RejectReason::kBadFlowField:
      return &by->bad_flow_field;
    case match::RejectReason::kBadMac:
      return &by->bad_mac;
    case match::RejectReason::kNotOurTarget:
      return &by->not_our_target;
    case match::RejectReason::kOutOfPlan:
      return &by->out_of_plan;
    case match::RejectReason::kShortQuote:
      return &by->short_quote;
    case match::RejectReason::kStale:
      return &by->stale;
    case match::RejectReason::kFuture:
      return &by->future;
    case match::RejectReason::kNone:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

void CountOutcome(match::MatchOutcome outcome, match::RejectReason reason,
                  report::ScanStats* stats) {
  if (outcome == match::MatchOutcome::kOwnProbe) {
    ++stats->probes_sent;  // a capture holding both directions: count what was sent
    return;
  }
  ++stats->replies_seen;
  switch (outcome) {
    case match::MatchOutcome::kMatched:
      ++stats->matched;
      break;
    case match::MatchOutcome::kRejected:
      ++stats->rejected;
      if (uint64_t* counter = ReasonCounter(reason, &stats->rejected_by_reason)) ++*counter;
      break;
    case match::MatchOutcome::kUnrelated:
    case match::MatchOutcome::kNotIp:
      ++stats->unmatched;
      break;
    case match::MatchOutcome::kMalformed:
      ++stats->malformed;
      break;
    case match::MatchOutcome::kOwnProbe:
      break;
  }
}

void AddOutcomeCounts(const report::ScanStats& from, report::ScanStats* to) {
  to->probes_sent += from.probes_sent;
  to->replies_seen += from.replies_seen;
  to->matched += from.matched;
  to->rejected += from.rejected;
  to->unmatched += from.unmatched;
  to->malformed += from.malformed;
  const report::RejectCounts& by = from.rejected_by_reason;
  report::RejectCounts& sum = to->rejected_by_reason;
  sum.bad_flow_field += by.bad_flow_field;
  sum.bad_mac += by.bad_mac;
  sum.not_our_target += by.not_our_target;
  sum.out_of_plan += by.out_of_plan;
  sum.short_quote += by.short_quote;
  sum.stale += by.stale;
  sum.future += by.future;
}

void SetCaptureCounters(const capture::CaptureCounters& counters, report::ScanStats* stats) {
  stats->has_capture_stats = true;
  stats->pcap_received = counters.received;
  stats->pcap_dropped = counters.dropped;
  stats->pcap_ifdropped = counters.if_dropped;
}

void NoteTruncation(const capture::FrameSource& source, report::ScanStats* stats) {
  std::optional<capture::CaptureTruncation> cut = source.truncation();
  if (!cut) return;
  stats->capture_truncated = true;
  stats->truncated_at_byte = cut->offset;
}

}  // namespace cutpoint::session
