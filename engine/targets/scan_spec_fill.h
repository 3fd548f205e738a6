// SPDX-License-Identifier: Apache-2.0
// The probe specs of a scan's usual plan shape (one IPv4 range, one TTL, one attempt, any
// number of probe kinds), eight at a time in AVX-512 registers: the division of the local
// probe index by the kinds per target (in double precision, then corrected to exact), the
// kind looked up by a gather, and eight 32-byte specs written by a transpose. What
// ProbePlan::FillLocal runs for such plans where the CPU has avx512f/dq/vl; the build's
// baseline ISA does not change.
#ifndef CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_
#define CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_codec.h"

namespace cutpoint::targets {

struct ProbeKind;

struct ScanSpecShape {
  uint64_t first_low;   // the range's first address as IpAddress::low() (::ffff:a.b.c.d)
  uint64_t per_target;  // probe kinds, >= 1
  double inverse;       // 1.0 / per_target
  const ProbeKind* kinds;
  uint8_t ttl;
};

// Whether this CPU and OS run the kernel.
bool ScanSpecFillSupported();

// out[i] = the spec of target first_target + local[i] / per_target, kind local[i] %
// per_target, for i below n rounded down to a multiple of 8; returns that count. Every
// first_target * per_target + local[i] is below 2^52 and every target in the range.
size_t FillScanSpecs(const ScanSpecShape& shape, uint64_t first_target, const uint64_t* local,
                     size_t n, probe::ProbeSpec* out);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_
