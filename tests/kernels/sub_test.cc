#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/int8_arithmetic_exact_sweep.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"

namespace ember {
namespace {

using schema::Activation;
using schema::TensorType;
using testing::FloatActivationSweep;
using testing::Int32BroadcastSweep;
using testing::OpTester;
using testing::QuantizedBinarySweep;
using testing::WithActivation;

TEST(SubTest, BroadcastsEitherOperand) {
  // Row vector on the right: {1,2;3,4} - {10,20}.
  {
    OpTester test(schema::OpCode::SUB);
    test.Input({2, 2}, {1, 2, 3, 4}).ConstInput({2}, {10, 20}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-9, -18, -7, -16}));
  }
  // Row vector on the left keeps the operand order: {10,20} - {1,2;3,4}.
  {
    OpTester test(schema::OpCode::SUB);
    test.Input({2}, {10, 20}).Input({2, 2}, {1, 2, 3, 4}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{9, 18, 7, 16}));
  }
  // [2,1,1] - [1,3]: out[i][0][j] = a[i] - b[j].
  {
    OpTester test(schema::OpCode::SUB);
    test.Input({2, 1, 1}, {0, 100}).Input({1, 3}, {1, 2, 3}).Output({2, 1, 3});
    ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, -2, -3, 99, 98, 97}));
  }
}

TEST(SubTest, ScalarMinusTensor) {
  OpTester test(schema::OpCode::SUB);
  test.ConstInput({}, {10}).Input({3}, {1, 2, 3}).Output({3});
  ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{9, 8, 7}));
}

TEST(SubTest, FusedActivations) {
  // Differences are {-3, -0.5, 0.5, 3, 7}; each activation clamps them.
  const std::vector<float> a = {-2, 0, 1, 5, 9};
  const std::vector<float> b = {1, 0.5f, 0.5f, 2, 2};
  const std::pair<Activation, std::vector<float>> cases[] = {
      {Activation::NONE, {-3, -0.5f, 0.5f, 3, 7}},
      {Activation::RELU, {0, 0, 0.5f, 3, 7}},
      {Activation::RELU6, {0, 0, 0.5f, 3, 6}},
      {Activation::RELU_N1_TO_1, {-1, -0.5f, 0.5f, 1, 1}},
  };
  for (const auto& [activation, expected] : cases) {
    OpTester test(schema::OpCode::SUB);
    test.Input({5}, a).Input({5}, b).Output({5}).Options(WithActivation(activation));
    ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), expected) << schema::EnumNameActivation(activation);
  }
}

TEST(SubTest, Int32) {
  // Two's complement wrap: INT32_MIN - 1 = INT32_MAX.
  OpTester test(schema::OpCode::SUB);
  test.InputOf<int32_t>({4}, {5, -5, 0, INT32_MIN})
      .InputOf<int32_t>({4}, {7, -7, 3, 1}, /*constant=*/true)
      .Output({4}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{-2, 2, -3, INT32_MAX}));
}

// Tolerance 0: one float subtraction is correctly rounded in the kernel, and
// the reference's double difference of two floats rounds to the same float.
TEST(SubTest, FloatBroadcastSweep) {
  FloatActivationSweep(kernels::kSub, 2024, 8, [](double x, double y) { return x - y; });
}

TEST(SubTest, Int32BroadcastSweep) {
  Int32BroadcastSweep(kernels::kSub, 7, 4, [](int32_t x, int32_t y) { return x - y; });
}

TEST(SubTest, RejectsBadShapesAndTypes) {
  {
    OpTester test(schema::OpCode::SUB);
    test.Input({2, 3}, std::vector<float>(6)).Input({2}, {1, 2}).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::SUB);
    test.Input({2, 3}, std::vector<float>(6)).Input({3}, {1, 2, 3}).Output({3, 3});
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::SUB);
    test.InputOf<int32_t>({2}, {1, 2}).Input({2}, {1, 2}).Output({2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel);
  }
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(SubTest, Int8HandValues) {
  // a: scale 0.5, zero point 1: {3, -3, 127, -128} are {1, -2, 63, -64.5}.
  // b: scale 0.25, zero point -2: {2, 6, 100, -128} are {1, 2, 25.5, -31.5}.
  // Differences {0, -4, 37.5, -33} at output scale 1, zero point 5:
  // {5, 1, 43, -28} (37.5 rounds half away from zero). With twice the larger
  // scale 1 the multipliers are exact: 1/2, 1/4 and 2^-20.
  OpTester test(schema::OpCode::SUB);
  test.InputOf<int8_t>({4}, {3, -3, 127, -128})
      .Quantize({0.5f}, {1})
      .InputOf<int8_t>({4}, {2, 6, 100, -128})
      .Quantize({0.25f}, {-2})
      .Output({4}, TensorType::INT8)
      .Quantize({1.0f}, {5});
  ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{5, 1, 43, -28}));
}

TEST(SubTest, Int8BroadcastMinuendWithRelu) {
  // Scale 1, zero points 0: {10} - {3, 12, -100} = {7, -2, 110}; RELU
  // clamps at the output zero point -3, so q = {4, -3, 107}.
  OpTester test(schema::OpCode::SUB);
  test.InputOf<int8_t>({1}, {10}, /*constant=*/true)
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({3}, {3, 12, -100})
      .Quantize({1.0f}, {0})
      .Output({3}, TensorType::INT8)
      .Quantize({1.0f}, {-3})
      .Options(WithActivation(Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{4, -3, 107}));
}

TEST(SubTest, Int16HandValues) {
  // Scales 2^-10 everywhere: q_a - q_b exactly, saturating.
  OpTester test(schema::OpCode::SUB);
  test.InputOf<int16_t>({4}, {1000, -32000, 32000, 5})
      .Quantize({1.0f / 1024}, {0})
      .InputOf<int16_t>({4}, {24, 1000, -1000, 5})
      .Quantize({1.0f / 1024}, {0})
      .Output({4}, TensorType::INT16)
      .Quantize({1.0f / 1024}, {0});
  ASSERT_EQ(test.Run(kernels::kSub), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{976, -32768, 32767, 0}));
}

// Within 1 step of the correctly rounded difference, nearly all exact, as
// for Add: TFLite rounds each scaled operand and the requantization.
TEST(SubTest, Int8BroadcastSweep) {
  QuantizedBinarySweep<int8_t>(
      kernels::kSub, 41, 8, [](double x, double y) { return x - y; },
      [](double a, double b) { return a + b; }, 1, 95);
}

TEST(SubTest, Int16BroadcastSweep) {
  QuantizedBinarySweep<int16_t>(
      kernels::kSub, 42, 8, [](double x, double y) { return x - y; },
      [](double a, double b) { return a + b; }, 1, 95);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
// Bit for bit against TFLite Micro's arithmetic over broadcasts that run
// each of the int8 run loops (int8_arithmetic_exact_sweep.h).
TEST(SubTest, Int8MatchesTflmArithmeticOverBroadcastRuns) {
  testing::ExpectInt8ArithmeticMatchesTflmArithmetic(kernels::kSub, testing::TflmArithmetic::kSub,
                                                     72);
}

TEST(SubTest, Int8MatchesTflm) {
  // ew_sub_float_multipliers pins the multipliers' float quotients: double
  // ones would put each of its results one step lower.
  for (const char* name :
       {"ew_sub_broadcast_relu6", "ew_sub_constant_minus_input", "ew_sub_float_multipliers"}) {
    testing::ExpectMatchesTflm(kernels::kSub, 41, name, testing::ArithmeticOptionsOf);
  }
}

TEST(SubTest, Int16MatchesTflm) {
  testing::ExpectBinaryMatchesTflmInt16(kernels::kSub, 41, "ew_i16_sub_broadcast",
                                        testing::ArithmeticOptionsOf);
}

TEST(SubTest, RejectsBadQuantization) {
  {
    OpTester test(schema::OpCode::SUB);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .InputOf<int8_t>({2}, {1, 2})
        .Output({2}, TensorType::INT8)
        .Quantize({0.1f}, {0});
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel) << "input 1 not quantized";
  }
  {
    // Twice the larger input scale must stay below 2^15 int16 output scales.
    OpTester test(schema::OpCode::SUB);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({1.0f}, {0})
        .InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.5f}, {0})
        .Output({2}, TensorType::INT16)
        .Quantize({1.0f / (1 << 14)}, {0});
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel) << "output scale too small";
    EXPECT_NE(test.error().find("output scale above 2^-14"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SUB);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, TensorType::INT16)
        .Quantize({0.1f}, {1});
    EXPECT_EQ(test.Run(kernels::kSub), Status::kInvalidModel) << "int16 output zero point";
  }
}

}  // namespace
}  // namespace ember
