// SPDX-License-Identifier: Apache-2.0
// pcap files written by PcapWriter, read back by PcapSource and matched frame by frame.
#include <pcap/pcap.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "engine/match/matcher.h"
#include "engine/probe/probe_builder.h"
#include "gtest/gtest.h"
#include "test_util.h"

namespace cutpoint::capture {
namespace {

using testutil::Bytes;
using testutil::Ip;

constexpr testutil::Ipv4Literal kSource = Ip(192, 0, 2, 1);
constexpr testutil::Ipv4Literal kTarget = Ip(185, 70, 40, 101);
constexpr int64_t kSendUs = 1700000000123456;

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/cutpoint_pcap_test_" + name;
}

Bytes ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

class PcapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    probe::ProbeBuilder builder(codec_, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
    uint8_t buf[probe::kMaxProbeLen];
    auto spec = [](probe::ProbeType type, uint16_t port, uint8_t ttl) {
      probe::ProbeSpec s;
      s.target = wire::IpAddress::V4(kTarget);
      s.type = type;
      s.port = port;
      s.ttl = ttl;
      return s;
    };
    size_t len = builder.Build(spec(probe::ProbeType::kTcpSyn, 443, 9), kSendUs, buf);
    Bytes tcp(buf, buf + len);
    len = builder.Build(spec(probe::ProbeType::kIcmpEcho, 0, 3), kSendUs, buf);
    Bytes icmp(buf, buf + len);
    testutil::IcmpErrorSpec err;
    err.router = Ip(203, 0, 113, 9);
    replies_ = {testutil::TcpReplyFor(tcp), testutil::EchoReplyFor(icmp),
                testutil::BuildIcmpError(tcp, err), testutil::BuildIcmpError(icmp, err)};
    expected_ttls_ = {9, 3, 9, 3};
  }
  void TearDown() override {
    for (const std::string& p : paths_) std::remove(p.c_str());
  }
  std::string Track(const std::string& path) {
    paths_.push_back(path);
    return path;
  }

  Bytes Frame(wire::LinkType link, const Bytes& l3) const {
    switch (link) {
      case wire::LinkType::kEthernet: return testutil::WrapEthernet(l3);
      case wire::LinkType::kLinuxSll: return testutil::WrapSll(l3);
      case wire::LinkType::kLinuxSll2: return testutil::WrapSll2(l3);
      case wire::LinkType::kNull: return testutil::WrapNull(l3, 2, false);
      case wire::LinkType::kLoop: return testutil::WrapNull(l3, 2, true);
      default: return l3;
    }
  }

  probe::ProbeCodec codec_{[] {
    probe::ProbeKey key;
    for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i);
    return key;
  }()};
  std::vector<Bytes> replies_;
  std::vector<int> expected_ttls_;
  std::vector<std::string> paths_;
};

TEST_F(PcapTest, WriteReadAndMatchEveryLinkType) {
  struct Case { wire::LinkType written; wire::LinkType read; };
  const Case cases[] = {
      {wire::LinkType::kRaw, wire::LinkType::kRaw},
      {wire::LinkType::kIpv4, wire::LinkType::kRaw},
      {wire::LinkType::kEthernet, wire::LinkType::kEthernet},
      {wire::LinkType::kLinuxSll, wire::LinkType::kLinuxSll},
      {wire::LinkType::kLinuxSll2, wire::LinkType::kLinuxSll2},
      {wire::LinkType::kNull, wire::LinkType::kNull},
      {wire::LinkType::kLoop, wire::LinkType::kLoop},
  };
  match::MatcherConfig config;
  config.source_v4 = wire::IpAddress::V4(kSource);
  match::Matcher matcher(codec_, config);
  for (const Case& c : cases) {
    SCOPED_TRACE(wire::LinkTypeName(c.written));
    std::string path = Track(TempPath(std::string(wire::LinkTypeName(c.written)) + ".pcap"));
    {
      absl::StatusOr<std::unique_ptr<PcapWriter>> writer = PcapWriter::Create(path, c.written);
      ASSERT_TRUE(writer.ok()) << writer.status();
      for (size_t i = 0; i < replies_.size(); ++i) {
        Bytes frame = Frame(c.written, replies_[i]);
        (*writer)->Write(kSendUs + 20000 + static_cast<int64_t>(i) * 1000, frame.data(), frame.size());
      }
      ASSERT_TRUE((*writer)->Close().ok());
      EXPECT_TRUE((*writer)->Close().ok()) << "Close is idempotent";
    }
    absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(path);
    ASSERT_TRUE(source.ok()) << source.status();
    EXPECT_EQ((*source)->link_type(), c.read);
    for (size_t i = 0; i < replies_.size(); ++i) {
      CapturedFrame frame;
      absl::StatusOr<NextResult> next = (*source)->Next(&frame);
      ASSERT_TRUE(next.ok()) << next.status();
      ASSERT_EQ(*next, NextResult::kFrame);
      Bytes expected = Frame(c.written, replies_[i]);
      EXPECT_EQ(frame.time_us, kSendUs + 20000 + static_cast<int64_t>(i) * 1000);
      EXPECT_EQ(frame.wire_len, expected.size());
      EXPECT_TRUE(testutil::BytesEqual(frame.data, frame.len, expected));
      match::ReplyRecord rec;
      ASSERT_EQ(matcher.MatchFrame((*source)->link_type(), frame.data, frame.len, frame.time_us, &rec),
                match::MatchOutcome::kMatched) << "frame " << i;
      EXPECT_EQ(rec.target, kTarget);
      EXPECT_EQ(rec.probe_ttl, expected_ttls_[i]);
      EXPECT_EQ(rec.recv_time_us, frame.time_us);
    }
    CapturedFrame frame;
    absl::StatusOr<NextResult> end = (*source)->Next(&frame);
    ASSERT_TRUE(end.ok()) << end.status();
    EXPECT_EQ(*end, NextResult::kEnd);
    CaptureCounters counters = (*source)->Counters();
    EXPECT_EQ(counters.received, 0u);
    EXPECT_EQ(counters.dropped, 0u);
  }
}

TEST_F(PcapTest, TruncatedFileEndsAtTheCut) {
  std::string path = Track(TempPath("full.pcap"));
  {
    absl::StatusOr<std::unique_ptr<PcapWriter>> writer =
        PcapWriter::Create(path, wire::LinkType::kEthernet);
    ASSERT_TRUE(writer.ok());
    for (const Bytes& reply : replies_) {
      Bytes frame = testutil::WrapEthernet(reply);
      (*writer)->Write(kSendUs, frame.data(), frame.size());
    }
    ASSERT_TRUE((*writer)->Close().ok());
  }
  Bytes full = ReadAll(path);
  size_t last_frame = testutil::WrapEthernet(replies_.back()).size();
  ASSERT_EQ(full.size(), 24 + 16 * replies_.size() + [&] {
    size_t n = 0;
    for (const Bytes& r : replies_) n += r.size() + 14;
    return n;
  }());
  // Cut in the middle of the last record's data, and in the middle of its header.
  for (size_t cut : {last_frame / 2, last_frame + 8}) {
    SCOPED_TRACE(cut);
    std::string truncated = Track(TempPath("truncated.pcap"));
    WriteAll(truncated, Bytes(full.begin(), full.end() - static_cast<long>(cut)));
    absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(truncated);
    ASSERT_TRUE(source.ok()) << source.status();
    for (size_t i = 0; i + 1 < replies_.size(); ++i) {
      CapturedFrame frame;
      absl::StatusOr<NextResult> next = (*source)->Next(&frame);
      ASSERT_TRUE(next.ok()) << next.status();
      EXPECT_EQ(*next, NextResult::kFrame);
    }
    EXPECT_FALSE((*source)->truncation().has_value());
    CapturedFrame frame;
    absl::StatusOr<NextResult> end = (*source)->Next(&frame);
    ASSERT_TRUE(end.ok()) << end.status();
    EXPECT_EQ(*end, NextResult::kEnd);
    std::optional<CaptureTruncation> cut = (*source)->truncation();
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(cut->offset, full.size() - 16 - last_frame);  // where the last record starts
    EXPECT_EQ(cut->frames_before, replies_.size() - 1);
    end = (*source)->Next(&frame);  // and stays ended
    ASSERT_TRUE(end.ok());
    EXPECT_EQ(*end, NextResult::kEnd);
  }
}

TEST_F(PcapTest, GarbageAndMissingFiles) {
  std::string garbage = Track(TempPath("garbage.pcap"));
  WriteAll(garbage, Bytes{'n', 'o', 't', ' ', 'a', ' ', 'p', 'c', 'a', 'p', 0, 1, 2, 3, 4, 5, 6,
                          7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(garbage);
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find(garbage), absl::string_view::npos)
      << source.status().message();

  std::string empty = Track(TempPath("empty.pcap"));
  WriteAll(empty, Bytes{});
  EXPECT_FALSE(PcapSource::OpenOffline(empty).ok());

  absl::StatusOr<std::unique_ptr<PcapSource>> missing =
      PcapSource::OpenOffline(TempPath("does_not_exist.pcap"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("does_not_exist"), absl::string_view::npos);
}

TEST_F(PcapTest, UnsupportedLinkTypeIsNamed) {
  std::string path = Track(TempPath("user0.pcap"));
  pcap_t* dead = pcap_open_dead(147 /* DLT_USER0 */, 65535);
  ASSERT_NE(dead, nullptr);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr) << pcap_geterr(dead);
  pcap_pkthdr header{};
  header.caplen = header.len = static_cast<bpf_u_int32>(replies_[0].size());
  pcap_dump(reinterpret_cast<u_char*>(dumper), &header, replies_[0].data());
  pcap_dump_close(dumper);
  pcap_close(dead);

  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(path);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(source.status().message().find("unsupported link type"), absl::string_view::npos)
      << source.status().message();
  EXPECT_NE(source.status().message().find("147"), absl::string_view::npos)
      << source.status().message();
}

// LINKTYPE_IPV6 (229, bare IPv6 packets) and any other link type the engine's frame
// locator knows reach it unchanged: capture/ keeps no list of its own beyond the DLTs
// whose numbers differ from their LINKTYPE. Until the engine reads 229 the file is
// refused, naming it.
TEST_F(PcapTest, LinkTypesTheEngineReadsPassThrough) {
  std::string path = Track(TempPath("ipv6.pcap"));
  pcap_t* dead = pcap_open_dead(229 /* DLT_IPV6 */, 65535);
  ASSERT_NE(dead, nullptr);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr) << pcap_geterr(dead);
  Bytes packet(40, 0);
  packet[0] = 0x60;
  pcap_pkthdr header{};
  header.caplen = header.len = static_cast<bpf_u_int32>(packet.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper), &header, packet.data());
  pcap_dump_close(dumper);
  pcap_close(dead);

  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(path);
  std::optional<wire::LinkType> known = wire::LinkTypeFromNumber(229);
  if (known.has_value()) {
    ASSERT_TRUE(source.ok()) << source.status();
    EXPECT_EQ((*source)->link_type(), *known);
    CapturedFrame frame;
    ASSERT_EQ(*(*source)->Next(&frame), NextResult::kFrame);
    EXPECT_EQ(frame.len, 40u);
  } else {
    ASSERT_FALSE(source.ok());
    EXPECT_NE(source.status().message().find("229"), absl::string_view::npos) << source.status();
  }
}

TEST_F(PcapTest, WriterReportsUnwritablePath) {
  absl::StatusOr<std::unique_ptr<PcapWriter>> writer =
      PcapWriter::Create("/nonexistent-dir/cutpoint/x.pcap", wire::LinkType::kRaw);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("/nonexistent-dir/cutpoint/x.pcap"),
            absl::string_view::npos) << writer.status().message();
}

}  // namespace
}  // namespace cutpoint::capture
