// SPDX-License-Identifier: Apache-2.0
// Fakes to run a ProbeSession without root or a network: every probe a FakeSender sends
// is carried by a FakeNetwork, whose responder may answer it with frames (a SYN-ACK, a
// time exceeded... built from the probe's bytes by test_util.h), and a FakeCapture
// delivers those frames to the session's capture thread.
#ifndef CUTPOINT_TESTS_UNIT_SESSION_SESSION_FAKES_H_
#define CUTPOINT_TESTS_UNIT_SESSION_SESSION_FAKES_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capture/frame_source.h"
#include "capture/send/packet_sender.h"
#include "capture/send/probe_burst_sender.h"
#include "engine/probe/probe_builder.h"
#include "session/clock.h"
#include "session/probe_session.h"
#include "test_util.h"

namespace cutpoint::session::fakes {

using testutil::Bytes;

inline constexpr uint32_t kSource = testutil::Ip(192, 0, 2, 1);
inline constexpr uint64_t kFakeDrops = 7;  // what FakeCapture's counters say it dropped

inline probe::ProbeKey TestKey() {
  probe::ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(3 * i + 1);
  return key;
}

// What a probe's bytes say about it.
inline uint32_t TargetOf(const Bytes& probe) { return testutil::Get32(&probe[16]); }
inline bool IsTcp(const Bytes& probe) { return probe[9] == 6; }
inline uint8_t TtlOf(const Bytes& probe) { return probe[8]; }

// A frame the network sends back; `late` ones wait for FakeNetwork::ReleaseLate().
struct Answer {
  Bytes frame;  // Ethernet
  bool late = false;
};
using Responder = std::function<std::vector<Answer>(const Bytes& probe)>;

// The usual answers: a SYN-ACK from the target to TCP probes, a time exceeded from a
// router to echo probes.
inline std::vector<Answer> AnswerEveryProbe(const Bytes& probe) {
  if (IsTcp(probe)) return {{testutil::WrapEthernet(testutil::TcpReplyFor(probe))}};
  testutil::IcmpErrorSpec error;
  error.router = testutil::Ip(203, 0, 113, 9);
  return {{testutil::WrapEthernet(testutil::BuildIcmpError(probe, error))}};
}

class FakeNetwork {
 public:
  explicit FakeNetwork(Responder responder = nullptr) : responder_(std::move(responder)) {}

  // Called with the number of probes carried so far, after each one (on a sender thread).
  void set_on_carry(std::function<void(size_t carried)> on_carry) {
    on_carry_ = std::move(on_carry);
  }

  void Carry(const uint8_t* packet, size_t len) {
    Bytes probe(packet, packet + len);
    std::vector<Answer> answers = responder_ ? responder_(probe) : std::vector<Answer>{};
    size_t carried;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sent_.push_back(std::move(probe));
      carried = sent_.size();
      for (Answer& answer : answers) {
        if (answer.late) {
          late_.push_back(std::move(answer.frame));
        } else {
          frames_.push_back(std::move(answer.frame));
        }
      }
    }
    if (on_carry_) on_carry_(carried);
  }

  void ReleaseLate() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Bytes& frame : late_) frames_.push_back(std::move(frame));
    late_.clear();
  }

  bool Pop(Bytes* frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (frames_.empty()) return false;
    *frame = std::move(frames_.front());
    frames_.pop_front();
    return true;
  }

  std::vector<Bytes> sent() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }

 private:
  Responder responder_;
  std::function<void(size_t)> on_carry_;
  mutable std::mutex mutex_;
  std::vector<Bytes> sent_;   // every probe, in the order carried
  std::deque<Bytes> frames_;  // answers not yet captured
  std::vector<Bytes> late_;   // answers held back
};

// Takes at most `max_per_call` probes per call, so the session has to retry; builds in
// place (ProbeBurstSender) when asked to.
class FakeSender final : public capture::PacketSender, public capture::ProbeBurstSender {
 public:
  FakeSender(FakeNetwork* network, bool in_place, size_t max_per_call = 5)
      : network_(network), in_place_(in_place), max_per_call_(max_per_call) {}

  capture::BurstResult SendBurst(std::span<const capture::OutgoingPacket> packets) override {
    size_t n = std::min(packets.size(), max_per_call_);
    for (size_t i = 0; i < n; ++i) network_->Carry(packets[i].data, packets[i].len);
    return {n, 0};
  }
  size_t SendProbes(const probe::ProbeBuilder& builder, std::span<const probe::ProbeSpec> specs,
                    int64_t send_us) override {
    size_t n = std::min(specs.size(), max_per_call_);
    for (size_t i = 0; i < n; ++i) {
      uint8_t buffer[probe::kMaxProbeLen];
      network_->Carry(buffer, builder.Build(specs[i], send_us, buffer));
    }
    return n;
  }
  capture::ProbeBurstSender* AsProbeBurstSender() override { return in_place_ ? this : nullptr; }

 private:
  FakeNetwork* network_;
  bool in_place_;
  size_t max_per_call_;
};

// Delivers the network's answers, stamped with the wall clock as a live capture does.
// Fails with `failure` instead of the first frame, if set.
class FakeCapture final : public capture::FrameSource {
 public:
  FakeCapture(FakeNetwork* network, absl::Status failure)
      : network_(network), failure_(std::move(failure)) {}

  wire::LinkType link_type() const override { return wire::LinkType::kEthernet; }
  absl::StatusOr<capture::NextResult> Next(capture::CapturedFrame* frame, bool wait) override {
    if (!failure_.ok()) return failure_;
    if (!network_->Pop(&current_)) {
      if (wait) SleepNanos(200'000);  // as a live capture's timeout, only shorter
      return capture::NextResult::kTimeout;
    }
    ++delivered_;
    frame->data = current_.data();
    frame->len = frame->wire_len = current_.size();
    frame->time_us = WallClockMicros();
    return capture::NextResult::kFrame;
  }
  capture::CaptureCounters Counters() const override { return {delivered_, kFakeDrops, 0}; }

 private:
  FakeNetwork* network_;
  absl::Status failure_;
  Bytes current_;  // the frame handed out last: valid until the next call
  uint64_t delivered_ = 0;
};

// A session config on the fakes: `senders` FakeSenders and a FakeCapture on `network`,
// no privilege change (tests run unprivileged).
inline SessionConfig FakeConfig(FakeNetwork* network, int senders = 1, bool in_place = false,
                                absl::Status capture_failure = absl::OkStatus()) {
  SessionConfig config;
  config.sources.v4 = wire::IpAddress::V4(kSource);
  config.sender_threads = senders;
  config.drop_privileges = false;
  config.matcher.source_v4 = wire::IpAddress::V4(kSource);
  config.backend.make_capture =
      [network, capture_failure](
          const std::string&) -> absl::StatusOr<std::unique_ptr<capture::FrameSource>> {
    return std::make_unique<FakeCapture>(network, capture_failure);
  };
  config.backend.make_sender = [network,
                        in_place]() -> absl::StatusOr<std::unique_ptr<capture::PacketSender>> {
    return std::make_unique<FakeSender>(network, in_place);
  };
  return config;
}

}  // namespace cutpoint::session::fakes

#endif  // CUTPOINT_TESTS_UNIT_SESSION_SESSION_FAKES_H_
