// SPDX-License-Identifier: Apache-2.0
// The crafting path of IPv4 probes, eight of one type (TCP SYN or ICMP echo) at a time in
// AVX-512 registers: both AES stages (VAES, four blocks a register), the flow fields, the
// word, the checksums and the header words of eight probes are computed lane-parallel; each
// probe then takes its frame's constant bytes and its header words in two or three stores.
// A scan's bursts are all SYNs, read in place; trace and locate mix SYNs and echoes, which
// ClassifyProbe4 lists by type for the indexed kernels (each spec read where it is).
//
// Byte-identical to ProbeBuilder::Build (probe format 3, probe_codec.h); the unit tests
// compare the two on random specs. Needs avx512f/bw/dq/vl/vbmi2 and VAES, checked at run
// time (Probe4KernelSupported); the build's baseline ISA does not change.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE4_KERNEL_H_
#define CUTPOINT_ENGINE_PROBE_PROBE4_KERNEL_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_layout.h"

namespace cutpoint::probe {

struct Probe4KernelParams {
  const uint8_t (*flow_keys)[16];  // AES-128 round keys (11) of Kf and Km
  const uint8_t (*mac_keys)[16];
  // The probes with zero per-probe fields, and the sums ProbeBuilder prepares for them.
  const uint8_t* syn_template;   // kTcpSynProbeLen bytes
  uint32_t syn_ip_sum;           // header sum, TTL excluded
  uint32_t syn_tcp_sum;          // TCP sum with the pseudo-header's constant part
  const uint8_t* echo_template;  // kIcmpEchoProbeLen bytes
  uint32_t echo_ip_sum;
};

inline constexpr size_t kProbe4Lanes = 8;
// The longest link-layer header the kernels put in front (a frame is stored as 64 bytes).
inline constexpr size_t kMaxProbe4L2Len = 64 - kTcpSynProbeLen;

// Whether this CPU and OS run the kernels (and ClassifyProbe4).
bool Probe4KernelSupported();

// The longest run of whole groups of 8 IPv4 TCP SYN specs at the front of specs[0..n):
// their probes, sent at `send_us`, go to outs[i] + l2_len, behind the `l2_len` bytes of
// `l2_header` (l2_len <= kMaxProbe4L2Len: 0, or an Ethernet header's 14). outs[i] must
// hold 64 bytes. Returns how many specs were built (a multiple of 8): the kernel stops at
// the first group with a spec of another family or type.
size_t BuildSyn4(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs);

// A mixed block's IPv4 SYNs and echoes, listed for the indexed kernels below.
struct Probe4Classes {
  uint64_t syns = 0;     // bit i: specs[i] is an IPv4 TCP SYN
  uint64_t echoes = 0;   // bit i: an IPv4 ICMP echo
  size_t syn_count = 0;  // their numbers
  size_t echo_count = 0;
  // The set bits' positions, ascending, then zeros (a kernel computing a whole last group
  // reads up to 8 entries past its probes: spec 0 is as good as any).
  alignas(64) uint8_t syn_index[64];
  alignas(64) uint8_t echo_index[64];
};
// specs[0..n), n <= 64, classified.
Probe4Classes ClassifyProbe4(const ProbeSpec* specs, size_t n);

// The probes of specs[index[k]] for k < n, of the kernel's type (the caller classified
// them), into outs[index[k]] + l2_len behind the header as above. n need not be a multiple
// of 8: the last group is computed whole and stored only for its probes, so index must
// hold valid spec positions up to n rounded up to 8.
void BuildSyn4At(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                 const ProbeSpec* specs, const uint8_t* index, size_t n, int64_t send_us,
                 uint8_t* const* outs);
// The same for IPv4 ICMP echoes. Returns the specs (bit i: specs[i]) whose echo came out
// with IP ID 0 (a word with a zero low half, 1 in 65536), which Linux would rewrite: the
// caller builds them again with Build(), which claims an earlier tick.
uint64_t BuildEcho4At(const Probe4KernelParams& params, const uint8_t* l2_header, size_t l2_len,
                      const ProbeSpec* specs, const uint8_t* index, size_t n, int64_t send_us,
                      uint8_t* const* outs);

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE4_KERNEL_H_
