// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_backend.h"

#include <rte_lcore.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/dpdk/dpdk_eal.h"
#include "capture/dpdk/dpdk_layout.h"
#include "capture/dpdk/dpdk_placement.h"
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#include "capture/send/neighbor_lookup.h"
#include "engine/base/status_macros.h"
#include "engine/probe/probe_builder.h"
#include "engine/wire/arp.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::capture {
namespace {

int64_t MonotonicNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// --gateway-ip: ARP requests sent, and how long each waits for the reply.
constexpr int kArpTries = 3;
constexpr int64_t kArpWaitPerTryNs = 1'000'000'000;
// ARP frames go out padded to the Ethernet minimum (without FCS): some drivers and
// software ports send exactly the bytes they are given.
constexpr size_t kMinFrameLen = 60;
using ArpFrame = std::array<uint8_t, kMinFrameLen>;

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
  // The run's IPv4 source when the RX path answers ARP for it (no kernel interface
  // behind the port). Its replies go out on TX queue 0, which its sender thread then
  // shares with the capture thread: both take `queue0_busy` around their sends.
  std::optional<uint32_t> answer_arp_for;
  std::atomic_flag queue0_busy;
  std::shared_ptr<DpdkPlacement> placement;  // where the session's threads run
};

// Holds TX queue 0 for one send when the RX path may send on it too; otherwise nothing.
class Queue0Hold {
 public:
  Queue0Hold(SharedPort& shared, uint16_t queue)
      : busy_(queue == 0 && shared.answer_arp_for ? &shared.queue0_busy : nullptr) {
    if (busy_ == nullptr) return;
    while (busy_->test_and_set(std::memory_order_acquire)) {
    }
  }
  ~Queue0Hold() {
    if (busy_ != nullptr) busy_->clear(std::memory_order_release);
  }
  Queue0Hold(const Queue0Hold&) = delete;
  Queue0Hold& operator=(const Queue0Hold&) = delete;

 private:
  std::atomic_flag* busy_;
};

class QueueSender final : public PacketSender, public ProbeBurstSender {
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
    Queue0Hold hold(*shared_, sender_.queue());
    return sender_.SendBurst(packets);
  }
  // The session builds probes straight into mbufs through this; through the wrapper only
  // when the queue is shared with the RX path's ARP replies.
  ProbeBurstSender* AsProbeBurstSender() override {
    if (sender_.queue() == 0 && shared_->answer_arp_for) return this;
    return &sender_;
  }
  bool UserSpaceBound() const override { return sender_.UserSpaceBound(); }
  size_t SendProbes(const probe::ProbeBuilder& builder, std::span<const probe::ProbeSpec> specs,
                    int64_t send_us) override {
    Queue0Hold hold(*shared_, sender_.queue());
    return sender_.SendProbes(builder, specs, send_us);
  }

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
        if (AnsweredArp(got)) continue;
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

  // An ARP request for the run's IPv4 source is answered from the port's MAC (so the next
  // hop can reach the prober) and not handed to the matcher.
  bool AnsweredArp(const DpdkFrame& frame) {
    if (!shared_->answer_arp_for) return false;
    wire::ArpMessage request;
    if (wire::ParseArpFrame({frame.data, frame.len}, &request) != wire::ArpParseResult::kArp ||
        !wire::AsksFor(request, *shared_->answer_arp_for)) {
      return false;
    }
    ArpFrame reply{};
    wire::BuildArpReply(own_mac_, *shared_->answer_arp_for, request, reply);
    Queue0Hold hold(*shared_, 0);
    shared_->port->TransmitFrame(reply, 0);
    return true;
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
  if (shared.placement) {
    dpdk.main_lcore = shared.placement->layout().main;
    dpdk.threads = shared.placement->Threads();
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
  setup.placement = shared->placement;
  return setup;
}

// Per family the run has: the given MAC; IPv4 with --gateway-ip: left for the port's own
// ARP (ResolveByArp); else the kernel's neighbour for the next hop towards the family's
// first target on options.interface (the interface the vdev or NIC serves). Without an
// interface there is no kernel table to ask.
absl::StatusOr<wire::NextHopMacs> NextHopMacsFor(const BackendOptions& options) {
  wire::NextHopMacs macs;
  const FamilyAddresses& first = options.first_targets;
  if (first.v4) {
    macs.v4 = options.gateway_macs.v4;
    if (!macs.v4 && !options.gateway_ip) {
      if (options.interface.empty()) {
        return absl::InvalidArgumentError(
            "--tx dpdk without --interface: pass --gateway-mac MAC or --gateway-ip ADDR for "
            "the IPv4 next hop (no kernel neighbour table serves a DPDK port)");
      }
      ASSIGN_OR_RETURN(macs.v4, MacTowards(*first.v4, options.interface));
    }
  }
  if (first.v6) {
    macs.v6 = options.gateway_macs.v6;
    if (!macs.v6) {
      if (options.interface.empty()) {
        return absl::InvalidArgumentError(
            "--tx dpdk without --interface: pass --gateway-mac6 (or --gateway-mac) MAC for the "
            "IPv6 next hop (the DPDK port does no neighbour discovery)");
      }
      ASSIGN_OR_RETURN(macs.v6, MacTowards(*first.v6, options.interface));
    }
  }
  if (first.empty()) macs = options.gateway_macs;  // no targets: whatever was given
  return macs;
}

// --gateway-ip: up to kArpTries ARP requests from `source` (the port's MAC), each waited
// for kArpWaitPerTryNs on RX queue 0; the MAC of the first reply from `gateway`. Requests
// for `source` seen meanwhile are answered. Runs before any sender exists, so queue 0 is
// ours. DeadlineExceeded when no reply comes: nothing but ARP has been sent.
absl::StatusOr<wire::MacAddress> ResolveByArp(DpdkPort& port, uint32_t source, uint32_t gateway,
                                              const std::string& gateway_text) {
  ArpFrame request{};
  wire::BuildArpRequest(port.source_mac(), source, gateway, request);
  std::vector<DpdkFrame> frames(port.burst_size());
  for (int attempt = 0; attempt < kArpTries; ++attempt) {
    port.TransmitFrame(request, 0);  // a request the driver refused is simply not answered
    const int64_t deadline_ns = MonotonicNanos() + kArpWaitPerTryNs;
    while (MonotonicNanos() < deadline_ns) {
      ASSIGN_OR_RETURN(int received, port.ReceiveBurst(std::span(frames)));
      for (int i = 0; i < received; ++i) {
        wire::ArpMessage message;
        if (wire::ParseArpFrame({frames[i].data, frames[i].len}, &message) !=
            wire::ArpParseResult::kArp) {
          continue;
        }
        if (message.operation == wire::ArpOperation::kReply && message.sender_ip == gateway) {
          return message.sender_mac;
        }
        if (wire::AsksFor(message, source)) {
          ArpFrame reply{};
          wire::BuildArpReply(port.source_mac(), source, message, reply);
          port.TransmitFrame(reply, 0);
        }
      }
      if (received == 0) {
        timespec pause{0, 1'000'000};
        nanosleep(&pause, nullptr);
      }
    }
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "--gateway-ip ", gateway_text, ": no ARP reply on DPDK port ", port.device_name(), " to ",
      kArpTries, " requests over ", kArpTries * kArpWaitPerTryNs / 1'000'000'000,
      " s; nothing was sent. Is the next hop on the port's link and -S in its subnet? Or "
      "pass --gateway-mac"));
}

// The EAL's lcores as the layout rules see them.
EalLcores RunningLcores() {
  EalLcores lcores;
  lcores.main = rte_get_main_lcore();
  unsigned lcore;
  RTE_LCORE_FOREACH_WORKER(lcore) { lcores.workers.push_back(lcore); }
  return lcores;
}

// The IPv4 next hop by ARP on the port itself, into the port's framing.
absl::Status ResolveGatewayIp(const BackendOptions& options, wire::NextHopMacs macs,
                              DpdkPort& port) {
  const wire::IpAddress& gateway = *options.gateway_ip;
  std::string text = wire::IpAddressToString(gateway);
  if (!gateway.is_v4()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--gateway-ip ", text,
                     " is not IPv4: the DPDK port resolves only IPv4 next hops by "
                     "ARP; pass --gateway-mac6 for IPv6"));
  }
  if (!options.sources.v4) {
    return absl::InvalidArgumentError(
        absl::StrCat("--gateway-ip ", text, " needs an IPv4 --source-ip to ask from"));
  }
  ASSIGN_OR_RETURN(macs.v4, ResolveByArp(port, options.sources.v4->v4(), gateway.v4(), text));
  port.SetDestinationMacs(macs);
  return absl::OkStatus();
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
  // Refusals that need no EAL come first: a run stopping here leaves no EAL behind with
  // its vdevs probed (under LSan, exiting so aborted in net_pcap's teardown).
  ASSIGN_OR_RETURN(port_options.destination_macs, NextHopMacsFor(options));
  // The thread layout is checked before the port opens: nothing is sent with a bad one.
  RETURN_IF_ERROR(InitEal(options.dpdk_eal_args));
  ASSIGN_OR_RETURN(DpdkThreadLayout layout, PlanDpdkThreads(RunningLcores(), options.sender_threads,
                                                            static_cast<int>(UsableCpus().size())));
  auto shared = std::make_shared<SharedPort>();
  shared->placement = std::make_shared<DpdkPlacement>(std::move(layout));
  ASSIGN_OR_RETURN(shared->port, DpdkPort::Create(port_options));
  if (shared->port->max_packet_len() < probe::kMaxProbeLen) {
    return absl::FailedPreconditionError(
        absl::StrCat("DPDK port ", shared->port->device_name(), " carries packets of at most ",
                     shared->port->max_packet_len(), " bytes; probes need ", probe::kMaxProbeLen));
  }
  if (options.gateway_ip && options.first_targets.v4) {
    RETURN_IF_ERROR(ResolveGatewayIp(options, port_options.destination_macs, *shared->port));
  }
  // No kernel interface behind the port: nobody else answers ARP for the run's source.
  if (options.interface.empty() && options.sources.v4) {
    shared->answer_arp_for = options.sources.v4->v4();
  }
  shared->live.assign(shared->port->tx_queues(), nullptr);
  shared->retired.assign(shared->port->tx_queues(), {});
  return SharedPortSetup(std::move(shared));
}

}  // namespace cutpoint::capture
