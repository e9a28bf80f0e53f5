#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::Activation;
using schema::TensorType;
using testing::FloatActivationSweep;
using testing::Int32BroadcastSweep;
using testing::OpTester;
using testing::WithActivation;

TEST(DivTest, Float) {
  // {1, -6, 7, 0.5} / {2, 3, -2, 0.25}, all exact in float.
  OpTester test(schema::OpCode::DIV);
  test.Input({2, 2}, {1, -6, 7, 0.5f}).Input({2, 2}, {2, 3, -2, 0.25f}).Output({2, 2});
  ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0.5f, -2, -3.5f, 2}));
}

TEST(DivTest, BroadcastsEitherOperand) {
  {
    OpTester test(schema::OpCode::DIV);
    test.Input({2, 2}, {2, 4, 6, 8}).ConstInput({2}, {2, -4}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, -1, 3, -2}));
  }
  {
    // The dividend broadcasts: 12 / {1, 2, 3, 4}.
    OpTester test(schema::OpCode::DIV);
    test.Input({1, 1}, {12}).Input({2, 2}, {1, 2, 3, 4}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{12, 6, 4, 3}));
  }
}

TEST(DivTest, ScalarDivisor) {
  OpTester test(schema::OpCode::DIV);
  test.Input({3}, {1, 2, 3}).ConstInput({}, {4}).Output({3});
  ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0.25f, 0.5f, 0.75f}));
}

// Disabled: binary.h clamps every float result to ActivationRange(NONE),
// which common.h gives as +-FLT_MAX rather than +-inf, so 1/0 comes out as
// 3.4e38. Enable once that range is infinite.
TEST(DivTest, FloatDivisionByZeroFollowsIeee) {
  OpTester test(schema::OpCode::DIV);
  test.Input({3}, {1, -1, 0}).Input({3}, {0, 0, 0}).Output({3});
  ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
  const std::vector<float> out = test.OutputFloats(0);
  EXPECT_EQ(out[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[1], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(out[2]));
}

TEST(DivTest, FusedActivations) {
  // Quotients are {-4, -0.5, 0.25, 3, 10}; each activation clamps them.
  const std::vector<float> a = {-8, 1, 0.5f, 6, 20};
  const std::vector<float> b = {2, -2, 2, 2, 2};
  const std::pair<Activation, std::vector<float>> cases[] = {
      {Activation::NONE, {-4, -0.5f, 0.25f, 3, 10}},
      {Activation::RELU, {0, 0, 0.25f, 3, 10}},
      {Activation::RELU6, {0, 0, 0.25f, 3, 6}},
      {Activation::RELU_N1_TO_1, {-1, -0.5f, 0.25f, 1, 1}},
  };
  for (const auto& [activation, expected] : cases) {
    OpTester test(schema::OpCode::DIV);
    test.Input({5}, a).Input({5}, b).Output({5}).Options(WithActivation(activation));
    ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), expected) << schema::EnumNameActivation(activation);
  }
}

TEST(DivTest, Int32TruncatesTowardZero) {
  // C truncation: 7/2 = 3, -7/2 = -3, 7/-2 = -3, -7/-2 = 3 (floor division
  // would give -4 for the mixed signs). INT32_MIN / -1 overflows and wraps.
  OpTester test(schema::OpCode::DIV);
  test.InputOf<int32_t>({6}, {7, -7, 7, -7, 1, INT32_MIN})
      .InputOf<int32_t>({6}, {2, 2, -2, -2, 3, -1})
      .Output({6}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{3, -3, -3, 3, 0, INT32_MIN}));
}

TEST(DivTest, Int32ZeroDivisorIsAnEvalError) {
  {
    OpTester test(schema::OpCode::DIV);
    test.InputOf<int32_t>({3}, {1, 2, 3})
        .InputOf<int32_t>({3}, {1, 0, 1})
        .Output({3}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kEvalError);
    EXPECT_NE(test.error().find("zero"), std::string::npos) << test.error();
  }
  {
    // A constant zero divisor broadcast over the dividend.
    OpTester test(schema::OpCode::DIV);
    test.InputOf<int32_t>({2, 2}, {1, 2, 3, 4})
        .InputOf<int32_t>({1}, {0}, /*constant=*/true)
        .Output({2, 2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kEvalError);
  }
  {
    // No output element, so no division happens.
    OpTester test(schema::OpCode::DIV);
    test.InputOf<int32_t>({0, 2}, {})
        .InputOf<int32_t>({2}, {0, 0})
        .Output({0, 2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kOk) << test.error();
  }
}

// Tolerance 0: one float division is correctly rounded in the kernel, and the
// reference's double quotient of two floats rounds to the same float (double
// has more than twice float's precision, so the double rounding is harmless).
TEST(DivTest, FloatBroadcastSweep) {
  FloatActivationSweep(kernels::kDiv, 5, 8, [](double x, double y) { return x / y; });
}

TEST(DivTest, Int32BroadcastSweep) {
  Int32BroadcastSweep(
      kernels::kDiv, 9, 4,
      // Truncation toward zero, via the exact double quotient.
      [](int32_t x, int32_t y) {
        return static_cast<int32_t>(std::trunc(static_cast<double>(x) / y));
      },
      // Small nonzero divisors of both signs, so quotients are not all 0.
      [](int64_t count, std::mt19937& rng) {
        std::vector<int32_t> b(count);
        std::uniform_int_distribution<int32_t> magnitude(1, 20);
        for (int32_t& v : b) {
          // Drawn one after the other: the operands of * have no set order.
          const int32_t absolute = magnitude(rng);
          v = rng() % 2 == 0 ? absolute : -absolute;
        }
        return b;
      });
}

TEST(DivTest, RejectsBadShapesAndTypes) {
  {
    OpTester test(schema::OpCode::DIV);
    test.Input({2, 3}, std::vector<float>(6)).Input({2}, {1, 2}).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::DIV);
    test.Input({3}, {1, 2, 3}).Input({3}, {1, 2, 3}).Output({1, 3});
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::DIV);
    test.InputOf<int8_t>({2}, {1, 2}).InputOf<int8_t>({2}, {1, 2}).Output({2}, TensorType::INT8);
    EXPECT_EQ(test.Run(kernels::kDiv), Status::kUnsupported);
  }
}

}  // namespace
}  // namespace ember
