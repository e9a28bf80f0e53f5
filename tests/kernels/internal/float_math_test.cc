// ExpFloat, TanhFloat and SigmoidFloat against the C library's double exp
// and tanh (the oracle: rounding that to float is within half an ulp of the
// true value). Errors are measured in ulps of the true value: the float
// spacing at its magnitude, 2^-149 for subnormal results.
#include "kernels/internal/float_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace ember::kernels {
namespace {

float FloatWithBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

double UlpError(float actual, double expected) {
  const double expected_float = static_cast<float>(expected);
  if (std::isinf(expected_float)) {
    return actual == expected_float ? 0.0 : std::numeric_limits<double>::infinity();
  }
  int exponent = 0;
  std::frexp(expected, &exponent);
  const double ulp = std::fmax(std::ldexp(1.0, exponent - 24), std::ldexp(1.0, -149));
  return std::fabs(static_cast<double>(actual) - expected) / ulp;
}

struct WorstCase {
  double error = 0.0;
  float input = 0.0f;
};

// The largest error of fn against oracle over the floats x in [low, high]:
// every float with bits stepping by `step` through both signs (the bit
// patterns of one sign are ordered by magnitude), plus every float of
// [dense_low, dense_high] (the range where the function's error peaks).
template <typename Fn, typename Oracle>
WorstCase MaxError(Fn fn, Oracle oracle, double low, double high, uint32_t step, float dense_low,
                   float dense_high) {
  WorstCase worst;
  auto check = [&](float x) {
    if (!(x >= low && x <= high)) return;
    const double error = UlpError(fn(x), oracle(static_cast<double>(x)));
    if (error > worst.error) worst = {error, x};
  };
  for (uint64_t bits = 0; bits < (uint64_t{1} << 32); bits += step) {
    check(FloatWithBits(static_cast<uint32_t>(bits)));
  }
  for (float x = dense_low; x <= dense_high; x = std::nextafter(x, dense_high + 1.0f)) check(x);
  return worst;
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// The sweep covers every result from 0 to overflow; densely around ln 2 / 2,
// where the reduced argument r is largest (the polynomial's worst case).
TEST(FloatMathTest, ExpWithinOneAndAHalfUlps) {
  const WorstCase worst =
      MaxError([](float x) { return ExpFloat(x); }, [](double x) { return std::exp(x); }, -110.0,
               90.0, 4099, 0.3f, 0.4f);
  EXPECT_LE(worst.error, 1.5) << "at x = " << worst.input;
}

// 1 - 2 / (e^2x + 1) loses up to about three times exp's error to the
// cancellation just above |x| = 1/4 (where the series takes over below), the
// same as the expf-based form it replaces; swept densely there.
TEST(FloatMathTest, TanhWithinSixUlps) {
  const WorstCase worst =
      MaxError([](float x) { return TanhFloat(x); }, [](double x) { return std::tanh(x); }, -30.0,
               30.0, 4099, 0.2f, 0.35f);
  EXPECT_LE(worst.error, 6.0) << "at x = " << worst.input;
}

TEST(FloatMathTest, SigmoidWithinThreeUlps) {
  const WorstCase worst = MaxError([](float x) { return SigmoidFloat(x); }, Sigmoid, -110.0, 110.0,
                                   4099, -4.0f, -3.0f);
  EXPECT_LE(worst.error, 3.0) << "at x = " << worst.input;
}

TEST(FloatMathTest, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(ExpFloat(nan)));
  EXPECT_EQ(ExpFloat(inf), inf);
  EXPECT_EQ(ExpFloat(-inf), 0.0f);
  EXPECT_EQ(ExpFloat(0.0f), 1.0f);
  EXPECT_EQ(ExpFloat(89.0f), inf);  // e^89 is above FLT_MAX
  EXPECT_EQ(ExpFloat(-104.0f), 0.0f);  // below half the smallest subnormal
  // e^-100 = 3.72e-44: the subnormal 27 * 2^-149 (the nearest).
  EXPECT_EQ(ExpFloat(-100.0f), 27 * std::ldexp(1.0f, -149));

  EXPECT_TRUE(std::isnan(TanhFloat(nan)));
  EXPECT_EQ(TanhFloat(inf), 1.0f);
  EXPECT_EQ(TanhFloat(-inf), -1.0f);
  EXPECT_EQ(TanhFloat(9.5f), 1.0f);
  EXPECT_TRUE(std::signbit(TanhFloat(-0.0f)) && TanhFloat(-0.0f) == 0.0f);

  EXPECT_TRUE(std::isnan(SigmoidFloat(nan)));
  EXPECT_EQ(SigmoidFloat(inf), 1.0f);
  EXPECT_EQ(SigmoidFloat(-inf), 0.0f);
  EXPECT_EQ(SigmoidFloat(0.0f), 0.5f);
  EXPECT_EQ(SigmoidFloat(-100.0f), 27 * std::ldexp(1.0f, -149));
}

}  // namespace
}  // namespace ember::kernels
