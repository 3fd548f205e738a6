// SPDX-License-Identifier: Apache-2.0
#include "capture/send/tx_backend.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

constexpr std::pair<absl::string_view, TxBackend> kNames[] = {
    {"raw", TxBackend::kRawSocket},
    {"afpacket", TxBackend::kAfPacket},
    {"afxdp", TxBackend::kAfXdp},
    {"dpdk", TxBackend::kDpdk},
};

}  // namespace

absl::StatusOr<TxBackend> ParseTxBackend(absl::string_view name) {
  for (const auto& [known, backend] : kNames) {
    if (name != known) continue;
    RETURN_IF_ERROR(TxBackendBuilt(backend));
    return backend;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown TX backend '", name, "' (expected raw, afpacket, afxdp or dpdk)"));
}

absl::string_view TxBackendName(TxBackend backend) {
  for (const auto& [name, known] : kNames) {
    if (backend == known) return name;
  }
  return "raw";
}

absl::Status TxBackendBuilt(TxBackend backend) {
#ifndef CUTPOINT_HAVE_AFXDP
  if (backend == TxBackend::kAfXdp) {
    return absl::FailedPreconditionError(
        "this build has no AF_XDP support (libxdp not found); use --tx afpacket");
  }
#endif
#ifndef CUTPOINT_HAVE_DPDK
  if (backend == TxBackend::kDpdk) {
    return absl::FailedPreconditionError("this build has no DPDK support (libdpdk not found)");
  }
#endif
  (void)backend;
  return absl::OkStatus();
}

}  // namespace cutpoint::capture
