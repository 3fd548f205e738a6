// SPDX-License-Identifier: Apache-2.0
// The data the report's script draws from: a ReportModel as one compact JSON document
// (short keys, replies grouped per target) for <script type="application/json">.
#ifndef CUTPOINT_ENGINE_REPORT_REPORT_DATA_H_
#define CUTPOINT_ENGINE_REPORT_REPORT_DATA_H_

#include <cstddef>
#include <string>

#include "engine/report/report_model.h"

namespace cutpoint::report {

// {"targets": [{"t": target, "p": port, "v": verdict ("" for trace targets), "f": index of
//   its file (in order of first appearance), "m", "r",
//   "a"/"aa": after ttl/addr, "b"/"ba": before ttl/addr, "ic"/"if": icmp code/from,
//   "sc", "cp", "d", "asn", "ev": [[name, detail]], "cf": confidence, "vt": vantage}],
//  "replies": {"FILE-INDEX TARGET": [[probe, port, ttl, attempt, kind, from, reply_ttl, ipid,
//  rtt_us,
//   flags, icmp_code, from_asn, quoted_ttl]]}}
// Trace outputs (replies, no verdicts) get one entry per replying target.
// Replies are embedded for at most `max_ladder_targets` targets — every blocked target,
// then the others in input order — so a huge run still gives a page a browser opens;
// "omitted" counts the targets whose ladders were left out.
inline constexpr size_t kDefaultMaxLadderTargets = 20000;
std::string ReportDataJson(const ReportModel& model,
                           size_t max_ladder_targets = kDefaultMaxLadderTargets);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_REPORT_DATA_H_
