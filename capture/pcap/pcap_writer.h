// Writes frames to a pcap file (microsecond timestamps) that Wireshark, tcpdump and
// `cutpoint match` read.
#ifndef CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_
#define CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/wire/frame.h"

struct pcap;
struct pcap_dumper;

namespace cutpoint::capture {

class PcapWriter {
 public:
  static absl::StatusOr<std::unique_ptr<PcapWriter>> Create(const std::string& path,
                                                             wire::LinkType link,
                                                             int snaplen = 65535);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void Write(int64_t time_us, const uint8_t* data, size_t len);
  absl::Status Close();

 private:
  PcapWriter(pcap* dead, pcap_dumper* dumper) : dead_(dead), dumper_(dumper) {}
  pcap* dead_;
  pcap_dumper* dumper_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_PCAP_PCAP_WRITER_H_
