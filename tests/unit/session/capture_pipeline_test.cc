// SPDX-License-Identifier: Apache-2.0
// MatchCaptureToSink (two threads, batches) against the one-thread loop it replaces: the
// same lines in the same order, the same counters, the same handling of a read error.
#include "session/capture_pipeline.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/probe/probe_builder.h"
#include "engine/report/json_line.h"
#include "gtest/gtest.h"
#include "test_util.h"
#include "session/stats_accounting.h"

namespace cutpoint::session {
namespace {

using testutil::Bytes;
using testutil::Ip;

constexpr testutil::Ipv4Literal kSource = Ip(192, 0, 2, 1);
constexpr int64_t kSendUs = 1700000000123456;

// Frames from memory; optionally a read error instead of frame `fail_at`.
class VectorSource : public capture::FrameSource {
 public:
  VectorSource(std::vector<Bytes> frames, std::vector<int64_t> times, size_t fail_at)
      : frames_(std::move(frames)), times_(std::move(times)), fail_at_(fail_at) {}
  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }
  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame* frame, bool) override {
    if (next_ == fail_at_) return absl::DataLossError("corrupt pcap: truncated dump file");
    if (next_ == frames_.size()) return capture::NextResult::kEnd;
    frame->data = frames_[next_].data();
    frame->len = frame->wire_len = frames_[next_].size();
    frame->time_us = times_[next_];
    ++next_;
    return capture::NextResult::kFrame;
  }
  capture::CaptureCounters Counters() const override { return {}; }

 private:
  std::vector<Bytes> frames_;
  std::vector<int64_t> times_;
  size_t fail_at_;
  size_t next_ = 0;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class CapturePipelineTest : public ::testing::Test {
 protected:
  // Several batches' worth of frames: replies of every shape to probes of ours, the same
  // under another key (rejected), unrelated and malformed frames, and a big frame.
  void SetUp() override {
    probe::ProbeKey other_key;
    other_key.bytes.fill(0x5a);
    probe::ProbeCodec other(other_key);
    probe::ProbeBuilder ours(codec_, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
    probe::ProbeBuilder theirs(other, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
    uint8_t buf[probe::kMaxProbeLen];
    for (uint32_t i = 0; i < 3000; ++i) {
      probe::ProbeSpec spec;
      spec.target = Ip(198, 19, i >> 8, i & 0xff);
      spec.type = i % 3 == 0 ? probe::ProbeType::kIcmpEcho : probe::ProbeType::kTcpSyn;
      spec.port = spec.type == probe::ProbeType::kTcpSyn ? static_cast<uint16_t>(20 + i % 50) : 0;
      spec.ttl = static_cast<uint8_t>(1 + i % 30);
      probe::ProbeBuilder& builder = i % 11 == 5 ? theirs : ours;
      Bytes probe(buf, buf + builder.Build(spec, kSendUs + i, buf));
      Bytes reply;
      switch (i % 5) {
        case 0:
        case 1:
          reply = spec.type == probe::ProbeType::kTcpSyn ? testutil::TcpReplyFor(probe)
                                                         : testutil::EchoReplyFor(probe);
          break;
        case 2: {
          testutil::IcmpErrorSpec err;
          err.router = Ip(203, 0, 113, i & 0xff);
          reply = testutil::BuildIcmpError(probe, err);
          break;
        }
        case 3: reply = Bytes(probe.begin(), probe.begin() + 9); break;  // malformed
        default: reply = probe; break;                                    // our own probe
      }
      Add(testutil::WrapEthernet(reply), kSendUs + 20000 + i);
      if (i % 97 == 0) Add(testutil::WrapEthernet(reply, {}, 0x86dd), kSendUs + i);  // not IPv4
      if (i == 1500) Add(Bytes(70000, 0xab), kSendUs);  // larger than a batch's byte budget
    }
  }
  void TearDown() override { std::remove(path_.c_str()); }

  void Add(Bytes frame, int64_t time_us) {
    frames_.push_back(std::move(frame));
    times_.push_back(time_us);
  }

  // The one-thread loop with the reference formatter.
  std::string Reference(size_t frames, report::ScanStats* stats) const {
    match::Matcher matcher(codec_, Config());
    std::string out;
    report::JsonLine line;
    for (size_t i = 0; i < frames; ++i) {
      match::ReplyRecord reply;
      match::RejectReason reason = match::RejectReason::kNone;
      match::MatchOutcome outcome = matcher.MatchFrame(
          wire::LinkType::kEthernet, frames_[i].data(), frames_[i].size(), times_[i], &reply, &reason);
      CountOutcome(outcome, reason, stats);
      if (outcome != match::MatchOutcome::kMatched) continue;
      report::FormatReply(reply, &line);
      absl::string_view text = line.Finish();
      out.append(text.data(), text.size());
    }
    return out;
  }

  absl::StatusOr<report::ScanStats> Run(size_t fail_at) {
    VectorSource source(frames_, times_, fail_at);
    match::Matcher matcher(codec_, Config());
    absl::StatusOr<std::unique_ptr<OutputSink>> sink = OutputSink::Open(path_);
    EXPECT_TRUE(sink.ok());
    EXPECT_TRUE((*sink)->Begin().ok());
    absl::StatusOr<report::ScanStats> stats =
        MatchCaptureToSink(source, "capture.pcap", matcher, **sink);
    EXPECT_TRUE((*sink)->Flush().ok());
    return stats;
  }

  static match::MatcherConfig Config() {
    match::MatcherConfig config;
    config.source_v4 = wire::IpAddress::V4(kSource);
    return config;
  }

  probe::ProbeCodec codec_{[] {
    probe::ProbeKey key;
    for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i);
    return key;
  }()};
  std::vector<Bytes> frames_;
  std::vector<int64_t> times_;
  // One file per test: ctest runs the tests of this suite in parallel processes.
  std::string path_ = ::testing::TempDir() + "/cutpoint_capture_pipeline_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ndjson";
};

void ExpectSameCounters(const report::ScanStats& a, const report::ScanStats& e) {
  EXPECT_EQ(a.probes_sent, e.probes_sent);
  EXPECT_EQ(a.replies_seen, e.replies_seen);
  EXPECT_EQ(a.matched, e.matched);
  EXPECT_EQ(a.rejected, e.rejected);
  EXPECT_EQ(a.rejected_by_reason.bad_flow_field, e.rejected_by_reason.bad_flow_field);
  EXPECT_EQ(a.rejected_by_reason.bad_mac, e.rejected_by_reason.bad_mac);
  EXPECT_EQ(a.unmatched, e.unmatched);
  EXPECT_EQ(a.malformed, e.malformed);
}

TEST_F(CapturePipelineTest, SameLinesAndCountersAsOneThread) {
  report::ScanStats expected;
  std::string reference = Reference(frames_.size(), &expected);
  ASSERT_GT(expected.matched, 1000u);
  ASSERT_GT(expected.rejected, 100u);
  ASSERT_GT(expected.probes_sent, 100u);
  ASSERT_GT(expected.malformed, 100u);
  absl::StatusOr<report::ScanStats> stats = Run(SIZE_MAX);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ExpectSameCounters(*stats, expected);
  EXPECT_TRUE(ReadFile(path_) == reference) << "output differs from the one-thread loop";
}

TEST_F(CapturePipelineTest, ReadErrorKeepsTheRepliesBeforeIt) {
  for (size_t fail_at : {size_t{0}, size_t{1}, size_t{1023}, size_t{1024}, size_t{2500}}) {
    SCOPED_TRACE(fail_at);
    report::ScanStats ignored;
    std::string reference = Reference(fail_at, &ignored);
    absl::StatusOr<report::ScanStats> stats = Run(fail_at);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(stats.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(stats.status().message(), "capture.pcap: corrupt pcap: truncated dump file");
    EXPECT_TRUE(ReadFile(path_) == reference);
  }
}

TEST_F(CapturePipelineTest, WriteErrorStopsTheRun) {
  VectorSource source(frames_, times_, SIZE_MAX);
  match::Matcher matcher(codec_, Config());
  absl::StatusOr<std::unique_ptr<OutputSink>> sink = OutputSink::Open("/dev/full");
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Begin().ok());
  absl::StatusOr<report::ScanStats> stats = MatchCaptureToSink(source, "c.pcap", matcher, **sink);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("/dev/full"), absl::string_view::npos)
      << stats.status();
}

}  // namespace
}  // namespace cutpoint::session
