#include "tools/cutpoint/privileges.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace cutpoint::cli {
namespace {

absl::Status ClearCapabilities() {
  // Empty the bounding set first so nothing can be regained through execve.
  for (int cap = 0; cap <= 63; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  }
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, data) != 0) {
    return absl::InternalError(absl::StrCat("dropping capabilities failed: ", strerror(errno)));
  }
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return absl::OkStatus();
}

}  // namespace

absl::Status DropPrivileges(const std::string& user) {
  if (!user.empty()) {
    if (geteuid() != 0) {
      return absl::PermissionDeniedError("--user needs cutpoint to start as root");
    }
    passwd* entry = getpwnam(user.c_str());
    if (entry == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown user '", user, "'"));
    if (setgroups(0, nullptr) != 0 || setgid(entry->pw_gid) != 0 || setuid(entry->pw_uid) != 0) {
      return absl::InternalError(absl::StrCat("switching to user '", user, "' failed: ", strerror(errno)));
    }
    if (setuid(0) == 0) return absl::InternalError("could regain root after switching user");
  }
  return ClearCapabilities();
}

long long EffectiveCapabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::strtoll(line.c_str() + 7, nullptr, 16);
  }
  return -1;
}

}  // namespace cutpoint::cli
