// SPDX-License-Identifier: Apache-2.0
#include "capture/send/af_xdp_sender.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/ethernet_interface.h"
#include "capture/send/ethernet_limits.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {
namespace {

constexpr uint32_t kChunkSize = 2048;
constexpr uint32_t kMinFrames = 64;
constexpr uint32_t kMaxFrames = 1u << 18;
// Kernels since 6.17 let a socket send more than 32 frames per sendto() in copy mode
// (uapi XDP_MAX_TX_SKB_BUDGET); older ones refuse the option and keep 32.
#ifndef XDP_MAX_TX_SKB_BUDGET
constexpr int XDP_MAX_TX_SKB_BUDGET = 9;
#endif
constexpr int kTxBudget = 256;
// A kick that returns EAGAIN has sent its budget: kick again, a bounded number of times.
constexpr int kMaxKicksPerBurst = 64;

// The interface's driver as ethtool names it ("veth", "ice"), or "" when it will not say.
std::string DriverName(const std::string& interface) {
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  ifreq request{};
  if (interface.size() >= sizeof(request.ifr_name)) return "";
  memcpy(request.ifr_name, interface.data(), interface.size());
  request.ifr_data = reinterpret_cast<char*>(&info);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  bool ok = ioctl(fd, SIOCETHTOOL, &request) == 0;
  close(fd);
  return ok ? std::string(info.driver, strnlen(info.driver, sizeof(info.driver))) : "";
}

// The kernel refuses XDP_ZEROCOPY with EOPNOTSUPP when the driver lacks it (no
// NETDEV_XDP_ACT_XSK_ZEROCOPY: veth, most virtual devices). Said plainly, since the fix is
// to drop the flag rather than to change backends.
absl::Status ZeroCopyUnsupported(const std::string& interface) {
  std::string driver = DriverName(interface);
  return absl::FailedPreconditionError(
      absl::StrCat("--xdp-zero-copy: interface '", interface, "'",
                   driver.empty() ? "" : absl::StrCat(" (driver ", driver, ")"),
                   " does not support AF_XDP zero-copy: its driver has no XDP_ZEROCOPY mode; drop "
                   "--xdp-zero-copy to send in copy mode"));
}

absl::Status XskError(absl::string_view what, const std::string& interface, int error) {
  std::string message = absl::StrCat("AF_XDP ", what, " on '", interface, "': ", strerror(error));
  if (error == EPERM || error == EACCES) {
    return absl::PermissionDeniedError(
        absl::StrCat(message, " (run as root or grant CAP_NET_RAW and CAP_NET_ADMIN)"));
  }
  if (error == ENODEV || error == ENXIO) {
    return absl::InvalidArgumentError(absl::StrCat("unknown interface '", interface, "'"));
  }
  if (error == EBUSY) {
    return absl::FailedPreconditionError(
        absl::StrCat(message,
                     " (queue already bound by another AF_XDP socket: one queue per sender "
                     "thread; check `ethtool -l` or use fewer --sender-threads)"));
  }
  if (error == EOPNOTSUPP || error == EINVAL) {
    return absl::FailedPreconditionError(
        absl::StrCat(message, " (AF_XDP unavailable here: use --tx afpacket)"));
  }
  return absl::UnavailableError(message);
}

// TX queues of the interface, from sysfs (0 when unknown: then bind() decides).
uint32_t CountTxQueues(const std::string& name) {
  std::error_code error;
  std::filesystem::directory_iterator it(absl::StrCat("/sys/class/net/", name, "/queues"), error);
  uint32_t count = 0;
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (it->path().filename().string().rfind("tx-", 0) == 0) ++count;
  }
  return count;
}

// One TX queue per sender: the queue must exist (when sysfs tells); the UMEM holds a
// power of two of chunks.
absl::Status ValidateQueueAndFrames(const AfXdpOptions& options) {
  const std::string& name = options.interface;
  uint32_t queues = CountTxQueues(name);
  if (queues != 0 && options.queue_id >= queues) {
    return absl::FailedPreconditionError(absl::StrCat(
        "interface '", name, "' has ", queues, " TX queue(s), 0-", queues - 1,
        ", and --tx afxdp binds sender thread i to queue --xdp-queue + i: queue ", options.queue_id,
        " does not exist; lower --xdp-queue or --sender-threads, or give the interface more "
        "queues (ethtool -L; veth: numtxqueues)"));
  }
  uint32_t frames = options.frame_count;
  if (frames < kMinFrames || frames > kMaxFrames || (frames & (frames - 1)) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("AF_XDP frame count ", frames,
                                                   " must be a power of two in [", kMinFrames, ", ",
                                                   kMaxFrames, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

struct AfXdpSender::Rings {
  xsk_ring_prod fill{};
  xsk_ring_cons completion{};
  xsk_ring_prod tx{};
};

absl::StatusOr<std::unique_ptr<AfXdpSender>> AfXdpSender::Create(const AfXdpOptions& options) {
  RETURN_IF_ERROR(ValidateNextHops(options.destination_macs, "AF_XDP"));
  ASSIGN_OR_RETURN(EthernetInterface facts, QueryEthernetInterface(options.interface, "afxdp"));
  RETURN_IF_ERROR(ValidateQueueAndFrames(options));
  std::unique_ptr<AfXdpSender> sender(new AfXdpSender());
  RETURN_IF_ERROR(sender->OpenSocket(options));
  uint32_t frames = options.frame_count;
  sender->free_chunks_.reserve(frames);
  for (uint32_t i = frames; i > 0; --i) {
    sender->free_chunks_.push_back(uint64_t{i - 1} * kChunkSize);
  }
  size_t max_packet_len = std::min(size_t{kChunkSize} - wire::kEthernetHeaderLen,
                                   static_cast<size_t>(std::max(facts.mtu, 0)));
  sender->framing_ =
      wire::EthernetFraming(options.destination_macs, options.source_mac.value_or(facts.mac));
  sender->limits_ = FramedLimits(sender->framing_, max_packet_len);
  return sender;
}

absl::Status AfXdpSender::OpenSocket(const AfXdpOptions& options) {
  const std::string& name = options.interface;
  uint32_t frames = options.frame_count;
  rings_ = std::make_unique<Rings>();
  buffer_bytes_ = size_t{frames} * kChunkSize;
  void* buffer = mmap(nullptr, buffer_bytes_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (buffer == MAP_FAILED) return XskError("UMEM mmap", name, errno);
  buffer_ = static_cast<uint8_t*>(buffer);

  xsk_umem_config umem_config{};
  umem_config.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS;  // unused: no RX ring
  umem_config.comp_size = frames;
  umem_config.frame_size = kChunkSize;
  umem_config.frame_headroom = 0;
  int rc = xsk_umem__create(&umem_, buffer, buffer_bytes_, &rings_->fill, &rings_->completion,
                            &umem_config);
  if (rc != 0) return XskError("UMEM registration", name, -rc);

  xsk_socket_config socket_config{};
  socket_config.rx_size = 0;
  socket_config.tx_size = frames;
  socket_config.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
  socket_config.bind_flags =
      static_cast<uint16_t>((options.zero_copy ? XDP_ZEROCOPY : XDP_COPY) | XDP_USE_NEED_WAKEUP);
  rc = xsk_socket__create(&socket_, name.c_str(), options.queue_id, umem_, nullptr, &rings_->tx,
                          &socket_config);
  if (rc == -EOPNOTSUPP && options.zero_copy) return ZeroCopyUnsupported(name);
  if (rc != 0) return XskError(absl::StrCat("socket on queue ", options.queue_id), name, -rc);
  zero_copy_ = options.zero_copy;
  int budget = kTxBudget;
  setsockopt(xsk_socket__fd(socket_), SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget, sizeof(budget));
  return absl::OkStatus();
}

AfXdpSender::~AfXdpSender() {
  if (socket_ != nullptr) {
    Flush(500);
    xsk_socket__delete(socket_);
  }
  if (umem_ != nullptr) xsk_umem__delete(umem_);
  if (buffer_ != nullptr) munmap(buffer_, buffer_bytes_);
}

void AfXdpSender::ReapCompletions() {
  uint32_t index = 0;
  uint32_t done = xsk_ring_cons__peek(&rings_->completion, in_flight_, &index);
  for (uint32_t i = 0; i < done; ++i) {
    free_chunks_.push_back(*xsk_ring_cons__comp_addr(&rings_->completion, index + i));
  }
  if (done > 0) xsk_ring_cons__release(&rings_->completion, done);
  in_flight_ -= done;
  reaped_ += done;
  counters_.completed += done;
}

XskTxState AfXdpSender::TxState() {
  XskTxState state;
  state.needs_wakeup = xsk_ring_prod__needs_wakeup(&rings_->tx) != 0;
  // Everything reserved is submitted here, so cached_prod is the producer index.
  state.tx_pending =
      rings_->tx.cached_prod - __atomic_load_n(rings_->tx.consumer, __ATOMIC_ACQUIRE);
  state.in_flight = in_flight_;
  state.completed = reaped_;
  reaped_ = 0;
  return state;
}

void AfXdpSender::KickAsNeeded() {
  for (int round = 0; round < kMaxKicksPerBurst; ++round) {
    XskKick kick = kick_policy_.Decide(TxState());
    if (kick == XskKick::kNone) return;
    if (kick == XskKick::kStall) ++counters_.stall_kicks;
    if (!Kick()) return;
    ReapCompletions();
  }
}

bool AfXdpSender::Kick() {
  ++counters_.kicks;
  while (true) {
    if (sendto(xsk_socket__fd(socket_), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) return true;
    int error = errno;
    if (error == EINTR) continue;
    // Budget spent, ring busy or device queue full: the frames stay posted.
    if (error == EAGAIN || error == EBUSY || error == ENOBUFS || error == ENETDOWN) {
      return error != ENETDOWN;
    }
    ++counters_.send_errors;
    counters_.last_send_errno = error;
    return false;
  }
}

BurstResult AfXdpSender::SendBurst(std::span<const OutgoingPacket> packets) {
  BurstResult result;
  ReapCompletions();
  uint32_t wanted = static_cast<uint32_t>(std::min(packets.size(), free_chunks_.size()));
  uint32_t index = 0;
  uint32_t slots = wanted == 0 ? 0 : xsk_ring_prod__reserve(&rings_->tx, wanted, &index);
  uint32_t posted = 0;
  for (const OutgoingPacket& packet : packets) {
    if (!IsSendableIp(packet, limits_)) {
      // Counted as failed only at the front, so that sent + failed stays a prefix.
      if (posted == 0) {
        ++counters_.rejected;
        ++result.failed;
        continue;
      }
      break;  // the caller retries it at the front of the next burst
    }
    if (posted == slots) break;
    uint64_t address = free_chunks_.back();
    free_chunks_.pop_back();
    uint8_t* frame = static_cast<uint8_t*>(xsk_umem__get_data(buffer_, address));
    memcpy(frame, framing_.HeaderFor(packet.data).data(), wire::kEthernetHeaderLen);
    memcpy(frame + wire::kEthernetHeaderLen, packet.data, packet.len);
    xdp_desc* descriptor = xsk_ring_prod__tx_desc(&rings_->tx, index + posted);
    descriptor->addr = address;
    descriptor->len = static_cast<uint32_t>(wire::kEthernetHeaderLen + packet.len);
    descriptor->options = 0;
    ++posted;
  }
  if (posted < slots) {
    // Reserved more than we filled (a bad packet cut the burst). Reserving only advanced
    // libxdp's cached producer index, so hand the unused slots back.
    rings_->tx.cached_prod -= slots - posted;
  }
  if (posted > 0) {
    xsk_ring_prod__submit(&rings_->tx, posted);
    in_flight_ += posted;
    counters_.frames_queued += posted;
    result.sent += posted;
  }
  // Also with nothing posted: a full ring whose completions stalled needs the kick.
  KickAsNeeded();
  if (result.sent + result.failed < packets.size() && posted == 0) ++counters_.ring_full;
  return result;
}

bool AfXdpSender::Flush(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    ReapCompletions();
    if (in_flight_ == 0) return true;
    if (!Kick() || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

}  // namespace cutpoint::capture
