// SPDX-License-Identifier: Apache-2.0
// The locate sweep driver against a simulated network: a fake ProbeRunner answers every
// probe it is given as a path of routers 198.18.(ttl-1).2 and the target would, and
// feeds the replies through the handler into the sweep. Checks the rounds (TTL windows,
// who goes deeper, retry rows and their attempt numbers), that a stopped sweep resumes
// to the same observations, and the verdicts the judge reaches on what the sweep saw.
#include "session/locate_sweep.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/locate/verdict.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::session {
namespace {

using locate::VerdictKind;
using match::ReplyKind;
using probe::ProbeType;

constexpr uint16_t kTestPort = 25;
constexpr uint16_t kControlPort = 443;
constexpr uint32_t kSource = 0xc6120001;  // 198.18.0.1
constexpr uint64_t kSeed = 7;

uint32_t Ip(const char* text) { return *wire::ParseIpv4(text); }
testutil::Ipv4Literal Hop(int ttl) { return {0xc6120002 + (static_cast<uint32_t>(ttl - 1) << 8)}; }

// A host and its path, as the simulated network treats the probes sent to it.
struct Host {
  uint32_t address = 0;
  int distance = 5;              // hops to the host; 0: no host there
  int path_answers_until = 255;  // routers beyond this TTL answer nothing
  int test_dropped_after = 0;    // test probes vanish past this hop; 0: not filtered
  int loss_percent = 0;          // replies lost, decided per probe (attempt included)
};

class SimulatedNetwork {
 public:
  explicit SimulatedNetwork(std::vector<Host> hosts) : hosts_(std::move(hosts)) {}

  std::optional<match::ReplyRecord> Answer(const probe::ProbeSpec& probe) const {
    auto host = std::find_if(hosts_.begin(), hosts_.end(),
                             [&](const Host& h) { return wire::IpAddress::V4(h.address) == probe.target; });
    if (host == hosts_.end() || Lost(probe, host->loss_percent)) return std::nullopt;
    bool test = probe.type == ProbeType::kTcpSyn && probe.port == kTestPort;
    if (test && host->test_dropped_after != 0 && probe.ttl > host->test_dropped_after) {
      return std::nullopt;
    }
    match::ReplyRecord reply;
    reply.target = probe.target;
    reply.probe_type = probe.type;
    reply.port = probe.port;
    reply.probe_ttl = probe.ttl;
    reply.attempt = probe.attempt;
    reply.rtt_us = 1000 * probe.ttl;
    if (host->distance != 0 && probe.ttl >= host->distance) {
      reply.kind = probe.type == ProbeType::kIcmpEcho ? ReplyKind::kEchoReply : ReplyKind::kSynAck;
      reply.from = probe.target;
      reply.reply_ttl = static_cast<uint8_t>(65 - host->distance);
      return reply;
    }
    if (probe.ttl > host->path_answers_until) return std::nullopt;
    reply.kind = ReplyKind::kTimeExceeded;
    reply.from = wire::IpAddress::V4(Hop(probe.ttl));
    reply.reply_ttl = static_cast<uint8_t>(64 - probe.ttl);
    return reply;
  }

 private:
  // The same probe is always lost or always answered, whatever the order it is sent in.
  static bool Lost(const probe::ProbeSpec& p, int loss_percent) {
    if (loss_percent == 0) return false;
    uint64_t h = 1469598103934665603ull;
    for (uint64_t word : {p.target.low(), uint64_t{static_cast<uint8_t>(p.type)},
                          uint64_t{p.port}, uint64_t{p.ttl}, uint64_t{p.attempt}}) {
      h = (h ^ word) * 1099511628211ull;
      h ^= h >> 29;
    }
    return static_cast<int>(h % 100) < loss_percent;
  }

  std::vector<Host> hosts_;
};

struct SentRound {
  uint64_t seed = 0;
  std::vector<probe::ProbeSpec> probes;
};

// Plays the simulated network. Replies travel on a thread of their own (as the capture
// thread's do); they arrive before SendAll returns, or — with late replies — any time
// until the next round is sent.
class FakeRunner final : public ProbeRunner {
 public:
  FakeRunner(const SimulatedNetwork& network, ReplyHandler deliver)
      : network_(network), deliver_(std::move(deliver)) {}
  ~FakeRunner() override { Finish(); }

  // Sets `*stop` once `probes` probes have been sent, or in Wait call number `wait`.
  void StopAfterProbes(std::atomic<bool>* stop, uint64_t probes) {
    stop_ = stop;
    stop_after_probes_ = probes;
  }
  void StopInWait(std::atomic<bool>* stop, int wait) {
    stop_ = stop;
    stop_in_wait_ = wait;
  }
  void set_late_replies(bool late) { late_replies_ = late; }
  void FailSendNumber(int send) { fail_send_ = send; }

  absl::Status SendAll(const ProbeSource& source, uint64_t seed,
                       const std::atomic<bool>& stop) override {
    Finish();
    if (static_cast<int>(rounds_.size()) == fail_send_) {
      return absl::UnavailableError("the sender broke");
    }
    events_ += events_.empty() ? "S" : " S";
    PermutedSource ordered(source, seed);
    SentRound round{seed, {}};
    std::vector<match::ReplyRecord> replies;
    for (uint64_t i = 0; i < ordered.size() && !stop; ++i) {
      if (stop_ != nullptr && sent_ == stop_after_probes_) {
        stop_->store(true);
        break;
      }
      round.probes.push_back(ordered.At(i));
      ++sent_;
      if (auto reply = network_.Answer(round.probes.back())) replies.push_back(*reply);
    }
    // The send loop's batch form (PermutedSource::Fill, the round's FillAt) gives the same
    // probes in the same order.
    std::vector<probe::ProbeSpec> filled(round.probes.size());
    ordered.Fill(0, filled.size(), filled.data());
    for (size_t i = 0; i < filled.size(); ++i) {
      const probe::ProbeSpec& want = round.probes[i];
      EXPECT_TRUE(filled[i].target == want.target && filled[i].type == want.type &&
                  filled[i].port == want.port && filled[i].ttl == want.ttl &&
                  filled[i].attempt == want.attempt)
          << "round " << rounds_.size() << " probe " << i << ": "
          << wire::IpAddressToString(filled[i].target) << " TTL " << int{filled[i].ttl}
          << ", At() gives " << wire::IpAddressToString(want.target) << " TTL " << int{want.ttl};
    }
    rounds_.push_back(std::move(round));
    delivered_.insert(delivered_.end(), replies.begin(), replies.end());
    in_flight_ = std::thread([this, replies = std::move(replies)] {
      for (const match::ReplyRecord& reply : replies) EXPECT_TRUE(deliver_(reply).ok());
    });
    if (!late_replies_) Finish();
    return absl::OkStatus();
  }

  void Wait(double seconds) override {
    events_ += " W";
    EXPECT_EQ(seconds, 1.0);
    if (stop_ != nullptr && waits_++ == stop_in_wait_) stop_->store(true);
  }

  // The cooldown: every reply on its way has arrived.
  void Finish() {
    if (in_flight_.joinable()) in_flight_.join();
  }

  const std::vector<SentRound>& rounds() const { return rounds_; }
  const std::string& events() const { return events_; }
  uint64_t sent() const { return sent_; }
  const std::vector<match::ReplyRecord>& delivered() const { return delivered_; }

 private:
  const SimulatedNetwork& network_;
  ReplyHandler deliver_;
  std::atomic<bool>* stop_ = nullptr;
  uint64_t stop_after_probes_ = UINT64_MAX;
  int stop_in_wait_ = -1;
  int waits_ = 0;
  bool late_replies_ = false;
  int fail_send_ = -1;
  std::vector<SentRound> rounds_;
  std::string events_;
  uint64_t sent_ = 0;
  std::vector<match::ReplyRecord> delivered_;
  std::thread in_flight_;
};

// A probe by what the sweep decides about it (its order aside).
using ProbeId = std::tuple<wire::IpAddress, int, int, int, int>;  // target, kind, port, ttl, attempt
ProbeId IdOf(const probe::ProbeSpec& p) {
  return {p.target, static_cast<int>(p.type), p.port, p.ttl, p.attempt};
}
std::multiset<ProbeId> Ids(const SentRound& round) {
  std::multiset<ProbeId> ids;
  for (const probe::ProbeSpec& p : round.probes) ids.insert(IdOf(p));
  return ids;
}

// Every kind of every target at every TTL and attempt: a whole window round.
std::multiset<ProbeId> Grid(const std::vector<wire::IpAddress>& targets, int ttl_lo, int ttl_hi,
                            int attempt_lo, int attempt_count) {
  std::multiset<ProbeId> ids;
  for (const wire::IpAddress& target : targets) {
    for (int ttl = ttl_lo; ttl <= ttl_hi; ++ttl) {
      for (int attempt = attempt_lo; attempt < attempt_lo + attempt_count; ++attempt) {
        ids.insert({target, static_cast<int>(ProbeType::kTcpSyn), kTestPort, ttl, attempt});
        ids.insert({target, static_cast<int>(ProbeType::kTcpSyn), kControlPort, ttl, attempt});
        ids.insert({target, static_cast<int>(ProbeType::kIcmpEcho), 0, ttl, attempt});
      }
    }
  }
  return ids;
}
std::multiset<ProbeId> Grid(std::initializer_list<uint32_t> targets, int ttl_lo, int ttl_hi,
                            int attempt_lo, int attempt_count) {
  std::vector<wire::IpAddress> addresses;
  for (uint32_t target : targets) addresses.push_back(wire::IpAddress::V4(target));
  return Grid(addresses, ttl_lo, ttl_hi, attempt_lo, attempt_count);
}

std::string Dump(const locate::ObservationTable& table) {
  std::string text;
  const locate::LocateLayout& layout = table.layout();
  for (uint64_t i = 0; i < table.targets().size(); ++i) {
    for (int kind = 0; kind < static_cast<int>(layout.kinds.size()); ++kind) {
      for (int ttl = layout.ttl_min; ttl <= layout.ttl_max; ++ttl) {
        const locate::Cell& c = table.At(i, kind, ttl);
        absl::StrAppend(&text, i, "/", kind, "/", ttl, ": ", wire::IpAddressToString(c.te_from), " ",
                        wire::IpAddressToString(c.unreach_from), " ",
                        c.te_rtt_us, " ", c.target_rtt_us, " ", c.te_attempts, " ",
                        c.unreach_attempts, " ", c.synack_attempts, " ", c.rst_attempts, " ",
                        c.echo_attempts, " ", c.other_attempts, " ", c.synack_reply_ttl, " ",
                        c.echo_reply_ttl, "\n");
      }
    }
  }
  return text;
}

std::string Describe(const locate::Verdict& v) {
  return absl::StrCat(
      wire::IpAddressToString(v.target), " ", locate::VerdictName(v.verdict),
      v.reason.empty() ? "" : absl::StrCat(" (", v.reason, ")"),
      v.has_location ? absl::StrCat(" after ", v.after_ttl, " before ", v.before_ttl) : "",
      " distance ", v.distance);
}

std::string TempPath(const char* name) {
  return absl::StrCat(::testing::TempDir(), "/", name, ::getpid());
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// One sweep over the simulated network, from Open to the verdicts.
struct SweepRun {
  std::unique_ptr<locate::ObservationTable> table;
  std::unique_ptr<LocateSweep> sweep;
  std::unique_ptr<FakeRunner> runner;
  std::atomic<bool> stop{false};
  absl::Status status;
  std::string incomplete_reason;
  std::vector<locate::Verdict> verdicts;

  std::vector<std::string> Verdicts() const {
    std::vector<std::string> text;
    for (const locate::Verdict& v : verdicts) text.push_back(Describe(v));
    return text;
  }
  const locate::Verdict& Of(uint32_t target) const {
    for (const locate::Verdict& v : verdicts) {
      if (v.target == wire::IpAddress::V4(target)) return v;
    }
    ADD_FAILURE() << "no verdict for " << wire::Ipv4ToString(target);
    return verdicts.front();
  }
};

class LocateSweepTest : public testing::Test {
 protected:
  void SetNetwork(std::vector<Host> hosts, int ttl_min, int ttl_max) {
    std::vector<targets::IpRange> ranges;
    for (const Host& host : hosts) ranges.push_back(targets::IpRange::V4(host.address, host.address));
    targets_ = targets::TargetSet::FromRanges(std::move(ranges));
    network_ = std::make_unique<SimulatedNetwork>(std::move(hosts));
    layout_.ttl_min = static_cast<uint8_t>(ttl_min);
    layout_.ttl_max = static_cast<uint8_t>(ttl_max);
    layout_.kinds = {{ProbeType::kTcpSyn, kTestPort},
                     {ProbeType::kTcpSyn, kControlPort},
                     {ProbeType::kIcmpEcho, 0}};
  }

  static LocateSweepConfig Config(int window, int attempts, int retries) {
    LocateSweepConfig config;
    config.window = window;
    config.attempts = attempts;
    config.retries = retries;
    config.round_wait_s = 1;
    config.cooldown_s = 2;
    config.seed = kSeed;
    return config;
  }

  static locate::JudgeOptions Judge() {
    locate::JudgeOptions judge;

    judge.group_prefixes.v4 = 24;
    return judge;
  }

  using Arrange = std::function<void(FakeRunner&, std::atomic<bool>*)>;
  std::unique_ptr<SweepRun> Sweep(const LocateSweepConfig& config, const Arrange& arrange = nullptr,
                                  const std::string& plan = "plan") {
    auto run = std::make_unique<SweepRun>();
    absl::StatusOr<locate::ObservationTable> table =
        locate::ObservationTable::Create(&targets_, layout_);
    EXPECT_TRUE(table.ok()) << table.status();
    run->table = std::make_unique<locate::ObservationTable>(*std::move(table));
    absl::StatusOr<std::unique_ptr<LocateSweep>> sweep =
        LocateSweep::Open(config, run->table.get(), plan);
    EXPECT_TRUE(sweep.ok()) << sweep.status();
    if (!sweep.ok()) return run;
    run->sweep = *std::move(sweep);
    LocateSweep* into = run->sweep.get();
    run->runner = std::make_unique<FakeRunner>(*network_, [into](const match::ReplyRecord& r) {
      into->Add(r);
      return absl::OkStatus();
    });
    if (arrange) arrange(*run->runner, &run->stop);
    run->status = run->sweep->Run(*run->runner, Judge(), run->stop);
    run->runner->Finish();
    report::ScanStats stats;
    run->incomplete_reason = IncompleteReason(run->stop, &stats);
    locate::JudgeOptions judge = Judge();
    judge.incomplete_reason = run->incomplete_reason;
    judge.swept = run->sweep->Swept(judge);
    run->verdicts = locate::JudgeAll(*run->table, judge);
    return run;
  }

  targets::TargetSet targets_;
  locate::LocateLayout layout_;
  std::unique_ptr<SimulatedNetwork> network_;
};

const uint32_t kNear = Ip("198.19.1.1");     // reached at hop 5
const uint32_t kFar = Ip("198.19.2.1");      // reached at hop 10
const uint32_t kNobody = Ip("198.19.3.1");   // no host: the path answers up to hop 4
const uint32_t kDropped = Ip("198.19.4.1");  // TCP 25 dropped past hop 3; controls at hop 5

// Screen first: every target at TTL max (attempt 0), attempt 1 for the one whose test was
// silent, then the TTL sweep below TTL max for it and two clean siblings only; the
// verdicts equal the full sweep's, the screened-only targets without a distance.
TEST_F(LocateSweepTest, ScreenSweepsOnlyTheSuspiciousAndFindsTheSame) {
  std::vector<Host> hosts;
  for (uint32_t i = 1; i <= 12; ++i) {
    Host host{Ip("198.19.1.0") + i};
    if (i == 7) host.test_dropped_after = 2;
    hosts.push_back(host);
  }
  SetNetwork(hosts, 1, 8);
  LocateSweepConfig config = Config(3, 2, 2);  // windows 1-3, 4-6, 7: deeper rounds too
  std::unique_ptr<SweepRun> full = Sweep(config);
  config.screen = true;
  config.screen_sample = 0;
  config.screen_companions = 2;
  std::unique_ptr<SweepRun> screened = Sweep(config);
  ASSERT_TRUE(screened->status.ok()) << screened->status;

  const auto& rounds = screened->runner->rounds();
  ASSERT_GE(rounds.size(), 3u);
  std::vector<wire::IpAddress> all;
  for (const Host& host : hosts) all.push_back(wire::IpAddress::V4(host.address));
  EXPECT_EQ(Ids(rounds[0]), Grid(all, 8, 8, 0, 1));
  const uint32_t dropped = Ip("198.19.1.7");
  EXPECT_EQ(Ids(rounds[1]), Grid({dropped}, 8, 8, 1, 1));
  std::set<wire::IpAddress> swept;
  for (size_t round = 2; round < rounds.size(); ++round) {
    for (const probe::ProbeSpec& p : rounds[round].probes) {
      EXPECT_LT(p.ttl, 8);  // TTL max is the screen's
      swept.insert(p.target);
    }
  }
  EXPECT_EQ(swept.size(), 3u);  // the suspicious target and two clean siblings
  EXPECT_TRUE(swept.count(wire::IpAddress::V4(dropped)));
  EXPECT_EQ(screened->sweep->swept_targets(), 3u);
  EXPECT_LT(screened->runner->sent(), full->runner->sent() / 3);

  for (const Host& host : hosts) {
    const locate::Verdict& a = full->Of(host.address);
    const locate::Verdict& b = screened->Of(host.address);
    EXPECT_EQ(a.verdict, b.verdict) << Describe(b);
    EXPECT_EQ(a.after_ttl, b.after_ttl) << Describe(b);
    EXPECT_EQ(a.before_ttl, b.before_ttl) << Describe(b);
    EXPECT_EQ(a.scope, b.scope) << Describe(b);
    const bool was_swept = swept.count(wire::IpAddress::V4(host.address)) != 0;
    EXPECT_EQ(b.distance, was_swept ? 5 : 0) << Describe(b);
  }
  EXPECT_EQ(screened->Of(dropped).verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(screened->Of(dropped).after_ttl, 2);
}

// A capture of a full sweep, judged as a screened run would be: every target has answers
// below TTL max, so every target counts as swept and keeps its distance.
TEST_F(LocateSweepTest, FullSweepJudgedWithScreeningKeepsEveryDistance) {
  std::vector<Host> hosts;
  for (uint32_t i = 1; i <= 6; ++i) hosts.push_back(Host{Ip("198.19.1.0") + i});
  SetNetwork(hosts, 1, 8);
  std::unique_ptr<SweepRun> full = Sweep(Config(8, 2, 2));
  LocateSweepConfig screened_config = Config(8, 2, 2);
  screened_config.screen = true;
  absl::StatusOr<std::unique_ptr<LocateSweep>> rejudge =
      LocateSweep::Open(screened_config, full->table.get(), "plan");
  ASSERT_TRUE(rejudge.ok());
  locate::JudgeOptions judge = Judge();
  judge.swept = (*rejudge)->Swept(judge);
  ASSERT_NE(judge.swept, nullptr);
  for (const locate::Verdict& v : locate::JudgeAll(*full->table, judge)) {
    EXPECT_EQ(v.distance, 5) << Describe(v);
  }
}

TEST_F(LocateSweepTest, DeeperWindowsOnlyForTargetsNotReached) {
  SetNetwork({{kNear, 5}, {kFar, 10}, {kNobody, 0, 4}}, 1, 12);
  std::unique_ptr<SweepRun> run = Sweep(Config(4, 2, 2));
  ASSERT_TRUE(run->status.ok()) << run->status;
  EXPECT_EQ(run->runner->events(), "S W S W S W");
  const std::vector<SentRound>& rounds = run->runner->rounds();
  ASSERT_EQ(rounds.size(), 3u);
  EXPECT_EQ(Ids(rounds[0]), Grid({kNear, kFar, kNobody}, 1, 4, 0, 2));
  // Nobody's path still answered in the upper half of 1-4: deeper for it too.
  EXPECT_EQ(Ids(rounds[1]), Grid({kNear, kFar, kNobody}, 5, 8, 0, 2));
  // Near answered at 5; nothing answered Nobody's probes in 5-8: only Far goes on.
  EXPECT_EQ(Ids(rounds[2]), Grid({kFar}, 9, 12, 0, 2));
  for (size_t i = 0; i < rounds.size(); ++i) EXPECT_EQ(rounds[i].seed, kSeed + i);
  // Everything reached answers the test, nobody's silence is shared: no retry round.
  EXPECT_TRUE(run->sweep->next().retry);
  EXPECT_EQ(run->sweep->next().index, 3u);

  EXPECT_EQ(run->incomplete_reason, "");
  EXPECT_EQ(run->Of(kNear).verdict, VerdictKind::kReachable);
  EXPECT_EQ(run->Of(kNear).distance, 5);
  EXPECT_EQ(run->Of(kFar).verdict, VerdictKind::kReachable);
  EXPECT_EQ(run->Of(kFar).distance, 10);
  // Every probe of it, test and controls alike, dies after hop 4: no drop of the port.
  EXPECT_EQ(run->Of(kNobody).verdict, VerdictKind::kUnreachable) << Describe(run->Of(kNobody));
  EXPECT_EQ(run->Of(kNobody).after_ttl, 4);
}

TEST_F(LocateSweepTest, SilentTestRowsAreRetriedUntilTheSilenceProvesADrop) {
  SetNetwork({{kDropped, 5, 255, 3}}, 1, 6);
  std::unique_ptr<SweepRun> run = Sweep(Config(3, 1, 3));
  ASSERT_TRUE(run->status.ok()) << run->status;
  // Windows 1-3 and 4-6, then retries at attempts 1 and 2; after those the silence in
  // 9 rows (1/3 each) is below the budget: the third retry finds nothing to ask.
  EXPECT_EQ(run->runner->events(), "S W S W S W S W");
  const std::vector<SentRound>& rounds = run->runner->rounds();
  ASSERT_EQ(rounds.size(), 4u);
  EXPECT_EQ(Ids(rounds[0]), Grid({kDropped}, 1, 3, 0, 1));
  EXPECT_EQ(Ids(rounds[1]), Grid({kDropped}, 4, 6, 0, 1));
  EXPECT_EQ(Ids(rounds[2]), Grid({kDropped}, 4, 6, 1, 1));  // whole rows, attempt 1
  EXPECT_EQ(Ids(rounds[3]), Grid({kDropped}, 4, 6, 2, 1));  // attempt 2
  EXPECT_EQ(rounds[3].seed, kSeed + 3);
  EXPECT_TRUE(run->sweep->next().retry);
  EXPECT_EQ(run->sweep->next().retry_index, 2);

  const locate::Verdict& v = run->Of(kDropped);
  EXPECT_EQ(v.verdict, VerdictKind::kSilentDrop) << Describe(v);
  EXPECT_EQ(v.after_ttl, 3);
  EXPECT_EQ(v.after_addr, Hop(3));
  EXPECT_EQ(v.before_ttl, 4);
  EXPECT_EQ(v.test_probes, 9);
  EXPECT_LE(v.p, v.threshold);
}

TEST_F(LocateSweepTest, TooFewSilentRowsAreNoDrop) {
  SetNetwork({{kDropped, 5, 255, 3}}, 1, 6);
  // One retry: 6 rows, p = 3^-6 = 0.0014 above the budget of 0.001.
  std::unique_ptr<SweepRun> run = Sweep(Config(3, 1, 1));
  ASSERT_TRUE(run->status.ok()) << run->status;
  EXPECT_EQ(run->runner->events(), "S W S W S");  // no wait after the last retry
  const locate::Verdict& v = run->Of(kDropped);
  EXPECT_EQ(v.verdict, VerdictKind::kInconclusive) << Describe(v);
  EXPECT_EQ(v.test_probes, 6);
  EXPECT_GT(v.p, v.threshold);

  run = Sweep(Config(3, 1, 0));
  EXPECT_EQ(run->runner->events(), "S W S W");
  EXPECT_EQ(run->Of(kDropped).verdict, VerdictKind::kInconclusive);
}

TEST_F(LocateSweepTest, LostAnswersAreAskedAgainNotReadAsADrop) {
  const uint32_t lossy_near = Ip("198.19.5.1");
  const uint32_t lossy_far = Ip("198.19.6.1");  // beyond the TTL range
  SetNetwork({{lossy_near, 5, 255, 0, 50}, {lossy_far, 20, 255, 0, 50}}, 1, 8);
  LocateSweepConfig config = Config(8, 2, 2);
  std::unique_ptr<SweepRun> run = Sweep(config);
  ASSERT_TRUE(run->status.ok()) << run->status;
  const std::vector<SentRound>& rounds = run->runner->rounds();
  ASSERT_EQ(run->runner->events(), "S W S W S");  // one window, two retries
  EXPECT_EQ(Ids(rounds[0]), Grid({lossy_near, lossy_far}, 1, 8, 0, 2));

  // Retry rounds re-ask whole rows, at test cells that had drawn nothing yet.
  std::set<std::pair<wire::IpAddress, int>> test_answered;
  size_t answered = 0;
  for (size_t i = 0; i < rounds.size(); ++i) {
    if (i > 0) {
      std::set<std::pair<wire::IpAddress, int>> rows;
      for (const probe::ProbeSpec& p : rounds[i].probes) {
        EXPECT_EQ(p.attempt, config.attempts + static_cast<int>(i) - 1);
        rows.insert({p.target, p.ttl});
      }
      std::multiset<ProbeId> whole;
      for (auto [target, ttl] : rows) {
        EXPECT_FALSE(test_answered.count({target, ttl})) << "TTL " << ttl;
        whole.merge(Grid({target}, ttl, ttl, config.attempts + static_cast<int>(i) - 1, 1));
      }
      EXPECT_EQ(Ids(rounds[i]), whole);
    }
    for (const probe::ProbeSpec& p : rounds[i].probes) {
      std::optional<match::ReplyRecord> reply = network_->Answer(p);
      if (reply && p.port == kTestPort) test_answered.insert({p.target, p.ttl});
      answered += reply ? 1 : 0;
    }
  }
  EXPECT_EQ(answered, run->runner->delivered().size());

  EXPECT_EQ(run->Of(lossy_near).verdict, VerdictKind::kReachable);
  EXPECT_NE(run->Of(lossy_far).verdict, VerdictKind::kSilentDrop) << Describe(run->Of(lossy_far));
}

// The story: a host whose TCP 25 is dropped past hop 3 next to one reachable on it, a
// deeper network, no host at all, and two lossy paths (one beyond the TTL range).
class LocateStoryTest : public LocateSweepTest {
 protected:
  void SetUp() override {
    SetNetwork({{Ip("198.19.1.1"), 5},
                {Ip("198.19.1.2"), 5, 255, 3},
                {kFar, 10},
                {kNobody, 0, 4},
                {Ip("198.19.5.1"), 6, 255, 0, 30},
                {Ip("198.19.6.1"), 20, 255, 0, 50}},
               1, 16);
  }
  LocateSweepConfig StoryConfig() {
    LocateSweepConfig config = Config(8, 2, 2);
    config.resume_path = path_;
    return config;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::string path_ = TempPath("locate_sweep_resume");
};

TEST_F(LocateStoryTest, EveryVerdictOfTheStory) {
  std::unique_ptr<SweepRun> run = Sweep(StoryConfig());
  ASSERT_TRUE(run->status.ok()) << run->status;
  // Two windows, then two retries for the lossy path beyond the range.
  EXPECT_EQ(run->runner->events(), "S W S W S W S");
  EXPECT_EQ(run->Of(Ip("198.19.1.1")).verdict, VerdictKind::kReachable);
  const locate::Verdict& dropped = run->Of(Ip("198.19.1.2"));
  EXPECT_EQ(dropped.verdict, VerdictKind::kSilentDrop) << Describe(dropped);
  EXPECT_EQ(dropped.after_ttl, 3);
  EXPECT_EQ(dropped.before_ttl, 4);
  EXPECT_EQ(run->Of(kFar).verdict, VerdictKind::kReachable);
  EXPECT_EQ(run->Of(kNobody).verdict, VerdictKind::kUnreachable);
  EXPECT_NE(run->Of(Ip("198.19.6.1")).verdict, VerdictKind::kSilentDrop);
  EXPECT_EQ(run->Of(Ip("198.19.5.1")).verdict, VerdictKind::kReachable);
  int blocking = 0;
  for (const locate::Verdict& v : run->verdicts) blocking += locate::IsBlocking(v.verdict);
  EXPECT_EQ(blocking, 1);
  // A finished sweep leaves no resume file behind.
  ASSERT_TRUE(run->sweep->Conclude(false).ok());
  EXPECT_FALSE(Exists(path_));
}

// Stops at `arrange`'s point, saves, resumes from the file and finishes: the same
// rounds are sent from the cut on, and the observations and verdicts come out the same.
void ExpectResumesToTheSame(const SweepRun& whole,
                            const std::function<std::unique_ptr<SweepRun>()>& stopped_run,
                            const std::function<std::unique_ptr<SweepRun>()>& resumed_run,
                            const std::string& path) {
  std::unique_ptr<SweepRun> stopped = stopped_run();
  ASSERT_TRUE(stopped->status.ok());
  EXPECT_EQ(stopped->incomplete_reason, "interrupted");
  for (const locate::Verdict& v : stopped->verdicts) {
    // Missing answers can fake a drop: an interrupted sweep accuses nobody.
    EXPECT_TRUE(v.verdict == VerdictKind::kReachable || v.verdict == VerdictKind::kInconclusive)
        << Describe(v);
  }
  LocateRound cut = stopped->sweep->next();
  ASSERT_TRUE(stopped->sweep->Conclude(true).ok());
  ASSERT_TRUE(Exists(path));

  std::unique_ptr<SweepRun> resumed = resumed_run();
  ASSERT_TRUE(resumed->sweep->resuming());
  EXPECT_EQ(resumed->sweep->resumed_replies() == 0, cut.index == 0);
  ASSERT_TRUE(resumed->status.ok());
  EXPECT_EQ(resumed->incomplete_reason, "");
  const std::vector<SentRound>& again = resumed->runner->rounds();
  const std::vector<SentRound>& all = whole.runner->rounds();
  ASSERT_EQ(cut.index + again.size(), all.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].seed, all[cut.index + i].seed);
    EXPECT_EQ(Ids(again[i]), Ids(all[cut.index + i])) << "round " << cut.index + i;
  }
  EXPECT_EQ(Dump(*resumed->table), Dump(*whole.table));
  EXPECT_EQ(resumed->Verdicts(), whole.Verdicts());
  ASSERT_TRUE(resumed->sweep->Conclude(false).ok());
  EXPECT_FALSE(Exists(path));
}

TEST_F(LocateStoryTest, AStopMidRoundResumesToTheSameObservations) {
  std::unique_ptr<SweepRun> whole = Sweep(StoryConfig());
  ASSERT_TRUE(whole->status.ok());
  uint64_t total = whole->runner->sent();
  uint64_t first_round = whole->runner->rounds()[0].probes.size();
  ASSERT_GE(whole->runner->rounds().size(), 3u) << whole->runner->events();
  for (uint64_t stop_at : {uint64_t{0}, uint64_t{1}, first_round / 2, first_round, first_round + 1,
                           total - 20, total - 1}) {
    SCOPED_TRACE(absl::StrCat("stop after ", stop_at, " of ", total, " probes"));
    ExpectResumesToTheSame(
        *whole,
        [&] {
          return Sweep(StoryConfig(), [stop_at](FakeRunner& runner, std::atomic<bool>* stop) {
            runner.StopAfterProbes(stop, stop_at);
          });
        },
        [&] { return Sweep(StoryConfig()); }, path_);
  }
}

TEST_F(LocateStoryTest, AStopBetweenRoundsSendsTheWaitedRoundAgain) {
  std::unique_ptr<SweepRun> whole = Sweep(StoryConfig());
  int waits = static_cast<int>(
      std::count(whole->runner->events().begin(), whole->runner->events().end(), 'W'));
  ASSERT_GE(waits, 3);
  for (int wait = 0; wait < waits; ++wait) {
    SCOPED_TRACE(absl::StrCat("stop in wait ", wait));
    std::unique_ptr<SweepRun> probe = Sweep(
        StoryConfig(), [wait](FakeRunner& r, std::atomic<bool>* s) { r.StopInWait(s, wait); });
    // The round whose replies were being waited for is the cut one.
    EXPECT_EQ(probe->sweep->next().index, static_cast<uint64_t>(wait));
    ExpectResumesToTheSame(
        *whole,
        [&] {
          return Sweep(StoryConfig(), [wait](FakeRunner& runner, std::atomic<bool>* stop) {
            runner.StopInWait(stop, wait);
          });
        },
        [&] { return Sweep(StoryConfig()); }, path_);
  }
}

TEST_F(LocateStoryTest, AnInterruptedSweepAccusesNobody) {
  // Stopped in the wait after the second window: the drop's rows are all in, but a cut
  // sweep may miss answers anywhere, so no accusation stands.
  std::unique_ptr<SweepRun> run =
      Sweep(StoryConfig(), [](FakeRunner& r, std::atomic<bool>* s) { r.StopInWait(s, 1); });
  ASSERT_TRUE(run->status.ok());
  EXPECT_EQ(run->runner->events(), "S W S W");
  EXPECT_EQ(run->incomplete_reason, "interrupted");
  const locate::Verdict& dropped = run->Of(Ip("198.19.1.2"));
  EXPECT_EQ(dropped.verdict, VerdictKind::kInconclusive) << Describe(dropped);
  EXPECT_EQ(dropped.reason, "interrupted");
  EXPECT_EQ(run->Of(Ip("198.19.1.1")).verdict, VerdictKind::kReachable);
  EXPECT_EQ(run->Of(Ip("198.19.1.1")).distance, 0);  // a distance may rest on missing answers
}

TEST_F(LocateStoryTest, TheResumeFileOfAnotherPlanIsRefusedUntouched) {
  std::unique_ptr<SweepRun> stopped =
      Sweep(StoryConfig(), [](FakeRunner& r, std::atomic<bool>* s) { r.StopAfterProbes(s, 100); });
  ASSERT_TRUE(stopped->sweep->Conclude(true).ok());
  absl::StatusOr<locate::ObservationTable> table =
      locate::ObservationTable::Create(&targets_, layout_);
  ASSERT_TRUE(table.ok());
  absl::StatusOr<std::unique_ptr<LocateSweep>> other =
      LocateSweep::Open(StoryConfig(), &*table, "another plan");
  EXPECT_FALSE(other.ok());
  EXPECT_TRUE(Exists(path_));
}

TEST_F(LocateStoryTest, LateRepliesAreFoldedInWhileRoundsArePlanned) {
  std::unique_ptr<SweepRun> run =
      Sweep(StoryConfig(), [](FakeRunner& r, std::atomic<bool>*) { r.set_late_replies(true); });
  ASSERT_TRUE(run->status.ok());
  // Every reply delivered is in the table, whichever round it raced with.
  absl::StatusOr<locate::ObservationTable> expected =
      locate::ObservationTable::Create(&targets_, layout_);
  ASSERT_TRUE(expected.ok());
  for (const match::ReplyRecord& reply : run->runner->delivered()) expected->Add(reply);
  EXPECT_EQ(Dump(*run->table), Dump(*expected));
}

TEST_F(LocateStoryTest, ASendErrorEndsTheSweepAtThatRound) {
  std::unique_ptr<SweepRun> run =
      Sweep(StoryConfig(), [](FakeRunner& r, std::atomic<bool>*) { r.FailSendNumber(1); });
  EXPECT_EQ(run->status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(run->runner->events(), "S W");
  EXPECT_EQ(run->sweep->next().index, 1u);
  EXPECT_EQ(run->sweep->next().ttl_lo, 9);
}

TEST_F(LocateStoryTest, PlanIdNamesEverythingTheRoundsDependOn) {
  absl::StatusOr<locate::ObservationTable> table =
      locate::ObservationTable::Create(&targets_, layout_);
  ASSERT_TRUE(table.ok());
  std::vector<std::string> names = {"tcp-syn:25 (test)", "tcp-syn:443", "icmp-echo"};
  std::string id = LocatePlanId(StoryConfig(), *table, names, targets::GroupPrefixes{24, 48}, "k3y");
  // The resume files of earlier runs must stay readable: the text is part of the format.
  EXPECT_EQ(id,
            "targets=6/b1907a2ef3b4a64 probes=tcp-syn:25_(test),tcp-syn:443,icmp-echo "
            "ttl=1-16 window=8 attempts=2+2 group=24 key=k3y seed=7");
  LocateSweepConfig other = StoryConfig();
  other.seed = 8;
  EXPECT_NE(LocatePlanId(other, *table, names, targets::GroupPrefixes{24, 48}, "k3y"), id);
  EXPECT_NE(LocatePlanId(StoryConfig(), *table, names, targets::GroupPrefixes{16, 48}, "k3y"), id);
}

TEST_F(LocateStoryTest, MatcherTakesEveryAttemptAndTheLongestWait) {
  absl::StatusOr<locate::ObservationTable> table =
      locate::ObservationTable::Create(&targets_, layout_);
  ASSERT_TRUE(table.ok());
  LocateSweepConfig config = StoryConfig();
  config.cooldown_s = 5;
  match::MatcherConfig matcher = LocateMatcherConfig(config, *table, wire::SourceAddresses{wire::IpAddress::V4(kSource), std::nullopt});
  EXPECT_EQ(matcher.source_v4, wire::IpAddress::V4(kSource));
  EXPECT_EQ(matcher.targets, &targets_);
  EXPECT_EQ(matcher.ttl_min, 1);
  EXPECT_EQ(matcher.ttl_max, 16);
  EXPECT_EQ(matcher.attempts, 4);
  EXPECT_EQ(matcher.max_reply_age_us, match::ReplyAgeForWait(5));
}

TEST(IncompleteReasonTest, AStopOrAMissingAnswerIsNamed) {
  std::atomic<bool> stop{false};
  report::ScanStats stats;
  EXPECT_EQ(IncompleteReason(stop, &stats), "");
  stats.capture_truncated = true;
  EXPECT_EQ(IncompleteReason(stop, &stats), "capture_truncated");
  stats.send_errors = 1;
  EXPECT_EQ(IncompleteReason(stop, &stats), "send_errors");
  stats.pcap_ifdropped = 1;
  EXPECT_EQ(IncompleteReason(stop, &stats), "capture_loss");
  stop = true;  // between rounds or in the cooldown: the sender never saw it
  EXPECT_EQ(IncompleteReason(stop, &stats), "interrupted");
  EXPECT_TRUE(stats.interrupted);
}

}  // namespace
}  // namespace cutpoint::session
