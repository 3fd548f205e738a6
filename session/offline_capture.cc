// SPDX-License-Identifier: Apache-2.0
#include "session/offline_capture.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "engine/base/status_macros.h"
#include "session/clock.h"
#include "session/stats_accounting.h"

namespace cutpoint::session {
namespace {

absl::Status MatchAll(capture::FrameSource& source, const std::string& path,
                      const match::Matcher& matcher, const ReplyHandler& on_reply,
                      report::ScanStats* stats) {
  const wire::LinkType link = source.link_type();
  capture::CapturedFrame frame;
  match::ReplyRecord reply;
  while (true) {
    absl::StatusOr<capture::NextResult> next = source.Next(&frame);
    if (!next.ok()) return absl::DataLossError(absl::StrCat(path, ": ", next.status().message()));
    if (*next == capture::NextResult::kEnd) return absl::OkStatus();
    if (*next != capture::NextResult::kFrame) continue;
    if (MatchAndCount(matcher, link, frame, &reply, stats)) RETURN_IF_ERROR(on_reply(reply));
  }
}

}  // namespace

absl::StatusOr<report::ScanStats> ReadCapture(capture::FrameSource& source, const std::string& path,
                                              const match::Matcher& matcher,
                                              const ReplyHandler& on_reply) {
  int64_t started_ns = MonotonicNanos();
  report::ScanStats stats;
  RETURN_IF_ERROR(MatchAll(source, path, matcher, on_reply, &stats));
  stats.forgery_acceptance_p = match::ForgedTcpAcceptance(matcher.config());
  NoteTruncation(source, &stats);
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns) / 1e9;
  return stats;
}

absl::StatusOr<report::ScanStats> ReadCaptureFile(
    const std::string& path, const match::Matcher& matcher, const ReplyHandler& on_reply,
    const std::function<absl::Status()>& before_reading) {
  ASSIGN_OR_RETURN(std::unique_ptr<capture::PcapSource> source,
                   capture::PcapSource::OpenOffline(path));
  RETURN_IF_ERROR(before_reading());
  return ReadCapture(*source, path, matcher, on_reply);
}

}  // namespace cutpoint::session
