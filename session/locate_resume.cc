// SPDX-License-Identifier: Apache-2.0
#include "session/locate_resume.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ip_address.h"
#include "session/private_file.h"

namespace cutpoint::session {
namespace {

constexpr char kMagic[] = "cutpoint-locate-resume 1";

absl::Status Corrupt(const std::string& path, int line_number, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("resume file '", path, "' line ", line_number,
                                                 ": ", what, "; remove it to start over"));
}

// "next <round> <screen|window|retry> <screen attempt, ttl_lo or retry index> <swept_max>"
bool ParseNext(std::istringstream& fields, LocateRound* next) {
  std::string phase;
  int position = 0;
  if (!(fields >> next->index >> phase >> position >> next->swept_max) ||
      (phase != "window" && phase != "retry" && phase != "screen")) {
    return false;
  }
  next->retry = phase == "retry";
  next->screening = phase == "screen";
  (next->screening ? next->screen_attempt : next->retry ? next->retry_index : next->ttl_lo) =
      position;
  return true;
}

const char* PhaseName(const LocateRound& next) {
  return next.screening ? "screen" : next.retry ? "retry" : "window";
}

int PhasePosition(const LocateRound& next) {
  return next.screening ? next.screen_attempt : next.retry ? next.retry_index : next.ttl_lo;
}

// An address field: an IPv4 address as its 32-bit number (the format before IPv6), an
// IPv6 address as its canonical text.
std::string AddressField(const wire::IpAddress& address) {
  return address.is_v4() ? absl::StrCat(address.v4()) : wire::IpAddressToString(address);
}

bool ReadAddressField(std::istringstream& fields, wire::IpAddress* address) {
  std::string token;
  if (!(fields >> token)) return false;
  if (token.find(':') != std::string::npos) {
    absl::StatusOr<wire::IpAddress> v6 = wire::ParseIpAddress(token);
    if (!v6.ok() || v6->is_v4()) return false;
    *address = *v6;
    return true;
  }
  uint32_t v4 = 0;
  if (!absl::SimpleAtoi(token, &v4)) return false;
  *address = wire::IpAddress::V4(v4);
  return true;
}

// "r <target> <type> <port> <ttl> <attempt> <kind> <from> <code> <reply ttl> <ip id> <rtt>"
std::optional<match::ReplyRecord> ParseReply(std::istringstream& fields) {
  wire::IpAddress target, from;
  unsigned type, port, ttl, attempt, kind, code, reply_ttl, ipid;
  int64_t rtt;
  if (!ReadAddressField(fields, &target) ||
      !(fields >> type >> port >> ttl >> attempt >> kind) || !ReadAddressField(fields, &from) ||
      !(fields >> code >> reply_ttl >> ipid >> rtt) ||
      type > 255 || port > 65535 || ttl > 255 || attempt > 255 ||
      kind > static_cast<unsigned>(match::ReplyKind::kHalfOpenAck) || code > 255 ||
      reply_ttl > 255 || ipid > 65535) {
    return std::nullopt;
  }
  match::ReplyRecord reply;
  reply.target = target;
  reply.probe_type = static_cast<probe::ProbeType>(type);
  reply.port = static_cast<uint16_t>(port);
  reply.probe_ttl = static_cast<uint8_t>(ttl);
  reply.attempt = static_cast<uint8_t>(attempt);
  reply.kind = static_cast<match::ReplyKind>(kind);
  reply.from = from;
  reply.icmp_code = static_cast<uint8_t>(code);
  reply.reply_ttl = static_cast<uint8_t>(reply_ttl);
  reply.reply_ipid = static_cast<uint16_t>(ipid);
  reply.rtt_us = rtt;
  return reply;
}

// One line after the magic one, into `state`.
absl::Status ReadRecord(const std::string& path, int line_number, const std::string& line,
                        const std::string& plan, LocateResumeState* state, bool* have_next) {
  std::istringstream fields(line);
  std::string tag;
  fields >> tag;
  if (tag == "plan") {
    state->plan = line.size() > 5 ? line.substr(5) : "";
    if (state->plan != plan) {
      return absl::InvalidArgumentError(absl::StrCat(
          "resume file '", path, "' belongs to another locate run (", state->plan, "; this one is ",
          plan, "): use the same targets, probes, TTLs, attempts and key"));
    }
    return absl::OkStatus();
  }
  if (tag == "next") {
    if (!ParseNext(fields, &state->next)) return Corrupt(path, line_number, "bad 'next' record");
    *have_next = true;
    return absl::OkStatus();
  }
  if (tag == "r") {
    std::optional<match::ReplyRecord> reply = ParseReply(fields);
    if (!reply.has_value()) return Corrupt(path, line_number, "bad reply record");
    state->replies.push_back(*reply);
    return absl::OkStatus();
  }
  return Corrupt(path, line_number, "unknown record");
}

}  // namespace

bool BeforeRound(const match::ReplyRecord& reply, const LocateRound& next, int attempts,
                 int screen_ttl) {
  const bool screen_reply = screen_ttl != 0 && reply.probe_ttl == screen_ttl;
  if (next.screening) return screen_reply && reply.attempt < next.screen_attempt;
  if (screen_reply && reply.attempt < attempts) return true;  // the screen is over
  if (next.retry) return reply.attempt < attempts + next.retry_index;
  return reply.attempt < attempts && reply.probe_ttl < next.ttl_lo;
}

absl::StatusOr<std::optional<LocateResumeState>> ReadLocateResume(const std::string& path,
                                                                  const std::string& plan) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) {
    return std::optional<LocateResumeState>();
  }
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read resume file '", path, "': ", std::strerror(errno)));
  }
  LocateResumeState state;
  std::string line;
  int line_number = 0;
  bool have_next = false;
  while (std::getline(in, line)) {
    ++line_number;
    if (line_number == 1) {
      if (line != kMagic) return Corrupt(path, 1, "not a locate resume file");
      continue;
    }
    RETURN_IF_ERROR(ReadRecord(path, line_number, line, plan, &state, &have_next));
  }
  if (line_number == 0) return Corrupt(path, 1, "empty");
  if (state.plan != plan || !have_next) return Corrupt(path, line_number, "no plan or next record");
  return std::optional<LocateResumeState>(std::move(state));
}

absl::Status WriteLocateResume(const std::string& path, const LocateResumeState& state) {
  std::string text = absl::StrCat(kMagic, "\nplan ", state.plan, "\nnext ", state.next.index, " ",
                                  PhaseName(state.next), " ", PhasePosition(state.next), " ",
                                  state.next.swept_max, "\n");
  for (const match::ReplyRecord& r : state.replies) {
    absl::StrAppend(&text, "r ", AddressField(r.target), " ", static_cast<unsigned>(r.probe_type),
                    " ", r.port, " ", r.probe_ttl, " ", r.attempt, " ",
                    static_cast<unsigned>(r.kind), " ", AddressField(r.from), " ", r.icmp_code, " ", r.reply_ttl, " ", r.reply_ipid, " ", r.rtt_us,
                    "\n");
  }
  return WritePrivateFileAtomically(path, text, "resume file", /*durable=*/true);
}

}  // namespace cutpoint::session
