#include "tools/cutpoint/scan_runner.h"

#include <time.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "capture/send/raw_socket_sender.h"
#include "engine/pacing/token_bucket.h"
#include "engine/probe/probe_builder.h"
#include "engine/targets/permutation.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::cli {
namespace {

constexpr size_t kSendBatch = 64;
constexpr int64_t kRetryBackoffNs = 20'000;
constexpr int64_t kMaxSleepNs = 1'000'000;
constexpr int64_t kWaitSliceNs = 10'000'000;

void SleepNanos(int64_t ns) {
  timespec duration{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&duration, nullptr);
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

ProbeSession::ProbeSession(const SessionConfig& config, const probe::ProbeCodec& codec,
                           ReplyHandler on_reply)
    : config_(config), codec_(codec), on_reply_(std::move(on_reply)), matcher_(codec, config.matcher) {}

absl::StatusOr<std::unique_ptr<ProbeSession>> ProbeSession::Start(const SessionConfig& config,
                                                                  const probe::ProbeCodec& codec,
                                                                  ReplyHandler on_reply) {
  std::unique_ptr<ProbeSession> session(new ProbeSession(config, codec, std::move(on_reply)));
  capture::LiveCaptureOptions capture_options;
  capture_options.interface = config.interface;
  capture_options.filter = ReplyCaptureFilter(config.source_address);
  absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
      capture::PcapSource::OpenLive(capture_options);
  if (!source.ok()) return source.status();
  session->capture_ = std::move(*source);
  absl::StatusOr<std::unique_ptr<capture::RawSocketSender>> sender =
      capture::RawSocketSender::Create(config.interface);
  if (!sender.ok()) return sender.status();
  session->sender_ = std::move(*sender);
  session->started_ns_ = MonotonicNanos();
  session->capture_thread_ = std::thread([s = session.get()] { s->CaptureLoop(); });
  return session;
}

ProbeSession::~ProbeSession() {
  capture_deadline_ns_ = 0;
  if (capture_thread_.joinable()) capture_thread_.join();
}

void ProbeSession::RecordEvidence(int64_t time_us, const uint8_t* packet, size_t len) {
  if (config_.evidence == nullptr) return;
  std::lock_guard<std::mutex> lock(evidence_mutex_);
  config_.evidence->Write(time_us, packet, len);
}

void ProbeSession::CaptureLoop() {
  capture::CapturedFrame frame;
  match::ReplyRecord reply;
  while (MonotonicNanos() < capture_deadline_ns_.load(std::memory_order_relaxed)) {
    absl::StatusOr<capture::NextResult> next = capture_->Next(&frame);
    if (!next.ok()) {
      capture_status_ = next.status();
      capture_failed_ = true;
      return;
    }
    if (*next != capture::NextResult::kFrame) continue;
    if (config_.evidence != nullptr) {
      wire::FrameView view;
      if (wire::LocateIpv4(capture_->link_type(), frame.data, frame.len, &view) ==
          wire::FrameStatus::kIpv4) {
        RecordEvidence(frame.time_us, view.l3, view.l3_len);
      }
    }
    match::RejectReason reason;
    match::MatchOutcome outcome = matcher_.MatchFrame(capture_->link_type(), frame.data,
                                                      frame.len, frame.time_us, &reply, &reason);
    CountOutcome(outcome, reason, &stats_);
    if (outcome == match::MatchOutcome::kMatched) {
      absl::Status handled = on_reply_(reply);
      if (!handled.ok()) {
        capture_status_ = handled;
        capture_failed_ = true;
        return;
      }
    }
  }
}

absl::Status ProbeSession::Send(const ProbeSource& source, uint64_t permutation_seed,
                                const std::atomic<bool>& stop_requested) {
  probe::ProbeBuilder builder(codec_, config_.source_address);
  targets::KeyedPermutation permutation(source.size(), permutation_seed);
  double burst = std::clamp(config_.rate_pps * 0.002, 1.0, static_cast<double>(kSendBatch));
  pacing::TokenBucket bucket(config_.rate_pps, burst, MonotonicNanos());
  alignas(64) uint8_t slots[kSendBatch][probe::kMaxProbeLen];
  capture::OutgoingPacket packets[kSendBatch];

  uint64_t next_index = 0;
  while (next_index < source.size()) {
    if (stop_requested.load(std::memory_order_relaxed)) {
      stats_.interrupted = true;
      break;
    }
    if (capture_failed_.load(std::memory_order_relaxed)) break;
    int64_t now_ns = MonotonicNanos();
    uint64_t wanted = std::min<uint64_t>(kSendBatch, source.size() - next_index);
    size_t granted = static_cast<size_t>(bucket.Take(now_ns, wanted));
    if (granted == 0) {
      SleepNanos(std::min(bucket.NanosUntilAvailable(now_ns), kMaxSleepNs));
      continue;
    }
    int64_t send_us = WallClockMicros();
    for (size_t i = 0; i < granted; ++i) {
      probe::ProbeSpec spec = source.At(permutation.At(next_index + i));
      size_t len = builder.Build(spec, send_us, slots[i]);
      packets[i] = capture::OutgoingPacket{slots[i], static_cast<uint16_t>(len), spec.target};
      RecordEvidence(send_us, slots[i], len);
    }
    next_index += granted;
    size_t done = 0;
    while (done < granted) {
      capture::BurstResult result = sender_->SendBurst(
          std::span<const capture::OutgoingPacket>(packets + done, granted - done));
      stats_.probes_sent += result.sent;
      stats_.send_errors += result.failed;
      done += result.sent + result.failed;
      if (done < granted) SleepNanos(kRetryBackoffNs);
    }
  }
  if (capture_failed_) return capture_status_;
  return absl::OkStatus();
}

void ProbeSession::Wait(double seconds) {
  int64_t until = MonotonicNanos() + static_cast<int64_t>(seconds * 1e9);
  while (!capture_failed_ && MonotonicNanos() < until) {
    SleepNanos(std::min(kWaitSliceNs, std::max<int64_t>(until - MonotonicNanos(), 0)));
  }
}

absl::StatusOr<report::ScanStats> ProbeSession::Finish(double cooldown_s) {
  capture_deadline_ns_ = MonotonicNanos() + static_cast<int64_t>(cooldown_s * 1e9);
  if (capture_thread_.joinable()) capture_thread_.join();
  if (capture_failed_) return capture_status_;
  capture::CaptureCounters counters = capture_->Counters();
  report::ScanStats stats = stats_;
  stats.has_capture_stats = true;
  stats.pcap_received = counters.received;
  stats.pcap_dropped = counters.dropped;
  stats.pcap_ifdropped = counters.if_dropped;
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns_) / 1e9;
  return stats;
}

absl::StatusOr<report::ScanStats> RunLiveScan(const SessionConfig& config,
                                              const probe::ProbeCodec& codec,
                                              const targets::ProbePlan& plan, uint64_t seed,
                                              double cooldown_s, const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested) {
  absl::StatusOr<std::unique_ptr<ProbeSession>> session =
      ProbeSession::Start(config, codec, on_reply);
  if (!session.ok()) return session.status();
  PlanSource source(plan);
  absl::Status sent = (*session)->Send(source, seed, stop_requested);
  if (!sent.ok()) return sent;
  return (*session)->Finish(cooldown_s);
}

}  // namespace cutpoint::cli
