// SPDX-License-Identifier: Apache-2.0
#include "engine/probe/probe_codec.h"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace cutpoint::probe {
namespace {

constexpr char kSubkeyLabel[] = "cutpoint probe subkeys v3";

// Kf || Km (see probe_codec.h).
std::array<uint8_t, 32> DeriveAesKeys(const ProbeKey& key) {
  std::array<uint8_t, 32> derived;
  crypto_generichash(derived.data(), derived.size(), reinterpret_cast<const uint8_t*>(kSubkeyLabel),
                     sizeof(kSubkeyLabel) - 1, key.bytes.data(), key.bytes.size());
  return derived;
}

Aes128 MakeAes(const ProbeKey& key, size_t offset, AesBackend backend) {
  std::array<uint8_t, 32> derived = DeriveAesKeys(key);
  Aes128 aes(derived.data() + offset, backend);
  sodium_memzero(derived.data(), derived.size());
  return aes;
}

}  // namespace

ProbeCodec::ProbeCodec(const ProbeKey& key, AesBackend backend)
    : key_(key), aes_flow_(MakeAes(key, 0, backend)), aes_mac_(MakeAes(key, 16, backend)) {}

absl::string_view ProbeTypeName(ProbeType type) {
  return type == ProbeType::kTcpSyn ? "tcp-syn" : "icmp-echo";
}

std::optional<ProbeType> ParseProbeType(absl::string_view name) {
  if (name == "tcp-syn") return ProbeType::kTcpSyn;
  if (name == "icmp-echo") return ProbeType::kIcmpEcho;
  return std::nullopt;
}

uint32_t ProbeCodec::EncodeWord(const FlowBlock& flow, uint8_t ttl, uint8_t attempt,
                                int64_t send_tick) const {
  attempt &= 0x3;
  Block128 m = aes_mac_.Encrypt(ProbeInput(flow.f, ttl, attempt, send_tick));
  return WordFields(ttl, attempt, send_tick, static_cast<uint16_t>(m.lo)) ^ flow.pad;
}

FlowBlock ProbeCodec::FlowBlockOf(const wire::IpAddress& target, ProbeType type,
                                  uint16_t port) const {
  if (target.is_v4()) return FlowFromF(aes_flow_.Encrypt(FlowInput(target.v4(), type, port)));
  Block128 a = aes_flow_.Encrypt(AddressInputV6(target));
  return FlowFromF(aes_flow_.Encrypt(FlowInputV6(a, type, port)));
}

void ProbeCodec::FlowBlocks(const ProbeSpec* specs, size_t n, Block128* f) const {
  uint8_t v6_at[kStampChunk];  // positions of the IPv6 specs
  size_t v6_count = 0;
  for (size_t i = 0; i < n; ++i) {
    const ProbeSpec& spec = specs[i];
    if (spec.target.is_v4()) {
      uint16_t port = spec.type == ProbeType::kTcpSyn ? spec.port : 0;
      f[i] = FlowInput(spec.target.v4(), spec.type, port);
    } else {
      f[i] = AddressInputV6(spec.target);
      v6_at[v6_count++] = static_cast<uint8_t>(i);
    }
  }
  aes_flow_.Encrypt(f, f, n);
  if (v6_count == 0) return;
  // The second stage depends on the first: gathered so its blocks are in flight together.
  Block128 second[kStampChunk];
  for (size_t k = 0; k < v6_count; ++k) {
    const ProbeSpec& spec = specs[v6_at[k]];
    uint16_t port = spec.type == ProbeType::kTcpSyn ? spec.port : 0;
    second[k] = FlowInputV6(f[v6_at[k]], spec.type, port);
  }
  aes_flow_.Encrypt(second, second, v6_count);
  for (size_t k = 0; k < v6_count; ++k) f[v6_at[k]] = second[k];
}

void ProbeCodec::StampBatch(std::span<const ProbeSpec> specs, int64_t send_tick,
                            ProbeStamp* out) const {
  // Chunks of kStampChunk: every flow block of the chunk, then every probe block, each
  // pass keeping several independent AES chains in flight.
  Block128 blocks[kStampChunk];
  uint32_t padded_fields[kStampChunk];  // the word but its MAC bits: fields ^ pad
  for (size_t begin = 0; begin < specs.size(); begin += kStampChunk) {
    size_t n = std::min(kStampChunk, specs.size() - begin);
    const ProbeSpec* spec = specs.data() + begin;
    ProbeStamp* stamp = out + begin;
    FlowBlocks(spec, n, blocks);
    for (size_t i = 0; i < n; ++i) {
      uint8_t attempt = spec[i].attempt & 0x3;
      SetFlowFields(blocks[i], &stamp[i].flow);
      padded_fields[i] =
          WordFields(spec[i].ttl, attempt, send_tick, 0) ^ static_cast<uint32_t>(blocks[i].hi);
      blocks[i] = ProbeInput(blocks[i], spec[i].ttl, attempt, send_tick);
    }
    aes_mac_.Encrypt(blocks, blocks, n);
    // The MAC bits are 0 in the fields, so XOR-ing them in after the pad is the same.
    for (size_t i = 0; i < n; ++i) {
      stamp[i].word = padded_fields[i] ^ (static_cast<uint32_t>(blocks[i].lo) & kMacMask);
    }
  }
}

std::optional<DecodedWord> ProbeCodec::DecodeWord(const FlowBlock& flow, uint32_t word,
                                                  int64_t recv_us) const {
  uint32_t fields = word ^ flow.pad;
  DecodedWord decoded;
  decoded.ttl = static_cast<uint8_t>(fields >> 24);
  decoded.attempt = static_cast<uint8_t>((fields >> 22) & 0x3);
  if (decoded.ttl == 0) return std::nullopt;
  decoded.send_tick =
      ReconstructSendTick(recv_us, static_cast<uint16_t>((fields >> 12) & kTickMask));
  Block128 m = aes_mac_.Encrypt(ProbeInput(flow.f, decoded.ttl, decoded.attempt, decoded.send_tick));
  if ((fields & kMacMask) != (m.lo & kMacMask)) return std::nullopt;
  return decoded;
}

RecoveredSendTime RecoverSendTime(int64_t recv_us, int64_t send_tick,
                                  std::optional<uint16_t> send_us_low16) {
  // Receive times come from captures; outside [0, 2^62) the arithmetic below could
  // overflow, and no real clock is there: report a zero RTT rather than guess.
  if (recv_us < 0 || recv_us >= (int64_t{1} << 62)) return {recv_us, false};
  int64_t tick_start = send_tick * kTickUs;
  if (send_us_low16.has_value()) {
    int64_t candidate = tick_start + ((*send_us_low16 - tick_start) & 0xffff);
    if (candidate < tick_start + kTickUs && candidate <= recv_us) return {candidate, true};
  }
  return {tick_start, false};
}

}  // namespace cutpoint::probe
