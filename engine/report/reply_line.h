// SPDX-License-Identifier: Apache-2.0
// The reply record as one NDJSON line, written straight into the caller's buffer: the
// `match` hot path formats millions of these, so no JsonLine, no per-field key scan, no
// capacity checks (one bound for the whole line), no allocation. Byte-identical to
// FormatReply + JsonLine::Finish, which stays the readable reference (reply_line_test.cc
// checks the two against each other).
#ifndef CUTPOINT_ENGINE_REPORT_REPLY_LINE_H_
#define CUTPOINT_ENGINE_REPORT_REPLY_LINE_H_

#include <cstddef>

#include "engine/match/reply_record.h"

namespace cutpoint::report {

// Upper bound on one reply line, newline included (every field at its widest and a full
// MPLS stack come to well under half of it; reply_line_test.cc checks the bound).
inline constexpr size_t kMaxReplyLineBytes = 2048;

// Writes the line for `reply` at `out`, which must have room for kMaxReplyLineBytes, and
// returns the end of what it wrote. `with_status` and `conflict` as for FormatReply.
char* WriteReplyLine(const match::ReplyRecord& reply, bool with_status, char* out,
                     bool conflict = false);

}  // namespace cutpoint::report

#endif  // CUTPOINT_ENGINE_REPORT_REPLY_LINE_H_
