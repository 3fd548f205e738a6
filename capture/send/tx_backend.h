// SPDX-License-Identifier: Apache-2.0
// The send backends a run can choose (--tx). OpenBackend (capture/backend.h) opens each
// one; CreateSender (sender_factory.h) the three the kernel serves. The enum lives with
// the send side, below capture/backend.h, so that tools linking only cutpoint_send (the
// lab's tx_probe_tool) parse the same names.
#ifndef CUTPOINT_CAPTURE_SEND_TX_BACKEND_H_
#define CUTPOINT_CAPTURE_SEND_TX_BACKEND_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cutpoint::capture {

enum class TxBackend : uint8_t { kRawSocket, kAfPacket, kAfXdp, kDpdk };

// "raw", "afpacket", "afxdp" or "dpdk"; the error of TxBackendBuilt for a backend this
// build lacks, InvalidArgument for any other name.
absl::StatusOr<TxBackend> ParseTxBackend(absl::string_view name);
absl::string_view TxBackendName(TxBackend backend);

// FailedPrecondition naming the missing library when this build has no afxdp (libxdp) or
// no dpdk (libdpdk).
absl::Status TxBackendBuilt(TxBackend backend);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_TX_BACKEND_H_
