#include "engine/probe/probe_builder.h"

#include <algorithm>
#include <cstring>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"

namespace cutpoint::probe {
namespace {

using wire::StoreBe16;
using wire::StoreBe32;

constexpr size_t kIpLen = wire::kIpv4MinHeaderLen;

void PrepareIpv4(uint8_t* ip, uint16_t total_len, uint8_t protocol, uint32_t source) {
  ip[0] = 0x45;  // version 4, 20-byte header
  ip[1] = 0;
  StoreBe16(ip + 2, total_len);
  ip[8] = 64;
  ip[9] = protocol;
  StoreBe32(ip + 12, source);
}

// Checksums are the template's precomputed sum plus the per-probe fields (RFC 1624
// style incremental update): the constant bytes are never summed again.
inline uint16_t Finish(uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

inline uint32_t Split32(uint32_t value) { return (value >> 16) + (value & 0xffff); }

void StampIpv4(uint8_t* ip, uint32_t template_sum, uint16_t id, uint8_t ttl, uint32_t target) {
  StoreBe16(ip + 4, id);
  ip[8] = ttl;
  StoreBe32(ip + 16, target);
  StoreBe16(ip + 10, Finish(template_sum + id + (uint32_t{ttl} << 8) + Split32(target)));
}

}  // namespace

ProbeBuilder::ProbeBuilder(const ProbeCodec& codec, uint32_t source_address)
    : codec_(codec), source_(source_address) {
  std::memset(tcp_template_, 0, sizeof(tcp_template_));
  PrepareIpv4(tcp_template_, kTcpSynProbeLen, wire::kProtoTcp, source_);
  uint8_t* tcp = tcp_template_ + kIpLen;
  tcp[12] = 6 << 4;  // data offset: 24 bytes
  tcp[13] = wire::kTcpSyn;
  StoreBe16(tcp + 14, kSynWindow);
  tcp[20] = 2;  // MSS option: kind 2, length 4
  tcp[21] = 4;
  StoreBe16(tcp + 22, kSynMss);

  std::memset(icmp_template_, 0, sizeof(icmp_template_));
  PrepareIpv4(icmp_template_, kIcmpEchoProbeLen, wire::kProtoIcmp, source_);
  icmp_template_[kIpLen] = wire::kIcmpEchoRequest;

  // Sums of the constant bytes (identity fields, TTL and checksums are zero in the
  // templates); the TCP one includes the pseudo-header's constant part.
  tcp_ip_sum_ = TemplateIpSum(tcp_template_);
  icmp_ip_sum_ = TemplateIpSum(icmp_template_);
  tcp_sum_ = wire::AddChecksumBytes(Split32(source_) + wire::kProtoTcp + (kTcpSynProbeLen - kIpLen),
                                    tcp_template_ + kIpLen, kTcpSynProbeLen - kIpLen);
}

uint32_t ProbeBuilder::TemplateIpSum(const uint8_t* ip) {
  uint8_t header[kIpLen];
  std::memcpy(header, ip, kIpLen);
  header[8] = 0;  // the TTL is added per probe
  return wire::AddChecksumBytes(0, header, kIpLen);
}

size_t ProbeBuilder::Build(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const {
  ProbeStamp stamp;
  codec_.StampBatch(std::span(&spec, 1), SendTick(send_us), &stamp);
  return BuildStamped(spec, stamp, send_us, out);
}

void ProbeBuilder::BuildBatch(std::span<const ProbeSpec> specs, int64_t send_us,
                              uint8_t* const* outs, uint16_t* lens) const {
  constexpr size_t kChunk = 32;
  ProbeStamp stamps[kChunk];
  int64_t send_tick = SendTick(send_us);
  for (size_t begin = 0; begin < specs.size(); begin += kChunk) {
    size_t n = std::min(kChunk, specs.size() - begin);
    codec_.StampBatch(specs.subspan(begin, n), send_tick, stamps);
    for (size_t i = 0; i < n; ++i) {
      lens[begin + i] = static_cast<uint16_t>(
          BuildStamped(specs[begin + i], stamps[i], send_us, outs[begin + i]));
    }
  }
}

size_t ProbeBuilder::BuildStamped(const ProbeSpec& spec, const ProbeStamp& stamp,
                                  int64_t send_us, uint8_t* out) const {
  return spec.type == ProbeType::kTcpSyn ? BuildTcpSyn(spec, stamp, send_us, out)
                                         : BuildIcmpEcho(spec, stamp, send_us, out);
}

size_t ProbeBuilder::BuildTcpSyn(const ProbeSpec& spec, const ProbeStamp& stamp,
                                 int64_t send_us, uint8_t* out) const {
  std::memcpy(out, tcp_template_, kTcpSynProbeLen);
  const FlowFields& flow = stamp.flow;
  uint32_t word = stamp.word;
  // The IP ID carries the low 16 bits of the send time for ICMP quotes (finer RTTs).
  // Linux rewrites a zero IP ID on raw sockets, so zero is never used.
  uint16_t ip_id = static_cast<uint16_t>(send_us & 0xffff);
  if (ip_id == 0) ip_id = 1;
  StampIpv4(out, tcp_ip_sum_, ip_id, spec.ttl, spec.target.v4());
  uint8_t* tcp = out + kIpLen;
  StoreBe16(tcp, flow.tcp_sport);
  StoreBe16(tcp + 2, spec.port);
  StoreBe32(tcp + 4, word);
  StoreBe16(tcp + 16, Finish(tcp_sum_ + flow.tcp_sport + spec.port + Split32(word) +
                             Split32(spec.target.v4())));
  return kTcpSynProbeLen;
}

size_t ProbeBuilder::BuildIcmpEcho(const ProbeSpec& spec, const ProbeStamp& stamp, int64_t send_us,
                                   uint8_t* out) const {
  std::memcpy(out, icmp_template_, kIcmpEchoProbeLen);
  const FlowFields& flow = stamp.flow;
  uint32_t word = stamp.word;
  // The low half of the word is the IP ID, which must not be zero (see BuildTcpSyn): then
  // the probe claims an earlier tick (never a later one, which would read as future).
  if ((word & 0xffff) == 0) {
    FlowBlock block = codec_.FlowBlockOf(spec.target.v4(), ProbeType::kIcmpEcho, 0);
    for (int64_t tick = SendTick(send_us) - 1; (word & 0xffff) == 0; --tick) {
      word = codec_.EncodeWord(block, spec.ttl, spec.attempt, tick);
    }
  }
  StampIpv4(out, icmp_ip_sum_, static_cast<uint16_t>(word), spec.ttl, spec.target.v4());
  uint8_t* icmp = out + kIpLen;
  uint16_t send_low16 = static_cast<uint16_t>(send_us & 0xffff);
  StoreBe16(icmp + 2, flow.icmp_checksum);
  StoreBe16(icmp + 4, flow.icmp_id);
  StoreBe16(icmp + 6, static_cast<uint16_t>(word >> 16));
  StoreBe32(icmp + 8, word);
  StoreBe16(icmp + 12, send_low16);
  // Compensation word: makes the message sum to 0xffff with the checksum field fixed at
  // the flow's constant value, so the checksum (hashed by some balancers) never varies.
  uint32_t partial = (uint32_t{wire::kIcmpEchoRequest} << 8) + flow.icmp_checksum +
                     flow.icmp_id + (word >> 16) + Split32(word) + send_low16;
  StoreBe16(icmp + 14, Finish(partial));
  return kIcmpEchoProbeLen;
}

}  // namespace cutpoint::probe
