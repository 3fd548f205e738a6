// SPDX-License-Identifier: Apache-2.0
// The DPDK backend on DPDK's virtual devices, without a NIC or hugepages:
//  * net_pcap tx_pcap=FILE: probes sent through DpdkSender (copy path and build-into-mbuf
//    path) land in FILE byte-identical to what the raw-socket backend sends (ProbeBuilder
//    output for the same key, spec and send time), behind the configured MACs;
//  * net_pcap rx_pcap=FILE: replies received through DpdkPort::ReceiveBurst match to
//    exactly the records the offline pcap path produces (times aside: DPDK stamps at
//    receive);
//  * the CLI path (--tx dpdk): a ProbeSession over OpenBackend's dpdk on net_pcap builds the
//    probes straight into mbufs, byte-identical to ProbeBuilder's; with an evidence file
//    the recorded probes are exactly the wire bytes;
//  * net_null: N probes sent is opackets == N; EAL/port error handling.
// One EAL per process (set up by the environment below, shared by all tests).
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capture/backend.h"
#include "capture/dpdk/dpdk_port.h"
#include "capture/dpdk/dpdk_sender.h"
#include "capture/ipv6_test_packets.h"
#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "engine/match/matcher.h"
#include "engine/probe/probe_builder.h"
#include "gtest/gtest.h"
#include "session/probe_session.h"
#include "tests/support/fixed_key.h"
#include "test_util.h"

namespace cutpoint::capture {
namespace {

using testutil::Bytes;
using testutil::Ip;

constexpr uint32_t kSource = Ip(192, 0, 2, 1);
constexpr int64_t kSendUs = 1700000000123456;
constexpr wire::MacAddress kSourceMac = {0x02, 0xc0, 0xff, 0xee, 0x00, 0x01};
constexpr wire::MacAddress kGatewayMac = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};

// Probe i of the test plan: TCP SYN to 25/443 and ICMP echo, many targets and TTLs.
probe::ProbeSpec SpecAt(size_t i) {
  probe::ProbeSpec s;
  s.target = wire::IpAddress::V4(Ip(185, 70, 40, 0) + static_cast<uint32_t>(i % 251));
  s.type = i % 3 == 2 ? probe::ProbeType::kIcmpEcho : probe::ProbeType::kTcpSyn;
  s.port = s.type == probe::ProbeType::kTcpSyn ? (i % 3 == 0 ? 25 : 443) : 0;
  s.ttl = static_cast<uint8_t>(1 + i % 32);
  s.attempt = static_cast<uint8_t>(i / 251 % 2);
  return s;
}

int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

// Files and EAL shared by every test of this process.
struct Shared {
  // When the replies' probes were "sent": now, since net_pcap's RX stamps frames with the
  // time they are read and the matcher accepts only replies a few seconds younger than
  // their probe (probe format 3 puts the absolute send tick in the MAC).
  int64_t reply_send_us = 0;
  std::string dir;
  std::string rx_path;
  std::string tx_path;
  std::string eal_args;
  size_t rx_frames = 0;
};
Shared* shared = nullptr;

// The reply capture fed to net_pcap's RX: for a set of probes, what targets and routers
// would answer, plus frames that must not match (forged, unrelated, not IPv4).
std::vector<Bytes> ReplyFrames(const probe::ProbeCodec& codec, int64_t send_us) {
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  std::vector<Bytes> frames;
  uint8_t buf[probe::kMaxProbeLen];
  for (size_t i = 0; i < 60; ++i) {
    probe::ProbeSpec spec = SpecAt(i);
    Bytes probe(buf, buf + builder.Build(spec, send_us + static_cast<int64_t>(i) * 700, buf));
    testutil::IcmpErrorSpec err;
    err.router = Ip(203, 0, 113, static_cast<uint32_t>(1 + i % 20));
    err.ipid = static_cast<uint16_t>(0x1000 + i);
    Bytes reply;
    switch (i % 5) {
      case 0:
      case 1:
        if (spec.type == probe::ProbeType::kTcpSyn) {
          testutil::TcpReplySpec r;
          if (i % 5 == 1) r.flags = 0x14;  // RST|ACK
          r.ttl = static_cast<uint8_t>(40 + i);
          reply = testutil::TcpReplyFor(probe, r);
        } else {
          reply = testutil::EchoReplyFor(probe);
        }
        break;
      case 2:
        reply = testutil::BuildIcmpError(probe, err);
        break;
      case 3: {
        err.type = 3;
        err.code = static_cast<uint8_t>(i % 2 == 0 ? 13 : 1);
        reply = testutil::BuildIcmpError(probe, err);
        break;
      }
      default:
        if (spec.type == probe::ProbeType::kTcpSyn) {
          testutil::TcpReplySpec r;
          r.ack_delta = 7;  // forged: the word does not authenticate
          reply = testutil::TcpReplyFor(probe, r);
        } else {
          reply = testutil::BuildIcmpError(probe, err);
        }
        break;
    }
    frames.push_back(testutil::WrapEthernet(reply));
  }
  // Not IPv4 (ARP-typed), and an unrelated TCP segment.
  frames.push_back(testutil::WrapEthernet(Bytes(28, 0x11), {}, 0x0806));
  testutil::Ipv4Spec ip;
  ip.src = Ip(198, 51, 100, 7);
  ip.dst = kSource;
  testutil::TcpSpec tcp;
  tcp.sport = 80;
  tcp.dport = 5555;
  tcp.flags = 0x10;
  frames.push_back(testutil::WrapEthernet(testutil::BuildTcpPacket(ip, tcp)));
  return frames;
}

class DpdkEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    shared = new Shared;
    shared->dir = absl::StrCat(::testing::TempDir(), "cutpoint_dpdk_test_", getpid());
    ASSERT_EQ(system(absl::StrCat("mkdir -p '", shared->dir, "'").c_str()), 0);
    shared->rx_path = shared->dir + "/replies.pcap";
    shared->tx_path = shared->dir + "/sent.pcap";
    probe::ProbeCodec codec(test_support::FixedProbeKey());
    shared->reply_send_us = NowUs();
    std::vector<Bytes> frames = ReplyFrames(codec, shared->reply_send_us);
    absl::StatusOr<std::unique_ptr<PcapWriter>> writer =
        PcapWriter::Create(shared->rx_path, wire::LinkType::kEthernet);
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (size_t i = 0; i < frames.size(); ++i) {
      (*writer)->Write(shared->reply_send_us + 100000 + static_cast<int64_t>(i), frames[i].data(),
                       frames[i].size());
    }
    ASSERT_TRUE((*writer)->Close().ok());
    shared->rx_frames = frames.size();
    // The vdevs are created at EAL init: the RX file must exist by then.
    shared->eal_args =
        absl::StrCat("--no-huge --no-pci -m 256 -l 0-1 --log-level=lib.eal:warning",
                     " --vdev net_pcap0,rx_pcap=", shared->rx_path, ",tx_pcap=", shared->tx_path,
                     " --vdev net_null0 --vdev net_ring0");
    absl::Status eal = InitEal(shared->eal_args);
    ASSERT_TRUE(eal.ok()) << eal;
  }
  void TearDown() override {
    if (shared == nullptr) return;
    std::remove(shared->rx_path.c_str());
    std::remove(shared->tx_path.c_str());
    rmdir(shared->dir.c_str());
  }
};

DpdkOptions Options(const std::string& device) {
  DpdkOptions o;
  o.eal_args = shared->eal_args;
  o.device = device;
  o.source_mac = kSourceMac;
  o.destination_macs.v4 = kGatewayMac;
  o.mempool_size = 4095;
  o.burst_size = 32;
  return o;
}

TEST(DpdkEal, ArgvGetsPrivateRuntimeAndNoTelemetry) {
  std::vector<std::string> argv = EalArgv(" --no-huge  -m 256 --vdev net_null0 ");
  ASSERT_GE(argv.size(), 4u);
  EXPECT_EQ(argv[0], "cutpoint");
  EXPECT_EQ(argv[1], "--no-telemetry");
  EXPECT_EQ(argv[2], "--no-shconf") << "--in-memory is refused with --no-huge";
  EXPECT_EQ(argv[3], absl::StrCat("--file-prefix=cutpoint-", getpid()));
  EXPECT_EQ(argv.back(), "net_null0");

  argv = EalArgv("-l 2-3 --vdev net_null0");
  EXPECT_EQ(argv[2], "--in-memory");
  argv = EalArgv("--file-prefix=x --telemetry");
  EXPECT_EQ(argv, (std::vector<std::string>{"cutpoint", "--file-prefix=x", "--telemetry"}));
}

TEST(DpdkEal, InitialisedOnceOtherArgumentsRefused) {
  EXPECT_TRUE(EalInitialized());
  EXPECT_TRUE(InitEal(shared->eal_args).ok());
  absl::Status again = InitEal("--no-huge --vdev net_null7");
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
}

TEST(DpdkPortTest, UnknownPortsAreNotFoundAndNamed) {
  absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(Options("net_nope0"));
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(port.status().message().find("net_null0"), absl::string_view::npos) << port.status();
  DpdkOptions o = Options("");
  o.port_id = 77;
  port = DpdkPort::Create(o);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.status().code(), absl::StatusCode::kNotFound);
  o.burst_size = 0;
  EXPECT_EQ(DpdkPort::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DpdkPortTest, PortInUseIsRefusedAndCanBeCreatedAgain) {
  {
    absl::StatusOr<std::unique_ptr<DpdkPort>> first = DpdkPort::Create(Options("net_null0"));
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ((*first)->device_name(), "net_null0");
    EXPECT_EQ((*first)->source_mac(), kSourceMac);
    absl::StatusOr<std::unique_ptr<DpdkPort>> second = DpdkPort::Create(Options("net_null0"));
    EXPECT_FALSE(second.ok());
  }
  absl::StatusOr<std::unique_ptr<DpdkPort>> again = DpdkPort::Create(Options("net_null0"));
  ASSERT_TRUE(again.ok()) << again.status();
}

TEST(DpdkPcap, SentProbesAreByteIdenticalToRawSocketProbes) {
  constexpr size_t kProbes = 100;
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  // What the raw-socket backend sends: ProbeBuilder output, probe by probe.
  std::vector<Bytes> expected;
  for (size_t i = 0; i < kProbes; ++i) {
    uint8_t buf[probe::kMaxProbeLen];
    expected.emplace_back(buf, buf + builder.Build(SpecAt(i), kSendUs, buf));
  }
  {
    absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(Options("net_pcap0"));
    ASSERT_TRUE(port.ok()) << port.status();
    DpdkSender sender(**port);
    // First half: the PacketSender interface (copies), in uneven bursts.
    std::vector<OutgoingPacket> packets;
    for (size_t i = 0; i < kProbes / 2; ++i) {
      packets.push_back({expected[i].data(), static_cast<uint16_t>(expected[i].size()),
                         SpecAt(i).target});
    }
    size_t done = 0;
    for (size_t chunk : {1, 7, 42}) {
      BurstResult r = sender.SendBurst(std::span(packets).subspan(done, chunk));
      EXPECT_EQ(r.sent, chunk);
      EXPECT_EQ(r.failed, 0u);
      done += chunk;
    }
    ASSERT_EQ(done, kProbes / 2);
    // Second half: built straight into mbufs.
    std::vector<probe::ProbeSpec> specs;
    for (size_t i = kProbes / 2; i < kProbes; ++i) specs.push_back(SpecAt(i));
    EXPECT_EQ(sender.SendProbes(builder, specs, kSendUs), specs.size());
    EXPECT_EQ(sender.counters().frames_sent, kProbes);
    EXPECT_EQ(sender.counters().tx_full, 0u);
    absl::StatusOr<DpdkPortStats> stats = (*port)->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status();
    EXPECT_EQ(stats->opackets, kProbes);
    EXPECT_EQ(stats->oerrors, 0u);
    EXPECT_EQ((*port)->mbufs_available(), (*port)->mempool_size()) << "every mbuf came back";
  }  // stopping the port closes the pcap file
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(shared->tx_path);
  ASSERT_TRUE(source.ok()) << source.status();
  ASSERT_EQ((*source)->link_type(), wire::LinkType::kEthernet);
  Bytes header(kGatewayMac.begin(), kGatewayMac.end());
  header.insert(header.end(), kSourceMac.begin(), kSourceMac.end());
  header.push_back(0x08);
  header.push_back(0x00);
  for (size_t i = 0; i < kProbes; ++i) {
    SCOPED_TRACE(absl::StrCat("probe ", i));
    CapturedFrame frame;
    absl::StatusOr<NextResult> next = (*source)->Next(&frame);
    ASSERT_TRUE(next.ok()) << next.status();
    ASSERT_EQ(*next, NextResult::kFrame);
    ASSERT_EQ(frame.len, frame.wire_len);
    ASSERT_GE(frame.len, 14u);
    EXPECT_TRUE(testutil::BytesEqual(frame.data, 14, header));
    EXPECT_TRUE(testutil::BytesEqual(frame.data + 14, frame.len - 14, expected[i]));
  }
  CapturedFrame frame;
  absl::StatusOr<NextResult> end = (*source)->Next(&frame);
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_EQ(*end, NextResult::kEnd);
}

constexpr wire::MacAddress kGatewayMac6 = {0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x66};

// The dual-stack frames read back from net_pcap's TX file: each behind its own family's
// header (EtherType and next hop).
void ExpectFramesInTxFile(const std::vector<Bytes>& expected) {
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(shared->tx_path);
  ASSERT_TRUE(source.ok()) << source.status();
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("frame ", i));
    CapturedFrame frame;
    ASSERT_EQ(*(*source)->Next(&frame), NextResult::kFrame);
    bool v6 = expected[i][0] >> 4 == 6;
    const wire::MacAddress& next_hop = v6 ? kGatewayMac6 : kGatewayMac;
    Bytes header(next_hop.begin(), next_hop.end());
    header.insert(header.end(), kSourceMac.begin(), kSourceMac.end());
    header.push_back(v6 ? 0x86 : 0x08);
    header.push_back(v6 ? 0xdd : 0x00);
    ASSERT_EQ(frame.len, 14 + expected[i].size());
    EXPECT_TRUE(testutil::BytesEqual(frame.data, 14, header));
    EXPECT_TRUE(testutil::BytesEqual(frame.data + 14, frame.len - 14, expected[i]));
  }
  CapturedFrame frame;
  EXPECT_EQ(*(*source)->Next(&frame), NextResult::kEnd);
}

TEST(DpdkPcap, DualStackFramesCarryTheirFamilysEtherTypeAndNextHop) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, probe::ProbeSources{wire::IpAddress::V4(kSource), std::nullopt});
  std::vector<Bytes> expected;
  std::vector<OutgoingPacket> packets;
  testv6::Ipv6Probe v6;
  v6.source = *wire::ParseIpAddress("2001:2::1");
  for (size_t i = 0; i < 40; ++i) {  // IPv4 and IPv6 interleaved, runs of 1 to 3
    if (i % 5 < 2) {
      uint8_t buf[probe::kMaxProbeLen];
      expected.emplace_back(buf, buf + builder.Build(SpecAt(i), kSendUs, buf));
    } else {
      v6.destination = wire::IpAddress::V6(0x2001000200000001, i);
      v6.hop_limit = static_cast<uint8_t>(1 + i % 8);
      expected.push_back(i % 2 ? testv6::TcpSyn(v6) : testv6::IcmpEcho(v6));
    }
  }
  for (const Bytes& b : expected)
    packets.push_back({b.data(), static_cast<uint16_t>(b.size()), {}});
  std::vector<probe::ProbeSpec> specs;
  for (size_t i = 40; i < 50; ++i) {
    specs.push_back(SpecAt(i));
    uint8_t buf[probe::kMaxProbeLen];
    expected.emplace_back(buf, buf + builder.Build(SpecAt(i), kSendUs, buf));
  }
  {
    DpdkOptions options = Options("net_pcap0");
    options.destination_macs.v6 = kGatewayMac6;
    absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(options);
    ASSERT_TRUE(port.ok()) << port.status();
    DpdkSender sender(**port);
    BurstResult r = sender.SendBurst(packets);
    EXPECT_EQ(r.sent, packets.size());
    EXPECT_EQ(r.failed, 0u);
    EXPECT_EQ(sender.SendProbes(builder, specs, kSendUs), specs.size());
    EXPECT_EQ(sender.counters().rejected, 0u);
  }
  ExpectFramesInTxFile(expected);
}

// A port with a next hop for IPv6 only: IPv4 probes built in place are dropped, counted,
// and consumed (never retried forever); IPv4 packets handed over fail.
TEST(DpdkPcap, AFamilyWithoutNextHopIsRefused) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, probe::ProbeSources{wire::IpAddress::V4(kSource), std::nullopt});
  DpdkOptions options = Options("net_null0");
  options.destination_macs = {std::nullopt, kGatewayMac6};
  absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(options);
  ASSERT_TRUE(port.ok()) << port.status();
  DpdkSender sender(**port);
  std::vector<probe::ProbeSpec> specs = {SpecAt(0), SpecAt(1), SpecAt(2)};
  EXPECT_EQ(sender.SendProbes(builder, specs, kSendUs), specs.size());
  EXPECT_EQ(sender.counters().rejected, specs.size());
  EXPECT_EQ(sender.counters().frames_sent, 0u);
  uint8_t buf[probe::kMaxProbeLen];
  size_t len = builder.Build(SpecAt(0), kSendUs, buf);
  OutgoingPacket packet{buf, static_cast<uint16_t>(len), {}};
  BurstResult r = sender.SendBurst(std::span(&packet, 1));
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ((*port)->mbufs_available(), (*port)->mempool_size()) << "every mbuf came back";
}

struct Matched {
  match::MatchOutcome outcome;
  match::ReplyRecord record;
};

// Every ReplyRecord field but the times.
void ExpectSameReply(const match::ReplyRecord& a, const match::ReplyRecord& b) {
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.probe_type, b.probe_type);
  EXPECT_EQ(a.port, b.port);
  EXPECT_EQ(a.probe_ttl, b.probe_ttl);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.from, b.from);
  EXPECT_EQ(a.reply_ttl, b.reply_ttl);
  EXPECT_EQ(a.reply_ipid, b.reply_ipid);
  EXPECT_EQ(a.is_icmp, b.is_icmp);
  EXPECT_EQ(a.icmp_type, b.icmp_type);
  EXPECT_EQ(a.icmp_code, b.icmp_code);
  EXPECT_EQ(a.is_tcp, b.is_tcp);
  EXPECT_EQ(a.tcp_flags, b.tcp_flags);
  EXPECT_EQ(a.tcp_window, b.tcp_window);
  EXPECT_EQ(a.has_quote, b.has_quote);
  EXPECT_EQ(a.quoted_ttl, b.quoted_ttl);
  EXPECT_EQ(a.quoted_ipid, b.quoted_ipid);
  EXPECT_EQ(a.quoted_len, b.quoted_len);
  ASSERT_EQ(a.mpls.count, b.mpls.count);
}

TEST(DpdkPcap, ReceivedRepliesMatchLikeTheOfflineCapture) {
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  match::MatcherConfig config;
  config.source_v4 = wire::IpAddress::V4(kSource);
  match::Matcher matcher(codec, config);

  // Offline: the file through libpcap.
  std::vector<Matched> offline;
  std::vector<Bytes> offline_frames;
  {
    absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(shared->rx_path);
    ASSERT_TRUE(source.ok()) << source.status();
    CapturedFrame frame;
    while (true) {
      absl::StatusOr<NextResult> next = (*source)->Next(&frame);
      ASSERT_TRUE(next.ok()) << next.status();
      if (*next != NextResult::kFrame) break;
      Matched m{};
      m.outcome = matcher.MatchFrame(wire::LinkType::kEthernet, frame.data, frame.len,
                                     frame.time_us, &m.record);
      offline.push_back(m);
      offline_frames.emplace_back(frame.data, frame.data + frame.len);
    }
  }
  ASSERT_EQ(offline.size(), shared->rx_frames);
  size_t matched = 0, rejected = 0;
  for (const Matched& m : offline) {
    matched += m.outcome == match::MatchOutcome::kMatched;
    rejected += m.outcome == match::MatchOutcome::kRejected;
  }
  EXPECT_GE(matched, 40u) << "the capture exercises matching";
  EXPECT_GE(rejected, 5u) << "and rejection";

  // Live: the same file through net_pcap's RX queue.
  absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(Options("net_pcap0"));
  ASSERT_TRUE(port.ok()) << port.status();
  std::vector<Matched> live;
  int64_t before = NowUs();
  DpdkFrame frames[64];
  for (int idle = 0; idle < 200 && live.size() < offline.size() + 1;) {
    absl::StatusOr<int> n = (*port)->ReceiveBurst(frames);
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0) {
      ++idle;
      usleep(1000);
      continue;
    }
    ASSERT_LE(*n, (*port)->burst_size());
    for (int i = 0; i < *n; ++i) {
      const DpdkFrame& f = frames[i];
      size_t index = live.size();
      ASSERT_LT(index, offline_frames.size()) << "more frames than the file holds";
      EXPECT_EQ(f.len, f.wire_len);
      EXPECT_TRUE(testutil::BytesEqual(f.data, f.len, offline_frames[index])) << "frame " << index;
      EXPECT_GE(f.time_us, before);
      EXPECT_LE(f.time_us, NowUs());
      Matched m{};
      m.outcome = matcher.MatchFrame(wire::LinkType::kEthernet, f.data, f.len, f.time_us,
                                     &m.record);
      if (m.outcome == match::MatchOutcome::kMatched) {
        EXPECT_EQ(m.record.recv_time_us, f.time_us);
      }
      live.push_back(m);
    }
  }
  ASSERT_EQ(live.size(), offline.size());
  for (size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE(absl::StrCat("frame ", i));
    EXPECT_EQ(live[i].outcome, offline[i].outcome);
    if (offline[i].outcome == match::MatchOutcome::kMatched) {
      ExpectSameReply(live[i].record, offline[i].record);
    }
  }
  absl::StatusOr<DpdkPortStats> stats = (*port)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->ipackets, offline.size());
  EXPECT_EQ(stats->imissed, 0u);
  EXPECT_EQ(stats->rx_nombuf, 0u);
  // The last burst is still borrowed; the next call gives its mbufs back.
  ASSERT_TRUE((*port)->ReceiveBurst(frames).ok());
  EXPECT_EQ((*port)->mbufs_available(), (*port)->mempool_size());
}

// The CLI path (--tx dpdk): OpenBackend's senders under a ProbeSession, which builds
// probes straight into mbufs; with an evidence file it builds them into its batch first
// and the sender copies them. Either way the wire bytes are ProbeBuilder's.
class AllSpecs final : public session::ProbeSource {
 public:
  explicit AllSpecs(uint64_t n) : n_(n) {}
  uint64_t size() const override { return n_; }
  probe::ProbeSpec At(uint64_t index) const override { return SpecAt(index); }

 private:
  uint64_t n_;
};

// Frames net_pcap0 wrote to its tx_pcap file.
std::vector<Bytes> SentFrames() {
  std::vector<Bytes> frames;
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(shared->tx_path);
  EXPECT_TRUE(source.ok()) << source.status();
  if (!source.ok()) return frames;
  CapturedFrame frame;
  while (true) {
    absl::StatusOr<NextResult> next = (*source)->Next(&frame);
    if (!next.ok() || *next != NextResult::kFrame) break;
    frames.emplace_back(frame.data, frame.data + frame.len);
  }
  return frames;
}

// Runs one session sending AllSpecs(n) in order on `device`; returns its stats.
absl::StatusOr<report::ScanStats> RunCliSession(size_t n, PcapWriter* evidence,
                                                const std::string& device = "net_pcap0") {
  BackendOptions backend;
  backend.tx = TxBackend::kDpdk;
  backend.dpdk_eal_args = shared->eal_args;
  backend.dpdk_device = device;
  backend.gateway_macs.v4 = kGatewayMac;
  absl::StatusOr<TxSetup> tx = OpenBackend(backend);
  if (!tx.ok()) return tx.status();
  session::SessionConfig config;
  config.backend = *tx;
  config.sources.v4 = wire::IpAddress::V4(kSource);
  config.drop_privileges = false;
  config.evidence = evidence;
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  absl::StatusOr<std::unique_ptr<session::ProbeSession>> session = session::ProbeSession::Start(
      config, codec, [](const match::ReplyRecord&) { return absl::OkStatus(); });
  if (!session.ok()) return session.status();
  std::atomic<bool> stop{false};
  AllSpecs source(n);
  if (absl::Status s = (*session)->Send(source, {{0, n}}, stop); !s.ok()) return s;
  return (*session)->Finish(0);
}  // the port closes with the last owner: the tx file is complete

TEST(DpdkCli, SessionBuildsProbesInPlaceByteIdenticalToProbeBuilder) {
  constexpr size_t kProbes = 200;
  int64_t before = NowUs();
  absl::StatusOr<report::ScanStats> stats = RunCliSession(kProbes, nullptr);
  int64_t after = NowUs();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->probes_sent, kProbes);
  EXPECT_EQ(stats->send_errors, 0u);
  ASSERT_TRUE(stats->dpdk.has_value()) << "--tx dpdk runs report the port's counters";
  EXPECT_EQ(stats->dpdk->device, "net_pcap0");
  EXPECT_EQ(stats->dpdk->opackets, kProbes);
  EXPECT_EQ(stats->dpdk->oerrors, 0u);
  uint64_t frame_bytes = 0;
  for (size_t i = 0; i < kProbes; ++i) {
    frame_bytes += 14 + (SpecAt(i).type == probe::ProbeType::kTcpSyn ? probe::kTcpSynProbeLen
                                                                     : probe::kIcmpEchoProbeLen);
  }
  EXPECT_EQ(stats->dpdk->obytes, frame_bytes);
  ASSERT_EQ(stats->dpdk->tx_queues.size(), 1u);
  EXPECT_EQ(stats->dpdk->tx_queues[0].sent, kProbes);
  EXPECT_EQ(stats->dpdk->tx_queues[0].tx_full, 0u);
  EXPECT_GE(stats->dpdk->tx_queues[0].bursts, (kProbes + 31) / 32);
  std::vector<Bytes> frames = SentFrames();
  ASSERT_EQ(frames.size(), kProbes);
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  // The send time is the session's: find it (one per batch) within the run.
  int64_t send_us = before;
  auto built = [&](size_t i, int64_t t) {
    uint8_t buf[probe::kMaxProbeLen];
    return Bytes(buf, buf + builder.Build(SpecAt(i), t, buf));
  };
  for (size_t i = 0; i < kProbes; ++i) {
    SCOPED_TRACE(absl::StrCat("probe ", i));
    ASSERT_GT(frames[i].size(), 14u);
    EXPECT_TRUE(testutil::BytesEqual(frames[i].data(), 6, Bytes(kGatewayMac.begin(), kGatewayMac.end())));
    EXPECT_EQ(frames[i][12], 0x08);
    EXPECT_EQ(frames[i][13], 0x00);
    Bytes ip(frames[i].begin() + 14, frames[i].end());
    while (send_us <= after && built(i, send_us) != ip) ++send_us;
    ASSERT_LE(send_us, after) << "no send time in the run gives these bytes";
  }
}

TEST(DpdkCli, WithEvidenceTheRecordedProbesAreTheWireBytes) {
  constexpr size_t kProbes = 150;
  std::string evidence_path = shared->dir + "/evidence.pcap";
  absl::StatusOr<std::unique_ptr<PcapWriter>> writer =
      PcapWriter::Create(evidence_path, wire::LinkType::kRaw);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::StatusOr<report::ScanStats> stats = RunCliSession(kProbes, writer->get());
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(stats->probes_sent, kProbes);
  std::vector<Bytes> frames = SentFrames();
  ASSERT_EQ(frames.size(), kProbes);
  absl::StatusOr<std::unique_ptr<PcapSource>> recorded = PcapSource::OpenOffline(evidence_path);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  // The evidence file also holds the replies net_pcap0 replays on RX: skip them.
  for (size_t i = 0; i < kProbes; ++i) {
    SCOPED_TRACE(absl::StrCat("probe ", i));
    CapturedFrame frame;
    do {
      absl::StatusOr<NextResult> next = (*recorded)->Next(&frame);
      ASSERT_TRUE(next.ok() && *next == NextResult::kFrame);
    } while (frame.len < 20 || !testutil::BytesEqual(frame.data + 12, 4, {192, 0, 2, 1}));
    EXPECT_TRUE(testutil::BytesEqual(frame.data, frame.len,
                                     Bytes(frames[i].begin() + 14, frames[i].end())));
  }
  std::remove(evidence_path.c_str());
}

TEST(DpdkCli, NetNullCountsEveryProbeTheSessionSent) {
  constexpr size_t kProbes = 50000;
  absl::StatusOr<report::ScanStats> stats = RunCliSession(kProbes, nullptr, "net_null0");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->probes_sent, kProbes);
  ASSERT_TRUE(stats->dpdk.has_value());
  EXPECT_EQ(stats->dpdk->device, "net_null0");
  EXPECT_EQ(stats->dpdk->opackets, kProbes);
  EXPECT_EQ(stats->dpdk->oerrors, 0u);
  ASSERT_EQ(stats->dpdk->tx_queues.size(), 1u);
  EXPECT_EQ(stats->dpdk->tx_queues[0].sent, kProbes);
  EXPECT_EQ(stats->dpdk->tx_queues[0].alloc_failures, 0u);
  // net_null RX delivers (empty) frames: the capture saw them and the port counted them.
  EXPECT_GT(stats->dpdk->ipackets, 0u);
  EXPECT_EQ(stats->pcap_received, stats->dpdk->ipackets) << "pcap_* keep the v1 mapping";
}

TEST(DpdkNull, EveryProbeSentIsCounted) {
  constexpr size_t kProbes = 100000;
  absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(Options("net_null0"));
  ASSERT_TRUE(port.ok()) << port.status();
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  DpdkSender sender(**port);
  std::vector<probe::ProbeSpec> specs(256);
  size_t sent = 0;
  for (size_t base = 0; base < kProbes; base += specs.size()) {
    size_t n = std::min(specs.size(), kProbes - base);
    for (size_t i = 0; i < n; ++i) specs[i] = SpecAt(base + i);
    size_t k = sender.SendProbes(builder, std::span(specs).first(n), NowUs());
    ASSERT_EQ(k, n) << "net_null takes everything";
    sent += k;
  }
  EXPECT_EQ(sent, kProbes);
  absl::StatusOr<DpdkPortStats> stats = (*port)->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->opackets, kProbes);
  EXPECT_EQ(stats->oerrors, 0u);
  EXPECT_EQ(sender.counters().frames_sent, kProbes);
  EXPECT_EQ(sender.counters().bursts, (kProbes + 31) / 32);

  // The PacketSender path counts bad packets as failed, in order, and sends the rest.
  uint8_t good[probe::kMaxProbeLen];
  size_t len = builder.Build(SpecAt(1), kSendUs, good);
  uint8_t not_ipv4[40] = {0x60};  // IPv6, and the port has no IPv6 next hop
  std::vector<OutgoingPacket> packets;
  for (int i = 0; i < 100; ++i) {
    if (i % 10 == 3) {
      packets.push_back({not_ipv4, sizeof(not_ipv4), {}});
    } else if (i % 10 == 7) {
      packets.push_back({good, 12, {}});  // shorter than an IPv4 header
    } else {
      packets.push_back({good, static_cast<uint16_t>(len), {}});
    }
  }
  ASSERT_TRUE((*port)->ResetStats().ok());
  BurstResult r = sender.SendBurst(packets);
  EXPECT_EQ(r.sent, 80u);
  EXPECT_EQ(r.failed, 20u);
  EXPECT_EQ(sender.counters().rejected, 20u);
  stats = (*port)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->opackets, 80u);

  // net_null RX hands out (zeroed) frames: borrowed views with a receive time.
  DpdkFrame frames[8];
  absl::StatusOr<int> n = (*port)->ReceiveBurst(frames);
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_GT(*n, 0);
  EXPECT_GT(frames[0].len, 0u);
  EXPECT_GT(frames[0].time_us, kSendUs);
  EXPECT_EQ((*port)->ReceiveBurst(frames, 1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DpdkRing, AFullDriverTakesPartOfABlockAndTheRestGoesBackToThePool) {
  // net_ring's TX ring (1024 slots) is never drained here: it fills in the middle of a
  // 64-frame build block, and the burst after it is never attempted.
  absl::StatusOr<std::unique_ptr<DpdkPort>> port = DpdkPort::Create(Options("net_ring0"));
  ASSERT_TRUE(port.ok()) << port.status();
  probe::ProbeCodec codec(test_support::FixedProbeKey());
  probe::ProbeBuilder builder(
      codec, cutpoint::wire::SourceAddresses{cutpoint::wire::IpAddress::V4(kSource), std::nullopt});
  DpdkSender sender(**port);
  std::vector<probe::ProbeSpec> specs;
  for (size_t i = 0; i < 1100; ++i) specs.push_back(SpecAt(i));
  const size_t sent = sender.SendProbes(builder, specs, kSendUs);
  EXPECT_GT(sent, 900u);
  EXPECT_LT(sent, specs.size());
  EXPECT_GT(sender.counters().tx_full, 0u);
  EXPECT_EQ(sender.counters().frames_sent, sent);
  EXPECT_EQ((*port)->mbufs_available(), (*port)->mempool_size() - sent)
      << "only the frames in the ring are out of the pool";
  // A full ring takes nothing more, and leaks nothing.
  EXPECT_EQ(sender.SendProbes(builder, std::span(specs).first(100), kSendUs), 0u);
  EXPECT_EQ((*port)->mbufs_available(), (*port)->mempool_size() - sent);
}

}  // namespace
}  // namespace cutpoint::capture

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new cutpoint::capture::DpdkEnvironment);
  return RUN_ALL_TESTS();
}
