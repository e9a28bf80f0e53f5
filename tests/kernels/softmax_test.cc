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
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_case.h"
#include "tests/testing/tflm_int8_reference.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::AllClose;
using testing::OpTester;

schema::OpOptionsUnion WithBeta(float beta) {
  schema::SoftmaxOptionsT options;
  options.beta = beta;
  schema::OpOptionsUnion result;
  result.Set(std::move(options));
  return result;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t count = 1;
  for (int32_t dim : shape) count *= dim;
  return count;
}

// Straight from the definition, in double, one row at a time; inputs are kept
// small enough that e^(beta * x) cannot overflow without the shift.
std::vector<float> Reference(const std::vector<int32_t>& shape, const std::vector<float>& input,
                             double beta) {
  const int64_t depth = shape.back();
  std::vector<float> out(input.size());
  for (size_t start = 0; start < input.size(); start += depth) {
    double sum = 0;
    for (int64_t i = 0; i < depth; ++i) sum += std::exp(beta * input[start + i]);
    for (int64_t i = 0; i < depth; ++i) {
      out[start + i] = static_cast<float>(std::exp(beta * input[start + i]) / sum);
    }
  }
  return out;
}

TEST(SoftmaxTest, HandValues) {
  // Rows {0, ln 3} -> {1/4, 3/4} and {ln 1, ln 2, ln 5} -> {1/8, 2/8, 5/8}:
  // e^(ln k) = k, normalised by the row sum. A row of equal values is uniform.
  const float ln2 = std::log(2.0f);
  const float ln3 = std::log(3.0f);
  const float ln5 = std::log(5.0f);
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({1, 2}, {0, ln3}).Output({1, 2});
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_TRUE(AllClose(test.OutputFloats(0), {0.25f, 0.75f}, 1e-7f));
  }
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, {0, ln2, ln5, 4, 4, 4}).Output({2, 3});
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_TRUE(AllClose(test.OutputFloats(0),
                         {0.125f, 0.25f, 0.625f, 1.0f / 3, 1.0f / 3, 1.0f / 3}, 1e-7f));
  }
}

TEST(SoftmaxTest, Beta) {
  const float ln3 = std::log(3.0f);
  struct Case {
    float beta;
    std::vector<float> expected;
  };
  // beta scales the logits: {0, ln 3} becomes {0, 2 ln 3} (1/10, 9/10) at 2,
  // {0, -ln 3} (3/4, 1/4) at -1, and all zeros (uniform) at 0.
  const Case cases[] = {
      {2.0f, {0.1f, 0.9f}},
      {-1.0f, {0.75f, 0.25f}},
      {0.0f, {0.5f, 0.5f}},
  };
  for (const Case& c : cases) {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2}, {0, ln3}).Output({2}).Options(WithBeta(c.beta));
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_TRUE(AllClose(test.OutputFloats(0), c.expected, 1e-7f)) << "beta " << c.beta;
  }
}

TEST(SoftmaxTest, StableForLargeLogits) {
  // e^1000 overflows float; shifting by the row maximum keeps it finite.
  OpTester test(schema::OpCode::SOFTMAX);
  test.Input({3, 2}, {1000, 1000, -1000, 0, 80, 100}).Output({3, 2});
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  // Row 3: 1 / (1 + e^20) = 2.0611537e-9.
  EXPECT_TRUE(AllClose(test.OutputFloats(0), {0.5f, 0.5f, 0, 1, 2.0611537e-9f, 1}, 1e-7f));
}

TEST(SoftmaxTest, StableForLargeLogitsWithNegativeBeta) {
  // With beta = -1 the largest beta * x comes from the smallest x.
  OpTester test(schema::OpCode::SOFTMAX);
  test.Input({2}, {-1000, 1000}).Output({2}).Options(WithBeta(-1.0f));
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 0}));
}

TEST(SoftmaxTest, DepthOneAndEmpty) {
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({3, 1}, {-5, 0, 7}).Output({3, 1});
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 1, 1}));
  }
  for (const std::vector<int32_t>& shape : {std::vector<int32_t>{0, 4}, {3, 0}}) {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input(shape, {}).Output(shape);
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_TRUE(test.OutputFloats(0).empty());
  }
}

// Tolerance: each output carries expf's error (about an ulp) plus the float
// sum over at most 7 terms and the final scaling; outputs lie in [0, 1], so
// atol 3e-7 (a few ulps at 1) and rtol 2e-6 for the small ones.
TEST(SoftmaxTest, MatchesReferenceOverShapesAndBetas) {
  const std::vector<std::vector<int32_t>> shapes = {
      {1}, {7}, {1, 1}, {4, 3}, {2, 3, 5}, {1, 5, 5, 3}, {2, 2, 3, 1, 7}, {2, 1, 2, 1, 2, 6}};
  const float betas[] = {1.0f, 0.5f, 2.0f, -1.0f};
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> value(-5.0f, 5.0f);
  for (const std::vector<int32_t>& shape : shapes) {
    for (float beta : betas) {
      std::vector<float> input(Count(shape));
      for (float& v : input) v = value(rng);
      OpTester test(schema::OpCode::SOFTMAX);
      test.InputOf<float>(shape, input, /*constant=*/beta < 0)
          .Output(shape)
          .Options(WithBeta(beta));
      ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
      EXPECT_TRUE(AllClose(test.OutputFloats(0), Reference(shape, input, beta), 3e-7f, 2e-6f))
          << "rank " << shape.size() << " beta " << beta;
    }
  }
}

TEST(SoftmaxTest, RejectsMalformedModels) {
  const std::vector<float> six(6, 1.0f);
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({}, {1}).Output({});
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "rank 0";
    EXPECT_NE(test.error().find("rank"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, six).Output({3, 2});
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "output dims differ";
  }
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, six).Output({2, 3}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "output type differs";
  }
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, six).Input({2, 3}, six).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "two inputs";
  }
  for (float beta :
       {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, six).Output({2, 3}).Options(WithBeta(beta));
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "beta " << beta;
  }
  {
    schema::LeakyReluOptionsT other;
    schema::OpOptionsUnion options;
    options.Set(std::move(other));
    OpTester test(schema::OpCode::SOFTMAX);
    test.Input({2, 3}, six).Output({2, 3}).Options(std::move(options));
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kInvalidModel) << "options of another op";
  }
  {
    OpTester test(schema::OpCode::SOFTMAX);
    test.InputOf<int32_t>({2}, {1, 2}).Output({2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kSoftmax), Status::kUnsupported) << "int32";
  }
}

// ---- Int8 ---------------------------------------------------------------------

// An int8 softmax of `input` (scale `scale`, zero point 3) with TFLite's
// output quantization, scale 1/256 and zero point -128.
OpTester Int8Softmax(const std::vector<int32_t>& shape, const std::vector<int8_t>& input,
                     float scale, float beta = 1.0f) {
  OpTester test(schema::OpCode::SOFTMAX);
  test.InputOf<int8_t>(shape, input)
      .Quantize({scale}, {3})
      .Output(shape, TensorType::INT8)
      .Quantize({1.0f / 256}, {-128})
      .Options(WithBeta(beta));
  return test;
}

TEST(SoftmaxTest, Int8HandValues) {
  // Probability p is output q = 256 p - 128, saturating at 127.
  struct Case {
    const char* what;
    std::vector<int8_t> input;
    float scale;
    std::vector<int8_t> expected;
  };
  const Case cases[] = {
      // Equal logits: 1/2 -> 0, 1/4 -> -64, 1/8 -> -96 (the zero point and
      // scale of the input do not matter).
      {"2 equal", {7, 7}, 0.1f, {0, 0}},
      {"4 equal", {-100, -100, -100, -100}, 0.3f, {-64, -64, -64, -64}},
      {"8 equal", std::vector<int8_t>(8, 50), 0.05f, std::vector<int8_t>(8, -96)},
      // Differences of 100 at scale ln(3) / 100 are ln 3 apart: weights
      // 1 : 3 give 1/4 and 3/4 -> -64 and 64.
      {"1 : 3", {0, 100}, std::log(3.0f) / 100, {-64, 64}},
      // Scale 1: beta * scale * 2^26 = 2^26 is multiplier 2^30 with shift 27,
      // so diff_min = -floor(31 * 2^26 / 2^27) = -15, and the differences
      // -20 and -120 drop out: the maximum gets probability 1, saturating at
      // 127, the rest exactly -128.
      {"one-hot", {0, 20, -100}, 1.0f, {-128, 127, -128}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    OpTester test = Int8Softmax({1, static_cast<int32_t>(c.input.size())}, c.input, c.scale);
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), c.expected);
  }
}

TEST(SoftmaxTest, Int8BetaScalesLogits) {
  // {0, 50} at scale ln(3) / 100 is ln 3 / 2 apart; beta 2 makes it ln 3:
  // -64, 64 as above.
  OpTester test = Int8Softmax({2}, {0, 50}, std::log(3.0f) / 100, 2.0f);
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-64, 64}));
}

TEST(SoftmaxTest, Int8LargeSumsGiveMinusOneTwentyEight) {
  // 600 equal logits: each probability is 1/600 < 1/512, which TFLite's
  // arithmetic rounds to 0 (TFLite Micro itself stops on a failed check
  // there); -128 throughout.
  OpTester test = Int8Softmax({600}, std::vector<int8_t>(600, 1), 0.1f);
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), std::vector<int8_t>(600, -128));
}

// Int8 against a double softmax of the dequantized input, requantized with
// one correct rounding. TFLite's fixed-point exponential, its reciprocal and
// the final rounding shift carry errors of a few 2^-30 and round twice, so a
// result near a rounding boundary may land one step away: within 1, and
// most exactly.
TEST(SoftmaxTest, Int8MatchesReferenceOverShapesAndScales) {
  const std::vector<std::vector<int32_t>> shapes = {{1}, {7}, {4, 3}, {2, 3, 10}, {1, 2, 2, 50}};
  const float scales[] = {0.01f, 0.05f, 0.1f, 0.3f};
  const float betas[] = {1.0f, 0.5f, 2.0f};
  std::mt19937 rng(23);
  int exact = 0;
  int total = 0;
  for (const std::vector<int32_t>& shape : shapes) {
    for (float scale : scales) {
      for (float beta : betas) {
        SCOPED_TRACE("rank " + std::to_string(shape.size()) + " scale " + std::to_string(scale) +
                     " beta " + std::to_string(beta));
        std::uniform_int_distribution<int> value(-128, 127);
        std::vector<int8_t> input(Count(shape));
        for (int8_t& v : input) v = static_cast<int8_t>(value(rng));
        OpTester test = Int8Softmax(shape, input, scale, beta);
        ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
        const std::vector<int8_t> actual = test.OutputAs<int8_t>(0);
        const int64_t depth = shape.back();
        for (size_t start = 0; start < input.size(); start += depth) {
          double sum = 0;
          for (int64_t i = 0; i < depth; ++i) {
            sum += std::exp(double{beta} * scale * input[start + i]);
          }
          for (int64_t i = 0; i < depth; ++i) {
            const double p = std::exp(double{beta} * scale * input[start + i]) / sum;
            const double q = std::min(127.0, std::round(p * 256) - 128);
            ASSERT_LE(std::abs(actual[start + i] - q), 1) << "at " << start + i;
            if (actual[start + i] == q) ++exact;
            ++total;
          }
        }
      }
    }
  }
  EXPECT_GE(exact, total * 99 / 100) << exact << " of " << total << " exact";
}

// Against TFLite Micro's reference arithmetic (tflm_int8_reference.h), bit
// for bit: rows holding every int8 value (so every difference 0..255 from
// the row's maximum) and random rows of depths 1 to 40, over input scales
// from 2^-20 (nothing drops below diff_min) to 3.7 (most differences drop
// out) and betas.
TEST(SoftmaxTest, Int8MatchesTflmArithmeticAtEveryDifference) {
  const float scales[] = {1.0f / (1 << 20), 1e-3f, 0.01f, 0.0390625f, 0.05f, 0.1f,
                          0.25f,           0.3f,  1.0f,  1.7f,       3.7f};
  const float betas[] = {1.0f, 0.5f, 2.0f};
  std::mt19937 rng(29);
  std::uniform_int_distribution<int> value(-128, 127);
  std::uniform_int_distribution<int> depth_of(1, 40);
  for (float scale : scales) {
    for (float beta : betas) {
      if (beta * scale >= 8.0f || beta * scale * (1 << 26) <= 1.0f) continue;
      SCOPED_TRACE("scale " + std::to_string(scale) + " beta " + std::to_string(beta));
      const testing::TflmInt8SoftmaxParams params = testing::TflmInt8SoftmaxPrepare(beta, scale);
      std::vector<std::vector<int8_t>> rows;
      std::vector<int8_t> all;
      for (int q = -128; q <= 127; ++q) all.push_back(static_cast<int8_t>(q));
      std::shuffle(all.begin(), all.end(), rng);
      rows.push_back(all);
      for (int r = 0; r < 30; ++r) {
        std::vector<int8_t> row(depth_of(rng));
        for (int8_t& v : row) v = static_cast<int8_t>(value(rng));
        rows.push_back(row);
      }
      for (const std::vector<int8_t>& row : rows) {
        OpTester test = Int8Softmax({static_cast<int32_t>(row.size())}, row, scale, beta);
        ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
        ASSERT_EQ(test.OutputAs<int8_t>(0), testing::TflmInt8SoftmaxRow(row, params));
      }
    }
  }
}

TEST(SoftmaxTest, Int8InfersOutputShape) {
  OpTester test(schema::OpCode::SOFTMAX);
  test.InputOf<int8_t>({2, 3}, {1, 2, 3, 4, 5, 6})
      .Quantize({0.1f}, {0})
      .Output({}, TensorType::INT8)
      .Quantize({1.0f / 256}, {-128})
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3}));
}

schema::OpOptionsUnion OptionsFromTflite(const testing::TflmCase& golden) {
  return WithBeta(golden.Option<float>(/*beta=*/0, 0.0f));
}

void ExpectMatchesTflm(const std::string& name) {
  testing::ExpectMatchesTflm(kernels::kSoftmax, 25, name, OptionsFromTflite);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py.
TEST(SoftmaxTest, Int8MatchesTflmBeta1) { ExpectMatchesTflm("softmax_beta1"); }

TEST(SoftmaxTest, Int8MatchesTflmBetaHalfNarrow) { ExpectMatchesTflm("softmax_beta_half_narrow"); }

TEST(SoftmaxTest, Int8RejectsBadQuantization) {
  struct Bad {
    const char* what;
    std::vector<float> input_scales;
    float output_scale;
    int64_t output_zp;
    float beta;
    Status status;
  };
  const Bad cases[] = {
      {"input not quantized", {}, 1.0f / 256, -128, 1.0f, Status::kInvalidModel},
      {"zero input scale", {0.0f}, 1.0f / 256, -128, 1.0f, Status::kInvalidModel},
      {"output scale not 1/256", {0.1f}, 1.0f / 255, -128, 1.0f, Status::kInvalidModel},
      {"output zero point not -128", {0.1f}, 1.0f / 256, 0, 1.0f, Status::kInvalidModel},
      {"negative beta", {0.1f}, 1.0f / 256, -128, -1.0f, Status::kUnsupported},
      {"beta * scale >= 8", {0.5f}, 1.0f / 256, -128, 16.0f, Status::kUnsupported},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::SOFTMAX);
    test.InputOf<int8_t>({2}, {1, 2});
    if (!bad.input_scales.empty()) test.Quantize(bad.input_scales, {0});
    test.Output({2}, TensorType::INT8)
        .Quantize({bad.output_scale}, {bad.output_zp})
        .Options(WithBeta(bad.beta));
    EXPECT_EQ(test.Run(kernels::kSoftmax), bad.status) << test.error();
  }
}

// ---- Int16 --------------------------------------------------------------------

// An int16 softmax of `input` at scale `scale` with TFLite's output
// quantization, scale 1/32768 and zero point 0.
OpTester Int16Softmax(const std::vector<int32_t>& shape, const std::vector<int16_t>& input,
                      float scale, float beta = 1.0f) {
  OpTester test(schema::OpCode::SOFTMAX);
  test.InputOf<int16_t>(shape, input)
      .Quantize({scale}, {0})
      .Output(shape, TensorType::INT16)
      .Quantize({1.0f / 32768}, {0})
      .Options(WithBeta(beta));
  return test;
}

TEST(SoftmaxTest, Int16HandValues) {
  // Probability p is output q = 32768 p, saturating at 32767. The exp table
  // holds e^x for x in [-10, 0] at 512 steps of 10/512: its last two
  // entries are 32133 (e^-0.0195 * 32768, nudged) and 32767 (e^0, clamped),
  // so a difference of 0 (table input 32767: entry 511, offset 127)
  // interpolates to 32133 + (634 * 127 + 64) >> 7 = 32762.
  //  - 2 equal: sum 65524 has 16 leading zeros; normalized (65524 << 15 +
  //    2^13) >> 14 = 131048, recentred 32744 (entry 511, offset 104) in the
  //    1 / (1 + x) table ending 16400, 16384: 16400 + (-16 * 104 + 64) >> 7 =
  //    16387; each output (32762 * 16387 + 2^14) >> 15 = 16384, i.e. 1/2.
  //  - 4 equal: the sum doubles, the shift grows by 1: 8192 each.
  //  - depth 1: (32762 * 16387 + 2^13) >> 14 = 32768, saturating to 32767.
  //  - 1 : 3 (inputs ln 3 apart): 8192 and 24575 (the exponential of -ln 3
  //    reads 10921 from the table).
  struct Case {
    const char* what;
    std::vector<int16_t> input;
    float scale;
    std::vector<int16_t> expected;
  };
  const Case cases[] = {
      {"2 equal", {7, 7}, 0.1f, {16384, 16384}},
      {"4 equal", {-100, -100, -100, -100}, 0.1f, {8192, 8192, 8192, 8192}},
      {"depth 1", {1234}, 0.1f, {32767}},
      {"1 : 3", {0, 100}, std::log(3.0f) / 100, {8192, 24575}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    OpTester test = Int16Softmax({1, static_cast<int32_t>(c.input.size())}, c.input, c.scale);
    ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int16_t>(0), c.expected);
  }
}

TEST(SoftmaxTest, Int16DifferencesBeyondTenAreFlooredAtTheTableStart) {
  // TFLite's table starts at e^-10: any larger difference reads its first
  // entry, 2 (e^-10 * 32768 = 1.49, nudged up by the interpolation error),
  // instead of a smaller number. At scale 0.01 the difference -30000 is
  // -300: the exponentials 32762 and 2 sum to 32764 (17 leading zeros),
  // normalized (32764 << 16 + 2^13) >> 14 = 131056, recentred 32752 (entry
  // 511, offset 112): reciprocal 16400 + (-16 * 112 + 64) >> 7 = 16386.
  // Outputs (32762 * 16386 + 2^13) >> 14 = 32766 and (2 * 16386 + 2^13) >> 14
  // = 2, where the exact softmax gives 32767 (saturated) and 0.
  OpTester test = Int16Softmax({2}, {0, -30000}, 0.01f);
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{32766, 2}));
}

// Int16 against TFLite's definition computed in double: e^max(d, -10) for
// each difference d from the row's maximum (the table's floor, see above),
// normalized, times 32768. TFLite rounds each exponential to Q0.15 (within
// about 1.5 steps, table and interpolation together) before summing them, so
// the sum of a row of n values carries up to 1.5 n steps of error, which
// shifts an output of probability p by up to 1.5 n p steps; the
// reciprocal's table and the final rounding add about 2. Outputs must lie
// within 3 + 1.5 n p steps, and most within 1.
TEST(SoftmaxTest, Int16MatchesReferenceOverShapesAndScales) {
  const std::vector<std::vector<int32_t>> shapes = {{1}, {7}, {4, 3}, {2, 3, 10}, {1, 2, 2, 50}};
  const float scales[] = {1e-4f, 3e-4f, 1e-3f, 3e-3f};
  const float betas[] = {1.0f, 0.5f, 2.0f};
  std::mt19937 rng(29);
  int close = 0;
  int total = 0;
  for (const std::vector<int32_t>& shape : shapes) {
    for (float scale : scales) {
      for (float beta : betas) {
        SCOPED_TRACE("rank " + std::to_string(shape.size()) + " scale " + std::to_string(scale) +
                     " beta " + std::to_string(beta));
        std::uniform_int_distribution<int> value(-32768, 32767);
        std::vector<int16_t> input(Count(shape));
        for (int16_t& v : input) v = static_cast<int16_t>(value(rng));
        OpTester test = Int16Softmax(shape, input, scale, beta);
        ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
        const std::vector<int16_t> actual = test.OutputAs<int16_t>(0);
        const int64_t depth = shape.back();
        for (size_t start = 0; start < input.size(); start += depth) {
          const int16_t max =
              *std::max_element(input.begin() + start, input.begin() + start + depth);
          std::vector<double> e(depth);
          double sum = 0;
          for (int64_t i = 0; i < depth; ++i) {
            const double d = double{beta} * scale * (input[start + i] - max);
            e[i] = std::exp(std::max(d, -10.0));
            sum += e[i];
          }
          for (int64_t i = 0; i < depth; ++i) {
            const double p = e[i] / sum;
            const double q = std::min(32767.0, std::round(p * 32768));
            const double error = std::abs(actual[start + i] - q);
            ASSERT_LE(error, 3 + 1.5 * depth * p) << "at " << start + i;
            if (error <= 1) ++close;
            ++total;
          }
        }
      }
    }
  }
  EXPECT_GE(close, total * 95 / 100) << close << " of " << total << " within 1";
}

TEST(SoftmaxTest, Int16InfersOutputShape) {
  OpTester test(schema::OpCode::SOFTMAX);
  test.InputOf<int16_t>({2, 3}, {1, 2, 3, 4, 5, 6})
      .Quantize({0.001f}, {0})
      .Output({}, TensorType::INT16)
      .Quantize({1.0f / 32768}, {0})
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kSoftmax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3}));
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/cases_int16.py (its tables included).
void ExpectMatchesTflmInt16(const std::string& name) {
  testing::ExpectMatchesTflmInt16(kernels::kSoftmax, 25, name, OptionsFromTflite);
}

TEST(SoftmaxTest, Int16MatchesTflmBeta1) { ExpectMatchesTflmInt16("i16_softmax_beta1"); }

TEST(SoftmaxTest, Int16MatchesTflmBetaHalfNarrow) {
  ExpectMatchesTflmInt16("i16_softmax_beta_half_narrow");
}

TEST(SoftmaxTest, Int16MatchesTflmWideRows) { ExpectMatchesTflmInt16("i16_softmax_wide_rows"); }

TEST(SoftmaxTest, Int16RejectsBadQuantization) {
  struct Bad {
    const char* what;
    std::vector<float> input_scales;
    int64_t input_zp;
    float output_scale;
    int64_t output_zp;
    float beta;
    Status status;
  };
  const Bad cases[] = {
      {"input not quantized", {}, 0, 1.0f / 32768, 0, 1.0f, Status::kInvalidModel},
      {"input zero point not 0", {0.001f}, 5, 1.0f / 32768, 0, 1.0f, Status::kInvalidModel},
      {"output scale 1/32767 (0.003% off: within TFLite's 0.1%)",
       {0.001f},
       0,
       1.0f / 32767,
       0,
       1.0f,
       Status::kOk},
      {"output scale 1/32000", {0.001f}, 0, 1.0f / 32000, 0, 1.0f, Status::kInvalidModel},
      {"output scale 1/65536", {0.001f}, 0, 1.0f / 65536, 0, 1.0f, Status::kInvalidModel},
      {"output zero point not 0", {0.001f}, 0, 1.0f / 32768, -32768, 1.0f, Status::kInvalidModel},
      {"negative beta", {0.001f}, 0, 1.0f / 32768, 0, -1.0f, Status::kUnsupported},
      // beta * scale * 65535 / 10 must stay below 2^15: beta * scale < 5.00008.
      {"beta * scale = 5", {0.5f}, 0, 1.0f / 32768, 0, 10.0f, Status::kOk},
      {"beta * scale = 6", {0.5f}, 0, 1.0f / 32768, 0, 12.0f, Status::kUnsupported},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::SOFTMAX);
    test.InputOf<int16_t>({2}, {1, 2});
    if (!bad.input_scales.empty()) test.Quantize(bad.input_scales, {bad.input_zp});
    test.Output({2}, TensorType::INT16)
        .Quantize({bad.output_scale}, {bad.output_zp})
        .Options(WithBeta(bad.beta));
    EXPECT_EQ(test.Run(kernels::kSoftmax), bad.status) << test.error();
  }
  OpTester int8_output(schema::OpCode::SOFTMAX);
  int8_output.InputOf<int16_t>({2}, {1, 2})
      .Quantize({0.001f}, {0})
      .Output({2}, TensorType::INT8)
      .Quantize({1.0f / 256}, {-128});
  EXPECT_EQ(int8_output.Run(kernels::kSoftmax), Status::kInvalidModel) << int8_output.error();
}

// The integer-only registration runs the same integer paths and refuses float.
TEST(SoftmaxTest, IntegerOnlyKernelMatchesTflmAndRefusesFloat) {
  testing::ExpectMatchesTflm(kernels::kSoftmaxInteger, 25, "softmax_beta1", OptionsFromTflite);
  testing::ExpectMatchesTflmInt16(kernels::kSoftmaxInteger, 25, "i16_softmax_beta1",
                                  OptionsFromTflite);
  OpTester test(schema::OpCode::SOFTMAX);
  test.Input({1, 3}, {1, 2, 3}).Output({1, 3}).Options(WithBeta(1.0f));
  EXPECT_EQ(test.Run(kernels::kSoftmaxInteger), Status::kUnsupported);
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type.
TEST(SoftmaxTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectMatchesTflm(kernels::kSoftmaxInt8, 25, "softmax_beta1", OptionsFromTflite);
  testing::ExpectMatchesTflm(kernels::kSoftmaxInt8, 25, "softmax_beta_half_narrow",
                             OptionsFromTflite);
  OpTester float_softmax(schema::OpCode::SOFTMAX);
  float_softmax.Input({1, 3}, {1, 2, 3}).Output({1, 3}).Options(WithBeta(1.0f));
  EXPECT_EQ(float_softmax.Run(kernels::kSoftmaxInt8), Status::kUnsupported);
  OpTester int16_softmax(schema::OpCode::SOFTMAX);
  int16_softmax.InputOf<int16_t>({1, 3}, {1, 2, 3})
      .Quantize({0.01f}, {0})
      .Output({1, 3}, TensorType::INT16)
      .Quantize({1.0f / 32768}, {0})
      .Options(WithBeta(1.0f));
  ASSERT_EQ(int16_softmax.Run(kernels::kSoftmax), Status::kOk) << int16_softmax.error();
  EXPECT_EQ(int16_softmax.Run(kernels::kSoftmaxInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
