#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/internal/int8_fast.h"
#include "kernels/kernels.h"
#include "tests/testing/int16_test_util.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_case.h"

namespace ember {
namespace {

using testing::AllClose;
using testing::ApplyActivation;
using testing::OpTester;
using testing::QuantizeReference;
using testing::RandomInts;

schema::OpOptionsUnion FcOptions(schema::Activation activation = schema::Activation::NONE,
                                 bool keep_num_dims = false) {
  schema::FullyConnectedOptionsT options;
  options.activation = activation;
  options.keep_num_dims = keep_num_dims;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(FullyConnectedTest, TwoRowsWithBias) {
  // Row [1,2,3]: 1*1 + 2*0 + 3*-1 + 1 = -1 and 0.5*(1+2+3) = 3.
  // Row [4,5,6]: 4 - 6 + 1 = -1 and 0.5*15 = 7.5.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .ConstInput({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f})
      .ConstInput({2}, {1, 0})
      .Output({2, 2})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, 3, -1, 7.5f}));
}

TEST(FullyConnectedTest, ReluClampsNegatives) {
  // Same numbers as above, clamped at 0.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .ConstInput({2, 3}, {1, 0, -1, 0.5f, 0.5f, 0.5f})
      .ConstInput({2}, {1, 0})
      .Output({2, 2})
      .Options(FcOptions(schema::Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 3, 0, 7.5f}));
}

TEST(FullyConnectedTest, FlattensInputToRowsOfInFeatures) {
  // [1,2,2,2] = 1..8 read as 2 rows of 4 (rows = 8 / 4, not the leading
  // dim): sums 1+2+3+4 = 10 and 5+6+7+8 = 26. No bias input.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8})
      .ConstInput({1, 4}, {1, 1, 1, 1})
      .Output({2, 1})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{10, 26}));
}

TEST(FullyConnectedTest, KeepNumDimsKeepsLeadingDims) {
  // [2,1,3] -> [2,1,2]: rows [1,2,3] and [4,5,6] against weights [[1,1,1],
  // [0,0,2]] and bias [0, -1]: 6, 5 and 15, 11.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 1, 3}, {1, 2, 3, 4, 5, 6})
      .ConstInput({2, 3}, {1, 1, 1, 0, 0, 2})
      .ConstInput({2}, {0, -1})
      .Output({2, 1, 2})
      .Options(FcOptions(schema::Activation::NONE, true));
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6, 5, 15, 11}));
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 1, 2}));
}

TEST(FullyConnectedTest, RankOneInputIsOneRow) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({3}, {1, 2, 3}).ConstInput({1, 3}, {1, 1, 1}).Output({1, 1}).Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6}));
}

// ---- Sweep against a naive reference ----------------------------------------

// With infer_shapes every output is declared as {} and Prepare must give it
// the reference shape, as the converter's shape inference relies on.
void Sweep(bool infer_shapes) {
  std::mt19937 rng(2024);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
  };
  // Leading dims of the input; the last dim is in_features.
  const std::vector<std::vector<int32_t>> leading = {{}, {1}, {3}, {2, 3}, {2, 1, 2}};
  const int in_sizes[] = {1, 3, 8, 37};
  const int out_sizes[] = {1, 5, 9};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  for (const auto& lead : leading) {
    for (int in : in_sizes) {
      for (int out : out_sizes) {
        for (bool keep_num_dims : {false, true}) {
          const bool bias = index % 3 != 0;
          const schema::Activation activation = activations[index % 4];
          ++index;
          std::vector<int32_t> in_shape = lead;
          in_shape.push_back(in);
          int rows = 1;
          for (int32_t d : lead) rows *= d;
          std::vector<int32_t> out_shape = {rows, out};
          if (keep_num_dims) {
            out_shape = lead;
            out_shape.push_back(out);
          }
          SCOPED_TRACE("rows " + std::to_string(rows) + " in " + std::to_string(in) + " out " +
                       std::to_string(out) + (keep_num_dims ? " keep" : "") +
                       (bias ? " bias " : " nobias ") + schema::EnumNameActivation(activation));
          const auto input = random(static_cast<size_t>(rows) * in);
          const auto weights = random(static_cast<size_t>(out) * in);
          const auto bias_values = random(out);

          std::vector<float> expected;
          for (int r = 0; r < rows; ++r) {
            for (int o = 0; o < out; ++o) {
              double sum = bias ? bias_values[o] : 0.0;
              for (int i = 0; i < in; ++i) sum += double{input[r * in + i]} * weights[o * in + i];
              expected.push_back(static_cast<float>(ApplyActivation(sum, activation)));
            }
          }

          OpTester test(schema::OpCode::FULLY_CONNECTED);
          test.Input(in_shape, input).ConstInput({out, in}, weights);
          if (bias) {
            test.ConstInput({out}, bias_values);
          } else {
            test.AbsentInput();
          }
          test.Output(infer_shapes ? std::vector<int32_t>{} : out_shape)
              .Options(FcOptions(activation, keep_num_dims));
          if (infer_shapes) test.InferShapes();
          ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputShape(0), out_shape);
          // Up to 37 float32 products of values in [-1, 1] accumulated in
          // order: rounding error stays around 1e-6, well inside 1e-5.
          EXPECT_TRUE(AllClose(test.OutputFloats(0), expected, 1e-5f, 1e-5f));
        }
      }
    }
  }
}

TEST(FullyConnectedTest, MatchesReferenceOverSweep) { Sweep(false); }

TEST(FullyConnectedTest, InfersOutputShapesOverSweep) { Sweep(true); }

// ---- Rejections -------------------------------------------------------------

TEST(FullyConnectedTest, RejectsElementsNotMultipleOfInFeatures) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 5}, std::vector<float>(10, 1.0f))
      .ConstInput({2, 4}, std::vector<float>(8, 1.0f))
      .Output({2, 2})
      .Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsWrongOutputShape) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 4}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 4}, std::vector<float>(12, 1.0f))
      .Output({2, 4})
      .Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
  // The interpreter's check of the declared shape names the computed one.
  EXPECT_NE(test.error().find("(2, 3,"), std::string::npos) << test.error();
}

TEST(FullyConnectedTest, RejectsFlattenedOutputWhenKeepNumDims) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 2, 4}, std::vector<float>(16, 1.0f))
      .ConstInput({3, 4}, std::vector<float>(12, 1.0f))
      .Output({4, 3})
      .Options(FcOptions(schema::Activation::NONE, true));
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsKeepNumDimsWithLastDimNotInFeatures) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 8}, std::vector<float>(16, 1.0f))
      .ConstInput({3, 4}, std::vector<float>(12, 1.0f))
      .Output({2, 3})
      .Options(FcOptions(schema::Activation::NONE, true));
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsWeightsOfWrongRank) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 4}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 4, 1}, std::vector<float>(12, 1.0f))
      .Output({2, 3})
      .Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
  EXPECT_NE(test.error().find("weights"), std::string::npos) << test.error();
}

TEST(FullyConnectedTest, RejectsEmptyInFeatures) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 0}, {}).ConstInput({3, 0}, {}).Output({2, 3}).Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsBiasOfWrongSize) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({2, 4}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 4}, std::vector<float>(12, 1.0f))
      .ConstInput({4}, std::vector<float>(4, 1.0f))
      .Output({2, 3})
      .Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsScalarInput) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({}, {1}).ConstInput({1, 1}, {1}).Output({1, 1}).Options(FcOptions());
  EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel);
}

TEST(FullyConnectedTest, RejectsBadOrMissingOptions) {
  for (int variant = 0; variant < 2; ++variant) {
    SCOPED_TRACE(variant);
    OpTester test(schema::OpCode::FULLY_CONNECTED);
    test.Input({2, 4}, std::vector<float>(8, 1.0f))
        .ConstInput({3, 4}, std::vector<float>(12, 1.0f))
        .Output({2, 3});
    if (variant == 0) test.Options(FcOptions(static_cast<schema::Activation>(-1)));
    EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel) << test.error();
  }
}

// ---- Int8 ---------------------------------------------------------------------

TEST(FullyConnectedTest, Int8HandWorkedPerTensor) {
  // q = [10, -5, 0] at scale 0.5 and zero point 2: q - zp = [8, -7, -2].
  // Weights at scale 0.25: [1, 2, 3] -> 8 - 14 - 6 = -12, bias 14 -> 2;
  // [-4, 0, 5] -> -32 - 10 = -42, bias 4 -> -38. Multiplier
  // 0.5 * 0.25 / 0.5 = 0.25 (Q31 2^30, shift -1), in two roundings: 2 -> 1
  // -> 0.5, rounded away from zero to 1; -38 -> -19 -> -9.5 -> -10. Output
  // zero point -1: 0, -11.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int8_t>({1, 3}, {10, -5, 0})
      .Quantize({0.5f}, {2})
      .InputOf<int8_t>({2, 3}, {1, 2, 3, -4, 0, 5}, true)
      .Quantize({0.25f}, {0})
      .InputOf<int32_t>({2}, {14, 4}, true)
      .Quantize({0.125f}, {0})
      .Output({1, 2}, schema::TensorType::INT8)
      .Quantize({0.5f}, {-1})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{0, -11}));
}

TEST(FullyConnectedTest, Int8HandWorkedPerChannel) {
  // Rows [3, -1] and [0, 4] at scale 1, zero point 0. Weights [1, 1] at
  // scale 0.5 -> sums 2, 4 -> times 0.5: 1, 2. Weights [2, -3] at scale
  // 0.25 -> sums 9, -12 -> times 0.25 (Q31 2^30, shift -1): -12 gives -3,
  // but 9 * 0.25 = 2.25 becomes 3, not 2: the high multiply rounds 4.5 up
  // to 5 and the shift then rounds 2.5 up to 3. This double rounding is
  // TFLite's, and why the reference sweep below allows one step. No bias.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int8_t>({2, 2}, {3, -1, 0, 4})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({2, 2}, {1, 1, 2, -3}, true)
      .Quantize({0.5f, 0.25f}, {0, 0}, 0)
      .AbsentInput()
      .Output({2, 2}, schema::TensorType::INT8)
      .Quantize({1.0f}, {0})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{1, 3, 2, -3}));
}

TEST(FullyConnectedTest, Int8ReluClampsAtOutputZeroPoint) {
  // One input 1 (scale 1) times weights [-3, 3] (scale 1): -3, 3. Output
  // scale 1, zero point 5: 2, 8; RELU clamps below the zero point: 5, 8.
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int8_t>({1, 1}, {1})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({2, 1}, {-3, 3}, true)
      .Quantize({1.0f}, {0})
      .Output({1, 2}, schema::TensorType::INT8)
      .Quantize({1.0f}, {5})
      .Options(FcOptions(schema::Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{5, 8}));
}

// Int8 against an independent reference: dequantize, multiply in double,
// apply the activation to the real value and requantize with one correct
// rounding. TFLite's integer pipeline rounds more than once (the multiplier
// to 31 bits, the doubling high multiply, then the rounding shift), so where
// the exact result lies near a rounding boundary it may land one step away:
// results must agree within 1, and most exactly.
TEST(FullyConnectedTest, Int8MatchesReferenceOverSweep) {
  std::mt19937 rng(77);
  const std::vector<std::vector<int32_t>> leading = {{}, {1}, {3}, {2, 3}};
  const int in_sizes[] = {1, 3, 8, 37, 300};
  const int out_sizes[] = {1, 5, 9};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  int exact = 0;
  int total = 0;
  for (const auto& lead : leading) {
    for (int in : in_sizes) {
      for (int out : out_sizes) {
        const bool bias = index % 3 != 0;
        const bool per_channel = index % 2 == 0;
        const schema::Activation activation = activations[(index / 2) % 4];
        ++index;
        std::vector<int32_t> in_shape = lead;
        in_shape.push_back(in);
        int rows = 1;
        for (int32_t d : lead) rows *= d;
        SCOPED_TRACE("rows " + std::to_string(rows) + " in " + std::to_string(in) + " out " +
                     std::to_string(out) + (per_channel ? " per-channel" : " per-tensor") +
                     (bias ? " bias " : " nobias ") + schema::EnumNameActivation(activation));
        const auto [input_scale, input_zp, weight_scales, output_scale, output_zp] =
            testing::RandomInt8WeightedQuantization(rng, per_channel ? out : 1, in);
        const auto input = RandomInts<int8_t>(rng, static_cast<size_t>(rows) * in, -128, 127);
        const auto weights = RandomInts<int8_t>(rng, static_cast<size_t>(out) * in, -127, 127);
        const auto bias_values = RandomInts<int32_t>(rng, out, -3000, 3000);

        std::vector<int8_t> expected;
        for (int r = 0; r < rows; ++r) {
          for (int o = 0; o < out; ++o) {
            const double weight_scale = weight_scales[per_channel ? o : 0];
            double sum =
                bias ? static_cast<double>(bias_values[o]) * input_scale * weight_scale : 0.0;
            for (int i = 0; i < in; ++i) {
              sum += (input[r * in + i] - input_zp) * double{input_scale} * weights[o * in + i] *
                     weight_scale;
            }
            expected.push_back(
                QuantizeReference(ApplyActivation(sum, activation), output_scale, output_zp));
          }
        }

        OpTester test(schema::OpCode::FULLY_CONNECTED);
        test.InputOf<int8_t>(in_shape, input)
            .Quantize({input_scale}, {input_zp})
            .InputOf<int8_t>({out, in}, weights, true)
            .Quantize(weight_scales, std::vector<int64_t>(weight_scales.size(), 0), 0);
        if (bias) {
          test.InputOf<int32_t>({out}, bias_values, true);
        } else {
          test.AbsentInput();
        }
        test.Output({rows, out}, schema::TensorType::INT8)
            .Quantize({output_scale}, {output_zp})
            .Options(FcOptions(activation));
        ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
        const std::vector<int8_t> actual = test.OutputAs<int8_t>(0);
        ASSERT_NO_FATAL_FAILURE(testing::ExpectWithinOne(actual, expected, &exact, &total));
      }
    }
  }
  EXPECT_GE(exact, total * 99 / 100) << exact << " of " << total << " exact";
}

// ---- Int8 fast path against the reference loop --------------------------------
// kFullyConnected runs int8 through its fast path (kernels/internal/
// int8_fast.h: blocks of 4 weight rows, the input offset folded into the
// bias when there are several input rows, one-rounding requantization);
// PrepareFullyConnectedInt8Reference makes the same op run the reference
// loop. They must agree bit for bit, on wide data and quantization (zero
// points over all of int8, multipliers from 2^-24 to 2^4, zero weight
// scales, weights -128 included).

Kernel FullyConnectedInt8Reference() {
  return {kernels::kFullyConnected.op, kernels::kFullyConnected.name,
          kernels::PrepareFullyConnectedInt8Reference, kernels::kFullyConnected.eval};
}

// Quantization for comparing the two paths: anything valid, not just what
// calibration makes.
struct WideInt8Quantization {
  float input_scale;
  int input_zp;
  std::vector<float> weight_scales;
  float output_scale;
  int output_zp;
};

WideInt8Quantization RandomWideInt8Quantization(std::mt19937& rng, int weight_scales) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::uniform_int_distribution<int> zero_point(-128, 127);
  WideInt8Quantization q;
  q.input_scale = 0.001f + unit(rng);
  q.input_zp = zero_point(rng);
  for (int i = 0; i < weight_scales; ++i) {
    q.weight_scales.push_back(rng() % 16 == 0 ? 0.0f : 0.0005f + 0.05f * unit(rng));
  }
  const float largest = *std::max_element(q.weight_scales.begin(), q.weight_scales.end());
  // Two draws in one call would be taken in an unspecified order (GCC on
  // x86-64 and on aarch64/riscv64 differ): name the exponent first, so every
  // target sees the same cases.
  const int exponent = std::uniform_int_distribution<int>(-23, 4)(rng);
  const float multiplier = std::ldexp(0.5f + 0.5f * unit(rng), exponent);
  q.output_scale = q.input_scale * (largest > 0.0f ? largest : 0.01f) / multiplier;
  q.output_zp = zero_point(rng);
  return q;
}

// Biases of every size, now and then the ends of int32.
std::vector<int32_t> RandomWideBias(std::mt19937& rng, int count) {
  std::vector<int32_t> bias;
  for (int i = 0; i < count; ++i) {
    const uint32_t kind = rng() % 8;
    bias.push_back(kind == 0   ? INT32_MIN
                   : kind == 1 ? INT32_MAX
                   : kind < 5  ? std::uniform_int_distribution<int32_t>(-3000, 3000)(rng)
                               : std::uniform_int_distribution<int32_t>(-(1 << 24), 1 << 24)(rng));
  }
  return bias;
}

// Runs one int8 FullyConnected with the fast path and with the reference
// loop and returns both outputs.
struct Int8FcCase {
  std::vector<int32_t> input_shape;
  int out = 0;
  bool bias = true;
  bool per_channel = true;
  bool constant_weights = true;
  bool keep_num_dims = false;
  schema::Activation activation = schema::Activation::NONE;
};

void RunInt8FastAndReference(const Int8FcCase& c, const std::vector<int8_t>& input,
                             const std::vector<int8_t>& weights,
                             const std::vector<int32_t>& bias_values, const WideInt8Quantization& q,
                             std::vector<int8_t>* fast, std::vector<int8_t>* reference) {
  const int in = c.input_shape.back();
  int rows = 1;
  for (size_t d = 0; d + 1 < c.input_shape.size(); ++d) rows *= c.input_shape[d];
  std::vector<int32_t> out_shape = {rows, c.out};
  if (c.keep_num_dims) {
    out_shape = c.input_shape;
    out_shape.back() = c.out;
  }
  auto run = [&](const Kernel& kernel, std::vector<int8_t>* out) {
    OpTester test(schema::OpCode::FULLY_CONNECTED);
    test.InputOf<int8_t>(c.input_shape, input)
        .Quantize({q.input_scale}, {q.input_zp})
        .InputOf<int8_t>({c.out, in}, weights, c.constant_weights)
        .Quantize(q.weight_scales, std::vector<int64_t>(q.weight_scales.size(), 0), 0);
    if (c.bias) {
      test.InputOf<int32_t>({c.out}, bias_values, true);
    } else {
      test.AbsentInput();
    }
    test.Output(out_shape, schema::TensorType::INT8)
        .Quantize({q.output_scale}, {q.output_zp})
        .Options(FcOptions(c.activation, c.keep_num_dims));
    ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
    *out = test.OutputAs<int8_t>(0);
  };
  ASSERT_NO_FATAL_FAILURE(run(kernels::kFullyConnected, fast));
  ASSERT_NO_FATAL_FAILURE(run(FullyConnectedInt8Reference(), reference));
  ASSERT_EQ(fast->size(), static_cast<size_t>(rows) * c.out);
}

TEST(FullyConnectedTest, Int8FastPathMatchesReferenceLoopOverSweep) {
  // 1 row (the offset added per element) and several (folded into the
  // bias), input lengths from 1 to 700 (on x86 hosts those above 32 and not
  // a multiple of it run their last 32 again against zero-padded weights),
  // outputs in blocks of 4 plus blocks of 2 and single ones, keep_num_dims,
  // arena weights.
  std::mt19937 rng(4242);
  const std::vector<std::vector<int32_t>> leading = {{}, {1}, {2}, {3}, {2, 3}, {360}};
  const int in_sizes[] = {1, 3, 8, 17, 33, 64, 157, 256, 700};
  const int out_sizes[] = {1, 4, 5, 7, 10, 33};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  int inside = 0;
  int total = 0;
  for (const auto& lead : leading) {
    for (int in : in_sizes) {
      for (int out : out_sizes) {
        if (lead.size() == 1 && lead[0] == 360 && in > 64) continue;  // keeps the run short
        Int8FcCase c;
        c.input_shape = lead;
        c.input_shape.push_back(in);
        c.out = out;
        c.bias = index % 3 != 0;
        c.per_channel = index % 2 == 0;
        c.constant_weights = index % 5 != 2;
        c.keep_num_dims = !lead.empty() && index % 4 == 1;
        c.activation = activations[(index / 2) % 4];
        ++index;
        int rows = 1;
        for (int32_t d : lead) rows *= d;
        SCOPED_TRACE("rows " + std::to_string(rows) + " in " + std::to_string(in) + " out " +
                     std::to_string(out) + (c.per_channel ? " per-channel" : " per-tensor") +
                     (c.bias ? " bias " : " nobias ") + schema::EnumNameActivation(c.activation) +
                     (c.constant_weights ? "" : " arena weights") +
                     (c.keep_num_dims ? " keep_num_dims" : ""));
        const WideInt8Quantization q = RandomWideInt8Quantization(rng, c.per_channel ? out : 1);
        const auto input = RandomInts<int8_t>(rng, static_cast<size_t>(rows) * in, -128, 127);
        const auto weights = RandomInts<int8_t>(rng, static_cast<size_t>(out) * in, -128, 127);
        const auto bias_values = RandomWideBias(rng, out);
        std::vector<int8_t> fast;
        std::vector<int8_t> reference;
        ASSERT_NO_FATAL_FAILURE(
            RunInt8FastAndReference(c, input, weights, bias_values, q, &fast, &reference));
        EXPECT_EQ(fast, reference);
        for (int8_t v : fast) inside += v > -128 && v < 127 ? 1 : 0;
        total += static_cast<int>(fast.size());
      }
    }
  }
  // Most outputs are not clamped, so the comparison sees the rounding.
  EXPECT_GE(inside, total / 2) << inside << " of " << total;
  RecordProperty("outputs_not_clamped", std::to_string(inside) + " of " + std::to_string(total));
}

TEST(FullyConnectedTest, Int8FastPathSumsWrapLikeReferenceLoop) {
  // 70,000 inputs of q = 127 at zero point -128 (x + offset = 255) against
  // weights of 127: 70,000 * 255 * 127 = 2,266,950,000 passes 2^31 and wraps
  // to -2,028,017,296 in both paths (TFLite's int32 sums wrap on its
  // targets), with one row (offset per element) and two (folded).
  const int in = 70000;
  std::vector<int8_t> weights(2 * in, 127);
  for (int i = in; i < 2 * in; i += 3) weights[i] = -128;
  WideInt8Quantization q;
  q.input_scale = 1.0f;
  q.input_zp = -128;
  q.weight_scales = {1.0f / 1024, 1.0f / 4096};
  q.output_scale = 1.0f;
  q.output_zp = 3;
  for (int rows : {1, 2}) {
    SCOPED_TRACE("rows " + std::to_string(rows));
    Int8FcCase c;
    c.input_shape = {rows, in};
    c.out = 2;
    std::vector<int8_t> fast;
    std::vector<int8_t> reference;
    ASSERT_NO_FATAL_FAILURE(RunInt8FastAndReference(c, std::vector<int8_t>(rows * in, 127), weights,
                                                    {0, -7}, q, &fast, &reference));
    EXPECT_EQ(fast, reference);
    EXPECT_EQ(fast[0], -128);  // exact sums would give 127
  }
}

TEST(FullyConnectedTest, Int8InfersOutputShape) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int8_t>({2, 3, 4}, std::vector<int8_t>(24, 1))
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({5, 4}, std::vector<int8_t>(20, 1), true)
      .Quantize({0.1f}, {0})
      .Output({}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(FcOptions(schema::Activation::NONE, true))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 5}));
}

// Field ids of TFLite's FullyConnectedOptions.
enum TfliteFullyConnectedOption { kActivation = 0, kKeepNumDims = 2 };

schema::OpOptionsUnion OptionsFromTflite(const testing::TflmCase& golden) {
  return FcOptions(testing::ActivationFromTflite(golden.Option<int8_t>(kActivation, 0)),
                   golden.Option<uint8_t>(kKeepNumDims, 0) != 0);
}

void ExpectMatchesTflm(const std::string& name) {
  testing::ExpectMatchesTflm(kernels::kFullyConnected, 9, name, OptionsFromTflite);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py.
TEST(FullyConnectedTest, Int8MatchesTflmPerTensorRelu) {
  ExpectMatchesTflm("fully_connected_per_tensor_relu");
}

TEST(FullyConnectedTest, Int8MatchesTflmPerChannel) {
  ExpectMatchesTflm("fully_connected_per_channel");
}

OpTester Int8Fc(std::vector<float> weight_scales, std::vector<int64_t> weight_zps,
                schema::TensorType weight_type = schema::TensorType::INT8) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int8_t>({1, 2}, {1, 2}).Quantize({0.1f}, {0});
  if (weight_type == schema::TensorType::INT8) {
    test.InputOf<int8_t>({2, 2}, {1, 2, 3, 4}, true);
  } else {
    test.InputOf<float>({2, 2}, {1, 2, 3, 4}, true);
  }
  if (!weight_scales.empty()) test.Quantize(weight_scales, weight_zps, 0);
  test.Output({1, 2}, schema::TensorType::INT8).Quantize({0.5f}, {0}).Options(FcOptions());
  return test;
}

TEST(FullyConnectedTest, Int8ChecksOperands) {
  OpTester valid = Int8Fc({0.1f, 0.2f}, {0, 0});
  EXPECT_EQ(valid.Run(kernels::kFullyConnected), Status::kOk) << valid.error();
  OpTester unquantized = Int8Fc({}, {});
  EXPECT_EQ(unquantized.Run(kernels::kFullyConnected), Status::kInvalidModel);
  EXPECT_NE(unquantized.error().find("weights"), std::string::npos) << unquantized.error();
  OpTester asymmetric = Int8Fc({0.1f}, {1});
  EXPECT_EQ(asymmetric.Run(kernels::kFullyConnected), Status::kInvalidModel) << asymmetric.error();
  OpTester hybrid = Int8Fc({}, {}, schema::TensorType::FLOAT32);
  EXPECT_EQ(hybrid.Run(kernels::kFullyConnected), Status::kUnsupported) << hybrid.error();

  OpTester unquantized_input(schema::OpCode::FULLY_CONNECTED);
  unquantized_input.InputOf<int8_t>({1, 2}, {1, 2})
      .InputOf<int8_t>({1, 2}, {1, 1}, true)
      .Quantize({0.1f}, {0})
      .Output({1, 1}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(FcOptions());
  EXPECT_EQ(unquantized_input.Run(kernels::kFullyConnected), Status::kInvalidModel);
  EXPECT_NE(unquantized_input.error().find("input 0"), std::string::npos)
      << unquantized_input.error();
}

// ---- Hybrid (float32 input, int8 weights) ----------------------------------

TEST(FullyConnectedTest, HybridHandWorked) {
  // Row [2, -1, 0.5] times int8 rows [10, 20, -40] and [127, 0, 2]: sums
  // 20 - 20 - 20 = -20 and 254 + 1 = 255. Per-channel scales [0.25, 0.5]
  // and bias [1, -1]: -5 + 1 = -4, 127.5 - 1 = 126.5. One scale 0.25 with
  // RELU: -4 -> 0, 63.75 - 1 = 62.75.
  struct Case {
    std::vector<float> scales;
    schema::Activation activation;
    std::vector<float> expected;
  };
  const Case cases[] = {
      {{0.25f, 0.5f}, schema::Activation::NONE, {-4, 126.5f}},
      {{0.25f}, schema::Activation::RELU, {0, 62.75f}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.scales.size());
    OpTester test(schema::OpCode::FULLY_CONNECTED);
    test.Input({1, 3}, {2, -1, 0.5f})
        .InputOf<int8_t>({2, 3}, {10, 20, -40, 127, 0, 2}, true)
        .Quantize(c.scales, std::vector<int64_t>(c.scales.size(), 0), 0)
        .ConstInput({2}, {1, -1})
        .Output({1, 2})
        .Options(FcOptions(c.activation));
    ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.expected);
  }
}

// Hybrid against the double product with the dequantized weights w_q *
// scale. Scales in [0.5, 1] / 127 keep those weights in [-1, 1] like the
// float sweep's; the kernel's sum of x * w_q has the float path's relative
// rounding, plus one rounding each for the scaling and the bias. With up to
// 300 inputs the sums reach ~10 (random signs), so 1e-5 absolute and
// relative still leaves a wide margin.
TEST(FullyConnectedTest, HybridMatchesReferenceOverSweep) {
  std::mt19937 rng(88);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::uniform_real_distribution<float> scale_dist(0.5f / 127, 1.0f / 127);
  const std::vector<std::vector<int32_t>> leading = {{}, {1}, {3}, {2, 3}};
  const int in_sizes[] = {1, 3, 8, 37, 300};
  const int out_sizes[] = {1, 5, 9};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  for (const auto& lead : leading) {
    for (int in : in_sizes) {
      for (int out : out_sizes) {
        const bool bias = index % 3 != 0;
        const bool per_channel = index % 2 == 0;
        const bool keep_num_dims = index % 5 == 0;
        const schema::Activation activation = activations[(index / 2) % 4];
        ++index;
        std::vector<int32_t> in_shape = lead;
        in_shape.push_back(in);
        int rows = 1;
        for (int32_t d : lead) rows *= d;
        std::vector<int32_t> out_shape = {rows, out};
        if (keep_num_dims) {
          out_shape = lead;
          out_shape.push_back(out);
        }
        SCOPED_TRACE("rows " + std::to_string(rows) + " in " + std::to_string(in) + " out " +
                     std::to_string(out) + (per_channel ? " per-channel" : " per-tensor") +
                     (bias ? " bias " : " nobias ") + schema::EnumNameActivation(activation));
        std::vector<float> input(static_cast<size_t>(rows) * in);
        for (float& x : input) x = dist(rng);
        const auto weights = RandomInts<int8_t>(rng, static_cast<size_t>(out) * in, -127, 127);
        std::vector<float> scales(per_channel ? out : 1);
        for (float& scale : scales) scale = scale_dist(rng);
        std::vector<float> bias_values(out);
        for (float& b : bias_values) b = dist(rng);

        std::vector<float> expected;
        for (int r = 0; r < rows; ++r) {
          for (int o = 0; o < out; ++o) {
            const double scale = scales[per_channel ? o : 0];
            double sum = bias ? bias_values[o] : 0.0;
            for (int i = 0; i < in; ++i) {
              sum += double{input[r * in + i]} * (weights[o * in + i] * scale);
            }
            expected.push_back(static_cast<float>(ApplyActivation(sum, activation)));
          }
        }

        OpTester test(schema::OpCode::FULLY_CONNECTED);
        test.Input(in_shape, input)
            .InputOf<int8_t>({out, in}, weights, true)
            .Quantize(scales, std::vector<int64_t>(scales.size(), 0), 0);
        if (bias) {
          test.ConstInput({out}, bias_values);
        } else {
          test.AbsentInput();
        }
        test.Output(out_shape).Options(FcOptions(activation, keep_num_dims));
        ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
        EXPECT_TRUE(AllClose(test.OutputFloats(0), expected, 1e-5f, 1e-5f));
      }
    }
  }
}

// A hybrid FC with two outputs whose weight quantization and bias and
// output types are given.
OpTester HybridFc(std::vector<float> scales, std::vector<int64_t> zero_points,
                  schema::TensorType bias_type = schema::TensorType::FLOAT32,
                  schema::TensorType output_type = schema::TensorType::FLOAT32) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.Input({1, 2}, {1, 2}).InputOf<int8_t>({2, 2}, {1, 2, 3, 4}, true);
  if (!scales.empty()) test.Quantize(scales, zero_points, 0);
  if (bias_type == schema::TensorType::FLOAT32) {
    test.ConstInput({2}, {1, 2});
  } else {
    test.InputOf<int32_t>({2}, {1, 2}, true);
  }
  test.Output({1, 2}, output_type);
  if (output_type != schema::TensorType::FLOAT32) test.Quantize({0.5f}, {0});
  test.Options(FcOptions());
  return test;
}

TEST(FullyConnectedTest, HybridChecksOperands) {
  OpTester valid = HybridFc({0.1f, 0.2f}, {0, 0});
  EXPECT_EQ(valid.Run(kernels::kFullyConnected), Status::kOk) << valid.error();
  struct Bad {
    const char* what;
    std::vector<float> scales;
    std::vector<int64_t> zero_points;
  };
  const Bad cases[] = {
      {"not quantized", {}, {}},
      {"non-zero zero point", {0.1f}, {3}},
      {"3 scales for 2 outputs", {0.1f, 0.2f, 0.3f}, {0, 0, 0}},
      {"infinite scale", {INFINITY, 0.2f}, {0, 0}},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test = HybridFc(bad.scales, bad.zero_points);
    // Scale counts that fit no dimension are already the loader's to refuse.
    EXPECT_EQ(test.Run(kernels::kFullyConnected), Status::kInvalidModel) << test.error();
  }
  OpTester int32_bias = HybridFc({0.1f}, {0}, schema::TensorType::INT32);
  EXPECT_EQ(int32_bias.Run(kernels::kFullyConnected), Status::kUnsupported) << int32_bias.error();
  OpTester int8_output =
      HybridFc({0.1f}, {0}, schema::TensorType::FLOAT32, schema::TensorType::INT8);
  EXPECT_EQ(int8_output.Run(kernels::kFullyConnected), Status::kUnsupported) << int8_output.error();
}

// ---- Int16x8 ------------------------------------------------------------------

TEST(FullyConnectedTest, Int16HandWorked) {
  // Row q = [1000, -2000, 30] (scale 2^-8) times weight rows [1, 2, 3] and
  // [-4, 0, 5] (scale 2^-6); output scale 2^-9: multiplier 2^-5 (Q31 2^30,
  // shift -4; Q15 16384).
  //   sums 1000 - 4000 + 90 = -2910 and -4000 + 150 = -3850
  //   int64 bias [100, -7]: -2810 / 32 = -87.81 -> -88, -3857 / 32 = -120.53 -> -121
  //   int32 bias, same values and rounding here: -88, -121
  //   no bias (64-bit sums): -2910 / 32 = -90.94 -> -91, -3850 / 32 = -120.31 -> -120
  for (const auto& [bias_type, expected] :
       {std::pair<schema::TensorType, std::vector<int16_t>>{schema::TensorType::INT64, {-88, -121}},
        {schema::TensorType::INT32, {-88, -121}},
        {schema::TensorType::BOOL, {-91, -120}}}) {
    SCOPED_TRACE(schema::EnumNameTensorType(bias_type));
    OpTester test(schema::OpCode::FULLY_CONNECTED);
    test.InputOf<int16_t>({1, 3}, {1000, -2000, 30})
        .Quantize({1.0f / 256}, {0})
        .InputOf<int8_t>({2, 3}, {1, 2, 3, -4, 0, 5}, true)
        .Quantize({1.0f / 64}, {0});
    if (bias_type == schema::TensorType::INT64) {
      test.InputOf<int64_t>({2}, {100, -7}, true);
    } else if (bias_type == schema::TensorType::INT32) {
      test.InputOf<int32_t>({2}, {100, -7}, true);
    } else {
      test.AbsentInput();
    }
    test.Output({1, 2}, schema::TensorType::INT16).Quantize({1.0f / 512}, {0}).Options(FcOptions());
    ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int16_t>(0), expected);
  }
}

TEST(FullyConnectedTest, Int16Int32SumsWrapLikeTflite) {
  // 32-bit sums (int32 bias) wrap as TFLite's int32 accumulator does on its
  // targets: 32767 * 127 plus a bias of 2^31 - 1 - 32767 * 127 is exactly
  // INT32_MAX, and the next term, 1 * 1, wraps it to INT32_MIN. Multiplier
  // 2^-16 (input scale 1, weight scale 2^-8, output scale 2^8): INT32_MIN /
  // 2^16 = -32768 (the unwrapped sum would give +32768, clamped to 32767).
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int16_t>({1, 2}, {32767, 1})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({1, 2}, {127, 1}, true)
      .Quantize({1.0f / 256}, {0})
      .InputOf<int32_t>({1}, {INT32_MAX - 32767 * 127}, true)
      .Output({1, 1}, schema::TensorType::INT16)
      .Quantize({256.0f}, {0})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{-32768}));
}

// Int16 against the double product of the dequantized operands, requantized
// with one correct rounding: within 1 (see ExpectWithinOne16). Biases cycle
// through int64, int32 and none, so both requantizations run.
TEST(FullyConnectedTest, Int16MatchesReferenceOverSweep) {
  std::mt19937 rng(99);
  // 11 rows and 70 outputs cross the fast path's blocks of 8 rows and 64
  // outputs.
  const std::vector<std::vector<int32_t>> leading = {{}, {1}, {3}, {2, 3}, {11}};
  const int in_sizes[] = {1, 3, 8, 37, 300};
  const int out_sizes[] = {1, 5, 9, 70};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  int exact = 0;
  int total = 0;
  for (const auto& lead : leading) {
    for (int in : in_sizes) {
      for (int out : out_sizes) {
        const int bias_kind = index % 3;  // int64, int32, none
        const bool per_channel = index % 2 == 0;
        const schema::Activation activation = activations[(index / 2) % 4];
        ++index;
        std::vector<int32_t> in_shape = lead;
        in_shape.push_back(in);
        int rows = 1;
        for (int32_t d : lead) rows *= d;
        SCOPED_TRACE("rows " + std::to_string(rows) + " in " + std::to_string(in) + " out " +
                     std::to_string(out) + (per_channel ? " per-channel" : " per-tensor") +
                     " bias kind " + std::to_string(bias_kind) + " " +
                     schema::EnumNameActivation(activation));
        const auto [input_scale, weight_scales, output_scale] =
            testing::RandomInt16WeightedQuantization(rng, per_channel ? out : 1, in);
        const auto input = RandomInts<int16_t>(rng, static_cast<size_t>(rows) * in, -32768, 32767);
        const auto weights = RandomInts<int8_t>(rng, static_cast<size_t>(out) * in, -127, 127);
        const auto bias_values = RandomInts<int32_t>(rng, out, -3000000, 3000000);

        std::vector<int16_t> expected;
        for (int r = 0; r < rows; ++r) {
          for (int o = 0; o < out; ++o) {
            const double weight_scale = weight_scales[per_channel ? o : 0];
            double sum = bias_kind != 2 ? bias_values[o] * double{input_scale} * weight_scale : 0.0;
            for (int i = 0; i < in; ++i) {
              sum += input[r * in + i] * double{input_scale} * (weights[o * in + i] * weight_scale);
            }
            expected.push_back(
                testing::QuantizeReference16(ApplyActivation(sum, activation), output_scale));
          }
        }

        OpTester test(schema::OpCode::FULLY_CONNECTED);
        test.InputOf<int16_t>(in_shape, input)
            .Quantize({input_scale}, {0})
            .InputOf<int8_t>({out, in}, weights, true)
            .Quantize(weight_scales, std::vector<int64_t>(weight_scales.size(), 0), 0);
        if (bias_kind == 0) {
          test.InputOf<int64_t>({out}, std::vector<int64_t>(bias_values.begin(), bias_values.end()),
                                true);
        } else if (bias_kind == 1) {
          test.InputOf<int32_t>({out}, bias_values, true);
        } else {
          test.AbsentInput();
        }
        test.Output({rows, out}, schema::TensorType::INT16)
            .Quantize({output_scale}, {0})
            .Options(FcOptions(activation));
        ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
        ASSERT_NO_FATAL_FAILURE(
            testing::ExpectWithinOne16(test.OutputAs<int16_t>(0), expected, &exact, &total));
      }
    }
  }
  EXPECT_GE(exact, total * 95 / 100) << exact << " of " << total << " exact";
}

// 1100 products of -32768 and -127 sum to 4,577,689,600, past the int32
// range (the fast path sums runs of 512 in 32 bits): at input and weight
// scale 1 and output scale 2^20 that is 4365.625, rounded to 4366.
TEST(FullyConnectedTest, Int16SumsPastTheInt32Range) {
  constexpr int kIn = 1100;
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int16_t>({1, kIn}, std::vector<int16_t>(kIn, -32768))
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({2, kIn}, std::vector<int8_t>(2 * kIn, -127), true)
      .Quantize({1.0f, 1.0f}, {0, 0}, 0)
      .InputOf<int64_t>({2}, {0, -(int64_t{1} << 32)}, true)
      .Output({1, 2}, schema::TensorType::INT16)
      .Quantize({1048576.0f}, {0})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  // The second output's bias takes 2^32 off: 282,722,304 / 2^20 = 269.625.
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{4366, 270}));
}

// Biases far past TFLite's 2^47 (where its wide requantization clamps the
// sum, and products would overflow 64 bits) saturate the outputs.
TEST(FullyConnectedTest, Int16HugeBiasesSaturate) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int16_t>({1, 3}, {100, -200, 300})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({2, 3}, {1, 2, 3, -1, -2, -3}, true)
      .Quantize({1.0f, 1.0f}, {0, 0}, 0)
      .InputOf<int64_t>({2}, {int64_t{1} << 60, -(int64_t{1} << 60)}, true)
      .Output({1, 2}, schema::TensorType::INT16)
      .Quantize({65536.0f}, {0})
      .Options(FcOptions());
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{32767, -32768}));
}

TEST(FullyConnectedTest, Int16InfersOutputShape) {
  OpTester test(schema::OpCode::FULLY_CONNECTED);
  test.InputOf<int16_t>({2, 3, 4}, std::vector<int16_t>(24, 1))
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({5, 4}, std::vector<int8_t>(20, 1), true)
      .Quantize({0.1f}, {0})
      .Output({}, schema::TensorType::INT16)
      .Quantize({0.5f}, {0})
      .Options(FcOptions(schema::Activation::NONE, true))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kFullyConnected), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 5}));
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/cases_int16.py.
void ExpectMatchesTflmInt16(const std::string& name) {
  testing::ExpectMatchesTflmInt16(kernels::kFullyConnected, 9, name, OptionsFromTflite);
}

TEST(FullyConnectedTest, Int16MatchesTflmPerTensorBias64Relu) {
  ExpectMatchesTflmInt16("i16_fully_connected_per_tensor_bias64_relu");
}

TEST(FullyConnectedTest, Int16MatchesTflmPerChannelBias32) {
  ExpectMatchesTflmInt16("i16_fully_connected_per_channel_bias32");
}

TEST(FullyConnectedTest, Int16MatchesTflmPerChannelNoBias) {
  ExpectMatchesTflmInt16("i16_fully_connected_per_channel_no_bias");
}

// An int16 FC with two outputs, to break one piece at a time.
struct Int16Fc {
  int64_t input_zp = 0;
  schema::TensorType weight_type = schema::TensorType::INT8;
  std::vector<float> weight_scales = {0.1f, 0.2f};
  schema::TensorType bias_type = schema::TensorType::INT64;
  schema::TensorType output_type = schema::TensorType::INT16;
  int64_t output_zp = 0;

  Status Run(std::string* error) const {
    OpTester test(schema::OpCode::FULLY_CONNECTED);
    test.InputOf<int16_t>({1, 2}, {1, 2}).Quantize({0.1f}, {input_zp});
    if (weight_type == schema::TensorType::INT8) {
      test.InputOf<int8_t>({2, 2}, {1, 2, 3, 4}, true);
    } else {
      test.InputOf<int16_t>({2, 2}, {1, 2, 3, 4}, true);
    }
    test.Quantize(weight_scales, std::vector<int64_t>(weight_scales.size(), 0), 0);
    if (bias_type == schema::TensorType::INT64) {
      test.InputOf<int64_t>({2}, {1, 2}, true);
    } else {
      test.InputOf<float>({2}, {1, 2}, true);
    }
    test.Output({1, 2}, output_type).Quantize({0.5f}, {output_zp}).Options(FcOptions());
    const Status status = test.Run(kernels::kFullyConnected);
    *error = test.error();
    return status;
  }
};

TEST(FullyConnectedTest, Int16ChecksOperands) {
  std::string error;
  EXPECT_EQ(Int16Fc().Run(&error), Status::kOk) << error;
  Int16Fc input_zp;
  input_zp.input_zp = 1;
  EXPECT_EQ(input_zp.Run(&error), Status::kInvalidModel) << error;
  EXPECT_NE(error.find("zero point"), std::string::npos) << error;
  Int16Fc output_zp;
  output_zp.output_zp = -1;
  EXPECT_EQ(output_zp.Run(&error), Status::kInvalidModel) << error;
  Int16Fc scale_count;
  scale_count.weight_scales = {0.1f, 0.2f, 0.3f};
  EXPECT_EQ(scale_count.Run(&error), Status::kInvalidModel) << error;
  Int16Fc int16_weights;
  int16_weights.weight_type = schema::TensorType::INT16;
  EXPECT_EQ(int16_weights.Run(&error), Status::kUnsupported) << error;
  Int16Fc float_bias;
  float_bias.bias_type = schema::TensorType::FLOAT32;
  EXPECT_EQ(float_bias.Run(&error), Status::kUnsupported) << error;
  Int16Fc int8_output;
  int8_output.output_type = schema::TensorType::INT8;
  EXPECT_EQ(int8_output.Run(&error), Status::kUnsupported) << error;
}

// The integer-only registration (no float paths linked) runs the same
// integer arithmetic.
TEST(FullyConnectedTest, IntegerOnlyKernelMatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kFullyConnectedInteger, 9, "fully_connected_per_channel",
                             OptionsFromTflite);
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type, naming itself.
TEST(FullyConnectedTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectMatchesTflm(kernels::kFullyConnectedInt8, 9, "fully_connected_per_channel",
                             OptionsFromTflite);
  testing::ExpectMatchesTflm(kernels::kFullyConnectedInt8, 9, "fully_connected_per_tensor_relu",
                             OptionsFromTflite);
  OpTester float_fc(schema::OpCode::FULLY_CONNECTED);
  float_fc.Input({1, 2}, {1, 2})
      .ConstInput({2, 2}, {1, 2, 3, 4})
      .Output({1, 2})
      .Options(FcOptions());
  EXPECT_EQ(float_fc.Run(kernels::kFullyConnectedInt8), Status::kUnsupported);
  EXPECT_NE(float_fc.error().find("int8-only"), std::string::npos) << float_fc.error();
  OpTester int16_fc(schema::OpCode::FULLY_CONNECTED);
  int16_fc.InputOf<int16_t>({1, 2}, {1, 2})
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({2, 2}, {1, 2, 3, 4}, true)
      .Quantize({0.1f}, {0})
      .Output({1, 2}, schema::TensorType::INT16)
      .Quantize({0.5f}, {0})
      .Options(FcOptions());
  ASSERT_EQ(int16_fc.Run(kernels::kFullyConnected), Status::kOk) << int16_fc.error();
  EXPECT_EQ(int16_fc.Run(kernels::kFullyConnectedInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
