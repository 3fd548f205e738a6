#include "engine/probe/probe_codec.h"

#include <sodium.h>

#include "engine/wire/byte_order.h"

namespace cutpoint::probe {
namespace {

constexpr uint8_t kDomainFlow = 'F';
constexpr uint8_t kDomainMac = 'M';
constexpr uint32_t kMacMask = 0x3ff;

uint64_t SipHash(const ProbeKey& key, const uint8_t* message, size_t len) {
  uint8_t digest[crypto_shorthash_siphash24_BYTES];
  crypto_shorthash_siphash24(digest, message, len, key.bytes.data());
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace

absl::string_view ProbeTypeName(ProbeType type) {
  return type == ProbeType::kTcpSyn ? "tcp-syn" : "icmp-echo";
}

std::optional<ProbeType> ParseProbeType(absl::string_view name) {
  if (name == "tcp-syn") return ProbeType::kTcpSyn;
  if (name == "icmp-echo") return ProbeType::kIcmpEcho;
  return std::nullopt;
}

FlowFields ProbeCodec::Flow(uint32_t target, ProbeType type, uint16_t port) const {
  uint8_t message[8] = {kDomainFlow, static_cast<uint8_t>(type)};
  wire::StoreBe32(message + 2, target);
  wire::StoreBe16(message + 6, port);
  uint64_t h = SipHash(key_, message, sizeof(message));
  FlowFields flow;
  flow.tcp_sport = static_cast<uint16_t>(kFlowPortBase | (h & 0x7fff));
  flow.icmp_id = static_cast<uint16_t>(h >> 16);
  flow.icmp_checksum = static_cast<uint16_t>(h >> 32);
  return flow;
}

uint16_t ProbeCodec::Mac(uint32_t target, ProbeType type, uint16_t port, uint8_t ttl,
                         uint8_t attempt, uint16_t ticks) const {
  uint8_t message[12] = {kDomainMac, static_cast<uint8_t>(type)};
  wire::StoreBe32(message + 2, target);
  wire::StoreBe16(message + 6, port);
  message[8] = ttl;
  message[9] = attempt;
  wire::StoreBe16(message + 10, ticks);
  return static_cast<uint16_t>(SipHash(key_, message, sizeof(message)) & kMacMask);
}

uint32_t ProbeCodec::EncodeWord(const ProbeSpec& spec, uint16_t ticks) const {
  ticks &= kTickMask;
  uint8_t attempt = spec.attempt & 0x3;
  return (uint32_t{spec.ttl} << 24) | (uint32_t{attempt} << 22) | (uint32_t{ticks} << 10) |
         Mac(spec.target, spec.type, spec.port, spec.ttl, attempt, ticks);
}

std::optional<DecodedWord> ProbeCodec::DecodeWord(uint32_t target, ProbeType type,
                                                  uint16_t port, uint32_t word) const {
  DecodedWord decoded;
  decoded.ttl = static_cast<uint8_t>(word >> 24);
  decoded.attempt = static_cast<uint8_t>((word >> 22) & 0x3);
  decoded.ticks = static_cast<uint16_t>((word >> 10) & kTickMask);
  if (decoded.ttl == 0) return std::nullopt;
  if ((word & kMacMask) != Mac(target, type, port, decoded.ttl, decoded.attempt, decoded.ticks)) {
    return std::nullopt;
  }
  return decoded;
}

RecoveredSendTime RecoverSendTime(int64_t recv_us, uint16_t ticks,
                                  std::optional<uint16_t> send_us_low16) {
  // Receive times come from captures; outside [0, 2^62) the arithmetic below could
  // overflow, and no real clock is there: report a zero RTT rather than guess.
  if (recv_us < 0 || recv_us >= (int64_t{1} << 62)) return {recv_us, false};
  int64_t recv_tick = recv_us / kTickUs;
  int64_t elapsed_ticks = (recv_tick - ticks) & kTickMask;
  int64_t tick_start = (recv_tick - elapsed_ticks) * kTickUs;
  if (send_us_low16.has_value()) {
    int64_t candidate = tick_start + ((*send_us_low16 - tick_start) & 0xffff);
    if (candidate < tick_start + kTickUs && candidate <= recv_us) return {candidate, true};
  }
  return {tick_start, false};
}

}  // namespace cutpoint::probe
