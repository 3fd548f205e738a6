// SPDX-License-Identifier: Apache-2.0
#include "engine/match/reply_record.h"

#include <array>

namespace cutpoint::match {
namespace {

constexpr std::array<absl::string_view, 9> kKindNames = {
    "syn_ack",       "rst",   "echo_reply",     "time_exceeded", "dest_unreachable",
    "param_problem", "other", "packet_too_big", "half_open_ack"};

}  // namespace

absl::string_view ReplyKindName(ReplyKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::optional<ReplyKind> ParseReplyKind(absl::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<ReplyKind>(i);
  }
  return std::nullopt;
}

}  // namespace cutpoint::match
