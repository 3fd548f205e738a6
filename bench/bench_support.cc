// SPDX-License-Identifier: Apache-2.0
#include "bench_support.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace cutpoint::bench {

uint64_t AllocationCount() { return g_allocations.load(std::memory_order_relaxed); }

void CountAllocations(benchmark::State& state, uint64_t before, int64_t items) {
  state.SetItemsProcessed(items);
  state.counters["allocs_per_item"] = benchmark::Counter(
      static_cast<double>(AllocationCount() - before) / static_cast<double>(items));
}

}  // namespace cutpoint::bench
