// SPDX-License-Identifier: Apache-2.0
// The `cutpoint` command: dispatches to the subcommands.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/cutpoint/commands.h"
#include "tools/cutpoint/exit_codes.h"

namespace {

void PrintUsage(std::FILE* out) {
  std::fprintf(
      out,
      "usage: cutpoint COMMAND [options]\n\n"
      "Cutpoint locates where and how a network path filters traffic.\n\n"
      "commands:\n"
      "  trace    probe targets x TTLs with TCP SYN / ICMP echo, NDJSON replies out\n"
      "  scan     one probe per (target, port) at a fixed TTL: open / closed / unreachable\n"
      "  locate   judge per target whether, where and how TCP SYNs to a port are filtered\n"
      "  match    match the replies in a saved pcap to a scan's probes\n"
      "  report   compare locate verdicts from several vantages: blocked from one, open from "
      "another\n"
      "  merge    merge the outputs of a sharded scan, trace or locate into one NDJSON file\n"
      "  version  print the version\n\n"
      "'cutpoint COMMAND --help' or 'cutpoint help COMMAND' describes each command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> all(argv, argv + argc);
  if (argc < 2) {
    PrintUsage(stderr);
    return cutpoint::cli::kExitBadInput;
  }
  std::string command = all[1];
  std::vector<std::string> rest(all.begin() + 2, all.end());
  if (command == "trace") return cutpoint::cli::RunTrace(all, rest);
  if (command == "scan") return cutpoint::cli::RunScan(all, rest);
  if (command == "locate") return cutpoint::cli::RunLocate(all, rest);
  if (command == "match") return cutpoint::cli::RunMatch(all, rest);
  if (command == "report") return cutpoint::cli::RunReport(rest);
  if (command == "merge") return cutpoint::cli::RunMerge(rest);
  if (command == "version" || command == "--version") {
    std::printf("cutpoint %s\n", CUTPOINT_VERSION);
    return cutpoint::cli::kExitOk;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    // `cutpoint help COMMAND` is `cutpoint COMMAND --help`.
    if (command == "help" && rest.size() == 1 && rest[0] != "help" && rest[0] != "--help") {
      if (rest[0] == "version") {
        std::printf("usage: cutpoint version\n\nPrints the version.\n");
        return cutpoint::cli::kExitOk;
      }
      std::vector<std::string> argv = {all[0], rest[0], "--help"};
      std::vector<std::string> args = {"--help"};
      if (rest[0] == "trace") return cutpoint::cli::RunTrace(argv, args);
      if (rest[0] == "scan") return cutpoint::cli::RunScan(argv, args);
      if (rest[0] == "locate") return cutpoint::cli::RunLocate(argv, args);
      if (rest[0] == "match") return cutpoint::cli::RunMatch(argv, args);
      if (rest[0] == "report") return cutpoint::cli::RunReport(args);
      if (rest[0] == "merge") return cutpoint::cli::RunMerge(args);
      std::fprintf(stderr, "cutpoint: unknown command '%s' for 'cutpoint help'\n", rest[0].c_str());
      PrintUsage(stderr);
      return cutpoint::cli::kExitBadInput;
    }
    if (command == "help" && rest.size() > 1) {
      std::fprintf(stderr, "cutpoint: 'cutpoint help' takes one command at most\n");
      return cutpoint::cli::kExitBadInput;
    }
    PrintUsage(stdout);
    return cutpoint::cli::kExitOk;
  }
  std::fprintf(stderr, "cutpoint: unknown command '%s'\n", command.c_str());
  PrintUsage(stderr);
  return cutpoint::cli::kExitBadInput;
}
