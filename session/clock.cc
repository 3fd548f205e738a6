// SPDX-License-Identifier: Apache-2.0
#include "session/clock.h"

#include <time.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace cutpoint::session {

int64_t WallClockMicros() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000 + now.tv_nsec / 1000;
}

int64_t MonotonicNanos() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

void SleepNanos(int64_t ns) {
  timespec duration{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  nanosleep(&duration, nullptr);
}

std::string CurrentTimeRfc3339() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc;
  gmtime_r(&now.tv_sec, &utc);
  char text[40];
  size_t len = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  return absl::StrCat(absl::string_view(text, len), ".",
                      absl::Dec(now.tv_nsec / 1000, absl::kZeroPad6), "Z");
}

}  // namespace cutpoint::session
