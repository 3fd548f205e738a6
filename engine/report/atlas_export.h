// SPDX-License-Identifier: Apache-2.0
// A trace in the RIPE Atlas traceroute result format (the JSON a measurement result
// download holds, firmware 4790 and later), so tools written for Atlas data (path
// analysis, AS path inference, visualizers) read cutpoint traces unchanged.
//
// One result per (target, probe kind, TCP port): Atlas results describe one flow, and
// cutpoint keeps one constant flow per (target, kind, port), so results of different
// ports are never mixed. msm_id and prb_id are 0 (no Atlas measurement or probe).
#ifndef CUTPOINT_ENGINE_REPORT_ATLAS_EXPORT_H_
#define CUTPOINT_ENGINE_REPORT_ATLAS_EXPORT_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "engine/report/trace_reply.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::report {

struct AtlasExportOptions {
  wire::IpAddress src_addr_v4;  // the prober's addresses (meta "source", "source_v6")
  wire::IpAddress src_addr_v6;
  int ttl_min = 1;
  int attempts = 0;    // probes per (target, kind, TTL); 0: the most attempts seen
  int probe_size = 0;  // probe packet size in bytes; 0: not stated ("size" left out)
};

// Results as JSON lines ("{...}\n"), in order of each flow's first reply. Hops run from
// ttl_min to the first TTL at which the target itself answered (Atlas stops there), or
// to the last TTL that drew any reply; each hop has `attempts` entries per attempt
// without a reply ({"x": "*"}), or one per reply of that attempt.
std::vector<std::string> ExportAtlasTraceroutes(absl::Span<const TraceReply> replies,
                                                const AtlasExportOptions& options);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_ATLAS_EXPORT_H_
