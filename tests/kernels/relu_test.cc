#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"
#include "tests/testing/unary_op_test_util.h"

namespace ember {
namespace {

using testing::ExpectMatchesReferenceOverShapes;
using testing::OpTester;
using testing::Quant;

TEST(ReluTest, HandValues) {
  OpTester test(schema::OpCode::RELU);
  test.Input({2, 3}, {-3, -0.5f, 0, 0.5f, 7, 1e30f}).Output({2, 3});
  ASSERT_EQ(test.Run(kernels::kRelu), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0, 0, 0.5f, 7, 1e30f}));
}

TEST(ReluTest, NanPassesThrough) {
  OpTester test(schema::OpCode::RELU);
  test.Input({1}, {std::numeric_limits<float>::quiet_NaN()}).Output({1});
  ASSERT_EQ(test.Run(kernels::kRelu), Status::kOk) << test.error();
  EXPECT_TRUE(std::isnan(test.OutputFloats(0)[0]));
}

TEST(ReluTest, Scalar) {
  OpTester test(schema::OpCode::RELU);
  test.Input({}, {-2}).Output({});
  ASSERT_EQ(test.Run(kernels::kRelu), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0}));
}

// Tolerance 0: the result is the input or zero, exactly.
TEST(ReluTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::RELU, kernels::kRelu, 1, -8, 8, [](double x) { return x > 0 ? x : 0; }, 0.0f);
}

TEST(ReluTest, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kRelu);
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(ReluTest, Int8RequantizesHandValues) {
  // Input scale 0.05, zero point -10; output scale 0.1, zero point 5: the
  // multiplier 1/2, q = (x + 10) / 2 + 5 clamped below at 5 (real 0).
  // -128, -20, -10 -> 5; 0 -> 10; 50 -> 35; 100 -> 60; 110 -> 65; 127 ->
  // 68.5 + 5, rounding half up to 74.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kRelu, {-128, -20, -10, 0, 50, 100, 110, 127}, {0.05f, -10}, {0.1f, 5});
  EXPECT_EQ(output, (std::vector<int8_t>{5, 5, 5, 10, 35, 60, 65, 74}));
}

TEST(ReluTest, Int16HandValues) {
  // Input scale 2^-10, output 2^-11: q = 2x, clamped to [0, 32767].
  const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
      kernels::kRelu, {-100, 0, 100, 20000}, {1.0f / 1024, 0}, {1.0f / 2048, 0});
  EXPECT_EQ(output, (std::vector<int16_t>{0, 0, 200, 32767}));
}

// Every int8 input (and a spread of int16 inputs) at several quantization
// pairs against max(x, 0) rounded once: TFLite's one requantization rounds
// twice (high multiply, then shift), so within 1 step, nearly all exact.
TEST(ReluTest, QuantizedMatchesReference) {
  const auto relu = [](double x) { return x > 0 ? x : 0.0; };
  const std::pair<Quant, Quant> int8_cases[] = {
      {{0.05f, -10}, {0.1f, 5}}, {{0.02f, 3}, {0.013f, -128}}, {{0.1f, 0}, {0.3f, 100}}};
  int exact = 0;
  int total = 0;
  for (const auto& [in, out] : int8_cases) {
    const std::vector<int8_t> input = testing::AllInt8();
    testing::ExpectWithin(testing::RunQuantizedUnary<int8_t>(kernels::kRelu, input, in, out),
                          testing::QuantizedReference<int8_t>(input, in, out, relu), 1, &exact,
                          &total);
  }
  const std::pair<Quant, Quant> int16_cases[] = {{{3e-4f, 0}, {2e-4f, 0}},
                                                 {{1e-4f, 0}, {7e-4f, 0}}};
  for (const auto& [in, out] : int16_cases) {
    const std::vector<int16_t> input = testing::AllInt16();
    testing::ExpectWithin(testing::RunQuantizedUnary<int16_t>(kernels::kRelu, input, in, out),
                          testing::QuantizedReference<int16_t>(input, in, out, relu), 1, &exact,
                          &total);
  }
  EXPECT_GE(exact * 100, total * 95) << exact << " of " << total << " exact";
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(ReluTest, Int8MatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kRelu, 19, "ew_relu_requantize", testing::NoOptions);
}

TEST(ReluTest, Int16MatchesTflm) {
  testing::ExpectMatchesTflmInt16(kernels::kRelu, 19, "ew_i16_relu_requantize", testing::NoOptions);
}

TEST(ReluTest, RejectsBadQuantization) {
  {
    OpTester test(schema::OpCode::RELU);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, schema::TensorType::INT8)
        .Quantize({0.1f, 0.2f}, {0, 0});
    EXPECT_EQ(test.Run(kernels::kRelu), Status::kInvalidModel) << "per-channel output";
  }
  {
    OpTester test(schema::OpCode::RELU);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, schema::TensorType::INT16)
        .Quantize({0.1f}, {-3});
    EXPECT_EQ(test.Run(kernels::kRelu), Status::kInvalidModel) << "int16 zero point";
  }
}

}  // namespace
}  // namespace ember
