// SPDX-License-Identifier: Apache-2.0
// The fixed, public probe key of the tools that need reproducible probe bytes without a
// key file: benchmarks, the fuzz targets and their seed generator, the lab's TX backend
// tool and the DPDK tests. Never a scan's key. Header-only, no gtest: benches and fuzzers
// use it too (the build target cutpoint_test_support, or the repository root as include
// path, as the fuzz build has).
#ifndef CUTPOINT_TESTS_SUPPORT_FIXED_KEY_H_
#define CUTPOINT_TESTS_SUPPORT_FIXED_KEY_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_key.h"

namespace cutpoint::test_support {

// c0 c1 c2 ... cf.
inline probe::ProbeKey FixedProbeKey() {
  probe::ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(0xc0 + i);
  return key;
}

}  // namespace cutpoint::test_support

#endif  // CUTPOINT_TESTS_SUPPORT_FIXED_KEY_H_
