// cutpoint-lab-injector: an on-path TCP RST injector for the Cutpoint
// network-namespace lab (tools/lab/lab.sh --scenario inject / story).
//
// Usage:
//   cutpoint-lab-injector -i IFACE -t ADDR[,ADDR...] [-p PORT] [--ttl N] [--relay]
//
// Captures (libpcap, inbound only) TCP SYNs without ACK to one of the target
// addresses on PORT (default 25) arriving on IFACE, and answers each with a
// forged RST|ACK in the target's name:
//
//   src = SYN's dst, dst = SYN's src, sport = PORT, dport = SYN's sport,
//   seq = 0, ack = SYN seq + 1, window 0, IP TTL = --ttl (default 64),
//   IP ID random nonzero, no DF
//
// sent through a raw IPv4 socket (IP_HDRINCL).  A Linux target answers with IP
// ID 0, DF and a TTL counted from the far end, so the forgery is tellable.
//
// The SYN itself is not dropped: it travels on to the target.  With --relay
// the kernel's forwarding of those SYNs is expected to be disabled (lab.sh
// installs an nft drop rule for them) and the injector forwards each SYN
// itself right after its RST (TTL decremented, header checksum recomputed,
// nothing forwarded when the TTL expires here).  That makes the order on the
// wire deterministic -- forged RST first, the target's SYN-ACK after it --
// which a lab without a delay qdisc cannot otherwise guarantee.
//
// Safety: every target, and every address a packet is ever sent to, must lie
// inside 198.18.0.0/15 (RFC 2544 benchmarking space); anything else is refused.
// Exits 0 on SIGTERM/SIGINT, printing how many RSTs it injected.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

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
constexpr uint32_t kLabNet = 0xC6120000u;   // 198.18.0.0
constexpr uint32_t kLabMask = 0xFFFE0000u;  // /15

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

bool in_lab(uint32_t host_order_addr) { return (host_order_addr & kLabMask) == kLabNet; }

std::string ip_text(uint32_t host_order_addr) {
  char buf[INET_ADDRSTRLEN] = {};
  in_addr a{};
  a.s_addr = htonl(host_order_addr);
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
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
  unsigned port = 25;
  unsigned ttl = 64;
  bool relay = false;
  bool verbose = false;
};

bool parse_targets(std::string_view list, std::vector<uint32_t>& out) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string item(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.empty()) continue;
    in_addr a{};
    if (::inet_pton(AF_INET, item.c_str(), &a) != 1) {
      std::fprintf(stderr, "%s: error: '%s' is not an IPv4 address\n", kProg, item.c_str());
      return false;
    }
    uint32_t h = ntohl(a.s_addr);
    if (!in_lab(h)) {
      std::fprintf(stderr, "%s: error: refusing target %s: outside 198.18.0.0/15\n", kProg,
                   item.c_str());
      return false;
    }
    out.push_back(h);
  }
  return true;
}

constexpr cutpoint::cmdline::OptionSpec kOptions[] = {
    {"interface", 'i', "IFACE", "interface to watch and inject on (required)"},
    {"targets", 't', "ADDR[,ADDR...]", "protected hosts, all inside 198.18.0.0/15 (required)"},
    {"port", 'p', "PORT", "TCP port whose SYNs get a forged RST (default 25)"},
    {"ttl", 0, "N", "IP TTL of the forged RSTs (default 64)"},
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
    if (!parse_targets(list, o.targets)) return false;
  }
  if (auto v = args->Get("port"); v && !parse_uint(*v, 1, 65535, o.port)) {
    return fail("invalid port (1-65535)");
  }
  if (auto v = args->Get("ttl"); v && !parse_uint(*v, 1, 255, o.ttl)) {
    return fail("invalid --ttl (1-255)");
  }
  o.relay = args->Has("relay");
  o.verbose = args->Has("verbose");
  if (o.iface.empty() || o.targets.empty()) {
    return fail("-i IFACE and -t ADDR[,ADDR...] are required");
  }
  return true;
}

std::string bpf_filter(const Options& o) {
  // SYN set, ACK clear, to PORT, to one of the targets.
  std::string f = "ip and tcp and (tcp[tcpflags] & (tcp-syn|tcp-ack)) == tcp-syn and dst port " +
                  std::to_string(o.port) + " and (";
  for (size_t i = 0; i < o.targets.size(); ++i) {
    if (i) f += " or ";
    f += "dst host " + ip_text(o.targets[i]);
  }
  return f + ")";
}

uint16_t random_ipid() {
  uint16_t v = 0;
  while (v == 0) {
    if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) v = 0x5A5A;
  }
  return v;
}

class Injector {
 public:
  Injector(const Options& o, int raw_fd) : o_(o), fd_(raw_fd) {}

  // One captured IPv4 packet (from the IP header on); `wire_len` is the
  // packet's original length from the IP header on.
  void handle(const uint8_t* ip, size_t caplen, size_t wire_len) {
    if (caplen < 20 || (ip[0] >> 4) != 4) return;
    size_t ihl = size_t{ip[0] & 0x0Fu} * 4;
    size_t tot = load16(ip + 2);
    if (ihl < 20 || tot < ihl + 20 || caplen < ihl + 20 || ip[9] != IPPROTO_TCP) return;
    if ((load16(ip + 6) & 0x1FFF) != 0) return;  // not a first/whole fragment
    const uint8_t* tcp = ip + ihl;
    uint8_t flags = tcp[13];
    if ((flags & 0x12) != 0x02) return;  // SYN without ACK
    uint32_t src = load32(ip + 12), dst = load32(ip + 16);
    uint16_t sport = load16(tcp), dport = load16(tcp + 2);
    if (dport != o_.port || !is_target(dst)) return;
    uint32_t seq = load32(tcp + 4);
    send_rst(src, dst, sport, seq);
    if (o_.relay) relay(ip, caplen, wire_len, tot);
  }

  unsigned long injected() const { return injected_; }
  unsigned long relayed() const { return relayed_; }

 private:
  bool is_target(uint32_t a) const {
    for (uint32_t t : o_.targets)
      if (t == a) return true;
    return false;
  }

  bool send_packet(const uint8_t* pkt, size_t len, uint32_t dst, const char* what) {
    if (!in_lab(dst)) {  // never send anywhere but the lab
      std::fprintf(stderr, "%s: refusing to send %s to %s: outside 198.18.0.0/15\n", kProg, what,
                   ip_text(dst).c_str());
      return false;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(dst);
    ssize_t n = ::sendto(fd_, pkt, len, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (n != static_cast<ssize_t>(len)) {
      std::fprintf(stderr, "%s: sendto %s (%s): %s\n", kProg, ip_text(dst).c_str(), what,
                   n < 0 ? std::strerror(errno) : "short write");
      return false;
    }
    return true;
  }

  void send_rst(uint32_t syn_src, uint32_t syn_dst, uint16_t syn_sport, uint32_t syn_seq) {
    std::array<uint8_t, 40> p{};
    uint8_t* ip = p.data();
    uint8_t* tcp = ip + 20;
    ip[0] = 0x45;
    store16(ip + 2, static_cast<uint16_t>(p.size()));
    store16(ip + 4, random_ipid());
    store16(ip + 6, 0);  // no DF (a Linux target sets DF)
    ip[8] = static_cast<uint8_t>(o_.ttl);
    ip[9] = IPPROTO_TCP;
    store32(ip + 12, syn_dst);  // in the target's name
    store32(ip + 16, syn_src);
    store16(ip + 10, csum_fold(csum_add(0, ip, 20)));

    store16(tcp, static_cast<uint16_t>(o_.port));
    store16(tcp + 2, syn_sport);
    store32(tcp + 4, 0);
    store32(tcp + 8, syn_seq + 1);
    tcp[12] = 5 << 4;
    tcp[13] = 0x14;        // RST|ACK
    store16(tcp + 14, 0);  // window 0
    // Pseudo-header: src, dst, zero, protocol, TCP length.
    uint32_t sum = csum_add(0, ip + 12, 8);
    sum += IPPROTO_TCP;
    sum += 20;
    sum = csum_add(sum, tcp, 20);
    store16(tcp + 16, csum_fold(sum));

    if (send_packet(p.data(), p.size(), syn_src, "forged RST")) {
      ++injected_;
      if (o_.verbose)
        std::fprintf(stderr, "%s: RST %s:%u -> %s:%u ack %u\n", kProg, ip_text(syn_dst).c_str(),
                     o_.port, ip_text(syn_src).c_str(), syn_sport, syn_seq + 1);
    }
  }

  // Forwards the SYN on, as the router would have: TTL - 1, new header checksum.
  void relay(const uint8_t* ip, size_t caplen, size_t wire_len, size_t tot) {
    if (caplen < tot || wire_len < tot) {
      std::fprintf(stderr, "%s: cannot relay a truncated SYN (%zu of %zu bytes)\n", kProg, caplen,
                   tot);
      return;
    }
    if (ip[8] <= 1) return;  // expires here: the router answers time-exceeded itself
    std::vector<uint8_t> p(ip, ip + tot);
    size_t ihl = size_t{p[0] & 0x0Fu} * 4;
    p[8] = static_cast<uint8_t>(p[8] - 1);
    store16(p.data() + 10, 0);
    store16(p.data() + 10, csum_fold(csum_add(0, p.data(), ihl)));
    if (send_packet(p.data(), p.size(), load32(p.data() + 16), "relayed SYN")) ++relayed_;
  }

  const Options& o_;
  int fd_;
  unsigned long injected_ = 0;
  unsigned long relayed_ = 0;
};

struct Handler {
  Injector* inj;
  int linktype;
};

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
    if (et != 0x0800) return;
  } else if (hd->linktype == DLT_LINUX_SLL) {
    if (h->caplen < 16 || load16(bytes + 14) != 0x0800) return;
    off = 16;
  }  // DLT_RAW: off = 0
  if (h->caplen <= off || h->len <= off) return;
  hd->inj->handle(bytes + off, h->caplen - off, h->len - off);
}

// The raw IPv4 socket the forged RSTs (and relayed SYNs) leave through; -1 on failure.
int OpenRawSocket() {
  int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) {
    std::fprintf(stderr, "%s: error: raw socket: %s (needs CAP_NET_RAW)\n", kProg,
                 std::strerror(errno));
    return -1;
  }
  int one = 1;
  if (::setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) != 0) {
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

  int fd = OpenRawSocket();
  if (fd < 0) return 3;
  pcap_t* pc = OpenCapture(o);
  if (pc == nullptr) {
    ::close(fd);
    return 4;
  }
  Injector inj(o, fd);
  Handler hd{&inj, ::pcap_datalink(pc)};
  std::fprintf(stderr, "%s: listening on %s: %zu target(s), port %u, ttl %u, relay %s\n", kProg,
               o.iface.c_str(), o.targets.size(), o.port, o.ttl, o.relay ? "on" : "off");
  std::fflush(stderr);
  int status = InjectUntilStopped(pc, hd);
  std::fprintf(stderr, "%s: exiting: %lu RST(s) injected, %lu SYN(s) relayed\n", kProg,
               inj.injected(), inj.relayed());
  ::pcap_close(pc);
  ::close(fd);
  return status;
}
