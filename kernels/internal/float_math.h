// Float exp, tanh and sigmoid without calls or branches, so that a loop over
// them vectorizes (see EMBER_HOST_SIMD_CLONES): the C library's expf is a
// call per element, which keeps every loop around it scalar. Each function
// computes both sides of its case split and selects one per element, which
// the compiler turns into masks.
//
// Accuracy against the true value, in ulps of the result (subnormal results
// in their coarser last place; tests/kernels/internal/float_math_test.cc
// sweeps all ranges sparsely and the worst regions densely): ExpFloat within
// 1 ulp (0.95 seen; the C library's is correctly rounded but a call),
// TanhFloat within 6 (5.2 seen, just above |x| = 1/4, as with the expf form
// it replaces), SigmoidFloat within 3 (2.4 seen, as with expf). Special
// values: NaN in, NaN out; ExpFloat(+inf) = +inf, ExpFloat(-inf) = 0; tanh
// and sigmoid saturate at +-inf.
//
// Only plain float arithmetic, rounded once per operation (the project builds
// with -ffp-contract=off), so every target and both host clones compute the
// same bits.
#ifndef EMBER_KERNELS_INTERNAL_FLOAT_MATH_H_
#define EMBER_KERNELS_INTERNAL_FLOAT_MATH_H_

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/internal/common.h"

namespace ember::kernels {

EMBER_ALWAYS_INLINE uint32_t BitsOfFloat(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return bits;
}

EMBER_ALWAYS_INLINE float FloatOfBits(uint32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

// a where choose_a, else b: in bit masks rather than a branch, so the
// compiler keeps the loop around it straight-line (it does not turn a
// float ?: into a vector select while -ftrapping-math, the default, has it
// assume that float arithmetic moved into an arm could raise an exception).
EMBER_ALWAYS_INLINE float SelectFloat(bool choose_a, float a, float b) {
  const uint32_t mask = 0u - static_cast<uint32_t>(choose_a);
  return FloatOfBits((BitsOfFloat(a) & mask) | (BitsOfFloat(b) & ~mask));
}

// 2^n for n in [-126, 127], built in the exponent field.
EMBER_ALWAYS_INLINE float PowerOfTwo(int32_t n) {
  return FloatOfBits(static_cast<uint32_t>(n + 127) << 23);
}

// e^x = 2^n * e^r with n = round(x / ln 2) and |r| <= ln 2 / 2 (Cody and
// Waite: ln 2 in two parts, the first with few enough bits that n times it
// is exact). e^r = 1 + r + r^2 P(r), P of degree 5 (Cephes' expf
// coefficients). 2^n is applied as two factors 2^(n/2) and 2^(n - n/2),
// each a normal float, so results down to the subnormals (x near -104)
// and up to the overflow to infinity (x above ~88.72) come out right.
EMBER_ALWAYS_INLINE float ExpFloat(float x) {
  // Clamped (NaN passes both tests unchanged): e^-104 rounds to 0, e^89
  // overflows, and n stays within [-150, 129].
  x = SelectFloat(x < -104.0f, -104.0f, x);
  x = SelectFloat(x > 89.0f, 89.0f, x);
  // Adding 1.5 * 2^23 rounds to an integer, which lands in the low bits.
  constexpr float kRounder = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kRounder;
  const float n = shifted - kRounder;
  const int32_t n_int = static_cast<int32_t>(BitsOfFloat(shifted) - BitsOfFloat(kRounder));
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float exp_r = p * (r * r) + r + 1.0f;
  const int32_t half = n_int / 2;
  return exp_r * PowerOfTwo(half) * PowerOfTwo(n_int - half);
}

// tanh |x| = 1 - 2 / (e^(2|x|) + 1), which loses only a few ulps to the
// cancellation for |x| >= 1/4; below that, the odd Taylor series up to x^13
// (the first term left out is below 2^-39 there). From |x| = 10 on the
// result rounds to 1, so larger inputs (and infinities) are clamped there.
EMBER_ALWAYS_INLINE float TanhFloat(float x) {
  float magnitude = fabsf(x);
  magnitude = SelectFloat(magnitude > 10.0f, 10.0f, magnitude);
  const float far = 1.0f - 2.0f / (ExpFloat(2.0f * magnitude) + 1.0f);
  const float x2 = x * x;
  const float series =
      -1.0f / 3 +
      x2 * (2.0f / 15 +
            x2 * (-17.0f / 315 +
                  x2 * (62.0f / 2835 + x2 * (-1382.0f / 155925 + x2 * (21844.0f / 6081075)))));
  const float near = x + x * x2 * series;
  // The sign comes from x for both (near alone would turn -0 into +0).
  return copysignf(SelectFloat(magnitude < 0.25f, near, far), x);
}

// Exponentiates only -|x|, so the exponential stays in (0, 1] and never
// overflows: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below (1 / (1 +
// e^-x) there would reach 0 once e^-x overflows, where the true value is
// still a subnormal down to x of about -103).
EMBER_ALWAYS_INLINE float SigmoidFloat(float x) {
  const float e = ExpFloat(-fabsf(x));
  const float numerator = SelectFloat(x >= 0.0f, 1.0f, e);
  return numerator / (1.0f + e);
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_FLOAT_MATH_H_
