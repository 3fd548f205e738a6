// SPDX-License-Identifier: Apache-2.0
#include "engine/locate/partial_test.h"

#include <algorithm>
#include <cmath>

namespace cutpoint::locate {
namespace {

uint8_t AnsweredMask(const Cell& cell) {
  return cell.te_attempts | cell.unreach_attempts | cell.synack_attempts | cell.rst_attempts |
         cell.echo_attempts | cell.half_open_attempts | cell.other_attempts;
}

// One TTL's answers per kind, as attempt masks (kind 0: the test).
std::vector<uint8_t> Masks(const ObservationTable& table, uint64_t index, int ttl) {
  std::vector<uint8_t> masks;
  for (int kind = 0; kind < static_cast<int>(table.layout().kinds.size()); ++kind) {
    masks.push_back(AnsweredMask(table.At(index, kind, ttl)));
  }
  return masks;
}

uint8_t ControlsMask(const std::vector<uint8_t>& masks) {
  uint8_t any = 0;
  for (size_t kind = 1; kind < masks.size(); ++kind) any |= masks[kind];
  return any;
}

// Binomial log-likelihood of `k` in `n` at its own rate (0 for n = 0).
double LogLikelihood(int k, int n) {
  if (n == 0 || k == 0 || k == n) return 0;
  double rate = static_cast<double>(k) / n;
  return k * std::log(rate) + (n - k) * std::log(1 - rate);
}

}  // namespace

Interval WilsonInterval(int passes, int n, double z) {
  if (n <= 0) return {};
  const double phat = static_cast<double>(passes) / n;
  const double z2n = z * z / n;
  const double center = (phat + z2n / 2) / (1 + z2n);
  const double half = z * std::sqrt(phat * (1 - phat) / n + z2n / (4.0 * n)) / (1 + z2n);
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

double PoissonBinomialCdf(const std::vector<double>& probs, int k) {
  if (k < 0) return 0;
  // dist[j]: P(j successes so far); O(n^2) over a target's rows (a few dozen).
  std::vector<double> dist(probs.size() + 1, 0.0);
  dist[0] = 1;
  for (size_t i = 0; i < probs.size(); ++i) {
    for (size_t j = i + 1; j > 0; --j) dist[j] = dist[j] * (1 - probs[i]) + dist[j - 1] * probs[i];
    dist[0] *= 1 - probs[i];
  }
  double cdf = 0;
  for (int j = 0; j <= k && j < static_cast<int>(dist.size()); ++j) cdf += dist[static_cast<size_t>(j)];
  return std::min(1.0, cdf);
}

std::vector<TtlLoss> TallyTestLoss(const ObservationTable& table, uint64_t index, int ttl_hi) {
  const int ttl_min = table.layout().ttl_min;
  std::vector<TtlLoss> tally;
  for (int ttl = ttl_min; ttl <= std::min<int>(ttl_hi, table.layout().ttl_max); ++ttl) {
    std::vector<uint8_t> masks = Masks(table, index, ttl);
    const uint8_t controls = ControlsMask(masks);
    TtlLoss here;
    here.rows = __builtin_popcount(controls);
    here.test_silent = __builtin_popcount(controls & static_cast<uint8_t>(~masks[0]));
    tally.push_back(here);
  }
  return tally;
}

namespace {

// One split of the per-TTL loss: TTLs before it at one rate, the rest at another.
struct Split {
  double log_likelihood = 0;
  bool higher_after = false;  // the later rate is the higher (a filter loses more past it)
  bool silent_after = false;  // the later TTLs lost a row
  int rows_after = 0;
};

// Every split (entry i: the first i TTLs before it). One whose later rate is not higher
// gets the single-rate likelihood: the model that it stands for is no filter.
std::vector<Split> Splits(const std::vector<TtlLoss>& tally) {
  TtlLoss total;
  for (const TtlLoss& t : tally) {
    total.rows += t.rows;
    total.test_silent += t.test_silent;
  }
  const double pooled = LogLikelihood(total.test_silent, total.rows);
  std::vector<Split> splits;
  TtlLoss before;
  for (size_t i = 0; i <= tally.size(); ++i) {
    const int after_rows = total.rows - before.rows;
    const int after_silent = total.test_silent - before.test_silent;
    Split split;
    split.silent_after = after_silent != 0;
    split.rows_after = after_rows;
    split.higher_after = after_rows != 0 &&
                         (before.rows == 0 || static_cast<double>(before.test_silent) / before.rows <
                                                  static_cast<double>(after_silent) / after_rows);
    split.log_likelihood = split.higher_after ? LogLikelihood(before.test_silent, before.rows) +
                                                    LogLikelihood(after_silent, after_rows)
                                              : pooled;
    splits.push_back(split);
    if (i < tally.size()) {
      before.rows += tally[i].rows;
      before.test_silent += tally[i].test_silent;
    }
  }
  return splits;
}

}  // namespace

int LossChangeTtl(const std::vector<TtlLoss>& tally, int ttl_min, int min_rows_after) {
  const std::vector<Split> splits = Splits(tally);
  int best_ttl = 0;
  double best = -1e300;
  for (size_t i = 0; i < tally.size() && splits[i].silent_after; ++i) {
    // Ties: the earliest TTL (a wider interval).
    if (splits[i].higher_after && splits[i].rows_after >= min_rows_after &&
        splits[i].log_likelihood > best + 1e-9) {
      best = splits[i].log_likelihood;
      best_ttl = ttl_min + static_cast<int>(i);
    }
  }
  return best_ttl;
}

int LossChangeEarliestTtl(const std::vector<TtlLoss>& tally, int ttl_min, int change_ttl,
                          double max_log_ratio) {
  const std::vector<Split> splits = Splits(tally);
  double best = -1e300;
  for (const Split& split : splits) best = std::max(best, split.log_likelihood);
  const int last = std::min<int>(change_ttl - ttl_min, static_cast<int>(tally.size()));
  for (int i = 0; i <= last; ++i) {
    if (splits[static_cast<size_t>(i)].log_likelihood >= best - max_log_ratio) return ttl_min + i;
  }
  return change_ttl;
}

PartialTest TestPartial(const ObservationTable& table, uint64_t index, int from_ttl, int ttl_hi) {
  PartialTest result;
  result.from_ttl = from_ttl;
  const int kinds = static_cast<int>(table.layout().kinds.size());
  if (kinds < 2) return result;
  std::vector<double> chance;  // per row: the test's chance to be among those answering
  for (int ttl = std::max<int>(from_ttl, table.layout().ttl_min);
       ttl <= std::min<int>(ttl_hi, table.layout().ttl_max); ++ttl) {
    std::vector<uint8_t> masks = Masks(table, index, ttl);
    for (int attempt = 0; attempt < 8; ++attempt) {
      const auto bit = static_cast<uint8_t>(1u << attempt);
      int answered = 0;
      for (uint8_t mask : masks) answered += (mask & bit) ? 1 : 0;
      const bool test = (masks[0] & bit) != 0;
      for (int kind = 1; kind < kinds; ++kind) {
        const bool passed = (masks[static_cast<size_t>(kind)] & bit) != 0;
        if (answered - (passed ? 1 : 0) == 0) continue;  // no other probe answered
        ++result.control_probes;
        result.control_passes += passed ? 1 : 0;
      }
      if ((ControlsMask(masks) & bit) == 0) continue;  // the path did not work in this row
      ++result.test_probes;
      result.test_passes += test ? 1 : 0;
      chance.push_back(static_cast<double>(answered) / kinds);
    }
  }
  result.p = PoissonBinomialCdf(chance, result.test_passes);
  result.test_ci = WilsonInterval(result.test_passes, result.test_probes);
  result.control_ci = WilsonInterval(result.control_passes, result.control_probes);
  return result;
}

}  // namespace cutpoint::locate
