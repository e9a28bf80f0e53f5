#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/int16_test_util.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/pool_test_util.h"

namespace ember {
namespace {

using testing::ApplyActivation;
using testing::ForEachPoolWindow;
using testing::Int8Pool;
using testing::Iota;
using testing::OpTester;
using testing::PoolCase;
using testing::PoolOptions;
using testing::PoolSweep;
using testing::ReferenceGeometry;

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(MaxPool2dTest, TwoByTwoStrideTwo) {
  // 4x4 = 1..16 in 2x2 blocks: the bottom-right of each block wins.
  OpTester test(schema::OpCode::MAX_POOL_2D);
  test.Input({1, 4, 4, 1}, Iota(16, 1, 1))
      .Output({1, 2, 2, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6, 8, 14, 16}));
}

TEST(MaxPool2dTest, SamePaddingIsIgnoredNotZero) {
  // 3x3 = -1..-9 with a 3x3 SAME window: padding must not contribute a 0.
  // (0,0) sees -1,-2,-4,-5 -> -1; (0,2) sees -2,-3,-5,-6 -> -2; (2,0) sees
  // -4,-5,-7,-8 -> -4; (2,2) sees -5,-6,-8,-9 -> -5.
  OpTester test(schema::OpCode::MAX_POOL_2D);
  test.Input({1, 3, 3, 1}, Iota(9, -1, -1))
      .Output({1, 3, 3, 1})
      .Options(PoolOptions(schema::Padding::SAME, 3, 3, 1, 1));
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, -1, -2, -1, -1, -2, -4, -4, -5}));
}

TEST(MaxPool2dTest, ChannelsPoolSeparatelyThenRelu6) {
  // Pixels (c0, c1): (1, 9), (7, -3): max per channel 7 and 9, clamped to 6.
  // The second output pixel sees (7, -3) and (-2, -8): 7 -> 6 and -3 -> 0.
  OpTester test(schema::OpCode::MAX_POOL_2D);
  test.Input({1, 1, 3, 2}, {1, 9, 7, -3, -2, -8})
      .Output({1, 1, 2, 2})
      .Options(PoolOptions(schema::Padding::VALID, 1, 2, 1, 1, schema::Activation::RELU6));
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6, 6, 6, 0}));
}

TEST(MaxPool2dTest, ExplicitPaddingWindowsClipToImage) {
  // Row [-5, -7], 1x2 window, explicit left 1 right 1: windows [pad, -5],
  // [-5, -7], [-7, pad] -> -5, -5, -7.
  OpTester test(schema::OpCode::MAX_POOL_2D);
  test.Input({1, 1, 2, 1}, {-5, -7})
      .Output({1, 1, 3, 1})
      .Options(PoolOptions(schema::Padding::EXPLICIT, 1, 2, 1, 1, schema::Activation::NONE,
                           {0, 0, 1, 1}));
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-5, -5, -7}));
}

// ---- Sweep against a naive reference ----------------------------------------

void RunCase(const PoolCase& c, std::mt19937& rng, bool infer_shapes) {
  testing::RunFloatPoolCase(
      kernels::kMaxPool2d, c, rng, infer_shapes,
      [&](const std::vector<float>& input, const ReferenceGeometry& g) {
        // Direct loops: the maximum over the window's in-image cells.
        std::vector<float> expected;
        ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
          float best = -std::numeric_limits<float>::infinity();
          for (size_t cell : cells) best = std::max(best, input[cell]);
          expected.push_back(ApplyActivation(best, c.activation));
        });
        return expected;
      },
      [](const std::vector<float>& actual, const std::vector<float>& expected) {
        // A maximum involves no rounding: exact equality.
        EXPECT_EQ(actual, expected);
      });
}

TEST(MaxPool2dTest, MatchesReferenceOverSweep) {
  PoolSweep(31337, [](const PoolCase& c, std::mt19937& rng) { RunCase(c, rng, false); });
}

TEST(MaxPool2dTest, InfersOutputShapesOverSweep) {
  PoolSweep(31337, [](const PoolCase& c, std::mt19937& rng) { RunCase(c, rng, true); });
}

// ---- Rejections -------------------------------------------------------------

TEST(MaxPool2dTest, RejectsPaddingThatLeavesWindowsEmpty) {
  testing::ExpectPoolRejectsPaddingThatLeavesWindowsEmpty(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, RejectsWrongOutputShape) {
  testing::ExpectPoolRejectsWrongOutputShape(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, RejectsInputOfWrongRank) {
  testing::ExpectPoolRejectsInputOfWrongRank(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, RejectsBadOptions) {
  testing::ExpectPoolRejectsBadOptions(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, RejectsExtraInput) {
  testing::ExpectPoolRejectsExtraInput(kernels::kMaxPool2d);
}

// ---- Int8 ---------------------------------------------------------------------
// Input and output share one quantization, so the maximum of the int8 values
// is the output, clamped to the activation's quantized range.

TEST(MaxPool2dTest, Int8SamePaddingIsIgnoredNotZero) {
  // The float case in int8: q = -1..-9, 3x3 SAME. Padding contributes
  // neither q = 0 nor the zero point: maxima -1, -1, -2, -1, -1, -2, -4, -4,
  // -5.
  std::vector<int8_t> input(9);
  for (int i = 0; i < 9; ++i) input[i] = static_cast<int8_t>(-(i + 1));
  OpTester test = Int8Pool(kernels::kMaxPool2d, {1, 3, 3, 1}, input, {1, 3, 3, 1},
                           PoolOptions(schema::Padding::SAME, 3, 3, 1, 1), 0.5f, -20);
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-1, -1, -2, -1, -1, -2, -4, -4, -5}));
}

TEST(MaxPool2dTest, Int8ClampsToActivationRange) {
  // Pairs -> maxima 4, 15, 30, -100. Scale 0.5, zero point 10: RELU keeps
  // q >= 10 (real 0): 10, 15, 30, 10; RELU6 also q <= 10 + 6 / 0.5 = 22; and
  // RELU_N1_TO_1 keeps [10 - 2, 10 + 2]: 8, 12, 12, 8.
  const std::vector<int8_t> input = {4, -7, 15, 15, 30, -128, -100, -128};
  const std::pair<schema::Activation, std::vector<int8_t>> cases[] = {
      {schema::Activation::RELU, {10, 15, 30, 10}},
      {schema::Activation::RELU6, {10, 15, 22, 10}},
      {schema::Activation::RELU_N1_TO_1, {8, 12, 12, 8}},
  };
  for (const auto& [activation, expected] : cases) {
    SCOPED_TRACE(schema::EnumNameActivation(activation));
    OpTester test = Int8Pool(kernels::kMaxPool2d, {1, 1, 8, 1}, input, {1, 1, 4, 1},
                             PoolOptions(schema::Padding::VALID, 1, 2, 1, 2, activation), 0.5f, 10);
    ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), expected);
  }
}

// Int8 against an independent reference: the real maximum of the dequantized
// window with the activation applied, requantized. Dequantizing is monotonic
// and the maximum is one of the inputs, so this is exact.
void RunInt8Case(const PoolCase& c, std::mt19937& rng) {
  testing::RunInt8PoolCase(
      kernels::kMaxPool2d, c, rng,
      [&](const std::vector<int8_t>& input, float scale, int zp, const ReferenceGeometry& g,
          const std::vector<int8_t>& actual) {
        std::vector<int8_t> expected;
        ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
          double best = -std::numeric_limits<double>::infinity();
          for (size_t cell : cells) best = std::max(best, (input[cell] - zp) * double{scale});
          const double real = ApplyActivation(best, c.activation);
          const double q = std::round(real / scale) + zp;
          expected.push_back(static_cast<int8_t>(std::min(127.0, std::max(-128.0, q))));
        });
        EXPECT_EQ(actual, expected);
      });
}

TEST(MaxPool2dTest, Int8MatchesReferenceOverSweep) { PoolSweep(31337, RunInt8Case); }

TEST(MaxPool2dTest, Int8InfersOutputShape) {
  testing::ExpectPoolInt8InfersOutputShape(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, Int8MatchesTflmSameRelu) {
  testing::ExpectPoolMatchesTflm(kernels::kMaxPool2d, 17, "max_pool2d_same_relu");
}

TEST(MaxPool2dTest, Int8RejectsBadOptions) {
  testing::ExpectPoolInt8RejectsBadOptions(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, Int8RejectsMismatchedQuantization) {
  testing::ExpectPoolInt8RejectsMismatchedQuantization(kernels::kMaxPool2d);
}

// ---- Int16 --------------------------------------------------------------------

TEST(MaxPool2dTest, Int16SamePaddingIsIgnoredNotZero) {
  // q = -1000..-9000 in steps of 1000, 3x3 SAME: padding contributes no 0;
  // maxima -1000, -1000, -2000, -1000, -1000, -2000, -4000, -4000, -5000.
  std::vector<int16_t> input(9);
  for (int i = 0; i < 9; ++i) input[i] = static_cast<int16_t>(-1000 * (i + 1));
  OpTester test = testing::Int16Pool(kernels::kMaxPool2d, {1, 3, 3, 1}, input, {1, 3, 3, 1},
                                     PoolOptions(schema::Padding::SAME, 3, 3, 1, 1));
  ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0),
            (std::vector<int16_t>{-1000, -1000, -2000, -1000, -1000, -2000, -4000, -4000, -5000}));
}

TEST(MaxPool2dTest, Int16ClampsToActivationRange) {
  // Pairs -> maxima 4, 15000, 32767, -100. Scale 2^-12: RELU keeps q >= 0,
  // RELU6 also q <= 6 * 4096 = 24576, RELU_N1_TO_1 keeps [-4096, 4096].
  const std::vector<int16_t> input = {4, -7, 15000, 15000, 32767, -32768, -100, -32768};
  const std::pair<schema::Activation, std::vector<int16_t>> cases[] = {
      {schema::Activation::RELU, {4, 15000, 32767, 0}},
      {schema::Activation::RELU6, {4, 15000, 24576, 0}},
      {schema::Activation::RELU_N1_TO_1, {4, 4096, 4096, -100}},
  };
  for (const auto& [activation, expected] : cases) {
    SCOPED_TRACE(schema::EnumNameActivation(activation));
    OpTester test = testing::Int16Pool(kernels::kMaxPool2d, {1, 1, 8, 1}, input, {1, 1, 4, 1},
                                       PoolOptions(schema::Padding::VALID, 1, 2, 1, 2, activation),
                                       1.0f / 4096);
    ASSERT_EQ(test.Run(kernels::kMaxPool2d), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int16_t>(0), expected);
  }
}

// Int16 against the real maximum of the dequantized window with the
// activation applied, requantized: exact, as for int8.
TEST(MaxPool2dTest, Int16MatchesReferenceOverSweep) {
  PoolSweep(1616, [](const PoolCase& c, std::mt19937& rng) {
    testing::RunInt16PoolCase(kernels::kMaxPool2d, c, rng,
                              [&](const std::vector<int16_t>& input, float scale,
                                  const ReferenceGeometry& g, const std::vector<int16_t>& actual) {
                                std::vector<int16_t> expected;
                                ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
                                  double best = -std::numeric_limits<double>::infinity();
                                  for (size_t cell : cells)
                                    best = std::max(best, input[cell] * double{scale});
                                  expected.push_back(testing::QuantizeReference16(
                                      ApplyActivation(best, c.activation), scale));
                                });
                                EXPECT_EQ(actual, expected);
                              });
  });
}

TEST(MaxPool2dTest, Int16ChecksQuantizationAndInfersShape) {
  testing::ExpectPoolInt16ChecksQuantization(kernels::kMaxPool2d);
}

TEST(MaxPool2dTest, Int16MatchesTflmSameReluN1To1) {
  testing::ExpectPoolMatchesTflmInt16(kernels::kMaxPool2d, 17, "i16_max_pool2d_same_relu_n1_to_1");
}

// The integer-only registration runs the same integer paths and refuses float.
TEST(MaxPool2dTest, IntegerOnlyKernelMatchesTflmAndRefusesFloat) {
  testing::ExpectPoolMatchesTflm(kernels::kMaxPool2dInteger, 17, "max_pool2d_same_relu");
  testing::ExpectPoolMatchesTflmInt16(kernels::kMaxPool2dInteger, 17, "i16_max_pool2d_same_relu_n1_to_1");
  OpTester test(schema::OpCode::MAX_POOL_2D);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 1, 1, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(test.Run(kernels::kMaxPool2dInteger), Status::kUnsupported);
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type, naming itself.
TEST(MaxPool2dTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectPoolMatchesTflm(kernels::kMaxPool2dInt8, 17, "max_pool2d_same_relu");
  OpTester float_pool(schema::OpCode::MAX_POOL_2D);
  float_pool.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 1, 1, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(float_pool.Run(kernels::kMaxPool2dInt8), Status::kUnsupported);
  EXPECT_NE(float_pool.error().find("int8-only"), std::string::npos) << float_pool.error();
  OpTester int16_pool = testing::Int16Pool(kernels::kMaxPool2dInt8, {1, 2, 2, 1}, {1, 2, 3, 4},
                                           {1, 1, 1, 1},
                                           PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(int16_pool.Run(kernels::kMaxPool2dInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
