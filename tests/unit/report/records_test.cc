// SPDX-License-Identifier: Apache-2.0
#include "engine/report/records.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "engine/wire/ip_address.h"
#include "absl/strings/str_cat.h"
#include "engine/probe/probe_layout.h"
#include "test_util.h"

namespace cutpoint::report {
namespace {

using testutil::Ip;

std::string Finish(JsonLine& line) { return std::string(line.Finish()); }

void ExpectOneLine(const std::string& s) {
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(s.find('\n'), s.size() - 1) << s;
  EXPECT_EQ(s.front(), '{');
  EXPECT_EQ(s[s.size() - 2], '}');
  for (char c : s.substr(0, s.size() - 1)) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control character in " << s;
  }
}

match::ReplyRecord TimeExceededRecord() {
  match::ReplyRecord r;
  r.target = Ip(185, 70, 40, 101);
  r.probe_type = probe::ProbeType::kTcpSyn;
  r.port = 443;
  r.probe_ttl = 7;
  r.attempt = 1;
  r.kind = match::ReplyKind::kTimeExceeded;
  r.from = Ip(203, 0, 113, 9);
  r.reply_ttl = 250;
  r.reply_ipid = 4660;
  r.recv_time_us = 1700000000146912;
  r.rtt_us = 23456;
  r.rtt_exact = true;
  r.is_icmp = true;
  r.icmp_type = 11;
  r.icmp_code = 0;
  r.has_quote = true;
  r.quoted_ttl = 1;
  r.quoted_ipid = 8768;
  r.quoted_len = 8;
  r.mpls.count = 2;
  r.mpls.entries[0] = {16005, 0, false, 1};
  r.mpls.entries[1] = {299792, 5, true, 254};
  return r;
}

TEST(FormatReplyTest, TimeExceededWithMplsByteExact) {
  JsonLine line;
  FormatReply(TimeExceededRecord(), &line);
  EXPECT_EQ(Finish(line),
            "{\"type\":\"reply\",\"target\":\"185.70.40.101\",\"probe\":\"tcp-syn\",\"port\":443,"
            "\"ttl\":7,\"attempt\":1,\"kind\":\"time_exceeded\",\"from\":\"203.0.113.9\","
            "\"reply_ttl\":250,\"ipid\":4660,\"rtt_us\":23456,\"rtt_exact\":true,"
            "\"time_us\":1700000000146912,\"ip_version\":4,\"icmp_type\":11,\"icmp_code\":0,\"quoted_ttl\":1,"
            "\"quoted_ipid\":8768,\"quoted_len\":8,\"mpls\":[{\"label\":16005,\"tc\":0,"
            "\"s\":false,\"ttl\":1},{\"label\":299792,\"tc\":5,\"s\":true,\"ttl\":254}]}\n");
}

TEST(FormatReplyTest, SynAckByteExact) {
  match::ReplyRecord r;
  r.target = Ip(185, 70, 40, 101);
  r.probe_type = probe::ProbeType::kTcpSyn;
  r.port = 8443;
  r.probe_ttl = 30;
  r.attempt = 0;
  r.kind = match::ReplyKind::kSynAck;
  r.from = Ip(185, 70, 40, 101);
  r.reply_ttl = 57;
  r.reply_ipid = 0;
  r.recv_time_us = 1700000000146912;
  r.rtt_us = 24512;
  r.rtt_exact = false;
  r.is_tcp = true;
  r.tcp_flags = 0x12;
  r.tcp_window = 29200;
  JsonLine line;
  FormatReply(r, &line);
  EXPECT_EQ(Finish(line),
            "{\"type\":\"reply\",\"target\":\"185.70.40.101\",\"probe\":\"tcp-syn\",\"port\":8443,"
            "\"ttl\":30,\"attempt\":0,\"kind\":\"syn_ack\",\"from\":\"185.70.40.101\","
            "\"reply_ttl\":57,\"ipid\":0,\"rtt_us\":24512,\"rtt_exact\":false,"
            "\"time_us\":1700000000146912,\"ip_version\":4,\"tcp_flags\":\"SA\",\"tcp_window\":29200}\n");
}

TEST(FormatReplyTest, EchoReplyHasNoPort) {
  match::ReplyRecord r;
  r.target = Ip(1, 1, 1, 1);
  r.probe_type = probe::ProbeType::kIcmpEcho;
  r.port = 0;
  r.probe_ttl = 12;
  r.attempt = 3;
  r.kind = match::ReplyKind::kEchoReply;
  r.from = Ip(1, 1, 1, 1);
  r.reply_ttl = 58;
  r.reply_ipid = 65535;
  r.recv_time_us = 5;
  r.rtt_us = 3;
  r.rtt_exact = true;
  r.is_icmp = true;
  JsonLine line;
  FormatReply(r, &line);
  EXPECT_EQ(Finish(line),
            "{\"type\":\"reply\",\"target\":\"1.1.1.1\",\"probe\":\"icmp-echo\",\"ttl\":12,"
            "\"attempt\":3,\"kind\":\"echo_reply\",\"from\":\"1.1.1.1\",\"reply_ttl\":58,"
            "\"ipid\":65535,\"rtt_us\":3,\"rtt_exact\":true,\"time_us\":5,\"ip_version\":4,\"icmp_type\":0,"
            "\"icmp_code\":0}\n");
}

TEST(FormatTcpFlagsTest, Letters) {
  char out[9];
  struct Case { uint8_t flags; const char* text; };
  const Case cases[] = {{0x12, "SA"}, {0x14, "RA"}, {0x04, "R"}, {0x00, ""},
                        {0x02, "S"}, {0x11, "FA"}, {0x18, "PA"}, {0xff, "FSRPAUEC"},
                        {0xc2, "SEC"}, {0x20, "U"}};
  for (const Case& c : cases) {
    size_t len = FormatTcpFlags(c.flags, out);
    EXPECT_EQ(std::string(out, len), c.text) << int{c.flags};
    EXPECT_EQ(out[len], '\0');
  }
}

TEST(FormatStatsTest, OneLineWithAllCounters) {
  ScanStats stats;
  stats.probes_sent = 1000;
  stats.send_errors = 2;
  stats.replies_seen = 900;
  stats.matched = 800;
  stats.rejected = 15;
  stats.rejected_by_reason = {1, 2, 3, 4, 5, 6, 7};
  stats.forgery_acceptance_p = 1.5e-10;
  stats.unmatched = 80;
  stats.malformed = 5;
  stats.duration_s = 12.5;
  JsonLine line;
  FormatStats(stats, &line);
  std::string s = Finish(line);
  ExpectOneLine(s);
  EXPECT_EQ(s.rfind("{\"type\":\"stats\",", 0), 0u) << s;
  EXPECT_NE(s.find("\"probes_sent\":1000,"), std::string::npos) << s;
  EXPECT_NE(s.find("\"rejected_by_reason\":{\"bad_flow_field\":1,\"bad_mac\":2,"
                   "\"not_our_target\":3,\"out_of_plan\":4,\"short_quote\":5,"
                   "\"stale\":6,\"future\":7}"),
            std::string::npos) << s;
  // Per forged TCP reply, and rejected (15) x that.
  EXPECT_NE(s.find("\"forgery_acceptance_p\":1.5e-10,\"expected_forged_accepted\":2.25e-09,"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"duration_s\":12.500000"), std::string::npos) << s;
  EXPECT_NE(s.find("\"interrupted\":false}"), std::string::npos) << s;
  EXPECT_EQ(s.find("pcap_received"), std::string::npos) << "no capture stats offline";
  stats.has_capture_stats = true;
  stats.pcap_received = 7;
  stats.pcap_dropped = 8;
  stats.pcap_ifdropped = 9;
  stats.interrupted = true;
  stats.probes_unsent = 42;
  stats.resume_file = "scan.resume";
  FormatStats(stats, &line);
  s = Finish(line);
  ExpectOneLine(s);
  EXPECT_NE(s.find("\"pcap_received\":7,\"pcap_dropped\":8,\"pcap_ifdropped\":9"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"interrupted\":true,\"probes_unsent\":42,\"resume_file\":\"scan.resume\"}"),
            std::string::npos) << s;
}

TEST(FormatStatsTest, DpdkCountersAreTheirOwnObject) {
  ScanStats stats;
  stats.has_capture_stats = true;
  stats.pcap_received = 7;
  JsonLine line;
  FormatStats(stats, &line);
  EXPECT_EQ(Finish(line).find("\"dpdk\""), std::string::npos) << "only with --tx dpdk";
  DpdkStats dpdk;
  dpdk.device = "net_null0";
  dpdk.ipackets = 1;
  dpdk.opackets = 2;
  dpdk.ibytes = 3;
  dpdk.obytes = 4;
  dpdk.imissed = 5;
  dpdk.ierrors = 6;
  dpdk.oerrors = 7;
  dpdk.rx_nombuf = 8;
  dpdk.tx_queues = {{10, 11, 12, 13}, {20, 21, 22, 23}};
  dpdk.main_lcore = 0;
  dpdk.threads = {{"sender", 0, 1, "1", true, true}, {"capture", 0, 0, "0", true, false}};
  stats.dpdk = dpdk;
  FormatStats(stats, &line);
  std::string s = Finish(line);
  ExpectOneLine(s);
  EXPECT_NE(s.find("\"pcap_ifdropped\":0,\"dpdk\":{\"device\":\"net_null0\",\"ipackets\":1,"
                   "\"opackets\":2,\"ibytes\":3,\"obytes\":4,\"imissed\":5,\"ierrors\":6,"
                   "\"oerrors\":7,\"rx_nombuf\":8,\"tx_queues\":["
                   "{\"queue\":0,\"sent\":10,\"bursts\":11,\"tx_full\":12,\"alloc_failures\":13},"
                   "{\"queue\":1,\"sent\":20,\"bursts\":21,\"tx_full\":22,\"alloc_failures\":23}"
                   "],\"main_lcore\":0,\"threads\":["
                   "{\"role\":\"sender\",\"index\":0,\"lcore\":1,\"cpus\":\"1\",\"pinned\":true,"
                   "\"registered\":true},"
                   "{\"role\":\"capture\",\"index\":0,\"lcore\":0,\"cpus\":\"0\",\"pinned\":true,"
                   "\"registered\":false}]},\"duration_s\":"),
            std::string::npos)
      << s;
}

TEST(FormatMetaTest, OneLineEscapedArgv) {
  MetaInfo meta;
  meta.tool_version = "0.1.0";
  meta.command = "trace";
  meta.argv = {"cutpoint", "trace", "--note", "a \"quoted\"\nvalue"};
  meta.key_fingerprint = "f49644867b0897ea";
  meta.start_time = "2024-01-02T03:04:05Z";
  meta.source_v4 = wire::IpAddress::V4(Ip(192, 0, 2, 1));
  meta.interface = "eth0";
  meta.probes = {"tcp-syn:443", "icmp-echo"};
  meta.ttl_min = 1;
  meta.ttl_max = 32;
  meta.attempts = 2;
  meta.rate_pps = 1000;
  meta.target_count = 3;
  meta.probe_count = 384;
  JsonLine line;
  FormatMeta(meta, &line);
  std::string s = Finish(line);
  ExpectOneLine(s);
  EXPECT_EQ(s.rfind("{\"type\":\"meta\",\"schema\":1,\"tool\":\"cutpoint\",\"version\":\"0.1.0\","
                    "\"command\":\"trace\",", 0),
            0u) << s;
  EXPECT_NE(s.find("\"argv\":[\"cutpoint\",\"trace\",\"--note\",\"a \\\"quoted\\\"\\u000avalue\"]"),
            std::string::npos) << s;
  EXPECT_NE(s.find("\"key_fingerprint\":\"f49644867b0897ea\",\"probe_format\":3,"),
            std::string::npos);
  EXPECT_NE(s.find("\"source\":\"192.0.2.1\""), std::string::npos);
  EXPECT_NE(s.find("\"interface\":\"eth0\""), std::string::npos);
  EXPECT_NE(s.find("\"probes\":[\"tcp-syn:443\",\"icmp-echo\"]"), std::string::npos);
  EXPECT_NE(s.find("\"ttl_min\":1,\"ttl_max\":32,\"attempts\":2"), std::string::npos);
  EXPECT_NE(s.find("\"rate_pps\":1000.000000"), std::string::npos);
  EXPECT_NE(s.find("\"targets\":3"), std::string::npos);
  EXPECT_NE(s.find("\"probe_count\":384"), std::string::npos);
  EXPECT_NE(s.find("\"dry_run\":false}"), std::string::npos) << s;
  EXPECT_EQ(s.find("\"pcap\""), std::string::npos);

  MetaInfo offline;
  offline.command = "match";
  offline.pcap_file = "/tmp/x.pcap";
  FormatMeta(offline, &line);
  s = Finish(line);
  ExpectOneLine(s);
  EXPECT_NE(s.find("\"pcap\":\"/tmp/x.pcap\""), std::string::npos) << s;
  EXPECT_EQ(s.find("\"source\""), std::string::npos) << s;
  EXPECT_EQ(s.find("\"ttl_min\""), std::string::npos) << s;
  EXPECT_NE(s.find("\"argv\":[]"), std::string::npos) << s;
}

TEST(FormatProbeTest, HexBytes) {
  probe::ProbeSpec spec;
  spec.target = Ip(185, 70, 40, 101);
  spec.type = probe::ProbeType::kTcpSyn;
  spec.port = 443;
  spec.ttl = 4;
  spec.attempt = 2;
  const uint8_t bytes[] = {0x45, 0x00, 0xab, 0xff};
  JsonLine line;
  FormatProbe(17, spec, bytes, sizeof(bytes), &line);
  EXPECT_EQ(Finish(line),
            "{\"type\":\"probe\",\"index\":17,\"target\":\"185.70.40.101\",\"probe\":\"tcp-syn\","
            "\"port\":443,\"ttl\":4,\"attempt\":2,\"bytes\":\"4500abff\"}\n");
  spec.type = probe::ProbeType::kIcmpEcho;
  spec.port = 0;
  FormatProbe(0, spec, bytes, 0, &line);
  EXPECT_EQ(Finish(line),
            "{\"type\":\"probe\",\"index\":0,\"target\":\"185.70.40.101\",\"probe\":\"icmp-echo\","
            "\"ttl\":4,\"attempt\":2,\"bytes\":\"\"}\n");
}

// The whole IPv6 SYN (76 bytes, the longest probe) is written, and its target in RFC 5952.
TEST(FormatProbeTest, WholeIpv6Probe) {
  probe::ProbeSpec spec;
  spec.target = wire::ParseIpAddress("2001:2:0:0:0:0:0:1").value();
  spec.type = probe::ProbeType::kTcpSyn;
  spec.port = 25;
  spec.ttl = 64;
  uint8_t bytes[probe::kTcpSynProbeLenV6];
  for (size_t i = 0; i < sizeof(bytes); ++i) bytes[i] = static_cast<uint8_t>(i);
  JsonLine line;
  FormatProbe(1, spec, bytes, sizeof(bytes), &line);
  std::string text = Finish(line);
  EXPECT_NE(text.find("\"target\":\"2001:2::1\""), std::string::npos) << text;
  std::string hex;
  for (size_t i = 0; i < sizeof(bytes); ++i) absl::StrAppend(&hex, absl::Hex(bytes[i], absl::kZeroPad2));
  EXPECT_NE(text.find("\"bytes\":\"" + hex + "\"}"), std::string::npos) << text;
}

// A located IPv6 verdict of a dual-stack host, field by field in the documented order.
TEST(FormatVerdictTest, DualStackPeerFollowsTheTargetsOwnFields) {
  locate::Verdict v;
  v.target = wire::IpAddress::V6(0x2001000200000000ULL, 0x165);
  v.dual_stack_peer = Ip(198, 19, 1, 101);
  v.port = 25;
  v.verdict = locate::VerdictKind::kSilentDrop;
  v.has_location = true;
  v.after_ttl = 2;
  v.after_addr = wire::IpAddress::V6(0x2001000200000001ULL, 2);
  v.scope = locate::Scope::kHost;
  v.supporting = 3;
  JsonLine line;
  FormatVerdict(v, &line);
  const std::string s = Finish(line);
  ExpectOneLine(s);
  EXPECT_EQ(s,
            "{\"type\":\"verdict\",\"target\":\"2001:2::165\",\"port\":25,\"verdict\":"
            "\"silent_drop\",\"dual_stack_peer\":\"198.19.1.101\",\"after_ttl\":2,\"after_addr\":"
            "\"2001:2:0:1::2\",\"scope\":\"host\",\"evidence\":[],\"confidence\":{\"supporting\":3,"
            "\"contradicting\":0}}\n");
  locate::Verdict unpaired = v;
  unpaired.dual_stack_peer = wire::IpAddress();
  FormatVerdict(unpaired, &line);
  EXPECT_EQ(Finish(line).find("dual_stack_peer"), std::string::npos);
}

// A cut record: the block, its size, and the finding its targets share.
TEST(FormatCutTest, NamesThePrefixAndTheSharedFinding) {
  std::vector<locate::Verdict> verdicts;
  for (uint8_t i = 8; i < 16; ++i) {
    locate::Verdict v;
    v.target = Ip(198, 19, 0, i);
    v.port = 25;
    v.verdict = locate::VerdictKind::kRstInjection;
    v.mechanism = locate::Mechanism::kInPath;
    v.has_location = true;
    v.after_ttl = 4;
    v.after_addr = Ip(198, 18, 3, 2);
    v.before_ttl = 5;
    v.before_addr = v.target;
    v.scope = locate::Scope::kHost;
    v.evidence = {{"rst_below_distance", "RST at TTL 5"}, {"other_hosts_pass", "9 of 9"}};
    verdicts.push_back(v);
  }
  const std::vector<locate::Cut> cuts = locate::FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 1u);
  JsonLine line;
  FormatCut(cuts[0], &line);
  const std::string s = Finish(line);
  ExpectOneLine(s);
  EXPECT_EQ(s,
            "{\"type\":\"cut\",\"prefix\":\"198.19.0.8/29\",\"targets\":8,\"port\":25,"
            "\"verdict\":\"rst_injection\",\"mechanism\":\"in_path\",\"after_ttl\":4,"
            "\"after_addr\":\"198.18.3.2\",\"before_ttl\":5,\"before_is_destination\":true,"
            "\"scope\":\"prefix\",\"evidence\":[\"rst_below_distance\",\"other_hosts_pass\"]}\n");
  FormatVerdict(verdicts[3], &line);
  EXPECT_NE(Finish(line).find("\"scope\":\"prefix\",\"cut_prefix\":\"198.19.0.8/29\""),
            std::string::npos);
}

// --vantage tags meta, verdict, cut and stats records right after their type; untagged
// records are unchanged.
TEST(VantageTest, TagsRunAndVerdictRecords) {
  JsonLine line;
  MetaInfo meta;
  meta.command = "locate";
  meta.vantage = "upstream-b";
  FormatMeta(meta, &line);
  EXPECT_EQ(Finish(line).rfind("{\"type\":\"meta\",\"vantage\":\"upstream-b\",\"schema\":1,", 0), 0u);
  ScanStats stats;
  stats.vantage = "upstream-b";
  FormatStats(stats, &line);
  EXPECT_EQ(Finish(line).rfind("{\"type\":\"stats\",\"vantage\":\"upstream-b\",\"probes_sent\"", 0), 0u);
  std::vector<locate::Verdict> verdicts(1);
  verdicts[0].target = Ip(198, 19, 1, 101);
  verdicts[0].port = 25;
  verdicts[0].verdict = locate::VerdictKind::kSilentDrop;
  const std::vector<locate::Cut> cuts = locate::FindCuts(&verdicts);
  ASSERT_EQ(cuts.size(), 1u);
  FormatVerdict(verdicts[0], &line, "A");
  EXPECT_EQ(Finish(line).rfind("{\"type\":\"verdict\",\"vantage\":\"A\",\"target\":\"198.19.1.101\",", 0), 0u);
  FormatCut(cuts[0], &line, "A");
  EXPECT_EQ(Finish(line).rfind("{\"type\":\"cut\",\"vantage\":\"A\",\"prefix\":\"198.19.1.101/32\",", 0), 0u);
  FormatVerdict(verdicts[0], &line);
  EXPECT_EQ(Finish(line).find("vantage"), std::string::npos);
  FormatStats(ScanStats(), &line);
  EXPECT_EQ(Finish(line).find("vantage"), std::string::npos);
}

}  // namespace
}  // namespace cutpoint::report
