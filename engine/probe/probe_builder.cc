#include "engine/probe/probe_builder.h"

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

void StampIpv4(uint8_t* ip, uint16_t id, uint8_t ttl, uint32_t target) {
  StoreBe16(ip + 4, id);
  ip[8] = ttl;
  StoreBe16(ip + 10, 0);
  StoreBe32(ip + 16, target);
  StoreBe16(ip + 10, wire::InternetChecksum(ip, kIpLen));
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
}

size_t ProbeBuilder::Build(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const {
  return spec.type == ProbeType::kTcpSyn ? BuildTcpSyn(spec, send_us, out)
                                         : BuildIcmpEcho(spec, send_us, out);
}

size_t ProbeBuilder::BuildTcpSyn(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const {
  std::memcpy(out, tcp_template_, kTcpSynProbeLen);
  FlowFields flow = codec_.Flow(spec.target, spec.type, spec.port);
  uint32_t word = codec_.EncodeWord(spec, SendTicks(send_us));
  // The IP ID carries the low 16 bits of the send time for ICMP quotes (finer RTTs).
  // Linux rewrites a zero IP ID on raw sockets, so zero is never used.
  uint16_t ip_id = static_cast<uint16_t>(send_us & 0xffff);
  if (ip_id == 0) ip_id = 1;
  StampIpv4(out, ip_id, spec.ttl, spec.target);
  uint8_t* tcp = out + kIpLen;
  StoreBe16(tcp, flow.tcp_sport);
  StoreBe16(tcp + 2, spec.port);
  StoreBe32(tcp + 4, word);
  StoreBe16(tcp + 16,
            wire::TransportChecksumIpv4(source_, spec.target, wire::kProtoTcp, tcp,
                                        kTcpSynProbeLen - kIpLen));
  return kTcpSynProbeLen;
}

size_t ProbeBuilder::BuildIcmpEcho(const ProbeSpec& spec, int64_t send_us, uint8_t* out) const {
  std::memcpy(out, icmp_template_, kIcmpEchoProbeLen);
  FlowFields flow = codec_.Flow(spec.target, spec.type, 0);
  ProbeSpec icmp_spec = spec;
  icmp_spec.port = 0;
  uint16_t ticks = SendTicks(send_us);
  uint32_t word = codec_.EncodeWord(icmp_spec, ticks);
  // The low half of the word is the IP ID, which must not be zero (see BuildTcpSyn).
  while ((word & 0xffff) == 0) {
    ticks = static_cast<uint16_t>((ticks + 1) & kTickMask);
    word = codec_.EncodeWord(icmp_spec, ticks);
  }
  StampIpv4(out, static_cast<uint16_t>(word), spec.ttl, spec.target);
  uint8_t* icmp = out + kIpLen;
  StoreBe16(icmp + 2, flow.icmp_checksum);
  StoreBe16(icmp + 4, flow.icmp_id);
  StoreBe16(icmp + 6, static_cast<uint16_t>(word >> 16));
  StoreBe32(icmp + 8, word);
  StoreBe16(icmp + 12, static_cast<uint16_t>(send_us & 0xffff));
  // Compensation word: makes the message sum to 0xffff with the checksum field fixed at
  // the flow's constant value, so the checksum (hashed by some balancers) never varies.
  uint32_t partial = wire::AddChecksumBytes(0, icmp, kIcmpEchoProbeLen - kIpLen - 2);
  StoreBe16(icmp + 14, static_cast<uint16_t>(~wire::FoldChecksum(partial)));
  return kIcmpEchoProbeLen;
}

}  // namespace cutpoint::probe
