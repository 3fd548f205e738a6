// SPDX-License-Identifier: Apache-2.0
// Stateless, keyed probe identity (probe format 3).
//
// Every probe carries a 32-bit "probe word" that survives in every kind of reply:
//   word = fields XOR pad, fields =
//     bits 31..24  probe TTL (1..255)
//     bits 23..22  attempt (0..3)
//     bits 21..12  send tick mod 1024: tick = floor(send_us / 4096), 4.096 ms units,
//                  4.19 s wrap
//     bits 11..0   MAC (12 bits)
// TCP SYN: the word is the sequence number, so SYN-ACKs and RSTs (ack = seq + 1) and ICMP
// quotes (first 8 transport bytes) all return it. ICMP echo: the word is split into the
// echo sequence (high half) and the IP ID (low half), and repeated in the payload so echo
// replies, which carry no IP ID back, return it whole. The low 16 bits of the send time in
// microseconds ride outside the word (TCP: IP ID; ICMP: payload bytes 4-5) for exact RTTs
// from replies that return them. An ICMP word whose low half is 0 (an IP ID Linux would
// rewrite) is stamped with an earlier tick instead.
//
// The PRF is AES-128 (AES-NI, or OpenSSL's libcrypto without it). Two AES keys come from
// the 128-bit probe key: Kf || Km = BLAKE2b-256(key = probe key, "cutpoint probe subkeys v3").
// Blocks are 16 bytes, written here as two little-endian 64-bit words (lo = bytes 0..7).
//   Per flow (IPv4 target, host order):
//              F = AES(Kf, lo = target | port << 32 | type << 48 | 0x01 << 56, hi = 0)
//     TCP source port = 1024 + ((F.lo mod 2^32) * 64512 >> 32)   (1024..65535)
//     ICMP identifier = (F.lo >> 32) mod 2^16, ICMP checksum = F.lo >> 48
//     pad             = F.hi mod 2^32
//   Per probe: M = AES(Km, F XOR (lo = tick, hi = ttl | attempt << 8)), MAC = M.lo mod 2^12
// `tick` is the absolute send tick as a 64-bit two's-complement number: only its low 10
// bits travel, and the verifier rebuilds the rest from the reply's receive time (the
// latest tick <= receive tick + kFutureTicks with those low bits), so a reply replayed
// from another run with the same key (more than ~4 s apart) fails the MAC. The matcher
// then accepts only send ticks 0..max-age ticks before the receive tick (its "window";
// engine/match: stale / future otherwise). Receive times are capture timestamps, so an
// offline capture is judged against its own clock; one taken on a host whose clock runs
// more than kFutureTicks behind the prober's does not decode.
//
// IPv6 targets. 128 address bits do not fit beside port and type in one block, so the
// flow block takes two dependent blocks under Kf:
//   A = AES(Kf, lo = address bits 63..0, hi = address bits 127..64)
//   F = AES(Kf, lo = A.lo ^ (port | type << 16 | 0x06 << 56), hi = A.hi)
// and tcp_sport, icmp_id, icmp_checksum and pad come from F by the formulas above. The
// families never share an F input: an IPv4 input has hi = 0, an IPv6 one hi = A.hi, a
// keyed value (0 with probability 2^-64); A itself never leaves the codec. The word is
// built and checked exactly as for IPv4.
//   IPv6 flow label = (F.hi >> 32) mod 2^20, or 1 when that is 0 (RFC 6437: 0 means
//   "unlabelled"). It is computed for IPv4 flows too (same formula; no IPv4 field uses it).
// IPv6 has no IP ID, so the send time rides elsewhere: the TCP SYN carries a timestamp
// option with TSval = send_us mod 2^32 (TSecr 0), which ICMPv6 errors quote and SYN-ACKs
// echo in TSecr. The ICMPv6 echo has sequence = word >> 16 and the IPv4 payload layout
// (word, send_us low 16, compensation word); with no IP ID to rewrite, it needs no rule
// against a zero low half.
//
// Paris flow constancy: the fields per-flow load balancers hash (TCP source port; ICMP
// identifier and checksum, the latter held constant by a compensating payload word that
// also absorbs the IPv6 pseudo-header; the IPv6 flow label) come from F alone, so every
// TTL (hop limit) and attempt of one flow follows one path.
//
// Forgery. A TCP reply returns 48 bits of ours: its destination port (our source port)
// and ack - 1 (the word). A forger who knows the plan and the targets but not the key
// sees uniform bits: the port is right with probability <= 66577 / 2^32 (~2^-15.98, the
// largest share of any port under the mapping above); the pad makes TTL, attempt and tick
// uniform, so they fall in the plan with probability (TTLs x attempts) / 1024 and in the
// accepted tick window with probability (window ticks) / 1024; and the MAC matches with
// probability 2^-12. Per forged TCP reply:
//   p = 2^-15.98 * 2^-12 * (TTLs * attempts / 1024) * (window / 1024)
// ForgedTcpAcceptance() in engine/match computes it for a matcher's plan; the defaults
// (locate TTL 1-32 x 3 rounds' attempts, 2 s wait: 2^-32.5; trace 1-32 x 1: 2^-34; scan
// TTL 64 x 1: 2^-39) are all below 2^-32. Why 12 MAC bits: 48 returned bits minus the 16
// of the port leave 32, of which TTL, attempt and tick take 20. IPv6 changes nothing here:
// a SYN-ACK or RST returns the same 48 bits (its flow label is the target's own, not ours,
// and TSecr is a clock, not a key), so p is the same formula. Only ICMPv6 errors, which
// quote our IPv6 header, return the flow label: 20 more keyed bits a matcher may check
// (about 2^-20 more per forged quote). Crafting computes the AES blocks of a whole send
// batch together (StampBatch: every IPv4 F and IPv6 A, then every IPv6 F, then every
// per-probe block), so AES latency hides behind independent blocks; matching takes two
// dependent blocks per IPv4 reply, three per IPv6 reply.
#ifndef CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_
#define CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "absl/strings/string_view.h"
#include "engine/probe/aes128.h"
#include "engine/probe/probe_key.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::probe {

enum class ProbeType : uint8_t { kTcpSyn = 0, kIcmpEcho = 1 };
inline constexpr int kProbeTypeCount = 2;

absl::string_view ProbeTypeName(ProbeType type);  // "tcp-syn" / "icmp-echo"
std::optional<ProbeType> ParseProbeType(absl::string_view name);

// The probe encoding written here (format 3: AES-128, see above). A key decodes only
// captures of probes sent in the same format; the meta record names it.
inline constexpr int kProbeFormat = 3;

inline constexpr int kMaxAttempts = 4;
inline constexpr int kTickShift = 12;
inline constexpr int64_t kTickUs = int64_t{1} << kTickShift;  // 4.096 ms
inline constexpr uint16_t kTickMask = 0x03ff;                 // 10 bits travel
// Replies may carry a send tick up to this far past their receive tick and still be
// reconstructed (and then rejected as from the future: a clock step, not a forgery).
inline constexpr int64_t kFutureTicks = 16;
// The oldest send tick a reply can be reconstructed to: ~4.12 s.
inline constexpr int64_t kMaxAgeTicks = kTickMask - kFutureTicks;
inline constexpr uint16_t kFlowPortMin = 1024;  // keyed TCP source ports: 1024..65535
inline constexpr uint32_t kMacBits = 12;
inline constexpr uint32_t kFlowLabelMask = 0xfffff;  // the IPv6 flow label's 20 bits

struct ProbeSpec {
  wire::IpAddress target;  // IPv4 targets: IpAddress::V4(host order)
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
  uint32_t flow_label = 0;  // from the codec: 20 bits, never 0; sent only by IPv6 probes
};

// The per-flow block F and what is read from it.
struct FlowBlock {
  Block128 f{};
  FlowFields fields;
  uint32_t pad = 0;
};

// What crafting stamps into one probe.
struct ProbeStamp {
  FlowFields flow;
  uint32_t word = 0;
};

struct DecodedWord {
  uint8_t ttl = 0;
  uint8_t attempt = 0;
  int64_t send_tick = 0;  // absolute, rebuilt from the receive time
};

// floor(send_us / kTickUs).
inline int64_t SendTick(int64_t send_us) { return send_us >> kTickShift; }

// The absolute send tick with low bits `tick_low` closest below receive tick +
// kFutureTicks.
inline int64_t ReconstructSendTick(int64_t recv_us, uint16_t tick_low) {
  int64_t newest = SendTick(recv_us) + kFutureTicks;
  return newest - ((newest - tick_low) & kTickMask);
}

class ProbeCodec {
 public:
  explicit ProbeCodec(const ProbeKey& key, AesBackend backend = AesBackend::kAuto);

  // One AES block for an IPv4 target, two dependent ones for an IPv6 target.
  FlowBlock FlowBlockOf(const wire::IpAddress& target, ProbeType type, uint16_t port) const;
  FlowFields Flow(const wire::IpAddress& target, ProbeType type, uint16_t port) const {
    return FlowBlockOf(target, type, port).fields;
  }

  // The word for `spec` sent in tick `send_tick` (absolute, see SendTick).
  uint32_t EncodeWord(const ProbeSpec& spec, int64_t send_tick) const {
    return EncodeWord(FlowBlockOf(spec.target, spec.type, spec.port), spec.ttl, spec.attempt,
                      send_tick);
  }
  uint32_t EncodeWord(const FlowBlock& flow, uint8_t ttl, uint8_t attempt,
                      int64_t send_tick) const;

  // Flow fields and word of every spec, all sent in `send_tick` (the crafting path): the
  // AES blocks of the batch are computed together, in three passes over chunks of
  // kStampChunk specs (IPv4 F and IPv6 A; IPv6 F; the per-probe blocks), so mixed and
  // IPv6-only batches keep independent blocks in flight. ICMP specs are stamped with port 0.
  void StampBatch(std::span<const ProbeSpec> specs, int64_t send_tick, ProbeStamp* out) const;

  // Authenticates `word` for the flow, received at `recv_us`. Returns nullopt when the MAC
  // does not verify or the fields are impossible (TTL 0). The send tick returned may lie
  // up to kFutureTicks after the receive tick: the caller judges the age.
  std::optional<DecodedWord> DecodeWord(const FlowBlock& flow, uint32_t word,
                                        int64_t recv_us) const;
  std::optional<DecodedWord> DecodeWord(const wire::IpAddress& target, ProbeType type,
                                        uint16_t port, uint32_t word, int64_t recv_us) const {
    return DecodeWord(FlowBlockOf(target, type, port), word, recv_us);
  }

  static constexpr size_t kStampChunk = 32;

  const ProbeKey& key() const { return key_; }
  bool uses_aesni() const { return aes_flow_.uses_aesni(); }
  // The ciphers under Kf and Km, for crafting kernels (engine/probe/probe4_kernel.h).
  const Aes128& flow_cipher() const { return aes_flow_; }
  const Aes128& mac_cipher() const { return aes_mac_; }

  // The AES inputs (see the header comment); public for the golden-value tests.
  static Block128 FlowInput(uint32_t target, ProbeType type, uint16_t port) {
    return Block128{uint64_t{target} | (uint64_t{port} << 32) |
                        (uint64_t{static_cast<uint8_t>(type)} << 48) | (uint64_t{0x01} << 56),
                    0};
  }
  // IPv6, first stage: the address alone (A = AES(Kf, this)).
  static Block128 AddressInputV6(const wire::IpAddress& target) {
    return Block128{target.low(), target.high()};
  }
  // IPv6, second stage: F = AES(Kf, this) from the first stage's A.
  static Block128 FlowInputV6(const Block128& a, ProbeType type, uint16_t port) {
    return Block128{a.lo ^ (uint64_t{port} | (uint64_t{static_cast<uint8_t>(type)} << 16) |
                            (uint64_t{0x06} << 56)),
                    a.hi};
  }
  static Block128 ProbeInput(const Block128& f, uint8_t ttl, uint8_t attempt, int64_t send_tick) {
    return Block128{f.lo ^ static_cast<uint64_t>(send_tick),
                    f.hi ^ (uint64_t{ttl} | (uint64_t{attempt} << 8))};
  }
  static FlowBlock FlowFromF(const Block128& f) {
    FlowBlock flow;
    flow.f = f;
    SetFlowFields(f, &flow.fields);
    flow.pad = static_cast<uint32_t>(f.hi);
    return flow;
  }
  // Writes the fields in place: a FlowFields built on the stack and copied whole costs a
  // failed store-to-load forwarding per probe on the crafting path.
  static void SetFlowFields(const Block128& f, FlowFields* fields) {
    // 32 hash bits onto 64512 ports: no port gets more than 66577 / 2^32 of the flows.
    fields->tcp_sport = static_cast<uint16_t>(
        kFlowPortMin + (((f.lo & 0xffffffff) * (65536 - kFlowPortMin)) >> 32));
    fields->icmp_id = static_cast<uint16_t>(f.lo >> 32);
    fields->icmp_checksum = static_cast<uint16_t>(f.lo >> 48);
    uint32_t label = static_cast<uint32_t>(f.hi >> 32) & kFlowLabelMask;
    fields->flow_label = label != 0 ? label : 1;  // 0 would read as "unlabelled"
  }
  static uint32_t WordFields(uint8_t ttl, uint8_t attempt, int64_t send_tick, uint16_t mac) {
    return (uint32_t{ttl} << 24) | (uint32_t{attempt & 0x3u} << 22) |
           (static_cast<uint32_t>(send_tick & kTickMask) << 12) | (mac & kMacMask);
  }

 private:
  static constexpr uint32_t kMacMask = (1u << kMacBits) - 1;

  // F of specs[0..n), n <= kStampChunk, into `f`: the first stage of every spec in one
  // pass, then the IPv6 second stages in another.
  void FlowBlocks(const ProbeSpec* specs, size_t n, Block128* f) const;

  ProbeKey key_;
  Aes128 aes_flow_;
  Aes128 aes_mac_;
};

// Reconstructs the send time of a probe from its absolute send tick (and, when the reply
// quotes it, the low 16 bits of the send time in microseconds) given the receive time.
// The tick alone gives the start of the 4 ms tick, so RTTs from it are upper bounds.
struct RecoveredSendTime {
  int64_t send_us = 0;
  bool exact = false;  // true when the microsecond bits confirmed the tick
};
RecoveredSendTime RecoverSendTime(int64_t recv_us, int64_t send_tick,
                                  std::optional<uint16_t> send_us_low16);

}  // namespace cutpoint::probe

#endif  // CUTPOINT_ENGINE_PROBE_PROBE_CODEC_H_
