#include "capture/pcap/pcap_writer.h"

#include <pcap/pcap.h>

#include "absl/strings/str_cat.h"

namespace cutpoint::capture {
namespace {

int DltFor(wire::LinkType link) {
  switch (link) {
    case wire::LinkType::kRaw:
    case wire::LinkType::kIpv4: return DLT_RAW;
    default: return static_cast<int>(link);  // DLT and LINKTYPE agree for the others
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PcapWriter>> PcapWriter::Create(const std::string& path,
                                                               wire::LinkType link, int snaplen) {
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(DltFor(link), snaplen,
                                                      PCAP_TSTAMP_PRECISION_MICRO);
  if (dead == nullptr) return absl::InternalError("pcap_open_dead failed");
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) {
    std::string message = pcap_geterr(dead);
    pcap_close(dead);
    return absl::InvalidArgumentError(absl::StrCat("cannot write pcap '", path, "': ", message));
  }
  return std::unique_ptr<PcapWriter>(new PcapWriter(dead, dumper));
}

PcapWriter::~PcapWriter() {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);
  pcap_close(dead_);
}

void PcapWriter::Write(int64_t time_us, const uint8_t* data, size_t len) {
  pcap_pkthdr header{};
  header.ts.tv_sec = time_us / 1000000;
  header.ts.tv_usec = time_us % 1000000;
  header.caplen = static_cast<bpf_u_int32>(len);
  header.len = static_cast<bpf_u_int32>(len);
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, data);
}

absl::Status PcapWriter::Close() {
  if (dumper_ == nullptr) return absl::OkStatus();
  bool flushed = pcap_dump_flush(dumper_) == 0;
  pcap_dump_close(dumper_);
  dumper_ = nullptr;
  if (!flushed) return absl::DataLossError("writing pcap failed");
  return absl::OkStatus();
}

}  // namespace cutpoint::capture
