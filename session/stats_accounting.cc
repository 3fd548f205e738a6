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
    case match::MatchOutcome::kRejected: {
      ++stats->rejected;
      report::RejectCounts& by = stats->rejected_by_reason;
      switch (reason) {
        case match::RejectReason::kBadFlowField:
          ++by.bad_flow_field;
          break;
        case match::RejectReason::kBadMac:
          ++by.bad_mac;
          break;
        case match::RejectReason::kNotOurTarget:
          ++by.not_our_target;
          break;
        case match::RejectReason::kOutOfPlan:
          ++by.out_of_plan;
          break;
        case match::RejectReason::kShortQuote:
          ++by.short_quote;
          break;
        case match::RejectReason::kStale:
          ++by.stale;
          break;
        case match::RejectReason::kFuture:
          ++by.future;
          break;
        case match::RejectReason::kNone:
          break;
      }
      break;
    }
    case match::MatchOutcome::kUnrelated:
    case match::MatchOutcome::kNotIpv4:
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
