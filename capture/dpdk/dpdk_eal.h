// SPDX-License-Identifier: Apache-2.0
// The EAL (DPDK's runtime), initialised once per process: InitEal() does it on first use
// and remembers the outcome; later calls with the same arguments return it, other
// arguments are refused. Unless the arguments say otherwise the runtime is private
// (--in-memory, or --no-shconf and a per-process --file-prefix with --no-huge) and has no
// telemetry socket, so that concurrent runs do not collide.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_EAL_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_EAL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace cutpoint::capture {

// `eal_args` split on whitespace, e.g. "--no-huge --no-pci -m 512 --vdev net_null0".
// Errors name the EAL's complaint.
absl::Status InitEal(absl::string_view eal_args);
bool EalInitialized();
// The CPUs this process could run on before the EAL pinned its main thread (the affinity
// seen by the first InitEal call; the current affinity before that).
std::vector<unsigned> UsableCpus();
// The argument vector InitEal passed (or would pass) to rte_eal_init.
std::vector<std::string> EalArgv(absl::string_view eal_args);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_EAL_H_
