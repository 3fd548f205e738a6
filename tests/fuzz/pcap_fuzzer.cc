// SPDX-License-Identifier: Apache-2.0
// Fuzzes capture files: the input is written to an in-memory file (memfd) and read with
// capture::PcapSource::OpenOffline / Next() until the end or an error, every frame going
// through the same receive-path checks as frame_match_fuzzer. Covers pcap and pcapng,
// every supported link type, and the timestamp conversion.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "capture/pcap/pcap_source.h"
#include "tests/fuzz/fuzz_common.h"
#include "tests/fuzz/fuzz_match.h"

namespace {

// One memfd reused for every input; libpcap opens it again through /proc/self/fd.
int MemFd() {
  static int fd = [] {
    int created = memfd_create("cutpoint-pcap-fuzz", 0);
    if (created < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return created;
  }();
  return fd;
}

constexpr int kMaxFrames = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cutpoint;
  int fd = MemFd();
  FUZZ_CHECK(ftruncate(fd, 0) == 0);
  size_t written = 0;
  while (written < size) {
    ssize_t n = pwrite(fd, data + written, size - written, static_cast<off_t>(written));
    FUZZ_CHECK(n > 0);
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);

  absl::StatusOr<std::unique_ptr<capture::PcapSource>> source =
      capture::PcapSource::OpenOffline(path);
  if (!source.ok()) {
    FUZZ_CHECK(!source.status().message().empty());
    return 0;
  }
  wire::LinkType link = (*source)->link_type();
  FUZZ_CHECK(wire::LinkTypeFromNumber(static_cast<uint32_t>(link)).has_value());
  capture::CaptureCounters counters = (*source)->Counters();
  FUZZ_CHECK(counters.received == 0 && counters.dropped == 0 && counters.if_dropped == 0);

  for (int frames = 0; frames < kMaxFrames; ++frames) {
    capture::CapturedFrame frame;
    absl::StatusOr<capture::NextResult> next = (*source)->Next(&frame);
    if (!next.ok()) {
      FUZZ_CHECK(!next.status().message().empty());
      break;
    }
    // An offline source never times out: a frame or the end.
    FUZZ_CHECK(*next != capture::NextResult::kTimeout);
    if (*next == capture::NextResult::kEnd) break;
    FUZZ_CHECK(frame.data != nullptr || frame.len == 0);
    // Copy into an exact-size buffer: libpcap's own buffer is larger, which would hide
    // over-reads from ASan.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[frame.len > 0 ? frame.len : 1]);
    if (frame.len > 0) std::memcpy(copy.get(), frame.data, frame.len);
    fuzz::MatchAndCheck(link, copy.get(), frame.len, frame.time_us);
  }
  return 0;
}
