// SPDX-License-Identifier: Apache-2.0
// `trace -O atlas`: the run writes its NDJSON as always, but into an anonymous in-memory
// file (memfd: no path, and still readable after the run dropped its privileges); when
// the run ends, its replies go to -o as RIPE Atlas traceroute results
// (engine/report/atlas_export.h), the same bytes as `cutpoint report --format atlas`.
#ifndef CUTPOINT_TOOLS_CUTPOINT_ATLAS_OUTPUT_H_
#define CUTPOINT_TOOLS_CUTPOINT_ATLAS_OUTPUT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "session/output_sink.h"

namespace cutpoint::cli {

class AtlasOutput {
 public:
  // Opens -o now (an unwritable path fails before anything is sent); it is written only
  // by Finish().
  static absl::StatusOr<std::unique_ptr<AtlasOutput>> Open(const std::string& output_path);
  ~AtlasOutput();
  AtlasOutput(const AtlasOutput&) = delete;
  AtlasOutput& operator=(const AtlasOutput&) = delete;

  // Where the run writes its NDJSON.
  session::OutputSink& ndjson() { return *ndjson_; }
  // The run has ended (or was interrupted): its replies, as Atlas results, to -o. A run
  // without replies writes an empty output.
  absl::Status Finish();

 private:
  AtlasOutput() = default;

  int memfd_ = -1;
  std::unique_ptr<session::OutputSink> ndjson_;
  std::unique_ptr<session::OutputSink> output_;
};

}  // namespace cutpoint::cli

#endif  // CUTPOINT_TOOLS_CUTPOINT_ATLAS_OUTPUT_H_
