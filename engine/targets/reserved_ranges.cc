// SPDX-License-Identifier: Apache-2.0
#include "engine/targets/reserved_ranges.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/base/status_macros.h"

namespace cutpoint::targets {
namespace {

constexpr uint32_t Addr(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}
constexpr IpRange Prefix(uint32_t first, int len) {
  return IpRange::V4(first, first | (len == 0 ? ~0u : len == 32 ? 0u : ~0u >> len));
}
// An IPv6 prefix from its top 64 bits (every registry entry but ::/128, ::1/128 and
// ::ffff:0:0/96 has a zero low half) and its length.
constexpr IpRange Prefix6(uint64_t high, uint64_t low, int len) {
  const Uint128 first = (Uint128{high} << 64) | low;
  const Uint128 host_mask = len == 128 ? 0 : (Uint128{1} << (128 - len)) - 1;
  return IpRange{IpAddress::FromValue(first), IpAddress::FromValue(first | host_mask)};
}

constexpr bool kNever = false;

constexpr std::array kReserved = {
    ReservedRange{Prefix(Addr(0, 0, 0, 0), 8), "this network, RFC 791", kNever},
    ReservedRange{Prefix(Addr(10, 0, 0, 0), 8), "private, RFC 1918"},
    ReservedRange{Prefix(Addr(100, 64, 0, 0), 10), "shared address space, RFC 6598"},
    ReservedRange{Prefix(Addr(127, 0, 0, 0), 8), "loopback, RFC 1122", kNever},
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
    ReservedRange{Prefix(Addr(224, 0, 0, 0), 4), "multicast, RFC 5771", kNever},
    ReservedRange{Prefix(Addr(240, 0, 0, 0), 4), "reserved for future use, RFC 1112", kNever},
    ReservedRange{Prefix(Addr(255, 255, 255, 255), 32), "limited broadcast, RFC 919", kNever},
    // The IANA IPv6 special-purpose address registry, plus multicast. A block that holds
    // more specific entries (2001::/23) comes before them.
    ReservedRange{Prefix6(0, 0, 128), "unspecified address, RFC 4291", kNever},
    ReservedRange{Prefix6(0, 1, 128), "loopback, RFC 4291", kNever},
    // ::ffff:0:0/96 (IPv4-mapped) is where IPv4 targets live in the shared space; the
    // parser refuses it in IPv6 form (engine/wire/ip_address.h, ParseTargetSpec).
    ReservedRange{Prefix6(0x0064ff9b00000000ull, 0, 96), "IPv4/IPv6 translation, RFC 6052"},
    ReservedRange{Prefix6(0x0064ff9b00010000ull, 0, 48),
                  "local-use IPv4/IPv6 translation, RFC 8215"},
    ReservedRange{Prefix6(0x0100000000000000ull, 0, 64), "discard-only, RFC 6666"},
    ReservedRange{Prefix6(0x0100000000000001ull, 0, 64), "dummy IPv6 prefix, RFC 9780"},
    ReservedRange{Prefix6(0x2001000000000000ull, 0, 23), "IETF protocol assignments, RFC 2928"},
    ReservedRange{Prefix6(0x2001000000000000ull, 0, 32), "Teredo, RFC 4380"},
    ReservedRange{Prefix6(0x2001000100000000ull, 0, 64), "PCP/TURN/DNS-SD anycast, RFC 7723"},
    ReservedRange{Prefix6(0x2001000200000000ull, 0, 48), "benchmarking, RFC 5180"},
    ReservedRange{Prefix6(0x2001000300000000ull, 0, 32), "AMT, RFC 7450"},
    ReservedRange{Prefix6(0x2001000401120000ull, 0, 48), "AS112-v6, RFC 7535"},
    ReservedRange{Prefix6(0x2001001000000000ull, 0, 28), "deprecated ORCHID, RFC 4843"},
    ReservedRange{Prefix6(0x2001002000000000ull, 0, 28), "ORCHIDv2, RFC 7343"},
    ReservedRange{Prefix6(0x2001003000000000ull, 0, 28), "drone remote ID, RFC 9374"},
    ReservedRange{Prefix6(0x20010db800000000ull, 0, 32), "documentation, RFC 3849"},
    ReservedRange{Prefix6(0x2002000000000000ull, 0, 16), "6to4, RFC 3056"},
    ReservedRange{Prefix6(0x2620004f80000000ull, 0, 48), "direct delegation AS112, RFC 7534"},
    ReservedRange{Prefix6(0x3fff000000000000ull, 0, 20), "documentation, RFC 9637"},
    ReservedRange{Prefix6(0x5f00000000000000ull, 0, 16), "segment routing SIDs, RFC 9602"},
    ReservedRange{Prefix6(0xfc00000000000000ull, 0, 7), "unique local, RFC 4193"},
    ReservedRange{Prefix6(0xfe80000000000000ull, 0, 10), "link-local, RFC 4291"},
    ReservedRange{Prefix6(0xff00000000000000ull, 0, 8), "multicast, RFC 4291", kNever},
};

bool Overlaps(const IpRange& a, const IpRange& b) { return a.first <= b.last && b.first <= a.last; }
bool Inside(const IpRange& inner, const IpRange& outer) {
  return outer.first <= inner.first && inner.last <= outer.last;
}

std::string Describe(const ReservedRange& reserved) {
  return absl::StrCat(FormatRange(reserved.range), " (", reserved.name,
                      reserved.unlockable ? "" : "; never probed", ")");
}

absl::Status CheckAllowedPrefix(absl::string_view item, const IpRange& range) {
  const ReservedRange* holder = nullptr;
  const ReservedRange* overlapped = nullptr;
  for (const ReservedRange& reserved : kReserved) {
    if (!Overlaps(range, reserved.range)) continue;
    if (!reserved.unlockable) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allow-reserved ", item, ": ", FormatRange(reserved.range), " (",
                       reserved.name, ") is never probed; --allow-reserved cannot unlock it"));
    }
    if (overlapped == nullptr) overlapped = &reserved;
    if (Inside(range, reserved.range)) holder = &reserved;
  }
  if (holder != nullptr) return absl::OkStatus();
  if (overlapped != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--allow-reserved ", item, " reaches beyond reserved range ",
                     Describe(*overlapped), "; name that range or a prefix inside it"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--allow-reserved ", item,
                   " is not a reserved range (only IANA special-purpose prefixes need unlocking)"));
}

// The target range that holds `address` (which is in `targets`).
IpRange RangeHolding(const TargetSet& targets, const IpAddress& address) {
  return targets.RangeHolding(address).value_or(IpRange{address, address});
}

// True when a more specific registry entry inside `outer` holds every target of `targets`
// in `refused` (the part of `outer` not allowed): targets in 2001:2::/48 are named as
// benchmarking, not as IETF protocol assignments.
bool ExplainedByInnerEntry(const ReservedRange& outer, const TargetSet& targets,
                           const TargetSet& refused) {
  for (const ReservedRange& inner : kReserved) {
    if (&inner == &outer || inner.range == outer.range || !Inside(inner.range, outer.range)) {
      continue;
    }
    if (!targets.FirstOverlap(refused.Subtract(TargetSet::FromRanges({inner.range})))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::span<const ReservedRange> ReservedRanges() { return kReserved; }

TargetSet ReservedSet() {
  std::vector<IpRange> ranges;
  for (const ReservedRange& reserved : kReserved) ranges.push_back(reserved.range);
  return TargetSet::FromRanges(std::move(ranges));
}

TargetSet UnlockableReservedSet() {
  std::vector<IpRange> unlockable, never;
  for (const ReservedRange& reserved : kReserved) {
    (reserved.unlockable ? unlockable : never).push_back(reserved.range);
  }
  return TargetSet::FromRanges(std::move(unlockable))
      .Subtract(TargetSet::FromRanges(std::move(never)));
}

absl::StatusOr<TargetSet> ParseAllowedReserved(std::span<const std::string> values) {
  std::vector<IpRange> allowed;
  for (const std::string& value : values) {
    // The flag used to take no value: "--allow-reserved --ttl 1-5" must not read "--ttl".
    if (value.empty() || value[0] == '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "--allow-reserved needs the reserved prefixes to unlock, e.g. --allow-reserved "
          "198.18.0.0/15",
          value.empty() ? "" : absl::StrCat(" (got '", value, "')")));
    }
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      item = absl::StripAsciiWhitespace(item);
      absl::StatusOr<IpRange> range = ParseTargetSpec(item);
      if (!range.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--allow-reserved '", value, "': ", range.status().message()));
      }
      RETURN_IF_ERROR(CheckAllowedPrefix(item, *range));
      allowed.push_back(*range);
    }
  }
  return TargetSet::FromRanges(std::move(allowed));
}

absl::Status CheckReservedTargets(const TargetSet& targets, const TargetSet& allowed) {
  struct Overlap {
    const ReservedRange* reserved;
    IpRange target;
  };
  std::vector<Overlap> overlaps;
  for (const ReservedRange& reserved : kReserved) {
    // Only the small sets are built: a hitlist of millions is searched, never copied.
    TargetSet refused = TargetSet::FromRanges({reserved.range});
    if (reserved.unlockable) refused = refused.Subtract(allowed);
    std::optional<IpAddress> first = targets.FirstOverlap(refused);
    if (!first || ExplainedByInnerEntry(reserved, targets, refused)) continue;
    overlaps.push_back({&reserved, RangeHolding(targets, *first)});
  }
  if (overlaps.empty()) return absl::OkStatus();

  // One message for all of them: fixing one range per run is the trap this avoids.
  std::string message;
  bool any_unlockable = false;
  bool any_never = false;
  for (size_t i = 0; i < overlaps.size(); ++i) {
    const Overlap& overlap = overlaps[i];
    any_unlockable |= overlap.reserved->unlockable;
    any_never |= !overlap.reserved->unlockable;
    if (i == 0 || !(overlap.target == overlaps[i - 1].target)) {
      size_t group = 1;
      while (i + group < overlaps.size() && overlaps[i + group].target == overlap.target) ++group;
      absl::StrAppend(&message, i == 0 ? "" : "; ", "target range ", FormatRange(overlap.target),
                      " overlaps reserved range", group > 1 ? "s " : " ");
    } else {
      absl::StrAppend(&message, ", ");
    }
    absl::StrAppend(&message, Describe(*overlap.reserved));
  }
  if (overlaps.size() == 1) {
    const ReservedRange& reserved = *overlaps.front().reserved;
    if (reserved.unlockable) {
      absl::StrAppend(&message, "; pass --allow-reserved ", FormatRange(reserved.range),
                      " (or a prefix inside it) to probe it deliberately, or --skip-reserved to "
                      "leave it out");
    } else {
      absl::StrAppend(&message,
                      "; --allow-reserved cannot unlock it: pass --skip-reserved to "
                      "leave it out");
    }
  } else {
    absl::StrAppend(&message, "; pass --skip-reserved to leave them out");
    if (any_unlockable) {
      absl::StrAppend(&message,
                      ", or --allow-reserved PREFIX[,PREFIX...] to probe them "
                      "deliberately",
                      any_never ? " (except those never probed)" : "");
    }
  }
  return absl::PermissionDeniedError(message);
}

}  // namespace cutpoint::targets
