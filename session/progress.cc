// SPDX-License-Identifier: Apache-2.0
#include "session/progress.h"

namespace cutpoint::session {

void ProgressMeter::Begin(uint64_t total, uint64_t sent_counter, uint64_t matched, int64_t now_ns) {
  total_ = total;
  sent_base_ = sent_counter;
  begin_ns_ = now_ns;
  last_ns_ = now_ns;
  last_sent_ = 0;
  last_matched_ = matched;
}

ProgressSnapshot ProgressMeter::Take(ProgressPhase phase, uint64_t sent_counter, uint64_t matched,
                                     uint64_t successes, uint64_t capture_drops, int64_t now_ns) {
  ProgressSnapshot s;
  s.phase = phase;
  s.total = total_;
  s.sent = sent_counter - sent_base_;
  s.session_sent = sent_counter;
  s.matched = matched;
  s.successes = successes;
  s.capture_drops = capture_drops;
  double interval_s = static_cast<double>(now_ns - last_ns_) / 1e9;
  s.send_pps = interval_s > 0 ? static_cast<double>(s.sent - last_sent_) / interval_s : 0;
  s.recv_pps = interval_s > 0 ? static_cast<double>(matched - last_matched_) / interval_s : 0;
  s.elapsed_s = static_cast<double>(now_ns - begin_ns_) / 1e9;
  double done = total_ == 0 ? 1.0 : static_cast<double>(s.sent) / static_cast<double>(total_);
  s.percent_done = 100.0 * done;
  s.eta_s = s.sent == 0 ? 0 : s.elapsed_s * (1.0 - done) / done;
  // zmap's hit rate: successes only (an RST or an ICMP error is a reply, not a hit), over
  // the session's probes (successes are the session's: locate sends many rounds).
  s.hit_rate_percent = sent_counter == 0 ? 0
                                         : 100.0 * static_cast<double>(successes) /
                                               static_cast<double>(sent_counter);
  last_ns_ = now_ns;
  last_sent_ = s.sent;
  last_matched_ = matched;
  return s;
}

}  // namespace cutpoint::session
