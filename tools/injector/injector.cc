// SPDX-License-Identifier: Apache-2.0
// cutpoint-lab-injector: an on-path TCP RST injector for the Cutpoint
// network-namespace lab (tools/lab/lab.sh --scenario inject / story), IPv4 and
// IPv6.
//
// Usage:
//   cutpoint-lab-injector -i IFACE -t ADDR[,ADDR...] [-p PORT] [--ttl N]
//                         [--ttl-mode fixed|remaining[+N]|copy] [--relay]
//
// Captures (libpcap, inbound only) TCP SYNs without ACK to one of the target
// addresses (IPv4 and IPv6 mixed freely) on PORT (default 25) arriving on
// IFACE, and answers each with a forged RST|ACK in the target's name:
//
//   src = SYN's dst, dst = SYN's src, sport = PORT, dport = SYN's sport,
//   seq = 0, ack = SYN seq + 1, window 0, TTL / hop limit = --ttl (default 64);
//   IPv4: IP ID random nonzero, no DF;  IPv6: traffic class 0, flow label 0.
//
// A Linux target answers with IP ID 0 and DF, and labels its IPv6 segments
// from the flow hash (net.ipv6.auto_flowlabels), with a TTL counted from the
// far end, so the forgery is tellable. IPv6 SYNs are recognised only when TCP
// directly follows the fixed header (the lab's probes carry no extension
// header).
//
// --ttl-mode remaining[+N] (issue 13: injectors that derive the RST's TTL from
// the probe) sets the RST's TTL / hop limit to the SYN's TTL / hop limit as it
// arrived on IFACE -- before this router decrements it -- plus N (0..254,
// default 0; capped at 255), instead of the constant --ttl: the RST then
// tracks the probe's TTL, and for small probe TTLs dies on the way back.
// `fixed` (the default) uses --ttl.
//
// --ttl-mode copy (issue 13: injectors that copy the server) makes the RST look
// like the target's own replies: TTL / hop limit --ttl (lab.sh passes the TTL
// the server's packets carry when they leave this router, so the RST arrives
// with the server's TTL), and, IPv4, DF set and IP ID 0 as a Linux server
// sends them. Only where it comes from (probes below the target's distance)
// and the race with the real SYN-ACK give it away.
//
// Both families leave through raw sockets that carry our own IP header (IPv4:
// IP_HDRINCL; IPv6: IPPROTO_RAW, which implies IPV6_HDRINCL on Linux, so the
// kernel sends the header as written -- hop limit and flow label included).
// The kernel routes them and resolves the next hop as for the router's own
// traffic, so no Ethernet framing or neighbour lookup of our own is needed, as
// it would be with AF_PACKET.
//
// The SYN itself is not dropped: it travels on to the target.  With --relay
// the kernel's forwarding of those SYNs is expected to be disabled (lab.sh
// installs an nft drop rule for them) and the injector forwards each SYN
// itself right after its RST (TTL / hop limit decremented, IPv4 header
// checksum recomputed, nothing forwarded when it expires here).  That makes
// the order on the wire deterministic -- forged RST first, the target's
// SYN-ACK after it -- which a lab without a delay qdisc cannot otherwise
// guarantee.
//
// Safety: every target, and every address a packet is ever sent to, must lie
// inside 198.18.0.0/15 (RFC 2544) or 2001:2::/48 (RFC 5180), the lab's
// benchmarking space; anything else is refused.
// Exits 0 on SIGTERM/SIGINT, printing how many RSTs it injected.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/args/arg_parser.h"

namespace {

constexpr const char* kProg = "cutpoint-lab-injector";
constexpr uint32_t kLabNet = 0xC6120000u;                              // 198.18.0.0
constexpr uint32_t kLabMask = 0xFFFE0000u;                             // /15
constexpr uint8_t kLabNet6[6] = {0x20, 0x01, 0x00, 0x02, 0x00, 0x00};  // 2001:2::/48
constexpr size_t kIp6Header = 40;
constexpr size_t kTcpHeader = 20;

using Addr6 = std::array<uint8_t, 16>;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

bool in_lab(uint32_t host_order_addr) { return (host_order_addr & kLabMask) == kLabNet; }
bool in_lab6(const uint8_t* addr) { return std::memcmp(addr, kLabNet6, sizeof kLabNet6) == 0; }

std::string ip_text(uint32_t host_order_addr) {
  char buf[INET_ADDRSTRLEN] = {};
  in_addr a{};
  a.s_addr = htonl(host_order_addr);
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}
std::string ip6_text(const uint8_t* addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET6, addr, buf, sizeof buf);
  return buf;
}

bool parse_uint(std::string_view s, unsigned lo, unsigned hi, unsigned& out) {
  if (s.empty()) return false;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

uint16_t load16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t load32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// Internet checksum (RFC 1071) accumulation over big-endian 16-bit words.
uint32_t csum_add(uint32_t sum, const uint8_t* p, size_t n) {
  for (; n >= 2; p += 2, n -= 2) sum += load16(p);
  if (n) sum += static_cast<uint32_t>(p[0]) << 8;
  return sum;
}
uint16_t csum_fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

struct Options {
  std::string iface;
  std::vector<uint32_t> targets;  // host order
  std::vector<Addr6> targets6;
  unsigned port = 25;
  unsigned ttl = 64;
  bool ttl_remaining = false;  // --ttl-mode remaining[+N]
  bool copy_server = false;    // --ttl-mode copy: DF and IP ID 0 like the server
  unsigned ttl_add = 0;        // N
  bool relay = false;
  bool verbose = false;
};

// One target address of either family, inside the lab's space.
bool parse_target(const std::string& item, Options& o) {
  in_addr a{};
  Addr6 a6{};
  if (::inet_pton(AF_INET, item.c_str(), &a) == 1) {
    uint32_t h = ntohl(a.s_addr);
    if (!in_lab(h)) {
      std::fprintf(stderr, "%s: error: refusing target %s: outside 198.18.0.0/15\n", kProg,
                   item.c_str());
      return false;
    }
    o.targets.push_back(h);
    return true;
  }
  if (::inet_pton(AF_INET6, item.c_str(), a6.data()) == 1) {
    if (!in_lab6(a6.data())) {
      std::fprintf(stderr, "%s: error: refusing target %s: outside 2001:2::/48\n", kProg,
                   item.c_str());
      return false;
    }
    o.targets6.push_back(a6);
    return true;
  }
  std::fprintf(stderr, "%s: error: '%s' is not an IPv4 or IPv6 address\n", kProg, item.c_str());
  return false;
}

bool parse_targets(std::string_view list, Options& o) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string item(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!item.empty() && !parse_target(item, o)) return false;
  }
  return true;
}

// fixed | copy | remaining | remaining+N
bool parse_ttl_mode(std::string_view mode, Options& o) {
  constexpr std::string_view kRemaining = "remaining";
  if (mode == "fixed" || mode == "copy") {
    o.ttl_remaining = false;
    o.copy_server = mode == "copy";
    return true;
  }
  if (mode.substr(0, kRemaining.size()) != kRemaining) return false;
  o.ttl_remaining = true;
  o.ttl_add = 0;
  mode.remove_prefix(kRemaining.size());
  if (mode.empty()) return true;
  return mode[0] == '+' && parse_uint(mode.substr(1), 0, 254, o.ttl_add);
}

constexpr cutpoint::cmdline::OptionSpec kOptions[] = {
    {"interface", 'i', "IFACE", "interface to watch and inject on (required)"},
    {"targets", 't', "ADDR[,ADDR...]",
     "protected hosts, IPv4 inside 198.18.0.0/15 or IPv6 inside 2001:2::/48 (required)"},
    {"port", 'p', "PORT", "TCP port whose SYNs get a forged RST (default 25)"},
    {"ttl", 0, "N", "IP TTL / IPv6 hop limit of the forged RSTs (default 64)"},
    {"ttl-mode", 0, "fixed|remaining[+N]|copy",
     "fixed: --ttl; remaining[+N]: the SYN's arriving TTL plus N; copy: --ttl with the "
     "server's DF and IP ID 0 (default fixed)"},
    {"relay", 0, "", "forward each SYN itself, right after its RST (kernel forwarding off)"},
    {"verbose", 'v', "", "log every injection"},
    {"help", 'h', "", "show this help"},
};

void usage() {
  std::fprintf(stderr, "usage: %s -i IFACE -t ADDR[,ADDR...] [options]\n%s", kProg,
               cutpoint::cmdline::FormatOptionsHelp(kOptions).c_str());
}

bool fail(const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", kProg, message.c_str());
  return false;
}

bool parse_args(int argc, char** argv, Options& o) {
  absl::StatusOr<cutpoint::cmdline::ParsedArgs> args =
      cutpoint::cmdline::ParseArgs(kOptions, std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) return fail(std::string(args.status().message()));
  if (args->Has("help")) {
    usage();
    std::exit(0);
  }
  if (!args->positional().empty())
    return fail("unexpected argument '" + args->positional()[0] + "'");
  o.iface = args->Get("interface").value_or("");
  for (const std::string& list : args->GetAll("targets")) {
    if (!parse_targets(list, o)) return false;
  }
  if (auto v = args->Get("port"); v && !parse_uint(*v, 1, 65535, o.port)) {
    return fail("invalid port (1-65535)");
  }
  if (auto v = args->Get("ttl"); v && !parse_uint(*v, 1, 255, o.ttl)) {
    return fail("invalid --ttl (1-255)");
  }
  if (auto v = args->Get("ttl-mode"); v && !parse_ttl_mode(*v, o)) {
    return fail("invalid --ttl-mode (fixed, copy, remaining or remaining+N with N in 0-254)");
  }
  o.relay = args->Has("relay");
  o.verbose = args->Has("verbose");
  if (o.iface.empty() || (o.targets.empty() && o.targets6.empty())) {
    return fail("-i IFACE and -t ADDR[,ADDR...] are required");
  }
  return true;
}

// SYN set, ACK clear, to PORT, to one of the targets. For IPv6 `tcp` means TCP
// right after the fixed header, where byte 53 is the TCP flags.
std::string bpf_filter(const Options& o) {
  std::string port = std::to_string(o.port);
  std::string v4, v6;
  for (uint32_t t : o.targets) v4 += (v4.empty() ? "" : " or ") + ("dst host " + ip_text(t));
  for (const Addr6& t : o.targets6)
    v6 += (v6.empty() ? "" : " or ") + ("dst host " + ip6_text(t.data()));
  if (!v4.empty())
    v4 = "(ip and tcp and (tcp[tcpflags] & (tcp-syn|tcp-ack)) == tcp-syn and dst port " + port +
         " and (" + v4 + "))";
  if (!v6.empty())
    v6 = "(ip6 and tcp and (ip6[53] & 0x12) == 0x02 and dst port " + port + " and (" + v6 + "))";
  if (v4.empty()) return v6;
  if (v6.empty()) return v4;
  return v4 + " or " + v6;
}

uint16_t random_ipid() {
  uint16_t v = 0;
  while (v == 0) {
    if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) v = 0x5A5A;
  }
  return v;
}

// The TCP RST|ACK from PORT to DPORT acknowledging SEQ (20 bytes at `tcp`), its
// checksum over PSEUDO_SUM (the pseudo-header's sum).
void fill_rst_tcp(uint8_t* tcp, unsigned port, uint16_t dport, uint32_t seq, uint32_t pseudo_sum) {
  store16(tcp, static_cast<uint16_t>(port));
  store16(tcp + 2, dport);
  store32(tcp + 4, 0);
  store32(tcp + 8, seq + 1);
  tcp[12] = 5 << 4;
  tcp[13] = 0x14;        // RST|ACK
  store16(tcp + 14, 0);  // window 0
  store16(tcp + 16, 0);
  store16(tcp + 18, 0);
  store16(tcp + 16, csum_fold(csum_add(pseudo_sum, tcp, kTcpHeader)));
}

// The forged IPv4 RST|ACK answering a SYN (src, dst, sport, seq) with TTL `ttl`;
// `like_server`: DF and IP ID 0, as the Linux target sends its own.
std::array<uint8_t, 40> build_rst4(uint32_t syn_src, uint32_t syn_dst, uint16_t syn_sport,
                                   uint32_t syn_seq, unsigned port, unsigned ttl,
                                   bool like_server) {
  std::array<uint8_t, 40> p{};
  uint8_t* ip = p.data();
  ip[0] = 0x45;
  store16(ip + 2, static_cast<uint16_t>(p.size()));
  store16(ip + 4, like_server ? 0 : random_ipid());
  store16(ip + 6, like_server ? 0x4000 : 0);  // DF, or none (a Linux target sets DF)
  ip[8] = static_cast<uint8_t>(ttl);
  ip[9] = IPPROTO_TCP;
  store32(ip + 12, syn_dst);  // in the target's name
  store32(ip + 16, syn_src);
  store16(ip + 10, csum_fold(csum_add(0, ip, 20)));
  // Pseudo-header: src, dst, zero, protocol, TCP length.
  uint32_t sum = csum_add(0, ip + 12, 8) + IPPROTO_TCP + kTcpHeader;
  fill_rst_tcp(ip + 20, port, syn_sport, syn_seq, sum);
  return p;
}

// The forged IPv6 RST|ACK answering a SYN (src, dst at syn_src / syn_dst) with
// hop limit `hops`, traffic class and flow label 0.
std::array<uint8_t, 60> build_rst6(const uint8_t* syn_src, const uint8_t* syn_dst,
                                   uint16_t syn_sport, uint32_t syn_seq, unsigned port,
                                   unsigned hops) {
  std::array<uint8_t, 60> p{};
  uint8_t* ip = p.data();
  store32(ip, 6u << 28);
  store16(ip + 4, kTcpHeader);  // payload length
  ip[6] = IPPROTO_TCP;
  ip[7] = static_cast<uint8_t>(hops);
  std::memcpy(ip + 8, syn_dst, 16);  // in the target's name
  std::memcpy(ip + 24, syn_src, 16);
  // Pseudo-header (RFC 8200 8.1): src, dst, upper-layer length, next header.
  uint32_t sum = csum_add(0, ip + 8, 32) + kTcpHeader + IPPROTO_TCP;
  fill_rst_tcp(ip + kIp6Header, port, syn_sport, syn_seq, sum);
  return p;
}

class Injector {
 public:
  Injector(const Options& o, int raw_fd, int raw6_fd) : o_(o), fd_(raw_fd), fd6_(raw6_fd) {}

  // One captured IP packet (from the IP header on); `wire_len` is the packet's
  // original length from the IP header on.
  void handle(const uint8_t* ip, size_t caplen, size_t wire_len) {
    if (caplen < 1) return;
    if ((ip[0] >> 4) == 4) handle4(ip, caplen, wire_len);
    if ((ip[0] >> 4) == 6) handle6(ip, caplen, wire_len);
  }

  unsigned long injected() const { return injected_; }
  unsigned long relayed() const { return relayed_; }

 private:
  void handle4(const uint8_t* ip, size_t caplen, size_t wire_len) {
    if (caplen < 20) return;
    size_t ihl = size_t{ip[0] & 0x0Fu} * 4;
    size_t tot = load16(ip + 2);
    if (ihl < 20 || tot < ihl + 20 || caplen < ihl + 20 || ip[9] != IPPROTO_TCP) return;
    if ((load16(ip + 6) & 0x1FFF) != 0) return;  // not a first/whole fragment
    const uint8_t* tcp = ip + ihl;
    if ((tcp[13] & 0x12) != 0x02) return;  // SYN without ACK
    uint32_t src = load32(ip + 12), dst = load32(ip + 16);
    uint16_t sport = load16(tcp), dport = load16(tcp + 2);
    if (dport != o_.port ||
        std::find(o_.targets.begin(), o_.targets.end(), dst) == o_.targets.end())
      return;
    uint32_t seq = load32(tcp + 4);
    auto rst = build_rst4(src, dst, sport, seq, o_.port, reply_ttl(ip[8]), o_.copy_server);
    if (send4(rst.data(), rst.size(), src, "forged RST")) {
      ++injected_;
      if (o_.verbose)
        std::fprintf(stderr, "%s: RST %s:%u -> %s:%u ack %u\n", kProg, ip_text(dst).c_str(),
                     o_.port, ip_text(src).c_str(), sport, seq + 1);
    }
    if (o_.relay) relay4(ip, caplen, wire_len, tot);
  }

  void handle6(const uint8_t* ip, size_t caplen, size_t wire_len) {
    if (caplen < kIp6Header + kTcpHeader || ip[6] != IPPROTO_TCP) return;
    size_t tot = kIp6Header + load16(ip + 4);
    if (tot < kIp6Header + kTcpHeader) return;  // also a jumbogram's zero length
    const uint8_t* tcp = ip + kIp6Header;
    if ((tcp[13] & 0x12) != 0x02) return;  // SYN without ACK
    const uint8_t* src = ip + 8;
    const uint8_t* dst = ip + 24;
    uint16_t sport = load16(tcp), dport = load16(tcp + 2);
    if (dport != o_.port || !is_target6(dst)) return;
    uint32_t seq = load32(tcp + 4);
    auto rst = build_rst6(src, dst, sport, seq, o_.port, reply_ttl(ip[7]));
    if (send6(rst.data(), rst.size(), src, "forged RST")) {
      ++injected_;
      if (o_.verbose)
        std::fprintf(stderr, "%s: RST [%s]:%u -> [%s]:%u ack %u\n", kProg, ip6_text(dst).c_str(),
                     o_.port, ip6_text(src).c_str(), sport, seq + 1);
    }
    if (o_.relay) relay6(ip, caplen, wire_len, tot);
  }

  bool is_target6(const uint8_t* a) const {
    for (const Addr6& t : o_.targets6)
      if (std::memcmp(t.data(), a, t.size()) == 0) return true;
    return false;
  }

  // The forged RST's TTL / hop limit for a SYN that arrived with `arrived`.
  unsigned reply_ttl(uint8_t arrived) const {
    return o_.ttl_remaining ? std::min(255u, arrived + o_.ttl_add) : o_.ttl;
  }

  bool sent(ssize_t n, size_t len, const std::string& to, const char* what) const {
    if (n == static_cast<ssize_t>(len)) return true;
    std::fprintf(stderr, "%s: sendto %s (%s): %s\n", kProg, to.c_str(), what,
                 n < 0 ? std::strerror(errno) : "short write");
    return false;
  }

  bool send4(const uint8_t* pkt, size_t len, uint32_t dst, const char* what) {
    if (!in_lab(dst)) {  // never send anywhere but the lab
      std::fprintf(stderr, "%s: refusing to send %s to %s: outside 198.18.0.0/15\n", kProg, what,
                   ip_text(dst).c_str());
      return false;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(dst);
    ssize_t n = ::sendto(fd_, pkt, len, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    return sent(n, len, ip_text(dst), what);
  }

  bool send6(const uint8_t* pkt, size_t len, const uint8_t* dst, const char* what) {
    if (!in_lab6(dst)) {  // never send anywhere but the lab
      std::fprintf(stderr, "%s: refusing to send %s to %s: outside 2001:2::/48\n", kProg, what,
                   ip6_text(dst).c_str());
      return false;
    }
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    std::memcpy(&to.sin6_addr, dst, 16);
    ssize_t n = ::sendto(fd6_, pkt, len, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    return sent(n, len, ip6_text(dst), what);
  }

  static bool whole(size_t caplen, size_t wire_len, size_t tot) {
    if (caplen >= tot && wire_len >= tot) return true;
    std::fprintf(stderr, "%s: cannot relay a truncated SYN (%zu of %zu bytes)\n", kProg, caplen,
                 tot);
    return false;
  }

  // Forwards the SYN on, as the router would have: TTL - 1, new header checksum.
  void relay4(const uint8_t* ip, size_t caplen, size_t wire_len, size_t tot) {
    if (!whole(caplen, wire_len, tot)) return;
    if (ip[8] <= 1) return;  // expires here: the router answers time-exceeded itself
    std::vector<uint8_t> p(ip, ip + tot);
    size_t ihl = size_t{p[0] & 0x0Fu} * 4;
    p[8] = static_cast<uint8_t>(p[8] - 1);
    store16(p.data() + 10, 0);
    store16(p.data() + 10, csum_fold(csum_add(0, p.data(), ihl)));
    if (send4(p.data(), p.size(), load32(p.data() + 16), "relayed SYN")) ++relayed_;
  }

  // The same for IPv6: hop limit - 1 (no header checksum).
  void relay6(const uint8_t* ip, size_t caplen, size_t wire_len, size_t tot) {
    if (!whole(caplen, wire_len, tot)) return;
    if (ip[7] <= 1) return;  // expires here: the router answers time-exceeded itself
    std::vector<uint8_t> p(ip, ip + tot);
    p[7] = static_cast<uint8_t>(p[7] - 1);
    if (send6(p.data(), p.size(), p.data() + 24, "relayed SYN")) ++relayed_;
  }

  const Options& o_;
  int fd_;
  int fd6_;
  unsigned long injected_ = 0;
  unsigned long relayed_ = 0;
};

struct Handler {
  Injector* inj;
  int linktype;
};

bool is_ip_ethertype(uint16_t et) { return et == 0x0800 || et == 0x86DD; }

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* hd = reinterpret_cast<Handler*>(user);
  size_t off = 0;
  if (hd->linktype == DLT_EN10MB) {
    if (h->caplen < 14) return;
    uint16_t et = load16(bytes + 12);
    off = 14;
    if (et == 0x8100) {
      if (h->caplen < 18) return;
      et = load16(bytes + 16);
      off = 18;
    }
    if (!is_ip_ethertype(et)) return;
  } else if (hd->linktype == DLT_LINUX_SLL) {
    if (h->caplen < 16 || !is_ip_ethertype(load16(bytes + 14))) return;
    off = 16;
  }  // DLT_RAW: off = 0, the version nibble tells the family
  if (h->caplen <= off || h->len <= off) return;
  hd->inj->handle(bytes + off, h->caplen - off, h->len - off);
}

// A raw socket of FAMILY whose packets carry our own IP header; -1 on failure.
int OpenRawSocket(int family) {
  const char* name = family == AF_INET6 ? "IPv6" : "IPv4";
  int fd = ::socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    std::fprintf(stderr, "%s: error: raw %s socket: %s (needs CAP_NET_RAW)\n", kProg, name,
                 std::strerror(errno));
    return -1;
  }
  // IPv6: IPPROTO_RAW already implies IPV6_HDRINCL.
  int one = 1;
  if (family == AF_INET && ::setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) != 0) {
    std::fprintf(stderr, "%s: error: setsockopt(IP_HDRINCL): %s\n", kProg, std::strerror(errno));
    ::close(fd);
    return -1;
  }
  return fd;
}

// Inbound SYNs to the targets' port on the interface, non-blocking; nullptr on failure.
pcap_t* OpenCapture(const Options& o) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* pc = ::pcap_create(o.iface.c_str(), errbuf);
  if (!pc) {
    std::fprintf(stderr, "%s: error: pcap_create(%s): %s\n", kProg, o.iface.c_str(), errbuf);
    return nullptr;
  }
  auto fail = [&](const char* what, const char* why) -> pcap_t* {
    std::fprintf(stderr, "%s: error: %s on %s: %s\n", kProg, what, o.iface.c_str(), why);
    ::pcap_close(pc);
    return nullptr;
  };
  ::pcap_set_snaplen(pc, 65535);
  ::pcap_set_promisc(pc, 0);
  ::pcap_set_immediate_mode(pc, 1);
  ::pcap_set_buffer_size(pc, 4 << 20);
  int rc = ::pcap_activate(pc);
  if (rc < 0) return fail("pcap_activate", ::pcap_geterr(pc));
  if (rc > 0)
    std::fprintf(stderr, "%s: warning: pcap_activate: %s\n", kProg, ::pcap_statustostr(rc));
  int lt = ::pcap_datalink(pc);
  if (lt != DLT_EN10MB && lt != DLT_LINUX_SLL && lt != DLT_RAW) {
    return fail("capture", ("unsupported link type " + std::to_string(lt)).c_str());
  }
  if (::pcap_setdirection(pc, PCAP_D_IN) != 0)
    return fail("pcap_setdirection(in)", ::pcap_geterr(pc));
  std::string filter = bpf_filter(o);
  bpf_program prog{};
  if (::pcap_compile(pc, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return fail("pcap_compile", ::pcap_geterr(pc));
  bool filtered = ::pcap_setfilter(pc, &prog) == 0;
  ::pcap_freecode(&prog);
  if (!filtered) return fail("pcap_setfilter", ::pcap_geterr(pc));
  if (::pcap_setnonblock(pc, 1, errbuf) != 0) return fail("pcap_setnonblock", errbuf);
  if (::pcap_get_selectable_fd(pc) < 0) return fail("capture", "no selectable fd");
  return pc;
}

// Answers SYNs until SIGTERM/SIGINT; 0, or 4 on a capture error.
int InjectUntilStopped(pcap_t* pc, Handler& hd) {
  int pfd = ::pcap_get_selectable_fd(pc);
  while (!g_stop) {
    pollfd p{pfd, POLLIN, 0};
    int n = ::poll(&p, 1, 200);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "%s: error: poll: %s\n", kProg, std::strerror(errno));
      return 4;
    }
    int got = ::pcap_dispatch(pc, -1, on_packet, reinterpret_cast<u_char*>(&hd));
    if (got < 0 && got != PCAP_ERROR_BREAK) {
      std::fprintf(stderr, "%s: error: pcap_dispatch: %s\n", kProg, ::pcap_geterr(pc));
      return 4;
    }
  }
  return 0;
}

void CloseIfOpen(int fd) {
  if (fd >= 0) ::close(fd);
}

std::string TtlModeText(const Options& o) {
  if (o.copy_server) return "ttl " + std::to_string(o.ttl) + " copying the server (DF, IP ID 0)";
  if (!o.ttl_remaining) return "ttl " + std::to_string(o.ttl);
  return "ttl remaining+" + std::to_string(o.ttl_add);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    usage();
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);

  // A socket per family in use only: an IPv4-only run needs no IPv6 stack.
  int fd = o.targets.empty() ? -1 : OpenRawSocket(AF_INET);
  int fd6 = o.targets6.empty() ? -1 : OpenRawSocket(AF_INET6);
  if ((!o.targets.empty() && fd < 0) || (!o.targets6.empty() && fd6 < 0)) {
    CloseIfOpen(fd);
    CloseIfOpen(fd6);
    return 3;
  }
  pcap_t* pc = OpenCapture(o);
  if (pc == nullptr) {
    CloseIfOpen(fd);
    CloseIfOpen(fd6);
    return 4;
  }
  Injector inj(o, fd, fd6);
  Handler hd{&inj, ::pcap_datalink(pc)};
  std::fprintf(stderr, "%s: listening on %s: %zu target(s), port %u, %s, relay %s\n", kProg,
               o.iface.c_str(), o.targets.size() + o.targets6.size(), o.port,
               TtlModeText(o).c_str(), o.relay ? "on" : "off");
  std::fflush(stderr);
  int status = InjectUntilStopped(pc, hd);
  std::fprintf(stderr, "%s: exiting: %lu RST(s) injected, %lu SYN(s) relayed\n", kProg,
               inj.injected(), inj.relayed());
  ::pcap_close(pc);
  CloseIfOpen(fd);
  CloseIfOpen(fd6);
  return status;
}
