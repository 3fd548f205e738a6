// SPDX-License-Identifier: Apache-2.0
#include "capture/reply_filter.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "engine/probe/probe_codec.h"
#include "engine/wire/protocol.h"

namespace cutpoint::capture {
namespace {

std::string Ipv4Part(const wire::IpAddress& source) {
  // TCP replies come back to the codec's keyed flow ports: kFlowPortMin up to the top of
  // the port space.
  return absl::StrCat("dst host ", wire::IpAddressToString(source),
                      " and ((icmp and icmp[icmptype] != icmp-echo) or "
                      "(tcp and dst portrange ",
                      probe::kFlowPortMin, "-", UINT16_MAX,
                      " and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0))");
}

std::string Ipv6Part(const wire::IpAddress& source) {
  // Offsets into the fixed header (ip6[6]: next header) and, only when the next header is
  // the transport itself, into the transport header right behind it (40).
  constexpr size_t kL4 = wire::kIpv6HeaderLen;
  return absl::StrCat("(ip6 dst host ", wire::IpAddressToString(source),
                      " and not (ip6[6] == ", wire::kProtoIcmpv6, " and (ip6[", kL4,
                      "] == 128 or (ip6[", kL4, "] >= 133 and ip6[", kL4,
                      "] <= 137))) and not (ip6[6] == ", wire::kProtoTcp, " and (ip6[", kL4 + 2,
                      ":2] < ", probe::kFlowPortMin, " or ip6[", kL4 + 13, "] & 0x06 == 0)))");
}

}  // namespace

std::string ReplyCaptureFilter(const FamilyAddresses& sources) {
  if (sources.v4 && sources.v6) {
    return absl::StrCat("(", Ipv4Part(*sources.v4), ") or ", Ipv6Part(*sources.v6));
  }
  if (sources.v4) return Ipv4Part(*sources.v4);
  if (sources.v6) return Ipv6Part(*sources.v6);
  return "less 0";  // matches nothing: no packet is shorter than zero bytes
}

}  // namespace cutpoint::capture
