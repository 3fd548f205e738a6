// SPDX-License-Identifier: Apache-2.0
// What a session sends: any indexable set of probes. A send order is a ProbeSource too
// (PermutedSource, ShardSource), so the send loop only ever asks for "the probe at
// position i".
#ifndef CUTPOINT_SESSION_PROBE_SOURCE_H_
#define CUTPOINT_SESSION_PROBE_SOURCE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "engine/probe/probe_codec.h"
#include "engine/targets/permutation.h"
#include "engine/targets/shard_order.h"

namespace cutpoint::session {

// Any indexable set of probes. At() and Fill() are called from every sender thread at once.
class ProbeSource {
 public:
  virtual ~ProbeSource() = default;
  virtual uint64_t size() const = 0;
  virtual probe::ProbeSpec At(uint64_t index) const = 0;
  // out[i] = At(first + i) for i < n (first + n <= size()): what the send loop asks for, a
  // batch at a time. Sources with a faster batch form override it.
  virtual void Fill(uint64_t first, size_t n, probe::ProbeSpec* out) const {
    for (size_t i = 0; i < n; ++i) out[i] = At(first + i);
  }
  // out[i] = At(indices[i]) for i < n, every index < size(): what a permuted walk asks
  // for. Sources with a faster batch form override it.
  virtual void FillAt(const uint64_t* indices, size_t n, probe::ProbeSpec* out) const {
    for (size_t i = 0; i < n; ++i) out[i] = At(indices[i]);
  }
};

// `inner` walked in a keyed random order.
class PermutedSource final : public ProbeSource {
 public:
  PermutedSource(const ProbeSource& inner, uint64_t seed)
      : inner_(inner), permutation_(inner.size(), seed) {}
  uint64_t size() const override { return inner_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return inner_.At(permutation_.At(index)); }
  void Fill(uint64_t first, size_t n, probe::ProbeSpec* out) const override {
    constexpr size_t kBlock = 64;
    uint64_t indices[kBlock];
    for (size_t done = 0; done < n; done += kBlock) {
      const size_t count = std::min(kBlock, n - done);
      permutation_.AtBatch(first + done, count, indices);
      inner_.FillAt(indices, count, out + done);
    }
  }

 private:
  const ProbeSource& inner_;
  targets::KeyedPermutation permutation_;
};

// One shard of a plan, already in its keyed send order.
//
// Fill reads ahead: ShardOrder::Fill costs less per probe the more probes a call asks for
// (about 2.5x less at 1024 than at the send loop's 64), so Fill computes probes ahead into
// a buffer of the calling thread's and serves the following calls from it while they ask
// for positions inside it. A call that continues where the buffer ends refills it with
// twice as many probes as before, up to kLookahead; any other computes just what it asks.
// Each sender thread walks its own consecutive positions, so nearly every call is a copy,
// and a thread sent scattered positions computes at most about twice what it sends.
class ShardSource final : public ProbeSource {
 public:
  static constexpr size_t kLookahead = 1024;

  explicit ShardSource(const targets::ShardOrder& order) : order_(order), id_(NextId()) {}
  uint64_t size() const override { return order_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return order_.At(index); }
  void Fill(uint64_t first, size_t n, probe::ProbeSpec* out) const override {
    if (n >= kLookahead) return order_.Fill(first, n, out);
    Lookahead& ahead = ThreadLookahead();
    const bool ours = ahead.source == id_;
    if (!ours || first < ahead.first || first + n > ahead.first + ahead.count) {
      const bool continues = ours && first == ahead.first + ahead.count;
      const size_t wanted = continues ? std::min(kLookahead, std::max(n, 2 * ahead.count)) : n;
      ahead.source = id_;
      ahead.first = first;
      ahead.count = static_cast<size_t>(std::min<uint64_t>(wanted, size() - first));
      order_.Fill(first, ahead.count, ahead.specs);
    }
    std::copy_n(ahead.specs + (first - ahead.first), n, out);
  }

 private:
  struct Lookahead {
    uint64_t source = 0;  // the id_ of the source it holds probes of; 0: none
    uint64_t first = 0;
    size_t count = 0;
    probe::ProbeSpec specs[kLookahead];
  };
  // Allocated on a thread's first Fill, so only sender threads carry the 24 KiB.
  static Lookahead& ThreadLookahead() {
    thread_local std::unique_ptr<Lookahead> ahead = std::make_unique<Lookahead>();
    return *ahead;
  }
  // Ids are never reused, so a buffer never serves a later source at the same address.
  static uint64_t NextId() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  const targets::ShardOrder& order_;
  const uint64_t id_;
};

// Explicit probes, in the order given (e.g. the cells of one locate round).
class ListSource final : public ProbeSource {
 public:
  explicit ListSource(std::vector<probe::ProbeSpec> specs) : specs_(std::move(specs)) {}
  uint64_t size() const override { return specs_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return specs_[index]; }
  void Fill(uint64_t first, size_t n, probe::ProbeSpec* out) const override {
    std::copy_n(specs_.begin() + static_cast<std::ptrdiff_t>(first), n, out);
  }

 private:
  std::vector<probe::ProbeSpec> specs_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PROBE_SOURCE_H_
