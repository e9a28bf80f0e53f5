#include <gtest/gtest.h>

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

using testing::AllClose;
using testing::ElementCount;
using testing::Map;
using testing::OpTester;
using testing::Quant;
using testing::RandomFloats;
using testing::SweepShapes;

schema::OpOptionsUnion WithAlpha(float alpha) {
  schema::LeakyReluOptionsT options;
  options.alpha = alpha;
  schema::OpOptionsUnion result;
  result.Set(std::move(options));
  return result;
}

TEST(LeakyReluTest, DefaultAlphaWithoutOptions) {
  // The schema default alpha is 0.2: -5 -> -1, -1 -> -0.2.
  OpTester test(schema::OpCode::LEAKY_RELU);
  test.Input({4}, {-5, -1, 0, 2}).Output({4});
  ASSERT_EQ(test.Run(kernels::kLeakyRelu), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, -0.2f, 0, 2}));
}

TEST(LeakyReluTest, AlphaFromOptions) {
  const std::pair<float, std::vector<float>> cases[] = {
      {0.5f, {-2, -0.25f, 0, 3}},
      {0.0f, {0, 0, 0, 3}},
      // Above 1 the negative side is steeper, still legal.
      {2.0f, {-8, -1, 0, 3}},
      {-1.0f, {4, 0.5f, 0, 3}},
  };
  for (const auto& [alpha, expected] : cases) {
    OpTester test(schema::OpCode::LEAKY_RELU);
    test.Input({2, 2}, {-4, -0.5f, 0, 3}).Output({2, 2}).Options(WithAlpha(alpha));
    ASSERT_EQ(test.Run(kernels::kLeakyRelu), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), expected) << "alpha " << alpha;
  }
}

TEST(LeakyReluTest, Scalar) {
  OpTester test(schema::OpCode::LEAKY_RELU);
  test.Input({}, {-10}).Output({}).Options(WithAlpha(0.1f));
  ASSERT_EQ(test.Run(kernels::kLeakyRelu), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1}));
}

// Tolerance 0: one float multiplication, correctly rounded, as is the double
// product of two floats rounded to float.
TEST(LeakyReluTest, MatchesReferenceOverShapes) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> alphas(0.0f, 1.0f);
  for (const std::vector<int32_t>& shape : SweepShapes()) {
    const float alpha = alphas(rng);
    const std::vector<float> input = RandomFloats(ElementCount(shape), -8, 8, rng);
    OpTester test(schema::OpCode::LEAKY_RELU);
    test.InputOf<float>(shape, input, /*constant=*/shape.size() % 2 == 0)
        .Output(shape)
        .Options(WithAlpha(alpha));
    ASSERT_EQ(test.Run(kernels::kLeakyRelu), Status::kOk) << test.error();
    EXPECT_TRUE(AllClose(test.OutputFloats(0),
                         Map(input, [&](double x) { return x >= 0 ? x : double{alpha} * x; }),
                         0.0f))
        << "rank " << shape.size();
  }
}

TEST(LeakyReluTest, RejectsNonFiniteAlpha) {
  for (float alpha :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    OpTester test(schema::OpCode::LEAKY_RELU);
    test.Input({2}, {-1, 1}).Output({2}).Options(WithAlpha(alpha));
    EXPECT_EQ(test.Run(kernels::kLeakyRelu), Status::kInvalidModel) << alpha;
  }
}

TEST(LeakyReluTest, RejectsOptionsOfAnotherOp) {
  schema::SoftmaxOptionsT other;
  schema::OpOptionsUnion options;
  options.Set(std::move(other));
  OpTester test(schema::OpCode::LEAKY_RELU);
  test.Input({2}, {-1, 1}).Output({2}).Options(std::move(options));
  EXPECT_EQ(test.Run(kernels::kLeakyRelu), Status::kInvalidModel);
}

TEST(LeakyReluTest, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kLeakyRelu);
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(LeakyReluTest, Int8HandValues) {
  // Scale 0.5 in and out, zero points 0 and 3, alpha 0.25: multipliers 1
  // (x >= 0) and 1/4 (x < 0), q = x + 3 or x / 4 + 3. -8 -> -2 + 3 = 1;
  // -5 -> -1.25 -> -1 + 3 = 2; -2 -> -0.5, rounded away from zero (the
  // final rounding shift's rule) to -1 -> 2; 0 -> 3; 7 -> 10; 127 -> 130,
  // saturating to 127.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kLeakyRelu, {-8, -5, -2, 0, 7, 127}, {0.5f, 0}, {0.5f, 3}, WithAlpha(0.25f));
  EXPECT_EQ(output, (std::vector<int8_t>{1, 2, 2, 3, 10, 127}));
}

TEST(LeakyReluTest, Int16HandValues) {
  // Scales 2^-10, alpha 0.5: negative inputs halve.
  const std::vector<int16_t> output =
      testing::RunQuantizedUnary<int16_t>(kernels::kLeakyRelu, {-1000, 1000, -32768, 32767},
                                          {1.0f / 1024, 0}, {1.0f / 1024, 0}, WithAlpha(0.5f));
  EXPECT_EQ(output, (std::vector<int16_t>{-500, 1000, -16384, 32767}));
}

// Every int8 input (and every int16 one) at several quantizations and
// alphas against the double reference rounded once: one requantization,
// which TFLite rounds twice, so within 1 step, nearly all exact.
TEST(LeakyReluTest, QuantizedMatchesReference) {
  struct Case {
    Quant in;
    Quant out;
    float alpha;
  };
  const Case int8_cases[] = {{{0.05f, 8}, {0.04f, -40}, 0.2f},
                             {{0.02f, -3}, {0.05f, 60}, 1.7f},
                             {{0.1f, 0}, {0.1f, 0}, 0.0f}};
  int exact = 0;
  int total = 0;
  for (const Case& c : int8_cases) {
    const std::vector<int8_t> input = testing::AllInt8();
    const auto leaky = [&](double x) { return x >= 0 ? x : double{c.alpha} * x; };
    testing::ExpectWithin(testing::RunQuantizedUnary<int8_t>(kernels::kLeakyRelu, input, c.in,
                                                             c.out, WithAlpha(c.alpha)),
                          testing::QuantizedReference<int8_t>(input, c.in, c.out, leaky), 1, &exact,
                          &total);
  }
  const Case int16_cases[] = {{{2e-4f, 0}, {2.5e-4f, 0}, 0.3f}, {{1e-4f, 0}, {3e-5f, 0}, 0.01f}};
  for (const Case& c : int16_cases) {
    const std::vector<int16_t> input = testing::AllInt16();
    const auto leaky = [&](double x) { return x >= 0 ? x : double{c.alpha} * x; };
    testing::ExpectWithin(testing::RunQuantizedUnary<int16_t>(kernels::kLeakyRelu, input, c.in,
                                                              c.out, WithAlpha(c.alpha)),
                          testing::QuantizedReference<int16_t>(input, c.in, c.out, leaky), 1,
                          &exact, &total);
  }
  EXPECT_GE(exact * 100, total * 95) << exact << " of " << total << " exact";
}

schema::OpOptionsUnion AlphaOf(const testing::TflmCase& golden) {
  return WithAlpha(golden.Option<float>(/*alpha=*/0, 0.0f));
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(LeakyReluTest, Int8MatchesTflm) {
  for (const char* name : {"ew_leaky_relu", "ew_leaky_relu_alpha_above_one"}) {
    testing::ExpectMatchesTflm(kernels::kLeakyRelu, 98, name, AlphaOf);
  }
}

TEST(LeakyReluTest, Int16MatchesTflm) {
  testing::ExpectMatchesTflmInt16(kernels::kLeakyRelu, 98, "ew_i16_leaky_relu", AlphaOf);
}

TEST(LeakyReluTest, QuantizedRejectsNegativeAlpha) {
  OpTester test(schema::OpCode::LEAKY_RELU);
  test.InputOf<int8_t>({2}, {1, 2})
      .Quantize({0.1f}, {0})
      .Output({2}, schema::TensorType::INT8)
      .Quantize({0.1f}, {0})
      .Options(WithAlpha(-0.5f));
  EXPECT_EQ(test.Run(kernels::kLeakyRelu), Status::kUnsupported);
}

TEST(LeakyReluTest, RejectsBadQuantization) {
  OpTester test(schema::OpCode::LEAKY_RELU);
  test.InputOf<int8_t>({2}, {1, 2})
      .Quantize({-0.1f}, {0})
      .Output({2}, schema::TensorType::INT8)
      .Quantize({0.1f}, {0});
  EXPECT_EQ(test.Run(kernels::kLeakyRelu), Status::kInvalidModel) << "negative scale";
}

}  // namespace
}  // namespace ember
