// SPDX-License-Identifier: Apache-2.0
// ProbeSession with fake backends, no root: the send side (a sender offering
// ProbeBurstSender gets specs, built in place, partial bursts retried with the same send
// time; others get built packets, and so does every sender when probes are recorded as
// evidence), replies matched and counted, stopping, the cooldown, failures, progress.
#include "session/probe_session.h"

#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "capture/send/probe_burst_sender.h"
#include "engine/probe/probe4_kernel.h"
#include "session/status_file.h"
#include "session_fakes.h"

namespace cutpoint::session {
namespace {

using fakes::kSource;
using fakes::TestKey;

constexpr size_t kProbes = 300;

probe::ProbeSpec SpecAt(uint64_t i) {
  probe::ProbeSpec s;
  s.target = wire::IpAddress::V4(0xc6336400u + static_cast<uint32_t>(i % 200));  // 198.51.100.0/24
  s.type = i % 2 == 0 ? probe::ProbeType::kTcpSyn : probe::ProbeType::kIcmpEcho;
  s.port = s.type == probe::ProbeType::kTcpSyn ? 443 : 0;
  s.ttl = static_cast<uint8_t>(1 + i % 30);
  return s;
}

ListSource Probes(size_t count) {
  std::vector<probe::ProbeSpec> specs;
  for (size_t i = 0; i < count; ++i) specs.push_back(SpecAt(i));
  return ListSource(std::move(specs));
}

// Never delivers a frame.
class SilentCapture final : public capture::FrameSource {
 public:
  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }
  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame*, bool wait) override {
    if (wait) usleep(1000);
    return capture::NextResult::kTimeout;
  }
  capture::CaptureCounters Counters() const override { return {}; }
};

using Bytes = std::vector<uint8_t>;

struct Sent {
  std::vector<Bytes> packets;  // in send order
  size_t bursts = 0;           // SendBurst calls
  size_t in_place_calls = 0;   // SendProbes calls
  std::vector<bool> kernels;   // per SendProbes call: whether its builder ran the kernels
};

// Takes at most 5 probes per call, so the session has to retry.
class RecordingSender : public capture::PacketSender, public capture::ProbeBurstSender {
 public:
  RecordingSender(Sent* sent, bool in_place, bool user_space_bound = false)
      : sent_(sent), in_place_(in_place), user_space_bound_(user_space_bound) {}
  capture::BurstResult SendBurst(std::span<const capture::OutgoingPacket> packets) override {
    ++sent_->bursts;
    size_t n = std::min<size_t>(packets.size(), 5);
    for (size_t i = 0; i < n; ++i) {
      sent_->packets.emplace_back(packets[i].data, packets[i].data + packets[i].len);
    }
    return {n, 0};
  }
  size_t SendProbes(const probe::ProbeBuilder& builder, std::span<const probe::ProbeSpec> specs,
                    int64_t send_us) override {
    ++sent_->in_place_calls;
    sent_->kernels.push_back(builder.uses_kernels());
    size_t n = std::min<size_t>(specs.size(), 5);
    for (size_t i = 0; i < n; ++i) {
      uint8_t buffer[probe::kMaxProbeLen];
      sent_->packets.emplace_back(buffer, buffer + builder.Build(specs[i], send_us, buffer));
      send_times.push_back(send_us);
    }
    return n;
  }
  capture::ProbeBurstSender* AsProbeBurstSender() override { return in_place_ ? this : nullptr; }
  bool UserSpaceBound() const override { return user_space_bound_; }
  std::vector<int64_t> send_times;

 private:
  Sent* sent_;
  bool in_place_;
  bool user_space_bound_;
};

// Sends every probe of Probes(kProbes) in order (one thread, no permutation) and checks the
// count; returns what the fake sender saw.
Sent RunSession(bool in_place, capture::PcapWriter* evidence, std::vector<int64_t>* times,
                ProbeKernels kernels = ProbeKernels::kAuto, bool user_space_bound = false) {
  probe::ProbeCodec codec(TestKey());
  Sent sent;
  RecordingSender* sender = nullptr;
  SessionConfig config;
  config.sources.v4 = wire::IpAddress::V4(kSource);
  config.drop_privileges = false;
  config.evidence = evidence;
  config.probe_kernels = kernels;
  config.backend.make_capture =
      [](const std::string&) -> absl::StatusOr<std::unique_ptr<capture::FrameSource>> {
    return std::make_unique<SilentCapture>();
  };
  config.backend.make_sender = [&]() -> absl::StatusOr<std::unique_ptr<capture::PacketSender>> {
    auto fake = std::make_unique<RecordingSender>(&sent, in_place, user_space_bound);
    sender = fake.get();
    return std::unique_ptr<capture::PacketSender>(std::move(fake));
  };
  auto session = ProbeSession::Start(config, codec,
                                     [](const match::ReplyRecord&) { return absl::OkStatus(); });
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return sent;
  std::atomic<bool> stop{false};
  ListSource source = Probes(kProbes);
  EXPECT_TRUE((*session)->Send(source, {{0, kProbes}}, stop).ok());
  auto stats = (*session)->Finish(0);
  EXPECT_TRUE(stats.ok()) << stats.status();
  if (stats.ok()) {
    EXPECT_EQ(stats->probes_sent, kProbes);
  }
  if (times != nullptr) *times = sender->send_times;
  return sent;
}

TEST(ProbeSessionTest, InPlaceSendersGetSpecsAndRetriesKeepTheSendTime) {
  std::vector<int64_t> times;
  Sent sent = RunSession(/*in_place=*/true, nullptr, &times);
  EXPECT_EQ(sent.bursts, 0u);
  EXPECT_GE(sent.in_place_calls, kProbes / 5);
  ASSERT_EQ(sent.packets.size(), kProbes);
  ASSERT_EQ(times.size(), kProbes);
  probe::ProbeCodec codec(TestKey());
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  for (size_t i = 0; i < kProbes; ++i) {
    uint8_t expected[probe::kMaxProbeLen];
    size_t len = builder.Build(SpecAt(i), times[i], expected);
    EXPECT_EQ(sent.packets[i], Bytes(expected, expected + len)) << "probe " << i;
  }
  // A batch of 64 is taken 5 at a time: its retries carry the batch's send time.
  for (size_t i = 1; i < 5; ++i) EXPECT_EQ(times[i], times[0]);
}

// --probe-kernels: auto builds with the AVX-512 kernels (where the CPU has them) for a
// backend bound by user space only; avx512 and scalar hold whatever the backend.
TEST(ProbeSessionTest, ProbeKernelsFollowTheModeAndTheBackend) {
  const bool cpu = probe::Probe4KernelSupported();
  struct Case {
    ProbeKernels mode;
    bool user_space_bound;
    bool kernels;
  };
  for (const Case& c :
       {Case{ProbeKernels::kAuto, true, cpu}, Case{ProbeKernels::kAuto, false, false},
        Case{ProbeKernels::kAvx512, false, cpu}, Case{ProbeKernels::kScalar, true, false}}) {
    SCOPED_TRACE(testing::Message() << "mode " << static_cast<int>(c.mode) << ", user-space bound "
                                    << c.user_space_bound);
    Sent sent = RunSession(/*in_place=*/true, nullptr, nullptr, c.mode, c.user_space_bound);
    ASSERT_FALSE(sent.kernels.empty());
    for (bool kernels : sent.kernels) EXPECT_EQ(kernels, c.kernels);
    EXPECT_EQ(sent.packets.size(), kProbes);  // the same probes either way
  }
}

TEST(ProbeSessionTest, PacketSendersGetBuiltPackets) {
  Sent sent = RunSession(/*in_place=*/false, nullptr, nullptr);
  EXPECT_EQ(sent.in_place_calls, 0u);
  EXPECT_GE(sent.bursts, kProbes / 5);
  EXPECT_EQ(sent.packets.size(), kProbes);
}

TEST(ProbeSessionTest, EvidenceRecordsTheBuiltPacketsOfEveryBackend) {
  std::string path =
      ::testing::TempDir() + "probe_session_evidence_" + std::to_string(getpid()) + ".pcap";
  auto writer = capture::PcapWriter::Create(path, wire::LinkType::kRaw);
  ASSERT_TRUE(writer.ok()) << writer.status();
  Sent sent = RunSession(/*in_place=*/true, writer->get(), nullptr);
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(sent.in_place_calls, 0u);
  ASSERT_EQ(sent.packets.size(), kProbes);
  auto source = capture::PcapSource::OpenOffline(path);
  ASSERT_TRUE(source.ok()) << source.status();
  for (size_t i = 0; i < kProbes; ++i) {
    capture::CapturedFrame frame;
    auto next = (*source)->Next(&frame);
    ASSERT_TRUE(next.ok() && *next == capture::NextResult::kFrame) << "record " << i;
    EXPECT_EQ(Bytes(frame.data, frame.data + frame.len), sent.packets[i]) << "record " << i;
  }
  std::remove(path.c_str());
}

// ---- A whole session on the fakes: a network that answers, a capture that delivers.

constexpr uint32_t kBase = testutil::Ip(198, 18, 0, 0);  // probe i goes to kBase + i

// Probe i: its target says which position it was.
ListSource Numbered(size_t count) {
  std::vector<probe::ProbeSpec> specs;
  for (size_t i = 0; i < count; ++i) {
    probe::ProbeSpec spec;
    spec.target = wire::IpAddress::V4(kBase + static_cast<uint32_t>(i));
    spec.type = i % 2 == 0 ? probe::ProbeType::kTcpSyn : probe::ProbeType::kIcmpEcho;
    spec.port = spec.type == probe::ProbeType::kTcpSyn ? 443 : 0;
    spec.ttl = static_cast<uint8_t>(1 + i % 16);
    specs.push_back(spec);
  }
  return ListSource(std::move(specs));
}

uint64_t PositionOf(const testutil::Bytes& probe) { return fakes::TargetOf(probe) - kBase; }

// Keeps every snapshot, and whether OnStart came first.
class RecordingObserver final : public ProgressObserver {
 public:
  absl::Status OnStart() override {
    ++starts;
    return start_status;
  }
  void OnProgress(const ProgressSnapshot& snapshot) override {
    started_first = started_first && starts == 1;
    snapshots.push_back(snapshot);
    if (on_snapshot) on_snapshot(snapshot);
  }

  absl::Status start_status;
  std::function<void(const ProgressSnapshot&)> on_snapshot;
  int starts = 0;
  bool started_first = true;
  std::vector<ProgressSnapshot> snapshots;
};

struct LiveRun {
  std::unique_ptr<ProbeSession> session;
  std::vector<match::ReplyRecord> replies;  // in capture order
};

// Starts a session on `config`, collecting its replies in `run`.
absl::Status StartOn(const SessionConfig& config, const probe::ProbeCodec& codec, LiveRun* run) {
  absl::StatusOr<std::unique_ptr<ProbeSession>> session =
      ProbeSession::Start(config, codec, [run](const match::ReplyRecord& reply) {
        run->replies.push_back(reply);
        return absl::OkStatus();
      });
  if (!session.ok()) return session.status();
  run->session = std::move(*session);
  return absl::OkStatus();
}

TEST(ProbeSessionRunTest, RepliesAreMatchedAndCounted) {
  // Every third probe is answered; every fifth also draws a frame that is not for us, and
  // every seventh a reply to a probe of another scan (another key): rejected.
  probe::ProbeKey other_key;
  other_key.bytes.fill(0x5a);
  probe::ProbeCodec other(other_key);
  probe::ProbeBuilder theirs(other, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  fakes::FakeNetwork network([&](const testutil::Bytes& probe) {
    uint64_t i = PositionOf(probe);
    std::vector<fakes::Answer> answers;
    if (i % 3 == 0) answers = fakes::AnswerEveryProbe(probe);
    if (i % 5 == 0) answers.push_back({testutil::WrapEthernet(probe, {}, 0x86dd)});
    if (i % 7 == 0) {
      uint8_t forged[probe::kMaxProbeLen];
      probe::ProbeSpec spec = Numbered(i + 1).At(i);
      size_t len = theirs.Build(spec, WallClockMicros(), forged);
      auto more = fakes::AnswerEveryProbe(testutil::Bytes(forged, forged + len));
      answers.insert(answers.end(), more.begin(), more.end());
    }
    return answers;
  });
  constexpr uint64_t kCount = 420;
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(fakes::FakeConfig(&network, /*senders=*/2), codec, &run).ok());
  std::atomic<bool> stop{false};
  ListSource source = Numbered(kCount);
  std::vector<PositionRange> remaining = {{1, 2}};
  ASSERT_TRUE(run.session->Send(source, {{0, kCount}}, stop, &remaining).ok());
  EXPECT_TRUE(remaining.empty());
  absl::StatusOr<report::ScanStats> stats = run.session->Finish(0);
  ASSERT_TRUE(stats.ok()) << stats.status();

  uint64_t answered = (kCount + 2) / 3, unrelated = (kCount + 4) / 5, forged = (kCount + 6) / 7;
  EXPECT_EQ(stats->probes_sent, kCount);
  EXPECT_EQ(stats->send_errors, 0u);
  EXPECT_EQ(stats->matched, answered);
  EXPECT_EQ(stats->unmatched, unrelated);
  EXPECT_EQ(stats->rejected, forged);
  EXPECT_EQ(stats->rejected_by_reason.bad_flow_field + stats->rejected_by_reason.bad_mac, forged);
  EXPECT_EQ(stats->replies_seen, answered + unrelated + forged);
  EXPECT_TRUE(stats->has_capture_stats);
  EXPECT_EQ(stats->pcap_received, answered + unrelated + forged);
  EXPECT_EQ(stats->pcap_dropped, fakes::kFakeDrops);
  EXPECT_FALSE(stats->interrupted);
  ASSERT_EQ(run.replies.size(), answered);
  std::vector<bool> seen(kCount, false);
  for (const match::ReplyRecord& reply : run.replies) {
    uint64_t i = reply.target.v4() - kBase;
    ASSERT_LT(i, kCount);
    EXPECT_EQ(i % 3, 0u) << "probe " << i;
    EXPECT_FALSE(seen[i]) << "probe " << i;
    seen[i] = true;
    EXPECT_EQ(reply.probe_ttl, 1 + i % 16);
    EXPECT_EQ(reply.kind, i % 2 == 0 ? match::ReplyKind::kSynAck : match::ReplyKind::kTimeExceeded);
  }
}

// The stop flag is raised from inside the network after `stop_at` probes went out.
void ExpectStopLeavesTheRestUnsent(int senders, bool in_place) {
  SCOPED_TRACE(testing::Message() << senders << " senders, in place " << in_place);
  constexpr uint64_t kCount = 2000, kStopAt = 300;
  std::atomic<bool> stop{false};
  fakes::FakeNetwork network;
  network.set_on_carry([&](size_t carried) {
    if (carried == kStopAt) stop = true;
  });
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(fakes::FakeConfig(&network, senders, in_place), codec, &run).ok());
  ListSource source = Numbered(kCount);
  std::vector<PositionRange> remaining;
  ASSERT_TRUE(run.session->Send(source, {{0, kCount}}, stop, &remaining).ok());
  absl::StatusOr<report::ScanStats> stats = run.session->Finish(0);
  ASSERT_TRUE(stats.ok()) << stats.status();

  // What was sent and what is left make up every position exactly once.
  std::vector<testutil::Bytes> sent = network.sent();
  EXPECT_GE(sent.size(), kStopAt);
  EXPECT_LT(sent.size(), kCount);
  EXPECT_EQ(stats->probes_sent, sent.size());
  EXPECT_TRUE(stats->interrupted);
  EXPECT_EQ(TotalPositions(remaining), kCount - sent.size());
  std::vector<int> times(kCount, 0);
  for (const testutil::Bytes& probe : sent) ++times[PositionOf(probe)];
  for (const PositionRange& range : remaining) {
    for (uint64_t i = range.begin; i < range.end; ++i) ++times[i];
  }
  for (uint64_t i = 0; i < kCount; ++i) ASSERT_EQ(times[i], 1) << "position " << i;
}

TEST(ProbeSessionRunTest, StopRequestLeavesTheRestUnsentAndSaysWhich) {
  ExpectStopLeavesTheRestUnsent(1, false);
  ExpectStopLeavesTheRestUnsent(3, false);
  ExpectStopLeavesTheRestUnsent(2, true);
}

TEST(ProbeSessionRunTest, CooldownCapturesLateReplies) {
  // Every answer is held back until the cooldown has begun (the first cooldown snapshot).
  fakes::FakeNetwork network([](const testutil::Bytes& probe) {
    std::vector<fakes::Answer> answers = fakes::AnswerEveryProbe(probe);
    for (fakes::Answer& answer : answers) answer.late = true;
    return answers;
  });
  RecordingObserver observer;
  observer.on_snapshot = [&](const ProgressSnapshot& snapshot) {
    if (snapshot.phase == ProgressPhase::kCooldown) network.ReleaseLate();
  };
  SessionConfig config = fakes::FakeConfig(&network);
  config.progress = {&observer};
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(config, codec, &run).ok());
  std::atomic<bool> stop{false};
  ListSource source = Numbered(50);
  ASSERT_TRUE(run.session->Send(source, {{0, 50}}, stop).ok());
  // Longer than the first cooldown snapshot (a second in), which therefore always comes.
  absl::StatusOr<report::ScanStats> stats = run.session->Finish(/*cooldown_s=*/1.5);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->matched, 50u);
  EXPECT_EQ(run.replies.size(), 50u);
  const std::vector<ProgressSnapshot>& seen = observer.snapshots;
  auto sent = std::find_if(seen.begin(), seen.end(), [](const ProgressSnapshot& snapshot) {
    return snapshot.phase == ProgressPhase::kSent;
  });
  ASSERT_NE(sent, seen.end());
  EXPECT_EQ(sent->matched, 0u);  // nothing had come back yet
  EXPECT_NE(std::find_if(sent, seen.end(),
                         [](const ProgressSnapshot& snapshot) {
                           return snapshot.phase == ProgressPhase::kCooldown;
                         }),
            seen.end());
  EXPECT_EQ(seen.back().phase, ProgressPhase::kFinished);
  EXPECT_EQ(seen.back().matched, 50u);
}

TEST(ProbeSessionRunTest, CaptureFailureStopsTheSessionWithItsError) {
  fakes::FakeNetwork network(fakes::AnswerEveryProbe);
  absl::Status gone = absl::UnavailableError("capture: the interface went down");
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(fakes::FakeConfig(&network, 2, false, gone), codec, &run).ok());
  run.session->Wait(60);  // returns as soon as the capture thread has failed
  std::atomic<bool> stop{false};
  ListSource source = Numbered(100);
  std::vector<PositionRange> remaining;
  EXPECT_EQ(run.session->Send(source, {{0, 100}}, stop, &remaining), gone);
  EXPECT_EQ(TotalPositions(remaining), 100u);
  EXPECT_TRUE(network.sent().empty());
  EXPECT_EQ(run.session->Finish(0).status(), gone);
}

TEST(ProbeSessionRunTest, ReplyHandlerErrorStopsTheSession) {
  fakes::FakeNetwork network(fakes::AnswerEveryProbe);
  absl::Status full = absl::ResourceExhaustedError("output: no space left on device");
  probe::ProbeCodec codec(TestKey());
  absl::StatusOr<std::unique_ptr<ProbeSession>> session = ProbeSession::Start(
      fakes::FakeConfig(&network), codec, [&](const match::ReplyRecord&) { return full; });
  ASSERT_TRUE(session.ok()) << session.status();
  std::atomic<bool> stop{false};
  ListSource source = Numbered(10);
  absl::Status sent = (*session)->Send(source, {{0, 10}}, stop);
  EXPECT_TRUE(sent.ok() || sent == full) << sent;
  (*session)->Wait(60);  // returns as soon as the capture thread has failed
  EXPECT_EQ((*session)->Finish(0).status(), full);
}

TEST(ProbeSessionRunTest, ProgressObserverSeesTheRunInOrder) {
  fakes::FakeNetwork network(fakes::AnswerEveryProbe);
  RecordingObserver observer;
  SessionConfig config = fakes::FakeConfig(&network);
  config.rate_pps = 1000;  // 1200 probes: over a second, so at least one snapshot while sending
  config.progress = {&observer};
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(config, codec, &run).ok());
  EXPECT_EQ(observer.starts, 1);
  std::atomic<bool> stop{false};
  ListSource source = Numbered(1200);
  ASSERT_TRUE(run.session->Send(source, {{0, 1200}}, stop).ok());
  absl::StatusOr<report::ScanStats> stats = run.session->Finish(0);
  ASSERT_TRUE(stats.ok()) << stats.status();

  EXPECT_TRUE(observer.started_first);
  const std::vector<ProgressSnapshot>& seen = observer.snapshots;
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0].phase, ProgressPhase::kSending);
  uint64_t last_sent = 0, last_matched = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "snapshot " << i);
    if (i > 0) {
      EXPECT_GE(seen[i].phase, seen[i - 1].phase);
    }
    EXPECT_EQ(seen[i].total, 1200u);
    EXPECT_GE(seen[i].sent, last_sent);
    EXPECT_LE(seen[i].sent, 1200u);
    EXPECT_GE(seen[i].matched, last_matched);
    EXPECT_LE(seen[i].matched, seen[i].sent);
    EXPECT_GE(seen[i].elapsed_s, 0);
    last_sent = seen[i].sent;
    last_matched = seen[i].matched;
  }
  const ProgressSnapshot& done = seen[seen.size() - 2];
  EXPECT_EQ(done.phase, ProgressPhase::kSent);
  EXPECT_EQ(done.sent, 1200u);
  EXPECT_EQ(done.percent_done, 100.0);
  EXPECT_EQ(done.eta_s, 0.0);
  EXPECT_EQ(seen.back().phase, ProgressPhase::kFinished);
  EXPECT_EQ(seen.back().matched, stats->matched);
  EXPECT_EQ(seen.back().matched, 1200u);
  EXPECT_EQ(seen.back().capture_drops, fakes::kFakeDrops);
  // Hits are successes only (zmap's hit rate): the 600 SYN-ACKs, not the 600 time
  // exceeded answering the echo probes.
  EXPECT_EQ(seen.back().successes, 600u);
  EXPECT_DOUBLE_EQ(seen.back().hit_rate_percent, 50.0);
}

TEST(ProbeSessionRunTest, InterruptedSendIsReportedAsSuch) {
  std::atomic<bool> stop{false};
  fakes::FakeNetwork network;
  network.set_on_carry([&](size_t carried) {
    if (carried == 10) stop = true;
  });
  RecordingObserver observer;
  SessionConfig config = fakes::FakeConfig(&network);
  config.progress = {&observer};
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(config, codec, &run).ok());
  ListSource source = Numbered(1000);
  ASSERT_TRUE(run.session->Send(source, {{0, 1000}}, stop).ok());
  ASSERT_TRUE(run.session->Finish(0).ok());
  const std::vector<ProgressSnapshot>& seen = observer.snapshots;
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen[seen.size() - 2].phase, ProgressPhase::kInterrupted);
  EXPECT_LT(seen[seen.size() - 2].sent, 1000u);
  EXPECT_EQ(seen.back().phase, ProgressPhase::kFinished);
}

TEST(ProbeSessionRunTest, ObserverStartErrorRefusesTheRunBeforeAnyProbe) {
  fakes::FakeNetwork network;
  RecordingObserver observer;
  observer.start_status = absl::PermissionDeniedError("--status-file: cannot write");
  bool started = false;
  SessionConfig config = fakes::FakeConfig(&network);
  config.progress = {&observer};
  config.on_started = [&] {
    started = true;
    return absl::OkStatus();
  };
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  EXPECT_EQ(StartOn(config, codec, &run), observer.start_status);
  EXPECT_FALSE(started);
  EXPECT_TRUE(network.sent().empty());
}

TEST(ProbeSessionRunTest, StatusFileHoldsTheLastStatusOfTheSend) {
  std::string path =
      ::testing::TempDir() + "probe_session_status_" + std::to_string(getpid()) + ".json";
  fakes::FakeNetwork network(fakes::AnswerEveryProbe);
  StatusFileObserver status_file(path);
  SessionConfig config = fakes::FakeConfig(&network);
  config.progress = {&status_file};
  probe::ProbeCodec codec(TestKey());
  LiveRun run;
  ASSERT_TRUE(StartOn(config, codec, &run).ok());
  std::atomic<bool> stop{false};
  ListSource source = Numbered(64);
  ASSERT_TRUE(run.session->Send(source, {{0, 64}}, stop).ok());
  ASSERT_TRUE(run.session->Finish(0).ok());
  std::FILE* file = std::fopen(path.c_str(), "r");
  ASSERT_NE(file, nullptr);
  char text[1024] = {};
  size_t len = std::fread(text, 1, sizeof(text) - 1, file);
  std::fclose(file);
  std::string status(text, len);
  EXPECT_EQ(status.rfind("{\"type\":\"status\",\"elapsed_s\":", 0), 0u) << status;
  EXPECT_NE(status.find("\"probes_total\":64,\"probes_sent\":64,\"percent_done\":100.000000"),
            std::string::npos)
      << status;
  EXPECT_EQ(status.back(), '\n');
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cutpoint::session
