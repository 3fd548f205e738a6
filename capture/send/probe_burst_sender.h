// SPDX-License-Identifier: Apache-2.0
// Optional capability of a PacketSender (PacketSender::AsProbeBurstSender): builds probes
// from their specs straight into the backend's own buffers, skipping the build-into-a-batch
// then copy of SendBurst. The bytes are exactly ProbeBuilder::Build's, as SendBurst would
// send them for the same builder, specs and send time.
#ifndef CUTPOINT_CAPTURE_SEND_PROBE_BURST_SENDER_H_
#define CUTPOINT_CAPTURE_SEND_PROBE_BURST_SENDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/probe/probe_builder.h"
#include "engine/probe/probe_codec.h"

namespace cutpoint::capture {

class ProbeBurstSender {
 public:
  virtual ~ProbeBurstSender() = default;
  // Builds specs[i] as sent at `send_us` and sends them. Returns how many were sent, from
  // the front; the rest were not attempted (backend full) and the caller retries them.
  virtual size_t SendProbes(const probe::ProbeBuilder& builder,
                            std::span<const probe::ProbeSpec> specs, int64_t send_us) = 0;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_PROBE_BURST_SENDER_H_
