// SPDX-License-Identifier: Apache-2.0
// What every micro-benchmark binary shares: a global operator new that counts heap
// allocations (defined in bench_support.cc, so a binary that links it counts every
// allocation of its process), and the allocs_per_item counter built from that count.
#ifndef CUTPOINT_BENCH_BENCH_SUPPORT_H_
#define CUTPOINT_BENCH_BENCH_SUPPORT_H_

#include <benchmark/benchmark.h>

#include <cstdint>

namespace cutpoint::bench {

// Heap allocations (operator new calls) of the process so far.
uint64_t AllocationCount();

// Sets items processed to `items` and the allocs_per_item counter to the allocations
// since `before` (an AllocationCount() taken before the timed loop) per item.
void CountAllocations(benchmark::State& state, uint64_t before, int64_t items);
// The same with one item per iteration.
inline void CountAllocations(benchmark::State& state, uint64_t before) {
  CountAllocations(state, before, static_cast<int64_t>(state.iterations()));
}

}  // namespace cutpoint::bench

#endif  // CUTPOINT_BENCH_BENCH_SUPPORT_H_
