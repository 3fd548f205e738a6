#include "capture/backend.h"

#include <atomic>
#include <memory>

#include "capture/send/sender_factory.h"
#ifdef CUTPOINT_HAVE_DPDK
#include "capture/dpdk/dpdk_backend.h"
#endif

namespace cutpoint::capture {

absl::StatusOr<TxSetup> OpenBackend(const BackendOptions& options) {
  if (options.tx == "dpdk") {
#ifdef CUTPOINT_HAVE_DPDK
    DpdkBackendOptions dpdk;
    dpdk.eal_args = options.dpdk_eal_args;
    dpdk.device = options.dpdk_device;
    dpdk.sender_threads = options.sender_threads;
    dpdk.gateway_mac = options.gateway_mac;
    dpdk.interface = options.interface;
    dpdk.first_target = options.first_target;
    return OpenDpdkBackend(dpdk);
#else
    return absl::FailedPreconditionError("this build has no DPDK support (libdpdk not found)");
#endif
  }
  absl::StatusOr<TxBackend> backend = ParseTxBackend(options.tx);
  if (!backend.ok()) return backend.status();
  TxSetup setup;
  // Senders are made one per sending thread; AF_XDP gives each its own TX queue.
  auto next_index = std::make_shared<std::atomic<uint32_t>>(0);
  setup.make_sender = [backend = *backend, interface = options.interface,
                       first_target = options.first_target, mac = options.gateway_mac,
                       next_index]() {
    return CreateSender(backend, interface, first_target, mac, next_index->fetch_add(1));
  };
  return setup;
}

}  // namespace cutpoint::capture
