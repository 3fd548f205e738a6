// ProbeSession's send side with fake backends: a sender offering ProbeBurstSender gets
// specs (built in place, partial bursts retried with the same send time), others get
// built packets, and so does every sender when probes are recorded as evidence.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "capture/send/probe_burst_sender.h"
#include "session/probe_session.h"

namespace cutpoint::session {
namespace {

constexpr uint32_t kSource = 0xc0000201;  // 192.0.2.1
constexpr size_t kProbes = 300;

probe::ProbeSpec SpecAt(uint64_t i) {
  probe::ProbeSpec s;
  s.target = 0xc6336400u + static_cast<uint32_t>(i % 200);  // 198.51.100.0/24
  s.type = i % 2 == 0 ? probe::ProbeType::kTcpSyn : probe::ProbeType::kIcmpEcho;
  s.port = s.type == probe::ProbeType::kTcpSyn ? 443 : 0;
  s.ttl = static_cast<uint8_t>(1 + i % 30);
  return s;
}

class ListSource final : public ProbeSource {
 public:
  uint64_t size() const override { return kProbes; }
  probe::ProbeSpec At(uint64_t index) const override { return SpecAt(index); }
};

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
};

// Takes at most 5 probes per call, so the session has to retry.
class FakeSender : public capture::PacketSender, public capture::ProbeBurstSender {
 public:
  FakeSender(Sent* sent, bool in_place) : sent_(sent), in_place_(in_place) {}
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
    size_t n = std::min<size_t>(specs.size(), 5);
    for (size_t i = 0; i < n; ++i) {
      uint8_t buffer[probe::kMaxProbeLen];
      sent_->packets.emplace_back(buffer, buffer + builder.Build(specs[i], send_us, buffer));
      send_times.push_back(send_us);
    }
    return n;
  }
  capture::ProbeBurstSender* AsProbeBurstSender() override {
    return in_place_ ? this : nullptr;
  }
  std::vector<int64_t> send_times;

 private:
  Sent* sent_;
  bool in_place_;
};

probe::ProbeKey TestKey() {
  probe::ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(3 * i + 1);
  return key;
}

// Sends every probe of ListSource in order (one thread, no permutation) and checks the
// count; returns what the fake sender saw.
Sent RunSession(bool in_place, capture::PcapWriter* evidence, std::vector<int64_t>* times) {
  probe::ProbeCodec codec(TestKey());
  Sent sent;
  FakeSender* sender = nullptr;
  SessionConfig config;
  config.source_address = kSource;
  config.drop_privileges = false;
  config.evidence = evidence;
  config.make_capture = [](const std::string&) -> absl::StatusOr<std::unique_ptr<capture::FrameSource>> {
    return std::make_unique<SilentCapture>();
  };
  config.make_sender = [&]() -> absl::StatusOr<std::unique_ptr<capture::PacketSender>> {
    auto fake = std::make_unique<FakeSender>(&sent, in_place);
    sender = fake.get();
    return std::unique_ptr<capture::PacketSender>(std::move(fake));
  };
  auto session = ProbeSession::Start(config, codec, [](const match::ReplyRecord&) {
    return absl::OkStatus();
  });
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return sent;
  std::atomic<bool> stop{false};
  ListSource source;
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
  probe::ProbeBuilder builder(codec, kSource);
  for (size_t i = 0; i < kProbes; ++i) {
    uint8_t expected[probe::kMaxProbeLen];
    size_t len = builder.Build(SpecAt(i), times[i], expected);
    EXPECT_EQ(sent.packets[i], Bytes(expected, expected + len)) << "probe " << i;
  }
  // A batch of 64 is taken 5 at a time: its retries carry the batch's send time.
  for (size_t i = 1; i < 5; ++i) EXPECT_EQ(times[i], times[0]);
}

TEST(ProbeSessionTest, PacketSendersGetBuiltPackets) {
  Sent sent = RunSession(/*in_place=*/false, nullptr, nullptr);
  EXPECT_EQ(sent.in_place_calls, 0u);
  EXPECT_GE(sent.bursts, kProbes / 5);
  EXPECT_EQ(sent.packets.size(), kProbes);
}

TEST(ProbeSessionTest, EvidenceRecordsTheBuiltPacketsOfEveryBackend) {
  std::string path = ::testing::TempDir() + "probe_session_evidence_" +
                     std::to_string(getpid()) + ".pcap";
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

}  // namespace
}  // namespace cutpoint::session
