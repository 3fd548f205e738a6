// SPDX-License-Identifier: Apache-2.0
// Fuzzes the receive path on one captured frame: the first byte picks the link type among
// every wire::LinkType, the rest is the frame. Runs wire::LocateIp (and LocateIpv4),
// wire::ParsePacket on IPv4 and IPv6 packets, and match::Matcher::MatchFrame under an
// open config and a scoped one (source address, target set, TTL and attempt plan), and
// report::FormatReply on every match.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/fuzz_match.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  cutpoint::wire::LinkType link =
      cutpoint::fuzz::kLinkTypes[data[0] % cutpoint::fuzz::kLinkTypeCount];
  // data + 1 .. data + size ends exactly at the end of libFuzzer's heap copy, so any read
  // past the frame is an ASan report.
  cutpoint::fuzz::MatchAndCheck(link, data + 1, size - 1, cutpoint::fuzz::kRecvTimeUs);
  return 0;
}
