// SPDX-License-Identifier: Apache-2.0
// DropPrivileges, process-wide: in a forked child started as root with threads already
// running (as DPDK's are when the drop happens), every thread afterwards — and a thread
// started later by one of them — holds no capability, an empty bounding set, NO_NEW_PRIVS
// and the new uid. Which user a run switches to is decided before anything changes.
#include "session/privileges.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "session/every_thread.h"

namespace cutpoint::session {
namespace {

// "CapEff" -> "0000000000000000", ... for one thread.
std::map<std::string, std::string> ThreadStatus(const std::string& tid) {
  std::map<std::string, std::string> fields;
  std::ifstream status("/proc/self/task/" + tid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t value = line.find_first_not_of(" \t", colon + 1);
    fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
  }
  return fields;
}

// Returns the problems found in any thread; empty when all are clean.
std::string CheckAllThreads(const std::string& uid) {
  std::string problems;
  DIR* dir = opendir("/proc/self/task");
  int count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.' || IsSanitizerRuntimeThread(atoi(entry->d_name))) continue;
    ++count;
    std::map<std::string, std::string> s = ThreadStatus(entry->d_name);
    const std::string zero = "0000000000000000";
    if (s["CapEff"] != zero || s["CapPrm"] != zero || s["CapBnd"] != zero ||
        s["CapInh"] != zero || s["CapAmb"] != zero || s["NoNewPrivs"] != "1" ||
        s["Uid"] != uid + "\t" + uid + "\t" + uid + "\t" + uid) {
      problems += std::string("thread ") + entry->d_name + ": CapEff " + s["CapEff"] + " CapPrm " +
                  s["CapPrm"] + " CapBnd " + s["CapBnd"] + " NoNewPrivs " + s["NoNewPrivs"] +
                  " Uid " + s["Uid"] + "\n";
    }
  }
  closedir(dir);
  if (count < 3) problems += "expected at least 3 threads\n";
  return problems;
}

// Runs the drop in a child with two threads parked (one started by the other); the child
// then starts one more thread from a parked one and checks every thread. Returns the
// child's report ("" on success).
std::string DropInChild(const PrivilegeOptions& options, const std::string& uid) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return "pipe failed";
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    std::mutex mutex;
    std::condition_variable cv;
    int parked = 0;
    bool dropped = false;
    bool released = false;
    auto park = [&] {
      std::unique_lock<std::mutex> lock(mutex);
      ++parked;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
    };
    std::thread outer([&] {
      std::thread inner(park);
      {
        std::unique_lock<std::mutex> lock(mutex);
        ++parked;
        cv.notify_all();
        cv.wait(lock, [&] { return dropped; });
      }
      // After the drop: a thread started by a thread other than the caller.
      std::thread late(park);
      inner.join();
      late.join();
    });
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return parked == 2; });
    }
    absl::Status status = DropPrivileges(options);
    {
      std::unique_lock<std::mutex> lock(mutex);
      dropped = true;
      cv.notify_all();
      cv.wait(lock, [&] { return parked == 3; });
    }
    std::string report = status.ok() ? CheckAllThreads(uid) : std::string(status.message());
    {
      std::lock_guard<std::mutex> lock(mutex);
      released = true;
    }
    cv.notify_all();
    outer.join();
    if (write(pipe_fds[1], report.data(), report.size()) < 0) _exit(2);
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string report;
  char buffer[512];
  ssize_t got;
  while ((got = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) report.append(buffer, got);
  close(pipe_fds[0]);
  int wait_status = 0;
  waitpid(child, &wait_status, 0);
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) report += "child failed\n";
  return report;
}

TEST(PrivilegesTest, RootSwitchesToNobodyInEveryThread) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(DropInChild({}, "65534"), "");
}

TEST(PrivilegesTest, KeepRootStaysUidZeroWithoutAnyCapability) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  EXPECT_EQ(DropInChild({"", true}, "0"), "");
}

TEST(PrivilegesTest, WhoToRunAsIsDecidedBeforeAnyChange) {
  if (geteuid() != 0) {
    EXPECT_EQ(ResolveRunAs({"nobody", false}).status().code(), absl::StatusCode::kPermissionDenied);
    absl::StatusOr<RunAs> plain = ResolveRunAs({});
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->switch_user);
    return;
  }
  absl::StatusOr<RunAs> by_default = ResolveRunAs({});
  ASSERT_TRUE(by_default.ok()) << by_default.status();
  EXPECT_TRUE(by_default->switch_user);
  EXPECT_EQ(by_default->name, "nobody");
  EXPECT_EQ(by_default->uid, 65534u);
  absl::StatusOr<RunAs> keep = ResolveRunAs({"", true});
  ASSERT_TRUE(keep.ok());
  EXPECT_FALSE(keep->switch_user);
  EXPECT_TRUE(ResolveRunAs({"root", true}).ok());
  EXPECT_EQ(ResolveRunAs({"root", false}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveRunAs({"nobody", true}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ResolveRunAs({"cutpoint-no-such-user", false}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cutpoint::session
