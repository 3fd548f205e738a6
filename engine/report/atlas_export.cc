// SPDX-License-Identifier: Apache-2.0
#include "engine/report/atlas_export.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;
using FlowKey = std::tuple<wire::IpAddress, probe::ProbeType, uint16_t>;

// The firmware version whose result layout we follow (TCP replies carry "flags").
constexpr int kAtlasFirmware = 5020;
// cutpoint keeps one flow per (target, kind, port): one Paris traceroute variation.
constexpr int kParisId = 1;

// Atlas's letters for ICMP unreachable codes: N network, H host, P protocol, p port,
// A administratively prohibited; any other code as its number.
Json UnreachableErr(const TraceReply& reply) {
  const bool v6 = !reply.target.is_v4();
  if (v6) {
    switch (reply.icmp_code) {
      case 0: return "N";
      case 1: return "A";
      case 3: return "H";
      case 4: return "p";
      default: return reply.icmp_code;
    }
  }
  switch (reply.icmp_code) {
    case 0: return "N";
    case 1: return "H";
    case 2: return "P";
    case 3: return "p";
    case 13: return "A";
    default: return reply.icmp_code;
  }
}

Json HopEntry(const TraceReply& reply) {
  Json entry = {{"from", wire::IpAddressToString(reply.from)},
                {"rtt", std::round(static_cast<double>(reply.rtt_us)) / 1000.0},
                {"ttl", reply.reply_ttl}};
  if (reply.kind == "dest_unreachable") entry["err"] = UnreachableErr(reply);
  if (!reply.tcp_flags.empty()) entry["flags"] = reply.tcp_flags;
  return entry;
}

struct Flow {
  std::vector<const TraceReply*> replies;
};

}  // namespace

std::vector<std::string> ExportAtlasTraceroutes(absl::Span<const TraceReply> replies,
                                                const AtlasExportOptions& options) {
  std::map<FlowKey, Flow> flows;
  std::vector<FlowKey> order;
  for (const TraceReply& reply : replies) {
    FlowKey key{reply.target, reply.probe_type, reply.port};
    auto [it, added] = flows.try_emplace(key);
    if (added) order.push_back(key);
    it->second.replies.push_back(&reply);
  }
  std::vector<std::string> results;
  for (const FlowKey& key : order) {
    const Flow& flow = flows[key];
    const TraceReply& first = *flow.replies.front();
    const bool v4 = first.target.is_v4();
    int attempts = options.attempts;
    int last_ttl = 0;
    int destination_ttl = 0;
    int64_t start_us = INT64_MAX, end_us = 0;
    for (const TraceReply* reply : flow.replies) {
      attempts = std::max(attempts, options.attempts > 0 ? 0 : reply->attempt + 1);
      last_ttl = std::max(last_ttl, reply->probe_ttl);
      if (reply->from == reply->target &&
          (destination_ttl == 0 || reply->probe_ttl < destination_ttl)) {
        destination_ttl = reply->probe_ttl;
      }
      start_us = std::min(start_us, reply->time_us - reply->rtt_us);
      end_us = std::max(end_us, reply->time_us);
    }
    if (destination_ttl != 0) last_ttl = destination_ttl;
    Json hops = Json::array();
    for (int ttl = options.ttl_min; ttl <= last_ttl; ++ttl) {
      Json entries = Json::array();
      for (int attempt = 0; attempt < attempts; ++attempt) {
        bool answered = false;
        for (const TraceReply* reply : flow.replies) {
          if (reply->probe_ttl != ttl || reply->attempt != attempt) continue;
          entries.push_back(HopEntry(*reply));
          answered = true;
        }
        if (!answered) entries.push_back({{"x", "*"}});
      }
      hops.push_back({{"hop", ttl}, {"result", std::move(entries)}});
    }
    const std::string dst = wire::IpAddressToString(first.target);
    const wire::IpAddress& src = v4 ? options.src_addr_v4 : options.src_addr_v6;
    Json result = {
        {"fw", kAtlasFirmware},
        {"af", v4 ? 4 : 6},
        {"dst_addr", dst},
        {"dst_name", dst},
        {"from", wire::IpAddressToString(src)},
        {"src_addr", wire::IpAddressToString(src)},
        {"proto", first.probe_type == probe::ProbeType::kTcpSyn ? "TCP" : "ICMP"},
        {"paris_id", kParisId},
        {"timestamp", start_us / 1000000},
        {"endtime", (end_us + 999999) / 1000000},
        {"msm_id", 0},
        {"prb_id", 0},
        {"type", "traceroute"},
        {"result", std::move(hops)},
    };
    if (options.probe_size > 0) result["size"] = options.probe_size;
    if (first.probe_type == probe::ProbeType::kTcpSyn) result["dst_port"] = first.port;
    results.push_back(result.dump() + "\n");
  }
  return results;
}

}  // namespace cutpoint::report
