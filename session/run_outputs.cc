// SPDX-License-Identifier: Apache-2.0
#include "session/run_outputs.h"

#include <cstring>
#include <memory>

#include "engine/base/status_macros.h"
#include "engine/match/port_outcomes.h"
#include "engine/report/asn_fields.h"
#include "engine/report/json_line.h"
#include "engine/report/reply_line.h"

namespace cutpoint::session {

ReplyHandler WriteReplyRecords(OutputSink& sink, bool with_status,
                               const asn::AsnTable* asn_table) {
  if (asn_table == nullptr && !with_status) {
    return [&sink](const match::ReplyRecord& reply) {
      char* at = sink.PrepareAppend(report::kMaxReplyLineBytes);
      return sink.CommitAppend(report::WriteReplyLine(reply, false, at));
    };
  }
  // Scans flag a reply contradicting its port's earlier one; the handler runs on the
  // capture thread alone, so the outcomes need no lock.
  std::shared_ptr<match::PortOutcomes> outcomes;
  if (with_status) outcomes = std::make_shared<match::PortOutcomes>();
  std::shared_ptr<report::JsonLine> scratch;
  if (asn_table != nullptr) scratch = std::make_shared<report::JsonLine>();
  return [&sink, with_status, asn_table, outcomes, scratch](const match::ReplyRecord& reply) {
    const bool conflict = outcomes != nullptr && outcomes->Contradicts(reply);
    absl::string_view fields;
    if (asn_table != nullptr) fields = report::ReplyAsnFields(*asn_table, reply.from, scratch.get());
    char* at = sink.PrepareAppend(report::kMaxReplyLineBytes + fields.size());
    char* end = report::WriteReplyLine(reply, with_status, at, conflict);
    if (!fields.empty()) {
      // The annotation ("{...}\n") is spliced onto the reply line in place of its "}\n".
      end -= 2;
      *end++ = ',';
      std::memcpy(end, fields.data() + 1, fields.size() - 1);
      end += fields.size() - 1;
    }
    return sink.CommitAppend(end);
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
