// SPDX-License-Identifier: Apache-2.0
#include "session/signals.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>


namespace cutpoint::session {
namespace {

std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_signals{0};

// Exit flush state. Lock-free atomics only: read by the signal handler.
struct Slot {
  std::atomic<bool> taken{false};
  std::atomic<int> fd{-1};
  std::atomic<const char*> data{nullptr};
  std::atomic<size_t> len{0};
  std::atomic<int64_t> file_end{-1};
};
Slot g_slots[exit_flush::kSlots];
constexpr int kFree = 0, kOwnerWriting = 1, kExiting = 2;
std::atomic<int> g_guard{kFree};
std::atomic<bool> g_exit_pending{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<size_t>::is_always_lock_free &&
              std::atomic<const char*>::is_always_lock_free &&
              std::atomic<int64_t>::is_always_lock_free);

// Writes the published records and exits, if no owner is writing right now.
void TryExitNow() {
  int expected = kFree;
  if (!g_guard.compare_exchange_strong(expected, kExiting)) return;
  for (Slot& slot : g_slots) {
    int fd = slot.fd.load();
    const char* data = slot.data.load(std::memory_order_acquire);
    size_t len = slot.len.load(std::memory_order_acquire);
    int64_t file_end = slot.file_end.load(std::memory_order_acquire);
    while (fd >= 0 && data != nullptr && len > 0) {
      ssize_t written = write(fd, data, len);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        // Full disk: drop this last write rather than leave a record cut in half
        // (ftruncate is async-signal-safe).
        if (file_end >= 0) (void)!ftruncate(fd, static_cast<off_t>(file_end));
        break;
      }
      data += written;
      len -= static_cast<size_t>(written);
    }
  }
  _exit(kInterruptedExitStatus);
}

void OnStopSignal(int) {
  int count = g_signals.fetch_add(1) + 1;
  if (count == 1) {
    g_stop_requested = true;
    return;
  }
  if (count >= 3) _exit(kInterruptedExitStatus);
  TryExitNow();
  // The owner is writing: it exits when it unlocks (it checks after unlocking, so one of
  // the two sees the other).
  g_exit_pending = true;
  TryExitNow();
}

}  // namespace

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& StopRequested() { return g_stop_requested; }

namespace exit_flush {

int Attach(int fd) {
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].taken.exchange(true)) continue;
    Lock();
    g_slots[i].len.store(0);
    g_slots[i].data.store(nullptr);
    g_slots[i].file_end.store(-1);
    g_slots[i].fd.store(fd);
    Unlock();
    return i;
  }
  return -1;
}

void Detach(int slot) {
  if (slot < 0 || slot >= kSlots) return;
  Lock();
  g_slots[slot].fd.store(-1);
  g_slots[slot].len.store(0);
  g_slots[slot].data.store(nullptr);
  Unlock();
  g_slots[slot].taken.store(false);
}

void Publish(int slot, const char* data, size_t len, int64_t file_end) {
  if (slot < 0 || slot >= kSlots) return;
  g_slots[slot].file_end.store(file_end, std::memory_order_release);
  g_slots[slot].data.store(data, std::memory_order_release);
  g_slots[slot].len.store(len, std::memory_order_release);
}

void Lock() {
  int expected = kFree;
  while (!g_guard.compare_exchange_weak(expected, kOwnerWriting)) {
    if (expected == kExiting) {
      while (true) pause();  // a signal handler is writing out and ending the process
    }
    expected = kFree;  // another owner is writing: its write is short, spin
  }
}

void Unlock() {
  g_guard.store(kFree);
  if (g_exit_pending.load()) TryExitNow();
}

}  // namespace exit_flush
}  // namespace cutpoint::session
