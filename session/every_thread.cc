// SPDX-License-Identifier: Apache-2.0
#include "session/every_thread.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"

namespace cutpoint::session {
namespace {

constexpr int kMaxSlots = 1024;  // threads signalled per pass; more go to the next pass
constexpr int kMaxPasses = 64;   // task-list re-reads before "threads keep appearing"
constexpr int kPending = -1;     // results are 0 or an errno value
constexpr int kGone = -2;        // the thread exited before it ran the function

struct Slot {
  std::atomic<pid_t> tid{0};
  std::atomic<int> result{kPending};
};

// Static: a handler that runs late (after a timeout) must still find valid memory.
Slot g_slots[kMaxSlots];
std::atomic<int> g_slot_count{0};
std::atomic<ThreadFunction> g_function{nullptr};
std::mutex g_one_at_a_time;

pid_t ThreadId() { return static_cast<pid_t>(syscall(SYS_gettid)); }

void Handler(int, siginfo_t* info, void*) {
  int saved_errno = errno;
  // Only our own tgkill: a signal sent by anyone else runs nothing.
  if (info->si_code == SI_TKILL && info->si_pid == getpid()) {
    pid_t self = ThreadId();
    int count = g_slot_count.load(std::memory_order_acquire);
    for (int i = 0; i < count; ++i) {
      if (g_slots[i].tid.load(std::memory_order_relaxed) != self) continue;
      if (g_slots[i].result.load(std::memory_order_relaxed) != kPending) break;
      ThreadFunction function = g_function.load(std::memory_order_acquire);
      int result = function != nullptr ? function() : EINVAL;
      g_slots[i].result.store(result, std::memory_order_release);
      break;
    }
  }
  errno = saved_errno;
}

absl::Status ListThreads(std::vector<pid_t>* tids) {
  tids->clear();
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot list threads: /proc/self/task: ", strerror(errno)));
  }
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long tid = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && tid > 0) tids->push_back(static_cast<pid_t>(tid));
  }
  closedir(dir);
  return absl::OkStatus();
}

bool ThreadAlive(pid_t tid) {
  return access(absl::StrCat("/proc/self/task/", tid).c_str(), F_OK) == 0;
}

// "1234 (eal-intr-thread)": for messages.
std::string DescribeThread(pid_t tid) {
  std::ifstream comm(absl::StrCat("/proc/self/task/", tid, "/comm"));
  std::string name;
  std::getline(comm, name);
  return name.empty() ? absl::StrCat(tid) : absl::StrCat(tid, " (", name, ")");
}

unsigned long long BlockedSignals(pid_t tid) {
  std::ifstream status(absl::StrCat("/proc/self/task/", tid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("SigBlk:", 0) == 0) return std::strtoull(line.c_str() + 7, nullptr, 16);
  }
  return 0;
}

bool SignalBlocked(pid_t tid, int signal_number) {
  return (BlockedSignals(tid) >> (signal_number - 1)) & 1;
}

void SleepMicros(long micros) {
  timespec pause{0, micros * 1000};
  nanosleep(&pause, nullptr);
}

absl::Status InstallHandler(int signal_number) {
  struct sigaction current {};
  if (sigaction(signal_number, nullptr, &current) != 0) {
    return absl::InternalError(absl::StrCat("sigaction(", signal_number, "): ", strerror(errno)));
  }
  bool ours = (current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == Handler;
  if (ours) return absl::OkStatus();
  if ((current.sa_flags & SA_SIGINFO) != 0 ||
      (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN)) {
    return absl::InternalError(absl::StrCat("signal ", signal_number,
                                            " is already in use by another part of the program"));
  }
  struct sigaction action {};
  action.sa_sigaction = Handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  if (sigaction(signal_number, &action, nullptr) != 0) {
    return absl::InternalError(absl::StrCat("sigaction(", signal_number, "): ", strerror(errno)));
  }
  return absl::OkStatus();
}

// Signals every thread of `tids` and waits for each to answer, exit, or time out.
absl::Status RunPass(const std::vector<pid_t>& tids, int signal_number,
                     std::chrono::milliseconds timeout, std::set<pid_t>* done) {
  int count = static_cast<int>(std::min<size_t>(tids.size(), kMaxSlots));
  g_slot_count.store(0, std::memory_order_release);
  for (int i = 0; i < count; ++i) {
    g_slots[i].tid.store(tids[static_cast<size_t>(i)], std::memory_order_relaxed);
    g_slots[i].result.store(kPending, std::memory_order_relaxed);
  }
  g_slot_count.store(count, std::memory_order_release);
  pid_t pid = getpid();
  for (int i = 0; i < count; ++i) {
    pid_t tid = g_slots[i].tid.load(std::memory_order_relaxed);
    if (syscall(SYS_tgkill, pid, tid, signal_number) != 0) {
      if (errno != ESRCH) {
        return absl::InternalError(absl::StrCat("tgkill(", tid, "): ", strerror(errno)));
      }
      g_slots[i].result.store(kGone, std::memory_order_relaxed);  // exited meanwhile
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int round = 0;; ++round) {
    int waiting = 0;
    for (int i = 0; i < count; ++i) {
      int result = g_slots[i].result.load(std::memory_order_acquire);
      if (result != kPending) continue;
      // An exited thread never answers; checked now and then, not on every poll.
      if (round % 16 == 15 && !ThreadAlive(g_slots[i].tid.load(std::memory_order_relaxed))) {
        g_slots[i].result.store(kGone, std::memory_order_relaxed);
        continue;
      }
      ++waiting;
    }
    if (waiting == 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      for (int i = 0; i < count; ++i) {
        if (g_slots[i].result.load(std::memory_order_acquire) != kPending) continue;
        pid_t tid = g_slots[i].tid.load(std::memory_order_relaxed);
        if (!ThreadAlive(tid)) continue;
        return absl::DeadlineExceededError(
            absl::StrCat("thread ", DescribeThread(tid), " did not answer signal ", signal_number,
                         " within ", timeout.count(), " ms",
                         SignalBlocked(tid, signal_number) ? " (it blocks that signal)" : ""));
      }
      break;  // every thread still pending has exited
    }
    SleepMicros(200);
  }
  for (int i = 0; i < count; ++i) {
    pid_t tid = g_slots[i].tid.load(std::memory_order_relaxed);
    int result = g_slots[i].result.load(std::memory_order_acquire);
    if (result > 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("in thread ", DescribeThread(tid), ": ", strerror(result)));
    }
    done->insert(tid);  // ran it, or exited
  }
  g_slot_count.store(0, std::memory_order_release);
  return absl::OkStatus();
}

}  // namespace

int EveryThreadSignal() { return SIGRTMIN + 5; }

bool IsSanitizerRuntimeThread(int tid) {
#if defined(__SANITIZE_THREAD__)
  // Every signal but SIGKILL, SIGSTOP and glibc's 32 and 33 (left open for setuid).
  unsigned long long open =
      (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)) | (1ull << 31) | (1ull << 32);
  return (BlockedSignals(static_cast<pid_t>(tid)) | open) == ~0ull;
#else
  (void)tid;
  return false;
#endif
}

absl::Status RunInEveryThread(ThreadFunction fn, std::chrono::milliseconds timeout, int* threads) {
  std::lock_guard<std::mutex> lock(g_one_at_a_time);
  int signal_number = EveryThreadSignal();
  RETURN_IF_ERROR(InstallHandler(signal_number));
  g_function.store(fn, std::memory_order_release);
  pid_t self = ThreadId();
  if (int result = fn(); result != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("in thread ", DescribeThread(self), ": ", strerror(result)));
  }
  std::set<pid_t> done = {self};
  std::vector<pid_t> listed;
  std::vector<pid_t> pending;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    RETURN_IF_ERROR(ListThreads(&listed));
    pending.clear();
    for (pid_t tid : listed) {
      if (done.count(tid) != 0) continue;
      if (IsSanitizerRuntimeThread(tid)) {
        done.insert(tid);
        continue;
      }
      pending.push_back(tid);
    }
    if (pending.empty()) {
      // Stable: every thread there is has run it; threads created from now on are
      // created by one of them and inherit the result.
      if (threads != nullptr) *threads = static_cast<int>(listed.size());
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(RunPass(pending, signal_number, timeout, &done));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "threads kept appearing: the thread list was not stable after ", kMaxPasses, " passes"));
}

}  // namespace cutpoint::session
