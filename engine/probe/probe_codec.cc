#include "engine/probe/probe_codec.h"

#include <sodium.h>


namespace cutpoint::probe {
namespace {

constexpr char kSubkeyLabel[] = "cutpoint probe subkeys v2";

}  // namespace

ProbeCodec::ProbeCodec(const ProbeKey& key) : key_(key) {
  uint8_t derived[48];
  crypto_generichash(derived, sizeof(derived), reinterpret_cast<const uint8_t*>(kSubkeyLabel),
                     sizeof(kSubkeyLabel) - 1, key.bytes.data(), key.bytes.size());
  for (int i = 0; i < 6; ++i) {
    uint64_t word = 0;
    for (int b = 7; b >= 0; --b) word = (word << 8) | derived[8 * i + b];
    subkeys_[i] = word;
  }
}

absl::string_view ProbeTypeName(ProbeType type) {
  return type == ProbeType::kTcpSyn ? "tcp-syn" : "icmp-echo";
}

std::optional<ProbeType> ParseProbeType(absl::string_view name) {
  if (name == "tcp-syn") return ProbeType::kTcpSyn;
  if (name == "icmp-echo") return ProbeType::kIcmpEcho;
  return std::nullopt;
}

std::optional<DecodedWord> ProbeCodec::DecodeWord(uint32_t target, ProbeType type,
                                                  uint16_t port, uint32_t word) const {
  DecodedWord decoded;
  decoded.ttl = static_cast<uint8_t>(word >> 24);
  decoded.attempt = static_cast<uint8_t>((word >> 22) & 0x3);
  decoded.ticks = static_cast<uint16_t>((word >> 10) & kTickMask);
  if (decoded.ttl == 0) return std::nullopt;
  if ((word & kMacMask) != Mac(Base(target, type, port), decoded.ttl, decoded.attempt, decoded.ticks)) {
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
