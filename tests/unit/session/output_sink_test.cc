// SPDX-License-Identifier: Apache-2.0
// OutputSink: whole lines only, even when a write fails part-way (the file is cut back
// to its last whole line); nothing written before Begin(); --resume appends; the
// periodic flush; the second signal writes the lines already formatted.
#include "session/output_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "capture/pcap/pcap_source.h"
#include "capture/pcap/pcap_writer.h"
#include "file_size_limit.h"
#include "gtest/gtest.h"
#include "session/pcap_exit_flush.h"
#include "session/signals.h"

namespace cutpoint::session {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/cutpoint_output_sink_test_" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

int64_t Now() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// A numbered line of `size` bytes, '\n' included.
std::string Line(int n, size_t size) {
  std::string line = "{\"n\":" + std::to_string(n) + ",\"pad\":\"";
  line.append(size - line.size() - 3, 'x');
  return line + "\"}\n";
}

using testutil::FileSizeLimit;

TEST(OutputSinkTest, FailedWriteCutsTheFileBackToItsLastWholeLine) {
  std::string path = TempPath("cut");
  unlink(path.c_str());
  auto sink = OutputSink::Open(path);
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_TRUE((*sink)->Begin().ok());
  ASSERT_TRUE((*sink)->Append(Line(0, 100)).ok());
  ASSERT_TRUE((*sink)->Flush().ok());
  absl::Status status;
  {
    FileSizeLimit limit(1050);  // room for 10 lines and half of the 11th
    for (int n = 1; n < 40 && status.ok(); ++n) status = (*sink)->Append(Line(n, 100));
    if (status.ok()) status = (*sink)->Flush();
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);  // exit 4
  EXPECT_NE(status.message().find(path), std::string::npos) << status;
  EXPECT_NE(status.message().find("last whole line"), std::string::npos) << status;
  std::string text = ReadFile(path);
  EXPECT_EQ(text.size(), 1000u);  // lines 0..9; the half line written is gone
  for (int n = 0; n < 10; ++n) EXPECT_EQ(text.substr(static_cast<size_t>(n) * 100, 100), Line(n, 100));
  // The error sticks: nothing more is written, every call says why.
  EXPECT_FALSE((*sink)->Append(Line(99, 100)).ok());
  EXPECT_FALSE((*sink)->Flush().ok());
  sink->reset();
  EXPECT_EQ(ReadFile(path).size(), 1000u);
}

TEST(OutputSinkTest, FailedLargeBlockKeepsOnlyWholeLines) {
  std::string path = TempPath("block");
  unlink(path.c_str());
  auto sink = OutputSink::Open(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Begin().ok());
  std::string block;
  for (int n = 0; n < 2000; ++n) block += Line(n, 50);  // 100 KB: written straight through
  absl::Status status;
  {
    FileSizeLimit limit(4321);
    status = (*sink)->AppendLines(block);
  }
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(ReadFile(path), block.substr(0, 4300));
}

TEST(OutputSinkTest, NothingIsWrittenBeforeBegin) {
  std::string path = TempPath("untouched");
  WriteFile(path, "{\"earlier\":\"run\"}\n");
  {
    auto sink = OutputSink::Open(path);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Append(Line(0, 40)).ok());
    ASSERT_TRUE((*sink)->Flush().ok());
  }  // the run failed before it could start
  EXPECT_EQ(ReadFile(path), "{\"earlier\":\"run\"}\n");

  std::string fresh = TempPath("created");
  unlink(fresh.c_str());
  {
    auto sink = OutputSink::Open(fresh);
    ASSERT_TRUE(sink.ok());
    EXPECT_TRUE(Exists(fresh));  // opened early: an unwritable path fails early
  }
  EXPECT_FALSE(Exists(fresh));  // and a file it created is removed again
}

TEST(OutputSinkTest, BeginReplacesTheFileWithWhatWasAppended) {
  std::string path = TempPath("replace");
  WriteFile(path, std::string(5000, 'o') + "\n");
  auto sink = OutputSink::Open(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Append(Line(0, 40)).ok());
  ASSERT_TRUE((*sink)->Begin().ok());
  EXPECT_EQ(ReadFile(path), Line(0, 40));  // Begin writes what was appended
}

TEST(OutputSinkTest, AppendModeContinuesAfterTheLastWholeLine) {
  std::string path = TempPath("append");
  WriteFile(path, Line(0, 40) + Line(1, 40) + "{\"cut\":");
  auto sink = OutputSink::Open(path, OutputFile::Mode::kAppend);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Append(Line(2, 40)).ok());
  ASSERT_TRUE((*sink)->Begin().ok());
  sink->reset();
  EXPECT_EQ(ReadFile(path), Line(0, 40) + Line(1, 40) + Line(2, 40));
}

TEST(OutputSinkTest, FlushIfDueWritesPendingLinesOnceTheIntervalPassed) {
  std::string path = TempPath("due");
  unlink(path.c_str());
  auto sink = OutputSink::Open(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Append(Line(0, 40)).ok());
  ASSERT_TRUE((*sink)->Begin().ok());  // writes, so the interval starts now
  ASSERT_TRUE((*sink)->Append(Line(1, 40)).ok());
  constexpr int64_t kSecond = 1'000'000'000;
  ASSERT_TRUE((*sink)->FlushIfDue(Now(), 100 * kSecond).ok());
  EXPECT_EQ(ReadFile(path), Line(0, 40));  // not due yet: buffered
  ASSERT_TRUE((*sink)->FlushIfDue(Now() + 101 * kSecond, 100 * kSecond).ok());
  EXPECT_EQ(ReadFile(path), Line(0, 40) + Line(1, 40));
}

// Standard output redirected to a file (`> file`) is cut back like -o; `>> file` may be
// shared with other writers, so it is never cut.
TEST(OutputSinkTest, DescriptorsAreCutBackUnlessAppending) {
  for (bool append : {false, true}) {
    SCOPED_TRACE(append ? "O_APPEND" : "plain");
    std::string path = TempPath(append ? "fd_append" : "fd_plain");
    WriteFile(path, "{\"before\":1}\n");
    int fd = open(path.c_str(), O_WRONLY | (append ? O_APPEND : 0));
    ASSERT_GE(fd, 0);
    if (!append) {
      ASSERT_EQ(lseek(fd, 0, SEEK_END), 13);
    }
    {
      std::unique_ptr<OutputSink> sink = OutputSink::ForFd(fd, "<stdout>");
      ASSERT_TRUE(sink->Begin().ok());
      absl::Status status;
      {
        FileSizeLimit limit(13 + 250);
        for (int n = 0; n < 10; ++n) ASSERT_TRUE(sink->Append(Line(n, 100)).ok());
        status = sink->Flush();
      }
      EXPECT_FALSE(status.ok());
    }
    close(fd);
    std::string text = ReadFile(path);
    if (append) {
      EXPECT_EQ(text.size(), 13u + 250u);  // left as the kernel wrote it
    } else {
      EXPECT_EQ(text, "{\"before\":1}\n" + Line(0, 100) + Line(1, 100));
    }
  }
}

TEST(OutputSinkTest, FullDeviceFailsOnTheFirstWrite) {
  auto sink = OutputSink::Open("/dev/full");
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Append(Line(0, 40)).ok());
  absl::Status status = (*sink)->Begin();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("No space left on device"), std::string::npos) << status;
}

// A second SIGINT ends the process at once, 130, but the complete lines formatted so
// far (not yet written: they are far below the flush size) reach the file; a line being
// formatted (prepared, not committed) does not.
TEST(OutputSinkDeathTest, SecondSignalWritesTheLinesAlreadyFormatted) {
  std::string path = TempPath("signal");
  unlink(path.c_str());
  EXPECT_EXIT(
      {
        InstallStopHandlers();
        auto sink = OutputSink::Open(path);
        if (!sink.ok() || !(*sink)->Begin().ok()) _exit(1);
        for (int n = 0; n < 500; ++n) (void)(*sink)->Append(Line(n, 80));
        char* half = (*sink)->PrepareAppend(100);
        std::memcpy(half, "{\"half\":", 8);
        raise(SIGINT);  // the first asks the run to stop
        if (!StopRequested().load()) _exit(2);
        raise(SIGINT);  // the second exits
        _exit(3);
      },
      ::testing::ExitedWithCode(130), "");
  std::string expected;
  for (int n = 0; n < 500; ++n) expected += Line(n, 80);
  EXPECT_EQ(ReadFile(path), expected);
}

// The disk fills during the exit's own write: the file keeps its whole lines (the
// part of that last write that made it is cut off again).
TEST(OutputSinkDeathTest, SecondSignalOnAFullDiskLeavesWholeLines) {
  std::string path = TempPath("signal_full");
  unlink(path.c_str());
  EXPECT_EXIT(
      {
        InstallStopHandlers();
        auto sink = OutputSink::Open(path);
        if (!sink.ok() || !(*sink)->Begin().ok()) _exit(1);
        for (int n = 0; n < 10; ++n) (void)(*sink)->Append(Line(n, 80));
        if (!(*sink)->Flush().ok()) _exit(2);
        for (int n = 10; n < 100; ++n) (void)(*sink)->Append(Line(n, 80));
        FileSizeLimit limit(4040);  // 800 bytes on file, room for 40.5 more lines
        raise(SIGINT);
        raise(SIGINT);
        _exit(3);
      },
      ::testing::ExitedWithCode(130), "");
  std::string expected;
  for (int n = 0; n < 10; ++n) expected += Line(n, 80);
  EXPECT_EQ(ReadFile(path), expected);
}

// Both outputs at once: the NDJSON lines and the --pcap-out records still buffered are
// written by the second signal; the pcap reads back whole, every record there.
TEST(OutputSinkDeathTest, SecondSignalWritesThePcapRecordsToo) {
  std::string lines_path = TempPath("signal_both.ndjson");
  std::string pcap_path = TempPath("signal_both.pcap");
  unlink(lines_path.c_str());
  unlink(pcap_path.c_str());
  EXPECT_EXIT(
      {
        InstallStopHandlers();
        PcapExitFlush guard;
        auto sink = OutputSink::Open(lines_path);
        auto writer = capture::PcapWriter::CreateDeferred(pcap_path, wire::LinkType::kRaw);
        if (!sink.ok() || !writer.ok()) _exit(1);
        (*writer)->SetWriteGuard(&guard);
        if (!(*sink)->Begin().ok() || !(*writer)->Start().ok()) _exit(1);
        uint8_t frame[60] = {0x45};
        for (int n = 0; n < 300; ++n) {  // 22 KB: below the writer's flush size
          (void)(*sink)->Append(Line(n, 80));
          (*writer)->Write(1'700'000'000'000'000 + n, frame, sizeof(frame));
        }
        raise(SIGINT);
        raise(SIGINT);
        _exit(3);
      },
      ::testing::ExitedWithCode(130), "");
  EXPECT_EQ(ReadFile(lines_path).size(), 300u * 80u);
  auto source = capture::PcapSource::OpenOffline(pcap_path);
  ASSERT_TRUE(source.ok()) << source.status();
  capture::CapturedFrame frame;
  int frames = 0;
  while (true) {
    absl::StatusOr<capture::NextResult> next = (*source)->Next(&frame);
    ASSERT_TRUE(next.ok()) << next.status();
    if (*next == capture::NextResult::kEnd) break;
    EXPECT_EQ(frame.len, 60u);
    ++frames;
  }
  EXPECT_EQ(frames, 300);
}

}  // namespace
}  // namespace cutpoint::session
