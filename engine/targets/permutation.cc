#include "engine/targets/permutation.h"

namespace cutpoint::targets {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

}  // namespace

KeyedPermutation::KeyedPermutation(uint64_t size, uint64_t seed) : size_(size) {
  int bits = 2;
  while (bits < 64 && (uint64_t{1} << bits) < size) ++bits;
  if (bits % 2 != 0) ++bits;
  half_bits_ = bits / 2;
  half_mask_ = half_bits_ == 32 ? 0xffffffffull : (uint64_t{1} << half_bits_) - 1;
  uint64_t state = seed;
  for (uint64_t& key : round_keys_) key = SplitMix64(state);
}

uint64_t KeyedPermutation::Network(uint64_t value) const {
  uint64_t left = value >> half_bits_;
  uint64_t right = value & half_mask_;
  for (uint64_t key : round_keys_) {
    uint64_t next = left ^ (Mix(right ^ key) & half_mask_);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

uint64_t KeyedPermutation::At(uint64_t index) const {
  // Cycle walking: the Network is a permutation of the larger domain, so following its
  // cycle from an in-range value always comes back into range.
  uint64_t value = Network(index);
  while (value >= size_) value = Network(value);
  return value;
}

}  // namespace cutpoint::targets
