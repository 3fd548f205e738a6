// SPDX-License-Identifier: Apache-2.0
// A capture cut short, at every byte: `locate --from-pcap` (ReadCapture) and `match`
// (MatchCaptureToSink) read up to the cut and use every whole packet before it, mark the
// stats capture_truncated with the offset of the record cut short, and a cut at a record
// boundary is a clean end. Classic pcap (our record reader) and pcapng (libpcap) alike.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "engine/probe/probe_builder.h"
#include "gtest/gtest.h"
#include "test_util.h"
#include "session/capture_pipeline.h"
#include "engine/report/run_notes.h"
#include "session/offline_capture.h"

namespace cutpoint::session {
namespace {

using testutil::Bytes;
using testutil::Ip;

constexpr testutil::Ipv4Literal kSource = Ip(192, 0, 2, 1);
constexpr int64_t kSendUs = 1700000000123456;

void Put32(Bytes* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

class TruncatedCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    probe::ProbeBuilder builder(codec_, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
    uint8_t buf[probe::kMaxProbeLen];
    for (uint32_t i = 0; i < 5; ++i) {  // SYN-ACKs, an echo reply, an ICMP error
      probe::ProbeSpec spec;
      spec.target = Ip(198, 19, 1, i);
      spec.type = i % 3 == 2 ? probe::ProbeType::kIcmpEcho : probe::ProbeType::kTcpSyn;
      spec.port = spec.type == probe::ProbeType::kTcpSyn ? 25 : 0;
      spec.ttl = static_cast<uint8_t>(1 + i);
      Bytes probe(buf, buf + builder.Build(spec, kSendUs + i, buf));
      frames_.push_back(testutil::WrapEthernet(probe));  // our own probe: counted as sent
      Bytes reply;
      if (i % 4 == 3) {
        testutil::IcmpErrorSpec error;
        error.router = Ip(203, 0, 113, i);
        reply = testutil::BuildIcmpError(probe, error);
      } else {
        reply = spec.type == probe::ProbeType::kTcpSyn ? testutil::TcpReplyFor(probe)
                                                       : testutil::EchoReplyFor(probe);
      }
      frames_.push_back(testutil::WrapEthernet(reply));
    }
    // Matched replies among the first n frames, for every n.
    match::Matcher matcher(codec_, Config());
    matched_before_.push_back(0);
    for (const Bytes& frame : frames_) {
      match::ReplyRecord reply;
      match::RejectReason reason;
      bool matched = matcher.MatchFrame(wire::LinkType::kEthernet, frame.data(), frame.size(),
                                        kSendUs + 50000, &reply, &reason) ==
                     match::MatchOutcome::kMatched;
      matched_before_.push_back(matched_before_.back() + (matched ? 1 : 0));
    }
    ASSERT_EQ(matched_before_.back(), 5u);
  }
  void TearDown() override {
    std::remove(capture_path_.c_str());
    std::remove(output_path_.c_str());
  }

  // A classic pcap written by PcapWriter; `starts` gets each record's offset and the end.
  Bytes Classic(std::vector<size_t>* starts) {
    absl::StatusOr<std::unique_ptr<capture::PcapWriter>> writer =
        capture::PcapWriter::Create(capture_path_, wire::LinkType::kEthernet);
    EXPECT_TRUE(writer.ok());
    starts->assign(1, 24);
    for (const Bytes& frame : frames_) {
      (*writer)->Write(kSendUs + 50000, frame.data(), frame.size());
      starts->push_back(starts->back() + 16 + frame.size());
    }
    EXPECT_TRUE((*writer)->Close().ok());
    std::ifstream in(capture_path_, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // The same frames as pcapng (read by libpcap).
  Bytes Pcapng(std::vector<size_t>* starts) {
    Bytes out = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
                 1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 4, 0, 20, 0, 0, 0};
    starts->assign(1, out.size());
    for (const Bytes& frame : frames_) {
      uint32_t padded = static_cast<uint32_t>((frame.size() + 3) & ~size_t{3});
      uint64_t micros = kSendUs + 50000;
      for (uint32_t word : {6u, 32 + padded, 0u, static_cast<uint32_t>(micros >> 32),
                            static_cast<uint32_t>(micros), static_cast<uint32_t>(frame.size()),
                            static_cast<uint32_t>(frame.size())}) {
        Put32(&out, word);
      }
      out.insert(out.end(), frame.begin(), frame.end());
      out.insert(out.end(), padded - frame.size(), 0);
      Put32(&out, 32 + padded);
      starts->push_back(out.size());
    }
    return out;
  }

  void WriteCapture(const Bytes& bytes) {
    std::FILE* file = std::fopen(capture_path_.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
  }

  size_t OutputLines() {
    std::ifstream in(output_path_);
    size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }

  // Both readers over every cut of `full` from starts[0] on.
  void ExpectEveryCutUsesWhatIsThere(const Bytes& full, const std::vector<size_t>& starts) {
    ASSERT_EQ(starts.back(), full.size());
    match::Matcher matcher(codec_, Config());
    for (size_t cut = starts.front(); cut <= full.size(); ++cut) {
      SCOPED_TRACE(cut);
      WriteCapture(Bytes(full.begin(), full.begin() + static_cast<long>(cut)));
      size_t whole = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), cut) -
                                         starts.begin()) - 1;
      bool at_boundary = cut == starts[whole];

      absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
          capture::PcapSource::OpenOffline(capture_path_);
      ASSERT_TRUE(source.ok()) << source.status();
      size_t replies = 0;
      absl::StatusOr<report::ScanStats> stats =
          ReadCapture(**source, capture_path_, matcher, [&](const match::ReplyRecord&) {
            ++replies;
            return absl::OkStatus();
          });
      ASSERT_TRUE(stats.ok()) << stats.status();
      EXPECT_EQ(replies, matched_before_[whole]);
      EXPECT_EQ(stats->matched, matched_before_[whole]);
      EXPECT_EQ(stats->capture_truncated, !at_boundary);
      if (!at_boundary) {
        EXPECT_EQ(stats->truncated_at_byte, starts[whole]);
      }

      // The two-thread pipeline costs ~10 ms a run (its batches): every cut of the last
      // two records, and the bytes around every record boundary.
      bool near_boundary = cut + 1 >= starts[whole + (whole + 1 < starts.size() ? 1 : 0)] ||
                           cut <= starts[whole] + 1;
      if (whole + 2 < starts.size() - 1 && !near_boundary) continue;
      source = capture::PcapSource::OpenOffline(capture_path_);
      ASSERT_TRUE(source.ok());
      absl::StatusOr<std::unique_ptr<OutputSink>> sink = OutputSink::Open(output_path_);
      ASSERT_TRUE(sink.ok());
      ASSERT_TRUE((*sink)->Begin().ok());  // outputs are written only once a run starts
      stats = MatchCaptureToSink(**source, capture_path_, matcher, **sink);
      ASSERT_TRUE(stats.ok()) << stats.status();
      ASSERT_TRUE((*sink)->Flush().ok());
      sink->reset();
      EXPECT_EQ(OutputLines(), matched_before_[whole]);
      EXPECT_EQ(stats->matched, matched_before_[whole]);
      EXPECT_EQ(stats->capture_truncated, !at_boundary);
      if (!at_boundary) {
        EXPECT_EQ(stats->truncated_at_byte, starts[whole]);
      }
    }
  }

  static match::MatcherConfig Config() {
    match::MatcherConfig config;
    config.source_v4 = wire::IpAddress::V4(kSource);
    return config;
  }

  probe::ProbeCodec codec_{[] {
    probe::ProbeKey key;
    for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(3 * i);
    return key;
  }()};
  std::vector<Bytes> frames_;
  std::vector<size_t> matched_before_;
  std::string name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::string capture_path_ = ::testing::TempDir() + "/cutpoint_truncated_" + name_ + "_" +
                              std::to_string(getpid()) + ".pcap";
  std::string output_path_ = capture_path_ + ".ndjson";
};

TEST_F(TruncatedCaptureTest, ClassicPcapCutAtEveryByte) {
  std::vector<size_t> starts;
  Bytes full = Classic(&starts);
  ExpectEveryCutUsesWhatIsThere(full, starts);
}

TEST_F(TruncatedCaptureTest, PcapngCutAtEveryByte) {
  std::vector<size_t> starts;
  Bytes full = Pcapng(&starts);
  ExpectEveryCutUsesWhatIsThere(full, starts);
}

TEST(InputNotesTest, WrongKeyHintOnlyWhenNothingAuthenticated) {
  report::ScanStats stats;
  EXPECT_FALSE(report::UnauthenticatedHint(stats).has_value());  // nothing reply-shaped at all
  stats.rejected = 7;
  stats.rejected_by_reason.bad_flow_field = 5;
  stats.rejected_by_reason.bad_mac = 2;
  std::optional<std::string> hint = report::UnauthenticatedHint(stats);
  ASSERT_TRUE(hint.has_value());
  EXPECT_EQ(*hint, "0 of 7 reply-shaped packets authenticated: wrong --key-file?");
  report::ScanStats one_matched = stats;
  one_matched.matched = 1;
  EXPECT_FALSE(report::UnauthenticatedHint(one_matched).has_value());
  report::ScanStats one_authenticated = stats;  // authenticated, but for another target
  one_authenticated.rejected = 8;
  one_authenticated.rejected_by_reason.not_our_target = 1;
  EXPECT_FALSE(report::UnauthenticatedHint(one_authenticated).has_value());
}

}  // namespace
}  // namespace cutpoint::session
