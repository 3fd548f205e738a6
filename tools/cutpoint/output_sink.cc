#include "tools/cutpoint/output_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace cutpoint::cli {
namespace {
constexpr size_t kFlushBytes = 256 * 1024;
// Room past the flush mark, so a line of up to this size is formatted in place without
// growing the buffer.
constexpr size_t kSlackBytes = 16 * 1024;
}  // namespace

absl::StatusOr<std::unique_ptr<OutputSink>> OutputSink::Open(const std::string& path) {
  if (path.empty() || path == "-") {
    return std::unique_ptr<OutputSink>(new OutputSink(STDOUT_FILENO, false, "<stdout>"));
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write output '", path, "': ", strerror(errno)));
  }
  return std::unique_ptr<OutputSink>(new OutputSink(fd, true, path));
}

OutputSink::OutputSink(int fd, bool owned, std::string path)
    : fd_(fd), owned_(owned), path_(std::move(path)) {
  buffer_.resize(kFlushBytes + kSlackBytes);
}

OutputSink::~OutputSink() {
  (void)Flush();
  if (owned_) close(fd_);
}

absl::Status OutputSink::Append(absl::string_view line) {
  char* at = PrepareAppend(line.size());
  std::memcpy(at, line.data(), line.size());
  return CommitAppend(at + line.size());
}

char* OutputSink::PrepareAppend(size_t max_bytes) {
  if (len_ + max_bytes > buffer_.size()) buffer_.resize(len_ + max_bytes);  // rare: huge lines
  return buffer_.data() + len_;
}

absl::Status OutputSink::CommitAppend(const char* end) {
  if (!sticky_error_.ok()) return sticky_error_;  // the bytes are dropped, as Append did
  len_ = static_cast<size_t>(end - buffer_.data());
  if (len_ >= kFlushBytes) return Flush();
  return absl::OkStatus();
}

absl::Status OutputSink::AppendLines(absl::string_view lines) {
  if (lines.size() < kFlushBytes / 4) return Append(lines);
  absl::Status status = Flush();
  if (!status.ok()) return status;
  status = WriteAll(lines.data(), lines.size());
  if (!status.ok()) sticky_error_ = status;
  return status;
}

absl::Status OutputSink::Flush() {
  if (!sticky_error_.ok()) return sticky_error_;
  absl::Status status = WriteAll(buffer_.data(), len_);
  len_ = 0;
  if (!status.ok()) sticky_error_ = status;
  return status;
}

absl::Status OutputSink::WriteAll(const char* data, size_t len) {
  while (len > 0) {
    ssize_t written = write(fd_, data, len);
    if (written < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("writing ", path_, ": ", strerror(errno)));
    }
    data += written;
    len -= static_cast<size_t>(written);
  }
  return absl::OkStatus();
}

}  // namespace cutpoint::cli
