// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the unit tests: byte builders for IPv4/TCP/ICMP packets, ICMP
// errors with RFC 4884 extensions, link-layer wrappers, and a hex-diff assertion.
// Everything here is written from the RFCs directly and uses no engine code except the
// checksum primitive (itself covered by wire/checksum_test.cc against RFC 1071 vectors).
#ifndef CUTPOINT_TESTS_UNIT_TEST_UTIL_H_
#define CUTPOINT_TESTS_UNIT_TEST_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

#include "engine/wire/checksum.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::wire {
// gtest prints addresses in their text form, and failure messages may stream them.
inline std::ostream& operator<<(std::ostream& os, const IpAddress& address) {
  return os << IpAddressToString(address);
}
inline void PrintTo(const IpAddress& address, std::ostream* os) { *os << address; }
}  // namespace cutpoint::wire

namespace cutpoint::testutil {

using Bytes = std::vector<uint8_t>;

// An IPv4 address written in a test: a host-order integer for the packet builders below,
// and a wire::IpAddress wherever the engine takes one (targets, responders).
struct Ipv4Literal {
  uint32_t value;
  constexpr operator uint32_t() const { return value; }  // NOLINT: implicit by design
  constexpr operator wire::IpAddress() const {           // NOLINT: implicit by design
    return wire::IpAddress::V4(value);
  }
};

constexpr Ipv4Literal Ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return {a << 24 | b << 16 | c << 8 | d};
}
// The same for a host-order integer computed by the test.
constexpr wire::IpAddress V4(uint32_t host_order) { return wire::IpAddress::V4(host_order); }

inline void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

inline std::string Hex(const uint8_t* data, size_t len) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", data[i]);
    out += buf;
  }
  return out;
}
inline std::string Hex(const Bytes& b) { return Hex(b.data(), b.size()); }

// Byte-exact comparison with a hex diff (one line per 16 bytes, '^^' under mismatches).
inline ::testing::AssertionResult BytesEqual(const uint8_t* actual, size_t actual_len,
                                             const Bytes& expected) {
  bool same = actual_len == expected.size() &&
              std::equal(expected.begin(), expected.end(), actual);
  if (same) return ::testing::AssertionSuccess();
  std::string msg = "byte mismatch: actual " + std::to_string(actual_len) + " bytes, expected " +
                    std::to_string(expected.size()) + " bytes\n";
  size_t n = std::max(actual_len, expected.size());
  char buf[24];
  for (size_t row = 0; row < n; row += 16) {
    std::string a = "  actual   ", e = "  expected ", m = "           ";
    std::snprintf(buf, sizeof(buf), "%04zx ", row);
    msg += buf;
    msg += "\n";
    for (size_t i = row; i < row + 16 && i < n; ++i) {
      bool has_a = i < actual_len, has_e = i < expected.size();
      if (has_a) { std::snprintf(buf, sizeof(buf), "%02x ", actual[i]); a += buf; } else { a += "-- "; }
      if (has_e) { std::snprintf(buf, sizeof(buf), "%02x ", expected[i]); e += buf; } else { e += "-- "; }
      m += (has_a && has_e && actual[i] == expected[i]) ? "   " : "^^ ";
    }
    msg += a + "\n" + e + "\n" + m + "\n";
  }
  return ::testing::AssertionFailure() << msg;
}
inline ::testing::AssertionResult BytesEqual(const Bytes& actual, const Bytes& expected) {
  return BytesEqual(actual.data(), actual.size(), expected);
}

struct Ipv4Spec {
  uint32_t src = 0;
  uint32_t dst = 0;
  uint8_t protocol = 0;
  uint8_t ttl = 64;
  uint16_t id = 0;
  uint16_t frag = 0;  // flags + offset as on the wire
  uint8_t tos = 0;
  Bytes options;  // multiple of 4 bytes
};

// A complete IPv4 packet with a correct header checksum and total length.
inline Bytes BuildIpv4(const Ipv4Spec& s, const Bytes& payload) {
  size_t hl = 20 + s.options.size();
  Bytes p(hl + payload.size(), 0);
  p[0] = static_cast<uint8_t>(0x40 | (hl / 4));
  p[1] = s.tos;
  Put16(&p[2], static_cast<uint16_t>(p.size()));
  Put16(&p[4], s.id);
  Put16(&p[6], s.frag);
  p[8] = s.ttl;
  p[9] = s.protocol;
  Put32(&p[12], s.src);
  Put32(&p[16], s.dst);
  std::copy(s.options.begin(), s.options.end(), p.begin() + 20);
  Put16(&p[10], wire::InternetChecksum(p.data(), hl));
  std::copy(payload.begin(), payload.end(), p.begin() + static_cast<long>(hl));
  return p;
}

struct TcpSpec {
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  Bytes options;  // multiple of 4 bytes
};

inline Bytes BuildTcp(uint32_t src, uint32_t dst, const TcpSpec& t) {
  Bytes seg(20 + t.options.size(), 0);
  Put16(&seg[0], t.sport);
  Put16(&seg[2], t.dport);
  Put32(&seg[4], t.seq);
  Put32(&seg[8], t.ack);
  seg[12] = static_cast<uint8_t>((seg.size() / 4) << 4);
  seg[13] = t.flags;
  Put16(&seg[14], t.window);
  std::copy(t.options.begin(), t.options.end(), seg.begin() + 20);
  Put16(&seg[16], wire::TransportChecksumIpv4(src, dst, 6, seg.data(), seg.size()));
  return seg;
}

inline Bytes BuildTcpPacket(const Ipv4Spec& ip, const TcpSpec& t) {
  Ipv4Spec s = ip;
  s.protocol = 6;
  return BuildIpv4(s, BuildTcp(ip.src, ip.dst, t));
}

// ICMP message: type, code, 4 "rest of header" bytes, body; checksum filled in.
inline Bytes BuildIcmp(uint8_t type, uint8_t code, uint32_t rest, const Bytes& body) {
  Bytes m(8 + body.size(), 0);
  m[0] = type;
  m[1] = code;
  Put32(&m[4], rest);
  std::copy(body.begin(), body.end(), m.begin() + 8);
  Put16(&m[2], wire::InternetChecksum(m.data(), m.size()));
  return m;
}

inline Bytes BuildIcmpPacket(const Ipv4Spec& ip, uint8_t type, uint8_t code, uint32_t rest,
                             const Bytes& body) {
  Ipv4Spec s = ip;
  s.protocol = 1;
  return BuildIpv4(s, BuildIcmp(type, code, rest, body));
}

// One RFC 4950 label stack entry.
struct Label {
  uint32_t label = 0;
  uint8_t tc = 0;
  bool bottom = false;
  uint8_t ttl = 0;
};

// RFC 4884 extension structure (version 2) holding one MPLS label stack object
// (class 1, c-type 1). `corrupt_checksum` stores a wrong, non-zero checksum.
inline Bytes MplsExtension(const std::vector<Label>& labels, bool corrupt_checksum = false) {
  Bytes e(4 + 4 + 4 * labels.size(), 0);
  e[0] = 0x20;  // version 2
  Put16(&e[4], static_cast<uint16_t>(4 + 4 * labels.size()));
  e[6] = 1;  // class: MPLS label stack
  e[7] = 1;  // c-type: incoming stack
  for (size_t i = 0; i < labels.size(); ++i) {
    const Label& l = labels[i];
    Put32(&e[8 + 4 * i], (l.label & 0xfffff) << 12 | uint32_t{l.tc & 7u} << 9 |
                             uint32_t{l.bottom} << 8 | l.ttl);
  }
  uint16_t sum = wire::InternetChecksum(e.data(), e.size());
  if (corrupt_checksum) sum = static_cast<uint16_t>(sum ^ 0x0101);
  Put16(&e[2], sum);
  return e;
}

enum class ExtensionForm {
  kNone,
  kLengthField,  // RFC 4884: original datagram padded to 128 bytes, length field = 32
  kLegacy,       // length field 0, extensions after a 128-byte quote
};

struct IcmpErrorSpec {
  uint8_t type = 11;
  uint8_t code = 0;
  uint32_t router = 0;   // outer source
  uint32_t to = 0;       // outer destination (0: the quoted packet's source)
  uint8_t ttl = 250;     // outer TTL
  uint16_t ipid = 0x4242;
  size_t quote_transport = 8;  // transport bytes quoted; SIZE_MAX: the whole datagram
  uint8_t quoted_ttl = 1;      // routers quote the datagram as it arrived (TTL decremented)
  ExtensionForm form = ExtensionForm::kNone;
  Bytes extension;
  uint8_t pointer = 0;  // parameter problem: first byte of "rest"
};

// An ICMP error as a router would send it in answer to `probe` (an IPv4 packet).
inline Bytes BuildIcmpError(const Bytes& probe, const IcmpErrorSpec& e) {
  size_t hl = size_t{probe[0] & 0x0fu} * 4;
  size_t take = e.quote_transport == SIZE_MAX ? probe.size()
                                              : std::min(probe.size(), hl + e.quote_transport);
  Bytes quote(probe.begin(), probe.begin() + static_cast<long>(take));
  quote[8] = e.quoted_ttl;
  // A forwarding router recomputes the header checksum with the decremented TTL.
  Put16(&quote[10], 0);
  Put16(&quote[10], wire::InternetChecksum(quote.data(), hl));
  uint32_t rest = uint32_t{e.pointer} << 24;
  if (e.form != ExtensionForm::kNone) {
    if (quote.size() < 128) quote.resize(128, 0);
    if (e.form == ExtensionForm::kLengthField) rest |= uint32_t{128 / 4} << 16;
    quote.insert(quote.end(), e.extension.begin(), e.extension.end());
  }
  Ipv4Spec outer;
  outer.src = e.router;
  outer.dst = e.to != 0 ? e.to : Get32(&probe[12]);
  outer.ttl = e.ttl;
  outer.id = e.ipid;
  return BuildIcmpPacket(outer, e.type, e.code, rest, quote);
}

// Replies a responder would send to `probe` (our IPv4 probe bytes).
struct TcpReplySpec {
  uint8_t flags = 0x12;      // SYN|ACK
  int64_t ack_delta = 1;     // ack = probe seq + ack_delta
  uint32_t seq = 0x11223344;
  uint16_t window = 29200;
  uint8_t ttl = 57;
  uint16_t ipid = 0x3333;
  uint32_t from = 0;         // 0: the probe's destination
  uint32_t to = 0;           // 0: the probe's source
  uint16_t dport = 0;        // 0: the probe's source port
};

inline Bytes TcpReplyFor(const Bytes& probe, const TcpReplySpec& r = {}) {
  Ipv4Spec ip;
  ip.src = r.from != 0 ? r.from : Get32(&probe[16]);
  ip.dst = r.to != 0 ? r.to : Get32(&probe[12]);
  ip.ttl = r.ttl;
  ip.id = r.ipid;
  ip.frag = 0x4000;
  TcpSpec t;
  t.sport = Get16(&probe[22]);
  t.dport = r.dport != 0 ? r.dport : Get16(&probe[20]);
  t.seq = r.seq;
  t.ack = static_cast<uint32_t>(Get32(&probe[24]) + r.ack_delta);
  t.flags = r.flags;
  t.window = r.window;
  if (r.flags & 0x02) t.options = {2, 4, 0x05, 0xb4};
  return BuildTcpPacket(ip, t);
}

struct EchoReplySpec {
  uint8_t ttl = 60;
  uint16_t ipid = 0x5555;
  uint32_t to = 0;  // 0: the probe's source
  int id_delta = 0;
  int seq_delta = 0;
};

// Echo reply: same identifier, sequence and payload, addresses swapped.
inline Bytes EchoReplyFor(const Bytes& probe, const EchoReplySpec& r = {}) {
  size_t hl = size_t{probe[0] & 0x0fu} * 4;
  Ipv4Spec ip;
  ip.src = Get32(&probe[16]);
  ip.dst = r.to != 0 ? r.to : Get32(&probe[12]);
  ip.ttl = r.ttl;
  ip.id = r.ipid;
  uint16_t id = static_cast<uint16_t>(Get16(&probe[hl + 4]) + r.id_delta);
  uint16_t seq = static_cast<uint16_t>(Get16(&probe[hl + 6]) + r.seq_delta);
  Bytes payload(probe.begin() + static_cast<long>(hl + 8), probe.end());
  return BuildIcmpPacket(ip, 0, 0, uint32_t{id} << 16 | seq, payload);
}

// Link-layer wrappers. (Element-wise copies: GCC 12 -O3 reports false -Warray-bounds
// positives on vector::insert of small initializer-list vectors.)
inline Bytes Concat(const Bytes& header, const Bytes& l3) {
  Bytes f(header.size() + l3.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) f[i] = header[i];
  for (size_t i = 0; i < l3.size(); ++i) f[header.size() + i] = l3[i];
  return f;
}

inline Bytes WrapEthernet(const Bytes& l3, const std::vector<uint16_t>& tag_tpids = {},
                          uint16_t ethertype = 0x0800) {
  Bytes h(14 + 4 * tag_tpids.size(), 0);
  const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
  for (size_t i = 0; i < 12; ++i) h[i] = macs[i];
  size_t off = 12;
  for (size_t i = 0; i < tag_tpids.size(); ++i, off += 4) {
    Put16(&h[off], tag_tpids[i]);
    Put16(&h[off + 2], static_cast<uint16_t>(10 + i));  // VLAN id
  }
  Put16(&h[off], ethertype);
  return Concat(h, l3);
}

inline Bytes WrapSll(const Bytes& l3, uint16_t protocol = 0x0800) {
  Bytes h(16, 0);
  Put16(&h[0], 0);       // packet type: to us
  Put16(&h[2], 1);       // ARPHRD_ETHER
  Put16(&h[4], 6);       // address length
  h[6] = 0x02;           // address (8 bytes)
  h[11] = 3;
  Put16(&h[14], protocol);
  return Concat(h, l3);
}

inline Bytes WrapSll2(const Bytes& l3, uint16_t protocol = 0x0800) {
  Bytes h(20, 0);
  Put16(&h[0], protocol);
  Put32(&h[4], 2);       // interface index
  Put16(&h[8], 1);       // ARPHRD_ETHER
  h[10] = 0;             // packet type
  h[11] = 6;             // address length
  h[12] = 0x02;
  h[17] = 3;
  return Concat(h, l3);
}

// BSD loopback header: 4-byte address family; `big_endian` selects the byte order.
inline Bytes WrapNull(const Bytes& l3, uint32_t family, bool big_endian) {
  Bytes f(4 + l3.size(), 0);
  for (int i = 0; i < 4; ++i) {
    int shift = big_endian ? 24 - 8 * i : 8 * i;
    f[static_cast<size_t>(i)] = static_cast<uint8_t>(family >> shift);
  }
  for (size_t i = 0; i < l3.size(); ++i) f[4 + i] = l3[i];
  return f;
}

}  // namespace cutpoint::testutil

#endif  // CUTPOINT_TESTS_UNIT_TEST_UTIL_H_
