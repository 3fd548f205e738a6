// SPDX-License-Identifier: Apache-2.0
// The session's clocks: wall-clock microseconds for what goes on the wire and into records
// (probe send times, capture timestamps share that clock), monotonic nanoseconds for
// pacing, deadlines and durations.
#ifndef CUTPOINT_SESSION_CLOCK_H_
#define CUTPOINT_SESSION_CLOCK_H_

#include <cstdint>
#include <string>

namespace cutpoint::session {

int64_t WallClockMicros();
int64_t MonotonicNanos();
void SleepNanos(int64_t ns);
// Now as RFC 3339 UTC with microseconds, e.g. "2026-11-30T16:01:51.123456Z".
std::string CurrentTimeRfc3339();

}  // namespace cutpoint::session

#endif  // CUTPOINT_SESSION_CLOCK_H_
