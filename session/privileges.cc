// SPDX-License-Identifier: Apache-2.0
#include "session/privileges.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "session/every_thread.h"

namespace cutpoint::session {
namespace {

constexpr std::chrono::milliseconds kThreadTimeout{2000};

// Read by the per-thread functions (signal handlers): set before RunInEveryThread.
int g_last_cap = CAP_LAST_CAP;
bool g_drop_bounding = false;
uid_t g_expected_uid = 0;
bool g_check_uid = false;
std::string* g_switched_to = nullptr;  // the user DropPrivileges switched to, for hints

// The kernel's highest capability number: /proc/sys/kernel/cap_last_cap (it may know
// more capabilities than the headers we were built with), else the headers' value.
int LastCapability() {
  std::ifstream file("/proc/sys/kernel/cap_last_cap");
  int last = -1;
  if (file >> last && last >= 0 && last < 64) return last;
  return CAP_LAST_CAP;
}

bool CapabilitySets(__user_cap_data_struct (&data)[_LINUX_CAPABILITY_U32S_3]) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  return syscall(SYS_capget, &header, data) == 0;
}

bool HoldsEffective(int cap) {
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (!CapabilitySets(data)) return false;
  return (data[cap / 32].effective >> (cap % 32)) & 1;
}

// Phase 1, per thread (async-signal-safe: raw syscalls only): empty the bounding set so no
// execve can regain a capability, and set NO_NEW_PRIVS. Before any setuid, while
// CAP_SETPCAP is still effective.
int DropBoundingSetAndNewPrivileges() {
  if (g_drop_bounding) {
    for (int cap = 0; cap <= g_last_cap; ++cap) {
      int held = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
      if (held < 0) return errno;
      if (held == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return errno;
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  return 0;
}

// Phase 2, per thread: clear ambient, permitted, effective and inheritable sets.
int ClearCapabilitySets() {
  // EINVAL: a kernel without ambient capabilities (< 4.3) has none to clear.
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return errno;
  }
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

// Phase 3, per thread: proves the result (ENOTRECOVERABLE: something is still held).
int VerifyDropped() {
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (!CapabilitySets(data)) return errno;
  for (const __user_cap_data_struct& word : data) {
    if (word.effective != 0 || word.permitted != 0 || word.inheritable != 0) return ENOTRECOVERABLE;
  }
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return ENOTRECOVERABLE;
  if (g_drop_bounding) {
    for (int cap = 0; cap <= g_last_cap; ++cap) {
      if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0) return ENOTRECOVERABLE;
    }
  }
  if (g_check_uid) {
    uid_t real = 0, effective = 0, saved = 0;
    if (syscall(SYS_getresuid, &real, &effective, &saved) != 0) return errno;
    if (real != g_expected_uid || effective != g_expected_uid || saved != g_expected_uid) {
      return ENOTRECOVERABLE;
    }
  }
  return 0;
}

absl::Status InEveryThread(ThreadFunction function, absl::string_view what) {
  absl::Status status = RunInEveryThread(function, kThreadTimeout);
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat("dropping privileges failed: ", what, ": ", status.message()));
}

absl::Status SwitchUser(const RunAs& run_as) {
  auto failed = [&](const char* call) {
    return absl::PermissionDeniedError(absl::StrCat("switching to user '", run_as.name,
                                                    "' failed: ", call, ": ", strerror(errno)));
  };
  // glibc applies each of these to every thread of the process.
  if (setgroups(0, nullptr) != 0) return failed("setgroups");
  if (setgid(run_as.gid) != 0) return failed("setgid");
  if (setuid(run_as.uid) != 0) return failed("setuid");
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) {
    return failed("getresuid");
  }
  if (ruid != run_as.uid || euid != run_as.uid || suid != run_as.uid || rgid != run_as.gid ||
      egid != run_as.gid || sgid != run_as.gid) {
    return absl::PermissionDeniedError(
        absl::StrCat("switching to user '", run_as.name, "' left another uid or gid in place"));
  }
  if (setuid(0) == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("could regain root after switching to user '", run_as.name, "'"));
  }
  return absl::OkStatus();
}

std::string CurrentUserName() {
  passwd* entry = getpwuid(getuid());
  return entry != nullptr ? std::string(entry->pw_name) : absl::StrCat("uid ", getuid());
}

}  // namespace

absl::StatusOr<RunAs> ResolveRunAs(const PrivilegeOptions& options) {
  RunAs run_as;
  if (geteuid() != 0) {
    if (!options.user.empty()) {
      return absl::PermissionDeniedError("--user needs cutpoint to start as root");
    }
    return run_as;  // already unprivileged; --keep-root has nothing to keep
  }
  const std::string& name = options.user.empty() ? std::string(kDefaultRunAsUser) : options.user;
  passwd* entry = getpwnam(name.c_str());
  if (entry == nullptr) {
    if (options.user.empty() && !options.keep_root) {
      return absl::InvalidArgumentError(absl::StrCat(
          "started as root, cutpoint switches to user '", kDefaultRunAsUser,
          "' once its sockets are open, but there is no such user: name one with --user NAME, "
          "or stay root (without capabilities) with --keep-root"));
    }
    if (!options.user.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown user '", name, "' (--user)"));
    }
  }
  bool names_root = entry != nullptr && entry->pw_uid == 0;
  if (options.keep_root) {
    if (!options.user.empty() && !names_root) {
      return absl::InvalidArgumentError("--user and --keep-root exclude each other");
    }
    run_as.name = "root";
    return run_as;
  }
  if (names_root) {
    return absl::InvalidArgumentError(
        absl::StrCat("--user ", name,
                     ": cutpoint keeps uid 0 only when told so with --keep-root (it "
                     "still drops every capability)"));
  }
  run_as.switch_user = true;
  run_as.name = entry->pw_name;
  run_as.uid = entry->pw_uid;
  run_as.gid = entry->pw_gid;
  return run_as;
}

absl::Status DropPrivileges(const PrivilegeOptions& options) {
  ASSIGN_OR_RETURN(RunAs run_as, ResolveRunAs(options));
  g_last_cap = LastCapability();
  // Emptying the bounding set needs CAP_SETPCAP; a process started with only
  // cap_net_raw has no way to, and relies on NO_NEW_PRIVS instead.
  g_drop_bounding = HoldsEffective(CAP_SETPCAP);
  g_check_uid = false;
  RETURN_IF_ERROR(InEveryThread(DropBoundingSetAndNewPrivileges, "bounding set and NO_NEW_PRIVS"));
  if (run_as.switch_user) {
    RETURN_IF_ERROR(SwitchUser(run_as));
    g_expected_uid = run_as.uid;
    g_check_uid = true;
    g_switched_to = new std::string(run_as.name);
  }
  RETURN_IF_ERROR(InEveryThread(ClearCapabilitySets, "capability sets"));
  absl::Status verified = InEveryThread(VerifyDropped, "a thread still holds a privilege");
  if (!verified.ok()) return absl::PermissionDeniedError(verified.message());
  return absl::OkStatus();
}

absl::Status CheckWritableAfterDrop(const std::string& flag, const std::string& path) {
  std::string directory = ".";
  if (size_t slash = path.rfind('/'); slash != std::string::npos) {
    directory = slash == 0 ? "/" : path.substr(0, slash);
  }
  // Written as PATH.tmp, then renamed over PATH: the directory must take both.
  bool writable = access(directory.c_str(), W_OK | X_OK) == 0;
  struct stat info;
  if (writable && stat(directory.c_str(), &info) == 0 && (info.st_mode & S_ISVTX) != 0) {
    for (const std::string& file : {path, path + ".tmp"}) {
      struct stat existing;
      if (stat(file.c_str(), &existing) == 0 && existing.st_uid != geteuid()) writable = false;
    }
  }
  if (writable) return absl::OkStatus();
  std::string user = CurrentUserName();
  return absl::PermissionDeniedError(absl::StrCat(
      flag, " ", path, ": user ", user, " cannot write in ", directory,
      g_switched_to != nullptr ? absl::StrCat(" (started as root, cutpoint runs as ", user,
                                              " once its sockets are open): pick a directory ",
                                              user, " can write, another --user, or --keep-root")
                               : ""));
}

long long EffectiveCapabilities() {
  std::ifstream status("/proc/thread-self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::strtoll(line.c_str() + 7, nullptr, 16);
  }
  return -1;
}

}  // namespace cutpoint::session
