// SPDX-License-Identifier: Apache-2.0
// Frames from libpcap, live or from a capture file, handed out one at a time as
// borrowed views: a frame stays valid only until the next call to Next().
#ifndef CUTPOINT_CAPTURE_PCAP_PCAP_SOURCE_H_
#define CUTPOINT_CAPTURE_PCAP_PCAP_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "capture/frame_source.h"
#include "capture/pcap/classic_record_reader.h"
#include "engine/wire/frame.h"

struct pcap;

namespace cutpoint::capture {

struct LiveCaptureOptions {
  std::string interface;
  std::string filter;        // BPF expression
  int snaplen = 512;         // ICMP errors with long quotes and extensions fit
  int buffer_bytes = 64 << 20;
  int timeout_ms = 50;       // upper bound on how long Next() blocks
  bool inbound_only = true;
};

class PcapSource final : public FrameSource {
 public:
  static absl::StatusOr<std::unique_ptr<PcapSource>> OpenLive(const LiveCaptureOptions& options);
  // Reads pcap and pcapng files; timestamps are converted to microseconds.
  static absl::StatusOr<std::unique_ptr<PcapSource>> OpenOffline(const std::string& path);
  ~PcapSource() override;
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  wire::LinkType link_type() const override { return link_type_; }

  // Blocks up to the timeout for the next frame (`wait` false: returns kTimeout at once
  // when none is buffered). A file that ends inside a record ends there (kEnd, and
  // truncation() says where); other errors (a corrupt file) name the problem.
  absl::StatusOr<NextResult> Next(CapturedFrame* frame, bool wait = true) override;
  std::optional<CaptureTruncation> truncation() const override { return truncation_; }

  // Live captures only; offline returns zeros.
  CaptureCounters Counters() const override;

  // True while records come from our classic-pcap reader rather than libpcap (tests).
  bool reading_records_directly() const { return records_.has_value(); }

 private:
  PcapSource(pcap* handle, wire::LinkType link_type, bool live)
      : handle_(handle), link_type_(link_type), live_(live) {}

  absl::StatusOr<NextResult> Frame(int64_t seconds, int64_t micros, size_t caplen,
                                    size_t wire_len, const uint8_t* data, CapturedFrame* frame);

  pcap* handle_;
  // Offline classic pcap files: records read by us until anything unusual, then libpcap.
  std::optional<ClassicRecordReader> records_;
  wire::LinkType link_type_;
  bool live_;
  uint64_t frames_read_ = 0;
  std::optional<CaptureTruncation> truncation_;
  int selectable_fd_ = -1;
  int timeout_ms_ = 50;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_PCAP_PCAP_SOURCE_H_
