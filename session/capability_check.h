// SPDX-License-Identifier: Apache-2.0
// The capability check a live run makes before it opens anything: which capabilities the
// run needs, and a refusal that names the missing ones with the exact fix. The decision
// (CheckCapabilities) is pure, so every case is unit-tested without privilege; the wrapper
// (CheckLiveRunCapabilities) only reads this process's effective set, uid and binary path.
#ifndef CUTPOINT_SESSION_CAPABILITY_CHECK_H_
#define CUTPOINT_SESSION_CAPABILITY_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cutpoint::session {

struct NeededCapability {
  int number;        // CAP_NET_RAW etc., the bit in an effective mask
  const char* name;  // "CAP_NET_RAW": as the kernel documents it
  const char* why;   // what the run does with it
};

// What a live run certainly needs before its first probe. Raw sockets, AF_PACKET, AF_XDP
// and libpcap live capture all need CAP_NET_RAW (AF_XDP's CAP_NET_ADMIN only on kernels
// before 5.11, so not asked for). --tx dpdk needs nothing certain: a net_null vdev needs no
// capability, a PCI device more than CAP_NET_RAW; the EAL reports its own failures.
std::vector<NeededCapability> NeededCapabilities(bool tx_dpdk);

// The process as the check sees it.
struct ProcessPrivilege {
  uint64_t effective = 0;   // effective capability mask
  bool uid_root = false;    // euid 0 (a root process can still lack capabilities)
  std::string binary_path;  // the running binary (/proc/self/exe), for the setcap line
};

// OK when `process` holds every capability in `needed`; otherwise PermissionDenied
// (exit 3) naming the missing capabilities for `command` and the fix:
// "sudo setcap cap_net_raw+ep PATH", or running as root.
absl::Status CheckCapabilities(absl::string_view command,
                               const std::vector<NeededCapability>& needed,
                               const ProcessPrivilege& process);

// The check for this process: NeededCapabilities(tx_dpdk) against its effective set. An
// unreadable set passes (the socket that fails later says why).
absl::Status CheckLiveRunCapabilities(absl::string_view command, bool tx_dpdk);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_CAPABILITY_CHECK_H_
