// cutpoint-lab-listener: a minimal TCP accept-and-close server for the
// Cutpoint network-namespace lab (tools/lab/lab.sh).
//
// Usage: cutpoint-lab-listener PORT...
//
// Listens on 0.0.0.0:PORT for every PORT given (backlog 4096, SO_REUSEADDR),
// accepts connections and closes them immediately. Exits 0 on SIGTERM/SIGINT.

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

int open_listener(unsigned port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::fprintf(stderr, "cutpoint-lab-listener: socket: %s\n", std::strerror(errno));
    return -1;
  }
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    std::fprintf(stderr, "cutpoint-lab-listener: setsockopt(SO_REUSEADDR): %s\n",
                 std::strerror(errno));
    ::close(fd);
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "cutpoint-lab-listener: bind 0.0.0.0:%u: %s\n", port,
                 std::strerror(errno));
    ::close(fd);
    return -1;
  }
  if (::listen(fd, 4096) != 0) {
    std::fprintf(stderr, "cutpoint-lab-listener: listen on port %u: %s\n", port,
                 std::strerror(errno));
    ::close(fd);
    return -1;
  }
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
    int fd = open_listener(port);
    if (fd < 0) {
      for (auto& p : fds) ::close(p.fd);
      return 1;
    }
    fds.push_back(pollfd{fd, POLLIN, 0});
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
