// SPDX-License-Identifier: Apache-2.0
#include "session/probe_session.h"

#include <pthread.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "capture/reply_filter.h"
#include "capture/send/raw_socket_sender.h"
#include "capture/thread_placement.h"
#include "engine/base/status_macros.h"
#include "engine/pacing/token_bucket.h"
#include "engine/probe/probe_builder.h"
#include "engine/wire/ipv4_address.h"
#include "session/clock.h"
#include "session/privileges.h"
#include "session/stats_accounting.h"

namespace cutpoint::session {
namespace {

constexpr size_t kSendBatch = 64;
constexpr int64_t kRetryBackoffNs = 20'000;
constexpr int64_t kMaxSleepNs = 1'000'000;
constexpr int64_t kWaitSliceNs = 10'000'000;
// Bounds the final read of the capture ring, should replies keep arriving at line rate.
constexpr int64_t kMaxDrainNs = 5'000'000'000;
constexpr int64_t kTickNs = 200'000'000;
constexpr int64_t kCountersIntervalNs = 500'000'000;
constexpr int64_t kProgressIntervalNs = 1'000'000'000;
// How often the calling thread looks at the senders when someone listens (progress lines,
// checkpoints); otherwise it only joins them.
constexpr int64_t kWatchNs = 20'000'000;

}  // namespace

struct ProbeSession::SenderSlot {
  capture::PacketSender* sender = nullptr;
  std::vector<PositionRange> work;
  std::atomic<uint64_t> done{0};  // positions of `work` handed to the backend, in order
};

// One pacing batch: the specs, and the built packets for backends that take packets.
struct ProbeSession::SendBatch {
  probe::ProbeSpec specs[kSendBatch];
  alignas(64) uint8_t slots[kSendBatch][probe::kMaxProbeLen];
  capture::OutgoingPacket packets[kSendBatch];
  uint8_t* outs[kSendBatch];  // slots[i], as the builder's batch interface takes them
  uint16_t lens[kSendBatch];
  SendBatch() {
    for (size_t i = 0; i < kSendBatch; ++i) outs[i] = slots[i];
  }
};

ProbeSession::ProbeSession(const SessionConfig& config, const probe::ProbeCodec& codec,
                           ReplyHandler on_reply)
    : config_(config),
      codec_(codec),
      on_reply_(std::move(on_reply)),
      matcher_(codec, config.matcher) {}

absl::StatusOr<std::unique_ptr<ProbeSession>> ProbeSession::Start(const SessionConfig& config,
                                                                  const probe::ProbeCodec& codec,
                                                                  ReplyHandler on_reply) {
  std::unique_ptr<ProbeSession> session(new ProbeSession(config, codec, std::move(on_reply)));
  RETURN_IF_ERROR(session->OpenCapture());
  RETURN_IF_ERROR(session->OpenSenders());
  RETURN_IF_ERROR(session->BeforeFirstProbe());
  session->started_ns_ = MonotonicNanos();
  session->capture_thread_ = std::thread([s = session.get()] {
    pthread_setname_np(pthread_self(), "cp-capture");  // names show in /proc and top
    capture::ScopedPlacement placed(s->config_.backend.placement.get(),
                                    capture::SessionThread::kCapture, 0);
    s->CaptureLoop();
  });
  return session;
}

ProbeSession::~ProbeSession() {
  capture_deadline_ns_ = 0;
  if (capture_thread_.joinable()) capture_thread_.join();
}

absl::Status ProbeSession::OpenCapture() {
  std::string filter = capture::ReplyCaptureFilter(config_.sources);
  if (config_.backend.make_capture) {
    ASSIGN_OR_RETURN(capture_, config_.backend.make_capture(filter));
    return absl::OkStatus();
  }
  capture::LiveCaptureOptions options;
  options.interface = config_.interface;
  options.filter = filter;
  ASSIGN_OR_RETURN(capture_, capture::PcapSource::OpenLive(options));
  return absl::OkStatus();
}

absl::Status ProbeSession::OpenSenders() {
  for (int i = 0; i < std::max(1, config_.sender_threads); ++i) {
    std::unique_ptr<capture::PacketSender> sender;
    if (config_.backend.make_sender) {
      ASSIGN_OR_RETURN(sender, config_.backend.make_sender());
    } else {
      ASSIGN_OR_RETURN(sender, capture::RawSocketSender::Create(config_.interface));
    }
    senders_.push_back(std::move(sender));
  }
  return absl::OkStatus();
}

absl::Status ProbeSession::BeforeFirstProbe() {
  // Every socket is open: drop what is no longer needed, in every thread there is (DPDK's
  // already run); the threads started later inherit the dropped sets.
  if (config_.drop_privileges) {
    RETURN_IF_ERROR(DropPrivileges({config_.run_as_user, config_.keep_root}));
    for (const auto& [flag, path] : config_.written_after_drop) {
      RETURN_IF_ERROR(CheckWritableAfterDrop(flag, path));
    }
  }
  for (ProgressObserver* observer : config_.progress) RETURN_IF_ERROR(observer->OnStart());
  if (config_.on_started) RETURN_IF_ERROR(config_.on_started());
  return absl::OkStatus();
}

void ProbeSession::CaptureLoop() {
  absl::Status status = Capture();
  if (status.ok()) return;
  capture_status_ = std::move(status);
  capture_failed_ = true;  // publishes capture_status_
}

absl::Status ProbeSession::Capture() {
  capture::CapturedFrame frame;
  match::ReplyRecord reply;
  CaptureTimers timers;
  // After the deadline, frames already in the capture ring are still read (without
  // waiting for new ones), so every reply that reached the interface is accounted for.
  bool draining = false;
  int64_t drain_limit_ns = 0;
  while (true) {
    int64_t now_ns = MonotonicNanos();
    if (!draining && now_ns >= capture_deadline_ns_.load(std::memory_order_relaxed)) {
      draining = true;
      drain_limit_ns = now_ns + kMaxDrainNs;
    }
    if (draining && now_ns >= drain_limit_ns) return absl::OkStatus();
    RETURN_IF_ERROR(Tick(now_ns, &timers));
    ASSIGN_OR_RETURN(capture::NextResult next, capture_->Next(&frame, /*wait=*/!draining));
    if (next == capture::NextResult::kFrame) {
      RETURN_IF_ERROR(HandleFrame(frame, &reply));
    } else if (draining) {
      return absl::OkStatus();  // the ring is empty
    }
  }
}

absl::Status ProbeSession::Tick(int64_t now_ns, CaptureTimers* timers) {
  if (config_.on_tick && now_ns >= timers->next_tick_ns) {
    RETURN_IF_ERROR(config_.on_tick(now_ns));
    timers->next_tick_ns = now_ns + kTickNs;
  }
  // Read here because the capture handle belongs to this thread.
  if (!config_.progress.empty() && now_ns >= timers->next_counters_ns) {
    capture::CaptureCounters counters = capture_->Counters();
    capture_drops_live_ = counters.dropped + counters.if_dropped;
    timers->next_counters_ns = now_ns + kCountersIntervalNs;
  }
  return absl::OkStatus();
}

absl::Status ProbeSession::HandleFrame(const capture::CapturedFrame& frame,
                                       match::ReplyRecord* reply) {
  wire::LinkType link = capture_->link_type();
  if (config_.evidence != nullptr) {
    wire::FrameView view;
    const wire::FrameStatus status = wire::LocateIp(link, frame.data, frame.len, &view);
    if (status == wire::FrameStatus::kIpv4 || status == wire::FrameStatus::kIpv6) {
      RecordEvidence(frame.time_us, view.l3, view.l3_len);
    }
  }
  if (!MatchAndCount(matcher_, link, frame, reply, &stats_)) return absl::OkStatus();
  matched_live_.fetch_add(1, std::memory_order_relaxed);
  if (reply->kind == match::ReplyKind::kSynAck || reply->kind == match::ReplyKind::kHalfOpenAck ||
      reply->kind == match::ReplyKind::kEchoReply) {
    successes_live_.fetch_add(1, std::memory_order_relaxed);
  }
  return on_reply_(*reply);
}

void ProbeSession::RecordEvidence(int64_t time_us, const uint8_t* packet, size_t len) {
  if (config_.evidence == nullptr) return;
  std::lock_guard<std::mutex> lock(evidence_mutex_);
  config_.evidence->Write(time_us, packet, len);
  if (!config_.evidence->ok()) evidence_failed_.store(true, std::memory_order_relaxed);
}

absl::Status ProbeSession::EvidenceStatus() {
  if (!evidence_failed_.load()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(evidence_mutex_);
  return config_.evidence->status();
}

bool ProbeSession::Stopping(const std::atomic<bool>& stop_requested) const {
  return stop_requested.load(std::memory_order_relaxed) ||
         capture_failed_.load(std::memory_order_relaxed) ||
         evidence_failed_.load(std::memory_order_relaxed);
}

void ProbeSession::SendSlice(SenderSlot& slot, const ProbeSource& ordered, double rate_pps,
                             const std::atomic<bool>& stop_requested) {
  probe::ProbeBuilder builder(codec_, config_.sources);
  builder.UseKernels(WantProbeKernels(config_.probe_kernels, slot.sender->UserSpaceBound()));
  double burst = std::clamp(rate_pps * 0.002, 1.0, static_cast<double>(kSendBatch));
  pacing::TokenBucket bucket(rate_pps, burst, MonotonicNanos());
  // Backends with buffers of their own build probes into them (no batch, no copy); the
  // evidence file needs the bytes anyway, so with one every backend gets built packets.
  capture::ProbeBurstSender* in_place =
      config_.evidence == nullptr ? slot.sender->AsProbeBurstSender() : nullptr;
  SendBatch batch;
  uint64_t done = 0;
  for (const PositionRange& range : slot.work) {
    uint64_t position = range.begin;
    while (position < range.end) {
      if (Stopping(stop_requested)) return;
      // An unpaced run (--rate max) reads no monotonic clock: a clock read costs about
      // a cycle a probe at line rate.
      int64_t now_ns = bucket.unlimited() ? 0 : MonotonicNanos();
      uint64_t wanted = std::min<uint64_t>(kSendBatch, range.end - position);
      size_t granted = static_cast<size_t>(bucket.Take(now_ns, wanted));
      if (granted == 0) {
        SleepNanos(std::min(bucket.NanosUntilAvailable(now_ns), kMaxSleepNs));
        continue;
      }
      int64_t send_us = WallClockMicros();
      ordered.Fill(position, granted, batch.specs);
      if (in_place != nullptr) {
        SendInPlace(*in_place, builder, std::span(batch.specs, granted), send_us);
      } else {
        SendBuilt(*slot.sender, builder, batch, granted, send_us);
      }
      position += granted;
      done += granted;
      slot.done.store(done, std::memory_order_release);
    }
  }
}

void ProbeSession::SendInPlace(capture::ProbeBurstSender& sender,
                               const probe::ProbeBuilder& builder,
                               std::span<const probe::ProbeSpec> specs, int64_t send_us) {
  // Retries keep send_us: the same bytes as a built packet resent.
  size_t handed = 0;
  while (true) {
    size_t sent = sender.SendProbes(builder, specs.subspan(handed), send_us);
    probes_sent_.fetch_add(sent, std::memory_order_relaxed);
    handed += sent;
    if (handed == specs.size()) return;
    SleepNanos(kRetryBackoffNs);
  }
}

void ProbeSession::SendBuilt(capture::PacketSender& sender, const probe::ProbeBuilder& builder,
                             SendBatch& batch, size_t count, int64_t send_us) {
  builder.BuildBatch(std::span(batch.specs, count), send_us, batch.outs, batch.lens);
  for (size_t i = 0; i < count; ++i) {
    batch.packets[i] =
        capture::OutgoingPacket{batch.slots[i], batch.lens[i], batch.specs[i].target};
    RecordEvidence(send_us, batch.slots[i], batch.lens[i]);
  }
  size_t handed = 0;
  while (true) {
    capture::BurstResult result = sender.SendBurst(
        std::span<const capture::OutgoingPacket>(batch.packets + handed, count - handed));
    probes_sent_.fetch_add(result.sent, std::memory_order_relaxed);
    send_errors_.fetch_add(result.failed, std::memory_order_relaxed);
    handed += result.sent + result.failed;
    if (handed == count) return;
    SleepNanos(kRetryBackoffNs);
  }
}

ProbeSession::Slots ProbeSession::MakeSlots(const std::vector<PositionRange>& work) const {
  std::vector<std::vector<PositionRange>> pieces =
      SplitRanges(work, static_cast<int>(senders_.size()));
  Slots slots;
  for (size_t i = 0; i < senders_.size(); ++i) {
    slots.push_back(std::make_unique<SenderSlot>());
    slots.back()->sender = senders_[i].get();
    slots.back()->work = std::move(pieces[i]);
  }
  return slots;
}

std::vector<PositionRange> ProbeSession::Remaining(const Slots& slots) {
  std::vector<PositionRange> left;
  for (const auto& slot : slots) {
    uint64_t skip = slot->done.load(std::memory_order_acquire);
    for (const PositionRange& range : slot->work) {
      if (skip >= range.size()) {
        skip -= range.size();
        continue;
      }
      left.push_back({range.begin + skip, range.end});
      skip = 0;
    }
  }
  return left;
}

uint64_t ProbeSession::SentCounter() const { return probes_sent_.load() + send_errors_.load(); }

void ProbeSession::ReportProgress(ProgressPhase phase) {
  if (config_.progress.empty()) return;
  ProgressSnapshot snapshot = progress_meter_.Take(phase, SentCounter(), matched_live_.load(),
                                                   successes_live_.load(),
                                                   capture_drops_live_.load(), MonotonicNanos());
  for (ProgressObserver* observer : config_.progress) observer->OnProgress(snapshot);
}

absl::Status ProbeSession::Send(const ProbeSource& ordered, const std::vector<PositionRange>& work,
                                const std::atomic<bool>& stop_requested,
                                std::vector<PositionRange>* remaining,
                                const CheckpointHandler& checkpoint) {
  Slots slots = MakeSlots(work);
  // Each thread paces its share; together they hold the configured rate.
  double thread_rate =
      config_.rate_pps > 0 ? config_.rate_pps / static_cast<double>(slots.size()) : 0;
  int64_t started_ns = MonotonicNanos();
  progress_meter_.Begin(TotalPositions(work), SentCounter(), matched_live_.load(), started_ns);
  std::atomic<int> running{static_cast<int>(slots.size())};
  // When the last sender ended: the watcher below notices only on its next poll, and a
  // round's send time is the senders', not the poll's.
  std::atomic<int64_t> ended_ns{started_ns};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < slots.size(); ++i) {
    threads.emplace_back([&, s = slots[i].get(), index = static_cast<int>(i)] {
      pthread_setname_np(pthread_self(), "cp-sender");
      capture::ScopedPlacement placed(config_.backend.placement.get(),
                                      capture::SessionThread::kSender, index);
      SendSlice(*s, ordered, thread_rate, stop_requested);
      const int64_t now_ns = MonotonicNanos();
      int64_t latest = ended_ns.load();
      while (latest < now_ns && !ended_ns.compare_exchange_weak(latest, now_ns)) {
      }
      running.fetch_sub(1);
    });
  }
  WatchSenders(slots, running, checkpoint, started_ns);
  for (std::thread& thread : threads) thread.join();
  send_ns_ += ended_ns.load() - started_ns;
  std::vector<PositionRange> left = Remaining(slots);
  bool stopped = !left.empty() && stop_requested.load();
  if (stopped) interrupted_ = true;
  ReportProgress(stopped ? ProgressPhase::kInterrupted : ProgressPhase::kSent);
  if (checkpoint) checkpoint(left);
  if (remaining != nullptr) *remaining = std::move(left);
  if (capture_failed_) return capture_status_;
  return EvidenceStatus();
}

void ProbeSession::WatchSenders(const Slots& slots, const std::atomic<int>& running,
                                const CheckpointHandler& checkpoint, int64_t started_ns) {
  // With nothing to report the senders are only joined: a poll would hold every round
  // (locate's several) up to kWatchNs past its last probe.
  if (config_.progress.empty() && checkpoint == nullptr) return;
  int64_t next_report_ns = started_ns + kProgressIntervalNs;
  while (running.load() > 0) {
    SleepNanos(kWatchNs);
    if (MonotonicNanos() >= next_report_ns) {
      ReportProgress(ProgressPhase::kSending);
      if (checkpoint) checkpoint(Remaining(slots));
      next_report_ns += kProgressIntervalNs;
    }
  }
}

absl::Status ProbeSession::SendAll(const ProbeSource& source, uint64_t permutation_seed,
                                   const std::atomic<bool>& stop_requested) {
  PermutedSource ordered(source, permutation_seed);
  return Send(ordered, {{0, ordered.size()}}, stop_requested);
}

void ProbeSession::Wait(double seconds) {
  int64_t until = MonotonicNanos() + static_cast<int64_t>(seconds * 1e9);
  while (!capture_failed_ && MonotonicNanos() < until) {
    SleepNanos(std::min(kWaitSliceNs, std::max<int64_t>(until - MonotonicNanos(), 0)));
  }
}

void ProbeSession::WatchCooldown(int64_t deadline_ns) {
  int64_t next_report_ns = MonotonicNanos() + kProgressIntervalNs;
  while (!capture_failed_) {
    int64_t now_ns = MonotonicNanos();
    if (now_ns >= deadline_ns) return;
    if (now_ns >= next_report_ns) {
      ReportProgress(ProgressPhase::kCooldown);
      next_report_ns += kProgressIntervalNs;
    }
    SleepNanos(std::min(kWatchNs, deadline_ns - now_ns));
  }
}

absl::StatusOr<report::ScanStats> ProbeSession::Finish(double cooldown_s) {
  int64_t deadline_ns = MonotonicNanos() + static_cast<int64_t>(cooldown_s * 1e9);
  capture_deadline_ns_ = deadline_ns;
  if (!config_.progress.empty()) WatchCooldown(deadline_ns);
  if (capture_thread_.joinable()) capture_thread_.join();
  capture::CaptureCounters counters = capture_->Counters();
  capture_drops_live_ = counters.dropped + counters.if_dropped;
  ReportProgress(ProgressPhase::kFinished);
  if (capture_failed_) return capture_status_;
  RETURN_IF_ERROR(EvidenceStatus());
  report::ScanStats stats = stats_;
  stats.probes_sent = probes_sent_.load();
  stats.send_errors = send_errors_.load();
  stats.interrupted = interrupted_;
  SetCaptureCounters(counters, &stats);
  if (config_.backend.add_stats) config_.backend.add_stats(&stats);
  stats.forgery_acceptance_p = match::ForgedTcpAcceptance(config_.matcher);
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns_) / 1e9;
  stats.send_s = static_cast<double>(send_ns_) / 1e9;
  return stats;
}

}  // namespace cutpoint::session
