#include <gtest/gtest.h>

#include <algorithm>
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
#include "tests/testing/unary_op_test_util.h"

namespace ember {
namespace {

using testing::ExpectMatchesReferenceOverShapes;
using testing::OpTester;

TEST(Relu6Test, HandValues) {
  OpTester test(schema::OpCode::RELU6);
  test.Input({2, 4}, {-3, -0.5f, 0, 3, 5.99f, 6, 6.5f, 100}).Output({2, 4});
  ASSERT_EQ(test.Run(kernels::kRelu6), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0, 0, 3, 5.99f, 6, 6, 6}));
}

TEST(Relu6Test, NanPassesThrough) {
  OpTester test(schema::OpCode::RELU6);
  test.Input({1}, {std::numeric_limits<float>::quiet_NaN()}).Output({1});
  ASSERT_EQ(test.Run(kernels::kRelu6), Status::kOk) << test.error();
  EXPECT_TRUE(std::isnan(test.OutputFloats(0)[0]));
}

TEST(Relu6Test, Scalar) {
  OpTester test(schema::OpCode::RELU6);
  test.Input({}, {9}).Output({});
  ASSERT_EQ(test.Run(kernels::kRelu6), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6}));
}

// Tolerance 0: the result is the input, 0 or 6, exactly.
TEST(Relu6Test, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::RELU6, kernels::kRelu6, 2, -4, 10,
      [](double x) { return std::min(std::max(x, 0.0), 6.0); }, 0.0f);
}

TEST(Relu6Test, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kRelu6);
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(Relu6Test, Int8HandValues) {
  // Scale 0.04, zero point -30 in and out: real 0 is -30, real 6 is
  // 6 / 0.04 - 30 = 120; values are clamped to [-30, 120] as they are.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kRelu6, {-128, -31, -30, 0, 119, 120, 121, 127}, {0.04f, -30}, {0.04f, -30});
  EXPECT_EQ(output, (std::vector<int8_t>{-30, -30, -30, 0, 119, 120, 120, 120}));
}

TEST(Relu6Test, Int8SixBeyondRange) {
  // Scale 0.01, zero point 0: 6 would be 600, saturated to 127, so only the
  // lower clamp bites.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kRelu6, {-128, -1, 0, 127}, {0.01f, 0}, {0.01f, 0});
  EXPECT_EQ(output, (std::vector<int8_t>{0, 0, 0, 127}));
}

TEST(Relu6Test, Int16HandValues) {
  // Scale 2^-12: 6 is 24576.
  const std::vector<int16_t> output = testing::RunQuantizedUnary<int16_t>(
      kernels::kRelu6, {-32768, -5, 0, 24575, 24576, 30000}, {1.0f / 4096, 0}, {1.0f / 4096, 0});
  EXPECT_EQ(output, (std::vector<int16_t>{0, 0, 0, 24575, 24576, 24576}));
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on a model
// made by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(Relu6Test, Int8MatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kRelu6, 21, "ew_relu6", testing::NoOptions);
}

TEST(Relu6Test, RejectsOutputQuantizedDifferently) {
  // TFLite Micro clamps in the input's quantization without requantizing.
  OpTester test(schema::OpCode::RELU6);
  test.InputOf<int8_t>({2}, {1, 2})
      .Quantize({0.05f}, {-10})
      .Output({2}, schema::TensorType::INT8)
      .Quantize({0.1f}, {5});
  EXPECT_EQ(test.Run(kernels::kRelu6), Status::kInvalidModel);
  EXPECT_NE(test.error().find("quantized alike"), std::string::npos) << test.error();
}

}  // namespace
}  // namespace ember
