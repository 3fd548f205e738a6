// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of the reply parser alone (wire::LocateIp + wire::ParsePacket), IPv4
// next to IPv6, per reply kind: items/s and heap allocations per item. Parse + match of
// the same replies is engine_benchmark's BM_MatchReply.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/frame.h"
#include "engine/wire/packet_parser.h"
#include "engine/wire/protocol.h"
#include "bench_support.h"

namespace cutpoint::wire {
namespace {

using bench::CountAllocations;
using Bytes = std::vector<uint8_t>;

// vector::insert at the end trips GCC 12's -Warray-bounds at -O3 (a false positive).
void Append(Bytes* out, const Bytes& more) {
  size_t at = out->size();
  out->resize(at + more.size());
  if (!more.empty()) std::memcpy(out->data() + at, more.data(), more.size());
}

constexpr uint32_t kUs4 = 0xc6120001;      // 198.18.0.1
constexpr uint32_t kTarget4 = 0xc6130107;  // 198.19.1.7
constexpr uint32_t kRouter4 = 0xc6120202;  // 198.18.2.2
constexpr uint8_t kUs6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr uint8_t kTarget6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7};
constexpr uint8_t kRouter6[16] = {0x20, 0x01, 0, 0x02, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1};

Bytes Ipv4(uint32_t src, uint32_t dst, uint8_t protocol, const Bytes& payload) {
  Bytes packet(20);
  packet[0] = 0x45;
  StoreBe16(&packet[2], static_cast<uint16_t>(20 + payload.size()));
  packet[8] = 60;
  packet[9] = protocol;
  StoreBe32(&packet[12], src);
  StoreBe32(&packet[16], dst);
  Append(&packet, payload);
  return packet;
}

// `chain`: extension header bytes whose next-header fields are already set.
Bytes Ipv6(const uint8_t* src, const uint8_t* dst, uint8_t first_header, const Bytes& chain,
           const Bytes& upper) {
  Bytes packet(40);
  StoreBe32(&packet[0], (6u << 28) | 0x5eed1);
  StoreBe16(&packet[4], static_cast<uint16_t>(chain.size() + upper.size()));
  packet[6] = first_header;
  packet[7] = 60;
  for (int i = 0; i < 16; ++i) {
    packet[8 + i] = src[i];
    packet[24 + i] = dst[i];
  }
  Append(&packet, chain);
  Append(&packet, upper);
  return packet;
}

// TCP with MSS NOP NOP TS (36 bytes), or a bare 20-byte header.
Bytes Tcp(uint8_t flags, bool timestamp) {
  Bytes tcp(timestamp ? 36 : 20, 0);
  StoreBe16(&tcp[0], 25);
  StoreBe16(&tcp[2], 40001);
  StoreBe32(&tcp[8], 0x05c0ffef);
  tcp[12] = static_cast<uint8_t>((tcp.size() / 4) << 4);
  tcp[13] = flags;
  if (timestamp) {
    const uint8_t options[] = {2, 4, 0x05, 0xa0, 1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8};
    std::copy(options, options + sizeof(options), tcp.begin() + 20);
  }
  return tcp;
}

Bytes Icmp(uint8_t type, uint8_t length_octet, uint8_t length_value, const Bytes& body) {
  Bytes icmp(8, 0);
  icmp[0] = type;
  icmp[length_octet] = length_value;
  Append(&icmp, body);
  return icmp;
}

// RFC 4884 structure with one RFC 4950 two-label stack.
Bytes MplsExtension() {
  Bytes ext = {0x20, 0, 0, 0, 0, 12, 1, 1, 0x05, 0xdc, 0x10, 0x01, 0x00, 0x01, 0x0b, 0x01};
  StoreBe16(&ext[2], InternetChecksum(ext.data(), ext.size()));
  return ext;
}

Bytes Padded(Bytes quote) {
  quote.resize(128, 0);
  Bytes ext = MplsExtension();
  Append(&quote, ext);
  return quote;
}

Bytes Reply(int kind) {
  Bytes syn4 = Ipv4(kUs4, kTarget4, kProtoTcp, Tcp(kTcpSyn, false));
  Bytes hop_by_hop = {kProtoIcmpv6, 0, 1, 4, 0, 0, 0, 0};
  Bytes quote_chain = {kIpv6DestOptions, 0, 1, 4, 0, 0, 0, 0,   // hop-by-hop
                       kProtoTcp, 0, 1, 4, 0, 0, 0, 0};         // destination options
  Bytes syn6 = Ipv6(kUs6, kTarget6, kProtoTcp, {}, Tcp(kTcpSyn, true));
  Bytes syn6_ext = Ipv6(kUs6, kTarget6, kIpv6HopByHop, quote_chain, Tcp(kTcpSyn, true));
  Bytes echo_body = {0, 1, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
  switch (kind) {
    case 0: return Ipv4(kTarget4, kUs4, kProtoTcp, Tcp(kTcpSyn | kTcpAck, false));
    case 1: return Ipv4(kTarget4, kUs4, kProtoIcmp, Icmp(kIcmpEchoReply, 5, 0, echo_body));
    case 2: return Ipv4(kRouter4, kUs4, kProtoIcmp,
                        Icmp(kIcmpTimeExceeded, 5, 0, Bytes(syn4.begin(), syn4.begin() + 28)));
    case 3: return Ipv4(kRouter4, kUs4, kProtoIcmp, Icmp(kIcmpTimeExceeded, 5, 32, Padded(syn4)));
    case 4: return Ipv6(kTarget6, kUs6, kProtoTcp, {}, Tcp(kTcpSyn | kTcpAck, true));
    case 5: return Ipv6(kTarget6, kUs6, kProtoIcmpv6, {}, Icmp(kIcmpv6EchoReply, 4, 0, echo_body));
    case 6: return Ipv6(kRouter6, kUs6, kProtoIcmpv6, {}, Icmp(kIcmpv6TimeExceeded, 4, 0, syn6));
    case 7: return Ipv6(kRouter6, kUs6, kProtoIcmpv6, {},
                        Icmp(kIcmpv6TimeExceeded, 4, 16, Padded(syn6)));
    default: return Ipv6(kRouter6, kUs6, kIpv6HopByHop, hop_by_hop,
                         Icmp(kIcmpv6DestUnreachable, 4, 0, syn6_ext));
  }
}

const char* const kNames[] = {
    "v4 syn_ack",      "v4 echo_reply",      "v4 time_exceeded(8)", "v4 time_exceeded+mpls",
    "v6 syn_ack+ts",   "v6 echo_reply",      "v6 time_exceeded",    "v6 time_exceeded+mpls",
    "v6 unreach, ext headers outside and in the quote",
};

void BM_ParseReply(benchmark::State& state) {
  Bytes reply = Reply(static_cast<int>(state.range(0)));
  state.SetLabel(kNames[state.range(0)]);
  ParsedPacket parsed;
  if (ParsePacket(reply.data(), reply.size(), &parsed) != ParseStatus::kOk) {
    state.SkipWithError("reply did not parse");
    return;
  }
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ParsePacket(reply.data(), reply.size(), &parsed));
    benchmark::DoNotOptimize(parsed);
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_ParseReply)->DenseRange(0, 8);

// The capture thread's whole parse: Ethernet frame -> IP packet -> fields.
void BM_LocateAndParseFrame(benchmark::State& state) {
  Bytes packet = Reply(static_cast<int>(state.range(0)));
  bool v6 = (packet[0] >> 4) == kIpv6Version;
  Bytes frame = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, static_cast<uint8_t>(v6 ? 0x86 : 0x08),
                 static_cast<uint8_t>(v6 ? 0xdd : 0x00)};
  Append(&frame, packet);
  state.SetLabel(kNames[state.range(0)]);
  ParsedPacket parsed;
  uint64_t before = bench::AllocationCount();
  for (auto _ : state) {
    FrameView view;
    FrameStatus status = LocateIp(LinkType::kEthernet, frame.data(), frame.size(), &view);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(ParsePacket(view.l3, view.l3_len, &parsed));
    benchmark::DoNotOptimize(parsed);
  }
  CountAllocations(state, before);
}
BENCHMARK(BM_LocateAndParseFrame)->Arg(2)->Arg(6)->Arg(3)->Arg(7);

}  // namespace
}  // namespace cutpoint::wire

BENCHMARK_MAIN();
