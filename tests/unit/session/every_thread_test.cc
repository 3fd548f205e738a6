// SPDX-License-Identifier: Apache-2.0
// RunInEveryThread: the function runs in every thread there is (also threads started by
// other threads meanwhile), a failure in any thread is an error naming it, and a thread
// that blocks the signal makes it fail rather than be skipped.
#include "session/every_thread.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <dirent.h>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace cutpoint::session {
namespace {

using std::chrono::milliseconds;

pid_t Tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

std::set<pid_t> ListedThreads() {
  std::set<pid_t> tids;
  DIR* dir = opendir("/proc/self/task");
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    pid_t tid = static_cast<pid_t>(atoi(entry->d_name));
    if (!IsSanitizerRuntimeThread(tid)) tids.insert(tid);
  }
  closedir(dir);
  return tids;
}

// Threads parked until released; one of them starts another thread first (a thread
// created by a thread, as DPDK's control threads are).
class ParkedThreads {
 public:
  explicit ParkedThreads(int count) {
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, i] {
        std::thread child;
        if (i == 0) child = std::thread([this] { Park(); });
        Park();
        if (child.joinable()) child.join();
      });
    }
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return parked_ == count + 1; });
  }
  ~ParkedThreads() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

 private:
  void Park() {
    std::unique_lock<std::mutex> lock(mutex_);
    ++parked_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  int parked_ = 0;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

std::atomic<int> g_calls{0};
constexpr int kMaxSeen = 64;
std::atomic<pid_t> g_seen[kMaxSeen];

int RecordThread() {
  int slot = g_calls.fetch_add(1);
  if (slot < kMaxSeen) g_seen[slot].store(Tid());
  return 0;
}

TEST(EveryThreadTest, RunsInEveryThreadOnce) {
  ParkedThreads parked(4);  // 5 threads besides this one
  g_calls = 0;
  int threads = 0;
  ASSERT_TRUE(RunInEveryThread(RecordThread, milliseconds(5000), &threads).ok());
  std::set<pid_t> seen;
  for (int i = 0; i < g_calls.load() && i < kMaxSeen; ++i) seen.insert(g_seen[i].load());
  EXPECT_EQ(g_calls.load(), static_cast<int>(seen.size())) << "a thread ran it twice";
  EXPECT_EQ(seen, ListedThreads());
  EXPECT_GE(threads, static_cast<int>(seen.size()));  // + a sanitizer's own thread
  EXPECT_GE(threads, 6);
}

std::atomic<pid_t> g_victim{0};
int FailInVictim() { return Tid() == g_victim.load() ? EPERM : 0; }

TEST(EveryThreadTest, FailureInAnotherThreadIsAnErrorNamingIt) {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  bool done = false;
  std::thread victim([&] {
    pthread_setname_np(pthread_self(), "victim");
    std::unique_lock<std::mutex> lock(mutex);
    g_victim = Tid();
    ready = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return ready; });
  }
  absl::Status status = RunInEveryThread(FailInVictim, milliseconds(5000));
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  cv.notify_all();
  victim.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(status.message().find("(victim)"), std::string::npos) << status.message();
}

TEST(EveryThreadTest, ThreadBlockingTheSignalIsAnErrorNotSkipped) {
  std::mutex mutex;
  std::condition_variable cv;
  bool ready = false;
  bool done = false;
  std::thread blocker([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, EveryThreadSignal());
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::unique_lock<std::mutex> lock(mutex);
    ready = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
    // Exits with the signal still pending and blocked: it never runs the handler.
  });
  {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [&] { return ready; });
  }
  g_calls = 0;
  absl::Status status = RunInEveryThread(RecordThread, milliseconds(200));
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  cv.notify_all();
  blocker.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(status.message().find("blocks that signal"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace cutpoint::session
