// SPDX-License-Identifier: Apache-2.0
// Least privilege: once the sockets and capture handles are open, Cutpoint needs no
// capability at all. DropPrivileges() takes every capability away from every thread of
// the process (DPDK's included: see every_thread.h), sets NO_NEW_PRIVS, and, started as
// root, switches to an unprivileged user: `nobody` unless --user names another, or
// --keep-root keeps uid 0 (still without any capability).
#ifndef CUTPOINT_SESSION_PRIVILEGES_H_
#define CUTPOINT_SESSION_PRIVILEGES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cutpoint::session {

inline constexpr char kDefaultRunAsUser[] = "nobody";

struct PrivilegeOptions {
  std::string user;        // --user NAME; empty: kDefaultRunAsUser when started as root
  bool keep_root = false;  // --keep-root: started as root, stay uid 0
};

// Who the process will run as after DropPrivileges(), decided without changing anything
// (so that a bad --user is refused before any output is opened). Errors: --user without
// root (PermissionDenied), an unknown user, `--user root` without --keep-root, --user
// together with --keep-root (InvalidArgument).
struct RunAs {
  bool switch_user = false;  // false: keep the uid (not root, or --keep-root)
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};
absl::StatusOr<RunAs> ResolveRunAs(const PrivilegeOptions& options);

// In this order, every return code checked, in every thread: bounding set emptied (when
// CAP_SETPCAP is held: root, or a file capability including it; without it NO_NEW_PRIVS
// alone keeps execve from gaining anything) and NO_NEW_PRIVS set; then, started as root,
// setgroups/setgid/setuid to the user (glibc applies them to all threads); then permitted,
// effective, inheritable and ambient sets cleared, and every thread checked to hold none.
// Any failure is an error (PermissionDenied: a call failed; DeadlineExceeded: a thread
// did not answer); the caller must not go on.
absl::Status DropPrivileges(const PrivilegeOptions& options);

// After the switch, files written later (--resume, --status-file) need a directory the
// new user can write: checked right after DropPrivileges, before any probe is sent.
absl::Status CheckWritableAfterDrop(const std::string& flag, const std::string& path);

// The effective capability mask of this thread (from /proc/thread-self/status), for tests
// and diagnostics; -1 if unreadable.
long long EffectiveCapabilities();

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PRIVILEGES_H_
