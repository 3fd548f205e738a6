// SPDX-License-Identifier: Apache-2.0
// The probe specs of a plan over one IPv4 range (a scan's or a trace's usual shape: any
// probe kinds, TTLs and attempts), eight at a time in AVX-512 registers: the divisions of
// the local probe index into target, kind, TTL and attempt (in double precision, each
// corrected to exact), the kind looked up by a permute (up to 8 kinds) or a gather, and
// eight 32-byte specs written by
// a transpose. What ProbePlan::FillLocal runs for such plans where the CPU has
// avx512f/dq/vl; the build's baseline ISA does not change.
#ifndef CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_
#define CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_

#include <cstddef>
#include <cstdint>

#include "engine/probe/probe_codec.h"

namespace cutpoint::targets {

struct ProbeKind;

struct ScanSpecShape {
  uint64_t first_low;   // the range's first address as IpAddress::low() (::ffff:a.b.c.d)
  uint64_t per_target;  // kinds x TTLs x attempts (the plan's index order), >= 1
  uint64_t attempts;    // >= 1
  uint64_t ttl_count;   // >= 1
  const ProbeKind* kinds;
  uint64_t kind_count;  // >= 1
  uint8_t ttl_min;
};

// Whether this CPU and OS run the kernel.
bool ScanSpecFillSupported();

// out[i] = the spec of target first_target + local[i] / per_target, probe local[i] %
// per_target of it (ProbePlan::SpecAt's digits: attempt, TTL, kind), for i below n rounded
// down to a multiple of 8; returns that count. Every first_target * per_target + local[i]
// is below 2^52 and every target in the range.
size_t FillScanSpecs(const ScanSpecShape& shape, uint64_t first_target, const uint64_t* local,
                     size_t n, probe::ProbeSpec* out);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_
