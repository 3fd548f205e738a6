// SPDX-License-Identifier: Apache-2.0
// The crafting path of IPv4 TCP SYN probes, eight at a time in AVX-512 registers: both AES
// stages (VAES, four blocks a register), the flow fields, the word, both checksums and the
// header words of eight probes are computed lane-parallel; each probe then takes its
// template and four 8-byte header words. A scan's bursts are all of this kind, and this is
// where ProbeBuilder::BuildBatch spends its time on them.
//
// Byte-identical to ProbeBuilder::Build (probe format 3, probe_codec.h); the unit tests
// compare the two on random specs. Needs avx512f/bw/dq/vl and VAES, checked at run time
// (Syn4KernelSupported); the build's baseline ISA does not change.
#ifndef CUTPOINT_ENGINE_PROBE_SYN4_KERNEL_H_
#define CUTPOINT_ENGINE_PROBE_SYN4_KERNEL_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_layout.h"

namespace cutpoint::probe {

struct Syn4KernelParams {
  const uint8_t (*flow_keys)[16];  // AES-128 round keys (11) of Kf and Km
  const uint8_t (*mac_keys)[16];
  const uint8_t* probe_template;  // kTcpSynProbeLen bytes: the IPv4 SYN with zero fields
  uint32_t ip_sum;                // the template's header sum, TTL excluded
  uint32_t tcp_sum;               // its TCP sum with the pseudo-header's constant part
};

// Whether this CPU and OS run the kernel.
bool Syn4KernelSupported();

// The longest run of whole groups of 8 IPv4 TCP SYN specs at the front of specs[0..n):
// their probes, sent at `send_us`, go to outs[i] + l2_len, behind the `l2_len` bytes of
// `l2_header` (l2_len <= kMaxSyn4L2Len: 0, or an Ethernet header's 14). outs[i] must hold
// 64 bytes. Returns how many specs were built (a multiple of 8); the kernel stops at the
// first group with a spec of another family or type.
inline constexpr size_t kMaxSyn4L2Len = 64 - kTcpSynProbeLen;
inline constexpr size_t kSyn4Lanes = 8;
size_t BuildSyn4(const Syn4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs);

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_SYN4_KERNEL_H_
