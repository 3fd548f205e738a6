// --tx dpdk: one DPDK port shared by the send side (one TX queue per sender thread) and
// the receive side (RX queue 0 feeding the matcher). Built only with libdpdk.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/backend.h"

namespace cutpoint::capture {

struct DpdkBackendOptions {
  std::string eal_args;  // e.g. "--no-huge --no-pci -m 512 --vdev net_af_packet0,iface=eth0"
  std::string device;    // port by device name; empty: port 0
  int sender_threads = 1;
  std::optional<std::array<uint8_t, 6>> gateway_mac;  // default: the kernel's neighbour table
  std::string interface;  // for the neighbour lookup
  uint32_t first_target = 0;
};

absl::StatusOr<TxSetup> OpenDpdkBackend(const DpdkBackendOptions& options);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_
