// SPDX-License-Identifier: Apache-2.0
// --tx dpdk: one DPDK port shared by the send side (one TX queue per sender thread) and
// the receive side (RX queue 0 feeding the matcher). Built only with libdpdk.
#ifndef CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_
#define CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_

#include "absl/status/statusor.h"
#include "capture/backend.h"

namespace cutpoint::capture {

// Opens the port named by options.dpdk_device (empty: port 0) after initialising the EAL
// with options.dpdk_eal_args (required), with one TX queue per sender thread. Frames of
// each family the run has go to that family's options.gateway_macs entry, or else to the
// kernel's neighbour for the next hop towards that family's first target on
// options.interface. The port must carry probe::kMaxProbeLen bytes. options.tx is not read.
absl::StatusOr<TxSetup> OpenDpdkBackend(const BackendOptions& options);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_DPDK_DPDK_BACKEND_H_
