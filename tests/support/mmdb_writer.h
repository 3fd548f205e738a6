// SPDX-License-Identifier: Apache-2.0
// A test-only writer of MaxMind DB v2 files (the public "MaxMind DB File Format
// Specification"), enough for ASN databases: a binary search tree with 24-bit records, the
// 16-byte zero separator, a data section of maps {autonomous_system_number,
// autonomous_system_organization}, and the metadata after "\xAB\xCD\xEFMaxMind.com".
// Lets tests build the databases they read instead of shipping binary fixtures.
// Header-only, no gtest.
#ifndef CUTPOINT_TESTS_SUPPORT_MMDB_WRITER_H_
#define CUTPOINT_TESTS_SUPPORT_MMDB_WRITER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/wire/ip_address.h"

namespace cutpoint::test_support {

struct MmdbNetwork {
  // An IPv4 address sits at ::a.b.c.d in an IPv6 tree (MaxMind's layout), len + 96.
  wire::IpAddress base;
  int len = 0;  // in the address's own family
  uint32_t asn = 0;
  std::string organization;
};

namespace mmdb_internal {

inline void PutSize(std::string& out, int type, size_t size) {
  const int type_bits = type <= 7 ? type : 0;
  auto control = [&](int size_bits) {
    out.push_back(static_cast<char>((type_bits << 5) | size_bits));
    if (type > 7) out.push_back(static_cast<char>(type - 7));
  };
  if (size < 29) {
    control(static_cast<int>(size));
  } else if (size < 29 + 256) {
    control(29);
    out.push_back(static_cast<char>(size - 29));
  } else {
    control(30);
    const size_t rest = size - 285;
    out.push_back(static_cast<char>(rest >> 8));
    out.push_back(static_cast<char>(rest));
  }
}

inline void PutUint(std::string& out, int type, uint64_t value) {
  std::string bytes;
  for (uint64_t rest = value; rest != 0; rest >>= 8) bytes.insert(bytes.begin(), static_cast<char>(rest));
  PutSize(out, type, bytes.size());
  out += bytes;
}

inline void PutString(std::string& out, const std::string& text) {
  PutSize(out, 2, text.size());
  out += text;
}

}  // namespace mmdb_internal

// The file's bytes. `networks` must not overlap (a tree record holds one thing);
// ip_version 6 (IPv4 and IPv6 networks) or 4 (IPv4 only). Every record must fit 24 bits
// (nodes + 16 + data bytes < 2^24: some 100 k networks); past that the result is "".
inline std::string MakeMmdb(const std::vector<MmdbNetwork>& networks, int ip_version = 6) {
  using mmdb_internal::PutSize;
  using mmdb_internal::PutString;
  using mmdb_internal::PutUint;
  const int bits = ip_version == 6 ? 128 : 32;
  // A record: -1 empty, >= 0 a node, <= -2 data item -(record + 2).
  std::vector<std::array<int64_t, 2>> nodes(1, {-1, -1});
  std::string data;
  for (const MmdbNetwork& network : networks) {
    const int len = network.base.is_v4() ? network.len + bits - 32 : network.len;
    const wire::Uint128 value = network.base.is_v4() ? network.base.v4() : network.base.value();
    const int64_t data_item = -2 - static_cast<int64_t>(data.size());
    // {"autonomous_system_number": uint32, "autonomous_system_organization": string}
    PutSize(data, 7, 2);
    PutString(data, "autonomous_system_number");
    PutUint(data, 6, network.asn);
    PutString(data, "autonomous_system_organization");
    PutString(data, network.organization);
    size_t node = 0;
    for (int depth = 0; depth < len; ++depth) {
      const int bit = static_cast<int>((value >> (bits - 1 - depth)) & 1);
      if (depth == len - 1) {
        nodes[node][bit] = data_item;
      } else {
        if (nodes[node][bit] < 0) {
          nodes[node][bit] = static_cast<int64_t>(nodes.size());
          nodes.push_back({-1, -1});
        }
        node = static_cast<size_t>(nodes[node][bit]);
      }
    }
  }
  const uint64_t node_count = nodes.size();
  std::string out;
  for (const auto& node : nodes) {
    for (int64_t record : node) {
      uint64_t encoded = record >= 0    ? static_cast<uint64_t>(record)
                         : record == -1 ? node_count
                                        : node_count + 16 + static_cast<uint64_t>(-(record + 2));
      if (encoded >= (uint64_t{1} << 24)) return "";
      out.push_back(static_cast<char>(encoded >> 16));
      out.push_back(static_cast<char>(encoded >> 8));
      out.push_back(static_cast<char>(encoded));
    }
  }
  out.append(16, '\0');
  out += data;
  out += "\xAB\xCD\xEFMaxMind.com";
  PutSize(out, 7, 9);
  PutString(out, "binary_format_major_version");
  PutUint(out, 5, 2);
  PutString(out, "binary_format_minor_version");
  PutUint(out, 5, 0);
  PutString(out, "build_epoch");
  PutUint(out, 9, 1764547200);
  PutString(out, "database_type");
  PutString(out, "GeoLite2-ASN");
  PutString(out, "description");
  PutSize(out, 7, 1);
  PutString(out, "en");
  PutString(out, "Cutpoint test ASN database");
  PutString(out, "ip_version");
  PutUint(out, 5, static_cast<uint64_t>(ip_version));
  PutString(out, "languages");
  PutSize(out, 11, 1);
  PutString(out, "en");
  PutString(out, "node_count");
  PutUint(out, 6, node_count);
  PutString(out, "record_size");
  PutUint(out, 5, 24);
  return out;
}

}  // namespace cutpoint::test_support

#endif  // CUTPOINT_TESTS_SUPPORT_MMDB_WRITER_H_
