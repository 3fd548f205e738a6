// SPDX-License-Identifier: Apache-2.0
// Puts a --pcap-out writer into the second-signal exit flush (signals.h): its buffered
// whole records are written before the process exits, and the exit never cuts a record
// being written. Declare it before the writer: it must outlive it.
#ifndef CUTPOINT_SESSION_PCAP_EXIT_FLUSH_H_
#define CUTPOINT_SESSION_PCAP_EXIT_FLUSH_H_

#include "capture/pcap/pcap_writer.h"
#include "session/signals.h"

namespace cutpoint::session {

class PcapExitFlush final : public capture::PcapWriter::WriteGuard {
 public:
  PcapExitFlush() = default;
  PcapExitFlush(const PcapExitFlush&) = delete;
  PcapExitFlush& operator=(const PcapExitFlush&) = delete;
  ~PcapExitFlush() override { exit_flush::Detach(slot_); }

  void Attach(int fd) override {
    if (slot_ < 0) slot_ = exit_flush::Attach(fd);
  }
  void Lock() override {
    if (slot_ >= 0) exit_flush::Lock();
  }
  void Unlock() override {
    if (slot_ >= 0) exit_flush::Unlock();
  }
  void Publish(const uint8_t* data, size_t len, int64_t file_end) override {
    exit_flush::Publish(slot_, reinterpret_cast<const char*>(data), len, file_end);
  }

 private:
  int slot_ = -1;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PCAP_EXIT_FLUSH_H_
