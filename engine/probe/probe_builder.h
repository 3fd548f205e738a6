// SPDX-License-Identifier: Apache-2.0
// Crafts probe packets (IP header onwards) into caller-owned buffers: a send batch slot,
// a ring slot or an mbuf. IPv4 targets get IPv4 probes, IPv6 targets IPv6 probes (layouts
// in probe_layout.h). Constant bytes come from templates prepared once per family; per
// probe only the identity fields and checksums are stamped. No allocation, no syscalls.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "engine/probe/probe4_kernel.h"
#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_layout.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/ip_address.h"
#include "engine/wire/source_addresses.h"

namespace cutpoint::probe {

// The source address of each family a run sends from (a dual-stack run has both).
// The run's source per family (v4: an IpAddress::V4, v6: an IPv6 address).
using ProbeSources = wire::SourceAddresses;

class ProbeBuilder {
 public:
  // Prepares the templates of each family that has a source. An address in the other
  // family's slot counts as no source for its slot's family.
  ProbeBuilder(const ProbeCodec& codec, const ProbeSources& sources);

  // Whether probes to targets of `family` can be built. Building one for a family without
  // a source is a programming error the caller prevents (the session checks every target
  // family before sending): such a probe carries the unspecified source address (0.0.0.0
  // or ::) and must not be sent.
  bool HasSource(wire::IpFamily family) const {
    return family == wire::IpFamily::kV4 ? sources_.v4.has_value() : sources_.v6.has_value();
  }
  const ProbeSources& sources() const { return sources_; }

  // Whether BuildBatch and BuildFrames run the IPv4 AVX-512 kernels: where the CPU and the
  // ciphers have them (the default), unless switched off here. Both paths build the same
  // bytes. A backend whose kernel does most of the work per packet sends faster without
  // them (session::ProbeKernels says when).
  void UseKernels(bool wanted) { kernels_ = wanted && kernels_available_; }
  bool uses_kernels() const { return kernels_; }

  // Writes the probe for `spec` sent at `send_us` (microseconds, wall clock) into `out`,
  // which must hold kMaxProbeLen bytes. Returns the packet length (ProbeLen).
  size_t Build(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const;

  // The same for a burst sent at `send_us`: specs[i] into outs[i], its length into
  // lens[i]; families may be mixed. Byte-identical to Build() per probe, but the keyed
  // blocks of the whole burst are computed together (see ProbeCodec::StampBatch), and
  // IPv4 TCP SYNs and ICMP echoes go eight of a type at a time through the AVX-512 kernels
  // where the CPU has them (probe4_kernel.h): the path senders use.
  void BuildBatch(std::span<const ProbeSpec> specs, int64_t send_us, uint8_t* const* outs,
                  uint16_t* lens) const;

  // BuildBatch into Ethernet frames: frames[i] gets `framing`'s header of the spec's family,
  // then the probe; lens[i] is the frame's length. Each frame must hold
  // kEthernetHeaderLen + kMaxProbeLen bytes. The IPv4 kernels write whole frames.
  // Returns the families built, as bits 1 << EthernetFraming slot (1: IPv4, 2: IPv6).
  unsigned BuildFrames(std::span<const ProbeSpec> specs, int64_t send_us,
                       const wire::EthernetFraming& framing, uint8_t* const* frames,
                       uint16_t* lens) const;

 private:
  // Constant bytes per family and the sums of their constant 16-bit words (identity
  // fields, TTL and checksums are zero in the templates; the transport sums include the
  // constant part of the pseudo-header).
  struct Ipv4Templates {
    uint32_t tcp_ip_sum = 0;
    uint32_t icmp_ip_sum = 0;
    uint32_t tcp_sum = 0;
    uint8_t tcp[kTcpSynProbeLen] = {};
    uint8_t icmp[kIcmpEchoProbeLen] = {};
  };
  struct Ipv6Templates {
    uint32_t tcp_sum = 0;
    uint32_t icmp_sum = 0;
    uint8_t tcp[kTcpSynProbeLenV6] = {};
    uint8_t icmp[kIcmpEchoProbeLenV6] = {};
  };

  static Ipv4Templates PrepareIpv4(uint32_t source);
  static Ipv6Templates PrepareIpv6(const wire::IpAddress& source);

  uint32_t EarlierTickWord(const ProbeSpec& spec, int64_t send_us) const;
  size_t BuildStamped(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                      uint8_t* out) const;
  size_t BuildTcpSyn(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                     uint8_t* out) const;
  size_t BuildIcmpEcho(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                       uint8_t* out) const;
  size_t BuildTcpSynV6(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                       uint8_t* out) const;
  size_t BuildIcmpEchoV6(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                         uint8_t* out) const;

  // The scalar path over specs[0..n), n <= ProbeCodec::kStampChunk: the probes at
  // outs[i] + l2_len, their lengths (l2_len not counted) in lens[i].
  void BuildChunk(const ProbeSpec* specs, size_t n, int64_t send_us, uint8_t* const* outs,
                  size_t l2_len, uint16_t* lens) const;
  // The scalar path over any n: probes at outs[i] (+ the header's length when framed), the
  // frame headers, lens[i] counting them; the families built ORed into *families.
  void FrameScalar(const ProbeSpec* specs, size_t n, int64_t send_us,
                   const wire::EthernetFraming* framing, uint8_t* const* outs, uint16_t* lens,
                   unsigned* families) const;
  // n <= kBlock specs with the kernels: its IPv4 SYNs and echoes through them, the rest
  // (IPv6, echoes with IP ID 0) scalar.
  static constexpr size_t kBlock = 64;  // ClassifyProbe4's most
  unsigned BuildBlock(const ProbeSpec* specs, size_t n, int64_t send_us,
                      const wire::EthernetFraming* framing, uint8_t* const* outs,
                      uint16_t* lens) const;
  // BuildBatch (framing null) and BuildFrames: lens[i] counts the Ethernet header.
  // Returns the families built, as BuildFrames does.
  unsigned BuildAll(std::span<const ProbeSpec> specs, int64_t send_us,
                    const wire::EthernetFraming* framing, uint8_t* const* outs,
                    uint16_t* lens) const;

  const ProbeCodec& codec_;
  ProbeSources sources_;
  Ipv4Templates v4_;
  Ipv6Templates v6_;
  bool kernels_available_ = false;  // the CPU and both ciphers have what they need
  bool kernels_ = false;            // whether BuildBatch runs the IPv4 kernels
  Probe4KernelParams kernel_params_{};
};

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_
