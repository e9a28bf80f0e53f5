#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
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

TEST(TanhTest, HandValues) {
  // tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6; odd; saturates to +-1.
  const float ln2 = std::log(2.0f);
  OpTester test(schema::OpCode::TANH);
  test.Input({5}, {0, ln2, -ln2, 20, -20}).Output({5});
  ASSERT_EQ(test.Run(kernels::kTanh), Status::kOk) << test.error();
  EXPECT_TRUE(AllClose(test.OutputFloats(0), {0, 0.6f, -0.6f, 1, -1}, 1e-7f));
}

TEST(TanhTest, Scalar) {
  OpTester test(schema::OpCode::TANH);
  test.Input({}, {-100}).Output({});
  ASSERT_EQ(test.Run(kernels::kTanh), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1}));
}

// Tolerance: tanhf is within a couple of ulps; outputs lie in [-1, 1], so
// atol 1e-7 and rtol 1e-6 for small values.
TEST(TanhTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::TANH, kernels::kTanh, 5, -5, 5, [](double x) { return std::tanh(x); }, 1e-7f,
      1e-6f);
}

TEST(TanhTest, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kTanh);
}

// ---- Int8 and int16 -----------------------------------------------------------

double Tanh(double x) { return std::tanh(x); }

constexpr Quant kInt8Output = {1.0f / 128, 0};
constexpr Quant kInt16Output = {1.0f / 32768, 0};

TEST(TanhTest, Int8HandValues) {
  // Input scale 1/16: the Q4.27 input multiplier is 2^30 shifted left by 24,
  // and inputs from 120 steps (7.5) out saturate. Output q = 128 tanh(x):
  // tanh(0.5) = 0.462117 -> 59.15 -> 59; tanh(+-1) = +-0.761594 -> +-97.48
  // -> +-97; tanh(7.4375) * 128 = 127.99 rounds to 128 and clamps to 127;
  // its negative to -128.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kTanh, {0, 8, 16, -16, 119, -119, 120, -120}, {1.0f / 16, 0}, kInt8Output);
  EXPECT_EQ(output, (std::vector<int8_t>{0, 59, 97, -97, 127, -128, 127, -128}));
}

// Every int8 input at several quantizations against the double tanh rounded
// once: gemmlowp's fixed-point tanh is accurate to about 2^-26 and the
// result is rounded once more to 2^-7, so within 1 step, nearly all exact.
TEST(TanhTest, Int8AllInputsMatchReference) {
  const Quant inputs[] = {{1.0f / 16, 0}, {0.01f, 5}, {0.03f, 4}, {0.15f, -20}, {0.5f, 0}};
  int exact = 0;
  int total = 0;
  for (const Quant& in : inputs) {
    SCOPED_TRACE("scale " + std::to_string(in.scale));
    const std::vector<int8_t> input = testing::AllInt8();
    testing::ExpectWithin(
        testing::RunQuantizedUnary<int8_t>(kernels::kTanh, input, in, kInt8Output),
        testing::QuantizedReference<int8_t>(input, in, kInt8Output, Tanh), 1, &exact, &total);
  }
  EXPECT_GE(exact * 100, total * 97) << exact << " of " << total << " exact";
}

// Every int8 input against TFLite Micro's reference arithmetic
// (tflm_int8_reference.h), bit for bit, over input scales from 2^-28 to
// 2^4 (every input saturates) and zero points across the int8 range.
TEST(TanhTest, Int8AllInputsMatchTflmArithmeticOverQuantizations) {
  testing::ExpectEveryInt8InputMatchesOverQuantizations(
      kernels::kTanh, kInt8Output, [](int8_t x, Quant in) {
        return testing::TflmInt8Tanh(x, testing::TflmInt8SigmoidPrepare(in.scale, in.zero_point));
      });
}

TEST(TanhTest, Int16HandValues) {
  // Input scale 2^-12 is rescaled by 3 exactly (2^-12 / 3 per unit), 2^-11
  // by 6; the table (sigmoid at steps of 1/24, read at twice the input) steps
  // every 2^8 units. x = +-1 is 12288 units, entry 48 exactly: 57724 in
  // Q0.16, and 2 * 57724 / 2^16 - 1 in Q0.15 is (57724 * 2^8 - 2^23 + 2^7)
  // >> 8 = 24956 (tanh(1) * 2^15 = 24956.0), mirrored to -24956. x = 16 is
  // past the table: 32767, and -32767 for -16.
  {
    const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
        kernels::kTanh, {0, 4096, -4096}, {1.0f / 4096, 0}, kInt16Output);
    EXPECT_EQ(output, (std::vector<int16_t>{0, 24956, -24956}));
  }
  {
    const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
        kernels::kTanh, {2048, -2048, 32767, -32768}, {1.0f / 2048, 0}, kInt16Output);
    EXPECT_EQ(output, (std::vector<int16_t>{24956, -24956, 32767, -32767}));
  }
}

// Every int16 input at several scales against the double tanh rounded once
// to 2^-15. TFLite rounds the rescaled input to units of 2^-12 / 3 (moving
// tanh by up to 0.7 steps where its slope is 1), truncates its input
// multiplier to 15 bits (up to 2^-14 relative), and computes 2 sigmoid(2x) -
// 1, which doubles the table's interpolation error (0.7 steps) and rounding
// (0.5 steps): within 3 steps, the power-of-two scales (exact rescaling)
// within 1, more than half exact.
TEST(TanhTest, Int16MatchesReference) {
  const float scales[] = {1.0f / 4096, 1.0f / 2048, 1e-4f, 3e-4f, 1e-3f};
  int exact = 0;
  int total = 0;
  for (float scale : scales) {
    SCOPED_TRACE("scale " + std::to_string(scale));
    const Quant in = {scale, 0};
    const std::vector<int16_t> input = testing::AllInt16();
    const int tolerance = scale == 1.0f / 4096 || scale == 1.0f / 2048 ? 1 : 3;
    testing::ExpectWithin(
        testing::RunQuantizedUnary<int16_t>(kernels::kTanh, input, in, kInt16Output),
        testing::QuantizedReference<int16_t>(input, in, kInt16Output, Tanh), tolerance, &exact,
        &total);
  }
  EXPECT_GE(exact * 100, total * 55) << exact << " of " << total << " exact";
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(TanhTest, Int8MatchesTflm) {
  for (const char* name : {"ew_tanh", "ew_tanh_wide"}) {
    testing::ExpectMatchesTflm(kernels::kTanh, 28, name, testing::NoOptions);
  }
}

// The near_pot case has a scale within TFLite's tolerance of 2^-11, which it
// rescales by exactly 6 rather than by the scale's own multiplier.
TEST(TanhTest, Int16MatchesTflm) {
  for (const char* name : {"ew_i16_tanh_pot", "ew_i16_tanh", "ew_i16_tanh_near_pot"}) {
    testing::ExpectMatchesTflmInt16(kernels::kTanh, 28, name, testing::NoOptions);
  }
}

TEST(TanhTest, RejectsBadQuantization) {
  struct Bad {
    const char* what;
    TensorType type;
    Quant input;
    Quant output;
  };
  const Bad cases[] = {
      {"int8 output scale not 1/128", TensorType::INT8, {0.1f, 0}, {1.0f / 256, 0}},
      {"int8 output zero point not 0", TensorType::INT8, {0.1f, 0}, {1.0f / 128, -128}},
      {"int16 output scale not 2^-15", TensorType::INT16, {1e-3f, 0}, {1.0f / 32767, 0}},
      {"int16 output zero point", TensorType::INT16, {1e-3f, 0}, {1.0f / 32768, 4}},
      {"int16 input scale above 2.67", TensorType::INT16, {2.7f, 0}, kInt16Output},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::TANH);
    if (bad.type == TensorType::INT8) {
      test.InputOf<int8_t>({2}, {1, 2});
    } else {
      test.InputOf<int16_t>({2}, {1, 2});
    }
    test.Quantize({bad.input.scale}, {bad.input.zero_point})
        .Output({2}, bad.type)
        .Quantize({bad.output.scale}, {bad.output.zero_point});
    EXPECT_EQ(test.Run(kernels::kTanh), Status::kInvalidModel);
    EXPECT_FALSE(test.error().empty());
  }
}

}  // namespace
}  // namespace ember
