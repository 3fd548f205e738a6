#include "tools/cutpoint/progress_line.h"

#include "absl/strings/str_format.h"

namespace cutpoint::cli {

void PrintProgressLine(const session::ProgressSnapshot& snapshot, std::FILE* out) {
  absl::FPrintF(out,
                "%6.1fs %5.1f%% (ETA %4.0fs) sent %d at %.0f pps; recv %.0f pps; hits %.1f%%; "
                "drops %d\n",
                snapshot.elapsed_s, snapshot.percent_done, snapshot.eta_s, snapshot.sent,
                snapshot.send_pps, snapshot.recv_pps, snapshot.hit_rate_percent,
                snapshot.capture_drops);
}

void ProgressLine::OnProgress(const session::ProgressSnapshot& snapshot) {
  // The line has always covered sending only; the cooldown stays quiet.
  if (snapshot.phase == session::ProgressPhase::kCooldown ||
      snapshot.phase == session::ProgressPhase::kFinished) {
    return;
  }
  PrintProgressLine(snapshot, out_);
}

}  // namespace cutpoint::cli
