// SPDX-License-Identifier: Apache-2.0
// Buffered NDJSON output that only ever writes whole lines: the buffer is written at line
// boundaries, so an interrupt, a crash or a full disk leaves a file of complete records.
// Nothing reaches the file before Begin() (the run can start): a run refused earlier
// leaves an existing file untouched. A failed write (ENOSPC, EIO, ...) cuts the file back
// to its last whole line and makes every later call fail with the same error. The
// complete lines not yet written are published to the second-signal handler
// (signals.h), which writes them before exiting. Not thread-safe; one writer at a time.
#ifndef CUTPOINT_SESSION_OUTPUT_SINK_H_
#define CUTPOINT_SESSION_OUTPUT_SINK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "session/output_file.h"

namespace cutpoint::session {

// Live runs flush pending lines at least this often (plus the ~200 ms tick of the
// capture thread): `tail -f` follows within a second.
inline constexpr int64_t kOutputFlushIntervalNs = 500'000'000;

class OutputSink {
 public:
  // "-" or empty: standard output. kAppend (--resume): continue after the file's last
  // whole line instead of replacing it.
  static absl::StatusOr<std::unique_ptr<OutputSink>> Open(
      const std::string& path, OutputFile::Mode mode = OutputFile::Mode::kReplace);
  // Over a descriptor the caller opened (tests: a pipe, a full file system); not closed.
  static std::unique_ptr<OutputSink> ForFd(int fd, std::string name);
  ~OutputSink();

  // The run can start: the file is emptied (or positioned for appending) and what was
  // appended so far is written.
  absl::Status Begin();
  bool begun() const { return begun_; }

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
  // Writes what is pending (nothing before Begin()).
  absl::Status Flush();
  // Flushes if something is pending and the last write is `interval_ns` old: called
  // periodically by the thread that owns the sink, so `tail -f` follows a live run.
  absl::Status FlushIfDue(int64_t now_ns, int64_t interval_ns);
  const std::string& path() const { return path_; }

 private:
  OutputSink(std::optional<OutputFile> file, OutputFile::Mode mode, int fd, bool owned,
             std::string path);
  absl::Status WriteAll(const char* data, size_t len);
  void Reserve(size_t size);

  std::optional<OutputFile> file_;  // until Begin()
  OutputFile::Mode mode_;
  int fd_;
  bool owned_;
  std::string path_;
  bool begun_ = false;
  int exit_slot_ = -1;  // in the second-signal exit flush (signals.h); -1: none
  bool attached() const { return exit_slot_ >= 0; }
  int64_t file_end_ = -1;  // offset after the last whole line written; -1: not seekable
  int64_t last_write_ns_ = 0;
  std::unique_ptr<char[]> buffer_;  // grown but never shrunk; bytes [0, len_) are pending
  size_t capacity_ = 0;
  size_t len_ = 0;
  absl::Status sticky_error_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_OUTPUT_SINK_H_
