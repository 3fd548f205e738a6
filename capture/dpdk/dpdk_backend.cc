#include "capture/dpdk/dpdk_backend.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#include "capture/send/neighbor_lookup.h"
#include "engine/base/status_macros.h"
#include "engine/probe/probe_builder.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {
namespace {

int64_t MonotonicNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// Sums the counters the stats record shows per TX queue.
void AddSenderCounters(const DpdkSenderCounters& from, DpdkSenderCounters* to) {
  to->frames_sent += from.frames_sent;
  to->bursts += from.bursts;
  to->tx_full += from.tx_full;
  to->alloc_failures += from.alloc_failures;
}

// Keeps the shared port alive for as long as any sender or capture uses it.
struct SharedPort {
  std::unique_ptr<DpdkPort> port;
  std::atomic<uint16_t> next_tx_queue{0};
  // Per TX queue: the live sender's counters (read once its thread is done), and those
  // of senders already gone.
  std::vector<const DpdkSenderCounters*> live;
  std::vector<DpdkSenderCounters> retired;
};

class QueueSender final : public PacketSender {
 public:
  QueueSender(std::shared_ptr<SharedPort> shared, uint16_t queue)
      : shared_(std::move(shared)), sender_(*shared_->port, queue) {
    shared_->live[queue] = &sender_.counters();
  }
  ~QueueSender() override {
    AddSenderCounters(sender_.counters(), &shared_->retired[sender_.queue()]);
    shared_->live[sender_.queue()] = nullptr;
  }
  BurstResult SendBurst(std::span<const OutgoingPacket> packets) override {
    return sender_.SendBurst(packets);
  }
  // The session builds probes straight into mbufs through this.
  ProbeBurstSender* AsProbeBurstSender() override { return &sender_; }

 private:
  std::shared_ptr<SharedPort> shared_;
  DpdkSender sender_;
};

// RX queue 0 as a FrameSource: frames of one burst are handed out one by one; the burst
// is refilled only when all were taken, which keeps the borrowed views valid.
class DpdkFrameSource final : public FrameSource {
  static constexpr int kMaxOwnBursts = 16;

 public:
  explicit DpdkFrameSource(std::shared_ptr<SharedPort> shared)
      : shared_(std::move(shared)),
        frames_(shared_->port->burst_size()),
        own_mac_(shared_->port->source_mac()) {}

  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }

  absl::StatusOr<NextResult> Next(CapturedFrame* frame, bool wait) override {
    int64_t deadline_ns = wait ? MonotonicNanos() + 50'000'000 : 0;
    for (int bursts = 0;; ++bursts) {
      while (next_ < count_) {
        const DpdkFrame& got = frames_[next_++];
        // Frames this host sent itself (a kernel's RSTs seen by an AF_PACKET-backed port)
        // are not replies: the software counterpart of capturing inbound only.
        if (SentByThisHost(got)) continue;
        frame->data = got.data;
        frame->len = got.len;
        frame->wire_len = got.wire_len;
        frame->time_us = got.time_us;
        return NextResult::kFrame;
      }
      // Bursts of nothing but our own frames end the call like an empty ring would
      // (a port that receives without pause must not keep us here).
      if (bursts > 0 && (wait ? MonotonicNanos() >= deadline_ns : bursts >= kMaxOwnBursts)) {
        return NextResult::kTimeout;
      }
      ASSIGN_OR_RETURN(int received, shared_->port->ReceiveBurst(std::span(frames_)));
      next_ = 0;
      count_ = static_cast<size_t>(received);
      if (count_ > 0) continue;
      if (MonotonicNanos() >= deadline_ns) return NextResult::kTimeout;
      timespec pause{0, 100'000};
      nanosleep(&pause, nullptr);
    }
  }

  bool SentByThisHost(const DpdkFrame& frame) const {
    if (frame.len < wire::kEthernetSourceOffset + wire::kMacLen) return false;
    const uint8_t* source = frame.data + wire::kEthernetSourceOffset;
    return std::memcmp(source, own_mac_.data(), wire::kMacLen) == 0;
  }

  CaptureCounters Counters() const override {
    CaptureCounters counters;
    absl::StatusOr<DpdkPortStats> stats = shared_->port->Stats();
    if (stats.ok()) {
      counters.received = stats->ipackets;
      counters.dropped = stats->imissed + stats->rx_nombuf;
      counters.if_dropped = stats->ierrors;
    }
    return counters;
  }

 private:
  std::shared_ptr<SharedPort> shared_;
  std::vector<DpdkFrame> frames_;
  size_t next_ = 0;
  size_t count_ = 0;
  wire::MacAddress own_mac_;
};

// The "dpdk" object of the stats record: port counters and per-queue sender counters.
void AddDpdkStats(const SharedPort& shared, report::ScanStats* stats) {
  report::DpdkStats dpdk;
  dpdk.device = shared.port->device_name();
  absl::StatusOr<DpdkPortStats> port = shared.port->Stats();
  if (port.ok()) {
    dpdk.ipackets = port->ipackets;
    dpdk.opackets = port->opackets;
    dpdk.ibytes = port->ibytes;
    dpdk.obytes = port->obytes;
    dpdk.imissed = port->imissed;
    dpdk.ierrors = port->ierrors;
    dpdk.oerrors = port->oerrors;
    dpdk.rx_nombuf = port->rx_nombuf;
  }
  for (size_t q = 0; q < shared.retired.size(); ++q) {
    DpdkSenderCounters c = shared.retired[q];
    if (const DpdkSenderCounters* live = shared.live[q]) AddSenderCounters(*live, &c);
    dpdk.tx_queues.push_back({c.frames_sent, c.bursts, c.tx_full, c.alloc_failures});
  }
  stats->dpdk = std::move(dpdk);
}

absl::StatusOr<wire::MacAddress> MacTowards(const wire::IpAddress& target,
                                            const std::string& interface) {
  ASSIGN_OR_RETURN(NextHop hop, ResolveNextHop(target, interface));
  return hop.mac;
}

// The factories over the one port: a TX queue per sender, RX queue 0 for the capture.
TxSetup SharedPortSetup(std::shared_ptr<SharedPort> shared) {
  TxSetup setup;
  setup.make_sender = [shared]() -> absl::StatusOr<std::unique_ptr<PacketSender>> {
    uint16_t queue = shared->next_tx_queue.fetch_add(1);
    if (queue >= shared->port->tx_queues()) {
      return absl::InternalError("more DPDK sender threads than TX queues");
    }
    return std::unique_ptr<PacketSender>(new QueueSender(shared, queue));
  };
  setup.make_capture =
      [shared](const std::string&) -> absl::StatusOr<std::unique_ptr<FrameSource>> {
    // No BPF on a DPDK port: the matcher classifies every frame (unrelated ones are
    // counted as unmatched).
    return std::unique_ptr<FrameSource>(new DpdkFrameSource(shared));
  };
  setup.add_stats = [shared](report::ScanStats* stats) { AddDpdkStats(*shared, stats); };
  return setup;
}

// Per family the run has: the given MAC, or the kernel's neighbour for the next hop
// towards its first target on options.interface (the interface the vdev or NIC serves).
absl::StatusOr<wire::NextHopMacs> NextHopMacsFor(const BackendOptions& options) {
  wire::NextHopMacs macs;
  const FamilyAddresses& first = options.first_targets;
  if (first.v4) {
    macs.v4 = options.gateway_macs.v4;
    if (!macs.v4) {
      ASSIGN_OR_RETURN(macs.v4, MacTowards(*first.v4, options.interface));
    }
  }
  if (first.v6) {
    macs.v6 = options.gateway_macs.v6;
    if (!macs.v6) {
      ASSIGN_OR_RETURN(macs.v6, MacTowards(*first.v6, options.interface));
    }
  }
  if (first.empty()) macs = options.gateway_macs;  // no targets: whatever was given
  return macs;
}

}  // namespace

absl::StatusOr<TxSetup> OpenDpdkBackend(const BackendOptions& options) {
  if (options.dpdk_eal_args.empty()) {
    return absl::InvalidArgumentError(
        "--tx dpdk needs --dpdk-args \"EAL ARGS\" (e.g. \"--no-huge --no-pci -m 512 "
        "--vdev net_af_packet0,iface=eth0\")");
  }
  DpdkOptions port_options;
  port_options.eal_args = options.dpdk_eal_args;
  port_options.device = options.dpdk_device;
  port_options.tx_queues = static_cast<uint16_t>(std::max(1, options.sender_threads));
  ASSIGN_OR_RETURN(port_options.destination_macs, NextHopMacsFor(options));
  auto shared = std::make_shared<SharedPort>();
  ASSIGN_OR_RETURN(shared->port, DpdkPort::Create(port_options));
  if (shared->port->max_packet_len() < probe::kMaxProbeLen) {
    return absl::FailedPreconditionError(
        absl::StrCat("DPDK port ", shared->port->device_name(), " carries packets of at most ",
                     shared->port->max_packet_len(), " bytes; probes need ", probe::kMaxProbeLen));
  }
  shared->live.assign(shared->port->tx_queues(), nullptr);
  shared->retired.assign(shared->port->tx_queues(), {});
  return SharedPortSetup(std::move(shared));
}

}  // namespace cutpoint::capture
