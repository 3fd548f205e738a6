// SPDX-License-Identifier: Apache-2.0
// PcapWriter: the file holds whole records only, even when a write fails part-way (cut
// back to the last whole record, the error kept and returned); a deferred writer leaves
// an existing file untouched until Start().
#include "capture/pcap/pcap_writer.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "capture/pcap/pcap_source.h"
#include "file_size_limit.h"
#include "gtest/gtest.h"

namespace cutpoint::capture {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/cutpoint_pcap_writer_test_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

off_t FileSize(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_size : -1;
}

using testutil::FileSizeLimit;

// Frames of 40..139 bytes, each filled with its number.
std::vector<uint8_t> FrameBytes(int n) { return std::vector<uint8_t>(40 + n % 100, static_cast<uint8_t>(n)); }

// Reads the file back: how many frames, and whether they all came out whole and in order.
int CountWholeFrames(const std::string& path) {
  absl::StatusOr<std::unique_ptr<PcapSource>> source = PcapSource::OpenOffline(path);
  EXPECT_TRUE(source.ok()) << source.status();
  if (!source.ok()) return -1;
  CapturedFrame frame;
  for (int n = 0;; ++n) {
    absl::StatusOr<NextResult> next = (*source)->Next(&frame);
    EXPECT_TRUE(next.ok()) << "frame " << n << ": " << next.status();
    if (!next.ok() || *next == NextResult::kEnd) return n;
    std::vector<uint8_t> expected = FrameBytes(n);
    EXPECT_EQ(std::vector<uint8_t>(frame.data, frame.data + frame.len), expected) << n;
    EXPECT_EQ(frame.time_us, 1'700'000'000'000'000 + n);
  }
}

TEST(PcapWriterTest, FailedWriteLeavesWholeRecordsOnly) {
  std::string path = TempPath("cut.pcap");
  auto writer = PcapWriter::Create(path, wire::LinkType::kRaw);
  ASSERT_TRUE(writer.ok()) << writer.status();
  absl::Status status;
  {
    FileSizeLimit limit(30'001);  // somewhere inside a record
    for (int n = 0; n < 2000; ++n) {
      std::vector<uint8_t> frame = FrameBytes(n);
      (*writer)->Write(1'700'000'000'000'000 + n, frame.data(), frame.size());
    }
    status = (*writer)->Close();
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);  // exit 4
  EXPECT_NE(status.message().find(path), std::string::npos) << status;
  EXPECT_NE(status.message().find("last whole record"), std::string::npos) << status;
  EXPECT_FALSE((*writer)->ok());
  off_t size = FileSize(path);
  EXPECT_LE(size, 30'001);
  EXPECT_GT(size, 30'001 - 16 - 140);
  int frames = CountWholeFrames(path);
  EXPECT_GT(frames, 100);
  // Exactly the records that fit: the header plus whole records, nothing after them.
  off_t expected = 24;
  for (int n = 0; n < frames; ++n) expected += 16 + static_cast<off_t>(FrameBytes(n).size());
  EXPECT_EQ(size, expected);
  unlink(path.c_str());
}

TEST(PcapWriterTest, ErrorOnTheHeaderLeavesAnEmptyFile) {
  std::string path = TempPath("header.pcap");
  auto writer = PcapWriter::Create(path, wire::LinkType::kRaw);
  ASSERT_TRUE(writer.ok());
  absl::Status status;
  {
    FileSizeLimit limit(10);
    std::vector<uint8_t> frame = FrameBytes(0);
    (*writer)->Write(1, frame.data(), frame.size());
    status = (*writer)->Flush();
  }
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(FileSize(path), 0);
  unlink(path.c_str());
}

TEST(PcapWriterTest, WritesWhatLibpcapReads) {
  std::string path = TempPath("ok.pcap");
  auto writer = PcapWriter::Create(path, wire::LinkType::kRaw);
  ASSERT_TRUE(writer.ok());
  for (int n = 0; n < 1500; ++n) {  // more than one buffer
    std::vector<uint8_t> frame = FrameBytes(n);
    (*writer)->Write(1'700'000'000'000'000 + n, frame.data(), frame.size());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(CountWholeFrames(path), 1500);
  unlink(path.c_str());
}

TEST(PcapWriterTest, DeferredWriterLeavesAnExistingFileUntilStarted) {
  std::string path = TempPath("deferred.pcap");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "earlier evidence";
  }
  std::vector<uint8_t> frame = FrameBytes(0);
  {
    auto writer = PcapWriter::CreateDeferred(path, wire::LinkType::kRaw);
    ASSERT_TRUE(writer.ok());
    (*writer)->Write(1'700'000'000'000'000, frame.data(), frame.size());
    EXPECT_TRUE((*writer)->Close().ok());  // never started: the run failed
  }
  EXPECT_EQ(ReadFile(path), "earlier evidence");
  {
    auto writer = PcapWriter::CreateDeferred(path, wire::LinkType::kRaw);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Start().ok());
    (*writer)->Write(1'700'000'000'000'000, frame.data(), frame.size());
    EXPECT_TRUE((*writer)->Close().ok());
  }
  EXPECT_EQ(CountWholeFrames(path), 1);
  unlink(path.c_str());

  std::string fresh = TempPath("fresh.pcap");
  unlink(fresh.c_str());
  {
    auto writer = PcapWriter::CreateDeferred(fresh, wire::LinkType::kRaw);
    ASSERT_TRUE(writer.ok());
  }
  EXPECT_EQ(FileSize(fresh), -1);  // created for the run, removed when it never started
}

}  // namespace
}  // namespace cutpoint::capture
