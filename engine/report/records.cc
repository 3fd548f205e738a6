// SPDX-License-Identifier: Apache-2.0
#include "engine/report/records.h"

#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_layout.h"
#include "engine/wire/protocol.h"

namespace cutpoint::report {

size_t FormatTcpFlags(uint8_t flags, char out[9]) {
  static constexpr char kLetters[] = "FSRPAUEC";
  size_t len = 0;
  for (int bit = 0; bit < 8; ++bit) {
    if (flags & (1u << bit)) out[len++] = kLetters[bit];
  }
  out[len] = '\0';
  return len;
}

void FormatMeta(const MetaInfo& meta, JsonLine* line) {
  line->Begin();
  line->AddString("type", "meta");
  if (!meta.vantage.empty()) line->AddString("vantage", meta.vantage);
  line->AddInt("schema", kSchemaVersion);
  line->AddString("tool", "cutpoint");
  line->AddString("version", meta.tool_version);
  line->AddString("command", meta.command);
  line->AddStringArray("argv", meta.argv);
  line->AddString("key_fingerprint", meta.key_fingerprint);
  line->AddInt("probe_format", probe::kProbeFormat);
  line->AddString("start_time", meta.start_time);
  if (meta.source_v4) line->AddIp("source", *meta.source_v4);
  if (meta.source_v6) line->AddIp("source_v6", *meta.source_v6);
  if (!meta.interface.empty()) line->AddString("interface", meta.interface);
  if (!meta.pcap_file.empty()) line->AddString("pcap", meta.pcap_file);
  if (!meta.probes.empty()) line->AddStringArray("probes", meta.probes);
  if (meta.ttl_min > 0) {
    line->AddInt("ttl_min", meta.ttl_min);
    line->AddInt("ttl_max", meta.ttl_max);
    line->AddInt("attempts", meta.attempts);
  }
  if (meta.rate_pps > 0) line->AddDouble("rate_pps", meta.rate_pps);
  if (meta.shard_count > 1) {
    line->AddUint("seed", meta.seed);
    line->AddUint("shards", meta.shard_count);
    line->AddUint("shard", meta.shard_index);
  }
  if (meta.target_count > 0) line->AddUint("targets", meta.target_count);
  if (!meta.notes.empty()) line->AddStringArray("notes", meta.notes);
  if (meta.probe_count > 0) line->AddUint("probe_count", meta.probe_count);
  line->AddBool("dry_run", meta.dry_run);
  if (!meta.blocklists.empty()) {
    line->AddStringArray("blocklists", meta.blocklists);
    line->AddUint("blocklisted", meta.blocklisted);
  }
  if (!meta.allowed_reserved.empty()) line->AddStringArray("allow_reserved", meta.allowed_reserved);
  if (meta.skip_reserved) line->AddUint("reserved_skipped", meta.reserved_skipped);
  if (!meta.asn_dbs.empty()) {
    line->BeginArray("asn_dbs");
    for (const AsnDbMeta& db : meta.asn_dbs) {
      line->BeginObject();
      line->AddString("path", db.path);
      line->AddString("format", db.format);
      line->AddUint("size", db.size);
      line->AddString("mtime", db.mtime);
      line->AddUint("entries", db.entries);
      line->EndObject();
    }
    line->EndArray();
  }
}

absl::string_view ScanStatus(match::ReplyKind kind) {
  switch (kind) {
    case match::ReplyKind::kSynAck:
      return "open";
    case match::ReplyKind::kHalfOpenAck:
      return "open";  // the port took an earlier SYN
    case match::ReplyKind::kRst:
      return "closed";
    case match::ReplyKind::kEchoReply:
      return "up";
    case match::ReplyKind::kDestUnreachable:
      return "unreachable";
    case match::ReplyKind::kTimeExceeded:
      return "expired";
    case match::ReplyKind::kParamProblem:
    case match::ReplyKind::kPacketTooBig:
    case match::ReplyKind::kOther:
      break;
  }
  return "other";
}

void FormatReply(const match::ReplyRecord& reply, JsonLine* line, bool with_status,
                 bool conflict) {
  line->Begin();
  line->AddString("type", "reply");
  line->AddIp("target", reply.target);
  line->AddString("probe", probe::ProbeTypeName(reply.probe_type));
  if (reply.probe_type == probe::ProbeType::kTcpSyn) line->AddUint("port", reply.port);
  line->AddUint("ttl", reply.probe_ttl);
  line->AddUint("attempt", reply.attempt);
  line->AddString("kind", match::ReplyKindName(reply.kind));
  if (with_status) line->AddString("status", ScanStatus(reply.kind));
  line->AddIp("from", reply.from);
  line->AddUint("reply_ttl", reply.reply_ttl);
  line->AddUint("ipid", reply.reply_ipid);
  line->AddInt("rtt_us", reply.rtt_us);
  line->AddBool("rtt_exact", reply.rtt_exact);
  line->AddInt("time_us", reply.recv_time_us);
  line->AddUint("ip_version", reply.target.is_v4() ? 4 : 6);
  if (reply.is_icmp) {
    line->AddUint("icmp_type", reply.icmp_type);
    line->AddUint("icmp_code", reply.icmp_code);
  }
  if (reply.is_tcp) {
    char flags[9];
    size_t len = FormatTcpFlags(reply.tcp_flags, flags);
    line->AddString("tcp_flags", absl::string_view(flags, len));
    line->AddUint("tcp_window", reply.tcp_window);
  }
  if (reply.has_quote) {
    line->AddUint("quoted_ttl", reply.quoted_ttl);
    line->AddUint("quoted_ipid", reply.quoted_ipid);
    line->AddUint("quoted_len", reply.quoted_len);
  }
  if (reply.mpls.count > 0) {
    line->BeginArray("mpls");
    for (int i = 0; i < reply.mpls.count; ++i) {
      const wire::MplsEntry& entry = reply.mpls.entries[i];
      line->BeginObject();
      line->AddUint("label", entry.label);
      line->AddUint("tc", entry.exp);
      line->AddBool("s", entry.bottom);
      line->AddUint("ttl", entry.ttl);
      line->EndObject();
    }
    line->EndArray();
  }
  if (conflict) line->AddBool("conflict", true);
}

namespace {

// The "dpdk" object of the stats record.
void FormatDpdkStats(const DpdkStats& dpdk, JsonLine* line) {
  line->BeginObject("dpdk");
  line->AddString("device", dpdk.device);
  line->AddUint("ipackets", dpdk.ipackets);
  line->AddUint("opackets", dpdk.opackets);
  line->AddUint("ibytes", dpdk.ibytes);
  line->AddUint("obytes", dpdk.obytes);
  line->AddUint("imissed", dpdk.imissed);
  line->AddUint("ierrors", dpdk.ierrors);
  line->AddUint("oerrors", dpdk.oerrors);
  line->AddUint("rx_nombuf", dpdk.rx_nombuf);
  line->BeginArray("tx_queues");
  for (size_t q = 0; q < dpdk.tx_queues.size(); ++q) {
    const DpdkTxQueueStats& queue = dpdk.tx_queues[q];
    line->BeginObject();
    line->AddUint("queue", q);
    line->AddUint("sent", queue.sent);
    line->AddUint("bursts", queue.bursts);
    line->AddUint("tx_full", queue.tx_full);
    line->AddUint("alloc_failures", queue.alloc_failures);
    line->EndObject();
  }
  line->EndArray();
  line->AddUint("main_lcore", dpdk.main_lcore);
  line->BeginArray("threads");
  for (const DpdkThreadStats& thread : dpdk.threads) {
    line->BeginObject();
    line->AddString("role", thread.role);
    line->AddUint("index", static_cast<uint64_t>(thread.index));
    line->AddUint("lcore", thread.lcore);
    line->AddString("cpus", thread.cpus);
    line->AddBool("pinned", thread.pinned);
    line->AddBool("registered", thread.registered);
    line->EndObject();
  }
  line->EndArray();
  line->EndObject();
}

}  // namespace

void FormatStats(const ScanStats& stats, JsonLine* line) {
  line->Begin();
  line->AddString("type", "stats");
  if (!stats.vantage.empty()) line->AddString("vantage", stats.vantage);
  line->AddUint("probes_sent", stats.probes_sent);
  line->AddUint("send_errors", stats.send_errors);
  line->AddUint("replies_seen", stats.replies_seen);
  line->AddUint("matched", stats.matched);
  line->AddUint("rejected", stats.rejected);
  line->BeginObject("rejected_by_reason");
  line->AddUint("bad_flow_field", stats.rejected_by_reason.bad_flow_field);
  line->AddUint("bad_mac", stats.rejected_by_reason.bad_mac);
  line->AddUint("not_our_target", stats.rejected_by_reason.not_our_target);
  line->AddUint("out_of_plan", stats.rejected_by_reason.out_of_plan);
  line->AddUint("short_quote", stats.rejected_by_reason.short_quote);
  line->AddUint("stale", stats.rejected_by_reason.stale);
  line->AddUint("future", stats.rejected_by_reason.future);
  line->EndObject();
  line->AddNumber("forgery_acceptance_p", stats.forgery_acceptance_p);
  line->AddNumber("expected_forged_accepted",
                  static_cast<double>(stats.rejected) * stats.forgery_acceptance_p);
  line->AddUint("unmatched", stats.unmatched);
  line->AddUint("malformed", stats.malformed);
  if (stats.has_capture_stats) {
    line->AddUint("pcap_received", stats.pcap_received);
    line->AddUint("pcap_dropped", stats.pcap_dropped);
    line->AddUint("pcap_ifdropped", stats.pcap_ifdropped);
  }
  if (stats.dpdk) FormatDpdkStats(*stats.dpdk, line);
  if (stats.screen) {
    line->BeginObject("screen");
    line->AddUint("probes", stats.screen->probes);
    line->AddUint("swept_targets", stats.screen->swept_targets);
    line->EndObject();
  }
  line->AddDouble("duration_s", stats.duration_s);
  if (stats.send_s) line->AddDouble("send_s", *stats.send_s);
  line->AddBool("interrupted", stats.interrupted);
  if (stats.interrupted) {
    line->AddUint("probes_unsent", stats.probes_unsent);
    if (!stats.resume_file.empty()) line->AddString("resume_file", stats.resume_file);
  }
  if (stats.capture_truncated) {
    line->AddBool("capture_truncated", true);
    if (stats.truncated_at_byte) line->AddUint("truncated_at_byte", *stats.truncated_at_byte);
  }
}

void FormatProbe(uint64_t index, const probe::ProbeSpec& spec, const uint8_t* packet, size_t len,
                 JsonLine* line) {
  static constexpr char kHex[] = "0123456789abcdef";
  line->Begin();
  line->AddString("type", "probe");
  line->AddUint("index", index);
  line->AddIp("target", spec.target);
  line->AddString("probe", probe::ProbeTypeName(spec.type));
  if (spec.type == probe::ProbeType::kTcpSyn) line->AddUint("port", spec.port);
  line->AddUint("ttl", spec.ttl);
  line->AddUint("attempt", spec.attempt);
  // Every probe fits (the IPv6 SYN is the longest); a longer buffer is cut, never overrun.
  char hex[2 * probe::kMaxProbeLen];
  size_t hex_len = 0;
  for (size_t i = 0; i < len && i < probe::kMaxProbeLen; ++i) {
    hex[hex_len++] = kHex[packet[i] >> 4];
    hex[hex_len++] = kHex[packet[i] & 0xf];
  }
  line->AddString("bytes", absl::string_view(hex, hex_len));
}

}  // namespace cutpoint::report

namespace cutpoint::report {

void FormatVerdict(const locate::Verdict& verdict, JsonLine* line, absl::string_view vantage) {
  line->Begin();
  line->AddString("type", "verdict");
  if (!vantage.empty()) line->AddString("vantage", vantage);
  line->AddIp("target", verdict.target);
  line->AddUint("port", verdict.port);
  line->AddString("verdict", locate::VerdictName(verdict.verdict));
  if (verdict.mechanism != locate::Mechanism::kNone) {
    line->AddString("mechanism", locate::MechanismName(verdict.mechanism));
  }
  if (!verdict.reason.empty()) line->AddString("reason", verdict.reason);
  if (verdict.control_host) line->AddBool("control_host", true);
  if (verdict.dual_stack_peer != wire::IpAddress()) {
    line->AddIp("dual_stack_peer", verdict.dual_stack_peer);
  }
  if (verdict.has_location) {
    line->AddInt("after_ttl", verdict.after_ttl);
    if (verdict.after_addr != wire::IpAddress()) line->AddIp("after_addr", verdict.after_addr);
    if (verdict.before_ttl != 0) {
      line->AddInt("before_ttl", verdict.before_ttl);
      line->AddIp("before_addr", verdict.before_addr);
    }
  }
  if (verdict.has_icmp) {
    line->AddIp("icmp_from", verdict.icmp_from);
    line->AddUint("icmp_code", verdict.icmp_code);
  }
  if (verdict.distance != 0) line->AddInt("distance", verdict.distance);
  if (verdict.scope != locate::Scope::kNone)
    line->AddString("scope", locate::ScopeName(verdict.scope));
  if (!verdict.cut_prefix.empty()) line->AddString("cut_prefix", verdict.cut_prefix);
  line->BeginArray("evidence");
  for (const locate::Evidence& evidence : verdict.evidence) {
    line->BeginObject();
    line->AddString("name", evidence.name);
    line->AddString("detail", evidence.detail);
    line->EndObject();
  }
  line->EndArray();
  line->BeginObject("confidence");
  line->AddInt("supporting", verdict.supporting);
  line->AddInt("contradicting", verdict.contradicting);
  if (verdict.evidence_probes != 0) line->AddInt("evidence_probes", verdict.evidence_probes);
  if (verdict.has_silence_test) {
    line->AddInt("test_probes", verdict.test_probes);
    line->AddInt("control_probes", verdict.control_probes);
    line->AddInt("control_passes", verdict.control_passes);
    line->AddNumber("p", verdict.p);
    line->AddNumber("threshold", verdict.threshold);
  }
  if (verdict.has_pass_test) {
    line->AddInt("pass_from_ttl", verdict.pass_from_ttl);
    line->AddInt("pass_probes", verdict.pass_probes);
    line->AddInt("test_passes", verdict.test_passes);
    line->AddInt("control_pass_probes", verdict.control_pass_probes);
    line->AddInt("control_pass_count", verdict.control_pass_count);
    line->AddNumber("control_pass_fraction", verdict.control_pass_fraction);
    line->AddNumber("control_ci_low", verdict.control_ci_low);
    line->AddNumber("control_ci_high", verdict.control_ci_high);
    line->AddNumber("pass_p", verdict.pass_p);
    if (!verdict.has_silence_test) line->AddNumber("threshold", verdict.threshold);
  }
  line->EndObject();
  if (verdict.has_pass_test) {
    // The headline figures, beside the verdict: a reader filters on them.
    line->AddNumber("pass_fraction", verdict.pass_fraction);
    line->AddNumber("pass_ci_low", verdict.pass_ci_low);
    line->AddNumber("pass_ci_high", verdict.pass_ci_high);
  }
}

void FormatCut(const locate::Cut& cut, JsonLine* line, absl::string_view vantage) {
  const locate::Verdict& v = *cut.verdict;
  line->Begin();
  line->AddString("type", "cut");
  if (!vantage.empty()) line->AddString("vantage", vantage);
  line->AddString("prefix", v.cut_prefix);
  line->AddUint("targets", cut.targets);
  line->AddUint("port", v.port);
  line->AddString("verdict", locate::VerdictName(v.verdict));
  if (v.mechanism != locate::Mechanism::kNone) {
    line->AddString("mechanism", locate::MechanismName(v.mechanism));
  }
  if (v.has_location) {
    line->AddInt("after_ttl", v.after_ttl);
    if (v.after_addr != wire::IpAddress()) line->AddIp("after_addr", v.after_addr);
    if (v.before_ttl != 0) {
      line->AddInt("before_ttl", v.before_ttl);
      // Each target's own address when the probe died at the destination's hop.
      if (v.before_addr == v.target) {
        line->AddBool("before_is_destination", true);
      } else {
        line->AddIp("before_addr", v.before_addr);
      }
    }
  }
  if (v.has_icmp) {
    line->AddIp("icmp_from", v.icmp_from);
    line->AddUint("icmp_code", v.icmp_code);
  }
  if (v.scope != locate::Scope::kNone) line->AddString("scope", locate::ScopeName(v.scope));
  std::vector<absl::string_view> evidence;
  for (const locate::Evidence& e : v.evidence) evidence.push_back(e.name);
  line->AddStringArray("evidence", evidence);
}

namespace {

std::vector<absl::string_view> VantagesWhere(const locate::VantageComparison& comparison,
                                             const locate::TargetComparison& target,
                                             locate::VantageView view) {
  std::vector<absl::string_view> names;
  for (size_t i = 0; i < comparison.vantages.size(); ++i) {
    if (locate::ViewOf(target.by_vantage[i]) == view) names.push_back(comparison.vantages[i]);
  }
  return names;
}

}  // namespace

void FormatVantageDiff(const locate::VantageComparison& comparison,
                       const locate::TargetComparison& target, JsonLine* line) {
  line->Begin();
  line->AddString("type", "vantage_diff");
  line->AddIp("target", target.target);
  line->AddUint("port", target.port);
  line->AddStringArray("blocked_from",
                       VantagesWhere(comparison, target, locate::VantageView::kBlocked));
  line->AddStringArray("open_from", VantagesWhere(comparison, target, locate::VantageView::kOpen));
  line->BeginObject("vantages");
  for (size_t i = 0; i < comparison.vantages.size(); ++i) {
    const std::optional<locate::VantageVerdict>& verdict = target.by_vantage[i];
    if (!verdict) continue;
    line->BeginObject(comparison.vantages[i]);
    line->AddString("verdict", locate::VerdictName(verdict->verdict));
    if (!verdict->mechanism.empty()) line->AddString("mechanism", verdict->mechanism);
    if (!verdict->reason.empty()) line->AddString("reason", verdict->reason);
    if (verdict->after_ttl) line->AddInt("after_ttl", *verdict->after_ttl);
    if (verdict->after_addr) line->AddIp("after_addr", *verdict->after_addr);
    if (!verdict->scope.empty()) line->AddString("scope", verdict->scope);
    if (!verdict->cut_prefix.empty()) line->AddString("cut_prefix", verdict->cut_prefix);
    line->AddString("source", verdict->source);
    line->EndObject();
  }
  line->EndObject();
}

void FormatVantageSummary(const locate::VantageComparison& comparison,
                          const locate::PortComparison& port, JsonLine* line) {
  line->Begin();
  line->AddString("type", "vantage_summary");
  line->AddUint("port", port.port);
  line->AddStringArray("vantages", comparison.vantages);
  line->AddInt("targets", port.targets);
  line->AddInt("differ", port.differ);
  line->AddInt("agree", port.agree);
  line->AddInt("undecided", port.undecided);
  line->BeginArray("blocked_open");
  for (size_t i = 0; i < comparison.vantages.size(); ++i) {
    for (size_t j = 0; j < comparison.vantages.size(); ++j) {
      if (i == j) continue;
      line->BeginObject();
      line->AddString("blocked_from", comparison.vantages[i]);
      line->AddString("open_from", comparison.vantages[j]);
      line->AddInt("targets", port.blocked_open[i][j]);
      line->EndObject();
    }
  }
  line->EndArray();
}

}  // namespace cutpoint::report
