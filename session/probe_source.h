// What a session sends: any indexable set of probes. A send order is a ProbeSource too
// (PermutedSource, ShardSource), so the send loop only ever asks for "the probe at
// position i".
#ifndef CUTPOINT_SESSION_PROBE_SOURCE_H_
#define CUTPOINT_SESSION_PROBE_SOURCE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
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
      for (size_t i = 0; i < count; ++i) out[done + i] = inner_.At(indices[i]);
    }
  }

 private:
  const ProbeSource& inner_;
  targets::KeyedPermutation permutation_;
};

// One shard of a plan, already in its keyed send order.
class ShardSource final : public ProbeSource {
 public:
  explicit ShardSource(const targets::ShardOrder& order) : order_(order) {}
  uint64_t size() const override { return order_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return order_.At(index); }
  void Fill(uint64_t first, size_t n, probe::ProbeSpec* out) const override {
    order_.Fill(first, n, out);
  }

 private:
  const targets::ShardOrder& order_;
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
