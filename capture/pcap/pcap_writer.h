// SPDX-License-Identifier: Apache-2.0
// Writes frames to a pcap file (microsecond timestamps) that Wireshark, tcpdump and
// `cutpoint match` read. Buffered; the file only ever holds whole records: a failed
// write (ENOSPC, EIO, ...) cuts it back to the last whole record, and the error is kept
// (status()) — later writes are dropped and Flush()/Close() return it.
#ifndef CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_
#define CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/wire/frame.h"

namespace cutpoint::capture {

class PcapWriter {
 public:
  // Creates (or empties) `path`.
  static absl::StatusOr<std::unique_ptr<PcapWriter>> Create(const std::string& path,
                                                             wire::LinkType link,
                                                             int snaplen = 65535);
  // Opens `path` without changing it: nothing is written (and an existing file keeps
  // its content) until Start(); closed without Start(), a file it created is removed.
  // For outputs opened before a run is known to start.
  static absl::StatusOr<std::unique_ptr<PcapWriter>> CreateDeferred(const std::string& path,
                                                                     wire::LinkType link,
                                                                     int snaplen = 65535);
  absl::Status Start();
  // Writes to `fd` (taken over, closed by the writer) from its current offset, which must
  // be the end of the file; `name` is for messages.
  static std::unique_ptr<PcapWriter> FromFd(int fd, std::string name, wire::LinkType link,
                                            int snaplen = 65535);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Optional, for an abrupt exit that still leaves whole records: `guard` gets the
  // descriptor (Attach), is locked around every write(2) of the buffer and every move of
  // it, and is told after each change which complete records are pending, so a signal
  // handler can write them out and never cuts one (tools/cutpoint/signals.h). Calls come
  // from whichever thread calls Write/Flush (the caller serializes those). It must
  // outlive the writer.
  class WriteGuard {
   public:
    virtual ~WriteGuard() = default;
    virtual void Attach(int fd) = 0;
    virtual void Lock() = 0;
    virtual void Unlock() = 0;
    // `file_end`: the end of the last whole record on file (-1: not seekable).
    virtual void Publish(const uint8_t* data, size_t len, int64_t file_end) = 0;
  };
  void SetWriteGuard(WriteGuard* guard);

  void Write(int64_t time_us, const uint8_t* data, size_t len);
  bool ok() const { return error_.ok(); }
  const absl::Status& status() const { return error_; }
  absl::Status Flush();
  absl::Status Close();

 private:
  PcapWriter(int fd, std::string name, wire::LinkType link, int snaplen);
  absl::Status WriteOut(const uint8_t* data, size_t len);
  void PublishPending();

  int fd_;
  std::string name_;
  bool started_ = true;
  bool created_ = false;  // by CreateDeferred: removed if never started
  int64_t file_end_;  // offset after the last whole record on file; -1: not seekable
  std::vector<uint8_t> buffer_;  // whole records (the file header first) not yet written
  size_t header_bytes_ = 0;      // the file header's size while it is still in buffer_
  absl::Status error_;
  WriteGuard* guard_ = nullptr;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_
