// SPDX-License-Identifier: Apache-2.0
#include "session/output_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "capture/file/whole_write.h"
#include "engine/base/status_macros.h"
#include "session/signals.h"

namespace cutpoint::session {
namespace {
constexpr size_t kFlushBytes = 256 * 1024;
// Room past the flush mark, so a line of up to this size is formatted in place without
// growing the buffer.
constexpr size_t kSlackBytes = 16 * 1024;

int64_t NowNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutputSink>> OutputSink::Open(const std::string& path,
                                                             OutputFile::Mode mode) {
  if (path.empty() || path == "-") {
    return std::unique_ptr<OutputSink>(
        new OutputSink(std::nullopt, mode, STDOUT_FILENO, false, "<stdout>"));
  }
  ASSIGN_OR_RETURN(OutputFile file, OutputFile::Open(path));
  return std::unique_ptr<OutputSink>(new OutputSink(std::move(file), mode, -1, true, path));
}

std::unique_ptr<OutputSink> OutputSink::ForFd(int fd, std::string name) {
  return std::unique_ptr<OutputSink>(
      new OutputSink(std::nullopt, OutputFile::Mode::kReplace, fd, false, std::move(name)));
}

OutputSink::OutputSink(std::optional<OutputFile> file, OutputFile::Mode mode, int fd, bool owned,
                       std::string path)
    : file_(std::move(file)), mode_(mode), fd_(fd), owned_(owned), path_(std::move(path)) {
  Reserve(kFlushBytes + kSlackBytes);
}

OutputSink::~OutputSink() {
  (void)Flush();
  if (attached()) exit_flush::Detach(exit_slot_);
  if (owned_ && fd_ >= 0) close(fd_);
}

absl::Status OutputSink::Begin() {
  if (begun_) return absl::OkStatus();
  if (file_.has_value()) {
    absl::StatusOr<int> fd = file_->Commit(mode_);
    file_.reset();
    if (!fd.ok()) {
      sticky_error_ = fd.status();
      return sticky_error_;
    }
    fd_ = *fd;
  }
  // Where a failed write cuts back to. A pipe or terminal: -1, nothing to cut. An
  // O_APPEND descriptor (`>> file`) may be shared with other writers: never cut.
  int flags = fcntl(fd_, F_GETFL);
  file_end_ = flags >= 0 && (flags & O_APPEND) == 0 ? lseek(fd_, 0, SEEK_CUR) : -1;
  begun_ = true;
  exit_slot_ = exit_flush::Attach(fd_);
  exit_flush::Publish(exit_slot_, buffer_.get(), len_, file_end_);
  return Flush();
}

void OutputSink::Reserve(size_t size) {
  if (size <= capacity_) return;
  std::unique_ptr<char[]> grown(new char[size]);
  if (len_ > 0) std::memcpy(grown.get(), buffer_.get(), len_);
  // The exit flush may be reading the old buffer: swap it under the lock.
  if (attached()) exit_flush::Lock();
  buffer_.swap(grown);
  capacity_ = size;
  if (attached()) {
    exit_flush::Publish(exit_slot_, buffer_.get(), len_, file_end_);
    exit_flush::Unlock();
  }
}

absl::Status OutputSink::Append(absl::string_view line) {
  char* at = PrepareAppend(line.size());
  std::memcpy(at, line.data(), line.size());
  return CommitAppend(at + line.size());
}

char* OutputSink::PrepareAppend(size_t max_bytes) {
  if (len_ + max_bytes > capacity_) Reserve(len_ + max_bytes);  // rare: huge lines
  return buffer_.get() + len_;
}

absl::Status OutputSink::CommitAppend(const char* end) {
  if (!sticky_error_.ok()) return sticky_error_;  // the bytes are dropped, as Append did
  len_ = static_cast<size_t>(end - buffer_.get());
  if (attached()) exit_flush::Publish(exit_slot_, buffer_.get(), len_, file_end_);
  if (len_ >= kFlushBytes && begun_) return Flush();
  return absl::OkStatus();
}

absl::Status OutputSink::AppendLines(absl::string_view lines) {
  if (lines.size() < kFlushBytes / 4 || !begun_) return Append(lines);
  RETURN_IF_ERROR(Flush());
  if (attached()) exit_flush::Lock();
  absl::Status status = WriteAll(lines.data(), lines.size());
  if (attached()) {
    exit_flush::Publish(exit_slot_, buffer_.get(), len_, file_end_);
    exit_flush::Unlock();
  }
  if (!status.ok()) sticky_error_ = status;
  return status;
}

absl::Status OutputSink::Flush() {
  if (!sticky_error_.ok()) return sticky_error_;
  if (!begun_ || len_ == 0) return absl::OkStatus();
  if (attached()) exit_flush::Lock();
  absl::Status status = WriteAll(buffer_.get(), len_);
  len_ = 0;
  if (attached()) {
    exit_flush::Publish(exit_slot_, buffer_.get(), 0, file_end_);
    exit_flush::Unlock();
  }
  if (!status.ok()) sticky_error_ = status;
  return status;
}

absl::Status OutputSink::FlushIfDue(int64_t now_ns, int64_t interval_ns) {
  if (len_ == 0 || now_ns - last_write_ns_ < interval_ns) return sticky_error_;
  return Flush();
}

absl::Status OutputSink::WriteAll(const char* data, size_t len) {
  last_write_ns_ = NowNanos();
  // `data` starts at a line boundary: keep the whole lines that made it, cut the rest.
  auto whole_lines = [data](size_t done) {
    while (done > 0 && data[done - 1] != '\n') --done;
    return done;
  };
  std::optional<capture::WholeWriteFailure> failed = capture::WriteWholeRecords(
      fd_, reinterpret_cast<const uint8_t*>(data), len, &file_end_, whole_lines);
  if (!failed) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("writing ", path_, ": ", strerror(failed->error),
                   failed->cut ? " (the output ends at its last whole line)" : ""));
}

}  // namespace cutpoint::session
