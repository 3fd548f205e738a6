// SPDX-License-Identifier: Apache-2.0
// The one receive interface: frames from libpcap (live or a file) or from a kernel-bypass
// port (DPDK), handed out one at a time as borrowed views.
#ifndef CUTPOINT_CAPTURE_FRAME_SOURCE_H_
#define CUTPOINT_CAPTURE_FRAME_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "engine/wire/frame.h"

namespace cutpoint::capture {

struct CapturedFrame {
  const uint8_t* data = nullptr;
  size_t len = 0;           // bytes captured
  size_t wire_len = 0;      // bytes on the wire
  int64_t time_us = 0;      // capture timestamp, wall clock
};

enum class NextResult : uint8_t { kFrame, kTimeout, kEnd };

struct CaptureCounters {
  uint64_t received = 0;    // pcap_stats ps_recv
  uint64_t dropped = 0;     // ps_drop: no room in the capture buffer
  uint64_t if_dropped = 0;  // ps_ifdrop: dropped by the interface/driver
};

// A capture file that ends inside a record (a copy cut short, a capture killed mid-write):
// read up to the cut, as tcpdump does, and say so.
struct CaptureTruncation {
  std::optional<uint64_t> offset;  // where the record cut short starts; none for a pipe
  uint64_t frames_before = 0;      // whole frames read before it
};

// Where received frames come from: libpcap (live or a file), or a kernel-bypass port.
// Frames are borrowed: valid only until the next call to Next().
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual wire::LinkType link_type() const = 0;
  virtual absl::StatusOr<NextResult> Next(CapturedFrame* frame, bool wait = true) = 0;
  virtual CaptureCounters Counters() const = 0;
  // Set once Next() returned kEnd at a cut (files only).
  virtual std::optional<CaptureTruncation> truncation() const { return std::nullopt; }
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_FRAME_SOURCE_H_
