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

}  // namespace cutpoint::wire
