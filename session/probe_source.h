// What a session sends: any indexable set of probes. A send order is a ProbeSource too
// (PermutedSource, ShardSource), so the send loop only ever asks for "the probe at
// position i".
#ifndef CUTPOINT_SESSION_PROBE_SOURCE_H_
#define CUTPOINT_SESSION_PROBE_SOURCE_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/probe/probe_codec.h"
#include "engine/targets/permutation.h"
#include "engine/targets/shard_order.h"

namespace cutpoint::session {

// Any indexable set of probes. At() is called from every sender thread at once.
class ProbeSource {
 public:
  virtual ~ProbeSource() = default;
  virtual uint64_t size() const = 0;
  virtual probe::ProbeSpec At(uint64_t index) const = 0;
};

// `inner` walked in a keyed random order.
class PermutedSource final : public ProbeSource {
 public:
  PermutedSource(const ProbeSource& inner, uint64_t seed)
      : inner_(inner), permutation_(inner.size(), seed) {}
  uint64_t size() const override { return inner_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return inner_.At(permutation_.At(index)); }

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

 private:
  const targets::ShardOrder& order_;
};

// Explicit probes, in the order given (e.g. the cells of one locate round).
class ListSource final : public ProbeSource {
 public:
  explicit ListSource(std::vector<probe::ProbeSpec> specs) : specs_(std::move(specs)) {}
  uint64_t size() const override { return specs_.size(); }
  probe::ProbeSpec At(uint64_t index) const override { return specs_[index]; }

 private:
  std::vector<probe::ProbeSpec> specs_;
};

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_PROBE_SOURCE_H_
