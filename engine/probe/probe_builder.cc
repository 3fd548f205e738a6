// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe_builder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"

namespace cutpoint::probe {
namespace {

using wire::StoreBe16;
using wire::StoreBe32;

constexpr size_t kIpLen = wire::kIpv4MinHeaderLen;
constexpr size_t kIp6Len = kIpv6HeaderLen;

inline void StoreBe64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof(v));
}

// Checksums are the template's precomputed sum plus the per-probe fields (RFC 1624
// style incremental update): the constant bytes are never summed again.
inline uint16_t Finish(uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

inline uint32_t Split32(uint32_t value) { return (value >> 16) + (value & 0xffff); }
// The unfolded sum of an IPv6 address's eight 16-bit words (< 2^18): the four 32-bit
// words add up below 2^34, and 2^16 = 1 in one's complement arithmetic.
inline uint32_t AddressSum(const wire::IpAddress& address) {
  uint64_t high = address.high(), low = address.low();
  uint64_t sum = (high >> 32) + (high & 0xffffffff) + (low >> 32) + (low & 0xffffffff);
  return static_cast<uint32_t>((sum & 0xffff) + ((sum >> 16) & 0xffff) + (sum >> 32));
}

void PrepareIpv4Header(uint8_t* ip, uint16_t total_len, uint8_t protocol, uint32_t source) {
  ip[0] = 0x45;  // version 4, 20-byte header
  ip[1] = 0;
  StoreBe16(ip + 2, total_len);
  ip[8] = 64;
  ip[9] = protocol;
  StoreBe32(ip + 12, source);
}

uint32_t TemplateIpSum(const uint8_t* ip) {
  uint8_t header[kIpLen];
  std::memcpy(header, ip, kIpLen);
  header[8] = 0;  // the TTL is added per probe
  return wire::AddChecksumBytes(0, header, kIpLen);
}

void StampIpv4(uint8_t* ip, uint32_t template_sum, uint16_t id, uint8_t ttl, uint32_t target) {
  StoreBe16(ip + 4, id);
  ip[8] = ttl;
  StoreBe32(ip + 16, target);
  StoreBe16(ip + 10, Finish(template_sum + id + (uint32_t{ttl} << 8) + Split32(target)));
}

// Version 6, traffic class 0, flow label 0 (stamped per probe), hop limit 0 (per probe).
void PrepareIpv6Header(uint8_t* ip, uint16_t payload_len, uint8_t next_header,
                       const wire::IpAddress& source) {
  ip[0] = kIpv6Version << 4;
  StoreBe16(ip + kIpv6PayloadLenAt, payload_len);
  ip[kIpv6NextHeaderAt] = next_header;
  source.ToV6Bytes(ip + kIpv6SourceAt);
}

// IPv6 has no header checksum: the transport checksums cover the addresses instead.
void StampIpv6(uint8_t* ip, uint32_t flow_label, uint8_t hop_limit, const wire::IpAddress& target) {
  StoreBe32(ip, (uint32_t{kIpv6Version} << 28) | flow_label);
  ip[kIpv6HopLimitAt] = hop_limit;
  StoreBe64(ip + kIpv6DestinationAt, target.high());
  StoreBe64(ip + kIpv6DestinationAt + 8, target.low());
}

}  // namespace

ProbeBuilder::Ipv4Templates ProbeBuilder::PrepareIpv4(uint32_t source) {
  Ipv4Templates t;
  PrepareIpv4Header(t.tcp, kTcpSynProbeLen, wire::kProtoTcp, source);
  uint8_t* tcp = t.tcp + kIpLen;
  tcp[12] = (kSynTcpHeaderLen / 4) << 4;  // data offset
  tcp[13] = wire::kTcpSyn;
  StoreBe16(tcp + 14, kSynWindow);
  tcp[20] = 2;  // MSS option: kind 2, length 4
  tcp[21] = 4;
  StoreBe16(tcp + 22, kSynMss);

  PrepareIpv4Header(t.icmp, kIcmpEchoProbeLen, wire::kProtoIcmp, source);
  t.icmp[kIpLen] = wire::kIcmpEchoRequest;

  t.tcp_ip_sum = TemplateIpSum(t.tcp);
  t.icmp_ip_sum = TemplateIpSum(t.icmp);
  t.tcp_sum = wire::AddChecksumBytes(Split32(source) + wire::kProtoTcp + kSynTcpHeaderLen, tcp,
                                     kSynTcpHeaderLen);
  return t;
}

ProbeBuilder::Ipv6Templates ProbeBuilder::PrepareIpv6(const wire::IpAddress& source) {
  Ipv6Templates t;
  PrepareIpv6Header(t.tcp, kSynTcpHeaderLenV6, kNextHeaderTcp, source);
  uint8_t* tcp = t.tcp + kIp6Len;
  tcp[12] = (kSynTcpHeaderLenV6 / 4) << 4;  // data offset 9
  tcp[13] = wire::kTcpSyn;
  StoreBe16(tcp + 14, kSynWindow);
  const uint8_t options[] = {2, 4, kSynMssV6 >> 8, kSynMssV6 & 0xff,  // MSS
                             1, 1,                                    // NOP NOP
                             8, 10};  // timestamps: TSval, TSecr follow (stamped / 0)
  std::memcpy(tcp + kTcpOptionsAt, options, sizeof(options));

  PrepareIpv6Header(t.icmp, kEchoMessageLen, kNextHeaderIcmpv6, source);
  t.icmp[kIp6Len] = kIcmpv6EchoRequest;

  // Pseudo-header (RFC 8200 8.1): source, destination (per probe), upper-layer length,
  // next header.
  uint32_t source_sum = AddressSum(source);
  t.tcp_sum = wire::AddChecksumBytes(source_sum + kSynTcpHeaderLenV6 + kNextHeaderTcp, tcp,
                                     kSynTcpHeaderLenV6);
  t.icmp_sum =
      source_sum + kEchoMessageLen + kNextHeaderIcmpv6 + (uint32_t{kIcmpv6EchoRequest} << 8);
  return t;
}

ProbeBuilder::ProbeBuilder(const ProbeCodec& codec, const ProbeSources& sources) : codec_(codec) {
  if (sources.v4.has_value() && sources.v4->is_v4()) sources_.v4 = sources.v4;
  if (sources.v6.has_value() && !sources.v6->is_v4()) sources_.v6 = sources.v6;
  v4_ = PrepareIpv4(sources_.v4.has_value() ? sources_.v4->v4() : 0);
  v6_ = PrepareIpv6(sources_.v6.value_or(wire::IpAddress()));
  kernels_available_ = Probe4KernelSupported() && codec.flow_cipher().uses_aesni() &&
                       codec.mac_cipher().uses_aesni();
  kernels_ = kernels_available_;
  kernel_params_ = Probe4KernelParams{codec.flow_cipher().round_keys(),
                                      codec.mac_cipher().round_keys(),
                                      v4_.tcp,
                                      v4_.tcp_ip_sum,
                                      v4_.tcp_sum,
                                      v4_.icmp,
                                      v4_.icmp_ip_sum};
}

// The low half of an IPv4 ICMP word is the IP ID, which must not be zero (see BuildTcpSyn):
// then the probe claims an earlier tick (never a later one, which would read as future).
// Rare (1 in 65536), so kept out of the crafting loop.
[[gnu::cold, gnu::noinline]] uint32_t ProbeBuilder::EarlierTickWord(const ProbeSpec& spec,
                                                                    int64_t send_us) const {
  FlowBlock block = codec_.FlowBlockOf(spec.target, ProbeType::kIcmpEcho, 0);
  uint32_t word = 0;
  for (int64_t tick = SendTick(send_us) - 1; (word & 0xffff) == 0; --tick) {
    word = codec_.EncodeWord(block, spec.ttl, spec.attempt, tick);
  }
  return word;
}

// The crafting functions are inlined into Build and BuildBatch's loop (GCC keeps them out
// of line otherwise: calls per probe on the senders' path).
[[gnu::always_inline]] inline size_t ProbeBuilder::BuildTcpSyn(const ProbeSpec& spec,
                                                               const ProbeStamp& stamp,
                                                               int64_t send_us,
                                                               uint8_t* out) const {
  std::memcpy(out, v4_.tcp, kTcpSynProbeLen);
  const FlowFields& flow = stamp.flow;
  uint32_t word = stamp.word;
  uint32_t target = spec.target.v4();
  // The IP ID carries the low 16 bits of the send time for ICMP quotes (finer RTTs).
  // Linux rewrites a zero IP ID on raw sockets, so zero is never used.
  uint16_t ip_id = static_cast<uint16_t>(send_us & 0xffff);
  if (ip_id == 0) ip_id = 1;
  StampIpv4(out, v4_.tcp_ip_sum, ip_id, spec.ttl, target);
  uint8_t* tcp = out + kIpLen;
  StoreBe16(tcp, flow.tcp_sport);
  StoreBe16(tcp + 2, spec.port);
  StoreBe32(tcp + kTcpSeqAt, word);
  StoreBe16(tcp + kTcpChecksumAt,
            Finish(v4_.tcp_sum + flow.tcp_sport + spec.port + Split32(word) + Split32(target)));
  return kTcpSynProbeLen;
}

[[gnu::always_inline]] inline size_t ProbeBuilder::BuildIcmpEcho(const ProbeSpec& spec,
                                                                 const ProbeStamp& stamp,
                                                                 int64_t send_us,
                                                                 uint8_t* out) const {
  std::memcpy(out, v4_.icmp, kIcmpEchoProbeLen);
  const FlowFields& flow = stamp.flow;
  uint32_t word = stamp.word;
  if ((word & 0xffff) == 0) word = EarlierTickWord(spec, send_us);
  StampIpv4(out, v4_.icmp_ip_sum, static_cast<uint16_t>(word), spec.ttl, spec.target.v4());
  uint8_t* icmp = out + kIpLen;
  uint16_t send_low16 = static_cast<uint16_t>(send_us & 0xffff);
  StoreBe16(icmp + kEchoChecksumAt, flow.icmp_checksum);
  StoreBe16(icmp + kEchoIdAt, flow.icmp_id);
  StoreBe16(icmp + kEchoSeqAt, static_cast<uint16_t>(word >> 16));
  StoreBe32(icmp + kEchoWordAt, word);
  StoreBe16(icmp + kEchoSendUsLow16At, send_low16);
  // Compensation word: makes the message sum to 0xffff with the checksum field fixed at
  // the flow's constant value, so the checksum (hashed by some balancers) never varies.
  uint32_t partial = (uint32_t{wire::kIcmpEchoRequest} << 8) + flow.icmp_checksum + flow.icmp_id +
                     (word >> 16) + Split32(word) + send_low16;
  StoreBe16(icmp + kEchoCompensationAt, Finish(partial));
  return kIcmpEchoProbeLen;
}

[[gnu::always_inline]] inline size_t ProbeBuilder::BuildTcpSynV6(const ProbeSpec& spec,
                                                                 const ProbeStamp& stamp,
                                                                 int64_t send_us,
                                                                 uint8_t* out) const {
  std::memcpy(out, v6_.tcp, kTcpSynProbeLenV6);
  const FlowFields& flow = stamp.flow;
  StampIpv6(out, flow.flow_label, spec.ttl, spec.target);
  uint8_t* tcp = out + kIp6Len;
  // No IP ID in IPv6: the send time rides in TSval, quoted by ICMPv6 errors and echoed in
  // the TSecr of SYN-ACKs.
  uint32_t tsval = SynTsval(send_us);
  StoreBe16(tcp, flow.tcp_sport);
  StoreBe16(tcp + 2, spec.port);
  StoreBe32(tcp + kTcpSeqAt, stamp.word);
  StoreBe32(tcp + kSynV6TsvalAt, tsval);
  StoreBe16(tcp + kTcpChecksumAt, Finish(v6_.tcp_sum + AddressSum(spec.target) + flow.tcp_sport +
                                         spec.port + Split32(stamp.word) + Split32(tsval)));
  return kTcpSynProbeLenV6;
}

[[gnu::always_inline]] inline size_t ProbeBuilder::BuildIcmpEchoV6(const ProbeSpec& spec,
                                                                   const ProbeStamp& stamp,
                                                                   int64_t send_us,
                                                                   uint8_t* out) const {
  std::memcpy(out, v6_.icmp, kIcmpEchoProbeLenV6);
  const FlowFields& flow = stamp.flow;
  uint32_t word = stamp.word;
  StampIpv6(out, flow.flow_label, spec.ttl, spec.target);
  uint8_t* icmp = out + kIp6Len;
  uint16_t send_low16 = static_cast<uint16_t>(send_us & 0xffff);
  StoreBe16(icmp + kEchoChecksumAt, flow.icmp_checksum);
  StoreBe16(icmp + kEchoIdAt, flow.icmp_id);
  StoreBe16(icmp + kEchoSeqAt, static_cast<uint16_t>(word >> 16));
  StoreBe32(icmp + kEchoWordAt, word);
  StoreBe16(icmp + kEchoSendUsLow16At, send_low16);
  // Compensation word, as for IPv4, but the ICMPv6 checksum also covers the pseudo-header:
  // its sum (source, destination, length, next header) is absorbed too.
  uint32_t partial = v6_.icmp_sum + AddressSum(spec.target) + flow.icmp_checksum + flow.icmp_id +
                     (word >> 16) + Split32(word) + send_low16;
  StoreBe16(icmp + kEchoCompensationAt, Finish(partial));
  return kIcmpEchoProbeLenV6;
}

[[gnu::always_inline]] inline size_t ProbeBuilder::BuildStamped(const ProbeSpec& spec,
                                                                const ProbeStamp& stamp,
                                                                int64_t send_us,
                                                                uint8_t* out) const {
  bool tcp = spec.type == ProbeType::kTcpSyn;
  if (spec.target.is_v4()) {
    return tcp ? BuildTcpSyn(spec, stamp, send_us, out) : BuildIcmpEcho(spec, stamp, send_us, out);
  }
  return tcp ? BuildTcpSynV6(spec, stamp, send_us, out)
             : BuildIcmpEchoV6(spec, stamp, send_us, out);
}

size_t ProbeBuilder::Build(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const {
  ProbeStamp stamp;
  codec_.StampBatch(std::span(&spec, 1), SendTick(send_us), &stamp);
  return BuildStamped(spec, stamp, send_us, out);
}

void ProbeBuilder::BuildChunk(const ProbeSpec* specs, size_t n, int64_t send_us,
                              uint8_t* const* outs, size_t l2_len, uint16_t* lens) const {
  ProbeStamp stamps[ProbeCodec::kStampChunk];
  codec_.StampBatch(std::span(specs, n), SendTick(send_us), stamps);
  for (size_t i = 0; i < n; ++i) {
    lens[i] = static_cast<uint16_t>(BuildStamped(specs[i], stamps[i], send_us, outs[i] + l2_len));
  }
}

void ProbeBuilder::FrameScalar(const ProbeSpec* specs, size_t n, int64_t send_us,
                               const wire::EthernetFraming* framing, uint8_t* const* outs,
                               uint16_t* lens, unsigned* families) const {
  const size_t l2_len = framing != nullptr ? wire::kEthernetHeaderLen : 0;
  for (size_t begin = 0; begin < n; begin += ProbeCodec::kStampChunk) {
    const size_t count = std::min(ProbeCodec::kStampChunk, n - begin);
    BuildChunk(specs + begin, count, send_us, outs + begin, l2_len, lens + begin);
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t slot = specs[i].target.is_v4() ? 0 : 1;
    *families |= 1u << slot;
    if (framing == nullptr) continue;
    std::memcpy(outs[i], framing->header(slot).data(), wire::kEthernetHeaderLen);
    lens[i] = static_cast<uint16_t>(lens[i] + wire::kEthernetHeaderLen);
  }
}

unsigned ProbeBuilder::BuildBlock(const ProbeSpec* specs, size_t n, int64_t send_us,
                                  const wire::EthernetFraming* framing, uint8_t* const* outs,
                                  uint16_t* lens) const {
  // The kernels store each frame as 64 bytes: the Ethernet header and the longest IPv4
  // probe must fit.
  static_assert(wire::kEthernetHeaderLen <= kMaxProbe4L2Len);
  const size_t l2_len = framing != nullptr ? wire::kEthernetHeaderLen : 0;
  const uint8_t* v4_header = framing != nullptr ? framing->header(0).data() : nullptr;
  const auto syn_len = static_cast<uint16_t>(l2_len + kTcpSynProbeLen);
  const auto echo_len = static_cast<uint16_t>(l2_len + kIcmpEchoProbeLen);
  unsigned families = 0;
  // A scan's block is all IPv4 SYNs: the kernel reads it in place.
  const size_t leading = BuildSyn4(kernel_params_, v4_header, l2_len, specs, n, send_us, outs);
  std::fill(lens, lens + leading, syn_len);
  if (leading != 0) families |= 1;
  if (leading == n) return families;
  // A mixed block (trace, locate: SYNs and echoes): its IPv4 SYNs and echoes listed by type
  // for the indexed kernels, which read each spec and write each frame where it is (a
  // type's last group computed whole, cheaper than the scalar path even for one probe);
  // other families go the scalar path.
  specs += leading;
  outs += leading;
  lens += leading;
  n -= leading;
  const Probe4Classes classes = ClassifyProbe4(specs, n);
  const size_t syn_count = classes.syn_count;
  const size_t echo_count = classes.echo_count;
  if (syn_count != 0) {
    BuildSyn4At(kernel_params_, v4_header, l2_len, specs, classes.syn_index, syn_count, send_us,
                outs);
    families |= 1;
  }
  for (size_t k = 0; k < syn_count; ++k) lens[classes.syn_index[k]] = syn_len;
  // The rest, and the echoes that came out with IP ID 0: built again by the scalar path,
  // which claims an earlier tick.
  const uint64_t block = n == kBlock ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  uint64_t scalar = block & ~(classes.syns | classes.echoes);
  if (echo_count != 0) {
    scalar |= BuildEcho4At(kernel_params_, v4_header, l2_len, specs, classes.echo_index, echo_count,
                           send_us, outs);
    families |= 1;
  }
  for (size_t k = 0; k < echo_count; ++k) lens[classes.echo_index[k]] = echo_len;
  if (scalar == 0) return families;
  // Raw storage, not a ProbeSpec array: its default member initializers would write every
  // slot per block. memcpy creates the specs (an aggregate, trivially copyable: an
  // implicit-lifetime type).
  static_assert(std::is_trivially_copyable_v<ProbeSpec> && std::is_aggregate_v<ProbeSpec>);
  alignas(64) unsigned char storage[kBlock * sizeof(ProbeSpec)];
  uint8_t* scalar_outs[kBlock];
  uint8_t at[kBlock];
  size_t count = 0;
  for (uint64_t left = scalar; left != 0; left &= left - 1, ++count) {
    at[count] = static_cast<uint8_t>(std::countr_zero(left));
    std::memcpy(storage + count * sizeof(ProbeSpec), &specs[at[count]], sizeof(ProbeSpec));
    scalar_outs[count] = outs[at[count]];
  }
  uint16_t scalar_lens[kBlock];
  FrameScalar(reinterpret_cast<const ProbeSpec*>(storage), count, send_us, framing, scalar_outs,
              scalar_lens, &families);
  for (size_t k = 0; k < count; ++k) lens[at[k]] = scalar_lens[k];
  return families;
}

unsigned ProbeBuilder::BuildAll(std::span<const ProbeSpec> specs, int64_t send_us,
                                const wire::EthernetFraming* framing, uint8_t* const* outs,
                                uint16_t* lens) const {
  unsigned families = 0;
  if (!kernels_) {
    FrameScalar(specs.data(), specs.size(), send_us, framing, outs, lens, &families);
    return families;
  }
  for (size_t begin = 0; begin < specs.size(); begin += kBlock) {
    const size_t count = std::min(kBlock, specs.size() - begin);
    families |=
        BuildBlock(specs.data() + begin, count, send_us, framing, outs + begin, lens + begin);
  }
  return families;
}

void ProbeBuilder::BuildBatch(std::span<const ProbeSpec> specs, int64_t send_us,
                              uint8_t* const* outs, uint16_t* lens) const {
  BuildAll(specs, send_us, nullptr, outs, lens);
}

unsigned ProbeBuilder::BuildFrames(std::span<const ProbeSpec> specs, int64_t send_us,
                                   const wire::EthernetFraming& framing, uint8_t* const* frames,
                                   uint16_t* lens) const {
  return BuildAll(specs, send_us, &framing, frames, lens);
}

}  // namespace cutpoint::probe
