// SPDX-License-Identifier: Apache-2.0
// cutpoint-lab-listener: a minimal TCP accept-and-close server for the
// Cutpoint network-namespace lab (tools/lab/lab.sh).
//
// Usage: cutpoint-lab-listener PORT...
//
// Listens on 0.0.0.0:PORT and [::]:PORT for every PORT given (backlog 4096,
// SO_REUSEADDR), accepts connections and closes them immediately. Exits 0 on
// SIGTERM/SIGINT.
//
// The IPv6 socket is IPV6_V6ONLY, so the IPv4 one keeps its own port (and
// IPv4 peers are never seen as ::ffff: addresses). Neither needs
// IPV6_TRANSPARENT or IP_FREEBIND: the lab makes the target prefixes local on
// the destination (AnyIP, `ip -6 route add local PREFIX dev lo`), and a
// wildcard socket accepts connections to every local address.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

volatile sig_atomic_t g_stop = 0;

void on_signal(int) { g_stop = 1; }

bool parse_port(std::string_view s, unsigned& port) {
  if (s.empty()) return false;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return false;
  if (v == 0 || v > 65535) return false;
  port = v;
  return true;
}

// A non-blocking listening socket on the wildcard address of FAMILY (AF_INET
// or AF_INET6); -1 after a message on failure.
int open_listener(int family, unsigned port) {
  const char* name = family == AF_INET6 ? "[::]" : "0.0.0.0";
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::fprintf(stderr, "cutpoint-lab-listener: socket (%s): %s\n", name, std::strerror(errno));
    return -1;
  }
  auto fail = [&](const char* what) {
    std::fprintf(stderr, "cutpoint-lab-listener: %s %s:%u: %s\n", what, name, port,
                 std::strerror(errno));
    ::close(fd);
    return -1;
  };
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
    return fail("setsockopt(SO_REUSEADDR)");
  sockaddr_storage storage{};
  socklen_t len = 0;
  if (family == AF_INET6) {
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
      return fail("setsockopt(IPV6_V6ONLY)");
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_any;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    a->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *a;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), len) != 0) return fail("bind");
  if (::listen(fd, 4096) != 0) return fail("listen on");
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cutpoint-lab-listener PORT...\n");
    return 2;
  }
  std::vector<unsigned> ports;
  for (int i = 1; i < argc; ++i) {
    unsigned port = 0;
    if (!parse_port(argv[i], port)) {
      std::fprintf(stderr, "cutpoint-lab-listener: invalid port '%s' (expected 1-65535)\n",
                   argv[i]);
      return 2;
    }
    ports.push_back(port);
  }

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() must return EINTR
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  std::vector<pollfd> fds;
  for (unsigned port : ports) {
    for (int family : {AF_INET, AF_INET6}) {
      int fd = open_listener(family, port);
      if (fd < 0) {
        for (auto& p : fds) ::close(p.fd);
        return 1;
      }
      fds.push_back(pollfd{fd, POLLIN, 0});
    }
  }

  while (!g_stop) {
    int n = ::poll(fds.data(), fds.size(), 1000);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "cutpoint-lab-listener: poll: %s\n", std::strerror(errno));
      for (auto& p : fds) ::close(p.fd);
      return 1;
    }
    for (auto& p : fds) {
      if (!(p.revents & POLLIN)) continue;
      // Drain the accept queue; connections are closed immediately.
      for (;;) {
        int c = ::accept4(p.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) break;  // EAGAIN, ECONNABORTED, EMFILE, ...: retry next poll
        ::close(c);
      }
    }
  }
  for (auto& p : fds) ::close(p.fd);
  return 0;
}
