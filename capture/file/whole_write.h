// SPDX-License-Identifier: Apache-2.0
// Writing records (NDJSON lines, pcap records) to a file so that a failed write (disk full,
// I/O error) never leaves a part of one behind: the file is cut back to the last whole
// record that made it, and the caller says how its records are delimited.
#ifndef CUTPOINT_CAPTURE_FILE_WHOLE_WRITE_H_
#define CUTPOINT_CAPTURE_FILE_WHOLE_WRITE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/functional/function_ref.h"

namespace cutpoint::capture {

struct WholeWriteFailure {
  int error = 0;     // errno of the failed write
  bool cut = false;  // the file now ends at its last whole record
};

// Writes all of `data` (which starts at a record boundary) to `fd`, retrying short writes
// and EINTR. `*file_end` is the file's size before the write (-1 when unknown, e.g. a
// pipe) and grows with it. On a failure, `whole_bytes(done)` says how many of the `done`
// bytes that made it are whole records; the file is truncated to them (when its size is
// known) and the write position moved back there.
std::optional<WholeWriteFailure> WriteWholeRecords(
    int fd, const uint8_t* data, size_t len, int64_t* file_end,
    absl::FunctionRef<size_t(size_t done)> whole_bytes);

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_FILE_WHOLE_WRITE_H_
