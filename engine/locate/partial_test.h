// SPDX-License-Identifier: Apache-2.0
// Is a test probe that sometimes gets through filtered by a share of its SYNs (a rate
// limiter, a probabilistic blocker, an overloaded middlebox)? As the silence test
// (silence_test.h), this compares the test with the same host's controls row by row — a
// row is one (TTL, attempt), sent together — but counts the rows the test passed too.
//
// Where: the TTL from which the test loses more rows than before (the change point of
// its per-TTL loss rate). How much: over the rows from there on in which a control
// answered (the path worked), the test's pass fraction with a Wilson score interval, and
// the controls' pass fraction in rows where another probe answered (so both are
// conditioned alike). Whether it is loss: if the test were treated like its controls, in
// a row where r of the K probes answered it would be one of the r with probability r/K,
// whatever the loss at those hops; `p` is the chance of as few test passes as seen or
// fewer (a Poisson-binomial tail over the rows).
#ifndef CUTPOINT_ENGINE_LOCATE_PARTIAL_TEST_H_
#define CUTPOINT_ENGINE_LOCATE_PARTIAL_TEST_H_

#include <cstdint>
#include <vector>

#include "engine/locate/observation_table.h"

namespace cutpoint::locate {

struct Interval {
  double low = 0;
  double high = 1;
};

// The Wilson score interval of `passes` in `n` at z (1.96: 95 %); [0, 1] for n = 0.
Interval WilsonInterval(int passes, int n, double z = 1.96);

// P(X <= k) for X the number of successes of independent trials with `probs`.
double PoissonBinomialCdf(const std::vector<double>& probs, int k);

// Per TTL of one target: rows in which a same-host control answered, and how many of
// them the test did not.
struct TtlLoss {
  int rows = 0;
  int test_silent = 0;
};

// TTLs ttl_min..ttl_hi of target `index` (index 0 is ttl_min).
std::vector<TtlLoss> TallyTestLoss(const ObservationTable& table, uint64_t index, int ttl_hi);

// The TTL at which the test starts losing more rows than before (maximum likelihood split
// of the per-TTL loss into two rates, the later one higher); 0 when it never loses a row.
// `min_rows_after`: only splits that leave at least that many rows after them (a pass
// test needs rows; the last TTL's few rows, all lost by chance, are otherwise the most
// likely "change" and leave nothing to test).
int LossChangeTtl(const std::vector<TtlLoss>& tally, int ttl_min, int min_rows_after = 0);

// The earliest TTL, at most `change_ttl`, from which the test could start losing: the
// first split whose likelihood is within a factor e^max_log_ratio of the best split's (a
// likelihood-ratio interval for the change point). The change point picked by
// LossChangeTtl is biased late when hops past the filter pass by luck, so the near end
// of a location needs this bound, not pass^rows of the hops before it.
int LossChangeEarliestTtl(const std::vector<TtlLoss>& tally, int ttl_min, int change_ttl,
                          double max_log_ratio);

struct PartialTest {
  int from_ttl = 0;        // rows at TTLs from_ttl..ttl_hi
  int test_probes = 0;     // test probes in rows where a control answered
  int test_passes = 0;     // of which answered
  int control_probes = 0;  // control probes in rows where another probe answered
  int control_passes = 0;  // of which answered
  double p = 1;            // chance of test_passes or fewer if treated like its controls
  Interval test_ci;
  Interval control_ci;
  double test_fraction() const {
    return test_probes == 0 ? 0 : static_cast<double>(test_passes) / test_probes;
  }
  double control_fraction() const {
    return control_probes == 0 ? 0 : static_cast<double>(control_passes) / control_probes;
  }
};

PartialTest TestPartial(const ObservationTable& table, uint64_t index, int from_ttl, int ttl_hi);

}  // namespace cutpoint::locate

#endif  // CUTPOINT_ENGINE_LOCATE_PARTIAL_TEST_H_
