#include "session/run_outputs.h"

#include <memory>

#include "engine/base/status_macros.h"
#include "engine/match/port_outcomes.h"
#include "engine/report/reply_line.h"

namespace cutpoint::session {

ReplyHandler WriteReplyRecords(OutputSink& sink, bool with_status) {
  if (!with_status) {
    return [&sink](const match::ReplyRecord& reply) {
      char* at = sink.PrepareAppend(report::kMaxReplyLineBytes);
      return sink.CommitAppend(report::WriteReplyLine(reply, false, at));
    };
  }
  // The handler runs on the capture thread alone: the outcomes need no lock.
  auto outcomes = std::make_shared<match::PortOutcomes>();
  return [&sink, outcomes](const match::ReplyRecord& reply) {
    const bool conflict = outcomes->Contradicts(reply);
    char* at = sink.PrepareAppend(report::kMaxReplyLineBytes);
    return sink.CommitAppend(report::WriteReplyLine(reply, true, at, conflict));
  };
}

void AttachOutput(OutputSink& sink, SessionConfig* config) {
  config->on_started = [&sink] { return sink.Begin(); };
  config->on_tick = [&sink](int64_t now_ns) {
    return sink.FlushIfDue(now_ns, kOutputFlushIntervalNs);
  };
}

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

void RunOutputs::AttachTo(SessionConfig* config) {
  AttachOutput(*sink_, config);
  config->on_started = [this] { return Begin(); };
  config->evidence = evidence_.get();
}

absl::Status RunOutputs::CloseEvidence() {
  return evidence_ != nullptr ? evidence_->Close() : absl::OkStatus();
}

}  // namespace cutpoint::session
