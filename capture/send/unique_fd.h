// SPDX-License-Identifier: Apache-2.0
// A file descriptor closed when it goes out of scope, unless released: the set-up code
// of the senders and lookups returns early on every error without leaking it.
#ifndef CUTPOINT_CAPTURE_SEND_UNIQUE_FD_H_
#define CUTPOINT_CAPTURE_SEND_UNIQUE_FD_H_

#include <unistd.h>

namespace cutpoint::capture {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) close(fd_);
      fd_ = other.release();
    }
    return *this;
  }

  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_SEND_UNIQUE_FD_H_
