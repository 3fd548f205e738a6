// SPDX-License-Identifier: Apache-2.0
// An mtr-like hop table of one target's trace: per probe TTL, each responder with the
// share of the TTL's probes it answered, its RTT min/avg/max, the kinds of its replies
// and its AS when the replies are annotated. Pure: replies in, text out.
#ifndef CUTPOINT_ENGINE_REPORT_TRACE_TABLE_H_
#define CUTPOINT_ENGINE_REPORT_TRACE_TABLE_H_

#include <string>

#include "absl/types/span.h"
#include "engine/report/trace_reply.h"

namespace cutpoint::report {

struct TraceTableOptions {
  // Probes sent per TTL to the target (attempts × probe kinds). 0: unknown, then the
  // share counts against the probes of the TTL that drew any reply.
  int probes_per_ttl = 0;
  bool markdown = false;
};

// `replies` of one target (others are ignored: the first reply's target is the one). A
// TTL between the lowest and highest answered that nothing answered gets a "*" row.
// Responders of a TTL in order of first reply; each reply counts once per probe
// (probe kind, port, attempt), so an injected RST and the real SYN-ACK to one probe
// both show, each as one answered probe of its responder.
std::string FormatTraceTable(absl::Span<const TraceReply> replies,
                             const TraceTableOptions& options);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_TRACE_TABLE_H_
