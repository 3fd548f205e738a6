// SPDX-License-Identifier: Apache-2.0
// The classic pcap file format (version 2.4), as our writer writes it and our record
// reader reads it: a 24-byte file header, then records of a 16-byte header and the frame.
#ifndef CUTPOINT_CAPTURE_PCAP_PCAP_FORMAT_H_
#define CUTPOINT_CAPTURE_PCAP_PCAP_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace cutpoint::capture {

// In the writer's byte order; the reader also accepts both byte-swapped.
inline constexpr uint32_t kPcapMagicMicros = 0xa1b2c3d4;
inline constexpr uint32_t kPcapMagicNanos = 0xa1b23c4d;
inline constexpr uint16_t kPcapVersionMajor = 2;
inline constexpr uint16_t kPcapVersionMinor = 4;

// magic, major, minor, thiszone, sigfigs, snaplen, linktype.
inline constexpr size_t kPcapFileHeaderLen = 24;
// seconds, fraction, caplen, wire length.
inline constexpr size_t kPcapRecordHeaderLen = 16;
inline constexpr size_t kPcapRecordCaplenOffset = 8;

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_PCAP_PCAP_FORMAT_H_
