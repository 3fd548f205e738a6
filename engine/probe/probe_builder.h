// Crafts probe packets (IPv4 header onwards) into caller-owned buffers: a send batch slot,
// a ring slot or an mbuf. Constant bytes come from a template prepared once; per probe
// only the identity fields and checksums are stamped. No allocation, no syscalls.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/probe/probe_codec.h"

namespace cutpoint::probe {

inline constexpr size_t kTcpSynProbeLen = 20 + 24;   // IPv4 + TCP with MSS option
inline constexpr size_t kIcmpEchoProbeLen = 20 + 16;  // IPv4 + ICMP echo with 8-byte payload
inline constexpr size_t kMaxProbeLen = kTcpSynProbeLen;
inline constexpr uint16_t kSynMss = 1460;
inline constexpr uint16_t kSynWindow = 65535;

class ProbeBuilder {
 public:
  ProbeBuilder(const ProbeCodec& codec, uint32_t source_address);

  // Writes the probe for `spec` sent at `send_us` (microseconds, wall clock) into `out`,
  // which must hold kMaxProbeLen bytes. Returns the packet length.
  size_t Build(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const;

  // The same for a burst sent at `send_us`: specs[i] into outs[i], its length into
  // lens[i]. Byte-identical to Build() per probe, but the keyed blocks of the whole burst
  // are computed together (see ProbeCodec::StampBatch): the path senders use.
  void BuildBatch(std::span<const ProbeSpec> specs, int64_t send_us, uint8_t* const* outs,
                  uint16_t* lens) const;

  uint32_t source_address() const { return source_; }

 private:
  size_t BuildStamped(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                      uint8_t* out) const;
  size_t BuildTcpSyn(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                     uint8_t* out) const;
  size_t BuildIcmpEcho(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                       uint8_t* out) const;

  static uint32_t TemplateIpSum(const uint8_t* ip);

  const ProbeCodec& codec_;
  uint32_t source_;
  uint32_t tcp_ip_sum_ = 0;    // constant IPv4 header words of the TCP template
  uint32_t icmp_ip_sum_ = 0;   // same for the ICMP template
  uint32_t tcp_sum_ = 0;       // constant pseudo-header + TCP template words
  uint8_t tcp_template_[kTcpSynProbeLen];
  uint8_t icmp_template_[kIcmpEchoProbeLen];
};

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_BUILDER_H_
