// SPDX-License-Identifier: Apache-2.0
#include "engine/match/port_outcomes.h"

#include "engine/probe/probe_codec.h"

namespace cutpoint::match {

bool PortOutcomes::Contradicts(const ReplyRecord& reply) {
  if (reply.probe_type != probe::ProbeType::kTcpSyn) return false;
  uint8_t outcome = 0;
  switch (reply.kind) {
    case ReplyKind::kSynAck:
    case ReplyKind::kHalfOpenAck:
      outcome = kOpen;
      break;
    case ReplyKind::kRst:
      outcome = kClosed;
      break;
    default:
      return false;
  }
  uint8_t& seen = seen_[{reply.target, reply.port}];
  const uint8_t other = outcome == kOpen ? kClosed : kOpen;
  const bool contradicts = (seen & other) != 0;
  if (contradicts && (seen & outcome) == 0) ++conflicted_ports_;
  seen |= outcome;
  return contradicts;
}

}  // namespace cutpoint::match
