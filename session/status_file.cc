// SPDX-License-Identifier: Apache-2.0
#include "session/status_file.h"

#include "session/private_file.h"
#include "session/privileges.h"

namespace cutpoint::session {

absl::string_view FormatStatusRecord(const ProgressSnapshot& snapshot, report::JsonLine* line) {
  line->Begin();
  line->AddString("type", "status");
  line->AddDouble("elapsed_s", snapshot.elapsed_s);
  line->AddUint("probes_total", snapshot.total);
  line->AddUint("probes_sent", snapshot.sent);
  line->AddDouble("percent_done", snapshot.percent_done);
  line->AddDouble("eta_s", snapshot.eta_s);
  line->AddDouble("send_pps", snapshot.send_pps);
  line->AddDouble("recv_pps", snapshot.recv_pps);
  line->AddUint("matched", snapshot.matched);
  line->AddUint("successes", snapshot.successes);
  line->AddDouble("hit_rate_percent", snapshot.hit_rate_percent);
  line->AddUint("capture_drops", snapshot.capture_drops);
  return line->Finish();
}

absl::Status StatusFileObserver::OnStart() {
  return CheckWritableAfterDrop("--status-file", path_);
}

void StatusFileObserver::OnProgress(const ProgressSnapshot& snapshot) {
  if (snapshot.phase == ProgressPhase::kCooldown || snapshot.phase == ProgressPhase::kFinished) {
    return;
  }
  // Best effort, once a second: a failed write leaves the previous status in place.
  (void)WritePrivateFileAtomically(path_, FormatStatusRecord(snapshot, &line_), "status file",
                                   /*durable=*/false);
}

}  // namespace cutpoint::session
