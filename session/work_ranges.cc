// SPDX-License-Identifier: Apache-2.0
#include "session/work_ranges.h"


#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "session/private_file.h"

namespace cutpoint::session {
namespace {
constexpr char kHeader[] = "cutpoint-resume 1";
}  // namespace

uint64_t TotalPositions(const std::vector<PositionRange>& ranges) {
  uint64_t total = 0;
  for (const PositionRange& range : ranges) total += range.size();
  return total;
}

std::vector<std::vector<PositionRange>> SplitRanges(const std::vector<PositionRange>& ranges,
                                                    int parts) {
  std::vector<std::vector<PositionRange>> pieces(static_cast<size_t>(parts));
  uint64_t total = TotalPositions(ranges);
  size_t range_index = 0;
  uint64_t offset = 0;  // into ranges[range_index]
  for (int part = 0; part < parts; ++part) {
    uint64_t want = static_cast<uint64_t>(
        (static_cast<unsigned __int128>(total) * static_cast<uint64_t>(part + 1)) /
            static_cast<uint64_t>(parts) -
        (static_cast<unsigned __int128>(total) * static_cast<uint64_t>(part)) /
            static_cast<uint64_t>(parts));
    while (want > 0 && range_index < ranges.size()) {
      const PositionRange& range = ranges[range_index];
      uint64_t take = std::min(want, range.size() - offset);
      pieces[static_cast<size_t>(part)].push_back({range.begin + offset, range.begin + offset + take});
      want -= take;
      offset += take;
      if (offset == range.size()) {
        ++range_index;
        offset = 0;
      }
    }
  }
  return pieces;
}

std::string FormatResumeState(const ResumeState& state) {
  std::string text = absl::StrCat(kHeader, "\norder ", state.order_id, "\n");
  for (const PositionRange& range : state.remaining) {
    absl::StrAppend(&text, "remaining ", range.begin, " ", range.end, "\n");
  }
  absl::StrAppend(&text, "end\n");
  return text;
}

absl::StatusOr<ResumeState> ParseResumeState(const std::string& text) {
  ResumeState state;
  bool header = false, end = false;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (!header) {
      if (line != kHeader) return absl::InvalidArgumentError("not a cutpoint resume file");
      header = true;
      continue;
    }
    if (line == "end") {
      end = true;
      break;
    }
    if (absl::ConsumePrefix(&line, "order ")) {
      state.order_id = std::string(line);
      continue;
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    PositionRange range;
    if (fields.size() != 3 || fields[0] != "remaining" || !absl::SimpleAtoi(fields[1], &range.begin) ||
        !absl::SimpleAtoi(fields[2], &range.end) || range.end < range.begin) {
      return absl::InvalidArgumentError(absl::StrCat("bad resume line '", line, "'"));
    }
    state.remaining.push_back(range);
  }
  if (!header || !end || state.order_id.empty()) {
    return absl::InvalidArgumentError("truncated resume file");
  }
  return state;
}

absl::StatusOr<ResumeState> ReadResumeFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ResumeState{};
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<ResumeState> state = ParseResumeState(text.str());
  if (!state.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("resume file '", path, "': ", state.status().message()));
  }
  return state;
}

absl::Status WriteResumeFile(const std::string& path, const ResumeState& state) {
  return WritePrivateFileAtomically(path, FormatResumeState(state), "resume file", /*durable=*/false);
}

}  // namespace cutpoint::session
