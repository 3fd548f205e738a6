#include "tools/cutpoint/progress_line.h"

namespace cutpoint::cli {

void PrintProgressLine(const session::ProgressSnapshot& snapshot, std::FILE* out) {
  std::fprintf(out,
               "%6.1fs %5.1f%% (ETA %4.0fs) sent %llu at %.0f pps; recv %.0f pps; hits %.1f%%; "
               "drops %llu\n",
               snapshot.elapsed_s, snapshot.percent_done, snapshot.eta_s,
               static_cast<unsigned long long>(snapshot.sent), snapshot.send_pps, snapshot.recv_pps,
               snapshot.hit_rate_percent, static_cast<unsigned long long>(snapshot.capture_drops));
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
