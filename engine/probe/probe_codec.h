// Stateless, keyed probe identity.
//
// Every probe carries a 32-bit "probe word" that survives in every kind of reply:
//   bits 31..24  probe TTL (1..255)
//   bits 23..22  attempt (0..3)
//   bits 21..10  send-time ticks: (send_us >> 10) mod 4096, i.e. ~1 ms units, 4.19 s wrap
//   bits  9..0   MAC: SipHash-2-4(key, target, probe type, port, ttl, attempt, ticks)
// TCP SYN: the word is the sequence number, so SYN-ACKs and RSTs (ack = seq + 1) and ICMP
// quotes (first 8 transport bytes) all return it. ICMP echo: the word is split into the
// echo sequence (high half) and the IP ID (low half), and repeated in the payload so echo
// replies, which carry no IP ID back, return it whole.
//
// Paris flow constancy: the fields per-flow load balancers hash are derived from
// (key, target, type, port) only — TCP source port; ICMP identifier and checksum (held
// constant by a compensating payload word) — so every TTL and attempt of one flow follows
// one path. The keyed source port / identifier also reject stray packets.
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
  explicit ProbeCodec(const ProbeKey& key) : key_(key) {}

  FlowFields Flow(uint32_t target, ProbeType type, uint16_t port) const;

  // The word for `spec` sent at `ticks`.
  uint32_t EncodeWord(const ProbeSpec& spec, uint16_t ticks) const;

  // Authenticates `word` for the flow (target, type, port). Returns nullopt when the MAC
  // does not verify or the fields are impossible (TTL 0).
  std::optional<DecodedWord> DecodeWord(uint32_t target, ProbeType type, uint16_t port,
                                        uint32_t word) const;

  const ProbeKey& key() const { return key_; }

 private:
  uint16_t Mac(uint32_t target, ProbeType type, uint16_t port, uint8_t ttl, uint8_t attempt,
               uint16_t ticks) const;

  ProbeKey key_;
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
