// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/arp.h"

#include <algorithm>

#include "engine/wire/byte_order.h"

namespace cutpoint::wire {
namespace {

// Offsets inside the ARP message (after the Ethernet header).
constexpr size_t kHardwareTypeOffset = 0;
constexpr size_t kProtocolTypeOffset = 2;
constexpr size_t kHardwareLenOffset = 4;
constexpr size_t kProtocolLenOffset = 5;
constexpr size_t kOperationOffset = 6;
constexpr size_t kSenderMacOffset = 8;
constexpr size_t kSenderIpOffset = 14;
constexpr size_t kTargetMacOffset = 18;
constexpr size_t kTargetIpOffset = 24;
constexpr uint8_t kIpv4AddressLen = 4;

constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void WriteArp(const MacAddress& destination, const ArpMessage& message, uint8_t* out) {
  WriteEthernetHeader(destination, message.sender_mac, kEtherTypeArp, out);
  uint8_t* arp = out + kEthernetHeaderLen;
  StoreBe16(arp + kHardwareTypeOffset, kArpHardwareEthernet);
  StoreBe16(arp + kProtocolTypeOffset, kEtherTypeIpv4);
  arp[kHardwareLenOffset] = kMacLen;
  arp[kProtocolLenOffset] = kIpv4AddressLen;
  StoreBe16(arp + kOperationOffset, static_cast<uint16_t>(message.operation));
  std::copy(message.sender_mac.begin(), message.sender_mac.end(), arp + kSenderMacOffset);
  StoreBe32(arp + kSenderIpOffset, message.sender_ip);
  std::copy(message.target_mac.begin(), message.target_mac.end(), arp + kTargetMacOffset);
  StoreBe32(arp + kTargetIpOffset, message.target_ip);
}

MacAddress MacAt(const uint8_t* p) {
  MacAddress mac;
  std::copy(p, p + kMacLen, mac.begin());
  return mac;
}

}  // namespace

size_t BuildArpRequest(const MacAddress& sender_mac, uint32_t sender_ip, uint32_t target_ip,
                       std::span<uint8_t> out) {
  if (out.size() < kArpFrameLen) return 0;
  ArpMessage request;
  request.operation = ArpOperation::kRequest;
  request.sender_mac = sender_mac;
  request.sender_ip = sender_ip;
  request.target_ip = target_ip;
  WriteArp(kBroadcastMac, request, out.data());
  return kArpFrameLen;
}

size_t BuildArpReply(const MacAddress& own_mac, uint32_t own_ip, const ArpMessage& request,
                     std::span<uint8_t> out) {
  if (out.size() < kArpFrameLen) return 0;
  ArpMessage reply;
  reply.operation = ArpOperation::kReply;
  reply.sender_mac = own_mac;
  reply.sender_ip = own_ip;
  reply.target_mac = request.sender_mac;
  reply.target_ip = request.sender_ip;
  WriteArp(request.sender_mac, reply, out.data());
  return kArpFrameLen;
}

ArpParseResult ParseArpFrame(std::span<const uint8_t> frame, ArpMessage* message) {
  if (frame.size() < kEthernetHeaderLen ||
      LoadBe16(frame.data() + kEthernetTypeOffset) != kEtherTypeArp) {
    return ArpParseResult::kNotArp;
  }
  if (frame.size() < kArpFrameLen) return ArpParseResult::kTruncated;
  const uint8_t* arp = frame.data() + kEthernetHeaderLen;
  uint16_t operation = LoadBe16(arp + kOperationOffset);
  if (LoadBe16(arp + kHardwareTypeOffset) != kArpHardwareEthernet ||
      LoadBe16(arp + kProtocolTypeOffset) != kEtherTypeIpv4 || arp[kHardwareLenOffset] != kMacLen ||
      arp[kProtocolLenOffset] != kIpv4AddressLen ||
      (operation != static_cast<uint16_t>(ArpOperation::kRequest) &&
       operation != static_cast<uint16_t>(ArpOperation::kReply))) {
    return ArpParseResult::kUnsupported;
  }
  message->operation = static_cast<ArpOperation>(operation);
  message->sender_mac = MacAt(arp + kSenderMacOffset);
  message->sender_ip = LoadBe32(arp + kSenderIpOffset);
  message->target_mac = MacAt(arp + kTargetMacOffset);
  message->target_ip = LoadBe32(arp + kTargetIpOffset);
  return ArpParseResult::kArp;
}

bool AsksFor(const ArpMessage& message, uint32_t own_ip) {
  return message.operation == ArpOperation::kRequest && message.target_ip == own_ip &&
         message.sender_ip != own_ip;
}

}  // namespace cutpoint::wire
