// SPDX-License-Identifier: Apache-2.0
#include "engine/report/reply_line.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "engine/report/records.h"

namespace cutpoint::report {
namespace {

// "00" .. "99": integers are written two digits per step.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Each octet's decimal text, padded to 4 bytes so one fixed-size copy moves it; the
// caller advances by `len` and overwrites the padding.
struct OctetText {
  char text[4];
  uint8_t len;
};
constexpr std::array<OctetText, 256> kOctets = [] {
  std::array<OctetText, 256> octets{};
  for (int i = 0; i < 256; ++i) {
    OctetText& o = octets[i];
    if (i >= 100) o.text[o.len++] = static_cast<char>('0' + i / 100);
    if (i >= 10) o.text[o.len++] = static_cast<char>('0' + (i / 10) % 10);
    o.text[o.len++] = static_cast<char>('0' + i % 10);
  }
  return octets;
}();

// A string literal without its terminating NUL; sizes are compile-time constants, so
// each copy is a few moves.
template <size_t N>
inline char* Lit(char* out, const char (&text)[N]) {
  std::memcpy(out, text, N - 1);
  return out + N - 1;
}

inline char* Text(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

inline void Pair(char* out, uint32_t value) { std::memcpy(out, &kDigitPairs[2 * value], 2); }

// Exactly 4 digits, zero-padded (value < 10^4).
inline void Put4(char* out, uint32_t value) {
  Pair(out, value / 100);
  Pair(out + 2, value % 100);
}

// Exactly 8 digits, zero-padded (value < 10^8): two independent halves.
inline void Put8(char* out, uint32_t value) {
  Put4(out, value / 10000);
  Put4(out + 4, value % 10000);
}

// Integers are written by comparisons and constant divisions in blocks of 4 and 8 digits,
// not by a digit loop: a 16-digit microsecond timestamp per line made that loop the
// formatter's largest cost.
inline char* UpTo4(char* out, uint32_t value) {  // value < 10^4
  if (value < 10) {
    *out = static_cast<char>('0' + value);
    return out + 1;
  }
  if (value < 100) {
    Pair(out, value);
    return out + 2;
  }
  if (value < 1000) {
    *out = static_cast<char>('0' + value / 100);
    Pair(out + 1, value % 100);
    return out + 3;
  }
  Put4(out, value);
  return out + 4;
}

inline char* UpTo8(char* out, uint32_t value) {  // value < 10^8
  if (value < 10000) return UpTo4(out, value);
  out = UpTo4(out, value / 10000);
  Put4(out, value % 10000);
  return out + 4;
}

// The record's 8-, 16- and 20-bit fields: the short path, kept apart so it inlines.
inline char* Small(char* out, uint32_t value) { return UpTo8(out, value); }

inline char* Uint(char* out, uint64_t value) {
  constexpr uint64_t k1e8 = 100000000;
  if (value < k1e8) return UpTo8(out, static_cast<uint32_t>(value));
  uint64_t high = value / k1e8;
  if (high < k1e8) {
    out = UpTo8(out, static_cast<uint32_t>(high));
  } else {  // 17 to 20 digits
    out = UpTo4(out, static_cast<uint32_t>(high / k1e8));
    Put8(out, static_cast<uint32_t>(high % k1e8));
    out += 8;
  }
  Put8(out, static_cast<uint32_t>(value % k1e8));
  return out + 8;
}

inline char* Int(char* out, int64_t value) {
  if (value >= 0) return Uint(out, static_cast<uint64_t>(value));
  *out++ = '-';
  return Uint(out, 0 - static_cast<uint64_t>(value));  // INT64_MIN included
}

inline char* Bool(char* out, bool value) { return value ? Lit(out, "true") : Lit(out, "false"); }

// Dotted quad between quotes.
inline char* Ipv4(char* out, uint32_t address) {
  *out++ = '"';
  for (int shift = 24; shift >= 0; shift -= 8) {
    const OctetText& octet = kOctets[(address >> shift) & 0xff];
    std::memcpy(out, octet.text, 4);
    out += octet.len;
    *out++ = '.';
  }
  out[-1] = '"';
  return out;
}

// Canonical text between quotes: the table-driven dotted quad, or RFC 5952 for IPv6.
inline char* Ip(char* out, const wire::IpAddress& address) {
  if (address.is_v4()) return Ipv4(out, address.v4());
  *out++ = '"';
  out += wire::FormatIpAddress(address, out);
  *out++ = '"';
  return out;
}

// A numeric field: its key (a literal with the leading comma and the colon) and value.
template <size_t N>
inline char* SmallField(char* out, const char (&key)[N], uint32_t value) {
  return Small(Lit(out, key), value);
}

template <size_t N>
inline char* IntField(char* out, const char (&key)[N], int64_t value) {
  return Int(Lit(out, key), value);
}

template <size_t N>
inline char* BoolField(char* out, const char (&key)[N], bool value) {
  return Bool(Lit(out, key), value);
}

// The probe: target, probe type, port (TCP only), TTL, attempt; then the reply's kind
// and, for scans, its status. Ends inside the open quote of the last string.
inline char* WriteProbeFields(const match::ReplyRecord& reply, bool with_status, char* out) {
  out = Lit(out, "{\"type\":\"reply\",\"target\":");
  out = Ip(out, reply.target);
  out = Lit(out, ",\"probe\":\"");
  out = Text(out, probe::ProbeTypeName(reply.probe_type));
  if (reply.probe_type == probe::ProbeType::kTcpSyn) {
    out = SmallField(out, "\",\"port\":", reply.port);
    out = SmallField(out, ",\"ttl\":", reply.probe_ttl);
  } else {
    out = SmallField(out, "\",\"ttl\":", reply.probe_ttl);
  }
  out = SmallField(out, ",\"attempt\":", reply.attempt);
  out = Lit(out, ",\"kind\":\"");
  out = Text(out, match::ReplyKindName(reply.kind));
  if (with_status) {
    out = Lit(out, "\",\"status\":\"");
    out = Text(out, ScanStatus(reply.kind));
  }
  return out;
}

// The reply's own header fields and timing, closing the quote left open above.
inline char* WriteReplyFields(const match::ReplyRecord& reply, char* out) {
  out = Lit(out, "\",\"from\":");
  out = Ip(out, reply.from);
  out = SmallField(out, ",\"reply_ttl\":", reply.reply_ttl);
  out = SmallField(out, ",\"ipid\":", reply.reply_ipid);
  out = IntField(out, ",\"rtt_us\":", reply.rtt_us);
  out = BoolField(out, ",\"rtt_exact\":", reply.rtt_exact);
  out = IntField(out, ",\"time_us\":", reply.recv_time_us);
  return SmallField(out, ",\"ip_version\":", reply.target.is_v4() ? 4 : 6);
}

// What only some replies carry: ICMP type and code, TCP flags and window, the quoted
// probe header of an ICMP error.
inline char* WriteOptionalFields(const match::ReplyRecord& reply, char* out) {
  if (reply.is_icmp) {
    out = SmallField(out, ",\"icmp_type\":", reply.icmp_type);
    out = SmallField(out, ",\"icmp_code\":", reply.icmp_code);
  }
  if (reply.is_tcp) {
    out = Lit(out, ",\"tcp_flags\":\"");
    out += FormatTcpFlags(reply.tcp_flags, out);
    out = SmallField(out, "\",\"tcp_window\":", reply.tcp_window);
  }
  if (reply.has_quote) {
    out = SmallField(out, ",\"quoted_ttl\":", reply.quoted_ttl);
    out = SmallField(out, ",\"quoted_ipid\":", reply.quoted_ipid);
    out = SmallField(out, ",\"quoted_len\":", reply.quoted_len);
  }
  return out;
}

inline char* WriteMplsStack(const wire::MplsStack& stack, char* out) {
  // The stack never holds more than kMaxMplsEntries; the clamp keeps the bound honest.
  int mpls = std::min<int>(stack.count, wire::kMaxMplsEntries);
  if (mpls == 0) return out;
  out = Lit(out, ",\"mpls\":[");
  for (int i = 0; i < mpls; ++i) {
    const wire::MplsEntry& entry = stack.entries[i];
    if (i > 0) *out++ = ',';
    out = SmallField(out, "{\"label\":", entry.label);
    out = SmallField(out, ",\"tc\":", entry.exp);
    out = BoolField(out, ",\"s\":", entry.bottom);
    out = SmallField(out, ",\"ttl\":", entry.ttl);
    *out++ = '}';
  }
  *out++ = ']';
  return out;
}

}  // namespace

// Field order and presence mirror FormatReply exactly; names of enums go out unescaped,
// which reply_line_test.cc checks against the escaping reference for every value.
char* WriteReplyLine(const match::ReplyRecord& reply, bool with_status, char* out, bool conflict) {
  out = WriteProbeFields(reply, with_status, out);
  out = WriteReplyFields(reply, out);
  out = WriteOptionalFields(reply, out);
  out = WriteMplsStack(reply.mpls, out);
  if (conflict) out = Lit(out, ",\"conflict\":true");
  return Lit(out, "}\n");
}

}  // namespace cutpoint::report
