#include "session/probe_session.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_source.h"
#include "capture/send/raw_socket_sender.h"
#include "engine/pacing/token_bucket.h"
#include "engine/probe/probe_builder.h"
#include "engine/targets/permutation.h"
#include "engine/wire/ipv4_address.h"
#include "session/privileges.h"
#include "session/private_file.h"

namespace cutpoint::session {
namespace {

constexpr size_t kSendBatch = 64;
constexpr int64_t kRetryBackoffNs = 20'000;
constexpr int64_t kMaxSleepNs = 1'000'000;
constexpr int64_t kWaitSliceNs = 10'000'000;
// Bounds the final read of the capture ring, should replies keep arriving at line rate.
constexpr int64_t kMaxDrainNs = 5'000'000'000;
constexpr int64_t kTickNs = 200'000'000;

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

void NoteTruncation(const capture::FrameSource& source, report::ScanStats* stats) {
  std::optional<capture::CaptureTruncation> cut = source.truncation();
  if (!cut) return;
  stats->capture_truncated = true;
  stats->truncated_at_byte = cut->offset;
}

std::string ReplyCaptureFilter(uint32_t source_address) {
  // TCP replies come back to the codec's keyed flow ports: kFlowPortMin up to the top of
  // the port space.
  return absl::StrCat("dst host ", wire::Ipv4ToString(source_address),
                      " and ((icmp and icmp[icmptype] != icmp-echo) or "
                      "(tcp and dst portrange ",
                      probe::kFlowPortMin, "-", UINT16_MAX,
                      " and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))");
}

void CountOutcome(match::MatchOutcome outcome, match::RejectReason reason,
                  report::ScanStats* stats) {
  if (outcome == match::MatchOutcome::kOwnProbe) {
    ++stats->probes_sent;  // a capture holding both directions: count what was sent
    return;
  }
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
        case match::RejectReason::kStale: ++by.stale; break;
        case match::RejectReason::kFuture: ++by.future; break;
        case match::RejectReason::kNone: break;
      }
      break;
    }
    case match::MatchOutcome::kUnrelated:
    case match::MatchOutcome::kNotIpv4: ++stats->unmatched; break;
    case match::MatchOutcome::kMalformed: ++stats->malformed; break;
    case match::MatchOutcome::kOwnProbe: break;
  }
}

struct ProbeSession::SenderSlot {
  capture::PacketSender* sender = nullptr;
  std::vector<PositionRange> work;
  std::atomic<uint64_t> done{0};  // positions of `work` handed to the backend, in order
};

ProbeSession::ProbeSession(const SessionConfig& config, const probe::ProbeCodec& codec,
                           ReplyHandler on_reply)
    : config_(config), codec_(codec), on_reply_(std::move(on_reply)), matcher_(codec, config.matcher) {}

absl::StatusOr<std::unique_ptr<ProbeSession>> ProbeSession::Start(const SessionConfig& config,
                                                                  const probe::ProbeCodec& codec,
                                                                  ReplyHandler on_reply) {
  std::unique_ptr<ProbeSession> session(new ProbeSession(config, codec, std::move(on_reply)));
  std::string filter = ReplyCaptureFilter(config.source_address);
  if (config.make_capture) {
    absl::StatusOr<std::unique_ptr<capture::FrameSource>> source = config.make_capture(filter);
    if (!source.ok()) return source.status();
    session->capture_ = std::move(*source);
  } else {
    capture::LiveCaptureOptions capture_options;
    capture_options.interface = config.interface;
    capture_options.filter = filter;
    absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
        capture::PcapSource::OpenLive(capture_options);
    if (!source.ok()) return source.status();
    session->capture_ = std::move(*source);
  }
  for (int i = 0; i < std::max(1, config.sender_threads); ++i) {
    absl::StatusOr<std::unique_ptr<capture::PacketSender>> sender;
    if (config.make_sender) {
      sender = config.make_sender();
    } else {
      absl::StatusOr<std::unique_ptr<capture::RawSocketSender>> raw =
          capture::RawSocketSender::Create(config.interface);
      if (raw.ok()) {
        sender = std::unique_ptr<capture::PacketSender>(std::move(*raw));
      } else {
        sender = raw.status();
      }
    }
    if (!sender.ok()) return sender.status();
    session->senders_.push_back(std::move(*sender));
  }
  // Every socket is open: drop what is no longer needed, in every thread there is (DPDK's
  // already run); the threads started below inherit the dropped sets.
  if (config.drop_privileges) {
    absl::Status dropped = DropPrivileges({config.run_as_user, config.keep_root});
    if (!dropped.ok()) return dropped;
    if (!config.status_file.empty()) {
      absl::Status writable = CheckWritableAfterDrop("--status-file", config.status_file);
      if (!writable.ok()) return writable;
    }
  }
  if (config.on_started) {
    absl::Status started = config.on_started();
    if (!started.ok()) return started;
  }
  session->started_ns_ = MonotonicNanos();
  session->capture_thread_ = std::thread([s = session.get()] {
    pthread_setname_np(pthread_self(), "cp-capture");  // names show in /proc and top
    s->CaptureLoop();
  });
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
  if (!config_.evidence->ok()) evidence_failed_.store(true, std::memory_order_relaxed);
}

absl::Status ProbeSession::EvidenceStatus() {
  if (!evidence_failed_.load()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(evidence_mutex_);
  return config_.evidence->status();
}

void ProbeSession::CaptureLoop() {
  capture::CapturedFrame frame;
  match::ReplyRecord reply;
  int64_t next_counters_ns = 0;
  int64_t next_tick_ns = 0;
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
    if (draining && now_ns >= drain_limit_ns) break;
    if (config_.on_tick && now_ns >= next_tick_ns) {
      absl::Status ticked = config_.on_tick(now_ns);
      if (!ticked.ok()) {
        capture_status_ = ticked;
        capture_failed_ = true;
        return;
      }
      next_tick_ns = now_ns + kTickNs;
    }
    if (config_.progress && now_ns >= next_counters_ns) {
      capture::CaptureCounters counters = capture_->Counters();
      capture_drops_live_ = counters.dropped + counters.if_dropped;
      next_counters_ns = now_ns + 500'000'000;
    }
    absl::StatusOr<capture::NextResult> next = capture_->Next(&frame, /*wait=*/!draining);
    if (!next.ok()) {
      capture_status_ = next.status();
      capture_failed_ = true;
      return;
    }
    if (*next != capture::NextResult::kFrame) {
      if (draining) break;  // the ring is empty
      continue;
    }
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
      matched_live_.fetch_add(1, std::memory_order_relaxed);
      absl::Status handled = on_reply_(reply);
      if (!handled.ok()) {
        capture_status_ = handled;
        capture_failed_ = true;
        return;
      }
    }
  }
}

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

void ProbeSession::SendSlice(SenderSlot& slot, const ProbeSource& ordered, double rate_pps,
                             const std::atomic<bool>& stop_requested) {
  probe::ProbeBuilder builder(codec_, config_.source_address);
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
      if (stop_requested.load(std::memory_order_relaxed) ||
          capture_failed_.load(std::memory_order_relaxed) ||
          evidence_failed_.load(std::memory_order_relaxed)) {
        return;
      }
      int64_t now_ns = MonotonicNanos();
      uint64_t wanted = std::min<uint64_t>(kSendBatch, range.end - position);
      size_t granted = static_cast<size_t>(bucket.Take(now_ns, wanted));
      if (granted == 0) {
        SleepNanos(std::min(bucket.NanosUntilAvailable(now_ns), kMaxSleepNs));
        continue;
      }
      int64_t send_us = WallClockMicros();
      for (size_t i = 0; i < granted; ++i) batch.specs[i] = ordered.At(position + i);
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

void ProbeSession::ReportProgress(uint64_t total, uint64_t sent_before, int64_t send_started_ns) {
  int64_t now_ns = MonotonicNanos();
  uint64_t sent = probes_sent_.load() + send_errors_.load() - sent_before;
  uint64_t matched = matched_live_.load();
  double interval_s = static_cast<double>(now_ns - last_progress_ns_) / 1e9;
  double send_pps = interval_s > 0 ? static_cast<double>(sent - last_progress_sent_) / interval_s : 0;
  double recv_pps =
      interval_s > 0 ? static_cast<double>(matched - last_progress_matched_) / interval_s : 0;
  double elapsed_s = static_cast<double>(now_ns - send_started_ns) / 1e9;
  double done = total == 0 ? 1.0 : static_cast<double>(sent) / static_cast<double>(total);
  double eta_s = sent == 0 ? 0 : elapsed_s * (1.0 - done) / done;
  double hit = sent == 0 ? 0 : 100.0 * static_cast<double>(matched) / static_cast<double>(sent);
  if (config_.progress) {
    std::fprintf(stderr,
                 "%6.1fs %5.1f%% (ETA %4.0fs) sent %llu at %.0f pps; recv %.0f pps; hits %.1f%%; "
                 "drops %llu\n",
                 elapsed_s, 100.0 * done, eta_s, static_cast<unsigned long long>(sent), send_pps,
                 recv_pps, hit, static_cast<unsigned long long>(capture_drops_live_.load()));
  }
  if (!config_.status_file.empty()) {
    report::JsonLine line;
    line.Begin();
    line.AddString("type", "status");
    line.AddDouble("elapsed_s", elapsed_s);
    line.AddUint("probes_total", total);
    line.AddUint("probes_sent", sent);
    line.AddDouble("percent_done", 100.0 * done);
    line.AddDouble("eta_s", eta_s);
    line.AddDouble("send_pps", send_pps);
    line.AddDouble("recv_pps", recv_pps);
    line.AddUint("matched", matched);
    line.AddDouble("hit_rate_percent", hit);
    line.AddUint("capture_drops", capture_drops_live_.load());
    absl::string_view text = line.Finish();
    // Best effort, once a second: a failed write leaves the previous status in place.
    (void)WritePrivateFileAtomically(config_.status_file, text, "status file", /*durable=*/false);
  }
  last_progress_ns_ = now_ns;
  last_progress_sent_ = sent;
  last_progress_matched_ = matched;
}

absl::Status ProbeSession::Send(const ProbeSource& ordered, const std::vector<PositionRange>& work,
                                const std::atomic<bool>& stop_requested,
                                std::vector<PositionRange>* remaining,
                                const CheckpointHandler& checkpoint) {
  std::vector<std::vector<PositionRange>> pieces =
      SplitRanges(work, static_cast<int>(senders_.size()));
  std::vector<std::unique_ptr<SenderSlot>> slots;
  for (size_t i = 0; i < senders_.size(); ++i) {
    slots.push_back(std::make_unique<SenderSlot>());
    slots.back()->sender = senders_[i].get();
    slots.back()->work = std::move(pieces[i]);
  }
  // Each thread paces its share; together they hold the configured rate.
  double thread_rate = config_.rate_pps > 0 ? config_.rate_pps / static_cast<double>(slots.size()) : 0;
  auto collect_remaining = [&] {
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
  };

  uint64_t total = TotalPositions(work);
  uint64_t sent_before = probes_sent_.load() + send_errors_.load();
  int64_t send_started_ns = MonotonicNanos();
  last_progress_ns_ = send_started_ns;
  last_progress_sent_ = 0;
  last_progress_matched_ = matched_live_.load();
  std::atomic<int> running{static_cast<int>(slots.size())};
  std::vector<std::thread> threads;
  for (auto& slot : slots) {
    threads.emplace_back([&, s = slot.get()] {
      pthread_setname_np(pthread_self(), "cp-sender");
      SendSlice(*s, ordered, thread_rate, stop_requested);
      running.fetch_sub(1);
    });
  }
  bool periodic = config_.progress || !config_.status_file.empty() || checkpoint != nullptr;
  int64_t next_report_ns = send_started_ns + 1'000'000'000;
  while (running.load() > 0) {
    SleepNanos(periodic ? 20'000'000 : 50'000'000);
    if (periodic && MonotonicNanos() >= next_report_ns) {
      ReportProgress(total, sent_before, send_started_ns);
      if (checkpoint) checkpoint(collect_remaining());
      next_report_ns += 1'000'000'000;
    }
  }
  for (std::thread& thread : threads) thread.join();
  if (periodic) ReportProgress(total, sent_before, send_started_ns);
  std::vector<PositionRange> left = collect_remaining();
  if (!left.empty() && stop_requested.load()) interrupted_ = true;
  if (checkpoint) checkpoint(left);
  if (remaining != nullptr) *remaining = std::move(left);
  if (capture_failed_) return capture_status_;
  return EvidenceStatus();
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

absl::StatusOr<report::ScanStats> ProbeSession::Finish(double cooldown_s) {
  capture_deadline_ns_ = MonotonicNanos() + static_cast<int64_t>(cooldown_s * 1e9);
  if (capture_thread_.joinable()) capture_thread_.join();
  if (capture_failed_) return capture_status_;
  if (absl::Status evidence = EvidenceStatus(); !evidence.ok()) return evidence;
  capture::CaptureCounters counters = capture_->Counters();
  report::ScanStats stats = stats_;
  stats.probes_sent = probes_sent_.load();
  stats.send_errors = send_errors_.load();
  stats.interrupted = interrupted_;
  stats.has_capture_stats = true;
  stats.pcap_received = counters.received;
  stats.pcap_dropped = counters.dropped;
  stats.pcap_ifdropped = counters.if_dropped;
  if (config_.add_backend_stats) config_.add_backend_stats(&stats);
  stats.forgery_acceptance_p = match::ForgedTcpAcceptance(config_.matcher);
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns_) / 1e9;
  return stats;
}

absl::StatusOr<report::ScanStats> ReadCapture(capture::FrameSource& source,
                                              const std::string& path,
                                              const match::Matcher& matcher,
                                              const ReplyHandler& on_reply) {
  int64_t started_ns = MonotonicNanos();
  report::ScanStats stats;
  capture::CapturedFrame frame;
  match::ReplyRecord reply;
  while (true) {
    absl::StatusOr<capture::NextResult> next = source.Next(&frame);
    if (!next.ok()) return absl::DataLossError(absl::StrCat(path, ": ", next.status().message()));
    if (*next == capture::NextResult::kEnd) break;
    if (*next != capture::NextResult::kFrame) continue;
    match::RejectReason reason = match::RejectReason::kNone;
    match::MatchOutcome outcome = matcher.MatchFrame(source.link_type(), frame.data, frame.len,
                                                     frame.time_us, &reply, &reason);
    CountOutcome(outcome, reason, &stats);
    if (outcome == match::MatchOutcome::kMatched) {
      absl::Status handled = on_reply(reply);
      if (!handled.ok()) return handled;
    }
  }
  stats.forgery_acceptance_p = match::ForgedTcpAcceptance(matcher.config());
  NoteTruncation(source, &stats);
  stats.duration_s = static_cast<double>(MonotonicNanos() - started_ns) / 1e9;
  return stats;
}

std::string SendOrderId(const targets::ProbePlan& plan, const LiveScanOptions& options) {
  return absl::StrCat("seed=", options.seed, " shards=", options.shard_count,
                      " shard=", options.shard_index, " probes=", plan.size(),
                      " targets=", plan.targets().size());
}

absl::StatusOr<report::ScanStats> RunLiveScan(const SessionConfig& config,
                                              const probe::ProbeCodec& codec,
                                              const targets::ProbePlan& plan,
                                              const LiveScanOptions& options,
                                              const ReplyHandler& on_reply,
                                              const std::atomic<bool>& stop_requested) {
  absl::StatusOr<targets::ShardOrder> order =
      targets::ShardOrder::Create(plan, options.seed, options.shard_count, options.shard_index);
  if (!order.ok()) return order.status();
  std::vector<PositionRange> work = {{0, order->size()}};
  std::string order_id = SendOrderId(plan, options);
  if (!options.resume_path.empty()) {
    absl::StatusOr<ResumeState> resume = ReadResumeFile(options.resume_path);
    if (!resume.ok()) return resume.status();
    if (!resume->order_id.empty()) {
      if (resume->order_id != order_id) {
        return absl::InvalidArgumentError(absl::StrCat(
            "resume file '", options.resume_path, "' belongs to another scan (", resume->order_id,
            "; this one is ", order_id, "): use the same targets, probes, --seed and shards"));
      }
      work = resume->remaining;
    }
  }
  absl::StatusOr<std::unique_ptr<ProbeSession>> session =
      ProbeSession::Start(config, codec, on_reply);
  if (!session.ok()) return session.status();
  if (config.drop_privileges && !options.resume_path.empty()) {
    // Refused before any probe is sent, not at the first checkpoint.
    absl::Status writable = CheckWritableAfterDrop("--resume", options.resume_path);
    if (!writable.ok()) return writable;
  }
  ShardSource source(*order);
  absl::Status checkpoint_status;
  CheckpointHandler checkpoint;
  if (!options.resume_path.empty()) {
    checkpoint = [&](const std::vector<PositionRange>& remaining) {
      absl::Status written = WriteResumeFile(options.resume_path, {order_id, remaining});
      if (!written.ok()) checkpoint_status = written;
    };
  }
  std::vector<PositionRange> remaining;
  absl::Status sent = (*session)->Send(source, work, stop_requested, &remaining, checkpoint);
  if (!sent.ok()) return sent;
  if (!checkpoint_status.ok()) return checkpoint_status;
  absl::StatusOr<report::ScanStats> stats = (*session)->Finish(options.cooldown_s);
  if (stats.ok() && stats->interrupted) {
    stats->probes_unsent = TotalPositions(remaining);
    stats->resume_file = options.resume_path;
  }
  return stats;
}

}  // namespace cutpoint::session
