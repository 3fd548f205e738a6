// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap/pcap_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "capture/file/whole_write.h"
#include "capture/pcap/pcap_format.h"

namespace cutpoint::capture {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;

uint32_t LinkTypeNumber(wire::LinkType link) {
  // Bare IPv4 is written as LINKTYPE_RAW (101), which every reader knows.
  return link == wire::LinkType::kIpv4 ? static_cast<uint32_t>(wire::LinkType::kRaw)
                                       : static_cast<uint32_t>(link);
}

void Put32(std::vector<uint8_t>& out, uint32_t value) {  // host order, as libpcap writes
  uint8_t bytes[4];
  std::memcpy(bytes, &value, 4);
  out.insert(out.end(), bytes, bytes + 4);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PcapWriter>> PcapWriter::Create(const std::string& path,
                                                               wire::LinkType link, int snaplen) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write pcap '", path, "': ", strerror(errno)));
  }
  return FromFd(fd, path, link, snaplen);
}

absl::StatusOr<std::unique_ptr<PcapWriter>> PcapWriter::CreateDeferred(const std::string& path,
                                                                       wire::LinkType link,
                                                                       int snaplen) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  bool created = fd >= 0;
  if (fd < 0 && errno == EEXIST) fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write pcap '", path, "': ", strerror(errno)));
  }
  std::unique_ptr<PcapWriter> writer = FromFd(fd, path, link, snaplen);
  writer->started_ = false;
  writer->created_ = created;
  return writer;
}

absl::Status PcapWriter::Start() {
  if (started_ || fd_ < 0) return error_;
  started_ = true;
  if (ftruncate(fd_, 0) != 0 || lseek(fd_, 0, SEEK_SET) != 0) {
    error_ = absl::UnavailableError(absl::StrCat("writing pcap '", name_, "': ", strerror(errno)));
  }
  file_end_ = 0;
  PublishPending();
  return error_;
}

std::unique_ptr<PcapWriter> PcapWriter::FromFd(int fd, std::string name, wire::LinkType link,
                                               int snaplen) {
  return std::unique_ptr<PcapWriter>(new PcapWriter(fd, std::move(name), link, snaplen));
}

PcapWriter::PcapWriter(int fd, std::string name, wire::LinkType link, int snaplen)
    : fd_(fd), name_(std::move(name)), file_end_(lseek(fd, 0, SEEK_CUR)) {
  buffer_.reserve(kFlushBytes + 2 * kPcapRecordHeaderLen + 65536);
  Put32(buffer_, kPcapMagicMicros);
  // Major, then minor, as two 16-bit fields in host order (on the little-endian hosts we
  // build for).
  Put32(buffer_, kPcapVersionMajor | (uint32_t{kPcapVersionMinor} << 16));
  Put32(buffer_, 0);  // thiszone
  Put32(buffer_, 0);  // sigfigs
  Put32(buffer_, static_cast<uint32_t>(snaplen));
  Put32(buffer_, LinkTypeNumber(link));
  header_bytes_ = kPcapFileHeaderLen;
}

PcapWriter::~PcapWriter() { (void)Close(); }

void PcapWriter::SetWriteGuard(WriteGuard* guard) {
  guard_ = guard;
  if (guard_ == nullptr) return;
  guard_->Attach(fd_);
  PublishPending();
}

void PcapWriter::PublishPending() {
  if (guard_ == nullptr) return;
  // Nothing before Start(): the file is not ours to write yet.
  bool live = started_ && error_.ok() && fd_ >= 0;
  guard_->Publish(buffer_.data(), live ? buffer_.size() : 0, file_end_);
}

void PcapWriter::Write(int64_t time_us, const uint8_t* data, size_t len) {
  if (!error_.ok() || fd_ < 0) return;
  size_t needed = buffer_.size() + kPcapRecordHeaderLen + len;
  if (needed > buffer_.capacity()) {  // rare: the buffer moves, under the guard
    if (guard_ != nullptr) guard_->Lock();
    buffer_.reserve(needed * 2);
    PublishPending();
    if (guard_ != nullptr) guard_->Unlock();
  }
  Put32(buffer_, static_cast<uint32_t>(time_us / 1000000));
  Put32(buffer_, static_cast<uint32_t>(time_us % 1000000));
  Put32(buffer_, static_cast<uint32_t>(len));
  Put32(buffer_, static_cast<uint32_t>(len));
  buffer_.insert(buffer_.end(), data, data + len);
  PublishPending();
  if (buffer_.size() >= kFlushBytes && started_) (void)Flush();
}

absl::Status PcapWriter::Flush() {
  if (!error_.ok() || buffer_.empty() || fd_ < 0 || !started_) return error_;
  if (guard_ != nullptr) guard_->Lock();
  error_ = WriteOut(buffer_.data(), buffer_.size());
  buffer_.clear();
  header_bytes_ = 0;
  PublishPending();
  if (guard_ != nullptr) guard_->Unlock();
  return error_;
}

absl::Status PcapWriter::Close() {
  if (!started_ && fd_ >= 0) {  // the run never started: leave the file as it was
    close(fd_);
    fd_ = -1;
    if (created_) unlink(name_.c_str());
    return error_;
  }
  absl::Status status = Flush();
  if (guard_ != nullptr) guard_->Publish(nullptr, 0, -1);  // the descriptor is going away
  if (fd_ >= 0 && close(fd_) != 0 && status.ok()) {
    status = absl::UnavailableError(absl::StrCat("writing pcap '", name_, "': ", strerror(errno)));
    error_ = status;
  }
  fd_ = -1;
  return status;
}

absl::Status PcapWriter::WriteOut(const uint8_t* data, size_t len) {
  // Keep the whole records that made it (the file header counts as one), cut the rest.
  auto whole_records = [&](size_t done) -> size_t {
    size_t at = header_bytes_;
    if (at > done) return 0;
    size_t keep = at;
    while (at + kPcapRecordHeaderLen <= len) {
      uint32_t caplen;
      std::memcpy(&caplen, data + at + kPcapRecordCaplenOffset, 4);
      size_t next = at + kPcapRecordHeaderLen + caplen;
      if (next > done) break;
      keep = at = next;
    }
    return keep;
  };
  std::optional<WholeWriteFailure> failed =
      WriteWholeRecords(fd_, data, len, &file_end_, whole_records);
  if (!failed) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("writing pcap '", name_, "': ", strerror(failed->error),
                   failed->cut ? " (the capture ends at its last whole record)" : ""));
}

}  // namespace cutpoint::capture
