// SPDX-License-Identifier: Apache-2.0
// Issue 10, row 11: the default permutation seed (written to resume files, shown in their
// mismatch messages) must not be key bytes.
#include <cstdint>

#include "engine/probe/probe_key.h"
#include "gtest/gtest.h"

namespace cutpoint::probe {
namespace {

ProbeKey Key(uint8_t offset) {
  ProbeKey key;
  for (size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<uint8_t>(i + offset);
  return key;
}

TEST(SeedFromKeyTest, OneWayHashOfTheKeyNotItsBytes) {
  // Python: int.from_bytes(hashlib.blake2b(b"cutpoint permutation seed v1",
  //                        key=bytes(range(16)), digest_size=8).digest(), "little")
  EXPECT_EQ(SeedFromKey(Key(0)), 0xe372dbb723f002ffu);
  // Key bytes 8..15 (the seed before): gone.
  EXPECT_NE(SeedFromKey(Key(0)), 0x08090a0b0c0d0e0fu);
  // Every key byte matters, and nothing of the key shows in the seed's bytes.
  for (int i = 0; i < 16; ++i) {
    ProbeKey key = Key(0);
    key.bytes[i] ^= 1;
    EXPECT_NE(SeedFromKey(key), SeedFromKey(Key(0))) << i;
  }
}

}  // namespace
}  // namespace cutpoint::probe
