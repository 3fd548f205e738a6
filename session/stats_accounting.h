// SPDX-License-Identifier: Apache-2.0
// Stats accounting: how every captured frame, live or read from a file, is matched and
// counted in the run's stats record. MatchAndCount is the one step every capture loop
// takes per frame (ProbeSession's capture thread, ReadCapture, MatchCaptureToSink).
#ifndef CUTPOINT_SESSION_STATS_ACCOUNTING_H_
#define CUTPOINT_SESSION_STATS_ACCOUNTING_H_

#include "capture/frame_source.h"
#include "engine/match/matcher.h"
#include "engine/match/reply_record.h"
#include "engine/report/records.h"
#include "engine/wire/frame.h"

namespace cutpoint::session {

// Matches one frame and counts its outcome in `stats`. Fills `*reply` and returns true
// when the frame is a reply to one of our probes. The hot path of `match`: no allocation.
bool MatchAndCount(const match::Matcher& matcher, wire::LinkType link,
                   const capture::CapturedFrame& frame, match::ReplyRecord* reply,
                   report::ScanStats* stats);

// Counts one match outcome (and, for a rejection, its reason).
void CountOutcome(match::MatchOutcome outcome, match::RejectReason reason,
                  report::ScanStats* stats);

// Adds the outcome counters of `from` (those CountOutcome sets) to `to`: the totals of
// frames counted apart, e.g. batch by batch on several threads.
void AddOutcomeCounts(const report::ScanStats& from, report::ScanStats* to);

// The capture's own counters (received, dropped by the buffer or the interface).
void SetCaptureCounters(const capture::CaptureCounters& counters, report::ScanStats* stats);

// If `source` ended at a cut: marks `stats` (capture_truncated, truncated_at_byte).
void NoteTruncation(const capture::FrameSource& source, report::ScanStats* stats);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_STATS_ACCOUNTING_H_
