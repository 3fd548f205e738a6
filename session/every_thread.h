// SPDX-License-Identifier: Apache-2.0
// Runs a function in every thread of this process, the way glibc applies setuid() to all
// threads: capset(), PR_CAPBSET_DROP and PR_SET_NO_NEW_PRIVS act on the calling thread only,
// and threads we did not create (DPDK's interrupt and lcore threads, inside its shared
// libraries) must lose their capabilities too. libcap's psx would not reach those: it only
// sees threads started through its wrapped pthread_create.
//
// The caller runs `fn` directly; every other thread (listed in /proc/self/task) gets a
// real-time signal whose handler runs it and reports the result through an atomic. The
// task list is read again until a pass finds no thread not yet done, so threads created
// meanwhile by threads not yet reached are reached too.
#ifndef CUTPOINT_SESSION_EVERY_THREAD_H_
#define CUTPOINT_SESSION_EVERY_THREAD_H_

#include <chrono>

#include "absl/status/status.h"

namespace cutpoint::session {

// An async-signal-safe function: 0, or an errno value saying why it failed.
using ThreadFunction = int (*)();

// Fails (never partially silently) if `fn` fails in any thread, if a thread does not
// answer within `timeout` (e.g. it blocks the signal), or if the signal is in use.
// Returns the number of threads `fn` ran in through `threads` (optional).
absl::Status RunInEveryThread(ThreadFunction fn, std::chrono::milliseconds timeout,
                              int* threads = nullptr);

// The real-time signal RunInEveryThread uses (for diagnostics and tests).
int EveryThreadSignal();

// ThreadSanitizer builds only (test builds): the sanitizer runtime's own thread blocks
// every signal but glibc's setxid one, never runs the function and is skipped. Always
// false in other builds, where such a thread is an error like any other.
bool IsSanitizerRuntimeThread(int tid);

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_EVERY_THREAD_H_
