// A sweep of int8 Add, Sub or Mul against TFLite Micro's reference
// arithmetic (tflm_int8_reference.h), bit for bit, over broadcasts whose
// innermost runs take every pair of strides the kernels' run loops
// specialize (both 1, one operand 0, both 0) at lengths around their
// vector widths, with random quantizations.
#ifndef EMBER_TESTS_TESTING_INT8_ARITHMETIC_EXACT_SWEEP_H_
#define EMBER_TESTS_TESTING_INT8_ARITHMETIC_EXACT_SWEEP_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "interpreter/kernel.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_int8_reference.h"

namespace ember::testing {

inline void ExpectInt8ArithmeticMatchesTflmArithmetic(const Kernel& kernel, TflmArithmetic op,
                                                      uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<BroadcastShapes> shapes = {
      {{3, 70}, {3, 70}, {3, 70}},          {{70}, {4, 70}, {4, 70}},
      {{4, 33}, {33}, {4, 33}},             {{2, 1, 40}, {2, 3, 40}, {2, 3, 40}},
      {{2, 3, 1}, {2, 3, 17}, {2, 3, 17}},  {{5, 31}, {5, 1}, {5, 31}},
      {{4, 1}, {1, 9}, {4, 9}},             {{1}, {1}, {1}},
      {{}, {2, 65}, {2, 65}},               {{6, 1}, {6, 1}, {6, 1}},
      {{20, 20, 128}, {20, 1, 128}, {20, 20, 128}}};
  std::uniform_real_distribution<float> scale(0.005f, 0.2f);
  std::uniform_int_distribution<int> zero_point(-128, 127);
  for (int trial = 0; trial < 3; ++trial) {
    for (const BroadcastShapes& s : shapes) {
      const float a_scale = scale(rng);
      const float b_scale = scale(rng);
      // Outputs near the results' span, so most are not clamped.
      const float out_scale = op == TflmArithmetic::kMul ? a_scale * b_scale * 128
                                                         : (a_scale + b_scale) * 1.5f;
      const int32_t a_zp = zero_point(rng);
      const int32_t b_zp = zero_point(rng);
      const int32_t out_zp = zero_point(rng) / 4;
      const bool relu = trial == 1;
      SCOPED_TRACE("trial " + std::to_string(trial) + " out " + std::to_string(Count(s.out)));
      const TflmInt8ArithmeticParams params = TflmInt8ArithmeticPrepare(
          op, a_scale, a_zp, b_scale, b_zp, out_scale, out_zp, relu);
      const auto a = RandomInts<int8_t>(rng, static_cast<size_t>(Count(s.a)), -128, 127);
      const auto b = RandomInts<int8_t>(rng, static_cast<size_t>(Count(s.b)), -128, 127);
      OpTester test(kernel.op);
      test.InputOf<int8_t>(s.a, a).Quantize({a_scale}, {a_zp});
      test.InputOf<int8_t>(s.b, b).Quantize({b_scale}, {b_zp});
      test.Output(s.out, schema::TensorType::INT8)
          .Quantize({out_scale}, {out_zp})
          .Options(WithActivation(relu ? schema::Activation::RELU : schema::Activation::NONE));
      ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
      ASSERT_EQ(test.OutputAs<int8_t>(0),
                Reference(s, a, b, [&](int8_t x, int8_t y) {
                  return TflmInt8Arithmetic(x, y, params);
                }));
    }
  }
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_INT8_ARITHMETIC_EXACT_SWEEP_H_
