// SPDX-License-Identifier: Apache-2.0
#include "engine/wire/ethernet.h"

#include <cstring>

#include "engine/wire/byte_order.h"

namespace cutpoint::wire {

void WriteEthernetHeader(const MacAddress& destination, const MacAddress& source,
                         uint16_t ethertype, uint8_t* out) {
  std::memcpy(out + kEthernetDestinationOffset, destination.data(), kMacLen);
  std::memcpy(out + kEthernetSourceOffset, source.data(), kMacLen);
  StoreBe16(out + kEthernetTypeOffset, ethertype);
}

EthernetFraming::EthernetFraming(const NextHopMacs& next_hops, const MacAddress& source) {
  // A family without a next hop keeps an all-zero destination: never sent (frames_).
  WriteEthernetHeader(next_hops.v4.value_or(MacAddress{}), source, kEtherTypeIpv4,
                      headers_[0].data());
  WriteEthernetHeader(next_hops.v6.value_or(MacAddress{}), source, kEtherTypeIpv6,
                      headers_[1].data());
  frames_[0] = next_hops.v4.has_value();
  frames_[1] = next_hops.v6.has_value();
}

}  // namespace cutpoint::wire
