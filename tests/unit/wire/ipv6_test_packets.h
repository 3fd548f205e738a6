// SPDX-License-Identifier: Apache-2.0
// IPv6 packets built by libtins, the independent oracle of the IPv6 parser and frame
// tests: probes laid out as docs (the IPv6 spec) say, the target's TCP and echo replies,
// and ICMPv6 errors as routers send them (quotes, RFC 4884 extensions with RFC 4950 MPLS
// label stacks), each with an optional chain of extension headers.
#ifndef CUTPOINT_TESTS_UNIT_WIRE_IPV6_TEST_PACKETS_H_
#define CUTPOINT_TESTS_UNIT_WIRE_IPV6_TEST_PACKETS_H_

#include <tins/icmpv6.h>
#include <tins/ipsec.h>
#include <tins/ipv6.h>
#include <tins/mpls.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>

#include <cstdint>
#include <vector>

#include "engine/wire/ip_address.h"

namespace cutpoint::wire::v6test {

using Bytes = std::vector<uint8_t>;

inline const Tins::IPv6Address kUs("2001:2::1");
inline const Tins::IPv6Address kTarget("2001:2:0:1::7");
inline const Tins::IPv6Address kRouter("2001:2:0:2::1");

inline IpAddress Addr(const Tins::IPv6Address& address) {
  return IpAddress::FromV6Bytes(address.begin());
}

// Extension headers, each with the length the parser must skip.
enum class Ext : uint8_t {
  kHopByHop,       // 8 bytes: PadN
  kDestOptions,    // 16 bytes: PadN
  kRouting,        // 8 bytes: type 0, segments left 0
  kFragmentFirst,  // offset 0, M set
  kFragmentLater,  // offset 185 (1480 bytes), M clear
};

inline constexpr uint32_t kFragmentId = 0x0badf00d;

inline size_t ExtLen(Ext ext) { return ext == Ext::kDestOptions ? 16 : 8; }

inline void AddExtension(Tins::IPv6* ip, Ext ext) {
  Bytes data;
  uint8_t type = 0;
  switch (ext) {
    case Ext::kHopByHop:
      type = Tins::IPv6::HOP_BY_HOP;
      data = {1, 4, 0, 0, 0, 0};
      break;
    case Ext::kDestOptions:
      type = Tins::IPv6::DESTINATION_ROUTING_OPTIONS;
      data = {1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      break;
    case Ext::kRouting:
      type = Tins::IPv6::ROUTING;
      data = {0, 0, 0, 0, 0, 0};
      break;
    case Ext::kFragmentFirst:
    case Ext::kFragmentLater: {
      type = Tins::IPv6::FRAGMENT;
      uint16_t offset_flags = ext == Ext::kFragmentFirst ? 0x0001 : (185 << 3);
      data = {static_cast<uint8_t>(offset_flags >> 8), static_cast<uint8_t>(offset_flags),
              kFragmentId >> 24, (kFragmentId >> 16) & 0xff, (kFragmentId >> 8) & 0xff,
              kFragmentId & 0xff};
      break;
    }
  }
  ip->add_header(Tins::IPv6::ext_header(type, data.begin(), data.end()));
}

// Extension headers in order, then optionally an AH (16 bytes) before the transport.
struct Chain {
  std::vector<Ext> headers;
  bool ah = false;

  size_t bytes() const {
    size_t total = ah ? 16 : 0;
    for (Ext ext : headers) total += ExtLen(ext);
    return total;
  }
  size_t count() const { return headers.size() + (ah ? 1 : 0); }
};

struct Ipv6Spec {
  Tins::IPv6Address src = kTarget;
  Tins::IPv6Address dst = kUs;
  uint8_t hop_limit = 57;
  uint32_t flow_label = 0x5eed1;
  uint8_t traffic_class = 0;
  Chain chain;
};

inline Bytes Serialize(const Ipv6Spec& spec, const Tins::PDU& transport) {
  Tins::IPv6 ip(spec.dst, spec.src);
  ip.hop_limit(spec.hop_limit);
  ip.flow_label(spec.flow_label);
  ip.traffic_class(spec.traffic_class);
  for (Ext ext : spec.chain.headers) AddExtension(&ip, ext);
  Tins::IPv6 packet = spec.chain.ah ? ip / Tins::IPSecAH() / transport : ip / transport;
  Tins::PDU::serialization_type bytes = packet.serialize();
  return Bytes(bytes.begin(), bytes.end());
}

// TCP as the IPv6 SYN probe lays it out: MSS NOP NOP TS (36-byte header).
inline Tins::TCP ProbeTcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                          Tins::small_uint<12> flags, uint32_t tsval, uint32_t tsecr) {
  Tins::TCP tcp(dport, sport);
  tcp.seq(seq);
  tcp.ack_seq(ack);
  tcp.flags(flags);
  tcp.window(65535);
  tcp.mss(1440);
  tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
  tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
  tcp.timestamp(tsval, tsecr);
  return tcp;
}

inline constexpr uint16_t kProbeSport = 40001;
inline constexpr uint16_t kProbeDport = 25;
inline constexpr uint32_t kProbeSeq = 0x05c0ffee;
inline constexpr uint32_t kProbeTsval = 0x11223344;
inline constexpr uint16_t kEchoId = 0xec40;
inline constexpr uint16_t kEchoSeq = 0x05c0;
inline const Bytes kEchoPayload = {0x05, 0xc0, 0xff, 0xee, 0x33, 0x44, 0xab, 0xcd};

// The TCP SYN probe from us to the target (76 bytes without extension headers).
inline Bytes SynProbe(uint8_t hop_limit = 1, const Chain& chain = {}) {
  Ipv6Spec ip{kUs, kTarget, hop_limit, 0x5eed1, 0, chain};
  return Serialize(ip, ProbeTcp(kProbeSport, kProbeDport, kProbeSeq, 0, Tins::TCP::SYN,
                                kProbeTsval, 0));
}

inline Tins::ICMPv6 Echo(Tins::ICMPv6::Types type, uint16_t id, uint16_t seq) {
  Tins::ICMPv6 icmp(type);
  icmp.identifier(id);
  icmp.sequence(seq);
  return icmp;
}

// The ICMPv6 echo probe (56 bytes without extension headers).
inline Bytes EchoProbe(uint8_t hop_limit = 1, const Chain& chain = {}) {
  Ipv6Spec ip{kUs, kTarget, hop_limit, 0x5eed2, 0, chain};
  Tins::ICMPv6 icmp = Echo(Tins::ICMPv6::ECHO_REQUEST, kEchoId, kEchoSeq);
  return Serialize(ip, icmp / Tins::RawPDU(kEchoPayload));
}

struct Label {
  uint32_t label;
  uint8_t exp;
  bool bottom;
  uint8_t ttl;
};

enum class ExtensionForm : uint8_t { kNone, kLengthField, kLegacy };

struct ErrorSpec {
  uint8_t type = Tins::ICMPv6::TIME_EXCEEDED;
  uint8_t code = 0;
  uint32_t word = 0;  // octets 4-7: the MTU of packet too big, the pointer of param problem
  ExtensionForm form = ExtensionForm::kNone;
  std::vector<Label> labels;
  Ipv6Spec outer{kRouter, kUs, 61, 0, 0, {}};
};

// RFC 1624 eqn. 3: the checksum after one 16-bit word changes from `old_word` to `new_word`.
inline uint16_t UpdatedChecksum(uint16_t checksum, uint16_t old_word, uint16_t new_word) {
  uint32_t sum = uint32_t{static_cast<uint16_t>(~checksum)} +
                 static_cast<uint16_t>(~old_word) + new_word;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// An ICMPv6 error quoting `quote` (as much of the invoking packet as the router sent).
inline Bytes IcmpError(const Bytes& quote, const ErrorSpec& e) {
  // libtins sets the RFC 4884 length of time exceeded only: a destination unreachable
  // with one is built as time exceeded, then retyped (checksum updated by RFC 1624).
  bool retype = e.type == Tins::ICMPv6::DEST_UNREACHABLE && e.form == ExtensionForm::kLengthField;
  if (retype) {
    ErrorSpec as_time_exceeded = e;
    as_time_exceeded.type = Tins::ICMPv6::TIME_EXCEEDED;
    Bytes packet = IcmpError(quote, as_time_exceeded);
    uint8_t* icmp = packet.data() + 40 + e.outer.chain.bytes();
    uint16_t old_word = static_cast<uint16_t>(icmp[0] << 8 | icmp[1]);
    icmp[0] = e.type;
    uint16_t checksum = static_cast<uint16_t>(icmp[2] << 8 | icmp[3]);
    checksum = UpdatedChecksum(checksum, old_word, static_cast<uint16_t>(icmp[0] << 8 | icmp[1]));
    icmp[2] = static_cast<uint8_t>(checksum >> 8);
    icmp[3] = static_cast<uint8_t>(checksum);
    return packet;
  }
  Tins::ICMPv6 icmp(static_cast<Tins::ICMPv6::Types>(e.type));
  icmp.code(e.code);
  // Octets 4-7 through the echo fields, which libtins writes for every type.
  if (e.word != 0) {
    icmp.identifier(static_cast<uint16_t>(e.word >> 16));
    icmp.sequence(static_cast<uint16_t>(e.word));
  }
  for (const Label& l : e.labels) {
    Tins::MPLS mpls;
    mpls.label(l.label);
    mpls.experimental(l.exp);
    mpls.bottom_of_stack(l.bottom ? 1 : 0);
    mpls.ttl(l.ttl);
    icmp.extensions().add_extension(mpls);
  }
  // libtins writes its length field (octet 4) for every error type once told anything,
  // clobbering the MTU and the pointer: tell it only for the types RFC 4884 gives one.
  if (e.type == Tins::ICMPv6::DEST_UNREACHABLE || e.type == Tins::ICMPv6::TIME_EXCEEDED) {
    icmp.use_length_field(e.form == ExtensionForm::kLengthField);
  }
  return Serialize(e.outer, icmp / Tins::RawPDU(quote));
}

inline Bytes TcpReply(uint8_t flags, uint32_t tsecr, const Chain& chain = {}) {
  Ipv6Spec ip;
  ip.chain = chain;
  Tins::TCP tcp = ProbeTcp(kProbeDport, kProbeSport, 0x5eed0001, kProbeSeq + 1, flags,
                           0x77665544, tsecr);
  return Serialize(ip, tcp);
}

inline Bytes EchoReply(const Chain& chain = {}) {
  Ipv6Spec ip;
  ip.chain = chain;
  Tins::ICMPv6 icmp = Echo(Tins::ICMPv6::ECHO_REPLY, kEchoId, kEchoSeq);
  return Serialize(ip, icmp / Tins::RawPDU(kEchoPayload));
}

}  // namespace cutpoint::wire::v6test

#endif  // CUTPOINT_TESTS_UNIT_WIRE_IPV6_TEST_PACKETS_H_
