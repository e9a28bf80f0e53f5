#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"
#include "tests/testing/tflm_int8_reference.h"
#include "tests/testing/unary_op_test_util.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::AllClose;
using testing::ExpectMatchesReferenceOverShapes;
using testing::OpTester;
using testing::Quant;

TEST(LogisticTest, HandValues) {
  // sigmoid(0) = 1/2; sigmoid(+-ln 3) = 3/4 and 1/4 (e^-ln3 = 1/3).
  const float ln3 = std::log(3.0f);
  OpTester test(schema::OpCode::LOGISTIC);
  test.Input({3}, {0, ln3, -ln3}).Output({3});
  ASSERT_EQ(test.Run(kernels::kLogistic), Status::kOk) << test.error();
  EXPECT_TRUE(AllClose(test.OutputFloats(0), {0.5f, 0.75f, 0.25f}, 1e-7f));
}

TEST(LogisticTest, SaturatesWithoutNanForLargeMagnitudes) {
  // e^100 and e^1000 overflow float: e^x / (1 + e^x) would give NaN for the
  // large positive inputs, 1 / (1 + e^-x) exactly 0 for x = -100.
  const float inf = std::numeric_limits<float>::infinity();
  OpTester test(schema::OpCode::LOGISTIC);
  test.Input({6}, {100, -100, 1000, -1000, inf, -inf}).Output({6});
  ASSERT_EQ(test.Run(kernels::kLogistic), Status::kOk) << test.error();
  const std::vector<float> out = test.OutputFloats(0);
  EXPECT_EQ(out[0], 1.0f);
  // sigmoid(-100) = 3.7e-44, a float denormal.
  EXPECT_GT(out[1], 0.0f);
  EXPECT_LT(out[1], 1e-43f);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(out[4], 1.0f);
  EXPECT_EQ(out[5], 0.0f);
}

TEST(LogisticTest, Scalar) {
  OpTester test(schema::OpCode::LOGISTIC);
  test.Input({}, {0}).Output({});
  ASSERT_EQ(test.Run(kernels::kLogistic), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0.5f}));
}

// Tolerance: expf and the division each add about an ulp; outputs lie in
// [0, 1], so atol 1e-7 (about two ulps at 1) and rtol 1e-6 for small ones.
TEST(LogisticTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::LOGISTIC, kernels::kLogistic, 4, -20, 20,
      [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, 1e-7f, 1e-6f);
}

TEST(LogisticTest, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kLogistic);
}

// ---- Int8 and int16 -----------------------------------------------------------

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

constexpr Quant kInt8Output = {1.0f / 256, -128};
constexpr Quant kInt16Output = {1.0f / 32768, 0};

TEST(LogisticTest, Int8HandValues) {
  // Input scale 1/16: the Q4.27 input multiplier is 2^23 = 2^30 * 2^-31
  // shifted left by 24, and inputs from 15 * 2^27 / 2^24 = 120 steps (7.5)
  // out saturate. Output q = 256 sigmoid(x) - 128: sigmoid(0) = 0.5 -> 0;
  // sigmoid(+-1) = 0.731059 / 0.268941 -> 187.15 / 68.85 -> +-59;
  // sigmoid(7.4375) = 0.999411 -> 127.85 -> 127 (clamped);
  // sigmoid(-7.4375) = 0.000589 -> 0.15 -> -128.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kLogistic, {0, 16, -16, 119, -119, 120, -120, 127, -128}, {1.0f / 16, 0},
      kInt8Output);
  EXPECT_EQ(output, (std::vector<int8_t>{0, 59, -59, 127, -128, 127, -128, 127, -128}));
}

// Every int8 input at several quantizations against the double sigmoid,
// rounded once: gemmlowp's fixed-point logistic is accurate to about 2^-26
// and the result is rounded once more to 2^-8, so within 1 step, nearly all
// exact.
TEST(LogisticTest, Int8AllInputsMatchReference) {
  const Quant inputs[] = {{1.0f / 16, 0}, {0.02f, 5}, {0.08f, -7}, {0.3f, 100}, {0.003f, -128}};
  int exact = 0;
  int total = 0;
  for (const Quant& in : inputs) {
    SCOPED_TRACE("scale " + std::to_string(in.scale));
    const std::vector<int8_t> input = testing::AllInt8();
    testing::ExpectWithin(
        testing::RunQuantizedUnary<int8_t>(kernels::kLogistic, input, in, kInt8Output),
        testing::QuantizedReference<int8_t>(input, in, kInt8Output, Sigmoid), 1, &exact, &total);
  }
  EXPECT_GE(exact * 100, total * 97) << exact << " of " << total << " exact";
}

// Every int8 input against TFLite Micro's reference arithmetic
// (tflm_int8_reference.h), bit for bit, over input scales from 2^-28 to
// 2^4 (every input saturates) and zero points across the int8 range.
TEST(LogisticTest, Int8AllInputsMatchTflmArithmeticOverQuantizations) {
  testing::ExpectEveryInt8InputMatchesOverQuantizations(
      kernels::kLogistic, kInt8Output, [](int8_t x, Quant in) {
        return testing::TflmInt8Logistic(x, testing::TflmInt8SigmoidPrepare(in.scale, in.zero_point));
      });
}

TEST(LogisticTest, Int16HandValues) {
  // Input scale 2^-12 is rescaled by 3 exactly: 2^-12 / 3 per unit, and the
  // table steps (1/24) are 2^9 units. x = +-1 (q = +-4096) is 12288 units,
  // entry 24 exactly: 47911 (Q0.16), which rounds to (47911 + 1) / 2 = 23956
  // in Q0.15 (sigmoid(1) * 2^15 = 23955.4); for -1 TFLite mirrors it as
  // (2^25 - 47911 * 2^9 + 2^9 - 1) >> 10 = 8812 (8812.6). x = 0: entry 0,
  // 32768 -> 16384. x = 0.5 (q = 2048): 6144 units, entry 12, 40794 ->
  // 20397 (20393.6 exactly: TFLite's entries run up to 1 high).
  const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
      kernels::kLogistic, {0, 4096, -4096, 2048}, {1.0f / 4096, 0}, kInt16Output);
  EXPECT_EQ(output, (std::vector<int16_t>{16384, 23956, 8812, 20397}));
}

TEST(LogisticTest, Int16Saturates) {
  // Input scale 1e-3 (not a power of two): the multiplier 12.288 is doubled
  // 11 times to 25165, so 32767 (x = 32.8) is 201316 units, past the table
  // (255 * 2^9 = 130560): 32767 and, for negative inputs, 1 (TFLite's
  // mirror of its saturated value, not 0).
  const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
      kernels::kLogistic, {32767, -32768, 11000, -11000}, {1e-3f, 0}, kInt16Output);
  EXPECT_EQ(output, (std::vector<int16_t>{32767, 1, 32767, 1}));
}

// Every int16 input at several scales against the double sigmoid rounded
// once to 2^-15. TFLite interpolates linearly between table entries 1/24
// apart (an error up to about 0.7 steps of the output), entries up to 1
// high in Q0.16 (0.5 steps), and truncates its input multiplier to 15 bits;
// the errors partly cancel: within 1 step, three quarters exact.
TEST(LogisticTest, Int16MatchesReference) {
  const float scales[] = {1.0f / 4096, 1e-4f, 3e-4f, 1e-3f, 2.5f / 32768};
  int exact = 0;
  int total = 0;
  for (float scale : scales) {
    SCOPED_TRACE("scale " + std::to_string(scale));
    const Quant in = {scale, 0};
    const std::vector<int16_t> input = testing::AllInt16();
    testing::ExpectWithin(
        testing::RunQuantizedUnary<int16_t>(kernels::kLogistic, input, in, kInt16Output),
        testing::QuantizedReference<int16_t>(input, in, kInt16Output, Sigmoid), 1, &exact, &total);
  }
  EXPECT_GE(exact * 100, total * 70) << exact << " of " << total << " exact";
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(LogisticTest, Int8MatchesTflm) {
  for (const char* name : {"ew_logistic", "ew_logistic_wide"}) {
    testing::ExpectMatchesTflm(kernels::kLogistic, 14, name, testing::NoOptions);
  }
}

// The near_pot case has a scale within TFLite's tolerance of 2^-12, which it
// rescales by exactly 3 rather than by the scale's own multiplier.
TEST(LogisticTest, Int16MatchesTflm) {
  for (const char* name : {"ew_i16_logistic_pot", "ew_i16_logistic", "ew_i16_logistic_near_pot"}) {
    testing::ExpectMatchesTflmInt16(kernels::kLogistic, 14, name, testing::NoOptions);
  }
}

TEST(LogisticTest, RejectsBadQuantization) {
  struct Bad {
    const char* what;
    TensorType type;
    Quant input;
    Quant output;
  };
  const Bad cases[] = {
      {"int8 output scale not 1/256", TensorType::INT8, {0.1f, 0}, {1.0f / 255, -128}},
      {"int8 output zero point not -128", TensorType::INT8, {0.1f, 0}, {1.0f / 256, 0}},
      {"int8 input zero point out of range", TensorType::INT8, {0.1f, 200}, kInt8Output},
      {"int16 output scale not 2^-15", TensorType::INT16, {1e-3f, 0}, {1.0f / 16384, 0}},
      {"int16 input zero point", TensorType::INT16, {1e-3f, 1}, kInt16Output},
      {"int16 input scale above 2.67", TensorType::INT16, {3.0f, 0}, kInt16Output},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::LOGISTIC);
    if (bad.type == TensorType::INT8) {
      test.InputOf<int8_t>({2}, {1, 2});
    } else {
      test.InputOf<int16_t>({2}, {1, 2});
    }
    test.Quantize({bad.input.scale}, {bad.input.zero_point})
        .Output({2}, bad.type)
        .Quantize({bad.output.scale}, {bad.output.zero_point});
    EXPECT_EQ(test.Run(kernels::kLogistic), Status::kInvalidModel);
    EXPECT_FALSE(test.error().empty());
  }
}

}  // namespace
}  // namespace ember
