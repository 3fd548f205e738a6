// SPDX-License-Identifier: Apache-2.0
#include "capture/send/neighbor_lookup.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <bit>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "capture/send/netlink_socket.h"
#include "engine/base/status_macros.h"
#include "engine/wire/ipv4_address.h"

namespace cutpoint::capture {
namespace {

// /proc/net/route flags (linux/route.h).
constexpr uint32_t kRtfUp = 0x0001;
constexpr uint32_t kRtfGateway = 0x0002;
constexpr uint32_t kRtfReject = 0x0200;
// /proc/net/arp flags (linux/if_arp.h).
constexpr uint32_t kAtfCom = 0x02;
// "aa:bb:cc:dd:ee:ff": two hex digits per byte, a colon between bytes.
constexpr size_t kMacTextLen = 3 * wire::kMacLen - 1;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A whole field of hex digits, with an optional "0x" prefix.
bool ParseHex32(absl::string_view field, uint32_t* out) {
  if (field.size() > 2 && field[0] == '0' && (field[1] == 'x' || field[1] == 'X')) {
    field.remove_prefix(2);
  }
  if (field.empty() || field.size() > 8) return false;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), *out, 16);
  return error == std::errc() && end == field.data() + field.size();
}

bool ParseDec(absl::string_view field, uint32_t* out) {
  if (field.empty()) return false;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), *out, 10);
  return error == std::errc() && end == field.data() + field.size();
}

std::vector<absl::string_view> Fields(absl::string_view line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

absl::StatusOr<std::string> ReadFile(const char* path) {
  std::ifstream in(path);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<MacAddress> ParseMac(absl::string_view text) {
  MacAddress mac{};
  bool good = text.size() == kMacTextLen;
  for (size_t i = 0; good && i < mac.size(); ++i) {
    int high = HexDigit(text[3 * i]);
    int low = HexDigit(text[3 * i + 1]);
    if (high < 0 || low < 0 || (i + 1 < mac.size() && text[3 * i + 2] != ':')) {
      good = false;
      break;
    }
    mac[i] = static_cast<uint8_t>(high << 4 | low);
  }
  if (!good) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid MAC address '", text, "' (expected aa:bb:cc:dd:ee:ff)"));
  }
  return mac;
}

std::string FormatMac(const MacAddress& mac) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(kMacTextLen);
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i > 0) text.push_back(':');
    text.push_back(kDigits[mac[i] >> 4]);
    text.push_back(kDigits[mac[i] & 0xf]);
  }
  return text;
}

absl::StatusOr<RouteChoice> NextHopFromRouteTable(absl::string_view route_table,
                                                  uint32_t destination,
                                                  const std::string& interface) {
  // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT; the addresses
  // are the kernel's big-endian words printed as native integers ("%08X").
  bool found = false;
  RouteChoice best;
  uint32_t best_metric = 0;
  for (absl::string_view line : absl::StrSplit(route_table, '\n')) {
    std::vector<absl::string_view> fields = Fields(line);
    if (fields.size() < 8 || fields[0] != interface) continue;
    uint32_t raw_destination, raw_gateway, flags, metric, raw_mask;
    if (!ParseHex32(fields[1], &raw_destination) || !ParseHex32(fields[2], &raw_gateway) ||
        !ParseHex32(fields[3], &flags) || !ParseDec(fields[6], &metric) ||
        !ParseHex32(fields[7], &raw_mask)) {
      continue;  // the header line, or something this parser does not understand
    }
    if ((flags & kRtfUp) == 0 || (flags & kRtfReject) != 0) continue;
    uint32_t network = ntohl(raw_destination);
    uint32_t mask = ntohl(raw_mask);
    if (std::countl_one(mask) + std::countr_zero(mask) != 32 && mask != 0) continue;
    if ((destination & mask) != (network & mask)) continue;
    int prefix_len = std::popcount(mask);
    if (found && (prefix_len < best.prefix_len ||
                  (prefix_len == best.prefix_len && metric >= best_metric))) {
      continue;
    }
    found = true;
    best_metric = metric;
    best.prefix_len = prefix_len;
    best.via_gateway = (flags & kRtfGateway) != 0 && raw_gateway != 0;
    best.next_hop = best.via_gateway ? ntohl(raw_gateway) : destination;
  }
  if (!found) {
    return absl::NotFoundError(absl::StrCat("no route to ", wire::Ipv4ToString(destination),
                                            " on interface '", interface, "'"));
  }
  return best;
}

absl::StatusOr<MacAddress> MacFromArpTable(absl::string_view arp_table, uint32_t address,
                                           const std::string& interface) {
  // IP address, HW type, Flags, HW address, Mask, Device.
  bool incomplete = false;
  for (absl::string_view line : absl::StrSplit(arp_table, '\n')) {
    std::vector<absl::string_view> fields = Fields(line);
    if (fields.size() < 6 || fields[5] != interface) continue;
    std::optional<uint32_t> entry_address = wire::ParseIpv4(fields[0]);
    uint32_t flags;
    if (entry_address != address || !ParseHex32(fields[2], &flags)) continue;
    absl::StatusOr<MacAddress> mac = ParseMac(fields[3]);
    if ((flags & kAtfCom) == 0 || !mac.ok() || *mac == MacAddress{}) {
      incomplete = true;
      continue;
    }
    return *mac;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the MAC address of next hop ", wire::Ipv4ToString(address), " on ", interface, " is ",
      incomplete ? "not resolved (incomplete ARP entry)" : "not in the ARP table",
      "; cutpoint sends no ARP itself: pass --gateway-mac aa:bb:cc:dd:ee:ff "
      "(see `ip neigh show dev ",
      interface, "`, or ping the next hop once)"));
}

absl::StatusOr<NextHop> ResolveNextHopFromTables(absl::string_view route_table,
                                                 absl::string_view arp_table, uint32_t destination,
                                                 const std::string& interface) {
  ASSIGN_OR_RETURN(RouteChoice route, NextHopFromRouteTable(route_table, destination, interface));
  NextHop hop;
  ASSIGN_OR_RETURN(hop.mac, MacFromArpTable(arp_table, route.next_hop, interface));
  hop.address = wire::IpAddress::V4(route.next_hop);
  hop.via_gateway = route.via_gateway;
  hop.interface = interface;
  return hop;
}

absl::StatusOr<NextHop> ResolveNextHopV6FromTables(const NetlinkRoute& route,
                                                   std::span<const NetlinkNeighbor> neighbors,
                                                   const wire::IpAddress& destination, int ifindex,
                                                   const std::string& interface) {
  if (route.type != RTN_UNICAST || route.oif != ifindex) {
    return absl::NotFoundError(absl::StrCat("no route to ", wire::IpAddressToString(destination),
                                            " on interface '", interface, "'"));
  }
  NextHop hop;
  hop.via_gateway = route.gateway.has_value();
  hop.address = route.gateway.value_or(destination);
  hop.interface = interface;
  bool listed = false;
  for (const NetlinkNeighbor& entry : neighbors) {
    if (entry.ifindex != ifindex || entry.address != hop.address) continue;
    listed = true;
    if (NeighborUsable(entry.state) && entry.lladdr && *entry.lladdr != MacAddress{}) {
      hop.mac = *entry.lladdr;
      return hop;
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the MAC address of next hop ", wire::IpAddressToString(hop.address), " on ",
                   interface, " is ",
                   listed ? "not resolved (incomplete or failed neighbour entry)"
                          : "not in the IPv6 neighbour table",
                   "; cutpoint sends no neighbour solicitation itself: pass --gateway-mac "
                   "aa:bb:cc:dd:ee:ff (see `ip -6 neigh show dev ",
                   interface, "`, or ping the next hop once)"));
}

bool NeighborBeingResolved(std::span<const NetlinkNeighbor> neighbors,
                           const wire::IpAddress& address, int ifindex) {
  for (const NetlinkNeighbor& entry : neighbors) {
    if (entry.ifindex == ifindex && entry.address == address && NeighborPending(entry.state)) {
      return true;
    }
  }
  return false;
}

namespace {

// The IPv6 way on the live tables: waits while the kernel resolves the entry.
absl::StatusOr<NextHop> ResolveNextHopV6(const wire::IpAddress& destination,
                                         const std::string& interface, NeighborWait wait) {
  int ifindex = static_cast<int>(if_nametoindex(interface.c_str()));
  if (ifindex == 0) {
    return absl::InvalidArgumentError(absl::StrCat("unknown interface '", interface, "'"));
  }
  absl::StatusOr<NetlinkRoute> route = QueryRoute(destination, ifindex);
  if (!route.ok()) {
    return absl::NotFoundError(absl::StrCat("no route to ", wire::IpAddressToString(destination),
                                            " on interface '", interface,
                                            "': ", route.status().message()));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait.timeout_ms);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<NetlinkNeighbor> neighbors, QueryNeighbors(AF_INET6));
    absl::StatusOr<NextHop> hop =
        ResolveNextHopV6FromTables(*route, neighbors, destination, ifindex, interface);
    wire::IpAddress next = route->gateway.value_or(destination);
    if (hop.ok() || !NeighborBeingResolved(neighbors, next, ifindex) ||
        std::chrono::steady_clock::now() >= deadline) {
      return hop;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait.poll_ms));
  }
}

}  // namespace

absl::StatusOr<NextHop> ResolveNextHop(const wire::IpAddress& destination,
                                       const std::string& interface, NeighborWait wait) {
  if (!destination.is_v4()) return ResolveNextHopV6(destination, interface, wait);
  ASSIGN_OR_RETURN(std::string route_table, ReadFile("/proc/net/route"));
  ASSIGN_OR_RETURN(std::string arp_table, ReadFile("/proc/net/arp"));
  return ResolveNextHopFromTables(route_table, arp_table, destination.v4(), interface);
}

}  // namespace cutpoint::capture
