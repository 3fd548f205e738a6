// SPDX-License-Identifier: Apache-2.0
#include "capture/file/whole_write.h"

#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

namespace cutpoint::capture {

std::optional<WholeWriteFailure> WriteWholeRecords(
    int fd, const uint8_t* data, size_t len, int64_t* file_end,
    absl::FunctionRef<size_t(size_t done)> whole_bytes) {
  size_t done = 0;
  while (done < len) {
    ssize_t written = write(fd, data + done, len - done);
    if (written >= 0) {
      done += static_cast<size_t>(written);
      continue;
    }
    if (errno == EINTR) continue;
    WholeWriteFailure failure;
    failure.error = errno;
    if (*file_end >= 0) {
      off_t end = static_cast<off_t>(*file_end + static_cast<int64_t>(whole_bytes(done)));
      failure.cut = ftruncate(fd, end) == 0 && lseek(fd, end, SEEK_SET) == end;
      if (failure.cut) *file_end = end;
    }
    return failure;
  }
  if (*file_end >= 0) *file_end += static_cast<int64_t>(len);
  return std::nullopt;
}

}  // namespace cutpoint::capture
