// Least privilege: once the sockets and capture handles are open, Cutpoint needs no
// capability at all. DropPrivileges() clears every capability set (and the bounding set)
// and, when asked and running as root, switches to an unprivileged user.
#ifndef CUTPOINT_TOOLS_CUTPOINT_PRIVILEGES_H_
#define CUTPOINT_TOOLS_CUTPOINT_PRIVILEGES_H_

#include <string>

#include "absl/status/status.h"

namespace cutpoint::cli {

// `user` empty: keep the uid, drop capabilities only. Otherwise (root only) setgroups,
// setgid and setuid to that user first. Fails loudly rather than run with more rights
// than intended.
absl::Status DropPrivileges(const std::string& user);

// The effective capability mask of this process (from /proc/self/status), for tests and
// diagnostics; -1 if unreadable.
long long EffectiveCapabilities();

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_PRIVILEGES_H_
