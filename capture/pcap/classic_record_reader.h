// SPDX-License-Identifier: Apache-2.0
// Fast path for reading the records of a classic (non-pcapng) pcap file: large pread()s
// into one buffer and records handed out in place, instead of libpcap's two small
// fread()s and a copy per packet (which cost as much as all of our matching).
//
// It only ever handles the plain case — a whole 16-byte record header followed by all
// its captured bytes, caplen within the snapshot length and not above the wire length.
// A file that ends inside such a record is cut short: Next() returns kTruncated with the
// offset of that record (what is before it was read, as tcpdump does). Anything else
// (odd lengths, a record larger than the buffer, a read error) is left to libpcap:
// Next() returns kHandOver with the file offset of that record, the caller seeks
// libpcap's stream there and libpcap reads (and judges) the rest of the file, so errors
// and edge cases stay exactly libpcap's. The file header was already read and checked by
// libpcap. pread() (not mmap) so that a file truncated under us is a short read, not SIGBUS.
#ifndef CUTPOINT_CAPTURE_PCAP_CLASSIC_RECORD_READER_H_
#define CUTPOINT_CAPTURE_PCAP_CLASSIC_RECORD_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "capture/pcap/pcap_format.h"

namespace cutpoint::capture {

struct ClassicRecord {
  const uint8_t* data = nullptr;  // valid until the next call to Next()
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  int64_t seconds = 0;
  int64_t micros = 0;  // sub-second part, in microseconds
};

class ClassicRecordReader {
 public:
  // For a classic pcap of `file_size` bytes whose 24-byte header is `header` (as read
  // from the file), read through `fd` (not owned) from offset 24. nullopt when the format
  // is not one this reader handles (pcapng, modified pcap, other versions): then libpcap
  // does it all. The buffer is at most 4 MiB, less for smaller files.
  static std::optional<ClassicRecordReader> ForFile(int fd, const uint8_t* header,
                                                    uint32_t snapshot, uint64_t file_size);

  enum class Result : uint8_t { kRecord, kEnd, kHandOver, kTruncated };
  Result Next(ClassicRecord* record);

  // The file offset of the next record: where libpcap must continue after kHandOver,
  // where the record cut short by the end of the file starts after kTruncated.
  uint64_t hand_over_offset() const { return file_offset_ + consumed_; }

 private:
  ClassicRecordReader(int fd, bool swapped, bool nanos, uint32_t snapshot, size_t buffer_len);
  // Makes at least `want` bytes available after consumed_ (false at end of file).
  bool Fill(size_t want);
  // Fill, and at the end of the file one more read before calling the record cut short.
  bool FillOrLookAgain(size_t want);

  int fd_;
  bool swapped_;
  bool nanos_;
  uint32_t snapshot_;
  std::unique_ptr<uint8_t[]> buffer_;
  size_t buffer_len_;
  size_t filled_ = 0;                          // valid bytes in buffer_
  size_t consumed_ = 0;                        // bytes of buffer_ already handed out
  uint64_t file_offset_ = kPcapFileHeaderLen;  // file offset of buffer_[0]
  bool at_eof_ = false;
  bool read_failed_ = false;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_PCAP_CLASSIC_RECORD_READER_H_
