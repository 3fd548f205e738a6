// SPDX-License-Identifier: Apache-2.0
#include "capture/dpdk/dpdk_layout.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cutpoint::capture {
namespace {

// Far above any real machine, low enough that a typo cannot allocate much.
constexpr unsigned kMaxLcoreNumber = 4095;

absl::Status BadList(absl::string_view flag, absl::string_view list, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--dpdk-args ", flag, " ", list, ": ", why,
                   " (expected lcore numbers and ranges, e.g. -l 0-1 or -l 0,2-3)"));
}

absl::StatusOr<unsigned> ParseLcoreNumber(absl::string_view flag, absl::string_view list,
                                          absl::string_view text) {
  unsigned value = 0;
  if (!absl::SimpleAtoi(text, &value) || text.empty() || text[0] == '+' || text[0] == '-' ||
      value > kMaxLcoreNumber) {
    return BadList(flag, list, absl::StrCat("'", text, "' is not an lcore number"));
  }
  return value;
}

absl::StatusOr<std::vector<unsigned>> ParseList(absl::string_view flag, absl::string_view list) {
  std::vector<unsigned> lcores;
  for (absl::string_view part : absl::StrSplit(list, ',')) {
    std::vector<absl::string_view> ends = absl::StrSplit(part, absl::MaxSplits('-', 1));
    absl::StatusOr<unsigned> first = ParseLcoreNumber(flag, list, ends[0]);
    if (!first.ok()) return first.status();
    unsigned last = *first;
    if (ends.size() == 2) {
      absl::StatusOr<unsigned> parsed = ParseLcoreNumber(flag, list, ends[1]);
      if (!parsed.ok()) return parsed.status();
      last = *parsed;
      if (last < *first)
        return BadList(flag, list, absl::StrCat("range ", part, " runs backwards"));
    }
    for (unsigned lcore = *first; lcore <= last; ++lcore) lcores.push_back(lcore);
  }
  std::sort(lcores.begin(), lcores.end());
  lcores.erase(std::unique(lcores.begin(), lcores.end()), lcores.end());
  return lcores;
}

absl::StatusOr<std::vector<unsigned>> ParseMask(absl::string_view mask) {
  absl::string_view digits = mask;
  if (!absl::ConsumePrefix(&digits, "0x")) absl::ConsumePrefix(&digits, "0X");
  std::vector<unsigned> lcores;
  if (digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--dpdk-args -c ", mask, ": not a hexadecimal lcore mask"));
  }
  unsigned bit = 0;
  for (size_t i = digits.size(); i-- > 0; bit += 4) {
    char c = digits[i];
    int nibble = c >= '0' && c <= '9'   ? c - '0'
                 : c >= 'a' && c <= 'f' ? c - 'a' + 10
                 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                        : -1;
    if (nibble < 0 || bit > kMaxLcoreNumber) {
      return absl::InvalidArgumentError(
          absl::StrCat("--dpdk-args -c ", mask, ": not a hexadecimal lcore mask"));
    }
    for (unsigned b = 0; b < 4; ++b) {
      if (nibble & (1 << b)) lcores.push_back(bit + b);
    }
  }
  std::sort(lcores.begin(), lcores.end());
  return lcores;
}

}  // namespace

absl::StatusOr<DpdkThreadLayout> PlanDpdkThreads(const EalLcores& lcores, int sender_threads,
                                                 int cpus_available) {
  const size_t senders = static_cast<size_t>(std::max(1, sender_threads));
  if (lcores.workers.size() < senders) {
    std::vector<unsigned> all = lcores.workers;
    all.insert(all.begin(), lcores.main);
    return absl::InvalidArgumentError(absl::StrCat(
        "--tx dpdk runs each sender thread alone on a worker lcore, besides the main lcore "
        "(control and capture): ",
        senders, " sender thread(s) need ", senders + 1, " lcores, the EAL has ", all.size(),
        " (lcores ", FormatCpuList(all), ": main ", lcores.main, ", workers ",
        lcores.workers.empty() ? "none" : FormatCpuList(lcores.workers), "). ",
        static_cast<int>(senders + 1) > cpus_available
            ? absl::StrCat("This machine has only ", cpus_available, " usable CPU(s): pass ",
                           "--sender-threads ", std::max(1, cpus_available - 1))
            : absl::StrCat("Pass --dpdk-args \"-l 0-", senders,
                           " ...\" or fewer --sender-threads")));
  }
  DpdkThreadLayout layout;
  layout.main = lcores.main;
  layout.sender_lcores.assign(lcores.workers.begin(),
                              lcores.workers.begin() + static_cast<ptrdiff_t>(senders));
  if (lcores.workers.size() > senders) {
    layout.capture_lcore = lcores.workers[senders];
  } else {
    layout.capture_lcore = lcores.main;
    layout.capture_shares_main = true;
  }
  return layout;
}

absl::StatusOr<std::vector<unsigned>> RequestedLcores(absl::string_view eal_args) {
  std::vector<absl::string_view> args =
      absl::StrSplit(eal_args, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    absl::string_view value;
    std::string flag;
    if (arg == "-l" || arg == "--lcores" || arg == "-c") {
      if (i + 1 == args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--dpdk-args ", arg, " needs a value"));
      }
      flag = std::string(arg);
      value = args[++i];
    } else if (absl::StartsWith(arg, "--lcores=")) {
      flag = "--lcores";
      value = arg.substr(9);
    } else if (absl::StartsWith(arg, "-l") || absl::StartsWith(arg, "-c")) {
      flag = std::string(arg.substr(0, 2));
      value = arg.substr(2);
    } else {
      continue;
    }
    if (flag == "-c") return ParseMask(value);
    // The --lcores group syntax ("(0-3)@1", "1@2"): left to the EAL.
    if (value.find_first_of("()@") != absl::string_view::npos) return std::vector<unsigned>{};
    return ParseList(flag, value);
  }
  return std::vector<unsigned>{};
}

absl::Status CheckLcoresExist(const std::vector<unsigned>& requested,
                              const std::vector<unsigned>& available) {
  std::vector<unsigned> missing;
  for (unsigned lcore : requested) {
    if (std::find(available.begin(), available.end(), lcore) == available.end()) {
      missing.push_back(lcore);
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--dpdk-args asks for lcores ", FormatCpuList(requested), ", but CPU(s) ",
      FormatCpuList(missing), " do not exist or are not usable by this process (usable: ",
      available.empty() ? "none" : FormatCpuList(available),
      "); an lcore runs on the CPU of its number"));
}

std::string FormatCpuList(const std::vector<unsigned>& cpus) {
  std::vector<unsigned> sorted = cpus;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (!out.empty()) out += ",";
    absl::StrAppend(&out, sorted[i]);
    if (j > i) absl::StrAppend(&out, "-", sorted[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace cutpoint::capture
