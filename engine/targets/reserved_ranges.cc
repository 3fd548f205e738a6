#include "engine/targets/reserved_ranges.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace cutpoint::targets {
namespace {

constexpr uint32_t Addr(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}
constexpr Ipv4Range Prefix(uint32_t first, int len) {
  return Ipv4Range{first, first | (len == 0 ? ~0u : len == 32 ? 0u : ~0u >> len)};
}

constexpr std::array kReserved = {
    ReservedRange{Prefix(Addr(0, 0, 0, 0), 8), "this network, RFC 791"},
    ReservedRange{Prefix(Addr(10, 0, 0, 0), 8), "private, RFC 1918"},
    ReservedRange{Prefix(Addr(100, 64, 0, 0), 10), "shared address space, RFC 6598"},
    ReservedRange{Prefix(Addr(127, 0, 0, 0), 8), "loopback, RFC 1122"},
    ReservedRange{Prefix(Addr(169, 254, 0, 0), 16), "link-local, RFC 3927"},
    ReservedRange{Prefix(Addr(172, 16, 0, 0), 12), "private, RFC 1918"},
    ReservedRange{Prefix(Addr(192, 0, 0, 0), 24), "IETF protocol assignments, RFC 6890"},
    ReservedRange{Prefix(Addr(192, 0, 2, 0), 24), "documentation TEST-NET-1, RFC 5737"},
    ReservedRange{Prefix(Addr(192, 31, 196, 0), 24), "AS112-v4, RFC 7535"},
    ReservedRange{Prefix(Addr(192, 52, 193, 0), 24), "AMT, RFC 7450"},
    ReservedRange{Prefix(Addr(192, 88, 99, 0), 24), "deprecated 6to4 relay anycast, RFC 7526"},
    ReservedRange{Prefix(Addr(192, 168, 0, 0), 16), "private, RFC 1918"},
    ReservedRange{Prefix(Addr(192, 175, 48, 0), 24), "direct delegation AS112, RFC 7534"},
    ReservedRange{Prefix(Addr(198, 18, 0, 0), 15), "benchmarking, RFC 2544"},
    ReservedRange{Prefix(Addr(198, 51, 100, 0), 24), "documentation TEST-NET-2, RFC 5737"},
    ReservedRange{Prefix(Addr(203, 0, 113, 0), 24), "documentation TEST-NET-3, RFC 5737"},
    ReservedRange{Prefix(Addr(224, 0, 0, 0), 4), "multicast, RFC 5771"},
    ReservedRange{Prefix(Addr(240, 0, 0, 0), 4), "reserved for future use, RFC 1112"},
    ReservedRange{Prefix(Addr(255, 255, 255, 255), 32), "limited broadcast, RFC 919"},
};

}  // namespace

std::span<const ReservedRange> ReservedRanges() { return kReserved; }

absl::Status CheckNoReservedTargets(const TargetSet& targets) {
  for (const Ipv4Range& target : targets.ranges()) {
    for (const ReservedRange& reserved : kReserved) {
      if (target.first <= reserved.range.last && reserved.range.first <= target.last) {
        return absl::PermissionDeniedError(absl::StrCat(
            "target range ", FormatRange(target), " overlaps reserved range ",
            FormatRange(reserved.range), " (", reserved.name,
            "); pass --allow-reserved to probe it deliberately"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace cutpoint::targets
