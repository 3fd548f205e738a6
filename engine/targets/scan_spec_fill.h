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
#include <span>
#include <vector>

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
  // Null, or per_target words: probe w of a target as type | port << 16 | ttl << 32 |
  // attempt << 40, gathered instead of the kind, TTL and attempt divisions.
  const uint64_t* within_words;
  uint8_t ttl_min;
  // Null: the target of probe index x is first_target + x / per_target of the range. Else
  // the range's target_offsets[x / per_target] (first_target 0): locate's rounds, which
  // probe a list of the range's targets.
  const uint64_t* target_offsets = nullptr;
};

// The most within_words a plan keeps (32 KiB: L1-resident); past it the kernel divides.
inline constexpr uint64_t kMaxWithinWords = 4096;

// Probes 0..per_target of a target (kinds x TTLs x attempts, attempt least significant, as
// ProbePlan::SpecAt counts them) as ScanSpecShape::within_words holds them.
std::vector<uint64_t> MakeWithinWords(std::span<const ProbeKind> kinds, uint8_t ttl_min,
                                      uint64_t ttl_count, uint8_t attempt_min, uint64_t attempts);

// Whether this CPU and OS run the kernel.
bool ScanSpecFillSupported();

// out[i] = the spec of target first_target + local[i] / per_target, probe local[i] %
// per_target of it (ProbePlan::SpecAt's digits: attempt, TTL, kind), for i below n rounded
// down to a multiple of 8; returns that count. Every first_target * per_target + local[i]
// is below 2^52 and every target in the range. The divisions count attempts from 0; a
// shape whose attempts start later passes within_words.
size_t FillScanSpecs(const ScanSpecShape& shape, uint64_t first_target, const uint64_t* local,
                     size_t n, probe::ProbeSpec* out);

}  // namespace cutpoint::targets

#endif  // CUTPOINT_ENGINE_TARGETS_SCAN_SPEC_FILL_H_
