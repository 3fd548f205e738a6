// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/silence_test.h"

#include <algorithm>

namespace cutpoint::locate {

SilenceTest TestSilence(const ObservationTable& table, uint64_t index, int last_test_ttl) {
  const LocateLayout& layout = table.layout();
  const int kinds = static_cast<int>(layout.kinds.size());
  SilenceTest result;
  if (kinds < 2) return result;
  for (int ttl = std::max<int>(last_test_ttl + 1, layout.ttl_min); ttl <= layout.ttl_max; ++ttl) {
    uint8_t answered_by_kind[8] = {};
    uint8_t any_control = 0;
    for (int kind = 1; kind < kinds && kind < 8; ++kind) {
      const Cell& cell = table.At(index, kind, ttl);
      uint8_t answered = cell.te_attempts | cell.unreach_attempts | cell.synack_attempts |
                         cell.rst_attempts | cell.echo_attempts | cell.other_attempts;
      answered_by_kind[kind] = answered;
      any_control |= answered;
    }
    for (int attempt = 0; attempt < 8; ++attempt) {
      uint8_t bit = static_cast<uint8_t>(1u << attempt);
      if ((any_control & bit) == 0) continue;  // no answer in this row: no information
      int passes = 0;
      for (int kind = 1; kind < kinds && kind < 8; ++kind) passes += (answered_by_kind[kind] & bit) ? 1 : 0;
      ++result.test_probes;
      result.control_probes += kinds - 1;
      result.control_passes += passes;
      result.p *= static_cast<double>(kinds - passes) / static_cast<double>(kinds);
    }
  }
  return result;
}

double AccusationThreshold(double alpha, uint64_t judged_targets) {
  return alpha / static_cast<double>(std::max<uint64_t>(judged_targets, 1));
}

}  // namespace cutpoint::locate
