#include "engine/locate/observation_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::locate {
namespace {

// Dense storage keeps Add() allocation-free; refuse sizes that would not fit in memory.
constexpr uint64_t kMaxCells = uint64_t{1} << 26;

void KeepMinRtt(int32_t* slot, int64_t rtt_us) {
  int32_t rtt = rtt_us > INT32_MAX ? INT32_MAX : static_cast<int32_t>(rtt_us < 0 ? 0 : rtt_us);
  if (*slot < 0 || rtt < *slot) *slot = rtt;
}

// A SYN-ACK or RST in the target's name: the first one of the cell keeps its IP TTL and
// IP ID, the fingerprint the judge compares a suspect RST with.
void KeepTcpReply(const match::ReplyRecord& reply, uint8_t attempt_bit, uint8_t* attempts,
                  uint8_t* reply_ttl, uint16_t* ipid, int32_t* rtt_slot) {
  if (*attempts == 0) {
    *reply_ttl = reply.reply_ttl;
    *ipid = reply.reply_ipid;
  }
  *attempts |= attempt_bit;
  KeepMinRtt(rtt_slot, reply.rtt_us);
}

}  // namespace

ObservationTable::ObservationTable(const targets::TargetSet* targets, LocateLayout layout)
    : targets_(targets), layout_(std::move(layout)) {}

absl::StatusOr<ObservationTable> ObservationTable::Create(const targets::TargetSet* targets,
                                                          LocateLayout layout) {
  if (layout.kinds.empty() || layout.ttl_min == 0 || layout.ttl_min > layout.ttl_max) {
    return absl::InvalidArgumentError("bad locate layout");
  }
  uint64_t cells =
      targets->size() * layout.kinds.size() * static_cast<uint64_t>(layout.ttl_count());
  if (cells > kMaxCells) {
    return absl::InvalidArgumentError(
        absl::StrCat("locate over ", targets->size(), " targets x ", layout.kinds.size(),
                     " probe kinds x ", layout.ttl_count(),
                     " TTLs is too large to judge in one run; split the targets "
                     "(e.g. per /16) or narrow the TTL range"));
  }
  ObservationTable table(targets, std::move(layout));
  table.cells_.resize(cells);
  return table;
}

int ObservationTable::KindIndex(probe::ProbeType type, uint16_t port) const {
  for (size_t i = 0; i < layout_.kinds.size(); ++i) {
    const targets::ProbeKind& kind = layout_.kinds[i];
    if (kind.type == type && (type == probe::ProbeType::kIcmpEcho || kind.port == port)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

bool ObservationTable::Add(const match::ReplyRecord& reply) {
  int64_t target_index = targets_->IndexOf(reply.target);
  int kind = KindIndex(reply.probe_type, reply.port);
  if (target_index < 0 || kind < 0 || reply.probe_ttl < layout_.ttl_min ||
      reply.probe_ttl > layout_.ttl_max) {
    return false;
  }
  Cell& cell = cells_[Offset(static_cast<uint64_t>(target_index), kind, reply.probe_ttl)];
  uint8_t attempt_bit = static_cast<uint8_t>(1u << (reply.attempt & 7));
  switch (reply.kind) {
    case match::ReplyKind::kTimeExceeded:
      if (cell.te_from == wire::IpAddress()) {
        cell.te_from = reply.from;
      } else if (cell.te_from != reply.from) {
        cell.te_from_varies = true;
      }
      cell.te_attempts |= attempt_bit;
      KeepMinRtt(&cell.te_rtt_us, reply.rtt_us);
      break;
    case match::ReplyKind::kDestUnreachable:
      if (cell.unreach_from == wire::IpAddress()) {
        cell.unreach_from = reply.from;
        cell.unreach_code = reply.icmp_code;
      }
      cell.unreach_attempts |= attempt_bit;
      break;
    case match::ReplyKind::kSynAck:
      KeepTcpReply(reply, attempt_bit, &cell.synack_attempts, &cell.synack_reply_ttl,
                   &cell.synack_ipid, &cell.target_rtt_us);
      break;
    case match::ReplyKind::kRst:
      KeepTcpReply(reply, attempt_bit, &cell.rst_attempts, &cell.rst_reply_ttl, &cell.rst_ipid,
                   &cell.target_rtt_us);
      break;
    case match::ReplyKind::kHalfOpenAck:
      cell.half_open_attempts |= attempt_bit;
      break;
    case match::ReplyKind::kEchoReply:
      if (cell.echo_attempts == 0) cell.echo_reply_ttl = reply.reply_ttl;
      cell.echo_attempts |= attempt_bit;
      KeepMinRtt(&cell.target_rtt_us, reply.rtt_us);
      break;
    case match::ReplyKind::kParamProblem:
    case match::ReplyKind::kPacketTooBig:
    case match::ReplyKind::kOther:
      cell.other_attempts |= attempt_bit;
      break;
  }
  return true;
}

LocateLayout MakeLocateLayout(uint8_t ttl_min, uint8_t ttl_max, uint16_t test_port,
                              const std::vector<uint16_t>& control_ports, bool echo_control,
                              std::vector<std::string>* probe_names) {
  LocateLayout layout;
  layout.ttl_min = ttl_min;
  layout.ttl_max = ttl_max;
  std::vector<std::string> names;
  layout.kinds.push_back({probe::ProbeType::kTcpSyn, test_port});
  names.push_back(absl::StrCat("tcp-syn:", test_port, " (test)"));
  for (uint16_t port : control_ports) {
    layout.kinds.push_back({probe::ProbeType::kTcpSyn, port});
    names.push_back(absl::StrCat("tcp-syn:", port));
  }
  if (echo_control) {
    layout.kinds.push_back({probe::ProbeType::kIcmpEcho, 0});
    names.push_back("icmp-echo");
  }
  if (probe_names != nullptr) *probe_names = std::move(names);
  return layout;
}

}  // namespace cutpoint::locate
