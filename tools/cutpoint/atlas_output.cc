// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/atlas_output.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/report/report_model.h"
#include "engine/report/report_views.h"

namespace cutpoint::cli {

absl::StatusOr<std::unique_ptr<AtlasOutput>> AtlasOutput::Open(const std::string& output_path) {
  std::unique_ptr<AtlasOutput> atlas(new AtlasOutput());
  ASSIGN_OR_RETURN(atlas->output_, session::OutputSink::Open(output_path));
  atlas->memfd_ = memfd_create("cutpoint-trace-ndjson", MFD_CLOEXEC);
  if (atlas->memfd_ < 0) {
    return absl::InternalError(absl::StrCat("memfd_create: ", std::strerror(errno)));
  }
  atlas->ndjson_ = session::OutputSink::ForFd(atlas->memfd_, "the trace's NDJSON (in memory)");
  return atlas;
}

AtlasOutput::~AtlasOutput() {
  ndjson_.reset();  // before its descriptor closes
  if (memfd_ >= 0) close(memfd_);
}

absl::Status AtlasOutput::Finish() {
  RETURN_IF_ERROR(ndjson_->Flush());
  std::string text;
  char buffer[1 << 16];
  for (off_t offset = 0;;) {
    ssize_t got = pread(memfd_, buffer, sizeof(buffer), offset);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return absl::InternalError(absl::StrCat("reading the trace back: ", std::strerror(errno)));
    if (got == 0) break;
    text.append(buffer, static_cast<size_t>(got));
    offset += got;
  }
  report::ReportModel model;
  RETURN_IF_ERROR(report::AddNdjson("trace", text, &model));
  RETURN_IF_ERROR(output_->Begin());
  if (!model.replies.empty()) {
    report::ReportViewOptions options;
    options.view = report::ReportView::kAtlas;
    ASSIGN_OR_RETURN(std::string results, report::RenderReportView(model, options));
    RETURN_IF_ERROR(output_->AppendLines(results));
  }
  return output_->Flush();
}

}  // namespace cutpoint::cli
