// SPDX-License-Identifier: Apache-2.0
#include "engine/report/trace_reply.h"

#include "absl/strings/str_cat.h"
#include "engine/report/records.h"
#include "nlohmann/json.hpp"

namespace cutpoint::report {
namespace {

using Json = nlohmann::json;

// The integer field `name` of `object`, within [low, high].
absl::StatusOr<int64_t> IntField(const Json& object, const char* name, int64_t low, int64_t high) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat("reply record without integer \"", name, "\""));
  }
  int64_t value = it->get<int64_t>();
  if (value < low || value > high) {
    return absl::InvalidArgumentError(absl::StrCat("reply \"", name, "\" out of range"));
  }
  return value;
}

absl::StatusOr<std::string> StringField(const Json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("reply record without string \"", name, "\""));
  }
  return it->get<std::string>();
}

absl::StatusOr<wire::IpAddress> AddressField(const Json& object, const char* name) {
  absl::StatusOr<std::string> text = StringField(object, name);
  if (!text.ok()) return text.status();
  absl::StatusOr<wire::IpAddress> address = wire::ParseIpAddress(*text);
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("reply \"", name, "\" is no IP address"));
  }
  return address;
}

}  // namespace

TraceReply TraceReplyFromRecord(const match::ReplyRecord& record) {
  TraceReply reply;
  reply.target = record.target;
  reply.probe_type = record.probe_type;
  reply.port = record.port;
  reply.probe_ttl = record.probe_ttl;
  reply.attempt = record.attempt;
  reply.kind = std::string(match::ReplyKindName(record.kind));
  reply.from = record.from;
  reply.reply_ttl = record.reply_ttl;
  if (record.is_icmp) {
    reply.icmp_type = record.icmp_type;
    reply.icmp_code = record.icmp_code;
  }
  if (record.is_tcp) {
    char flags[9];
    reply.tcp_flags.assign(flags, FormatTcpFlags(record.tcp_flags, flags));
  }
  reply.rtt_us = record.rtt_us;
  reply.time_us = record.recv_time_us;
  return reply;
}

absl::StatusOr<std::optional<TraceReply>> ParseTraceReplyLine(absl::string_view line) {
  Json object = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return absl::InvalidArgumentError("line is no JSON object");
  auto type = object.find("type");
  if (type == object.end() || !type->is_string()) {
    return absl::InvalidArgumentError("record without string \"type\"");
  }
  if (type->get<std::string>() != "reply") return std::optional<TraceReply>();
  TraceReply reply;
  absl::StatusOr<wire::IpAddress> target = AddressField(object, "target");
  absl::StatusOr<wire::IpAddress> from = AddressField(object, "from");
  absl::StatusOr<std::string> probe = StringField(object, "probe");
  absl::StatusOr<std::string> kind = StringField(object, "kind");
  absl::StatusOr<int64_t> ttl = IntField(object, "ttl", 0, 255);
  absl::StatusOr<int64_t> attempt = IntField(object, "attempt", 0, 255);
  absl::StatusOr<int64_t> reply_ttl = IntField(object, "reply_ttl", 0, 255);
  absl::StatusOr<int64_t> rtt = IntField(object, "rtt_us", INT64_MIN, INT64_MAX);
  absl::StatusOr<int64_t> time = IntField(object, "time_us", 0, INT64_MAX);
  for (const absl::Status& status :
       {target.status(), from.status(), probe.status(), kind.status(), ttl.status(),
        attempt.status(), reply_ttl.status(), rtt.status(), time.status()}) {
    if (!status.ok()) return status;
  }
  std::optional<probe::ProbeType> probe_type = probe::ParseProbeType(*probe);
  if (!probe_type) return absl::InvalidArgumentError("reply \"probe\" of unknown kind");
  reply.target = *target;
  reply.from = *from;
  reply.probe_type = *probe_type;
  reply.kind = *kind;
  reply.probe_ttl = static_cast<int>(*ttl);
  reply.attempt = static_cast<int>(*attempt);
  reply.reply_ttl = static_cast<int>(*reply_ttl);
  reply.rtt_us = *rtt;
  reply.time_us = *time;
  if (*probe_type == probe::ProbeType::kTcpSyn) {
    absl::StatusOr<int64_t> port = IntField(object, "port", 0, 65535);
    if (!port.ok()) return port.status();
    reply.port = static_cast<uint16_t>(*port);
  }
  if (object.contains("icmp_type")) {
    absl::StatusOr<int64_t> icmp_type = IntField(object, "icmp_type", 0, 255);
    absl::StatusOr<int64_t> icmp_code = IntField(object, "icmp_code", 0, 255);
    if (!icmp_type.ok()) return icmp_type.status();
    if (!icmp_code.ok()) return icmp_code.status();
    reply.icmp_type = static_cast<int>(*icmp_type);
    reply.icmp_code = static_cast<int>(*icmp_code);
  }
  if (object.contains("tcp_flags")) {
    absl::StatusOr<std::string> flags = StringField(object, "tcp_flags");
    if (!flags.ok()) return flags.status();
    reply.tcp_flags = *flags;
  }
  if (object.contains("from_asn")) {
    absl::StatusOr<int64_t> asn = IntField(object, "from_asn", 0, UINT32_MAX);
    if (!asn.ok()) return asn.status();
    reply.from_asn = static_cast<uint32_t>(*asn);
  }
  return std::optional<TraceReply>(std::move(reply));
}

}  // namespace cutpoint::report
