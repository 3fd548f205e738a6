// SPDX-License-Identifier: Apache-2.0
// A run's outputs: the NDJSON sink and, with --pcap-out, the evidence capture. Both are
// opened before anything is sent (an unwritable path fails first) but written only once
// the run can start (Begin): a run refused later leaves existing files untouched.
#ifndef CUTPOINT_SESSION_RUN_OUTPUTS_H_
#define CUTPOINT_SESSION_RUN_OUTPUTS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/pcap/pcap_writer.h"
#include "engine/asn/asn_table.h"
#include "session/output_file.h"
#include "session/output_sink.h"
#include "session/pcap_exit_flush.h"
#include "session/probe_session.h"
#include "session/reply_handler.h"

namespace cutpoint::session {

// Appends one `reply` record per matched reply to `sink` (`with_status`: with scan's
// open / closed / unreachable field, and "conflict": true on a reply that contradicts
// an earlier one of its port — match::PortOutcomes). With `asn_table` (--asn-db; it
// must outlive the handler), a responder the table holds gets from_asn, from_as_name,
// from_prefix.
ReplyHandler WriteReplyRecords(OutputSink& sink, bool with_status,
                               const asn::AsnTable* asn_table = nullptr);

// Wires `sink` into a live session: written from the moment the session can start
// (sockets open, privileges dropped), flushed on the capture thread's timer.
void AttachOutput(OutputSink& sink, SessionConfig* config);

class RunOutputs {
 public:
  // `evidence_path` empty: no evidence capture.
  static absl::StatusOr<std::unique_ptr<RunOutputs>> Open(const std::string& output_path,
                                                          OutputFile::Mode mode,
                                                          const std::string& evidence_path);

  OutputSink& sink() { return *sink_; }
  capture::PcapWriter* evidence() { return evidence_.get(); }  // nullptr: none

  // The run can start: both outputs are written from now on.
  absl::Status Begin();
  // AttachOutput for both outputs: the evidence capture records every probe and reply.
  void AttachTo(SessionConfig* config);
  // Closes the evidence capture, if any (its last whole records written).
  absl::Status CloseEvidence();

 private:
  RunOutputs() = default;

  PcapExitFlush evidence_exit_flush_;  // declared first: outlives `evidence_`
  std::unique_ptr<capture::PcapWriter> evidence_;
  std::unique_ptr<OutputSink> sink_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_RUN_OUTPUTS_H_
