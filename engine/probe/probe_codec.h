// Stateless, keyed probe identity.
//
// Every probe carries a 32-bit "probe word" that survives in every kind of reply:
//   bits 31..24  probe TTL (1..255)
//   bits 23..22  attempt (0..3)
//   bits 21..10  send-time ticks: (send_us >> 10) mod 4096, i.e. ~1 ms units, 4.19 s wrap
//   bits  9..0   MAC: keyed hash of (target, probe type, port, ttl, attempt, ticks)
// TCP SYN: the word is the sequence number, so SYN-ACKs and RSTs (ack = seq + 1) and ICMP
// quotes (first 8 transport bytes) all return it. ICMP echo: the word is split into the
// echo sequence (high half) and the IP ID (low half), and repeated in the payload so echo
// replies, which carry no IP ID back, return it whole.
//
// Paris flow constancy: the fields per-flow load balancers hash are derived from
// (key, target, type, port) only — TCP source port; ICMP identifier and checksum (held
// constant by a compensating payload word) — so every TTL and attempt of one flow follows
// one path. The keyed source port / identifier also reject stray packets.
//
// Keyed hashing (format v2). Subkeys s0..s5 = BLAKE2b-384(key = probe key,
// "cutpoint probe subkeys v2"), read as six little-endian 64-bit words;
// Mum(a, b) = low64(a * b) ^ high64(a * b) (full 128-bit product). Per flow
//   base = Mum((target | port << 32 | type << 48) ^ s0, s1)
//   flow = Mum(base ^ s2, s3)                      -> TCP source port, ICMP id/checksum
// and per probe
//   mac  = Mum(base ^ (ttl | attempt << 8 | ticks << 16) ^ s4, s5) & 0x3ff
// Three 64×64→128-bit multiplies per probe, the last two in parallel (~10 ns in all),
// instead of two SipHash calls (~50 ns): crafting and matching are bound by this. It is a
// keyed mixer, not a cryptographic PRF — enough to make blind (off-path) forgeries and
// stray packets fail: a forged TCP reply must guess 15 bits of source port and 10 bits of
// MAC; an on-path observer could simply replay our probes anyway.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

#include "engine/probe/probe_key.h"

namespace cutpoint::probe {

enum class ProbeType : uint8_t { kTcpSyn = 0, kIcmpEcho = 1 };
inline constexpr int kProbeTypeCount = 2;

absl::string_view ProbeTypeName(ProbeType type);  // "tcp-syn" / "icmp-echo"
std::optional<ProbeType> ParseProbeType(absl::string_view name);

// The probe encoding written here (format 2: the keyed multiply-mix hash below). A key
// decodes only captures of probes sent in the same format; the meta record names it.
inline constexpr int kProbeFormat = 2;

inline constexpr int kMaxAttempts = 4;
inline constexpr int64_t kTickUs = 1024;
inline constexpr uint16_t kTickMask = 0x0fff;
inline constexpr uint16_t kFlowPortBase = 32768;  // keyed TCP source ports: 32768..65535

struct ProbeSpec {
  uint32_t target = 0;
  ProbeType type = ProbeType::kTcpSyn;
  uint16_t port = 0;  // TCP destination port; 0 for ICMP
  uint8_t ttl = 0;
  uint8_t attempt = 0;  // 0-based
};

// Header fields that stay identical for every TTL and attempt of one flow.
struct FlowFields {
  uint16_t tcp_sport = 0;
  uint16_t icmp_id = 0;
  uint16_t icmp_checksum = 0;
};

struct DecodedWord {
  uint8_t ttl = 0;
  uint8_t attempt = 0;
  uint16_t ticks = 0;
};

inline uint16_t SendTicks(int64_t send_us) {
  return static_cast<uint16_t>((send_us / kTickUs) & kTickMask);
}

class ProbeCodec {
 public:
  explicit ProbeCodec(const ProbeKey& key);

  // Inline: crafting and matching call these once per packet.
  FlowFields Flow(uint32_t target, ProbeType type, uint16_t port) const {
    return FlowFromBase(Base(target, type, port));
  }

  // The word for `spec` sent at `ticks`.
  uint32_t EncodeWord(const ProbeSpec& spec, uint16_t ticks) const {
    return WordFromBase(Base(spec.target, spec.type, spec.port), spec, ticks);
  }

  // Both at once, sharing the per-flow hash (the crafting path).
  void Stamp(const ProbeSpec& spec, uint16_t ticks, FlowFields* flow, uint32_t* word) const {
    uint64_t base = Base(spec.target, spec.type, spec.port);
    *flow = FlowFromBase(base);
    *word = WordFromBase(base, spec, ticks);
  }

  // Authenticates `word` for the flow (target, type, port). Returns nullopt when the MAC
  // does not verify or the fields are impossible (TTL 0).
  std::optional<DecodedWord> DecodeWord(uint32_t target, ProbeType type, uint16_t port,
                                        uint32_t word) const;

  const ProbeKey& key() const { return key_; }

  // The per-flow hash `base` (see the header comment); public for the golden-value tests.
  uint64_t Base(uint32_t target, ProbeType type, uint16_t port) const {
    uint64_t lo = uint64_t{target} | (uint64_t{port} << 32) |
                  (uint64_t{static_cast<uint8_t>(type)} << 48);
    return Mum(lo ^ subkeys_[0], subkeys_[1]);
  }

 private:
  static constexpr uint32_t kMacMask = 0x3ff;

  static uint64_t Mum(uint64_t a, uint64_t b) {
    unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
  }
  FlowFields FlowFromBase(uint64_t base) const {
    uint64_t h = Mum(base ^ subkeys_[2], subkeys_[3]);
    FlowFields flow;
    flow.tcp_sport = static_cast<uint16_t>(kFlowPortBase | (h & 0x7fff));
    flow.icmp_id = static_cast<uint16_t>(h >> 16);
    flow.icmp_checksum = static_cast<uint16_t>(h >> 32);
    return flow;
  }
  uint16_t Mac(uint64_t base, uint8_t ttl, uint8_t attempt, uint16_t ticks) const {
    uint64_t fields = uint64_t{ttl} | (uint64_t{attempt} << 8) | (uint64_t{ticks} << 16);
    return static_cast<uint16_t>(Mum(base ^ fields ^ subkeys_[4], subkeys_[5]) & kMacMask);
  }
  uint32_t WordFromBase(uint64_t base, const ProbeSpec& spec, uint16_t ticks) const {
    ticks &= kTickMask;
    uint8_t attempt = spec.attempt & 0x3;
    return (uint32_t{spec.ttl} << 24) | (uint32_t{attempt} << 22) | (uint32_t{ticks} << 10) |
           Mac(base, spec.ttl, attempt, ticks);
  }

  ProbeKey key_;
  uint64_t subkeys_[6] = {};
};

// Reconstructs the send time of a probe from its ticks (and, when the reply quotes it,
// the low 16 bits of the send time in microseconds) given the receive time. Ticks alone
// give the start of the ~1 ms tick, so RTTs from them are upper bounds.
struct RecoveredSendTime {
  int64_t send_us = 0;
  bool exact = false;  // true when the microsecond bits confirmed the tick
};
RecoveredSendTime RecoverSendTime(int64_t recv_us, uint16_t ticks,
                                  std::optional<uint16_t> send_us_low16);

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_
