// SPDX-License-Identifier: Apache-2.0
// An immutable longest-prefix-match table from IP addresses to AS annotations (origin
// ASNs, AS name, country, the matched prefix). Built once from any number of sources
// (pfx2as, ip2asn, mmdb) by AsnTableBuilder; the most specific entry covering an address
// wins, across sources. IPv4 and IPv6 are separate tables: an IPv6 entry never annotates
// an IPv4 address, even ::/0.
//
// Lookups allocate nothing and are branch-light: the overlapping entries are flattened at
// build time into sorted disjoint ranges, found by an index on the top 20 bits and a short
// binary search (bench/asn_lookup_bench.cc).
#ifndef CUTPOINT_ENGINE_ASN_ASN_TABLE_H_
#define CUTPOINT_ENGINE_ASN_ASN_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/asn/range_flattener.h"
#include "engine/wire/ip_address.h"

namespace cutpoint::asn {

// What one address matched. Views into the table: valid while the table lives.
struct AsnMatch {
  // Every origin of the entry: a multi-origin prefix (pfx2as "64500_64501") or an AS
  // set ("64500,64501") keeps all of them, in file order. Never empty.
  absl::Span<const uint32_t> asns;
  absl::string_view as_name;  // empty when the source has none (pfx2as)
  absl::string_view country;  // ISO 3166 alpha-2, empty when unknown
  // The source entry that matched: [first, last]. A CIDR prefix has prefix_len >= 0;
  // an ip2asn range that is no CIDR block has prefix_len -1.
  wire::IpAddress first;
  wire::IpAddress last;
  int prefix_len = -1;

  uint32_t asn() const { return asns.front(); }
};

// The matched entry as text: "a.b.c.0/24" for a CIDR block (ip2asn ranges that happen to
// be one are written so too), "a-b" for any other range.
std::string MatchPrefixText(const AsnMatch& match);
// ASNs joined by '_' ("64500_64501"), pfx2as's multi-origin spelling.
std::string AsnListText(absl::Span<const uint32_t> asns);

class AsnTable {
 public:
  AsnTable() = default;
  // Matches point into the table (names, ASN lists): moves keep them valid, copies would
  // not be cheap; so the table only moves.
  AsnTable(AsnTable&&) = default;
  AsnTable& operator=(AsnTable&&) = default;
  AsnTable(const AsnTable&) = delete;
  AsnTable& operator=(const AsnTable&) = delete;

  std::optional<AsnMatch> Lookup(const wire::IpAddress& address) const;

  // Source entries kept after parsing (before flattening), and the disjoint ranges the
  // lookups search (the gaps between entries counted as ranges too).
  size_t entry_count() const { return entries_.size(); }
  size_t range_count() const { return v4_.size() + v6_.size(); }

 private:
  friend class AsnTableBuilder;

  // 64 bytes, one cache line: a lookup touches the bucket table, one search line and this.
  struct alignas(64) Entry {
    wire::Uint128 first = 0;  // in the shared space (IPv4 mapped)
    wire::Uint128 last = 0;
    // One lookup touches one entry: the name and a single origin are held in it, only
    // multi-origin lists live elsewhere (asns_).
    absl::string_view name;   // into names_ (the builder keeps indexes until Build)
    uint32_t asn = 0;         // the first origin
    uint32_t asn_begin = 0;   // into asns_ when asn_count > 1
    uint32_t asn_count = 0;
    char country[2] = {0, 0};
    int16_t prefix_len = -1;
  };

  AsnMatch MakeMatch(uint32_t entry_index) const;

  std::vector<Entry> entries_;
  std::vector<uint32_t> asns_;
  std::vector<std::string> names_;
  RangeIndex<uint32_t> v4_;
  RangeIndex<wire::Uint128> v6_;
};

// Collects entries, then builds the table. On equal ranges (the same prefix in two
// sources) the entry added first wins; otherwise the narrower range wins.
class AsnTableBuilder {
 public:
  AsnTableBuilder();

  // base/len: any host bits are ignored. `asns` must not be empty. The address family
  // of `base` says which table (an IPv4 address takes len 0-32).
  void AddPrefix(const wire::IpAddress& base, int len, absl::Span<const uint32_t> asns,
                 absl::string_view as_name, absl::string_view country);
  // first <= last, same family.
  void AddRange(const wire::IpAddress& first, const wire::IpAddress& last,
                absl::Span<const uint32_t> asns, absl::string_view as_name,
                absl::string_view country);

  size_t entry_count() const { return table_.entries_.size(); }

  AsnTable Build() &&;

 private:
  void Add(wire::Uint128 first, wire::Uint128 last, int prefix_len,
           absl::Span<const uint32_t> asns, absl::string_view as_name,
           absl::string_view country);
  uint32_t InternName(absl::string_view name);

  AsnTable table_;
  absl::flat_hash_map<std::string, uint32_t> name_ids_;
  std::vector<uint32_t> name_indexes_;  // per entry, into table_.names_
};

}  // namespace cutpoint::asn

#endif  // CUTPOINT_ENGINE_ASN_ASN_TABLE_H_
