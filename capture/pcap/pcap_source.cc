// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap/pcap_source.h"

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capture/pcap/pcap_format.h"
#include "engine/base/status_macros.h"

namespace cutpoint::capture {
namespace {

// Year ~36800: far beyond any real capture, far below int64 microsecond overflow.
constexpr int64_t kMaxTimestampSeconds = int64_t{1} << 40;
constexpr size_t kOfflineReadBuffer = 1 << 20;

// libpcap reports DLT_* values; the engine speaks LINKTYPE_* numbers.
absl::StatusOr<wire::LinkType> LinkTypeFromDlt(int dlt) {
  switch (dlt) {
    case DLT_NULL:
      return wire::LinkType::kNull;
    case DLT_EN10MB:
      return wire::LinkType::kEthernet;
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
#endif
      return wire::LinkType::kRaw;
    case DLT_LOOP:
      return wire::LinkType::kLoop;
    case DLT_LINUX_SLL:
      return wire::LinkType::kLinuxSll;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
      return wire::LinkType::kLinuxSll2;
#endif
    default: {
      // Past the few DLTs above that differ by platform, DLT and LINKTYPE numbers agree
      // (LINKTYPE_IPV6 = DLT_IPV6 = 229): whatever the engine reads passes through.
      if (std::optional<wire::LinkType> link =
              wire::LinkTypeFromNumber(static_cast<uint32_t>(dlt))) {
        return *link;
      }
      const char* name = pcap_datalink_val_to_name(dlt);
      return absl::InvalidArgumentError(absl::StrCat("unsupported link type ", dlt, " (",
                                                     name != nullptr ? name : "unknown",
                                                     "); supported: EN10MB, LINUX_SLL, "
                                                     "LINUX_SLL2, RAW, IPV4, NULL, LOOP"));
    }
  }
}

// Owns a libpcap handle until it is handed to a PcapSource.
struct PcapCloser {
  void operator()(pcap_t* handle) const { pcap_close(handle); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

// Applies the live options and activates the handle.
absl::Status Activate(pcap_t* handle, const LiveCaptureOptions& options) {
  pcap_set_snaplen(handle, options.snaplen);
  pcap_set_promisc(handle, 0);
  pcap_set_timeout(handle, options.timeout_ms);
  pcap_set_immediate_mode(handle, 1);
  pcap_set_buffer_size(handle, options.buffer_bytes);
  pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_MICRO);
  int activated = pcap_activate(handle);
  if (activated >= 0) return absl::OkStatus();
  std::string message = pcap_geterr(handle);
  if (activated == PCAP_ERROR_PERM_DENIED) {
    return absl::PermissionDeniedError(
        absl::StrCat("capture on ", options.interface, ": ", message, " (needs CAP_NET_RAW)"));
  }
  if (activated == PCAP_ERROR_NO_SUCH_DEVICE) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown interface '", options.interface, "': ", message));
  }
  return absl::UnavailableError(absl::StrCat("capture on ", options.interface, ": ", message));
}

// Inbound only and the BPF filter, as asked.
absl::Status SelectFrames(pcap_t* handle, const LiveCaptureOptions& options) {
  if (options.inbound_only && pcap_setdirection(handle, PCAP_D_IN) != 0) {
    return absl::UnavailableError(absl::StrCat("pcap_setdirection: ", pcap_geterr(handle)));
  }
  if (options.filter.empty()) return absl::OkStatus();
  bpf_program program;
  if (pcap_compile(handle, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("capture filter '", options.filter, "': ", pcap_geterr(handle)));
  }
  int set = pcap_setfilter(handle, &program);
  pcap_freecode(&program);
  if (set != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("capture filter '", options.filter, "': ", pcap_geterr(handle)));
  }
  return absl::OkStatus();
}

// A pcap or pcapng file ("-": standard input) opened for libpcap.
absl::StatusOr<PcapHandle> OpenCaptureFile(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* handle = nullptr;
  if (path == "-") {  // libpcap's name for standard input
    handle =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, error);
  } else {
    // Opened here rather than by libpcap to give stdio a large buffer: libpcap freads each
    // record in two small pieces, and with the default 4 KiB buffer a read(2) every ~50
    // packets was a visible share of `match` over a file.
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read pcap '", path, "': ", path, ": ", std::strerror(errno)));
    }
    std::setvbuf(file, nullptr, _IOFBF, kOfflineReadBuffer);
    handle = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, error);
    if (handle == nullptr) std::fclose(file);  // pcap_close owns it only on success
  }
  if (handle == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read pcap '", path, "': ", error));
  }
  return PcapHandle(handle);
}

}  // namespace

PcapSource::~PcapSource() { pcap_close(handle_); }

absl::StatusOr<std::unique_ptr<PcapSource>> PcapSource::OpenLive(
    const LiveCaptureOptions& options) {
  char error[PCAP_ERRBUF_SIZE] = {0};
  PcapHandle handle(pcap_create(options.interface.c_str(), error));
  if (handle == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("capture on ", options.interface, ": ", error));
  }
  RETURN_IF_ERROR(Activate(handle.get(), options));
  ASSIGN_OR_RETURN(wire::LinkType link, LinkTypeFromDlt(pcap_datalink(handle.get())));
  RETURN_IF_ERROR(SelectFrames(handle.get(), options));
  // Non-blocking reads plus our own poll() bound how long Next() can block, whatever the
  // TPACKET version's block-timeout semantics are.
  if (pcap_setnonblock(handle.get(), 1, error) != 0) {
    return absl::UnavailableError(absl::StrCat("pcap_setnonblock: ", error));
  }
  int selectable_fd = pcap_get_selectable_fd(handle.get());
  auto source = std::unique_ptr<PcapSource>(new PcapSource(handle.release(), link, true));
  source->selectable_fd_ = selectable_fd;
  source->timeout_ms_ = options.timeout_ms;
  return source;
}

absl::StatusOr<std::unique_ptr<PcapSource>> PcapSource::OpenOffline(const std::string& path) {
  ASSIGN_OR_RETURN(PcapHandle handle, OpenCaptureFile(path));
  absl::StatusOr<wire::LinkType> link = LinkTypeFromDlt(pcap_datalink(handle.get()));
  if (!link.ok()) {  // the file's name goes in front of the reason
    return absl::InvalidArgumentError(absl::StrCat("pcap '", path, "': ", link.status().message()));
  }
  auto source = std::unique_ptr<PcapSource>(new PcapSource(handle.release(), *link, false));
  // Regular classic pcap files: our record reader (see classic_record_reader.h).
  int fd = path == "-" ? -1 : fileno(pcap_file(source->handle_));
  struct stat info;
  uint8_t header[kPcapFileHeaderLen];
  if (fd >= 0 && fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
      pread(fd, header, sizeof(header), 0) == static_cast<ssize_t>(sizeof(header))) {
    source->records_ = ClassicRecordReader::ForFile(
        fd, header, static_cast<uint32_t>(pcap_snapshot(source->handle_)),
        static_cast<uint64_t>(info.st_size));
  }
  return source;
}

absl::StatusOr<NextResult> PcapSource::Frame(int64_t seconds, int64_t micros, size_t caplen,
                                             size_t wire_len, const uint8_t* data,
                                             CapturedFrame* frame) {
  // pcapng timestamps are 64-bit with arbitrary resolution and offset: refuse values
  // that do not fit a microsecond clock rather than overflow on them.
  if (seconds < 0 || seconds > kMaxTimestampSeconds || micros < 0 || micros >= 1000000) {
    return absl::DataLossError(absl::StrCat(live_ ? "capture failed: " : "corrupt pcap: ",
                                            "packet timestamp out of range (", seconds, " s)"));
  }
  frame->data = data;
  frame->len = caplen;
  frame->wire_len = wire_len;
  frame->time_us = seconds * 1000000 + micros;
  ++frames_read_;
  return NextResult::kFrame;
}

absl::StatusOr<NextResult> PcapSource::Next(CapturedFrame* frame, bool wait) {
  if (truncation_.has_value()) return NextResult::kEnd;
  if (records_.has_value()) {
    ClassicRecord record;
    switch (records_->Next(&record)) {
      case ClassicRecordReader::Result::kRecord:
        return Frame(record.seconds, record.micros, record.caplen, record.wire_len, record.data,
                     frame);
      case ClassicRecordReader::Result::kEnd:
        return NextResult::kEnd;
      case ClassicRecordReader::Result::kTruncated:
        truncation_ = CaptureTruncation{records_->hand_over_offset(), frames_read_};
        return NextResult::kEnd;
      case ClassicRecordReader::Result::kHandOver:
        if (fseeko(pcap_file(handle_), static_cast<off_t>(records_->hand_over_offset()),
                   SEEK_SET) != 0) {
          return absl::DataLossError(
              absl::StrCat("corrupt pcap: cannot seek: ", std::strerror(errno)));
        }
        records_.reset();
        break;
    }
  }
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  // Where this read starts: the offset of a record libpcap then finds cut short.
  off_t read_from = live_ ? -1 : ftello(pcap_file(handle_));
  int result = pcap_next_ex(handle_, &header, &data);
  if (result == 0 && wait && live_ && selectable_fd_ >= 0) {
    pollfd ready{selectable_fd_, POLLIN, 0};
    if (poll(&ready, 1, timeout_ms_) > 0) result = pcap_next_ex(handle_, &header, &data);
  }
  if (result == 1) {
    return Frame(static_cast<int64_t>(header->ts.tv_sec), static_cast<int64_t>(header->ts.tv_usec),
                 header->caplen, header->len, data, frame);
  }
  if (result == 0) return NextResult::kTimeout;
  if (result == PCAP_ERROR_BREAK) return NextResult::kEnd;
  // libpcap's words for the end of the file inside a record or block, pcap and pcapng
  // alike ("truncated dump file; ...", "truncated pcapng dump file; ...").
  if (!live_ && std::strncmp(pcap_geterr(handle_), "truncated", 9) == 0) {
    truncation_ = CaptureTruncation{};
    if (read_from >= 0) truncation_->offset = static_cast<uint64_t>(read_from);
    truncation_->frames_before = frames_read_;
    return NextResult::kEnd;
  }
  return absl::DataLossError(
      absl::StrCat(live_ ? "capture failed: " : "corrupt pcap: ", pcap_geterr(handle_)));
}

CaptureCounters PcapSource::Counters() const {
  CaptureCounters counters;
  if (!live_) return counters;
  pcap_stat stats{};
  if (pcap_stats(handle_, &stats) == 0) {
    counters.received = stats.ps_recv;
    counters.dropped = stats.ps_drop;
    counters.if_dropped = stats.ps_ifdrop;
  }
  return counters;
}

}  // namespace cutpoint::capture
