#include "tools/cutpoint/dpdk_backend.h"

#include <time.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#include "capture/send/neighbor_lookup.h"

namespace cutpoint::cli {
namespace {

// Keeps the shared port alive for as long as any sender or capture uses it.
struct SharedPort {
  std::unique_ptr<capture::DpdkPort> port;
  std::atomic<uint16_t> next_tx_queue{0};
};

class QueueSender final : public capture::PacketSender {
 public:
  QueueSender(std::shared_ptr<SharedPort> shared, uint16_t queue)
      : shared_(std::move(shared)), sender_(*shared_->port, queue) {}
  capture::BurstResult SendBurst(std::span<const capture::OutgoingPacket> packets) override {
    return sender_.SendBurst(packets);
  }
  // The session builds probes straight into mbufs through this.
  capture::ProbeBurstSender* AsProbeBurstSender() override { return &sender_; }

 private:
  std::shared_ptr<SharedPort> shared_;
  capture::DpdkSender sender_;
};

// RX queue 0 as a FrameSource: frames of one burst are handed out one by one; the burst
// is refilled only when all were taken, which keeps the borrowed views valid.
class DpdkFrameSource final : public capture::FrameSource {
 public:
  explicit DpdkFrameSource(std::shared_ptr<SharedPort> shared)
      : shared_(std::move(shared)),
        frames_(shared_->port->burst_size()),
        own_mac_(shared_->port->source_mac()) {}

  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }

  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame* frame, bool wait) override {
    int64_t deadline_ns = wait ? MonotonicNanos() + 50'000'000 : 0;
    while (true) {
      while (next_ < count_) {
        const capture::DpdkFrame& got = frames_[next_++];
        // Frames this host sent itself (a kernel's RSTs seen by an AF_PACKET-backed port)
        // are not replies: the software counterpart of capturing inbound only.
        if (got.len >= 12 && std::memcmp(got.data + 6, own_mac_.data(), own_mac_.size()) == 0) {
          continue;
        }
        frame->data = got.data;
        frame->len = got.len;
        frame->wire_len = got.wire_len;
        frame->time_us = got.time_us;
        return capture::NextResult::kFrame;
      }
      absl::StatusOr<int> received = shared_->port->ReceiveBurst(std::span(frames_));
      if (!received.ok()) return received.status();
      next_ = 0;
      count_ = static_cast<size_t>(*received);
      if (count_ > 0) continue;
      if (MonotonicNanos() >= deadline_ns) return capture::NextResult::kTimeout;
      timespec pause{0, 100'000};
      nanosleep(&pause, nullptr);
    }
  }

  capture::CaptureCounters Counters() const override {
    capture::CaptureCounters counters;
    absl::StatusOr<capture::DpdkPortStats> stats = shared_->port->Stats();
    if (stats.ok()) {
      counters.received = stats->ipackets;
      counters.dropped = stats->imissed + stats->rx_nombuf;
      counters.if_dropped = stats->ierrors;
    }
    return counters;
  }

 private:
  std::shared_ptr<SharedPort> shared_;
  std::vector<capture::DpdkFrame> frames_;
  size_t next_ = 0;
  size_t count_ = 0;
  std::array<uint8_t, 6> own_mac_;
};

}  // namespace

absl::StatusOr<TxSetup> OpenDpdkBackend(const DpdkBackendOptions& options) {
  if (options.eal_args.empty()) {
    return absl::InvalidArgumentError(
        "--tx dpdk needs --dpdk-args \"EAL ARGS\" (e.g. \"--no-huge --no-pci -m 512 "
        "--vdev net_af_packet0,iface=eth0\")");
  }
  capture::DpdkOptions port_options;
  port_options.eal_args = options.eal_args;
  port_options.device = options.device;
  port_options.tx_queues = static_cast<uint16_t>(std::max(1, options.sender_threads));
  if (options.gateway_mac) {
    port_options.destination_mac = *options.gateway_mac;
  } else {
    absl::StatusOr<capture::NextHop> hop =
        capture::ResolveNextHop(options.first_target, options.interface);
    if (!hop.ok()) return hop.status();
    port_options.destination_mac = hop->mac;
  }
  absl::StatusOr<std::unique_ptr<capture::DpdkPort>> port = capture::DpdkPort::Create(port_options);
  if (!port.ok()) return port.status();
  auto shared = std::make_shared<SharedPort>();
  shared->port = std::move(*port);
  TxSetup setup;
  setup.make_sender = [shared]() -> absl::StatusOr<std::unique_ptr<capture::PacketSender>> {
    uint16_t queue = shared->next_tx_queue.fetch_add(1);
    if (queue >= shared->port->tx_queues()) {
      return absl::InternalError("more DPDK sender threads than TX queues");
    }
    return std::unique_ptr<capture::PacketSender>(new QueueSender(shared, queue));
  };
  setup.make_capture =
      [shared](const std::string&) -> absl::StatusOr<std::unique_ptr<capture::FrameSource>> {
    // No BPF on a DPDK port: the matcher classifies every frame (unrelated ones are
    // counted as unmatched).
    return std::unique_ptr<capture::FrameSource>(new DpdkFrameSource(shared));
  };
  return setup;
}

}  // namespace cutpoint::cli
