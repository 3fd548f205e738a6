// SPDX-License-Identifier: Apache-2.0
// Is a silent test probe explained by loss? Compares the test probe with the same host's
// controls row by row: a row is one (TTL, attempt), in which the sweep sends the test and
// every control together (the sweep's rounds always send whole rows). If the test were
// treated like its controls, it would be, in a row where r of the K probes answered, one
// of the K - r silent ones with probability (K - r) / K — exactly, whatever the loss or
// ICMP rate limit at those hops, and without knowing how many probes were sent (rows in
// which nothing answered carry no information and count 1). The product over the rows
// beyond the test's last answer is the chance that loss alone silenced the test there.
#ifndef CUTPOINT_ENGINE_LOCATE_SILENCE_TEST_H_
#define CUTPOINT_ENGINE_LOCATE_SILENCE_TEST_H_

#include <cstdint>

#include "engine/locate/observation_table.h"

namespace cutpoint::locate {

struct SilenceTest {
  int test_probes = 0;     // silent test probes in rows where a control answered
  int control_probes = 0;  // control probes in those rows
  int control_passes = 0;  // of which answered
  double p = 1;            // chance of the test's silence if it were treated like its controls
};

// Rows at TTLs above `last_test_ttl` (the test's last answering hop) of target `index`.
// The test kind must be silent there (the caller's premise).
SilenceTest TestSilence(const ObservationTable& table, uint64_t index, int last_test_ttl);

// The per-target false-accusation budget: alpha shared by the targets (Bonferroni).
double AccusationThreshold(double alpha, uint64_t judged_targets);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_SILENCE_TEST_H_
