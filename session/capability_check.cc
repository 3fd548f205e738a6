// SPDX-License-Identifier: Apache-2.0
#include "session/capability_check.h"

#include <linux/capability.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "session/privileges.h"

namespace cutpoint::session {

std::vector<NeededCapability> NeededCapabilities(bool tx_dpdk) {
  if (tx_dpdk) return {};
  return {{CAP_NET_RAW, "CAP_NET_RAW", "raw sockets and packet capture"}};
}

absl::Status CheckCapabilities(absl::string_view command,
                               const std::vector<NeededCapability>& needed,
                               const ProcessPrivilege& process) {
  std::vector<std::string> missing_names;
  std::vector<std::string> setcap_names;
  std::vector<std::string> whys;
  for (const NeededCapability& capability : needed) {
    if ((process.effective >> capability.number) & 1) continue;
    missing_names.push_back(capability.name);
    setcap_names.push_back(absl::AsciiStrToLower(capability.name));
    whys.push_back(capability.why);
  }
  if (missing_names.empty()) return absl::OkStatus();
  std::string path = process.binary_path.empty() ? "cutpoint" : process.binary_path;
  std::string setcap = absl::StrCat("sudo setcap ", absl::StrJoin(setcap_names, ","), "+ep ", path);
  std::string message =
      absl::StrCat(command, " needs ", absl::StrJoin(missing_names, " and "), " (",
                   absl::StrJoin(whys, "; "), "), which this process does not hold");
  if (process.uid_root) {
    // Root without the capability: a container or setpriv took it away.
    absl::StrAppend(&message, " although it runs as root (its capabilities were dropped): run it"
                              " with ", absl::StrJoin(missing_names, " and "),
                              ", or grant the file capability: ", setcap);
  } else {
    absl::StrAppend(&message, ". Fix: ", setcap, " (once), or run as root");
  }
  absl::StrAppend(&message, "; --dry-run needs no privilege");
  return absl::PermissionDeniedError(message);
}

absl::Status CheckLiveRunCapabilities(absl::string_view command, bool tx_dpdk) {
  long long effective = EffectiveCapabilities();
  if (effective < 0) return absl::OkStatus();
  ProcessPrivilege process;
  process.effective = static_cast<uint64_t>(effective);
  process.uid_root = geteuid() == 0;
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) process.binary_path = exe.string();
  return CheckCapabilities(command, NeededCapabilities(tx_dpdk), process);
}

}  // namespace cutpoint::session
