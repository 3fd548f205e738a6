// SPDX-License-Identifier: Apache-2.0
// The options trace, scan and locate share: one parser, each command's defaults, one
// order of checks, and help that states each command's own defaults.
#include "tools/cutpoint/common_config.h"

#include <string>
#include <utility>
#include <vector>

#include "engine/probe/probe4_kernel.h"
#include "gtest/gtest.h"
#include "session/probe_kernels.h"
#include "test_util.h"
#include "v4_ranges.h"

namespace cutpoint::cli {
namespace {

using testutil::Ip;

constexpr CommonDefaults kTrace = {.max_targets = 1 << 24, .ttl_min = 1, .ttl_max = 32};
constexpr CommonDefaults kScan = {
    .max_targets = 1 << 24, .ttl_min = 64, .ttl_max = 64, .one_ttl = true};
constexpr CommonDefaults kLocate = {
    .max_targets = 65536, .ttl_min = 1, .ttl_max = 32, .attempts = 2};

// The rows each command words for itself but the common parser reads.
constexpr cmdline::OptionSpec kOwnRows[] = {
    {"shards", 0, "N", ""}, {"shard", 0, "I", ""}, {"resume", 0, "FILE", ""}};

cmdline::ParsedArgs Args(const std::vector<std::string>& words) {
  absl::StatusOr<cmdline::ParsedArgs> args = cmdline::ParseArgs(WithCommonProbingOptions(kOwnRows), words);
  EXPECT_TRUE(args.ok()) << args.status();
  return args.ok() ? *std::move(args) : cmdline::ParsedArgs();
}

absl::StatusOr<CommonProbingConfig> Parse(const std::vector<std::string>& words,
                                          const CommonDefaults& defaults = kTrace) {
  CommonProbingConfig config;
  absl::Status status = ParseCommonProbingConfig(Args(words), defaults, &config);
  if (!status.ok()) return status;
  return config;
}

std::string Error(const std::vector<std::string>& words, const CommonDefaults& defaults = kTrace) {
  absl::StatusOr<CommonProbingConfig> config = Parse(words, defaults);
  return config.ok() ? "ok" : std::string(config.status().message());
}

TEST(CommonProbingConfigTest, EachCommandsDefaults) {
  for (const CommonDefaults& defaults : {kTrace, kScan, kLocate}) {
    absl::StatusOr<CommonProbingConfig> config = Parse({}, defaults);
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->ttl_min, defaults.ttl_min);
    EXPECT_EQ(config->ttl_max, defaults.ttl_max);
    EXPECT_EQ(config->attempts, defaults.attempts);
    EXPECT_EQ(config->rate_pps, 1000);
    EXPECT_EQ(config->cooldown_s, 2);
    EXPECT_FALSE(config->seed.has_value());
    EXPECT_EQ(config->shard_count, 1u);
    EXPECT_FALSE(config->sources.v4.has_value());
  EXPECT_FALSE(config->sources.v6.has_value());
    EXPECT_EQ(config->output, "-");
    EXPECT_TRUE(config->key_file.empty());
    EXPECT_FALSE(config->quiet);
  }
}

TEST(CommonProbingConfigTest, ParsesEveryOption) {
  absl::StatusOr<CommonProbingConfig> config =
      Parse({"--ttl", "3-7",        "-r", "max",      "--attempts", "3",           "--cooldown",
             "0.5",   "--seed",     "42", "--shards", "4",          "--shard",     "3",
             "-S",    "198.18.0.1", "-i", "eth1",     "-o",         "out",         "--key-file",
             "k",     "--resume",   "r",  "--user",   "u",          "--keep-root", "-q"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ttl_min, 3);
  EXPECT_EQ(config->ttl_max, 7);
  EXPECT_EQ(config->rate_pps, 0);  // "max"
  EXPECT_EQ(config->attempts, 3);
  EXPECT_EQ(config->cooldown_s, 0.5);
  EXPECT_EQ(config->seed, 42u);
  EXPECT_EQ(config->shard_count, 4u);
  EXPECT_EQ(config->shard_index, 3u);
  EXPECT_EQ(config->sources.v4, testutil::V4(Ip(198, 18, 0, 1)));
  EXPECT_EQ(config->interface, "eth1");
  EXPECT_EQ(config->output, "out");
  EXPECT_EQ(config->key_file, "k");
  EXPECT_EQ(config->resume_path, "r");
  EXPECT_EQ(config->run_as_user, "u");
  EXPECT_TRUE(config->keep_root);
  EXPECT_TRUE(config->quiet);
}

// --probe-kernels: the three modes into the session's config; avx512 only where the CPU
// has the kernels (a benchmark must measure what it names).
TEST(CommonProbingConfigTest, ProbeKernels) {
  absl::StatusOr<CommonProbingConfig> unset = Parse({});
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->probe_kernels, session::ProbeKernels::kAuto);
  const std::pair<const char*, session::ProbeKernels> modes[] = {
      {"auto", session::ProbeKernels::kAuto},
      {"scalar", session::ProbeKernels::kScalar},
      {"avx512", session::ProbeKernels::kAvx512}};
  for (const auto& [name, mode] : modes) {
    absl::StatusOr<CommonProbingConfig> config = Parse({"--probe-kernels", name});
    if (mode == session::ProbeKernels::kAvx512 && !probe::Probe4KernelSupported()) {
      ASSERT_FALSE(config.ok());
      EXPECT_EQ(config.status().message(),
                "--probe-kernels avx512: this CPU lacks the kernels' instructions (AVX-512 F, DQ, "
                "BW, VL, VBMI2 and VAES); use auto or scalar");
      continue;
    }
    ASSERT_TRUE(config.ok()) << name << ": " << config.status();
    EXPECT_EQ(config->probe_kernels, mode) << name;
    EXPECT_EQ(SessionConfigFor(*config, capture::TxSetup{}).probe_kernels, mode) << name;
  }
  for (const char* bad : {"", "AVX512", "vector", "scalar,auto"}) {
    EXPECT_EQ(Error({"--probe-kernels", bad}),
              std::string("bad --probe-kernels '") + bad + "' (expected auto, avx512 or scalar)");
  }
}

// --vantage: 1 to 64 of [A-Za-z0-9._-], else an error naming the flag and the rule.
TEST(CommonProbingConfigTest, VantageNames) {
  for (const std::string& name : {std::string("A"), std::string("fra-1.upstream_b"), std::string(64, 'v')}) {
    absl::StatusOr<CommonProbingConfig> config = Parse({"--vantage", name});
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->vantage, name);
  }
  absl::StatusOr<CommonProbingConfig> untagged = Parse({});
  ASSERT_TRUE(untagged.ok());
  EXPECT_TRUE(untagged->vantage.empty());
  for (const std::string& name : {std::string(""), std::string(65, 'v'), std::string("a b"),
                                 std::string("a/b"), std::string("\"a"), std::string("ä")}) {
    EXPECT_EQ(Error({"--vantage", name}),
              "bad --vantage '" + name + "' (1 to 64 characters of A-Z a-z 0-9 . _ -)");
  }
}

TEST(CommonProbingConfigTest, ScanTakesOneTtl) {
  EXPECT_EQ(Error({"--ttl", "1-5"}, kScan),
            "scan probes at one TTL (--ttl N); use trace for a range");
  absl::StatusOr<CommonProbingConfig> config = Parse({"--ttl", "9"}, kScan);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->ttl_min, 9);
  EXPECT_EQ(config->ttl_max, 9);
  EXPECT_EQ(Error({"--ttl", "1-5"}, kTrace), "ok");
}

TEST(CommonProbingConfigTest, SameMessagesForEveryCommand) {
  for (const CommonDefaults& defaults : {kTrace, kScan, kLocate}) {
    EXPECT_EQ(Error({"-r", "0"}, defaults),
              "bad rate '0' (expected packets per second > 0, or 'max')");
    EXPECT_EQ(Error({"--attempts", "5"}, defaults), "bad value '5' for --attempts (expected 1..4)");
    EXPECT_EQ(Error({"--cooldown", "-1"}, defaults),
              "bad value '-1' for --cooldown (expected seconds, 0..3600)");
    EXPECT_EQ(Error({"--seed", "x"}, defaults),
              "bad value 'x' for --seed (expected 0..9223372036854775807)");
    EXPECT_EQ(Error({"--ttl", "0"}, defaults), "bad TTL '0' (expected 1..255)");
    EXPECT_EQ(Error({"--shards", "2"}, defaults),
              "--shards needs an explicit --seed, the same for every shard");
    EXPECT_EQ(Error({"--seed", "1", "--shards", "2", "--shard", "2"}, defaults),
              "--shard 2 is not below --shards 2");
    EXPECT_EQ(Error({"-S", "0.0.0.0"}, defaults),
              "bad --source-ip '0.0.0.0': the unspecified address");
    EXPECT_EQ(Error({"-S", "::"}, defaults), "bad --source-ip '::': the unspecified address");
    EXPECT_EQ(Error({"-S", "198.18.0.1,198.18.0.2"}, defaults),
              "bad --source-ip '198.18.0.1,198.18.0.2': one source address per family (IPv4, "
              "IPv6)");
    EXPECT_EQ(Error({"-S", "fe80::1%lo"}, defaults),
              "bad --source-ip 'fe80::1%lo': zone ids (%...) name a local link, not a target");
    EXPECT_EQ(Error({"-S", "198.18.0.1,nonsense"}, defaults),
              "bad --source-ip '198.18.0.1,nonsense'");
  }
}

// The documented order of checks: the first bad option in it is the one reported.
TEST(CommonProbingConfigTest, FirstBadOptionInOrderWins) {
  const std::vector<std::vector<std::string>> in_order = {
      {"--ttl", "0"},  {"-r", "0"},       {"--attempts", "9"}, {"--cooldown", "x"},
      {"--seed", "x"}, {"--shards", "0"}, {"-S", "bad"}};
  for (size_t first = 0; first < in_order.size(); ++first) {
    std::vector<std::string> words;
    // The later ones first on the command line: the order of checks is not the order given.
    for (size_t i = in_order.size(); i-- > first;) {
      words.insert(words.end(), in_order[i].begin(), in_order[i].end());
    }
    EXPECT_EQ(Error(words), Error(in_order[first])) << in_order[first][0];
  }
}

TEST(TargetOptionsTest, MaxTargetsPerCommandAndDefaultBlocklist) {
  absl::StatusOr<targets::TargetOptions> trace = ParseTargetOptions(Args({"198.18.0.1"}), kTrace);
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->max_targets, uint64_t{1} << 24);
  EXPECT_EQ(trace->specs, std::vector<std::string>{"198.18.0.1"});
  absl::StatusOr<targets::TargetOptions> locate = ParseTargetOptions(Args({}), kLocate);
  ASSERT_TRUE(locate.ok());
  EXPECT_EQ(locate->max_targets, 65536u);
  absl::StatusOr<targets::TargetOptions> raised =
      ParseTargetOptions(Args({"--max-targets", "4294967296"}), kLocate);
  ASSERT_TRUE(raised.ok());
  EXPECT_EQ(raised->max_targets, uint64_t{1} << 32);
  EXPECT_EQ(ParseTargetOptions(Args({"--max-targets", "0"}), kLocate).status().message(),
            "bad value '0' for --max-targets (expected 1..4294967296)");

  setenv("CUTPOINT_DEFAULT_BLOCKLIST", "/some/optout.conf", 1);
  EXPECT_EQ(ParseTargetOptions(Args({}), kTrace)->default_blocklist, "/some/optout.conf");
  EXPECT_EQ(ParseTargetOptions(Args({"--no-default-blocklist"}), kTrace)->default_blocklist, "");
  unsetenv("CUTPOINT_DEFAULT_BLOCKLIST");
  EXPECT_EQ(ParseTargetOptions(Args({}), kTrace)->default_blocklist,
            "/etc/cutpoint/blocklist.conf");
}

TEST(ResolveRouteTest, GivenSourceAndInterfaceNeedNoRoute) {
  CommonProbingConfig config;
  config.sources.v4 = wire::IpAddress::V4(Ip(198, 18, 0, 1));
  config.interface = "nosuch0";
  const targets::TargetSet targets = testutil::V4Set({{Ip(198, 19, 0, 1), Ip(198, 19, 0, 1)}});
  EXPECT_TRUE(ResolveRoute(targets, true, &config).ok());
  EXPECT_EQ(config.interface, "nosuch0");
  config.interface.clear();
  // A dry run needs no interface.
  EXPECT_TRUE(ResolveRoute(targets, false, &config).ok());
  EXPECT_TRUE(config.interface.empty());
}

}  // namespace
}  // namespace cutpoint::cli
