// SPDX-License-Identifier: Apache-2.0
#include "capture/send/af_packet_sender.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/ethernet_interface.h"
#include "capture/send/ethernet_limits.h"
#include "capture/send/unique_fd.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {
namespace {

constexpr uint32_t kMinFrameSize = 128;
constexpr uint32_t kMaxFrameSize = 2048;
constexpr uint32_t kMaxFrameCount = 1u << 20;
// TPACKET_V2 TX frames without PACKET_TX_HAS_OFF: the data starts where the kernel's
// sockaddr_ll would, right after the aligned tpacket2_hdr.
constexpr size_t kTxDataOffset = TPACKET2_HDRLEN - sizeof(sockaddr_ll);

// struct virtio_net_hdr (linux/virtio_net.h, which C++ cannot include: a member is named
// `class`): flags, gso_type, then little-endian hdr_len, gso_size, csum_start, csum_offset.
struct VnetHeader {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(VnetHeader) == 10);

tpacket2_hdr* Header(uint8_t* frame) { return reinterpret_cast<tpacket2_hdr*>(frame); }

uint32_t LoadStatus(uint8_t* frame) {
  return __atomic_load_n(&Header(frame)->tp_status, __ATOMIC_ACQUIRE);
}
void StoreStatus(uint8_t* frame, uint32_t status) {
  __atomic_store_n(&Header(frame)->tp_status, status, __ATOMIC_RELEASE);
}

absl::Status Errno(absl::string_view what, const std::string& interface, int error) {
  std::string message =
      absl::StrCat("AF_PACKET ", what, " on '", interface, "': ", strerror(error));
  if (error == EPERM || error == EACCES) {
    return absl::PermissionDeniedError(absl::StrCat(
        message, " (run as root or grant CAP_NET_RAW: setcap cap_net_raw+ep cutpoint)"));
  }
  if (error == ENODEV || error == ENXIO) {
    return absl::InvalidArgumentError(absl::StrCat("unknown interface '", interface, "'"));
  }
  return absl::UnavailableError(message);
}

// The arguments, before anything touches the system.
absl::Status ValidateOptions(const AfPacketOptions& options) {
  const std::string& name = options.interface;
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return absl::InvalidArgumentError(absl::StrCat("invalid interface name '", name, "'"));
  }
  if (options.frame_size < kMinFrameSize || options.frame_size > kMaxFrameSize ||
      options.frame_size % TPACKET_ALIGNMENT != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("AF_PACKET frame size ", options.frame_size, " must be a multiple of ",
                     TPACKET_ALIGNMENT, " in [", kMinFrameSize, ", ", kMaxFrameSize, "]"));
  }
  if (options.frame_count == 0 || options.frame_count > kMaxFrameCount) {
    return absl::InvalidArgumentError(absl::StrCat("AF_PACKET frame count ", options.frame_count,
                                                   " must be in [1, ", kMaxFrameCount, "]"));
  }
  return ValidateNextHops(options.destination_macs, "AF_PACKET");
}

absl::Status SetPacketOption(int fd, int option, absl::string_view what,
                             const std::string& interface) {
  int on = 1;
  if (setsockopt(fd, SOL_PACKET, option, &on, sizeof(on)) != 0) {
    return Errno(what, interface, errno);
  }
  return absl::OkStatus();
}

// TPACKET_V2, loss-tolerant, qdisc bypass and the virtio-net header as asked; returns the
// length of the header each frame then starts with (0 without one).
absl::StatusOr<size_t> ConfigureSocket(int fd, const AfPacketOptions& options) {
  const std::string& name = options.interface;
  int version = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) != 0) {
    return Errno("PACKET_VERSION", name, errno);
  }
  // A frame the kernel refuses is released and skipped instead of blocking the ring.
  RETURN_IF_ERROR(SetPacketOption(fd, PACKET_LOSS, "PACKET_LOSS", name));
  if (options.qdisc_bypass) {
    RETURN_IF_ERROR(SetPacketOption(fd, PACKET_QDISC_BYPASS, "PACKET_QDISC_BYPASS", name));
  }
  // With a virtio-net header in front of each frame the kernel copies the first hdr_len
  // bytes into the skb's linear area. We set hdr_len to the whole frame, so the skb holds
  // no page fragments of the ring: forwarding it (veth, another namespace) then needs no
  // per-packet page allocation and copy (skb_copy_ubufs), and no header re-parsing.
  // Optional: kernels without it send the plain way.
  size_t vnet_header_len = 0;
  int on = 1;
  if (options.linear_frames && setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &on, sizeof(on)) == 0) {
    vnet_header_len = sizeof(VnetHeader);
  }
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  return vnet_header_len;
}

// Whole blocks of one page (or one frame, when frames are larger) holding at least
// options.frame_count frames.
tpacket_req RingGeometry(const AfPacketOptions& options) {
  long page = sysconf(_SC_PAGESIZE);
  uint32_t page_size = page > 0 ? static_cast<uint32_t>(page) : 4096;
  uint32_t block_size = std::max(page_size, options.frame_size);
  block_size = (block_size + page_size - 1) / page_size * page_size;
  uint32_t frames_per_block = block_size / options.frame_size;
  uint32_t block_count = (options.frame_count + frames_per_block - 1) / frames_per_block;
  tpacket_req request{};
  request.tp_block_size = block_size;
  request.tp_block_nr = block_count;
  request.tp_frame_size = options.frame_size;
  request.tp_frame_nr = block_count * frames_per_block;
  return request;
}

struct MappedRing {
  uint8_t* base = nullptr;
  size_t bytes = 0;
};

absl::StatusOr<MappedRing> MapRing(int fd, const tpacket_req& request,
                                   const std::string& interface) {
  if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &request, sizeof(request)) != 0) {
    return Errno("PACKET_TX_RING", interface, errno);
  }
  MappedRing ring;
  ring.bytes = size_t{request.tp_block_size} * request.tp_block_nr;
  void* base = mmap(nullptr, ring.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) return Errno("mmap of the TX ring", interface, errno);
  ring.base = static_cast<uint8_t*>(base);
  return ring;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AfPacketSender>> AfPacketSender::Create(
    const AfPacketOptions& options) {
  const std::string& name = options.interface;
  RETURN_IF_ERROR(ValidateOptions(options));
  // Protocol 0: the socket is bound to no protocol and therefore receives nothing.
  UniqueFd fd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Errno("socket", name, errno);
  ASSIGN_OR_RETURN(EthernetInterface interface, QueryEthernetInterface(name, "afpacket"));
  if (!interface.up) {
    return absl::FailedPreconditionError(absl::StrCat("interface '", name, "' is down"));
  }
  ASSIGN_OR_RETURN(size_t vnet_header_len, ConfigureSocket(fd.get(), options));
  tpacket_req ring_request = RingGeometry(options);
  ASSIGN_OR_RETURN(MappedRing ring, MapRing(fd.get(), ring_request, name));
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = 0;
  address.sll_ifindex = interface.ifindex;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    int error = errno;
    munmap(ring.base, ring.bytes);
    return Errno("bind", name, error);
  }

  std::unique_ptr<AfPacketSender> sender(new AfPacketSender());
  sender->fd_ = fd.release();
  sender->ring_ = ring.base;
  sender->ring_bytes_ = ring.bytes;
  sender->frame_size_ = options.frame_size;
  sender->frame_count_ = ring_request.tp_frame_nr;
  sender->vnet_header_len_ = vnet_header_len;
  size_t frame_room =
      options.frame_size - kTxDataOffset - vnet_header_len - wire::kEthernetHeaderLen;
  sender->max_packet_len_ =
      std::min(frame_room, interface.mtu > 0 ? static_cast<size_t>(interface.mtu) : size_t{0});
  sender->source_mac_ = options.source_mac.value_or(interface.mac);
  sender->framing_ = wire::EthernetFraming(options.destination_macs, sender->source_mac_);
  sender->limits_ = FramedLimits(sender->framing_, sender->max_packet_len_);
  return sender;
}

AfPacketSender::~AfPacketSender() {
  Flush(500);
  if (ring_ != nullptr) munmap(ring_, ring_bytes_);
  if (fd_ >= 0) close(fd_);
}

bool AfPacketSender::Kick() {
  ++counters_.kicks;
  while (true) {
    if (send(fd_, nullptr, 0, MSG_DONTWAIT) >= 0) return true;
    int error = errno;
    if (error == EINTR) continue;
    // Socket buffer or device queue full: the frames stay queued for the next kick.
    if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) return true;
    ++counters_.send_errors;
    counters_.last_send_errno = error;
    return false;
  }
}

BurstResult AfPacketSender::SendBurst(std::span<const OutgoingPacket> packets) {
  BurstResult result;
  size_t queued = 0;
  bool kicked = false;
  for (const OutgoingPacket& packet : packets) {
    if (!IsSendableIp(packet, limits_)) {
      ++counters_.rejected;
      ++result.failed;
      continue;
    }
    uint8_t* frame = Frame(cursor_);
    uint32_t status = LoadStatus(frame);
    if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT && !kicked) {
      // Give the kernel what is queued (this burst's and any left by an earlier kick
      // that hit a full socket buffer), then look again once.
      kicked = true;
      bool ok = Kick();
      queued = 0;
      status = LoadStatus(frame);
      if (!ok && status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT) {
        // The device refuses to send (down, gone): drop the front packet so the caller
        // sees progress and its failure count, rather than a silent stall.
        ++result.failed;
        break;
      }
    }
    if (status == TP_STATUS_WRONG_FORMAT) {
      ++counters_.wrong_format;  // a frame the kernel refused earlier; reuse it
    } else if (status != TP_STATUS_AVAILABLE) {
      ++counters_.ring_full;
      break;
    }
    tpacket2_hdr* header = Header(frame);
    uint8_t* data = frame + kTxDataOffset;
    uint32_t frame_len = static_cast<uint32_t>(wire::kEthernetHeaderLen + packet.len);
    if (vnet_header_len_ != 0) {
      VnetHeader vnet{};  // no offloads; hdr_len: copy the whole frame (see Create)
      vnet.hdr_len = htole16(static_cast<uint16_t>(frame_len));
      memcpy(data, &vnet, sizeof(vnet));
      data += sizeof(vnet);
    }
    memcpy(data, framing_.HeaderFor(packet.data).data(), wire::kEthernetHeaderLen);
    memcpy(data + wire::kEthernetHeaderLen, packet.data, packet.len);
    header->tp_len = static_cast<uint32_t>(vnet_header_len_ + frame_len);
    header->tp_snaplen = header->tp_len;
    StoreStatus(frame, TP_STATUS_SEND_REQUEST);
    cursor_ = cursor_ + 1 == frame_count_ ? 0 : cursor_ + 1;
    ++counters_.frames_queued;
    ++result.sent;
    ++queued;
  }
  if (queued > 0) Kick();
  return result;
}

bool AfPacketSender::Flush(int timeout_ms) {
  if (ring_ == nullptr) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    bool pending = false;
    for (uint32_t i = 0; i < frame_count_ && !pending; ++i) {
      uint32_t status = LoadStatus(Frame(i));
      pending = status == TP_STATUS_SEND_REQUEST || status == TP_STATUS_SENDING;
    }
    if (!pending) return true;
    if (!Kick() || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

}  // namespace cutpoint::capture
