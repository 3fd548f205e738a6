// SPDX-License-Identifier: Apache-2.0
#include "session/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"

namespace cutpoint::session {
namespace {

absl::Status WriteError(const std::string& path, int error) {
  return absl::InvalidArgumentError(
      absl::StrCat("cannot write output '", path, "': ", strerror(error)));
}

// The offset just past the last '\n' of the file (0 if none), reading backwards.
absl::StatusOr<off_t> EndOfLastLine(int fd, const std::string& path) {
  struct stat info {};
  if (fstat(fd, &info) != 0) return WriteError(path, errno);
  if (!S_ISREG(info.st_mode)) return off_t{-1};  // a pipe or device: nothing to keep
  char chunk[4096];
  off_t end = info.st_size;
  while (end > 0) {
    off_t begin =
        end > static_cast<off_t>(sizeof(chunk)) ? end - static_cast<off_t>(sizeof(chunk)) : 0;
    ssize_t got = pread(fd, chunk, static_cast<size_t>(end - begin), begin);
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::InvalidArgumentError(
          absl::StrCat("cannot append to output '", path, "': ", strerror(errno)));
    }
    for (ssize_t i = got; i > 0; --i) {
      if (chunk[i - 1] == '\n') return begin + i;
    }
    end = begin;
  }
  return off_t{0};
}

}  // namespace

absl::StatusOr<OutputFile> OutputFile::Open(const std::string& path) {
  // No O_TRUNC: nothing changes before Commit. O_RDWR for regular files (appending
  // reads the tail back); pipes and devices (>(gzip), /dev/full) are opened write-only.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  bool created = fd >= 0;
  if (fd < 0 && errno == EEXIST) {
    struct stat info {};
    bool regular = stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
    fd = open(path.c_str(), (regular ? O_RDWR : O_WRONLY) | O_CLOEXEC);
    if (fd < 0 && regular && errno == EACCES) fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  }
  if (fd < 0) return WriteError(path, errno);
  return OutputFile(fd, created, path);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : fd_(other.fd_), created_(other.created_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

OutputFile::~OutputFile() {
  if (fd_ < 0) return;
  close(fd_);
  if (created_) unlink(path_.c_str());
}

absl::StatusOr<int> OutputFile::Commit(Mode mode) {
  if (fd_ < 0) return absl::InternalError("output committed twice");
  struct stat info {};
  if (fstat(fd_, &info) != 0) return WriteError(path_, errno);
  if (S_ISREG(info.st_mode)) {
    off_t keep = 0;
    if (mode == Mode::kAppend) {
      ASSIGN_OR_RETURN(keep, EndOfLastLine(fd_, path_));
    }
    if (ftruncate(fd_, keep) != 0 || lseek(fd_, keep, SEEK_SET) < 0)
      return WriteError(path_, errno);
  }
  int fd = fd_;
  fd_ = -1;
  return fd;
}

}  // namespace cutpoint::session
