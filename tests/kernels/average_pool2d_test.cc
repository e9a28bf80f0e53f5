#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
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

using testing::AllClose;
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

TEST(AveragePool2dTest, TwoByTwoStrideTwo) {
  // 4x4 = 1..16 in 2x2 blocks: (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5,
  // (9+10+13+14)/4 = 11.5, (11+12+15+16)/4 = 13.5.
  OpTester test(schema::OpCode::AVERAGE_POOL_2D);
  test.Input({1, 4, 4, 1}, Iota(16, 1, 1))
      .Output({1, 2, 2, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f}));
}

TEST(AveragePool2dTest, SamePaddingDividesByValidCells) {
  // 3x3 = 1..9 with a 3x3 SAME window: each mean is over the in-image cells
  // only. Corner (0,0): (1+2+4+5)/4 = 3; edge (0,1): (1+...+6)/6 = 3.5;
  // (0,2): (2+3+5+6)/4 = 4; (1,0): 27/6 = 4.5; centre 45/9 = 5;
  // (1,2): 33/6 = 5.5; (2,0): 24/4 = 6; (2,1): 39/6 = 6.5; (2,2): 28/4 = 7.
  OpTester test(schema::OpCode::AVERAGE_POOL_2D);
  test.Input({1, 3, 3, 1}, Iota(9, 1, 1))
      .Output({1, 3, 3, 1})
      .Options(PoolOptions(schema::Padding::SAME, 3, 3, 1, 1));
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}));
}

TEST(AveragePool2dTest, ExplicitPaddingDividesByValidCells) {
  // Row [2, 4], 1x2 window, explicit left 1 right 1: windows [pad, 2],
  // [2, 4], [4, pad] -> 2/1, 6/2, 4/1.
  OpTester test(schema::OpCode::AVERAGE_POOL_2D);
  test.Input({1, 1, 2, 1}, {2, 4})
      .Output({1, 1, 3, 1})
      .Options(PoolOptions(schema::Padding::EXPLICIT, 1, 2, 1, 1, schema::Activation::NONE,
                           {0, 0, 1, 1}));
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2, 3, 4}));
}

TEST(AveragePool2dTest, ChannelsPoolSeparatelyThenReluN1To1) {
  // Pixels (c0, c1) = (1, -4), (2, 0.5): means 1.5 -> 1 and -1.75 -> -1.
  OpTester test(schema::OpCode::AVERAGE_POOL_2D);
  test.Input({1, 2, 1, 2}, {1, -4, 2, 0.5f})
      .Output({1, 1, 1, 2})
      .Options(PoolOptions(schema::Padding::VALID, 2, 1, 1, 1, schema::Activation::RELU_N1_TO_1));
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, -1}));
}

// ---- Sweep against a naive reference ----------------------------------------

void RunCase(const PoolCase& c, std::mt19937& rng, bool infer_shapes) {
  testing::RunFloatPoolCase(
      kernels::kAveragePool2d, c, rng, infer_shapes,
      [&](const std::vector<float>& input, const ReferenceGeometry& g) {
        // Direct loops in double: the mean over the window's in-image cells.
        std::vector<float> expected;
        ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
          double sum = 0.0;
          for (size_t cell : cells) sum += input[cell];
          const double mean = sum / static_cast<double>(cells.size());
          expected.push_back(static_cast<float>(ApplyActivation(mean, c.activation)));
        });
        return expected;
      },
      [](const std::vector<float>& actual, const std::vector<float>& expected) {
        // At most 9 float32 values in [-8, 8] summed, then one division: the
        // float result is within a few ulps of the double mean (|mean| <= 8),
        // so 1e-5 absolute plus 1e-5 relative has ample margin.
        EXPECT_TRUE(AllClose(actual, expected, 1e-5f, 1e-5f));
      });
}

TEST(AveragePool2dTest, MatchesReferenceOverSweep) {
  PoolSweep(8080, [](const PoolCase& c, std::mt19937& rng) { RunCase(c, rng, false); });
}

TEST(AveragePool2dTest, InfersOutputShapesOverSweep) {
  PoolSweep(8080, [](const PoolCase& c, std::mt19937& rng) { RunCase(c, rng, true); });
}

// ---- Rejections -------------------------------------------------------------

TEST(AveragePool2dTest, RejectsPaddingThatLeavesWindowsEmpty) {
  testing::ExpectPoolRejectsPaddingThatLeavesWindowsEmpty(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, RejectsWrongOutputShape) {
  testing::ExpectPoolRejectsWrongOutputShape(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, RejectsInputOfWrongRank) {
  testing::ExpectPoolRejectsInputOfWrongRank(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, RejectsBadOptions) {
  testing::ExpectPoolRejectsBadOptions(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, RejectsExtraInput) {
  testing::ExpectPoolRejectsExtraInput(kernels::kAveragePool2d);
}

// ---- Int8 ---------------------------------------------------------------------
// Input and output share one quantization, so the kernel works on the int8
// values directly: the expected values below are averages of q, rounded half
// away from zero.

TEST(AveragePool2dTest, Int8RoundsHalfAwayFromZero) {
  struct Case {
    int window;
    std::vector<int8_t> input;
    std::vector<int8_t> expected;
  };
  const Case cases[] = {
      // Pairs: 3 / 2 = 1.5 -> 2, -3 / 2 = -1.5 -> -2, 2 / 2 = 1.
      {2, {1, 2, -1, -2, 1, 1}, {2, -2, 1}},
      // Triples: 2 / 3 -> 1, -2 / 3 -> -1, 1 / 3 -> 0, -4 / 3 -> -1.
      {3, {1, 1, 0, -1, -1, 0, 1, 0, 0, -2, -1, -1}, {1, -1, 0, -1}},
      // Quads: 2 / 4 = 0.5 -> 1, -2 / 4 = -0.5 -> -1, -1 / 4 -> 0.
      {4, {1, 1, 0, 0, -1, -1, 0, 0, -1, 0, 0, 0}, {1, -1, 0}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.window);
    const int32_t in_w = static_cast<int32_t>(c.input.size());
    const int32_t out_w = static_cast<int32_t>(c.expected.size());
    OpTester test = Int8Pool(kernels::kAveragePool2d, {1, 1, in_w, 1}, c.input, {1, 1, out_w, 1},
                             PoolOptions(schema::Padding::VALID, 1, c.window, 1, c.window));
    ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), c.expected);
  }
}

TEST(AveragePool2dTest, Int8SamePaddingDividesByValidCells) {
  // The float case's 1..9 with a 3x3 SAME window: means 3, 3.5, 4, 4.5, 5,
  // 5.5, 6, 6.5, 7 round half away from zero to 3, 4, 4, 5, 5, 6, 6, 7, 7;
  // negated input, negated output.
  std::vector<int8_t> input(9);
  for (int i = 0; i < 9; ++i) input[i] = static_cast<int8_t>(i + 1);
  OpTester test = Int8Pool(kernels::kAveragePool2d, {1, 3, 3, 1}, input, {1, 3, 3, 1},
                           PoolOptions(schema::Padding::SAME, 3, 3, 1, 1));
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{3, 4, 4, 5, 5, 6, 6, 7, 7}));
  for (int8_t& v : input) v = static_cast<int8_t>(-v);
  OpTester negated = Int8Pool(kernels::kAveragePool2d, {1, 3, 3, 1}, input, {1, 3, 3, 1},
                              PoolOptions(schema::Padding::SAME, 3, 3, 1, 1));
  ASSERT_EQ(negated.Run(kernels::kAveragePool2d), Status::kOk) << negated.error();
  EXPECT_EQ(negated.OutputAs<int8_t>(0), (std::vector<int8_t>{-3, -4, -4, -5, -5, -6, -6, -7, -7}));
}

TEST(AveragePool2dTest, Int8ClampsToActivationRange) {
  // Scale 0.5, zero point 10: RELU keeps q >= 10 (real 0), RELU6 also
  // q <= 10 + 6 / 0.5 = 22. Windows of one cell.
  const std::vector<int8_t> input = {4, 15, 30, -128};
  OpTester relu =
      Int8Pool(kernels::kAveragePool2d, {1, 1, 4, 1}, input, {1, 1, 4, 1},
               PoolOptions(schema::Padding::VALID, 1, 1, 1, 1, schema::Activation::RELU), 0.5f, 10);
  ASSERT_EQ(relu.Run(kernels::kAveragePool2d), Status::kOk) << relu.error();
  EXPECT_EQ(relu.OutputAs<int8_t>(0), (std::vector<int8_t>{10, 15, 30, 10}));
  OpTester relu6 = Int8Pool(
      kernels::kAveragePool2d, {1, 1, 4, 1}, input, {1, 1, 4, 1},
      PoolOptions(schema::Padding::VALID, 1, 1, 1, 1, schema::Activation::RELU6), 0.5f, 10);
  ASSERT_EQ(relu6.Run(kernels::kAveragePool2d), Status::kOk) << relu6.error();
  EXPECT_EQ(relu6.OutputAs<int8_t>(0), (std::vector<int8_t>{10, 15, 22, 10}));
}

// Int8 against an independent reference: the real mean of the dequantized
// window, the activation applied to it, requantized with round half away
// from zero. TFLite rounds the quantized mean instead, half away from q = 0
// rather than from the zero point: where the window's mean of q is a tie
// lying between 0 and the zero point, the two differ by one. Results must
// match exactly except at such ties, where they may differ by one.
void RunInt8Case(const PoolCase& c, std::mt19937& rng) {
  testing::RunInt8PoolCase(kernels::kAveragePool2d, c, rng,
                           [&](const std::vector<int8_t>& input, float scale, int zp,
                               const ReferenceGeometry& g, const std::vector<int8_t>& actual) {
                             size_t index = 0;
                             ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
                               double sum = 0.0;
                               int q_sum = 0;
                               for (size_t cell : cells) {
                                 sum += (input[cell] - zp) * double{scale};
                                 q_sum += input[cell];
                               }
                               const int count = static_cast<int>(cells.size());
                               const double real = ApplyActivation(sum / count, c.activation);
                               const double expected =
                                   std::min(127.0, std::max(-128.0, std::round(real / scale) + zp));
                               ASSERT_LT(index, actual.size());
                               const int8_t value = actual[index++];
                               if (value == expected) return;
                               const bool tie = (2 * q_sum) % count == 0 && q_sum % count != 0;
                               EXPECT_TRUE(tie && std::abs(value - expected) == 1)
                                   << "at " << index - 1 << ": " << int{value} << " vs " << expected
                                   << ", sum " << q_sum << " of " << count;
                             });
                             EXPECT_EQ(index, actual.size());
                           });
}

TEST(AveragePool2dTest, Int8MatchesReferenceOverSweep) { PoolSweep(8080, RunInt8Case); }

TEST(AveragePool2dTest, Int8InfersOutputShape) {
  testing::ExpectPoolInt8InfersOutputShape(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, Int8MatchesTflmSame) {
  testing::ExpectPoolMatchesTflm(kernels::kAveragePool2d, 1, "average_pool2d_same");
}

TEST(AveragePool2dTest, Int8MatchesTflmValidRelu6) {
  testing::ExpectPoolMatchesTflm(kernels::kAveragePool2d, 1, "average_pool2d_valid_relu6");
}

TEST(AveragePool2dTest, Int8RejectsBadOptions) {
  testing::ExpectPoolInt8RejectsBadOptions(kernels::kAveragePool2d);
  // 2^12 x 2^12 + 1 cells could overflow TFLite's int32 window sum.
  OpTester huge_window = Int8Pool(kernels::kAveragePool2d, {1, 1, 1, 1}, {1}, {1, 1, 1, 1},
                                  PoolOptions(schema::Padding::SAME, 4096, 4097, 1, 1));
  EXPECT_EQ(huge_window.Run(kernels::kAveragePool2d), Status::kInvalidModel);
}

TEST(AveragePool2dTest, Int8RejectsMismatchedQuantization) {
  testing::ExpectPoolInt8RejectsMismatchedQuantization(kernels::kAveragePool2d);
}

// ---- Int16 --------------------------------------------------------------------
// As for int8, the input and output share one quantization; int16's zero
// point is 0, so the average of q rounded half away from zero is also the
// correctly rounded real mean: the reference below matches exactly.

TEST(AveragePool2dTest, Int16RoundsHalfAwayFromZero) {
  // Pairs: (30001 + 30002) / 2 = 30001.5 -> 30002, (-30001 - 30002) / 2 ->
  // -30002, (32767 + 32767) / 2 = 32767 (the int32 sum holds 65534).
  // Triples: (-32768 * 3) / 3 = -32768, (1 + 1 + 0) / 3 -> 1, -2 / 3 -> -1.
  OpTester pairs = testing::Int16Pool(kernels::kAveragePool2d, {1, 1, 6, 1},
                                      {30001, 30002, -30001, -30002, 32767, 32767}, {1, 1, 3, 1},
                                      PoolOptions(schema::Padding::VALID, 1, 2, 1, 2));
  ASSERT_EQ(pairs.Run(kernels::kAveragePool2d), Status::kOk) << pairs.error();
  EXPECT_EQ(pairs.OutputAs<int16_t>(0), (std::vector<int16_t>{30002, -30002, 32767}));
  OpTester triples = testing::Int16Pool(kernels::kAveragePool2d, {1, 1, 9, 1},
                                        {-32768, -32768, -32768, 1, 1, 0, -1, -1, 0}, {1, 1, 3, 1},
                                        PoolOptions(schema::Padding::VALID, 1, 3, 1, 3));
  ASSERT_EQ(triples.Run(kernels::kAveragePool2d), Status::kOk) << triples.error();
  EXPECT_EQ(triples.OutputAs<int16_t>(0), (std::vector<int16_t>{-32768, 1, -1}));
}

TEST(AveragePool2dTest, Int16ClampsToActivationRange) {
  // Scale 2^-10: RELU6 keeps q in [0, 6 * 1024 = 6144]. One-cell windows.
  OpTester test = testing::Int16Pool(
      kernels::kAveragePool2d, {1, 1, 4, 1}, {-5, 100, 6144, 7000}, {1, 1, 4, 1},
      PoolOptions(schema::Padding::VALID, 1, 1, 1, 1, schema::Activation::RELU6), 1.0f / 1024);
  ASSERT_EQ(test.Run(kernels::kAveragePool2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{0, 100, 6144, 6144}));
}

// Int16 against the real mean of the dequantized window with the activation
// applied, requantized with round half away from zero: exact (see above).
TEST(AveragePool2dTest, Int16MatchesReferenceOverSweep) {
  PoolSweep(1616, [](const PoolCase& c, std::mt19937& rng) {
    testing::RunInt16PoolCase(kernels::kAveragePool2d, c, rng,
                              [&](const std::vector<int16_t>& input, float scale,
                                  const ReferenceGeometry& g, const std::vector<int16_t>& actual) {
                                std::vector<int16_t> expected;
                                ForEachPoolWindow(c, g, [&](const std::vector<size_t>& cells) {
                                  double sum = 0.0;
                                  for (size_t cell : cells) sum += input[cell] * double{scale};
                                  const double mean = sum / static_cast<double>(cells.size());
                                  expected.push_back(testing::QuantizeReference16(
                                      ApplyActivation(mean, c.activation), scale));
                                });
                                EXPECT_EQ(actual, expected);
                              });
  });
}

TEST(AveragePool2dTest, Int16ChecksQuantizationAndInfersShape) {
  testing::ExpectPoolInt16ChecksQuantization(kernels::kAveragePool2d);
}

TEST(AveragePool2dTest, Int16RejectsWindowsOverflowingTheSum) {
  // 2^8 x (2^8 + 1) cells of up to 2^15 could overflow TFLite's int32 sum.
  OpTester test = testing::Int16Pool(kernels::kAveragePool2d, {1, 1, 1, 1}, {1}, {1, 1, 1, 1},
                                     PoolOptions(schema::Padding::SAME, 256, 257, 1, 1));
  EXPECT_EQ(test.Run(kernels::kAveragePool2d), Status::kInvalidModel) << test.error();
  OpTester largest =
      testing::Int16Pool(kernels::kAveragePool2d, {1, 1, 1, 1}, {-32768}, {1, 1, 1, 1},
                         PoolOptions(schema::Padding::SAME, 256, 256, 1, 1));
  ASSERT_EQ(largest.Run(kernels::kAveragePool2d), Status::kOk) << largest.error();
  EXPECT_EQ(largest.OutputAs<int16_t>(0), (std::vector<int16_t>{-32768}));
}

TEST(AveragePool2dTest, Int16MatchesTflmSame) {
  testing::ExpectPoolMatchesTflmInt16(kernels::kAveragePool2d, 1, "i16_average_pool2d_same");
}

TEST(AveragePool2dTest, Int16MatchesTflmValidRelu) {
  testing::ExpectPoolMatchesTflmInt16(kernels::kAveragePool2d, 1, "i16_average_pool2d_valid_relu");
}

// The integer-only registration runs the same integer paths and refuses float.
TEST(AveragePool2dTest, IntegerOnlyKernelMatchesTflmAndRefusesFloat) {
  testing::ExpectPoolMatchesTflm(kernels::kAveragePool2dInteger, 1, "average_pool2d_same");
  testing::ExpectPoolMatchesTflmInt16(kernels::kAveragePool2dInteger, 1, "i16_average_pool2d_same");
  OpTester test(schema::OpCode::AVERAGE_POOL_2D);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 1, 1, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(test.Run(kernels::kAveragePool2dInteger), Status::kUnsupported);
  EXPECT_NE(test.error().find("integer-only"), std::string::npos) << test.error();
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type, naming itself.
TEST(AveragePool2dTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectPoolMatchesTflm(kernels::kAveragePool2dInt8, 1, "average_pool2d_same");
  testing::ExpectPoolMatchesTflm(kernels::kAveragePool2dInt8, 1, "average_pool2d_valid_relu6");
  OpTester float_pool(schema::OpCode::AVERAGE_POOL_2D);
  float_pool.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 1, 1, 1})
      .Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(float_pool.Run(kernels::kAveragePool2dInt8), Status::kUnsupported);
  EXPECT_NE(float_pool.error().find("int8-only"), std::string::npos) << float_pool.error();
  OpTester int16_pool = testing::Int16Pool(kernels::kAveragePool2dInt8, {1, 2, 2, 1}, {1, 2, 3, 4},
                                           {1, 1, 1, 1},
                                           PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
  EXPECT_EQ(int16_pool.Run(kernels::kAveragePool2dInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
