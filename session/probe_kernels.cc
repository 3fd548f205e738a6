// SPDX-License-Identifier: Apache-2.0
#include "session/probe_kernels.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cutpoint::session {

absl::StatusOr<ProbeKernels> ParseProbeKernels(absl::string_view name) {
  if (name == "auto") return ProbeKernels::kAuto;
  if (name == "avx512") return ProbeKernels::kAvx512;
  if (name == "scalar") return ProbeKernels::kScalar;
  return absl::InvalidArgumentError(
      absl::StrCat("bad --probe-kernels '", name, "' (expected auto, avx512 or scalar)"));
}

bool WantProbeKernels(ProbeKernels mode, bool user_space_bound) {
  switch (mode) {
    case ProbeKernels::kAvx512:
      return true;
    case ProbeKernels::kScalar:
      return false;
    case ProbeKernels::kAuto:
      break;
  }
  return user_space_bound;
}

}  // namespace cutpoint::session
