// SPDX-License-Identifier: Apache-2.0
#include "tools/cutpoint/exit_codes.h"

#include <cstdio>
#include <string>

namespace cutpoint::cli {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kDataLoss:
      return kExitBadInput;
    case absl::StatusCode::kPermissionDenied:
      return kExitPrivilege;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitRuntime;
    case absl::StatusCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitInternal;
  }
}

int ReportError(const absl::Status& status) {
  std::string message(status.message());
  std::fprintf(stderr, "cutpoint: %s\n", message.c_str());
  return ExitCodeFor(status);
}

int RunCommand(absl::string_view name, std::span<const cmdline::OptionSpec> options,
               const std::vector<std::string>& words, absl::FunctionRef<void()> print_help,
               absl::FunctionRef<absl::StatusOr<int>(const cmdline::ParsedArgs&)> run) {
  absl::StatusOr<cmdline::ParsedArgs> args = cmdline::ParseArgs(options, words);
  if (!args.ok()) {
    ReportError(args.status());
    std::fprintf(stderr, "see 'cutpoint %s --help'\n", std::string(name).c_str());
    return kExitBadInput;
  }
  if (args->Has("help")) {
    print_help();
    return kExitOk;
  }
  absl::StatusOr<int> code = run(*args);
  return code.ok() ? *code : ReportError(code.status());
}

}  // namespace cutpoint::cli
