// SPDX-License-Identifier: Apache-2.0
// PcapSource reads regular classic pcap files with its own record reader and hands odd
// records over to libpcap. Whatever the file, the frames and the final outcome must be
// exactly what libpcap alone yields: each case here is read both ways and compared. The
// one difference by design: where libpcap fails on a file cut short inside a record,
// PcapSource ends there with the frames before the cut and the offset of the cut record.
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

using Bytes = std::vector<uint8_t>;

struct Record {
  uint32_t seconds = 0;
  uint32_t fraction = 0;  // µs or ns, as the file says
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  Bytes data;             // caplen bytes unless a test cuts the file
};

void Put32(Bytes* out, uint32_t value, bool swapped) {
  if (swapped) value = __builtin_bswap32(value);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&value);
  out->insert(out->end(), p, p + 4);
}

void Put16(Bytes* out, uint16_t value, bool swapped) {
  if (swapped) value = __builtin_bswap16(value);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(&value);
  out->insert(out->end(), p, p + 2);
}

Bytes File(const std::vector<Record>& records, bool swapped, bool nanos, uint32_t snaplen,
           uint32_t linktype = 101 /* RAW */) {
  Bytes out;
  Put32(&out, nanos ? 0xa1b23c4d : 0xa1b2c3d4, swapped);
  Put16(&out, 2, swapped);
  Put16(&out, 4, swapped);
  Put32(&out, 0, swapped);
  Put32(&out, 0, swapped);
  Put32(&out, snaplen, swapped);
  Put32(&out, linktype, swapped);
  for (const Record& r : records) {
    Put32(&out, r.seconds, swapped);
    Put32(&out, r.fraction, swapped);
    Put32(&out, r.caplen, swapped);
    Put32(&out, r.wire_len, swapped);
    out.insert(out.end(), r.data.begin(), r.data.end());
  }
  return out;
}

Record MakeRecord(std::mt19937& rng, uint32_t len, bool nanos) {
  Record r;
  r.seconds = 1'700'000'000 + rng() % 1000;
  r.fraction = rng() % (nanos ? 1'000'000'000u : 1'000'000u);
  r.caplen = r.wire_len = len;
  r.data.resize(len);
  for (uint8_t& b : r.data) b = static_cast<uint8_t>(rng());
  if (len > 0) r.data[0] = 0x45;
  return r;
}

struct Outcome {
  std::vector<std::string> frames;  // "time_us caplen wire_len hexbytes"
  std::string end;  // "end", "cut at OFFSET after N", or "error" + whether "truncated"
};

std::string Describe(int64_t time_us, size_t caplen, size_t wire_len, const uint8_t* data) {
  std::string text = std::to_string(time_us) + " " + std::to_string(caplen) + " " +
                     std::to_string(wire_len) + " ";
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < caplen; ++i) {
    text += kHex[data[i] >> 4];
    text += kHex[data[i] & 0xf];
  }
  return text;
}

Outcome ReadWithSource(const std::string& path, bool expect_direct = true) {
  Outcome outcome;
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(path);
  if (!source.ok()) {
    outcome.end = "open error";
    return outcome;
  }
  EXPECT_EQ((*source)->reading_records_directly(), expect_direct);
  while (true) {
    CapturedFrame frame;
    absl::StatusOr<NextResult> next = (*source)->Next(&frame);
    if (!next.ok()) {
      outcome.end = std::string("error") +
                    (next.status().message().find("truncated") != absl::string_view::npos
                         ? " truncated"
                         : "");
      return outcome;
    }
    if (*next == NextResult::kEnd) {
      outcome.end = "end";
      if (std::optional<CaptureTruncation> cut = (*source)->truncation()) {
        outcome.end = "cut at " + (cut->offset ? std::to_string(*cut->offset) : "?") + " after " +
                      std::to_string(cut->frames_before);
      }
      return outcome;
    }
    outcome.frames.push_back(Describe(frame.time_us, frame.len, frame.wire_len, frame.data));
  }
}

Outcome ReadWithLibpcap(const std::string& path) {
  Outcome outcome;
  char error[PCAP_ERRBUF_SIZE];
  pcap_t* handle =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, error);
  if (handle == nullptr) {
    outcome.end = "open error";
    return outcome;
  }
  while (true) {
    pcap_pkthdr* header;
    const u_char* data;
    int result = pcap_next_ex(handle, &header, &data);
    if (result == 1) {
      int64_t time_us = int64_t{header->ts.tv_sec} * 1000000 + header->ts.tv_usec;
      outcome.frames.push_back(Describe(time_us, header->caplen, header->len, data));
      continue;
    }
    if (result == PCAP_ERROR_BREAK) {
      outcome.end = "end";
    } else {
      outcome.end = std::string("error") +
                    (std::string(pcap_geterr(handle)).find("truncated") != std::string::npos
                         ? " truncated"
                         : "");
    }
    break;
  }
  pcap_close(handle);
  return outcome;
}

class ClassicRecordReaderTest : public testing::Test {
 public:
  std::string Write(const Bytes& bytes) {
    std::string path = testing::TempDir() + "classic_" + std::to_string(getpid()) + "_" +
                       std::to_string(paths_.size()) + ".pcap";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    EXPECT_NE(file, nullptr);
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
    paths_.push_back(path);
    return path;
  }
  void ExpectSameAsLibpcap(const Bytes& bytes, size_t expected_frames, const std::string& end) {
    std::string path = Write(bytes);
    Outcome ours = ReadWithSource(path);
    Outcome reference = ReadWithLibpcap(path);
    EXPECT_EQ(ours.frames.size(), expected_frames);
    EXPECT_EQ(ours.end, end);
    EXPECT_EQ(ours.frames, reference.frames);
    EXPECT_EQ(ours.end, reference.end);
  }
  void TearDown() override {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }
  std::vector<std::string> paths_;
  std::mt19937 rng_{20261127};
};

TEST_F(ClassicRecordReaderTest, AllFourMagicsMatchLibpcap) {
  for (bool swapped : {false, true}) {
    for (bool nanos : {false, true}) {
      SCOPED_TRACE(testing::Message() << "swapped " << swapped << " nanos " << nanos);
      std::vector<Record> records;
      for (int i = 0; i < 50; ++i) records.push_back(MakeRecord(rng_, 20 + rng_() % 100, nanos));
      ExpectSameAsLibpcap(File(records, swapped, nanos, 65535), 50, "end");
    }
  }
}

TEST_F(ClassicRecordReaderTest, RecordsAcrossTheReadBufferMatchLibpcap) {
  // ~9 MiB of records of odd sizes: several buffer refills with records cut at the edges.
  std::vector<Record> records;
  size_t total = 0;
  while (total < (9u << 20)) {
    records.push_back(MakeRecord(rng_, 1 + rng_() % 1499, false));
    total += 16 + records.back().caplen;
  }
  ExpectSameAsLibpcap(File(records, false, false, 65535), records.size(), "end");
}

TEST_F(ClassicRecordReaderTest, OddRecordsAreLibpcapsToJudge) {
  std::vector<Record> records;
  for (int i = 0; i < 5; ++i) records.push_back(MakeRecord(rng_, 60, false));
  // Captured length above the file's snapshot length: libpcap trims or refuses it.
  Record big = MakeRecord(rng_, 300, false);
  std::vector<Record> with_big = records;
  with_big.push_back(big);
  with_big.push_back(MakeRecord(rng_, 60, false));
  ExpectSameAsLibpcap(File(with_big, false, false, 128), 7, "end");
  // Captured length above the wire length.
  std::vector<Record> with_long = records;
  Record longer = MakeRecord(rng_, 80, false);
  longer.wire_len = 40;
  with_long.push_back(longer);
  std::string path = Write(File(with_long, false, false, 65535));
  Outcome ours = ReadWithSource(path);
  Outcome reference = ReadWithLibpcap(path);
  EXPECT_EQ(ours.frames, reference.frames);
  EXPECT_EQ(ours.end, reference.end);
  // Captured length beyond any snapshot: an error, as libpcap says.
  std::vector<Record> with_huge = records;
  Record huge = MakeRecord(rng_, 60, false);
  huge.caplen = 0x7fffffff;
  with_huge.push_back(huge);
  ExpectSameAsLibpcap(File(with_huge, false, false, 65535), 5, "error");
}

// The offsets where each record of `file` starts, and the end of the file.
std::vector<size_t> RecordStarts(const std::vector<Record>& records, size_t first) {
  std::vector<size_t> starts = {first};
  for (const Record& r : records) starts.push_back(starts.back() + 16 + r.data.size());
  return starts;
}

// Every cut of `full` from `from` on: the frames libpcap yields before its "truncated"
// error, then the end with the offset of the record cut short (or a clean end at a
// record boundary).
void ExpectEveryCutReadsUpToIt(ClassicRecordReaderTest* test, const Bytes& full, size_t from,
                               const std::vector<size_t>& starts, bool expect_direct,
                               std::string (ClassicRecordReaderTest::*write)(const Bytes&)) {
  for (size_t cut = from; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    std::string path = (test->*write)(Bytes(full.begin(), full.begin() + static_cast<long>(cut)));
    Outcome ours = ReadWithSource(path, expect_direct);
    Outcome reference = ReadWithLibpcap(path);
    EXPECT_EQ(ours.frames, reference.frames);
    size_t whole = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), cut) -
                                       starts.begin()) - 1;
    EXPECT_EQ(ours.frames.size(), whole);
    if (cut == starts[whole]) {
      EXPECT_EQ(ours.end, "end");
      EXPECT_EQ(reference.end, "end");
    } else {
      EXPECT_EQ(reference.end, "error truncated");
      EXPECT_EQ(ours.end, "cut at " + std::to_string(starts[whole]) + " after " +
                              std::to_string(whole));
    }
  }
}

TEST_F(ClassicRecordReaderTest, EveryTruncationPointReadsUpToTheCut) {
  std::vector<Record> records;
  for (int i = 0; i < 4; ++i) records.push_back(MakeRecord(rng_, 40 + 7 * i, false));
  Bytes full = File(records, true, false, 65535);
  ExpectEveryCutReadsUpToIt(this, full, 24, RecordStarts(records, 24), /*expect_direct=*/true,
                            &ClassicRecordReaderTest::Write);
}

TEST_F(ClassicRecordReaderTest, CutAfterAHandOverReadsUpToTheCutThroughLibpcap) {
  // The second record's caplen is above the snapshot length: libpcap reads from there on.
  std::vector<Record> records;
  for (int i = 0; i < 4; ++i) records.push_back(MakeRecord(rng_, i == 1 ? 200 : 60, false));
  Bytes full = File(records, false, false, 128);
  std::vector<size_t> starts = RecordStarts(records, 24);
  // libpcap trims the long record to the snapshot length; frames compare with libpcap's.
  ExpectEveryCutReadsUpToIt(this, full, starts[2], starts, /*expect_direct=*/true,
                            &ClassicRecordReaderTest::Write);
}

// pcapng (always libpcap's): section header, interface description (LINKTYPE_RAW), then
// one enhanced packet block per record.
Bytes PcapngFile(const std::vector<Record>& records, size_t* header_len) {
  Bytes out = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
               1, 0, 0, 0, 20, 0, 0, 0, 101, 0, 0, 0, 0, 0, 4, 0, 20, 0, 0, 0};
  *header_len = out.size();
  for (const Record& r : records) {
    uint32_t padded = static_cast<uint32_t>((r.data.size() + 3) & ~size_t{3});
    uint32_t total = 32 + padded;
    uint64_t micros = uint64_t{r.seconds} * 1000000 + r.fraction;
    Put32(&out, 6, false);
    Put32(&out, total, false);
    Put32(&out, 0, false);
    Put32(&out, static_cast<uint32_t>(micros >> 32), false);
    Put32(&out, static_cast<uint32_t>(micros), false);
    Put32(&out, r.caplen, false);
    Put32(&out, r.wire_len, false);
    out.insert(out.end(), r.data.begin(), r.data.end());
    out.insert(out.end(), padded - r.data.size(), 0);
    Put32(&out, total, false);
  }
  return out;
}

TEST_F(ClassicRecordReaderTest, EveryTruncationPointOfAPcapngReadsUpToTheCut) {
  std::vector<Record> records;
  for (int i = 0; i < 4; ++i) records.push_back(MakeRecord(rng_, 41 + 7 * i, false));
  size_t header_len = 0;
  Bytes full = PcapngFile(records, &header_len);
  std::vector<size_t> starts = {header_len};
  for (const Record& r : records) starts.push_back(starts.back() + 32 + ((r.data.size() + 3) & ~size_t{3}));
  ASSERT_EQ(starts.back(), full.size());
  ExpectEveryCutReadsUpToIt(this, full, header_len, starts, /*expect_direct=*/false,
                            &ClassicRecordReaderTest::Write);
}

TEST_F(ClassicRecordReaderTest, TimestampsOutOfRangeAreCorrupt) {
  std::vector<Record> records = {MakeRecord(rng_, 40, false)};
  records[0].fraction = 1'000'000;  // a microsecond file cannot say that
  std::string path = Write(File(records, false, false, 65535));
  Outcome ours = ReadWithSource(path);
  EXPECT_TRUE(ours.frames.empty());
  EXPECT_EQ(ours.end, "error");
}

TEST_F(ClassicRecordReaderTest, PcapngIsLeftToLibpcap) {
  // Section header block, then an interface description block (LINKTYPE_RAW): no packets.
  Bytes shb = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0};
  Bytes idb = {1, 0, 0, 0, 20, 0, 0, 0, 101, 0, 0, 0, 0, 0, 4, 0, 20, 0, 0, 0};
  Bytes file = shb;
  file.insert(file.end(), idb.begin(), idb.end());
  Outcome ours = ReadWithSource(Write(file), /*expect_direct=*/false);
  EXPECT_TRUE(ours.frames.empty());
  EXPECT_EQ(ours.end, "end");
}

TEST_F(ClassicRecordReaderTest, FifoInputUsesLibpcap) {
  std::vector<Record> records;
  for (int i = 0; i < 20; ++i) records.push_back(MakeRecord(rng_, 60, false));
  Bytes bytes = File(records, false, false, 65535);
  std::string file_path = Write(bytes);
  std::string fifo = testing::TempDir() + "classic_fifo_" + std::to_string(getpid());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  pid_t writer = fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    std::FILE* out = std::fopen(fifo.c_str(), "wb");
    if (out != nullptr) {
      std::fwrite(bytes.data(), 1, bytes.size(), out);
      std::fclose(out);
    }
    _exit(0);
  }
  Outcome ours = ReadWithSource(fifo, /*expect_direct=*/false);
  waitpid(writer, nullptr, 0);
  std::remove(fifo.c_str());
  EXPECT_EQ(ours.frames, ReadWithLibpcap(file_path).frames);
  EXPECT_EQ(ours.end, "end");
}

}  // namespace
}  // namespace cutpoint::capture
