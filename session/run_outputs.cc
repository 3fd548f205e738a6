#include "session/run_outputs.h"

#include "engine/base/status_macros.h"

namespace cutpoint::session {

absl::StatusOr<std::unique_ptr<RunOutputs>> RunOutputs::Open(const std::string& output_path,
                                                             OutputFile::Mode mode,
                                                             const std::string& evidence_path) {
  std::unique_ptr<RunOutputs> outputs(new RunOutputs());
  if (!evidence_path.empty()) {
    ASSIGN_OR_RETURN(outputs->evidence_,
                     capture::PcapWriter::CreateDeferred(evidence_path, wire::LinkType::kRaw));
    outputs->evidence_->SetWriteGuard(&outputs->evidence_exit_flush_);
  }
  ASSIGN_OR_RETURN(outputs->sink_, OutputSink::Open(output_path, mode));
  return outputs;
}

absl::Status RunOutputs::Begin() {
  RETURN_IF_ERROR(sink_->Begin());
  return evidence_ != nullptr ? evidence_->Start() : absl::OkStatus();
}

absl::Status RunOutputs::CloseEvidence() {
  return evidence_ != nullptr ? evidence_->Close() : absl::OkStatus();
}

}  // namespace cutpoint::session
