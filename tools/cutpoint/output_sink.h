// Buffered NDJSON output that only ever writes whole lines: the buffer is flushed at
// line boundaries, so an interrupt, a crash or a full disk leaves a file of complete
// records. Not thread-safe; one writer at a time.
#ifndef CUTPOINT_TOOLS_CUTPOINT_OUTPUT_SINK_H_
#define CUTPOINT_TOOLS_CUTPOINT_OUTPUT_SINK_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cutpoint::cli {

class OutputSink {
 public:
  // "-" or empty: standard output.
  static absl::StatusOr<std::unique_ptr<OutputSink>> Open(const std::string& path);
  ~OutputSink();

  // Appends one complete line (must end in '\n').
  absl::Status Append(absl::string_view line);
  // In-place appending, for formatters that write straight into the buffer (no copy):
  // PrepareAppend returns room for `max_bytes`; CommitAppend takes the end of what was
  // written there, which must be whole lines. Nothing else may touch the sink in between.
  char* PrepareAppend(size_t max_bytes);
  absl::Status CommitAppend(const char* end);
  // Appends a block of complete lines; a large block is written straight from the
  // caller's memory (after what is pending), saving a copy.
  absl::Status AppendLines(absl::string_view lines);
  absl::Status Flush();
  const std::string& path() const { return path_; }

 private:
  OutputSink(int fd, bool owned, std::string path);
  absl::Status WriteAll(const char* data, size_t len);

  int fd_;
  bool owned_;
  std::string path_;
  std::string buffer_;  // storage, grown but never shrunk; bytes [0, len_) are pending
  size_t len_ = 0;
  absl::Status sticky_error_;
};

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_OUTPUT_SINK_H_
