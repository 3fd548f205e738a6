#include "tools/cutpoint/work_ranges.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cutpoint::cli {
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
  std::string temporary = path + ".tmp";
  auto failed = [&](const std::string& what) {
    return absl::UnavailableError(
        absl::StrCat("cannot write resume file '", what, "': ", strerror(errno)));
  };
  // 0600 whatever the umask: the file describes the scan's send order. fchmod also
  // tightens a temporary left behind by an older run.
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return failed(temporary);
  std::string text = FormatResumeState(state);
  bool ok = fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t written = write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    ok = written > 0;
    if (ok) done += static_cast<size_t>(written);
  }
  absl::Status status = ok ? absl::OkStatus() : failed(temporary);
  if (close(fd) != 0 && status.ok()) status = failed(temporary);
  if (!status.ok()) {
    unlink(temporary.c_str());
    return status;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    status = absl::UnavailableError(
        absl::StrCat("cannot replace resume file '", path, "': ", strerror(errno)));
    unlink(temporary.c_str());
    return status;
  }
  return absl::OkStatus();
}

}  // namespace cutpoint::cli
