// SPDX-License-Identifier: Apache-2.0
// Exact division of 64-bit dividends by a divisor fixed at run time, without a hardware
// divide: a multiply by a precomputed reciprocal and shifts (Granlund and Montgomery,
// "Division by invariant integers using multiplication", 1994; the layout of libdivide's
// unsigned 64-bit "branchfull" divider). A 64-bit `div` costs tens of cycles; this costs
// one 64x64->128 multiply and two or three single-cycle operations.
//
// Three forms, chosen once per divisor:
//   - d a power of two (d == 1 included):        q = n >> k
//   - the 65-bit reciprocal rounds to 64 bits:    q = mulhi(m, n) >> s
//   - otherwise (65-bit magic, low 64 bits in m): t = mulhi(m, n); q = (t + ((n - t) >> 1)) >> s
#ifndef CUTPOINT_ENGINE_BASE_FAST_DIVISOR_H_
#define CUTPOINT_ENGINE_BASE_FAST_DIVISOR_H_

#include <bit>
#include <cstdint>

namespace cutpoint::base {

class FastDivisor {
 public:
  // Divides by 1.
  constexpr FastDivisor() = default;
  // `divisor` >= 1 (0 is treated as 1: callers never divide by zero).
  constexpr explicit FastDivisor(uint64_t divisor) {
    if (divisor == 0) divisor = 1;
    divisor_ = divisor;
    const int floor_log2 = 63 - std::countl_zero(divisor);
    shift_ = floor_log2;
    if (std::has_single_bit(divisor)) {
      form_ = Form::kShift;
      return;
    }
    // floor(2^(64 + floor_log2) / d): below 2^64 because d > 2^floor_log2.
    const unsigned __int128 numerator = static_cast<unsigned __int128>(1) << (64 + floor_log2);
    uint64_t magic = static_cast<uint64_t>(numerator / divisor);
    const uint64_t remainder = static_cast<uint64_t>(numerator % divisor);
    const uint64_t error = divisor - remainder;
    if (error < (uint64_t{1} << floor_log2)) {
      // ceil(2^(64 + s) / d) is exact for every 64-bit dividend.
      form_ = Form::kMultiplyShift;
    } else {
      // One more bit of reciprocal: floor(2^(65 + s) / d) + 1 - 2^64, added back by the
      // fixup. Doubling the quotient and the remainder gives the 65-bit one.
      form_ = Form::kMultiplyAddShift;
      magic += magic;
      const uint64_t twice_remainder = remainder + remainder;
      if (twice_remainder >= divisor || twice_remainder < remainder) magic += 1;
    }
    magic_ = magic + 1;
  }

  constexpr uint64_t divisor() const { return divisor_; }

  // n / divisor().
  constexpr uint64_t Divide(uint64_t n) const {
    switch (form_) {
      case Form::kShift:
        return n >> shift_;
      case Form::kMultiplyShift:
        return MulHi(magic_, n) >> shift_;
      case Form::kMultiplyAddShift:
      default: {
        const uint64_t t = MulHi(magic_, n);
        return (t + ((n - t) >> 1)) >> shift_;
      }
    }
  }
  // n % divisor().
  constexpr uint64_t Remainder(uint64_t n) const { return n - Divide(n) * divisor_; }
  // Both at once: returns the quotient, stores the remainder.
  constexpr uint64_t DivMod(uint64_t n, uint64_t* remainder) const {
    const uint64_t q = Divide(n);
    *remainder = n - q * divisor_;
    return q;
  }

 private:
  enum class Form : uint8_t { kShift, kMultiplyShift, kMultiplyAddShift };

  static constexpr uint64_t MulHi(uint64_t a, uint64_t b) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
  }

  uint64_t divisor_ = 1;
  uint64_t magic_ = 0;
  int shift_ = 0;
  Form form_ = Form::kShift;
};

}  // namespace cutpoint::base

#endif  // CUTPOINT_ENGINE_BASE_FAST_DIVISOR_H_
