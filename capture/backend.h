// What a probing run sends and captures with: factories for the send side (one sender per
// sending thread) and the receive side, chosen by --tx. The session sees only these.
#ifndef CUTPOINT_CAPTURE_BACKEND_H_
#define CUTPOINT_CAPTURE_BACKEND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/frame_source.h"
#include "capture/send/packet_sender.h"
#include "capture/send/tx_backend.h"
#include "engine/report/records.h"
#include "engine/wire/ethernet.h"

namespace cutpoint::capture {

using SenderFactory = std::function<absl::StatusOr<std::unique_ptr<PacketSender>>()>;
// Opens the receive side given the BPF filter that passes only our replies.
using CaptureFactory =
    std::function<absl::StatusOr<std::unique_ptr<FrameSource>>(const std::string& filter)>;
// Adds the send backend's own counters to the run's stats (--tx dpdk: the port's).
using BackendStatsHook = std::function<void(report::ScanStats* stats)>;

struct TxSetup {
  SenderFactory make_sender;
  CaptureFactory make_capture;  // empty: libpcap on the interface
  BackendStatsHook add_stats;   // empty: the backend has no counters of its own
};

struct BackendOptions {
  TxBackend tx = TxBackend::kRawSocket;
  std::optional<wire::MacAddress> gateway_mac;  // default: the neighbour table
  // dpdk: the EAL's arguments, e.g. "--no-huge --no-pci -m 512 --vdev net_af_packet0,iface=eth0",
  // and the port by device name (empty: port 0).
  std::string dpdk_eal_args;
  std::string dpdk_device;
  std::string interface;
  uint32_t first_target = 0;
  int sender_threads = 1;
};

// The send and receive backends: factories that open one sender per sender thread on
// `interface`, framing for the next hop towards `first_target`, and (dpdk) the receive
// side on the same port. The kernel backends open their senders when asked; dpdk opens
// its port here. FailedPrecondition for a backend this build does not have.
absl::StatusOr<TxSetup> OpenBackend(const BackendOptions& options);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_BACKEND_H_
