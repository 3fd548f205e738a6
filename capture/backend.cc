// SPDX-License-Identifier: Apache-2.0
#include "capture/backend.h"

#include <atomic>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/send/sender_factory.h"
#ifdef CUTPOINT_HAVE_DPDK
#include "capture/dpdk/dpdk_backend.h"
#endif
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

// raw, afpacket, afxdp: senders are made one per sending thread (AF_XDP gives each its
// own TX queue); libpcap on the interface receives.
TxSetup OpenKernelBackend(const BackendOptions& options) {
  auto next_index = std::make_shared<std::atomic<uint32_t>>(0);
  TxSetup setup;
  setup.make_sender = [backend = options.tx, interface = options.interface,
                       first_targets = options.first_targets, macs = options.gateway_macs,
                       sources = options.sources, xdp = options.xdp, next_index]() {
    return CreateSender(backend, interface, first_targets, macs, next_index->fetch_add(1), sources,
                        xdp);
  };
  return setup;
}

}  // namespace

absl::StatusOr<TxSetup> OpenBackend(const BackendOptions& options) {
  RETURN_IF_ERROR(TxBackendBuilt(options.tx));
  switch (options.tx) {
    case TxBackend::kRawSocket:
    case TxBackend::kAfPacket:
    case TxBackend::kAfXdp:
      return OpenKernelBackend(options);
    case TxBackend::kDpdk:
#ifdef CUTPOINT_HAVE_DPDK
      return OpenDpdkBackend(options);
#else
      break;  // TxBackendBuilt refused it
#endif
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown TX backend ", static_cast<int>(options.tx)));
}

}  // namespace cutpoint::capture
