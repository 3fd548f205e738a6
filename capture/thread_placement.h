// SPDX-License-Identifier: Apache-2.0
// Where a backend wants the session's busy threads to run (--tx dpdk: each on an lcore of
// its own, registered with the EAL; see capture/dpdk/dpdk_layout.h). The session calls
// Enter() first thing in each sender and capture thread and Leave() last, both on that
// thread; ScopedPlacement does both. Placement is best effort: a thread it cannot place
// still runs, only slower, and the backend's stats say so.
#ifndef CUTPOINT_CAPTURE_THREAD_PLACEMENT_H_
#define CUTPOINT_CAPTURE_THREAD_PLACEMENT_H_

namespace cutpoint::capture {

enum class SessionThread { kSender, kCapture };

class ThreadPlacement {
 public:
  virtual ~ThreadPlacement() = default;
  // `index`: the sender thread's number (its TX queue); 0 for the capture thread.
  virtual void Enter(SessionThread role, int index) = 0;
  virtual void Leave() = 0;
};

// Enter() on construction, Leave() on destruction; nothing without a placement.
class ScopedPlacement {
 public:
  ScopedPlacement(ThreadPlacement* placement, SessionThread role, int index)
      : placement_(placement) {
    if (placement_ != nullptr) placement_->Enter(role, index);
  }
  ~ScopedPlacement() {
    if (placement_ != nullptr) placement_->Leave();
  }
  ScopedPlacement(const ScopedPlacement&) = delete;
  ScopedPlacement& operator=(const ScopedPlacement&) = delete;

 private:
  ThreadPlacement* placement_;
};

}  // namespace cutpoint::capture

#endif  // CUTPOINT_CAPTURE_THREAD_PLACEMENT_H_
