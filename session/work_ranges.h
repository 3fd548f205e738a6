// SPDX-License-Identifier: Apache-2.0
// Positions of a send order still to be sent, as disjoint half-open ranges. Splitting
// them among sender threads and saving what is left make --sender-threads and --resume
// independent of each other: a scan resumed with another thread count neither repeats
// nor skips a probe.
#ifndef CUTPOINT_SESSION_WORK_RANGES_H_
#define CUTPOINT_SESSION_WORK_RANGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cutpoint::session {

struct PositionRange {
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
  uint64_t size() const { return end - begin; }
  friend bool operator==(const PositionRange&, const PositionRange&) = default;
};

uint64_t TotalPositions(const std::vector<PositionRange>& ranges);

// Cuts `ranges` into `parts` consecutive pieces of (almost) equal probe counts.
std::vector<std::vector<PositionRange>> SplitRanges(const std::vector<PositionRange>& ranges,
                                                    int parts);

// What a --resume file records: the identity of the send order and what is left of it.
struct ResumeState {
  std::string order_id;  // seed, shards, plan: a resumed run must walk the same order
  std::vector<PositionRange> remaining;
};

std::string FormatResumeState(const ResumeState& state);
absl::StatusOr<ResumeState> ParseResumeState(const std::string& text);
// Reads the file if it exists (nullopt-like empty order_id if not).
absl::StatusOr<ResumeState> ReadResumeFile(const std::string& path);
// Writes atomically (temporary file + rename), so a crash leaves the old or the new state;
// mode 0600 whatever the umask.
absl::Status WriteResumeFile(const std::string& path, const ResumeState& state);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_WORK_RANGES_H_
