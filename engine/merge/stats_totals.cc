// SPDX-License-Identifier: Apache-2.0
#include "engine/merge/stats_totals.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "engine/report/json_line.h"
#include "nlohmann/json.hpp"

namespace cutpoint::merge {
namespace {

using Json = nlohmann::json;

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

void AddCounters(const StatsTotals& from, StatsTotals* to) {
  for (size_t i = 0; i < kStatsCounters.size(); ++i) {
    if (!from.counters[i]) continue;
    to->counters[i] = SaturatingAdd(to->counters[i].value_or(0), *from.counters[i]);
  }
  to->forgery_acceptance_p = std::max(to->forgery_acceptance_p, from.forgery_acceptance_p);
  to->expected_forged_accepted += from.expected_forged_accepted;
}

// The value at `path` ("name" or "object.name"); nullptr when absent.
const Json* Find(const Json& record, absl::string_view path) {
  const size_t dot = path.find('.');
  auto it = record.find(std::string(path.substr(0, dot)));
  if (it == record.end()) return nullptr;
  if (dot == absl::string_view::npos) return &*it;
  if (!it->is_object()) return nullptr;
  auto inner = it->find(std::string(path.substr(dot + 1)));
  return inner == it->end() ? nullptr : &*inner;
}

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("stats record: ", what));
}

absl::Status ReadNumber(const Json& record, const char* key, bool required, double* out) {
  auto it = record.find(key);
  if (it == record.end()) {
    return required ? Bad(absl::StrCat("no '", key, "'")) : absl::OkStatus();
  }
  if (!it->is_number() || it->get<double>() < 0) {
    return Bad(absl::StrCat("'", key, "' is not a number >= 0"));
  }
  *out = it->get<double>();
  return absl::OkStatus();
}

}  // namespace

void StatsTotals::Add(const StatsTotals& run) {
  AddCounters(run, this);
  duration_s += run.duration_s;
  if (run.send_s) send_s = send_s.value_or(0) + *run.send_s;
}

void StatsTotals::Combine(const StatsTotals& shard) {
  AddCounters(shard, this);
  duration_s = std::max(duration_s, shard.duration_s);
  if (shard.send_s) send_s = std::max(send_s.value_or(0), *shard.send_s);
}

absl::Status ParseStatsTotals(absl::string_view line, StatsTotals* totals, bool* interrupted) {
  const Json record = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return Bad("not a JSON object");
  StatsTotals parsed;
  for (size_t i = 0; i < kStatsCounters.size(); ++i) {
    const Json* value = Find(record, kStatsCounters[i]);
    if (value == nullptr) continue;
    if (!value->is_number_unsigned()) {
      return Bad(absl::StrCat("'", kStatsCounters[i], "' is not an integer >= 0"));
    }
    parsed.counters[i] = value->get<uint64_t>();
  }
  if (!parsed.counters[0]) return Bad("no 'probes_sent'");
  absl::Status status = ReadNumber(record, "forgery_acceptance_p", false,
                                   &parsed.forgery_acceptance_p);
  if (status.ok()) {
    status = ReadNumber(record, "expected_forged_accepted", false,
                        &parsed.expected_forged_accepted);
  }
  if (status.ok()) status = ReadNumber(record, "duration_s", true, &parsed.duration_s);
  if (status.ok() && record.contains("send_s")) {
    double send_s = 0;
    status = ReadNumber(record, "send_s", true, &send_s);
    parsed.send_s = send_s;
  }
  if (!status.ok()) return status;
  auto it = record.find("interrupted");
  if (it == record.end() || !it->is_boolean()) return Bad("'interrupted' is not true or false");
  *interrupted = it->get<bool>();
  *totals = parsed;
  return absl::OkStatus();
}

std::string FormatStatsTotals(const StatsTotals& totals, absl::string_view vantage) {
  report::JsonLine line;
  line.Begin();
  line.AddString("type", "stats");
  if (!vantage.empty()) line.AddString("vantage", vantage);
  absl::string_view open_object;  // the object the last counter went into
  auto close_object = [&] {
    if (!open_object.empty()) line.EndObject();
    open_object = {};
  };
  auto add_counter = [&](size_t i) {
    if (!totals.counters[i]) return;
    const absl::string_view path = kStatsCounters[i];
    const size_t dot = path.find('.');
    const absl::string_view object = dot == absl::string_view::npos ? "" : path.substr(0, dot);
    if (object != open_object) {
      close_object();
      if (!object.empty()) line.BeginObject(object);
      open_object = object;
    }
    line.AddUint(dot == absl::string_view::npos ? path : path.substr(dot + 1),
                 *totals.counters[i]);
  };
  for (size_t i = 0; i < kStatsCounters.size(); ++i) {
    if (kStatsCounters[i] == "unmatched") {  // the stats record's order: p's before these
      close_object();
      line.AddNumber("forgery_acceptance_p", totals.forgery_acceptance_p);
      line.AddNumber("expected_forged_accepted", totals.expected_forged_accepted);
    }
    add_counter(i);
  }
  close_object();
  line.AddDouble("duration_s", totals.duration_s);
  if (totals.send_s) line.AddDouble("send_s", *totals.send_s);
  line.AddBool("interrupted", false);
  std::string text(line.Finish());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace cutpoint::merge
