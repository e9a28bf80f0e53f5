// RatioAsDouble and QuantizeMultiplier(DoubleParts) derive TFLite's
// multipliers in integers. The oracle is the computation TFLite Micro does,
// written here in double: static_cast<double>(a) * b / c, split by frexp and
// rounded with round(); the kernels' own double QuantizeMultiplier is checked
// against it too.
#include "kernels/internal/quantization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

namespace ember::kernels {
namespace {

// The double TFLite computes, as DoubleParts.
DoubleParts PartsOf(double real) {
  if (real == 0.0) return {0, 0};
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent);
  return {static_cast<uint64_t>(std::ldexp(mantissa, 53)), exponent};
}

// TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/
// quantization_util.cc), written out independently of the kernels' copy.
QuantizedMultiplier TfliteQuantizeMultiplier(double real) {
  if (real == 0.0) return {0, 0};
  int shift = 0;
  const double q = std::frexp(real, &shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {0, 0};
  if (shift > 30) return {std::numeric_limits<int32_t>::max(), 30};
  return {static_cast<int32_t>(q_fixed), shift};
}

float FloatFromBits(uint32_t bits) {
  float f = 0;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Counts disagreements (reporting the first few) over a * b / c.
class Checker {
 public:
  void Check(float a, float b, float c) {
    const double real = static_cast<double>(a) * static_cast<double>(b) / static_cast<double>(c);
    const DoubleParts expected = PartsOf(real);
    const DoubleParts parts = RatioAsDouble(a, b, c);
    const QuantizedMultiplier want = TfliteQuantizeMultiplier(real);
    const QuantizedMultiplier got = QuantizeMultiplier(parts);
    const QuantizedMultiplier via_double = QuantizeMultiplier(real);
    ++checked_;
    // A tie of the rounding to 31 bits: the 22 bits dropped are 10...0.
    if ((expected.significand & 0x3FFFFF) == 0x200000) ++ties_;
    const bool same = parts.significand == expected.significand &&
                      (expected.significand == 0 || parts.exponent == expected.exponent) &&
                      got.multiplier == want.multiplier && got.shift == want.shift &&
                      via_double.multiplier == want.multiplier && via_double.shift == want.shift;
    if (same) return;
    if (++failures_ <= 5) {
      ADD_FAILURE() << std::hexfloat << "a=" << a << " b=" << b << " c=" << c << " real=" << real
                    << std::dec << ": integer {" << got.multiplier << ", " << got.shift
                    << "}, TFLite {" << want.multiplier << ", " << want.shift << "}";
    }
  }
  int64_t checked() const { return checked_; }
  int64_t ties() const { return ties_; }
  int64_t failures() const { return failures_; }

 private:
  int64_t checked_ = 0;
  int64_t ties_ = 0;
  int64_t failures_ = 0;
};

// Hand-worked: 0.5 * 0.25 / 1 = 2^-3 = 0.5 * 2^-2, mantissa 2^30.
TEST(QuantizationTest, PowerOfTwoRatio) {
  const DoubleParts parts = RatioAsDouble(0.5f, 0.25f, 1.0f);
  EXPECT_EQ(parts.significand, uint64_t{1} << 52);
  EXPECT_EQ(parts.exponent, -2);
  const QuantizedMultiplier m = QuantizeMultiplier(parts);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, -2);
}

// Hand-worked: 1 / 3 is the double 0x3FD5555555555555 (rounded down: the
// bits after the 53rd are 0101...), 0.666... * 2^-1; round(0.666... * 2^31)
// = 1431655765.
TEST(QuantizationTest, OneThird) {
  const DoubleParts parts = RatioAsDouble(1.0f, 1.0f, 3.0f);
  EXPECT_EQ(parts.significand, uint64_t{0x15555555555555});
  EXPECT_EQ(parts.exponent, -1);
  const QuantizedMultiplier m = QuantizeMultiplier(parts);
  EXPECT_EQ(m.multiplier, 1431655765);
  EXPECT_EQ(m.shift, -1);
}

TEST(QuantizationTest, ZeroAndClampedExponents) {
  const QuantizedMultiplier zero = QuantizeMultiplier(RatioAsDouble(0.0f, 0.5f, 0.25f));
  EXPECT_EQ(zero.multiplier, 0);
  EXPECT_EQ(zero.shift, 0);
  // 2^-40: below 2^-32, TFLite gives {0, 0}.
  const QuantizedMultiplier tiny = QuantizeMultiplier(RatioAsDouble(0x1p-20f, 0x1p-20f, 1.0f));
  EXPECT_EQ(tiny.multiplier, 0);
  EXPECT_EQ(tiny.shift, 0);
  // 2^40: TFLite saturates to {INT32_MAX, 30}.
  const QuantizedMultiplier huge = QuantizeMultiplier(RatioAsDouble(0x1p20f, 0x1p20f, 1.0f));
  EXPECT_EQ(huge.multiplier, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(huge.shift, 30);
}

// Every float in [1, 2) as the input scale (all 2^23 mantissas), with a
// weight and an output scale whose ratio is not a power of two, so that every
// quotient is rounded.
TEST(QuantizationTest, EveryMantissaMatchesDouble) {
  Checker checker;
  for (uint32_t mantissa = 0; mantissa < (1u << 23); ++mantissa) {
    const float a = FloatFromBits(0x3F800000u | mantissa);
    checker.Check(a, 0.0123456f, 0.0987654f);
  }
  EXPECT_EQ(checker.failures(), 0) << "of " << checker.checked();
}

// Random scales: bit patterns over every positive finite float (subnormals
// included) as the weight scale, the realistic range for input and output
// scales (at least kMinScale), and the FullyConnected form with the product
// rounded to float first; the 31-bit rounding ties must be among them.
TEST(QuantizationTest, RandomScalesMatchDouble) {
  std::mt19937 rng(20261206);
  std::uniform_int_distribution<uint32_t> any_positive(0, 0x7F7FFFFFu);
  std::uniform_int_distribution<uint32_t> any_normal(0x00800000u, 0x7F7FFFFFu);
  std::uniform_real_distribution<double> log2_scale(-28.0, 8.0);
  auto realistic = [&] { return static_cast<float>(std::exp2(log2_scale(rng))); };
  Checker checker;
  for (int i = 0; i < 300000; ++i) {
    checker.Check(realistic(), FloatFromBits(any_positive(rng)), realistic());
    checker.Check(realistic(), realistic(), realistic());
    const float input = realistic();
    const float weight = realistic();
    checker.Check(input * weight, 1.0f, realistic());
    // Exact quotients (powers of two) and exact products: the 31-bit
    // rounding then often sees a tie.
    checker.Check(realistic(), realistic(), FloatFromBits((1 + rng() % 254) << 23));
    checker.Check(FloatFromBits(any_positive(rng)), FloatFromBits(any_positive(rng)),
                  FloatFromBits(any_normal(rng)));
  }
  EXPECT_EQ(checker.failures(), 0) << "of " << checker.checked();
  EXPECT_GT(checker.ties(), 20);
}

}  // namespace
}  // namespace ember::kernels
