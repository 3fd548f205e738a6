// SPDX-License-Identifier: Apache-2.0
// Writes the seed corpora of the fuzz targets: real replies to real probes (crafted with
// probe::ProbeBuilder under the fixed fuzz key, so they authenticate), in every link
// framing, plus target lists and small pcap/pcapng files.
//
//   build/fuzz/seed_corpus_gen DIR
//
// The fuzz build runs it into build/fuzz/seed_corpus (tests/fuzz/CMakeLists.txt), which
// tools/fuzz.sh fuzzes from. Deterministic: rerunning it rewrites the same files.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"
#include "engine/wire/byte_order.h"
#include "engine/wire/checksum.h"
#include "engine/wire/protocol.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using namespace cutpoint;
using Bytes = std::vector<uint8_t>;

std::filesystem::path g_root;

void Write(const std::string& target, const std::string& name, const Bytes& bytes) {
  std::filesystem::path dir = g_root / target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void WriteText(const std::string& name, const std::string& text) {
  Write("targets_fuzzer", name, Bytes(text.begin(), text.end()));
}

const probe::ProbeCodec& Codec() {
  static probe::ProbeCodec codec(fuzz::FixedKey());
  return codec;
}

constexpr int64_t kSendUs = fuzz::kRecvTimeUs - 15000;

Bytes Probe(const probe::ProbeSpec& spec) {
  probe::ProbeBuilder builder(Codec(), probe::ProbeSources{wire::IpAddress::V4(fuzz::kSource),
                                                          wire::IpAddress::FromV6Bytes(fuzz::kSource6)});
  uint8_t buffer[probe::kMaxProbeLen];
  size_t len = builder.Build(spec, kSendUs, buffer);
  return Bytes(buffer, buffer + len);
}

probe::ProbeSpec Tcp(uint32_t target, uint16_t port, uint8_t ttl, uint8_t attempt = 0) {
  return {wire::IpAddress::V4(target), probe::ProbeType::kTcpSyn, port, ttl, attempt};
}
probe::ProbeSpec Echo(uint32_t target, uint8_t ttl, uint8_t attempt = 0) {
  return {wire::IpAddress::V4(target), probe::ProbeType::kIcmpEcho, 0, ttl, attempt};
}

// The target's TCP answer to a SYN probe: SYN-ACK (0x12) or RST-ACK (0x14).
Bytes TcpReply(const Bytes& probe, uint8_t flags, uint8_t ttl, uint16_t ipid) {
  uint32_t target = wire::LoadBe32(probe.data() + 16);
  const uint8_t* syn = probe.data() + 20;
  Bytes reply(40, 0);
  fuzz::WriteIpv4Header(reply.data(), 40, ipid, ttl, wire::kProtoTcp, target, fuzz::kSource);
  uint8_t* tcp = reply.data() + 20;
  wire::StoreBe16(tcp, wire::LoadBe16(syn + 2));
  wire::StoreBe16(tcp + 2, wire::LoadBe16(syn));
  wire::StoreBe32(tcp + 4, flags & wire::kTcpSyn ? 0x5eed0001u : 0);
  wire::StoreBe32(tcp + 8, wire::LoadBe32(syn + 4) + 1);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  wire::StoreBe16(tcp + 14, flags & wire::kTcpSyn ? 29200 : 0);
  wire::StoreBe16(tcp + 16, wire::TransportChecksumIpv4(target, fuzz::kSource, wire::kProtoTcp,
                                                        tcp, 20));
  return reply;
}

Bytes EchoReply(const Bytes& probe, uint8_t ttl, uint16_t ipid) {
  uint32_t target = wire::LoadBe32(probe.data() + 16);
  Bytes reply = probe;
  fuzz::WriteIpv4Header(reply.data(), static_cast<uint16_t>(reply.size()), ipid, ttl,
                        wire::kProtoIcmp, target, fuzz::kSource);
  uint8_t* icmp = reply.data() + 20;
  icmp[0] = wire::kIcmpEchoReply;
  wire::StoreBe16(icmp + 2, 0);
  wire::StoreBe16(icmp + 2, wire::InternetChecksum(icmp, reply.size() - 20));
  return reply;
}

struct Mpls {
  uint32_t label;
  uint8_t exp;
  bool bottom;
  uint8_t ttl;
};

// RFC 4884 extension structure with one RFC 4950 incoming MPLS label stack object.
Bytes MplsExtension(const std::vector<Mpls>& stack) {
  Bytes ext = {0x20, 0, 0, 0};
  uint16_t object_len = static_cast<uint16_t>(4 + 4 * stack.size());
  ext.push_back(static_cast<uint8_t>(object_len >> 8));
  ext.push_back(static_cast<uint8_t>(object_len));
  ext.push_back(1);  // class: MPLS label stack
  ext.push_back(1);  // c-type: incoming stack
  for (const Mpls& entry : stack) {
    uint32_t word = (entry.label << 12) | (uint32_t{entry.exp} << 9) |
                    (uint32_t{entry.bottom} << 8) | entry.ttl;
    for (int shift = 24; shift >= 0; shift -= 8) ext.push_back(static_cast<uint8_t>(word >> shift));
  }
  wire::StoreBe16(ext.data() + 2, wire::InternetChecksum(ext.data(), ext.size()));
  return ext;
}

enum class QuoteStyle { kEightBytes, kFull, kRfc4884Mpls, kLegacyMpls };

// The ICMP error body (bytes after the 8-byte ICMP header) a router sends for `probe`,
// and the RFC 4884 length field for its header.
Bytes QuoteBody(const Bytes& probe, QuoteStyle style, uint8_t* length_field) {
  Bytes quoted = probe;
  quoted[8] = 1;  // the TTL the probe had left at the router
  wire::StoreBe16(quoted.data() + 10, 0);
  wire::StoreBe16(quoted.data() + 10, wire::InternetChecksum(quoted.data(), 20));
  *length_field = 0;
  switch (style) {
    case QuoteStyle::kEightBytes:
      quoted.resize(28);
      return quoted;
    case QuoteStyle::kFull:
      return quoted;
    case QuoteStyle::kRfc4884Mpls:
    case QuoteStyle::kLegacyMpls: {
      quoted.resize(128, 0);
      if (style == QuoteStyle::kRfc4884Mpls) *length_field = 128 / 4;
      Bytes ext = MplsExtension({{24001, 0, false, 1}, {16, 5, true, 1}});
      quoted.insert(quoted.end(), ext.begin(), ext.end());
      return quoted;
    }
  }
  return quoted;
}

Bytes IcmpError(uint8_t type, uint8_t code, uint8_t length_field, const Bytes& body,
                uint32_t router = fuzz::kRouter) {
  Bytes reply(28 + body.size(), 0);
  fuzz::WriteIpv4Header(reply.data(), static_cast<uint16_t>(reply.size()), 0x4d2, 252,
                        wire::kProtoIcmp, router, fuzz::kSource);
  uint8_t* icmp = reply.data() + 20;
  icmp[0] = type;
  icmp[1] = code;
  icmp[5] = length_field;
  std::memcpy(icmp + 8, body.data(), body.size());
  wire::StoreBe16(icmp + 2, wire::InternetChecksum(icmp, reply.size() - 20));
  return reply;
}

// IPv6 ------------------------------------------------------------------------------------
// Probes crafted by probe::ProbeBuilder under the fixed key, exactly as a run sends them
// (TCP SYN 76 bytes with MSS NOP NOP TS, ICMPv6 echo 56 bytes), and the replies a target or
// a router sends for them: they authenticate, so the fuzzers start on the matcher's IPv6
// accept paths, not only its parsing.

struct ExtHeader {
  uint8_t type;
  Bytes bytes;  // byte 0 (next header) is filled in by Ipv6Packet
};

ExtHeader HopByHop() { return {wire::kIpv6HopByHop, {0, 0, 1, 4, 0, 0, 0, 0}}; }
ExtHeader DestOptions() {
  return {wire::kIpv6DestOptions, {0, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
}
ExtHeader Routing() { return {wire::kIpv6Routing, {0, 0, 0, 0, 0, 0, 0, 0}}; }
ExtHeader Fragment(uint16_t offset_units, bool more) {
  uint16_t word = static_cast<uint16_t>(offset_units << 3 | (more ? 1 : 0));
  return {wire::kIpv6Fragment,
          {0, 0, static_cast<uint8_t>(word >> 8), static_cast<uint8_t>(word), 0, 0, 0xbe, 0xef}};
}

// 16-byte addresses in network order; `upper` is the transport (already checksummed).
Bytes Ipv6Packet(const uint8_t* src, const uint8_t* dst, uint8_t hop_limit, uint32_t flow,
                 const std::vector<ExtHeader>& chain, uint8_t upper_type, const Bytes& upper) {
  Bytes packet(40);
  size_t ext_len = 0;
  for (const ExtHeader& ext : chain) ext_len += ext.bytes.size();
  uint8_t first = chain.empty() ? upper_type : chain.front().type;
  fuzz::WriteIpv6Header(packet.data(), static_cast<uint16_t>(ext_len + upper.size()), flow,
                        first, hop_limit, src, dst);
  for (size_t i = 0; i < chain.size(); ++i) {
    Bytes ext = chain[i].bytes;
    ext[0] = i + 1 < chain.size() ? chain[i + 1].type : upper_type;
    packet.insert(packet.end(), ext.begin(), ext.end());
  }
  packet.insert(packet.end(), upper.begin(), upper.end());
  return packet;
}

const uint8_t* Src6(const Bytes& packet) { return packet.data() + 8; }
const uint8_t* Dst6(const Bytes& packet) { return packet.data() + 24; }

// The same IPv6 packet (no extension headers of its own) with `chain` inserted after the
// fixed header: a probe as a middlebox that adds options or an atomic fragment header
// forwards it (the transport, and so its checksum, is unchanged).
Bytes WithChain(const Bytes& packet, const std::vector<ExtHeader>& chain) {
  Bytes upper(packet.begin() + 40, packet.end());
  return Ipv6Packet(Src6(packet), Dst6(packet), packet[7], wire::LoadBe32(packet.data()) & 0xfffff,
                    chain, packet[6], upper);
}

// A TCP header from `src` to `dst`; with `timestamps`, the options a Linux SYN-ACK carries
// (MSS, NOP, NOP, TS) and TSval/TSecr, else none (an RST).
Bytes Tcp6(const uint8_t* src, const uint8_t* dst, uint16_t sport, uint16_t dport, uint32_t seq,
           uint32_t ack, uint8_t flags, uint16_t window, bool timestamps, uint32_t tsval = 0,
           uint32_t tsecr = 0) {
  Bytes tcp(timestamps ? 36 : 20, 0);
  wire::StoreBe16(&tcp[0], sport);
  wire::StoreBe16(&tcp[2], dport);
  wire::StoreBe32(&tcp[4], seq);
  wire::StoreBe32(&tcp[8], ack);
  tcp[12] = static_cast<uint8_t>((tcp.size() / 4) << 4);
  tcp[13] = flags;
  wire::StoreBe16(&tcp[14], window);
  if (timestamps) {
    const uint8_t options[] = {2, 4, 0x05, 0xa0, 1, 1, 8, 10};
    std::memcpy(&tcp[20], options, sizeof(options));
    wire::StoreBe32(&tcp[28], tsval);
    wire::StoreBe32(&tcp[32], tsecr);
  }
  wire::StoreBe16(&tcp[16], wire::TransportChecksumIpv6(src, dst, wire::kProtoTcp, tcp.data(),
                                                        tcp.size()));
  return tcp;
}

Bytes Icmpv6(const uint8_t* src, const uint8_t* dst, uint8_t type, uint8_t code, uint32_t word,
             const Bytes& body) {
  Bytes icmp(8);
  icmp[0] = type;
  icmp[1] = code;
  wire::StoreBe32(&icmp[4], word);
  icmp.insert(icmp.end(), body.begin(), body.end());
  wire::StoreBe16(&icmp[2], wire::TransportChecksumIpv6(src, dst, wire::kProtoIcmpv6,
                                                        icmp.data(), icmp.size()));
  return icmp;
}

wire::IpAddress Target6(uint8_t last_byte) {
  uint8_t bytes[16];
  std::memcpy(bytes, fuzz::kTarget6, 16);
  bytes[15] = last_byte;
  return wire::IpAddress::FromV6Bytes(bytes);
}

probe::ProbeSpec Tcp6Spec(const wire::IpAddress& target, uint16_t port, uint8_t hop_limit,
                          uint8_t attempt = 0) {
  return {target, probe::ProbeType::kTcpSyn, port, hop_limit, attempt};
}
probe::ProbeSpec Echo6Spec(const wire::IpAddress& target, uint8_t hop_limit, uint8_t attempt = 0) {
  return {target, probe::ProbeType::kIcmpEcho, 0, hop_limit, attempt};
}

// The target's TCP answer to an IPv6 SYN probe: a SYN-ACK that keeps timestamps (TSecr
// echoes the probe's TSval, the send time) or an RST-ACK; both acknowledge seq + 1.
Bytes TcpReply6(const Bytes& probe, uint8_t flags, const std::vector<ExtHeader>& chain = {}) {
  const uint8_t* syn = probe.data() + 40;
  const uint8_t* target = Dst6(probe);
  const uint8_t* source = Src6(probe);
  bool syn_ack = (flags & wire::kTcpSyn) != 0;
  Bytes tcp = Tcp6(target, source, wire::LoadBe16(syn + 2), wire::LoadBe16(syn),
                   syn_ack ? 0x5eed0001u : 0, wire::LoadBe32(syn + probe::kTcpSeqAt) + 1, flags,
                   syn_ack ? 64800 : 0, syn_ack, 0x77665544,
                   wire::LoadBe32(syn + probe::kSynV6TsvalAt));
  return Ipv6Packet(target, source, 57, 0x5eed1, chain, wire::kProtoTcp, tcp);
}

// The target's ICMPv6 echo reply: the request's identifier, sequence and payload.
Bytes EchoReply6(const Bytes& probe) {
  Bytes icmp(probe.begin() + 40, probe.end());
  icmp[0] = wire::kIcmpv6EchoReply;
  icmp[2] = icmp[3] = 0;
  wire::StoreBe16(&icmp[2], wire::TransportChecksumIpv6(Dst6(probe), Src6(probe),
                                                        wire::kProtoIcmpv6, icmp.data(),
                                                        icmp.size()));
  return Ipv6Packet(Dst6(probe), Src6(probe), 57, 0x5eed2, {}, wire::kProtoIcmpv6, icmp);
}

// The ICMPv6 error body for `probe` and the RFC 4884 length field (64-bit words).
Bytes QuoteBody6(const Bytes& probe, QuoteStyle style, uint8_t* length_field) {
  Bytes quoted = probe;
  quoted[7] = 1;  // the hop limit the probe had left at the router
  *length_field = 0;
  if (style == QuoteStyle::kEightBytes) {
    quoted.resize(std::min<size_t>(quoted.size(), 48));  // some stacks still cut short
  }
  if (style == QuoteStyle::kRfc4884Mpls || style == QuoteStyle::kLegacyMpls) {
    quoted.resize(128, 0);
    if (style == QuoteStyle::kRfc4884Mpls) *length_field = 128 / 8;
    Bytes ext = MplsExtension({{24001, 0, false, 1}, {16, 5, true, 1}});
    quoted.insert(quoted.end(), ext.begin(), ext.end());
  }
  return quoted;
}

// The full ICMPv6 error from the router; `word` is octets 4-7 (MTU, pointer), the RFC 4884
// length goes into octet 4.
Bytes IcmpError6(uint8_t type, uint8_t code, uint32_t word, uint8_t length_field,
                 const Bytes& body, const std::vector<ExtHeader>& outer_chain = {}) {
  word |= uint32_t{length_field} << 24;
  Bytes icmp = Icmpv6(fuzz::kRouter6, fuzz::kSource6, type, code, word, body);
  return Ipv6Packet(fuzz::kRouter6, fuzz::kSource6, 61, 0, outer_chain, wire::kProtoIcmpv6, icmp);
}

struct Named {
  std::string name;
  Bytes packet;
};

// The kLinkTypes indices whose links carry IPv4 (`v6` false) or IPv6 packets, in order.
std::vector<size_t> CarrierLinks(bool v6) {
  std::vector<size_t> links;
  for (size_t i = 0; i < fuzz::kLinkTypeCount; ++i) {
    wire::LinkType link = fuzz::kLinkTypes[i];
    if (link != (v6 ? wire::LinkType::kIpv4 : wire::LinkType::kIpv6)) links.push_back(i);
  }
  return links;
}

// frame_match_fuzzer: every reply in one framing each (rotating over the links that carry
// its family), the replies named in `everywhere` in all of them.
void WriteFrameSeeds(const std::vector<Named>& replies, bool v6,
                     const std::vector<std::string>& everywhere) {
  std::vector<size_t> links = CarrierLinks(v6);
  size_t rotation = 0;
  for (const Named& reply : replies) {
    bool all = std::find(everywhere.begin(), everywhere.end(), reply.name) != everywhere.end();
    for (size_t k = 0; k < links.size(); ++k) {
      if (!all && k != rotation % links.size()) continue;
      size_t link = links[k];
      Bytes input = {static_cast<uint8_t>(link)};
      Bytes frame = fuzz::Frame(fuzz::kLinkTypes[link], reply.packet);
      input.insert(input.end(), frame.begin(), frame.end());
      Write("frame_match_fuzzer",
            reply.name + "_" + std::string(wire::LinkTypeName(fuzz::kLinkTypes[link])), input);
    }
    ++rotation;
  }
}

// pcap files -----------------------------------------------------------------------------

void Put16(Bytes* out, uint16_t v, bool big) {
  if (big) {
    out->push_back(static_cast<uint8_t>(v >> 8));
    out->push_back(static_cast<uint8_t>(v));
  } else {
    out->push_back(static_cast<uint8_t>(v));
    out->push_back(static_cast<uint8_t>(v >> 8));
  }
}
void Put32(Bytes* out, uint32_t v, bool big) {
  if (big) {
    Put16(out, static_cast<uint16_t>(v >> 16), true);
    Put16(out, static_cast<uint16_t>(v), true);
  } else {
    Put16(out, static_cast<uint16_t>(v), false);
    Put16(out, static_cast<uint16_t>(v >> 16), false);
  }
}

Bytes Pcap(uint32_t linktype, const std::vector<Bytes>& frames, bool nanos, bool big,
           uint32_t snaplen = 65535) {
  Bytes out;
  Put32(&out, nanos ? 0xa1b23c4d : 0xa1b2c3d4, big);
  Put16(&out, 2, big);
  Put16(&out, 4, big);
  Put32(&out, 0, big);
  Put32(&out, 0, big);
  Put32(&out, snaplen, big);
  Put32(&out, linktype, big);
  int64_t t = fuzz::kRecvTimeUs;
  for (const Bytes& frame : frames) {
    uint32_t caplen = static_cast<uint32_t>(frame.size() < snaplen ? frame.size() : snaplen);
    Put32(&out, static_cast<uint32_t>(t / 1000000), big);
    Put32(&out, static_cast<uint32_t>(nanos ? (t % 1000000) * 1000 : t % 1000000), big);
    Put32(&out, caplen, big);
    Put32(&out, static_cast<uint32_t>(frame.size()), big);
    out.insert(out.end(), frame.begin(), frame.begin() + caplen);
    t += 1234;
  }
  return out;
}

void PcapngBlock(Bytes* out, uint32_t type, const Bytes& body) {
  uint32_t len = static_cast<uint32_t>(12 + ((body.size() + 3) & ~size_t{3}));
  Put32(out, type, false);
  Put32(out, len, false);
  out->insert(out->end(), body.begin(), body.end());
  out->resize(out->size() + (((body.size() + 3) & ~size_t{3}) - body.size()), 0);
  Put32(out, len, false);
}

// pcapng: SHB, one IDB (optionally with if_tsresol), one EPB per frame.
Bytes Pcapng(uint16_t linktype, const std::vector<Bytes>& frames, int tsresol_exponent) {
  Bytes out;
  Bytes shb;
  Put32(&shb, 0x1a2b3c4d, false);
  Put16(&shb, 1, false);
  Put16(&shb, 0, false);
  Put32(&shb, 0xffffffff, false);
  Put32(&shb, 0xffffffff, false);
  PcapngBlock(&out, 0x0a0d0d0a, shb);
  Bytes idb;
  Put16(&idb, linktype, false);
  Put16(&idb, 0, false);
  Put32(&idb, 65535, false);
  if (tsresol_exponent != 6) {
    Put16(&idb, 9, false);  // if_tsresol
    Put16(&idb, 1, false);
    idb.push_back(static_cast<uint8_t>(tsresol_exponent));
    idb.resize(idb.size() + 3, 0);
    Put16(&idb, 0, false);  // opt_endofopt
    Put16(&idb, 0, false);
  }
  PcapngBlock(&out, 1, idb);
  uint64_t t = static_cast<uint64_t>(fuzz::kRecvTimeUs);
  for (int i = 6; i < tsresol_exponent; ++i) t *= 10;
  for (const Bytes& frame : frames) {
    Bytes epb;
    Put32(&epb, 0, false);
    Put32(&epb, static_cast<uint32_t>(t >> 32), false);
    Put32(&epb, static_cast<uint32_t>(t), false);
    Put32(&epb, static_cast<uint32_t>(frame.size()), false);
    Put32(&epb, static_cast<uint32_t>(frame.size()), false);
    epb.insert(epb.end(), frame.begin(), frame.end());
    PcapngBlock(&out, 6, epb);
    t += 777;
  }
  return out;
}

// The replies called `names`, in that order, each framed for `link`.
std::vector<Bytes> FramesOf(const std::vector<Named>& replies, wire::LinkType link,
                            std::initializer_list<const char*> names) {
  std::vector<Bytes> frames;
  for (const char* name : names) {
    for (const Named& reply : replies) {
      if (reply.name == name) frames.push_back(fuzz::Frame(link, reply.packet));
    }
  }
  return frames;
}

void WriteIpv6Captures(const std::vector<Named>& replies);

// IPv6 replies for frame_match_fuzzer, icmp_quote_fuzzer (family bit set) and pcap_fuzzer.
void WriteIpv6Seeds() {
  const wire::IpAddress target = Target6(7);
  Bytes syn = Probe(Tcp6Spec(target, 25, 5));
  Bytes syn_443 = Probe(Tcp6Spec(target, 443, 9, 1));
  Bytes echo = Probe(Echo6Spec(target, 3));
  Bytes echo_host = Probe(Echo6Spec(Target6(0x42), 12, 1));
  // The probe as a router forwarded it with options and an atomic fragment header added.
  Bytes syn_ext = WithChain(syn, {HopByHop(), DestOptions(), Fragment(0, false)});
  Bytes syn_out_of_plan = Probe(Tcp6Spec(target, 25, 40, 3));  // open matches, scoped rejects
  Bytes syn_not_ours = Probe(Tcp6Spec(wire::IpAddress::V6(0x20010db800000000ull, 1), 25, 8));
  std::vector<Named> replies = {
      {"synack6", TcpReply6(syn, wire::kTcpSyn | wire::kTcpAck)},
      {"synack6_443", TcpReply6(syn_443, wire::kTcpSyn | wire::kTcpAck)},
      {"rst6", TcpReply6(syn, wire::kTcpRst | wire::kTcpAck)},
      {"synack6_ext", TcpReply6(syn, wire::kTcpSyn | wire::kTcpAck, {HopByHop(), Routing()})},
      {"synack6_atomic_fragment",
       TcpReply6(syn, wire::kTcpSyn | wire::kTcpAck, {HopByHop(), Fragment(0, false)})},
      {"synack6_fragment_later",
       TcpReply6(syn, wire::kTcpSyn | wire::kTcpAck, {Fragment(185, false)})},
      {"synack6_out_of_plan", TcpReply6(syn_out_of_plan, wire::kTcpSyn | wire::kTcpAck)},
      {"synack6_not_ours", TcpReply6(syn_not_ours, wire::kTcpSyn | wire::kTcpAck)},
      {"echo_reply6", EchoReply6(echo)},
      {"echo_reply6_host", EchoReply6(echo_host)},
      {"own_probe6", syn},  // a capture of both directions holds our probes too
      {"own_echo_probe6", echo},
  };
  struct QuoteSeed6 {
    std::string name;
    uint8_t type, code;
    uint32_t word;
    const Bytes* probe;
    QuoteStyle style;
    bool outer_hop_by_hop;
  };
  const std::vector<QuoteSeed6> quote_seeds = {
      {"te6_tcp_full", 3, 0, 0, &syn, QuoteStyle::kFull, false},
      {"te6_tcp_48", 3, 0, 0, &syn, QuoteStyle::kEightBytes, false},
      {"te6_echo_full", 3, 0, 0, &echo, QuoteStyle::kFull, false},
      {"te6_tcp_mpls", 3, 0, 0, &syn, QuoteStyle::kRfc4884Mpls, false},
      {"te6_quote_ext", 3, 0, 0, &syn_ext, QuoteStyle::kFull, true},
      {"unreach6_admin_tcp_mpls", 1, 1, 0, &syn, QuoteStyle::kRfc4884Mpls, false},
      {"unreach6_address_echo", 1, 3, 0, &echo_host, QuoteStyle::kFull, false},
      {"unreach6_port", 1, 4, 0, &syn_443, QuoteStyle::kFull, true},
      {"unreach6_policy_echo_legacy_mpls", 1, 5, 0, &echo, QuoteStyle::kLegacyMpls, false},
      {"unreach6_reject_route", 1, 6, 0, &syn, QuoteStyle::kFull, false},
      {"ptb6", 2, 0, 1280, &syn, QuoteStyle::kFull, false},
      {"param6", 4, 1, 40, &syn_ext, QuoteStyle::kFull, false},
  };
  std::vector<size_t> links = CarrierLinks(true);
  for (size_t i = 0; i < quote_seeds.size(); ++i) {
    const QuoteSeed6& seed = quote_seeds[i];
    uint8_t len_field = 0;
    Bytes body = QuoteBody6(*seed.probe, seed.style, &len_field);
    std::vector<ExtHeader> outer;
    if (seed.outer_hop_by_hop) outer.push_back(HopByHop());
    replies.push_back({seed.name, IcmpError6(seed.type, seed.code, seed.word, len_field, body,
                                             outer)});
    // icmp_quote_fuzzer: family bit + type index, code, octet 4, link index + hop-by-hop bit.
    uint8_t octet4 = seed.type == 2 || seed.type == 4 ? static_cast<uint8_t>(seed.word >> 24)
                                                      : len_field;
    Bytes input = {static_cast<uint8_t>(0x80 | (seed.type - 1)), seed.code, octet4,
                   static_cast<uint8_t>(links[i % links.size()] | (seed.outer_hop_by_hop ? 0x80 : 0))};
    input.insert(input.end(), body.begin(), body.end());
    Write("icmp_quote_fuzzer", seed.name, input);
  }
  WriteFrameSeeds(replies, true, {"synack6", "te6_tcp_mpls"});
  WriteIpv6Captures(replies);
}

// pcap_fuzzer: IPv6 captures (LINKTYPE_IPV6 229 too, which pcap_source may refuse).
void WriteIpv6Captures(const std::vector<Named>& replies) {
  auto frames_in = [&](wire::LinkType link, std::initializer_list<const char*> names) {
    return FramesOf(replies, link, names);
  };
  Write("pcap_fuzzer", "ethernet6_usec_le.pcap",
        Pcap(1, frames_in(wire::LinkType::kEthernet, {"synack6", "te6_tcp_mpls", "echo_reply6"}),
             false, false));
  Write("pcap_fuzzer", "sll2_6_usec_le.pcap",
        Pcap(276, frames_in(wire::LinkType::kLinuxSll2, {"unreach6_port", "ptb6"}), false, false));
  Write("pcap_fuzzer", "raw6_nsec.pcapng",
        Pcapng(101, frames_in(wire::LinkType::kRaw, {"te6_quote_ext", "param6"}), 9));
  Write("pcap_fuzzer", "ipv6_usec_be.pcap",
        Pcap(229, frames_in(wire::LinkType::kIpv6, {"rst6", "unreach6_admin_tcp_mpls"}), false,
             true));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_ROOT (e.g. tests/fuzz/corpus)\n", argv[0]);
    return 2;
  }
  g_root = argv[1];

  const uint32_t target = fuzz::kTargetNet + 7;
  Bytes syn = Probe(Tcp(target, 25, 64));
  Bytes syn_ttl5 = Probe(Tcp(target, 443, 5, 1));
  Bytes syn_host = Probe(Tcp(fuzz::kTargetHost, 25, 9));
  Bytes echo = Probe(Echo(target, 64));
  Bytes echo_ttl3 = Probe(Echo(fuzz::kTargetHost, 3, 1));
  Bytes syn_out_of_plan = Probe(Tcp(target, 25, 40, 3));    // open matches, scoped rejects
  Bytes syn_not_ours = Probe(Tcp(0x08080808, 25, 64));      // open matches, scoped rejects

  uint8_t len_field = 0;
  std::vector<Named> replies = {
      {"synack", TcpReply(syn, wire::kTcpSyn | wire::kTcpAck, 57, 0)},
      {"rst", TcpReply(syn, wire::kTcpRst | wire::kTcpAck, 57, 0)},
      {"rst_injected", TcpReply(syn_ttl5, wire::kTcpRst | wire::kTcpAck, 60, 0xbeef)},
      {"synack_host", TcpReply(syn_host, wire::kTcpSyn | wire::kTcpAck, 50, 0x1111)},
      {"echo_reply", EchoReply(echo, 57, 0x2222)},
      {"synack_out_of_plan", TcpReply(syn_out_of_plan, wire::kTcpSyn | wire::kTcpAck, 57, 0)},
      {"synack_not_ours", TcpReply(syn_not_ours, wire::kTcpSyn | wire::kTcpAck, 57, 0)},
      {"own_probe", syn},  // a capture of both directions holds our probes too
  };
  struct QuoteSeed {
    std::string name;
    uint8_t type;
    uint8_t code;
    const Bytes* probe;
    QuoteStyle style;
  };
  std::vector<QuoteSeed> quote_seeds = {
      {"te_tcp_8", 11, 0, &syn_ttl5, QuoteStyle::kEightBytes},
      {"te_tcp_full", 11, 0, &syn_ttl5, QuoteStyle::kFull},
      {"te_echo_8", 11, 0, &echo_ttl3, QuoteStyle::kEightBytes},
      {"te_echo_full", 11, 0, &echo_ttl3, QuoteStyle::kFull},
      {"te_tcp_mpls", 11, 0, &syn_ttl5, QuoteStyle::kRfc4884Mpls},
      {"unreach_tcp_mpls", 3, 13, &syn, QuoteStyle::kRfc4884Mpls},
      {"unreach_echo_legacy_mpls", 3, 10, &echo, QuoteStyle::kLegacyMpls},
      {"unreach_port_8", 3, 3, &syn_host, QuoteStyle::kEightBytes},
      {"param_problem_full", 12, 0, &syn, QuoteStyle::kFull},
      {"source_quench_8", 4, 0, &echo, QuoteStyle::kEightBytes},
      {"redirect_full", 5, 1, &syn_host, QuoteStyle::kFull},
  };
  // Index of each ICMP error type in icmp_quote_fuzzer's table {3, 11, 12, 4, 5}.
  auto type_index = [](uint8_t type) -> uint8_t {
    switch (type) {
      case 11: return 1;
      case 12: return 2;
      case 4: return 3;
      case 5: return 4;
      default: return 0;
    }
  };
  for (size_t i = 0; i < quote_seeds.size(); ++i) {
    const QuoteSeed& seed = quote_seeds[i];
    Bytes body = QuoteBody(*seed.probe, seed.style, &len_field);
    replies.push_back({seed.name, IcmpError(seed.type, seed.code, len_field, body)});
    // icmp_quote_fuzzer: type index, code, RFC 4884 length, link index, body.
    Bytes input = {type_index(seed.type), seed.code, len_field,
                   static_cast<uint8_t>(i % CarrierLinks(false).size())};
    input.insert(input.end(), body.begin(), body.end());
    Write("icmp_quote_fuzzer", seed.name, input);
  }

  WriteFrameSeeds(replies, false, {"synack", "te_tcp_mpls", "echo_reply"});
  WriteIpv6Seeds();
  {
    // 802.1Q + 802.1ad tagged Ethernet, an ARP frame, an IPv6 frame.
    Bytes qinq = {1, 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02,
                  0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00};
    qinq.insert(qinq.end(), replies[0].packet.begin(), replies[0].packet.end());
    Write("frame_match_fuzzer", "synack_ethernet_qinq", qinq);
    Bytes arp = {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,
                 0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x01, 198, 18, 0, 2,
                 0, 0, 0, 0, 0, 0, 198, 18, 0, 1};
    Write("frame_match_fuzzer", "arp_ethernet", arp);
    Bytes ipv6 = {1, 0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x86, 0xdd,
                  0x60, 0, 0, 0, 0, 0, 58, 64};
    ipv6.resize(ipv6.size() + 32, 0);
    Write("frame_match_fuzzer", "ipv6_ethernet", ipv6);
  }

  // pcap_fuzzer: small captures in several link types and file formats.
  auto frames_in = [&](wire::LinkType link, std::initializer_list<const char*> names) {
    return FramesOf(replies, link, names);
  };
  Write("pcap_fuzzer", "ethernet_usec_le.pcap",
        Pcap(1, frames_in(wire::LinkType::kEthernet, {"synack", "te_tcp_8", "echo_reply"}),
             false, false));
  Write("pcap_fuzzer", "sll_nsec_be.pcap",
        Pcap(113, frames_in(wire::LinkType::kLinuxSll, {"rst", "te_tcp_mpls"}), true, true));
  Write("pcap_fuzzer", "raw_snaplen96.pcap",
        Pcap(101, frames_in(wire::LinkType::kRaw, {"unreach_tcp_mpls", "te_echo_full"}), false,
             false, 96));
  Write("pcap_fuzzer", "sll2_usec_le.pcap",
        Pcap(276, frames_in(wire::LinkType::kLinuxSll2, {"rst_injected", "redirect_full"}), false,
             false));
  Write("pcap_fuzzer", "null_usec_le.pcap",
        Pcap(0, frames_in(wire::LinkType::kNull, {"echo_reply"}), false, false));
  Write("pcap_fuzzer", "loop_usec_be.pcap",
        Pcap(108, frames_in(wire::LinkType::kLoop, {"synack_host"}), false, true));
  Write("pcap_fuzzer", "ipv4_usec_le.pcap",
        Pcap(228, frames_in(wire::LinkType::kIpv4, {"unreach_port_8"}), false, false));
  Write("pcap_fuzzer", "empty_ethernet.pcap", Pcap(1, {}, false, false));
  Write("pcap_fuzzer", "ethernet.pcapng",
        Pcapng(1, frames_in(wire::LinkType::kEthernet, {"synack", "te_tcp_full"}), 6));
  Write("pcap_fuzzer", "raw_nsec.pcapng",
        Pcapng(101, frames_in(wire::LinkType::kRaw, {"echo_reply", "unreach_echo_legacy_mpls"}), 9));

  // targets_fuzzer: target specs and target files.
  WriteText("single_host", "198.18.0.1");
  WriteText("prefix", "198.18.0.0/24");
  WriteText("prefix_host_bits", "198.18.0.7/24");
  WriteText("slash0", "0.0.0.0/0");
  WriteText("slash32", "203.0.113.7/32");
  WriteText("file_comments",
            "# scan targets\n198.18.0.0/24\n\n  203.0.113.7  # control host\n\t10.0.0.0/30\n");
  WriteText("file_overlapping", "198.18.0.0/23\n198.18.1.0/24\n198.18.2.0/24\n198.18.3.255\n");
  WriteText("file_edges", "255.255.255.255\n0.0.0.0\n128.0.0.0/1\n127.255.255.255\n");
  WriteText("file_crlf", "192.0.2.0/28\r\n192.0.2.16/28\r\n");
  WriteText("bad_ipv6", "2001:db8::1\n");
  WriteText("bad_prefix", "198.18.0.0/33\n");
  WriteText("bad_octet", "198.18.0.256\n");
  return 0;
}
