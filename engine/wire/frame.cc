#include "engine/wire/frame.h"

#include "engine/wire/byte_order.h"
#include "engine/wire/ethernet.h"
#include "engine/wire/protocol.h"

namespace cutpoint::wire {
namespace {

constexpr int kMaxVlanTags = 4;
constexpr size_t kSllHeaderLen = 16;
constexpr size_t kSll2HeaderLen = 20;
constexpr size_t kNullHeaderLen = 4;
constexpr uint32_t kAfInet = 2;
constexpr absl::string_view kUnknownLinkName = "unknown";

FrameStatus Payload(uint16_t ethertype, const uint8_t* frame, size_t len, size_t offset,
                    FrameView* out) {
  if (ethertype != kEtherTypeIpv4) return FrameStatus::kNotIpv4;
  if (offset >= len) return FrameStatus::kTruncated;
  out->l3 = frame + offset;
  out->l3_len = len - offset;
  return FrameStatus::kIpv4;
}

FrameStatus BareIp(const uint8_t* frame, size_t len, size_t offset, FrameView* out) {
  if (offset >= len) return FrameStatus::kTruncated;
  if (IpVersion(frame + offset) != kIpv4Version) return FrameStatus::kNotIpv4;
  out->l3 = frame + offset;
  out->l3_len = len - offset;
  return FrameStatus::kIpv4;
}

}  // namespace

absl::string_view LinkTypeName(LinkType link) {
  switch (link) {
    case LinkType::kNull:
      return "null";
    case LinkType::kEthernet:
      return "ethernet";
    case LinkType::kRaw:
      return "raw";
    case LinkType::kLoop:
      return "loop";
    case LinkType::kLinuxSll:
      return "linux-sll";
    case LinkType::kIpv4:
      return "ipv4";
    case LinkType::kLinuxSll2:
      return "linux-sll2";
  }
  return kUnknownLinkName;
}

std::optional<LinkType> LinkTypeFromNumber(uint32_t linktype) {
  // The enumerators are the LINKTYPE_* numbers, each named by LinkTypeName.
  LinkType link = static_cast<LinkType>(linktype);
  if (LinkTypeName(link) == kUnknownLinkName) return std::nullopt;
  return link;
}

FrameStatus LocateIpv4(LinkType link, const uint8_t* frame, size_t len, FrameView* out) {
  switch (link) {
    case LinkType::kEthernet: {
      if (len < kEthernetHeaderLen) return FrameStatus::kTruncated;
      size_t offset = kEthernetTypeOffset;
      uint16_t ethertype = LoadBe16(frame + offset);
      for (int tags = 0; ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ ||
                         ethertype == kEtherTypeQinQLegacy;
           ++tags) {
        if (tags == kMaxVlanTags) return FrameStatus::kNotIpv4;
        offset += kVlanTagLen;
        if (offset + 2 > len) return FrameStatus::kTruncated;
        ethertype = LoadBe16(frame + offset);
      }
      return Payload(ethertype, frame, len, offset + 2, out);
    }
    case LinkType::kLinuxSll:
      if (len < kSllHeaderLen) return FrameStatus::kTruncated;
      return Payload(LoadBe16(frame + 14), frame, len, kSllHeaderLen, out);
    case LinkType::kLinuxSll2:
      if (len < kSll2HeaderLen) return FrameStatus::kTruncated;
      return Payload(LoadBe16(frame), frame, len, kSll2HeaderLen, out);
    case LinkType::kNull:
    case LinkType::kLoop: {
      if (len < kNullHeaderLen) return FrameStatus::kTruncated;
      // The family is in the capturing host's order for kNull; accept either order.
      uint32_t family_be = LoadBe32(frame);
      uint32_t family_le = uint32_t{frame[0]} | (uint32_t{frame[1]} << 8) |
                           (uint32_t{frame[2]} << 16) | (uint32_t{frame[3]} << 24);
      if (family_be != kAfInet && family_le != kAfInet) return FrameStatus::kNotIpv4;
      return BareIp(frame, len, kNullHeaderLen, out);
    }
    case LinkType::kRaw:
    case LinkType::kIpv4:
      return BareIp(frame, len, 0, out);
  }
  return FrameStatus::kNotIpv4;
}

}  // namespace cutpoint::wire
