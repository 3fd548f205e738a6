// SPDX-License-Identifier: Apache-2.0
// One reply as the per-hop views of a trace need it (engine/report/trace_table.h,
// atlas_export.h): made from a match::ReplyRecord during a run, or read back from a
// `reply` NDJSON record (docs/ndjson-schema.md) afterwards.
#ifndef CUTPOINT_ENGINE_REPORT_TRACE_REPLY_H_
#define CUTPOINT_ENGINE_REPORT_TRACE_REPLY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/match/reply_record.h"
#include "engine/probe/probe_codec.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

struct TraceReply {
  wire::IpAddress target;
  probe::ProbeType probe_type = probe::ProbeType::kTcpSyn;
  uint16_t port = 0;  // tcp-syn only
  int probe_ttl = 0;
  int attempt = 0;
  std::string kind;  // the NDJSON kind name: "time_exceeded", "syn_ack", …
  wire::IpAddress from;
  int reply_ttl = 0;
  int icmp_type = -1;  // -1: no ICMP reply
  int icmp_code = -1;
  std::string tcp_flags;  // "SA", "R", …; empty for ICMP replies
  int64_t rtt_us = 0;
  int64_t time_us = 0;  // receive time, microseconds since the Unix epoch
  std::optional<uint32_t> from_asn;  // "from_asn" of an annotated record (--asn-db)
};

TraceReply TraceReplyFromRecord(const match::ReplyRecord& record);

// One NDJSON line. nullopt for a record of another type; InvalidArgument for a line that
// is no JSON object, or a reply record missing a field the views need or having it of
// the wrong type.
absl::StatusOr<std::optional<TraceReply>> ParseTraceReplyLine(absl::string_view line);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_TRACE_REPLY_H_
