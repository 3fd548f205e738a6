// SPDX-License-Identifier: Apache-2.0
#include "capture/send/netlink_messages.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include <functional>

#include "absl/strings/str_cat.h"

namespace cutpoint::capture {
namespace {

// Netlink aligns messages and attributes to 4 bytes (NLMSG_ALIGN, RTA_ALIGN).
constexpr size_t Align4(size_t len) { return (len + 3) & ~size_t{3}; }
constexpr size_t kHeaderLen = sizeof(nlmsghdr);
constexpr size_t kAttrHeaderLen = sizeof(rtattr);
constexpr uint16_t kAttrTypeMask = static_cast<uint16_t>(NLA_TYPE_MASK);
// The kernel's NUD_VALID (include/net/neighbour.h, not in the uapi headers).
constexpr uint16_t kNudValid =
    NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;

// Reads a struct from bytes that need not be aligned (canned test bytes).
template <typename T>
bool Load(std::span<const uint8_t> bytes, size_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

void Append(std::vector<uint8_t>* out, const void* data, size_t len) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + len);
  out->resize(Align4(out->size()), 0);
}

void AppendAttr(std::vector<uint8_t>* out, uint16_t type, const void* data, size_t len) {
  rtattr attr{static_cast<unsigned short>(kAttrHeaderLen + len), type};
  Append(out, &attr, kAttrHeaderLen);
  Append(out, data, len);
}

// Header first, its length patched once the body is complete.
std::vector<uint8_t> StartMessage(uint16_t type, uint16_t flags, uint32_t seq) {
  nlmsghdr header{};
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  header.nlmsg_seq = seq;
  std::vector<uint8_t> out;
  Append(&out, &header, kHeaderLen);
  return out;
}

void FinishMessage(std::vector<uint8_t>* out) {
  uint32_t len = static_cast<uint32_t>(out->size());
  memcpy(out->data(), &len, sizeof(len));
}

std::optional<wire::IpAddress> AddressAttr(std::span<const uint8_t> payload) {
  if (payload.size() == 16) return wire::IpAddress::FromV6Bytes(payload.data());
  if (payload.size() == 4) {
    uint32_t network;
    memcpy(&network, payload.data(), 4);
    return wire::IpAddress::V4(ntohl(network));
  }
  return std::nullopt;
}

// Calls visit(type, payload) for each attribute in `bytes`; false when one is malformed.
bool ForEachAttr(std::span<const uint8_t> bytes,
                 const std::function<void(uint16_t, std::span<const uint8_t>)>& visit) {
  size_t offset = 0;
  while (offset + kAttrHeaderLen <= bytes.size()) {
    rtattr attr;
    Load(bytes, offset, &attr);
    if (attr.rta_len < kAttrHeaderLen || attr.rta_len > bytes.size() - offset) return false;
    visit(attr.rta_type & kAttrTypeMask,
          bytes.subspan(offset + kAttrHeaderLen, attr.rta_len - kAttrHeaderLen));
    offset += Align4(attr.rta_len);
  }
  return true;
}

// One message of a datagram: its header and the payload after it.
struct Message {
  nlmsghdr header;
  std::span<const uint8_t> payload;
};

// Splits a datagram into messages; false when a length is inconsistent.
bool SplitMessages(std::span<const uint8_t> datagram, std::vector<Message>* out) {
  size_t offset = 0;
  while (offset + kHeaderLen <= datagram.size()) {
    Message message;
    Load(datagram, offset, &message.header);
    uint32_t len = message.header.nlmsg_len;
    if (len < kHeaderLen || len > datagram.size() - offset) return false;
    message.payload = datagram.subspan(offset + kHeaderLen, len - kHeaderLen);
    out->push_back(message);
    offset += Align4(len);
  }
  return offset >= datagram.size();
}

// NLMSG_ERROR: OkStatus for an ACK (error 0), else the errno's text.
absl::Status ErrorMessage(const Message& message) {
  int32_t error = 0;
  if (!Load(message.payload, 0, &error)) return absl::InternalError("netlink: short NLMSG_ERROR");
  if (error == 0) return absl::OkStatus();
  return absl::UnavailableError(strerror(-error));
}

// RTA_MULTIPATH: the first next hop's interface and gateway, when the route gave none.
void FirstNexthop(std::span<const uint8_t> payload, NetlinkRoute* route) {
  rtnexthop hop;
  if (!Load(payload, 0, &hop) || hop.rtnh_len < sizeof(hop) || hop.rtnh_len > payload.size()) {
    return;
  }
  if (route->oif == 0) route->oif = hop.rtnh_ifindex;
  ForEachAttr(payload.subspan(sizeof(hop), hop.rtnh_len - sizeof(hop)),
              [&](uint16_t type, std::span<const uint8_t> value) {
                if (type == RTA_GATEWAY && !route->gateway) route->gateway = AddressAttr(value);
              });
}

absl::StatusOr<NetlinkRoute> RouteFromMessage(const Message& message) {
  rtmsg header;
  if (!Load(message.payload, 0, &header)) return absl::InternalError("netlink: short rtmsg");
  NetlinkRoute route;
  route.type = header.rtm_type;
  std::span<const uint8_t> multipath;
  bool ok = ForEachAttr(message.payload.subspan(Align4(sizeof(rtmsg))),
                        [&](uint16_t type, std::span<const uint8_t> value) {
                          uint32_t oif = 0;
                          if (type == RTA_GATEWAY) route.gateway = AddressAttr(value);
                          if (type == RTA_PREFSRC) route.prefsrc = AddressAttr(value);
                          if (type == RTA_OIF && Load(value, 0, &oif)) route.oif = int(oif);
                          if (type == RTA_MULTIPATH) multipath = value;
                        });
  if (!ok) return absl::InternalError("netlink: malformed route attribute");
  if (!multipath.empty()) FirstNexthop(multipath, &route);
  return route;
}

absl::StatusOr<NetlinkNeighbor> NeighborFromMessage(const Message& message) {
  ndmsg header;
  if (!Load(message.payload, 0, &header)) return absl::InternalError("netlink: short ndmsg");
  NetlinkNeighbor neighbor;
  neighbor.ifindex = header.ndm_ifindex;
  neighbor.state = header.ndm_state;
  bool ok = ForEachAttr(message.payload.subspan(Align4(sizeof(ndmsg))),
                        [&](uint16_t type, std::span<const uint8_t> value) {
                          if (type == NDA_DST) {
                            neighbor.address = AddressAttr(value).value_or(wire::IpAddress());
                          }
                          if (type == NDA_LLADDR && value.size() == wire::kMacLen) {
                            wire::MacAddress mac;
                            memcpy(mac.data(), value.data(), mac.size());
                            neighbor.lladdr = mac;
                          }
                        });
  if (!ok) return absl::InternalError("netlink: malformed neighbour attribute");
  return neighbor;
}

}  // namespace

std::vector<uint8_t> RouteRequest(const wire::IpAddress& destination, int oif, uint32_t seq) {
  std::vector<uint8_t> out = StartMessage(RTM_GETROUTE, NLM_F_REQUEST, seq);
  rtmsg header{};
  bool v6 = !destination.is_v4();
  header.rtm_family = v6 ? AF_INET6 : AF_INET;
  header.rtm_dst_len = v6 ? 128 : 32;
  Append(&out, &header, sizeof(header));
  uint8_t address[16];
  uint32_t v4 = htonl(destination.v4());
  if (v6) destination.ToV6Bytes(address);
  AppendAttr(&out, RTA_DST, v6 ? static_cast<const void*>(address) : &v4, v6 ? 16 : 4);
  if (oif != 0) {
    uint32_t index = static_cast<uint32_t>(oif);
    AppendAttr(&out, RTA_OIF, &index, sizeof(index));
  }
  FinishMessage(&out);
  return out;
}

std::vector<uint8_t> NeighborDumpRequest(int family, uint32_t seq) {
  std::vector<uint8_t> out = StartMessage(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq);
  ndmsg header{};
  header.ndm_family = static_cast<uint8_t>(family);
  Append(&out, &header, sizeof(header));
  FinishMessage(&out);
  return out;
}

absl::StatusOr<NetlinkRoute> ParseRouteReply(std::span<const uint8_t> datagram) {
  std::vector<Message> messages;
  if (!SplitMessages(datagram, &messages)) return absl::InternalError("netlink: bad length");
  for (const Message& message : messages) {
    if (message.header.nlmsg_type == NLMSG_ERROR) {
      absl::Status error = ErrorMessage(message);
      if (!error.ok()) return error;
    } else if (message.header.nlmsg_type == RTM_NEWROUTE) {
      return RouteFromMessage(message);
    }
  }
  return absl::InternalError("netlink: no route in the reply");
}

absl::Status ParseNeighborDump(std::span<const uint8_t> datagram, std::vector<NetlinkNeighbor>* out,
                               bool* done) {
  std::vector<Message> messages;
  if (!SplitMessages(datagram, &messages)) return absl::InternalError("netlink: bad length");
  for (const Message& message : messages) {
    uint16_t type = message.header.nlmsg_type;
    if (type == NLMSG_DONE) {
      *done = true;
      return absl::OkStatus();
    }
    if (type == NLMSG_ERROR) {
      absl::Status error = ErrorMessage(message);
      if (!error.ok()) return error;
      continue;
    }
    if (type != RTM_NEWNEIGH) continue;
    absl::StatusOr<NetlinkNeighbor> neighbor = NeighborFromMessage(message);
    if (!neighbor.ok()) return neighbor.status();
    out->push_back(*neighbor);
  }
  return absl::OkStatus();
}

bool NeighborUsable(uint16_t state) { return (state & kNudValid) != 0; }
bool NeighborPending(uint16_t state) { return (state & NUD_INCOMPLETE) != 0; }

}  // namespace cutpoint::capture
