// SPDX-License-Identifier: Apache-2.0
// The parser tests' one way to call the parser: on an exactly-sized heap copy (ASan catches
// any over-read), checking that every pointer handed back lies inside the buffer, then
// re-pointed into the caller's vector so the views stay valid.
#ifndef CUTPOINT_TESTS_UNIT_WIRE_PARSE_TEST_UTIL_H_
#define CUTPOINT_TESTS_UNIT_WIRE_PARSE_TEST_UTIL_H_

#include <cstring>
#include <memory>
#include <vector>

#include "engine/wire/packet_parser.h"
#include "gtest/gtest.h"

namespace cutpoint::wire::parsetest {

using ParseFn = ParseStatus (*)(const uint8_t*, size_t, ParsedPacket*);

inline ParseStatus ParseCopy(ParseFn parse, const std::vector<uint8_t>& packet,
                             ParsedPacket* out) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[packet.size() == 0 ? 1 : packet.size()]);
  if (!packet.empty()) std::memcpy(copy.get(), packet.data(), packet.size());
  const uint8_t* begin = copy.get();
  const uint8_t* end = begin + packet.size();
  ParseStatus status = parse(begin, packet.size(), out);
  if (status != ParseStatus::kOk) {
    EXPECT_FALSE(out->has_tcp || out->has_icmp || out->has_quote);
  }
  if (status == ParseStatus::kOk) {
    EXPECT_LE(out->ip.header_len, packet.size());
  }
  if (status == ParseStatus::kOk && out->has_icmp) {
    EXPECT_GE(out->icmp.payload, begin);
    EXPECT_LE(out->icmp.payload + out->icmp.payload_len, end);
  }
  if (status == ParseStatus::kOk && out->has_quote) {
    EXPECT_GE(out->quote.transport, begin);
    EXPECT_LE(out->quote.transport + out->quote.transport_len, end);
  }
  auto rebase = [&](const uint8_t* p) { return p == nullptr ? p : packet.data() + (p - begin); };
  // Only the parts the flags report are filled (the others may be stale).
  if (out->has_icmp) out->icmp.payload = rebase(out->icmp.payload);
  if (out->has_quote) out->quote.transport = rebase(out->quote.transport);
  return status;
}

}  // namespace cutpoint::wire::parsetest

#endif  // CUTPOINT_TESTS_UNIT_WIRE_PARSE_TEST_UTIL_H_
