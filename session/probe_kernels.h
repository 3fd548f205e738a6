// SPDX-License-Identifier: Apache-2.0
// How the sender threads build probes (--probe-kernels): with the IPv4 AVX-512 kernels
// (engine/probe/probe4_kernel.h, 8 probes at a time) or the scalar path; the bytes are the
// same. The kernels pay where user space bounds the rate (DPDK). Where the kernel does most
// of the work per packet (raw socket, AF_PACKET, AF_XDP copy mode: several hundred ns each),
// the scalar path sent 3-7% more on the bench veth sink, alternating in one run, although
// it spends more time in user space (bench/README.md, "probe kernels"); so `auto` chooses
// by the backend.
#ifndef CUTPOINT_SESSION_PROBE_KERNELS_H_
#define CUTPOINT_SESSION_PROBE_KERNELS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::session {

enum class ProbeKernels : uint8_t { kAuto, kAvx512, kScalar };

// "auto", "avx512" or "scalar"; InvalidArgument naming the choices otherwise.
absl::StatusOr<ProbeKernels> ParseProbeKernels(absl::string_view name);

// Whether a sender thread builds with the kernels (where the CPU has them): `auto` for a
// backend bound by user space (PacketSender::UserSpaceBound), else as asked.
bool WantProbeKernels(ProbeKernels mode, bool user_space_bound);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PROBE_KERNELS_H_
