// SPDX-License-Identifier: Apache-2.0
// Token-bucket pacing on an injected monotonic clock (nanoseconds). Batch-aware: the
// sender asks for up to a batch of tokens and gets as many as have accrued, so the
// long-run rate is exact at any batch size. No calibrated busy loops: the caller sleeps
// for NanosUntilAvailable().
#ifndef CUTPOINT_ENGINE_PACING_TOKEN_BUCKET_H_
#define CUTPOINT_ENGINE_PACING_TOKEN_BUCKET_H_

#include <algorithm>
#include <cstdint>

namespace cutpoint::pacing {

class TokenBucket {
 public:
  // `rate_per_s` <= 0 means unlimited. `burst` caps how many tokens accrue while idle.
  TokenBucket(double rate_per_s, double burst, int64_t now_ns)
      : rate_per_ns_(rate_per_s / 1e9), burst_(std::max(burst, 1.0)), last_ns_(now_ns) {}

  bool unlimited() const { return rate_per_ns_ <= 0; }

  // Takes up to `wanted` tokens available at `now_ns`; returns how many were taken.
  uint64_t Take(int64_t now_ns, uint64_t wanted) {
    if (unlimited()) return wanted;
    Refill(now_ns);
    uint64_t granted = std::min<uint64_t>(wanted, static_cast<uint64_t>(tokens_));
    tokens_ -= static_cast<double>(granted);
    return granted;
  }

  // Nanoseconds from `now_ns` until one token is available (0 if one is).
  int64_t NanosUntilAvailable(int64_t now_ns) {
    if (unlimited()) return 0;
    Refill(now_ns);
    if (tokens_ >= 1.0) return 0;
    return static_cast<int64_t>((1.0 - tokens_) / rate_per_ns_) + 1;
  }

 private:
  void Refill(int64_t now_ns) {
    if (now_ns > last_ns_) {
      tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ns - last_ns_) * rate_per_ns_);
      last_ns_ = now_ns;
    }
  }

  double rate_per_ns_;
  double burst_;
  double tokens_ = 0;
  int64_t last_ns_;
};

}  // namespace cutpoint::pacing

#endif  // CUTPOINT_ENGINE_PACING_TOKEN_BUCKET_H_
