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
constexpr Ipv4Range Prefix(uint32_t first, int len) {
  return Ipv4Range{first, first | (len == 0 ? ~0u : len == 32 ? 0u : ~0u >> len)};
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
};

bool Overlaps(const Ipv4Range& a, const Ipv4Range& b) {
  return a.first <= b.last && b.first <= a.last;
}
bool Inside(const Ipv4Range& inner, const Ipv4Range& outer) {
  return outer.first <= inner.first && inner.last <= outer.last;
}

std::string Describe(const ReservedRange& reserved) {
  return absl::StrCat(FormatRange(reserved.range), " (", reserved.name,
                      reserved.unlockable ? "" : "; never probed", ")");
}

absl::Status CheckAllowedPrefix(absl::string_view item, const Ipv4Range& range) {
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
Ipv4Range RangeHolding(const TargetSet& targets, uint32_t address) {
  for (const Ipv4Range& range : targets.ranges()) {
    if (range.first <= address && address <= range.last) return range;
  }
  return {address, address};
}

}  // namespace

std::span<const ReservedRange> ReservedRanges() { return kReserved; }

TargetSet ReservedSet() {
  std::vector<Ipv4Range> ranges;
  for (const ReservedRange& reserved : kReserved) ranges.push_back(reserved.range);
  return TargetSet::FromRanges(std::move(ranges));
}

absl::StatusOr<TargetSet> ParseAllowedReserved(std::span<const std::string> values) {
  std::vector<Ipv4Range> allowed;
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
      absl::StatusOr<Ipv4Range> range = ParseTargetSpec(item);
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
    Ipv4Range target;
  };
  std::vector<Overlap> overlaps;
  for (const ReservedRange& reserved : kReserved) {
    TargetSet inside = targets.Intersect(TargetSet::FromRanges({reserved.range}));
    if (reserved.unlockable) inside = inside.Subtract(allowed);
    if (inside.empty()) continue;
    overlaps.push_back({&reserved, RangeHolding(targets, inside.ranges().front().first)});
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
