#include "tools/cutpoint/scan_runner.h"

#include <time.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "capture/send/raw_socket_sender.h"
#include "engine/match/matcher.h"
#include "engine/pacing/token_bucket.h"
#include "engine/probe/probe_builder.h"
#include "engine/targets/permutation.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::cli {
namespace {

constexpr size_t kSendBatch = 64;
constexpr int64_t kRetryBackoffNs = 20'000;
constexpr int64_t kMaxSleepNs = 1'000'000;

void SleepNanos(int64_t ns) {
  timespec duration{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&duration, nullptr);
}

void CountOutcome(match::MatchOutcome outcome, match::RejectReason reason,
                  report::ScanStats* stats) {
  ++stats->replies_seen;
  switch (outcome) {
    case match::MatchOutcome::kMatched: ++stats->matched; break;
    case match::MatchOutcome::kRejected: {
      ++stats->rejected;
      report::RejectCounts& by = stats->rejected_by_reason;
      switch (reason) {
        case match::RejectReason::kBadFlowField: ++by.bad_flow_field; break;
        case match::RejectReason::kBadMac: ++by.bad_mac; break;
        case match::RejectReason::kNotOurTarget: ++by.not_our_target; break;
        case match::RejectReason::kOutOfPlan: ++by.out_of_plan; break;
        case match::RejectReason::kShortQuote: ++by.short_quote; break;
        case match::RejectReason::kNone: break;
      }
      break;
    }
    case match::MatchOutcome::kUnrelated:
    case match::MatchOutcome::kNotIpv4: ++stats->unmatched; break;
    case match::MatchOutcome::kMalformed: ++stats->malformed; break;
  }
}

}  // namespace

int64_t WallClockMicros() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000 + now.tv_nsec / 1000;
}

int64_t MonotonicNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

std::string ReplyCaptureFilter(uint32_t source_address) {
  return absl::StrCat("dst host ", wire::Ipv4ToString(source_address),
                      " and ((icmp and icmp[icmptype] != icmp-echo) or "
                      "(tcp and dst portrange 32768-65535 and "
                      "tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))");
}

absl::StatusOr<report::ScanStats> RunLiveScan(const LiveScanConfig& config,
                                              const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested) {
  const targets::ProbePlan& plan = *config.plan;
  capture::LiveCaptureOptions capture_options;
  capture_options.interface = config.interface;
  capture_options.filter = ReplyCaptureFilter(config.source_address);
  absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
      capture::PcapSource::OpenLive(capture_options);
  if (!source.ok()) return source.status();
  absl::StatusOr<std::unique_ptr<capture::RawSocketSender>> sender =
      capture::RawSocketSender::Create(config.interface);
  if (!sender.ok()) return sender.status();

  match::MatcherConfig matcher_config;
  matcher_config.source_address = config.source_address;
  matcher_config.targets = &plan.targets();
  matcher_config.ttl_min = plan.ttl_min();
  matcher_config.ttl_max = plan.ttl_max();
  matcher_config.attempts = plan.attempts();
  match::Matcher matcher(*config.codec, matcher_config);

  report::ScanStats stats;
  int64_t started_ns = MonotonicNanos();
  // The capture thread runs until this monotonic deadline, set once sending ends.
  std::atomic<int64_t> capture_deadline_ns{INT64_MAX};
  std::atomic<bool> capture_failed{false};
  absl::Status capture_status;

  std::thread capture_thread([&] {
    capture::CapturedFrame frame;
    match::ReplyRecord reply;
    while (MonotonicNanos() < capture_deadline_ns.load(std::memory_order_relaxed)) {
      absl::StatusOr<capture::NextResult> next = (*source)->Next(&frame);
      if (!next.ok()) {
        capture_status = next.status();
        capture_failed = true;
        return;
      }
      if (*next != capture::NextResult::kFrame) continue;
      match::RejectReason reason;
      match::MatchOutcome outcome = matcher.MatchFrame((*source)->link_type(), frame.data,
                                                       frame.len, frame.time_us, &reply, &reason);
      CountOutcome(outcome, reason, &stats);
      if (outcome == match::MatchOutcome::kMatched) {
        absl::Status handled = on_reply(reply);
        if (!handled.ok()) {
          capture_status = handled;
          capture_failed = true;
          return;
        }
      }
    }
  });

  probe::ProbeBuilder builder(*config.codec, config.source_address);
  targets::KeyedPermutation permutation(plan.size(), config.permutation_seed);
  double burst = std::clamp(config.rate_pps * 0.002, 1.0, static_cast<double>(kSendBatch));
  pacing::TokenBucket bucket(config.rate_pps, burst, MonotonicNanos());
  alignas(64) uint8_t slots[kSendBatch][probe::kMaxProbeLen];
  capture::OutgoingPacket packets[kSendBatch];

  uint64_t next_index = 0;
  while (next_index < plan.size() && !stop_requested.load(std::memory_order_relaxed) &&
         !capture_failed.load(std::memory_order_relaxed)) {
    int64_t now_ns = MonotonicNanos();
    uint64_t wanted = std::min<uint64_t>(kSendBatch, plan.size() - next_index);
    size_t granted = static_cast<size_t>(bucket.Take(now_ns, wanted));
    if (granted == 0) {
      SleepNanos(std::min(bucket.NanosUntilAvailable(now_ns), kMaxSleepNs));
      continue;
    }
    int64_t send_us = WallClockMicros();
    for (size_t i = 0; i < granted; ++i) {
      probe::ProbeSpec spec = plan.SpecAt(permutation.At(next_index + i));
      size_t len = builder.Build(spec, send_us, slots[i]);
      packets[i] = capture::OutgoingPacket{slots[i], static_cast<uint16_t>(len), spec.target};
    }
    next_index += granted;
    size_t done = 0;
    while (done < granted) {
      capture::BurstResult result =
          (*sender)->SendBurst(std::span<const capture::OutgoingPacket>(packets + done, granted - done));
      stats.probes_sent += result.sent;
      stats.send_errors += result.failed;
      done += result.sent + result.failed;
      if (done < granted) SleepNanos(kRetryBackoffNs);
    }
  }
  stats.interrupted = stop_requested.load();

  capture_deadline_ns = MonotonicNanos() + static_cast<int64_t>(config.cooldown_s * 1e9);
  capture_thread.join();
  if (capture_failed) return capture_status;

  capture::CaptureCounters counters = (*source)->Counters();
  stats.has_capture_stats = true;
  stats.pcap_received = counters.received;
  stats.pcap_dropped = counters.dropped;
  stats.pcap_ifdropped = counters.if_dropped;
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns) / 1e9;
  return stats;
}

}  // namespace cutpoint::cli
