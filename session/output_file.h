// SPDX-License-Identifier: Apache-2.0
// An output file opened early, so an unwritable path is refused before anything runs,
// but changed only once the run can start (Commit): a run that fails before then leaves
// an existing file exactly as it was, and removes a file it had to create.
#ifndef CUTPOINT_SESSION_OUTPUT_FILE_H_
#define CUTPOINT_SESSION_OUTPUT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cutpoint::session {

class OutputFile {
 public:
  enum class Mode {
    kReplace,  // Commit empties the file
    kAppend,   // Commit keeps it, cut back to its last whole line ('\n'), writes after it
  };

  static absl::StatusOr<OutputFile> Open(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  // The run can start: prepares the file as `mode` says and hands the descriptor over
  // (positioned where writing goes on; the caller closes it).
  absl::StatusOr<int> Commit(Mode mode);
  const std::string& path() const { return path_; }

 private:
  OutputFile(int fd, bool created, std::string path)
      : fd_(fd), created_(created), path_(std::move(path)) {}
  int fd_;
  bool created_;  // by Open: removed again if never committed
  std::string path_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_OUTPUT_FILE_H_
