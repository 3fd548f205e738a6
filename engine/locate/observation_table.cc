// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/observation_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::locate {
namespace {

// Whole cells for every target (`--sweep all`): refuse sizes that would not fit in memory.
constexpr uint64_t kMaxCells = uint64_t{1} << 26;
// Screen cells (16 bytes per target and probe kind): 2^30 of them is 16 GiB.
constexpr uint64_t kMaxScreenCells = uint64_t{1} << 30;

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
                                                          LocateLayout layout,
                                                          bool every_target_swept) {
  if (layout.kinds.empty() || layout.ttl_min == 0 || layout.ttl_min > layout.ttl_max) {
    return absl::InvalidArgumentError("bad locate layout");
  }
  const uint64_t screen_cells = targets->size() * layout.kinds.size();
  const uint64_t whole_cells = screen_cells * static_cast<uint64_t>(layout.ttl_count());
  if ((every_target_swept && whole_cells > kMaxCells) || screen_cells > kMaxScreenCells) {
    return absl::InvalidArgumentError(
        absl::StrCat("locate over ", targets->size(), " targets x ", layout.kinds.size(),
                     " probe kinds x ", layout.ttl_count(),
                     " TTLs is too large to judge in one run; split the targets "
                     "(e.g. per /16)",
                     every_target_swept ? ", narrow the TTL range, or screen first (--sweep screen)"
                                        : ""));
  }
  ObservationTable table(targets, std::move(layout));
  table.screen_.resize(screen_cells);
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

namespace {

// The target's own answers of a screen cell into a whole cell (Cell or StoredCell).
template <typename WholeCell>
void CopyTargetAnswers(const ScreenCell& from, WholeCell* to) {
  to->target_rtt_us = from.target_rtt_us;
  to->synack_ipid = from.synack_ipid;
  to->rst_ipid = from.rst_ipid;
  to->synack_attempts = from.synack_attempts;
  to->rst_attempts = from.rst_attempts;
  to->half_open_attempts = from.half_open_attempts;
  to->echo_attempts = from.echo_attempts;
  to->other_attempts = from.other_attempts;
  to->synack_reply_ttl = from.synack_reply_ttl;
  to->rst_reply_ttl = from.rst_reply_ttl;
  to->echo_reply_ttl = from.echo_reply_ttl;
}

}  // namespace

Cell TargetCells::At(int kind, int ttl) const {
  const LocateLayout& layout = table_->layout_;
  Cell cell;
  if (whole_ != nullptr) {
    const StoredCell& s = whole_[static_cast<size_t>(kind) * static_cast<size_t>(layout.ttl_count()) +
                                 static_cast<size_t>(ttl - layout.ttl_min)];
    cell.te_from = table_->pool_[s.te_from];
    cell.unreach_from = table_->pool_[s.unreach_from];
    cell.te_rtt_us = s.te_rtt_us;
    cell.target_rtt_us = s.target_rtt_us;
    cell.te_attempts = s.te_attempts;
    cell.unreach_attempts = s.unreach_attempts;
    cell.synack_attempts = s.synack_attempts;
    cell.rst_attempts = s.rst_attempts;
    cell.half_open_attempts = s.half_open_attempts;
    cell.echo_attempts = s.echo_attempts;
    cell.other_attempts = s.other_attempts;
    cell.unreach_code = s.unreach_code;
    cell.te_from_varies = s.te_from_varies;
    cell.synack_reply_ttl = s.synack_reply_ttl;
    cell.rst_reply_ttl = s.rst_reply_ttl;
    cell.echo_reply_ttl = s.echo_reply_ttl;
    cell.synack_ipid = s.synack_ipid;
    cell.rst_ipid = s.rst_ipid;
    return cell;
  }
  if (ttl != layout.ttl_max) return cell;
  CopyTargetAnswers(screen_[kind], &cell);
  return cell;
}

TargetCells ObservationTable::Of(uint64_t target_index) const {
  const ScreenCell* screen = &screen_[static_cast<size_t>(target_index) * layout_.kinds.size()];
  auto it = whole_index_.find(target_index);
  return TargetCells(*this, it == whole_index_.end() ? nullptr : it->second.get(), screen);
}

StoredCell* ObservationTable::WholeCells(uint64_t target_index) {
  auto [it, added] = whole_index_.try_emplace(target_index);
  if (added) {
    it->second = std::make_unique<StoredCell[]>(CellsPerTarget());
    // The screen's answers become the TTL max cells.
    const ScreenCell* screen = &screen_[static_cast<size_t>(target_index) * layout_.kinds.size()];
    for (size_t kind = 0; kind < layout_.kinds.size(); ++kind) {
      StoredCell& cell = it->second[kind * static_cast<size_t>(layout_.ttl_count()) +
                                    static_cast<size_t>(layout_.ttl_count() - 1)];
      CopyTargetAnswers(screen[kind], &cell);
    }
  }
  return it->second.get();
}

uint32_t ObservationTable::PoolIndex(const wire::IpAddress& address) {
  if (address == wire::IpAddress()) return 0;
  auto [it, added] = pool_index_.try_emplace(address, static_cast<uint32_t>(pool_.size()));
  if (added) pool_.push_back(address);
  return it->second;
}

namespace {

// The target's own answers: all a screen cell keeps.
bool FitsScreenCell(match::ReplyKind kind) {
  return kind != match::ReplyKind::kTimeExceeded && kind != match::ReplyKind::kDestUnreachable;
}

template <typename C>
void FoldTargetReply(const match::ReplyRecord& reply, uint8_t attempt_bit, C& cell) {
  switch (reply.kind) {
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
    case match::ReplyKind::kTimeExceeded:
    case match::ReplyKind::kDestUnreachable:
      break;  // folded by the caller (whole cells only)
  }
}

}  // namespace

bool ObservationTable::Add(const match::ReplyRecord& reply) {
  int64_t target_index = targets_->IndexOf(reply.target);
  int kind = KindIndex(reply.probe_type, reply.port);
  if (target_index < 0 || kind < 0 || reply.probe_ttl < layout_.ttl_min ||
      reply.probe_ttl > layout_.ttl_max) {
    return false;
  }
  const auto target = static_cast<uint64_t>(target_index);
  uint8_t attempt_bit = static_cast<uint8_t>(1u << (reply.attempt & 7));
  if (reply.probe_ttl == layout_.ttl_max && FitsScreenCell(reply.kind) &&
      !whole_index_.contains(target)) {
    FoldTargetReply(reply, attempt_bit,
                    screen_[static_cast<size_t>(target) * layout_.kinds.size() +
                            static_cast<size_t>(kind)]);
    return true;
  }
  StoredCell& cell = WholeCells(target)[static_cast<size_t>(kind) *
                                      static_cast<size_t>(layout_.ttl_count()) +
                                  static_cast<size_t>(reply.probe_ttl - layout_.ttl_min)];
  switch (reply.kind) {
    case match::ReplyKind::kTimeExceeded:
      if (cell.te_from == 0) {
        cell.te_from = PoolIndex(reply.from);
      } else if (pool_[cell.te_from] != reply.from) {
        cell.te_from_varies = true;
      }
      cell.te_attempts |= attempt_bit;
      KeepMinRtt(&cell.te_rtt_us, reply.rtt_us);
      break;
    case match::ReplyKind::kDestUnreachable:
      if (cell.unreach_from == 0) {
        cell.unreach_from = PoolIndex(reply.from);
        cell.unreach_code = reply.icmp_code;
      }
      cell.unreach_attempts |= attempt_bit;
      break;
    default:
      FoldTargetReply(reply, attempt_bit, cell);
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
