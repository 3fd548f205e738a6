// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/progress_line.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/locate/verdict.h"

namespace cutpoint::cli {

void PrintProgressLine(const session::ProgressSnapshot& snapshot, std::FILE* out) {
  absl::FPrintF(out,
                "%6.1fs %5.1f%% (ETA %4.0fs) sent %d at %.0f pps; recv %.0f pps; hits %.1f%%; "
                "drops %d\n",
                snapshot.elapsed_s, snapshot.percent_done, snapshot.eta_s, snapshot.sent,
                snapshot.send_pps, snapshot.recv_pps, snapshot.hit_rate_percent,
                snapshot.capture_drops);
}

void PrintAfterSendingLine(const session::ProgressSnapshot& snapshot, bool interrupted,
                           std::FILE* out) {
  if (snapshot.phase == session::ProgressPhase::kCooldown) {
    absl::FPrintF(out, "%6.1fs cooldown: recv %.0f pps; matched %d; hits %.1f%%; drops %d\n",
                  snapshot.elapsed_s, snapshot.recv_pps, snapshot.matched,
                  snapshot.hit_rate_percent, snapshot.capture_drops);
    return;
  }
  absl::FPrintF(out, "%6.1fs done%s: sent %d; matched %d; hits %.1f%%; drops %d\n",
                snapshot.elapsed_s, interrupted ? " (interrupted)" : "", snapshot.session_sent,
                snapshot.matched, snapshot.hit_rate_percent, snapshot.capture_drops);
}

std::string FormatRoundLine(const session::SweepRoundDone& round) {
  using Phase = session::SweepRoundDone::Phase;
  std::string ttls = round.ttl_lo == round.ttl_hi ? absl::StrCat("TTL ", round.ttl_lo)
                                                  : absl::StrCat("TTL ", round.ttl_lo, "-",
                                                                 round.ttl_hi);
  std::string line = absl::StrCat("round ", round.index + 1);
  switch (round.phase) {
    case Phase::kScreen:
      absl::StrAppend(&line, " screen (attempt ", round.attempt, ", ", ttls, ")");
      break;
    case Phase::kWindow:
      absl::StrAppend(&line, ", ", ttls);
      break;
    case Phase::kRetry:
      absl::StrAppend(&line, " retry (attempt ", round.attempt, ", ", ttls, ")");
      break;
  }
  absl::StrAppend(&line, ": ", round.probes, " probes to ", round.targets, " targets");
  for (size_t i = 0; i < round.verdicts.size(); ++i) {
    absl::StrAppend(&line, i == 0 ? "; verdicts now: " : ", ",
                    locate::VerdictName(round.verdicts[i].first), " ", round.verdicts[i].second);
  }
  return line;
}

void ProgressLine::OnProgress(const session::ProgressSnapshot& snapshot) {
  switch (snapshot.phase) {
    case session::ProgressPhase::kSending:
    case session::ProgressPhase::kSent:
      PrintProgressLine(snapshot, out_);
      return;
    case session::ProgressPhase::kInterrupted:
      interrupted_ = true;
      PrintProgressLine(snapshot, out_);
      return;
    case session::ProgressPhase::kCooldown:
    case session::ProgressPhase::kFinished:
      PrintAfterSendingLine(snapshot, interrupted_, out_);
      return;
  }
}

}  // namespace cutpoint::cli
