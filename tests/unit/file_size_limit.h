// SPDX-License-Identifier: Apache-2.0
// A full disk on any file system, without root: while a FileSizeLimit lives, writes past
// `bytes` fail part-way (EFBIG; SIGXFSZ ignored). For the tests of the writers that must
// leave whole records behind (pcap writer, output sink).
#ifndef CUTPOINT_TESTS_UNIT_FILE_SIZE_LIMIT_H_
#define CUTPOINT_TESTS_UNIT_FILE_SIZE_LIMIT_H_

#include <signal.h>
#include <sys/resource.h>

#include "gtest/gtest.h"

namespace cutpoint::testutil {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};

}  // namespace cutpoint::testutil

#endif  // CUTPOINT_TESTS_UNIT_FILE_SIZE_LIMIT_H_
