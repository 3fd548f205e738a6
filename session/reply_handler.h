// SPDX-License-Identifier: Apache-2.0
// What a session does with each matched reply, live or read from a file.
#ifndef CUTPOINT_SESSION_REPLY_HANDLER_H_
#define CUTPOINT_SESSION_REPLY_HANDLER_H_

#include <functional>

#include "absl/status/status.h"
#include "engine/match/reply_record.h"

namespace cutpoint::session {

// Called for every matched reply, in capture order (live: on the capture thread). An
// error stops the session and is what it returns.
using ReplyHandler = std::function<absl::Status(const match::ReplyRecord&)>;

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_REPLY_HANDLER_H_
