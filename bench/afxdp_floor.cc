// SPDX-License-Identifier: Apache-2.0
// The floor for `cutpoint scan --tx afxdp`: a bare libxdp copy-mode TX loop with no
// per-packet work in user space (bench/afxdp_floor.sh runs the two side by side).
//
// One TX-only xsk socket set up as AfXdpSender sets up its own (capture/send/af_xdp_sender.cc),
// so the two differ only in what user space does per packet: 4096 UMEM chunks of 2048 bytes,
// TX and completion rings of 4096, XDP_COPY | XDP_USE_NEED_WAKEUP, no XDP program loaded,
// TX budget 256 frames per sendto() where the kernel has XDP_MAX_TX_SKB_BUDGET. Every chunk
// is filled once with the same 58-byte frame (Ethernet + IPv4 + TCP SYN with MSS, checksums
// valid). Then, for SECONDS: take back completed chunks, reserve and submit BATCH
// descriptors (default 64, cutpoint's send batch), sendto() when the TX ring asks for a
// wakeup (copy mode always does).
//
//   afxdp_floor IFACE DST_MAC SECONDS [BATCH=64] [QUEUE=0]
//
// Prints one line: "afxdp_floor frames=N seconds=T mpps=X kicks=K", frames being those the
// kernel completed (handed to the driver) within the SECONDS.
#include <errno.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr uint32_t kFrames = 4096;
constexpr uint32_t kChunkSize = 2048;
constexpr uint32_t kFrameLen = 58;
#ifndef XDP_MAX_TX_SKB_BUDGET
constexpr int XDP_MAX_TX_SKB_BUDGET = 9;
#endif
constexpr int kTxBudget = 256;

bool ParseMac(const std::string& text, uint8_t* mac) {
  unsigned v[6];
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) !=
      6) {
    return false;
  }
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<uint8_t>(v[i]);
  return true;
}

uint16_t Checksum(const uint8_t* data, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (len & 1) sum += data[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// 198.18.0.1:40000 -> 198.19.0.1:25, TTL 64, SYN with MSS 1460: the shape of a cutpoint
// IPv4 SYN probe (engine/probe/probe_layout.h), constant bytes.
std::array<uint8_t, kFrameLen> MakeFrame(const uint8_t* dst_mac, const uint8_t* src_mac) {
  std::array<uint8_t, kFrameLen> f{};
  memcpy(&f[0], dst_mac, 6);
  memcpy(&f[6], src_mac, 6);
  f[12] = 0x08;
  uint8_t* ip = &f[14];
  const uint8_t ip_header[20] = {0x45, 0, 0,   44, 0x12, 0x34, 0,   0,  64, 6,
                                 0,    0, 198, 18, 0,    1,    198, 19, 0,  1};
  memcpy(ip, ip_header, 20);
  uint16_t ip_sum = Checksum(ip, 20);
  ip[10] = ip_sum >> 8;
  ip[11] = ip_sum & 0xff;
  uint8_t* tcp = ip + 20;
  const uint8_t tcp_header[24] = {0x9c, 0x40, 0,    25,   0x01, 0x02, 0x03, 0x04, 0, 0, 0,    0,
                                  0x60, 0x02, 0xff, 0xff, 0,    0,    0,    0,    2, 4, 0x05, 0xb4};
  memcpy(tcp, tcp_header, 24);
  // Pseudo-header: source, destination, protocol, TCP length.
  uint32_t pseudo = (198 << 8 | 18) + (0 << 8 | 1) + (198 << 8 | 19) + (0 << 8 | 1) + 6 + 24;
  uint16_t tcp_sum = Checksum(tcp, 24, pseudo);
  tcp[16] = tcp_sum >> 8;
  tcp[17] = tcp_sum & 0xff;
  return f;
}

bool InterfaceMac(const std::string& name, uint8_t* mac) {
  std::ifstream in("/sys/class/net/" + name + "/address");
  std::string text;
  return static_cast<bool>(in >> text) && ParseMac(text, mac);
}

int Fail(const char* what, int error) {
  std::fprintf(stderr, "afxdp_floor: %s: %s\n", what, strerror(error));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: %s IFACE DST_MAC SECONDS [BATCH=64] [QUEUE=0]\n", argv[0]);
    return 2;
  }
  std::string iface = argv[1];
  uint8_t dst_mac[6], src_mac[6];
  double seconds = std::atof(argv[3]);
  uint32_t batch = argc > 4 ? static_cast<uint32_t>(std::atoi(argv[4])) : 64;
  uint32_t queue = argc > 5 ? static_cast<uint32_t>(std::atoi(argv[5])) : 0;
  if (!ParseMac(argv[2], dst_mac) || seconds <= 0 || batch == 0 || batch > kFrames) {
    std::fprintf(stderr, "afxdp_floor: bad DST_MAC, SECONDS or BATCH\n");
    return 2;
  }
  if (!InterfaceMac(iface, src_mac)) {
    std::fprintf(stderr, "afxdp_floor: no interface '%s'\n", iface.c_str());
    return 2;
  }

  size_t bytes = size_t{kFrames} * kChunkSize;
  void* buffer = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (buffer == MAP_FAILED) return Fail("mmap", errno);
  std::array<uint8_t, kFrameLen> frame = MakeFrame(dst_mac, src_mac);
  for (uint32_t i = 0; i < kFrames; ++i) {
    memcpy(static_cast<uint8_t*>(buffer) + size_t{i} * kChunkSize, frame.data(), kFrameLen);
  }

  xsk_ring_prod fill{}, tx{};
  xsk_ring_cons completion{};
  xsk_umem* umem = nullptr;
  xsk_umem_config umem_config{};
  umem_config.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;
  umem_config.comp_size = kFrames;
  umem_config.frame_size = kChunkSize;
  int rc = xsk_umem__create(&umem, buffer, bytes, &fill, &completion, &umem_config);
  if (rc != 0) return Fail("xsk_umem__create", -rc);
  xsk_socket_config socket_config{};
  socket_config.tx_size = kFrames;
  socket_config.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
  socket_config.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
  xsk_socket* socket = nullptr;
  // The queue of a socket closed a moment ago (the previous run) is released
  // asynchronously: EBUSY for a short while.
  for (int tries = 0; tries < 100; ++tries) {
    rc = xsk_socket__create(&socket, iface.c_str(), queue, umem, nullptr, &tx, &socket_config);
    if (rc != -EBUSY) break;
    usleep(20000);
  }
  if (rc != 0) return Fail("xsk_socket__create", -rc);
  int fd = xsk_socket__fd(socket);
  int budget = kTxBudget;
  setsockopt(fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));

  std::vector<uint64_t> free_chunks;
  free_chunks.reserve(kFrames);
  for (uint32_t i = kFrames; i > 0; --i) free_chunks.push_back(uint64_t{i - 1} * kChunkSize);
  uint64_t completed = 0, kicks = 0;
  uint32_t in_flight = 0;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    uint32_t index = 0;
    uint32_t done = xsk_ring_cons__peek(&completion, in_flight, &index);
    for (uint32_t i = 0; i < done; ++i) {
      free_chunks.push_back(*xsk_ring_cons__comp_addr(&completion, index + i));
    }
    if (done > 0) xsk_ring_cons__release(&completion, done);
    in_flight -= done;
    completed += done;
    uint32_t want = std::min<uint32_t>(batch, static_cast<uint32_t>(free_chunks.size()));
    uint32_t slots = want == 0 ? 0 : xsk_ring_prod__reserve(&tx, want, &index);
    for (uint32_t i = 0; i < slots; ++i) {
      xdp_desc* desc = xsk_ring_prod__tx_desc(&tx, index + i);
      desc->addr = free_chunks.back();
      desc->len = kFrameLen;
      desc->options = 0;
      free_chunks.pop_back();
    }
    if (slots > 0) {
      xsk_ring_prod__submit(&tx, slots);
      in_flight += slots;
    }
    if (in_flight > 0 && xsk_ring_prod__needs_wakeup(&tx)) {
      ++kicks;
      sendto(fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0);
    }
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("afxdp_floor frames=%llu seconds=%.3f mpps=%.3f kicks=%llu batch=%u\n",
              static_cast<unsigned long long>(completed), elapsed, completed / elapsed / 1e6,
              static_cast<unsigned long long>(kicks), batch);
  xsk_socket__delete(socket);
  xsk_umem__delete(umem);
  munmap(buffer, bytes);
  return 0;
}
