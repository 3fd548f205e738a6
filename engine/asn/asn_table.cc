// SPDX-License-Identifier: Apache-2.0
#include "engine/asn/asn_table.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cutpoint::asn {
namespace {

using wire::IpAddress;
using wire::Uint128;

// IPv4 entries live in the mapped block of the shared space; their table keys are the
// bare 32-bit values.
Uint128 PrefixMask(int len, int bits) {
  if (len <= 0) return 0;
  const Uint128 all = ~static_cast<Uint128>(0);
  const Uint128 host = len >= 128 ? 0 : (all >> len);
  const Uint128 family_mask = bits == 128 ? all : ((static_cast<Uint128>(1) << bits) - 1);
  return ~(host >> (128 - bits)) & family_mask;
}

}  // namespace

std::string AsnListText(absl::Span<const uint32_t> asns) { return absl::StrJoin(asns, "_"); }

std::string MatchPrefixText(const AsnMatch& match) {
  if (match.prefix_len >= 0) {
    return absl::StrCat(wire::IpAddressToString(match.first), "/", match.prefix_len);
  }
  return absl::StrCat(wire::IpAddressToString(match.first), "-",
                      wire::IpAddressToString(match.last));
}

AsnMatch AsnTable::MakeMatch(uint32_t entry_index) const {
  const Entry& entry = entries_[entry_index];
  AsnMatch match;
  match.asns = entry.asn_count == 1
                   ? absl::MakeConstSpan(&entry.asn, 1)
                   : absl::MakeConstSpan(asns_.data() + entry.asn_begin, entry.asn_count);
  match.as_name = entry.name;
  match.country = entry.country[0] == 0 ? absl::string_view()
                                        : absl::string_view(entry.country, 2);
  match.first = IpAddress::FromValue(entry.first);
  match.last = IpAddress::FromValue(entry.last);
  match.prefix_len = entry.prefix_len;
  return match;
}

std::optional<AsnMatch> AsnTable::Lookup(const IpAddress& address) const {
  const uint32_t index = address.is_v4() ? v4_.Find(address.v4()) : v6_.Find(address.value());
  if (index == RangeIndex<uint32_t>::kNone) return std::nullopt;
  return MakeMatch(index);
}

AsnTableBuilder::AsnTableBuilder() {
  table_.names_.emplace_back();
  name_ids_.emplace("", 0);
}

uint32_t AsnTableBuilder::InternName(absl::string_view name) {
  auto [it, inserted] =
      name_ids_.try_emplace(std::string(name), static_cast<uint32_t>(table_.names_.size()));
  if (inserted) table_.names_.emplace_back(name);
  return it->second;
}

void AsnTableBuilder::Add(Uint128 first, Uint128 last, int prefix_len,
                          absl::Span<const uint32_t> asns, absl::string_view as_name,
                          absl::string_view country) {
  AsnTable::Entry entry;
  entry.first = first;
  entry.last = last;
  entry.prefix_len = static_cast<int16_t>(prefix_len);
  entry.asn = asns.front();
  entry.asn_count = static_cast<uint32_t>(asns.size());
  if (asns.size() > 1) {
    entry.asn_begin = static_cast<uint32_t>(table_.asns_.size());
    table_.asns_.insert(table_.asns_.end(), asns.begin(), asns.end());
  }
  name_indexes_.push_back(InternName(as_name));
  if (country.size() == 2) {
    entry.country[0] = country[0];
    entry.country[1] = country[1];
  }
  table_.entries_.push_back(entry);
}

void AsnTableBuilder::AddPrefix(const IpAddress& base, int len, absl::Span<const uint32_t> asns,
                                absl::string_view as_name, absl::string_view country) {
  const bool v4 = base.is_v4();
  const int bits = v4 ? 32 : 128;
  const Uint128 value = v4 ? base.v4() : base.value();
  const Uint128 mask = PrefixMask(len, bits);
  const Uint128 family_all = v4 ? Uint128{0xffffffffu} : ~static_cast<Uint128>(0);
  const Uint128 first = value & mask;
  const Uint128 last = first | (family_all & ~mask);
  const Uint128 offset = v4 ? wire::kV4MappedBase : 0;
  Add(first | offset, last | offset, len, asns, as_name, country);
}

void AsnTableBuilder::AddRange(const IpAddress& first, const IpAddress& last,
                               absl::Span<const uint32_t> asns, absl::string_view as_name,
                               absl::string_view country) {
  // A range that is exactly one CIDR block is reported as that block.
  const Uint128 span = last.value() - first.value();
  int prefix_len = -1;
  if ((span & (span + 1)) == 0 && (first.value() & span) == 0) {
    int host_bits = 0;
    for (Uint128 rest = span; rest != 0; rest >>= 1) ++host_bits;
    prefix_len = (first.is_v4() ? 32 : 128) - host_bits;
    if (prefix_len < 0) prefix_len = -1;
  }
  Add(first.value(), last.value(), prefix_len, asns, as_name, country);
}

AsnTable AsnTableBuilder::Build() && {
  std::vector<ValueRange> v4;
  std::vector<ValueRange> v6;
  auto& entries = table_.entries_;
  for (uint32_t i = 0; i < entries.size(); ++i) {
    // names_ no longer grows: its strings stay put from here on, moves included.
    entries[i].name = table_.names_[name_indexes_[i]];
    const IpAddress first = IpAddress::FromValue(entries[i].first);
    if (first.is_v4()) {
      v4.push_back({entries[i].first - wire::kV4MappedBase,
                    entries[i].last - wire::kV4MappedBase, i});
    } else {
      v6.push_back({entries[i].first, entries[i].last, i});
    }
  }
  table_.v4_ = RangeIndex<uint32_t>(FlattenRanges(std::move(v4)));
  table_.v6_ = RangeIndex<Uint128>(FlattenRanges(std::move(v6)));
  name_ids_.clear();
  name_indexes_.clear();
  return std::move(table_);
}

}  // namespace cutpoint::asn
