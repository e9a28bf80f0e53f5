#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
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

TEST(MulTest, Broadcasts) {
  // [2,3] * [3]: each row scaled elementwise by {1, -2, 0.5}.
  {
    OpTester test(schema::OpCode::MUL);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).ConstInput({3}, {1, -2, 0.5f}).Output({2, 3});
    ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, -4, 1.5f, 4, -10, 3}));
  }
  // [2,1] * [1,2] -> outer product {1,2} x {3,4}.
  {
    OpTester test(schema::OpCode::MUL);
    test.Input({2, 1}, {1, 2}).Input({1, 2}, {3, 4}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3, 4, 6, 8}));
  }
}

TEST(MulTest, TensorTimesScalar) {
  OpTester test(schema::OpCode::MUL);
  test.Input({2, 2}, {1, 2, 3, 4}).ConstInput({}, {-3}).Output({2, 2});
  ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-3, -6, -9, -12}));
}

TEST(MulTest, FusedActivations) {
  // Products are {-4, -0.5, 0.25, 3, 10}; each activation clamps them.
  const std::vector<float> a = {-2, 1, 0.5f, 1.5f, 5};
  const std::vector<float> b = {2, -0.5f, 0.5f, 2, 2};
  const std::pair<Activation, std::vector<float>> cases[] = {
      {Activation::NONE, {-4, -0.5f, 0.25f, 3, 10}},
      {Activation::RELU, {0, 0, 0.25f, 3, 10}},
      {Activation::RELU6, {0, 0, 0.25f, 3, 6}},
      {Activation::RELU_N1_TO_1, {-1, -0.5f, 0.25f, 1, 1}},
  };
  for (const auto& [activation, expected] : cases) {
    OpTester test(schema::OpCode::MUL);
    test.Input({5}, a).Input({5}, b).Output({5}).Options(WithActivation(activation));
    ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), expected) << schema::EnumNameActivation(activation);
  }
}

TEST(MulTest, Int32) {
  // Wraps modulo 2^32: 65536 * 65536 = 2^32 -> 0; INT32_MAX * 2 = 2^32 - 2 -> -2.
  OpTester test(schema::OpCode::MUL);
  test.InputOf<int32_t>({4}, {3, -7, 65536, INT32_MAX})
      .InputOf<int32_t>({4}, {4, 6, 65536, 2})
      .Output({4}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{12, -42, 0, -2}));
}

// Tolerance 0: one float multiplication is correctly rounded in the kernel,
// and the reference's exact double product of two floats rounds to the same
// float.
TEST(MulTest, FloatBroadcastSweep) {
  FloatActivationSweep(kernels::kMul, 31, 8, [](double x, double y) { return x * y; });
}

TEST(MulTest, Int32BroadcastSweep) {
  Int32BroadcastSweep(kernels::kMul, 8, 4, [](int32_t x, int32_t y) { return x * y; });
}

TEST(MulTest, RejectsBadShapesAndTypes) {
  {
    OpTester test(schema::OpCode::MUL);
    test.Input({4}, std::vector<float>(4)).Input({3}, {1, 2, 3}).Output({4});
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::MUL);
    test.Input({2, 1}, {1, 2}).Input({1, 3}, {1, 2, 3}).Output({2, 1});
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::MUL);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel);
  }
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(MulTest, Int8HandValues) {
  // a: scale 0.5, zero point 0; b: scale 0.5, zero point 2; output scale
  // 0.25, zero point -1: the multiplier 0.5 * 0.5 / 0.25 = 1 is exact, so
  // q = a * (b - 2) - 1: {3 * 4, -4 * 0, 100 * -130, 127 * 125} - 1 =
  // {11, -1, -13001, 15874}, the last two saturating. (Real: 1.5 * 2 = 3 =
  // 12 steps of 0.25.)
  OpTester test(schema::OpCode::MUL);
  test.InputOf<int8_t>({4}, {3, -4, 100, 127})
      .Quantize({0.5f}, {0})
      .InputOf<int8_t>({4}, {6, 2, -128, 127})
      .Quantize({0.5f}, {2})
      .Output({4}, TensorType::INT8)
      .Quantize({0.25f}, {-1});
  ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{11, -1, -128, 127}));
}

TEST(MulTest, Int8RoundsToNearest) {
  // Scales 0.1, 0.2 and 0.3: a multiplier of 1/15. {15, -15, 7} * 10 is
  // {150, -150, 70} / 15 = {10, -10, 4.67 -> 5}; RELU_N1_TO_1 would clamp
  // to +-1 / 0.3 = +-3 steps.
  for (Activation activation : {Activation::NONE, Activation::RELU_N1_TO_1}) {
    OpTester test(schema::OpCode::MUL);
    test.InputOf<int8_t>({3}, {15, -15, 7})
        .Quantize({0.1f}, {0})
        .InputOf<int8_t>({1}, {10}, /*constant=*/true)
        .Quantize({0.2f}, {0})
        .Output({3}, TensorType::INT8)
        .Quantize({0.3f}, {0})
        .Options(WithActivation(activation));
    ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), activation == Activation::NONE
                                            ? (std::vector<int8_t>{10, -10, 5})
                                            : (std::vector<int8_t>{3, -3, 3}));
  }
}

TEST(MulTest, Int16HandValues) {
  // Scales 2^-8 everywhere: q = a * b / 256. 512 * -384 / 256 = -768;
  // +-128 / 256 = +-0.5 rounds away from zero to +-1; 32767^2 / 256
  // saturates.
  OpTester test(schema::OpCode::MUL);
  test.InputOf<int16_t>({4}, {512, 1, -1, 32767})
      .Quantize({1.0f / 256}, {0})
      .InputOf<int16_t>({4}, {-384, 128, 128, 32767})
      .Quantize({1.0f / 256}, {0})
      .Output({4}, TensorType::INT16)
      .Quantize({1.0f / 256}, {0});
  ASSERT_EQ(test.Run(kernels::kMul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{-768, 1, -1, 32767}));
}

// One requantization of an exact integer product: TFLite's multiply rounds
// twice (high multiply, then shift), so within 1 step of the correctly
// rounded product, nearly all exact.
TEST(MulTest, Int8BroadcastSweep) {
  QuantizedBinarySweep<int8_t>(
      kernels::kMul, 51, 8, [](double x, double y) { return x * y; },
      [](double a, double b) { return a * b; }, 1, 95);
}

TEST(MulTest, Int16BroadcastSweep) {
  QuantizedBinarySweep<int16_t>(
      kernels::kMul, 52, 8, [](double x, double y) { return x * y; },
      [](double a, double b) { return a * b; }, 1, 95);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
// Bit for bit against TFLite Micro's arithmetic over broadcasts that run
// each of the int8 run loops (int8_arithmetic_exact_sweep.h).
TEST(MulTest, Int8MatchesTflmArithmeticOverBroadcastRuns) {
  testing::ExpectInt8ArithmeticMatchesTflmArithmetic(kernels::kMul, testing::TflmArithmetic::kMul,
                                                     73);
}

TEST(MulTest, Int8MatchesTflm) {
  for (const char* name : {"ew_mul_broadcast", "ew_mul_scalar_relu"}) {
    testing::ExpectMatchesTflm(kernels::kMul, 18, name, testing::ArithmeticOptionsOf);
  }
}

TEST(MulTest, Int16MatchesTflm) {
  testing::ExpectBinaryMatchesTflmInt16(kernels::kMul, 18, "ew_i16_mul_broadcast",
                                        testing::ArithmeticOptionsOf);
}

TEST(MulTest, RejectsBadQuantization) {
  {
    OpTester test(schema::OpCode::MUL);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, TensorType::INT8);
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel) << "output not quantized";
  }
  {
    OpTester test(schema::OpCode::MUL);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {1})
        .InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, TensorType::INT16)
        .Quantize({0.1f}, {0});
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel) << "int16 zero point";
  }
  {
    OpTester test(schema::OpCode::MUL);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({std::numeric_limits<float>::infinity()}, {0})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, TensorType::INT8)
        .Quantize({0.1f}, {0});
    EXPECT_EQ(test.Run(kernels::kMul), Status::kInvalidModel) << "infinite scale";
  }
}

}  // namespace
}  // namespace ember
