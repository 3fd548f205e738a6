// SPDX-License-Identifier: Apache-2.0
// Status plumbing in the Abseil style (as in absl/status/internal and Envoy): early return
// on an error, so that a function reads as its happy path.
//
//   RETURN_IF_ERROR(sink.Append(line));          // returns the error status, if any
//   ASSIGN_OR_RETURN(ProbeKey key, ReadProbeKey(path));
//   ASSIGN_OR_RETURN(config.rate_pps, ParseRate(text));  // an existing lvalue works too
//
// Both may only be used in functions that return absl::Status or absl::StatusOr<T>. A
// left-hand type with a comma in it (std::pair<a, b> x) does not fit a macro argument:
// write `auto x` or use an alias.

#ifndef CUTPOINT_ENGINE_BASE_STATUS_MACROS_H_
#define CUTPOINT_ENGINE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RETURN_IF_ERROR(expr)                                               \
  do {                                                                      \
    if (::absl::Status cutpoint_status_ = (expr); !cutpoint_status_.ok()) { \
      return cutpoint_status_;                                              \
    }                                                                       \
  } while (false)

#define CUTPOINT_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define CUTPOINT_STATUS_MACROS_CONCAT_(a, b) CUTPOINT_STATUS_MACROS_CONCAT_INNER_(a, b)

#define ASSIGN_OR_RETURN(lhs, rexpr)                                                            \
  CUTPOINT_ASSIGN_OR_RETURN_IMPL_(CUTPOINT_STATUS_MACROS_CONCAT_(cutpoint_statusor_, __LINE__), \
                                  lhs, rexpr)

#define CUTPOINT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = *std::move(statusor)

#endif  // CUTPOINT_ENGINE_BASE_STATUS_MACROS_H_
