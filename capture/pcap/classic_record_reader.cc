// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap/classic_record_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "capture/pcap/pcap_format.h"

namespace cutpoint::capture {
namespace {

constexpr size_t kMaxBufferLen = 4 << 20;
constexpr size_t kMinBufferLen = 4096;
// libpcap's largest snapshot for any link type; bigger records go to libpcap to refuse.
constexpr uint32_t kMaxCaplen = 262144;

uint32_t Load32(const uint8_t* p, bool swapped) {
  uint32_t value;
  std::memcpy(&value, p, sizeof(value));
  return swapped ? __builtin_bswap32(value) : value;
}

uint16_t Load16(const uint8_t* p, bool swapped) {
  uint16_t value;
  std::memcpy(&value, p, sizeof(value));
  return swapped ? __builtin_bswap16(value) : value;
}

}  // namespace

std::optional<ClassicRecordReader> ClassicRecordReader::ForFile(int fd, const uint8_t* header,
                                                                uint32_t snapshot,
                                                                uint64_t file_size) {
  uint32_t magic = Load32(header, false);
  bool swapped = false;
  bool nanos = false;
  if (magic == kPcapMagicMicros) {
  } else if (magic == kPcapMagicNanos) {
    nanos = true;
  } else if (magic == __builtin_bswap32(kPcapMagicMicros)) {
    swapped = true;
  } else if (magic == __builtin_bswap32(kPcapMagicNanos)) {
    swapped = true;
    nanos = true;
  } else {
    return std::nullopt;
  }
  // Version 2.4 only (what every writer since 1998 produces); libpcap reads the rest.
  if (Load16(header + 4, swapped) != kPcapVersionMajor ||
      Load16(header + 6, swapped) != kPcapVersionMinor) {
    return std::nullopt;
  }
  if (snapshot == 0 || snapshot > kMaxCaplen) snapshot = kMaxCaplen;
  // Small files (and fuzz inputs) get a small buffer; a file that grows while we read it
  // still works, through more refills or libpcap.
  size_t buffer_len =
      static_cast<size_t>(std::clamp<uint64_t>(file_size, kMinBufferLen, kMaxBufferLen));
  return ClassicRecordReader(fd, swapped, nanos, snapshot, buffer_len);
}

ClassicRecordReader::ClassicRecordReader(int fd, bool swapped, bool nanos, uint32_t snapshot,
                                         size_t buffer_len)
    : fd_(fd),
      swapped_(swapped),
      nanos_(nanos),
      snapshot_(snapshot),
      buffer_(new uint8_t[buffer_len]),
      buffer_len_(buffer_len) {}

bool ClassicRecordReader::Fill(size_t want) {
  if (filled_ - consumed_ >= want) return true;
  if (consumed_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + consumed_, filled_ - consumed_);
    file_offset_ += consumed_;
    filled_ -= consumed_;
    consumed_ = 0;
  }
  while (filled_ < want && !at_eof_) {
    if (filled_ == buffer_len_) break;  // a record larger than the buffer: libpcap's
    ssize_t got = pread(fd_, buffer_.get() + filled_, buffer_len_ - filled_,
                        static_cast<off_t>(file_offset_ + filled_));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      at_eof_ = true;
      read_failed_ = got < 0;  // libpcap will meet the error again and report it
      break;
    }
    filled_ += static_cast<size_t>(got);
  }
  return filled_ >= want;
}

bool ClassicRecordReader::FillOrLookAgain(size_t want) {
  if (Fill(want)) return true;
  if (!at_eof_ || read_failed_) return false;
  at_eof_ = false;  // a file still being written may have grown since
  return Fill(want);
}

ClassicRecordReader::Result ClassicRecordReader::Next(ClassicRecord* record) {
  // The end of the file inside a record (not a read error, not a full buffer): a cut.
  auto short_of = [&] { return at_eof_ && !read_failed_ ? Result::kTruncated : Result::kHandOver; };
  if (!FillOrLookAgain(kPcapRecordHeaderLen)) {
    if (filled_ == consumed_ && !read_failed_) return Result::kEnd;
    return short_of();
  }
  const uint8_t* header = buffer_.get() + consumed_;
  uint32_t caplen = Load32(header + kPcapRecordCaplenOffset, swapped_);
  uint32_t wire_len = Load32(header + 12, swapped_);
  if (caplen > snapshot_ || caplen > wire_len) return Result::kHandOver;
  if (!FillOrLookAgain(kPcapRecordHeaderLen + caplen)) return short_of();
  header = buffer_.get() + consumed_;  // Fill may have moved the bytes
  uint32_t fraction = Load32(header + 4, swapped_);
  record->seconds = Load32(header, swapped_);
  record->micros = nanos_ ? fraction / 1000 : fraction;
  record->caplen = caplen;
  record->wire_len = wire_len;
  record->data = header + kPcapRecordHeaderLen;
  consumed_ += kPcapRecordHeaderLen + caplen;
  return Result::kRecord;
}

}  // namespace cutpoint::capture
