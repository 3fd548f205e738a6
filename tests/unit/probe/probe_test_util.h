// Shared fixtures for the probe tests: a fixed key, addresses and send times.
#ifndef CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_
#define CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_

#include "engine/probe/probe_codec.h"
#include "engine/probe/probe_key.h"
#include "test_util.h"

namespace cutpoint::probe::testing_probe {

inline ProbeKey FixedKey(uint8_t offset = 0) {
  ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i + offset);
  return key;
}

inline constexpr uint32_t kSource = testutil::Ip(192, 0, 2, 1);
inline constexpr uint32_t kTarget = testutil::Ip(185, 70, 40, 101);
inline constexpr int64_t kSendUs = 1700000000123456;  // ticks 2056, low16 0x2240

}  // namespace cutpoint::probe::testing_probe

#endif  // CUTPOINT_TESTS_UNIT_PROBE_PROBE_TEST_UTIL_H_
