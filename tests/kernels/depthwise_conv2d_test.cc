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
using testing::ReferenceGeometry;

schema::OpOptionsUnion DepthwiseOptions(schema::Padding padding, int depth_multiplier = 1,
                                        int stride_h = 1, int stride_w = 1, int dilation_h = 1,
                                        int dilation_w = 1,
                                        schema::Activation activation = schema::Activation::NONE,
                                        std::vector<int32_t> explicit_padding = {}) {
  schema::DepthwiseConv2DOptionsT options;
  options.padding = padding;
  options.explicit_padding = std::move(explicit_padding);
  options.stride_h = stride_h;
  options.stride_w = stride_w;
  options.dilation_h = dilation_h;
  options.dilation_w = dilation_w;
  options.depth_multiplier = depth_multiplier;
  options.activation = activation;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(DepthwiseConv2dTest, ChannelsStaySeparate) {
  // Channel 0 holds v = 1..9, channel 1 holds -v. Channel 0's 2x2 filter
  // [[1,0],[0,1]] adds a window's diagonal (1+5 = 6, 2+6 = 8, 4+8 = 12,
  // 5+9 = 14); channel 1's ones sum the window (-(1+2+4+5) = -12, -16, -24,
  // -28).
  std::vector<float> input;
  for (int v = 1; v <= 9; ++v) {
    input.push_back(static_cast<float>(v));
    input.push_back(static_cast<float>(-v));
  }
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 3, 3, 2}, input)
      .ConstInput({1, 2, 2, 2}, {1, 1, 0, 1, 0, 1, 1, 1})
      .Output({1, 2, 2, 2})
      .Options(DepthwiseOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6, -12, 8, -16, 12, -24, 14, -28}));
}

TEST(DepthwiseConv2dTest, MultiplierOrdersOutputsByInputChannel) {
  // Input channels [3, 5], multiplier 2: outputs are (ic 0, m 0), (ic 0, m 1),
  // (ic 1, m 0), (ic 1, m 1) = 3*1 + 0.5, 3*2, 5*10, 5*20 - 101, then RELU.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 1, 1, 2}, {3, 5})
      .ConstInput({1, 1, 1, 4}, {1, 2, 10, 20})
      .ConstInput({4}, {0.5f, 0, 0, -101})
      .Output({1, 1, 1, 4})
      .Options(DepthwiseOptions(schema::Padding::SAME, 2, 1, 1, 1, 1, schema::Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3.5f, 6, 50, 0}));
}

TEST(DepthwiseConv2dTest, SameStrideTwoWithPadding) {
  // 3x3 input 1..9, 3x3 ones, SAME stride 2: output 2x2, total padding
  // (2-1)*2 + 3 - 3 = 2, one each side. Windows centred on (0,0), (0,2),
  // (2,0), (2,2): 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9})
      .ConstInput({1, 3, 3, 1}, std::vector<float>(9, 1.0f))
      .Output({1, 2, 2, 1})
      .Options(DepthwiseOptions(schema::Padding::SAME, 1, 2, 2));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{12, 16, 24, 28}));
}

// ---- Sweep against a naive reference ----------------------------------------

struct DepthwiseCase {
  int batch, in_h, in_w, in_c, multiplier, filter_h, filter_w;
  int stride_h, stride_w, dilation_h, dilation_w;
  schema::Padding padding;
  std::vector<int32_t> explicit_padding;
  bool bias;
  schema::Activation activation;

  std::string Describe() const {
    std::string s = "N" + std::to_string(batch) + " " + std::to_string(in_h) + "x" +
                    std::to_string(in_w) + "x" + std::to_string(in_c) + " *" +
                    std::to_string(multiplier) + " k" + std::to_string(filter_h) + "x" +
                    std::to_string(filter_w) + " s" + std::to_string(stride_h) + "," +
                    std::to_string(stride_w) + " d" + std::to_string(dilation_h) + "," +
                    std::to_string(dilation_w) + " " + schema::EnumNamePadding(padding);
    for (int32_t p : explicit_padding) s += " " + std::to_string(p);
    s += bias ? " bias " : " nobias ";
    return s + schema::EnumNameActivation(activation);
  }
};

// The case's window geometry.
ReferenceGeometry Geometry(const DepthwiseCase& c) {
  return testing::ReferenceWindows(c.in_h, c.in_w, c.filter_h, c.filter_w, c.stride_h, c.stride_w,
                                   c.dilation_h, c.dilation_w, c.padding, c.explicit_padding);
}

// Direct loops in double precision, one output channel at a time (Weight
// float, or double for dequantized hybrid weights).
template <typename Weight>
std::vector<float> ReferenceDepthwise(const DepthwiseCase& c, const std::vector<float>& input,
                                      const std::vector<Weight>& filter,
                                      const std::vector<Weight>& bias, int out_h, int out_w,
                                      int pad_top, int pad_left) {
  const int out_c = c.in_c * c.multiplier;
  std::vector<float> out;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int ic = 0; ic < c.in_c; ++ic) {
          for (int m = 0; m < c.multiplier; ++m) {
            const int oc = ic * c.multiplier + m;
            double sum = c.bias ? bias[oc] : 0.0;
            for (int ky = 0; ky < c.filter_h; ++ky) {
              for (int kx = 0; kx < c.filter_w; ++kx) {
                const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
                const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
                if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
                sum += double{input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic]} *
                       filter[(ky * c.filter_w + kx) * out_c + oc];
              }
            }
            out.push_back(static_cast<float>(ApplyActivation(sum, c.activation)));
          }
        }
      }
    }
  }
  return out;
}

// With infer_shapes the output is declared as {} and Prepare must give it
// the reference shape, as the converter's shape inference relies on.
void RunCase(const DepthwiseCase& c, std::mt19937& rng, bool infer_shapes = false) {
  SCOPED_TRACE(c.Describe());
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
  };
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const int out_c = c.in_c * c.multiplier;
  const auto input = random(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
  const auto filter = random(static_cast<size_t>(c.filter_h) * c.filter_w * out_c);
  const auto bias = random(out_c);

  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .ConstInput({1, c.filter_h, c.filter_w, out_c}, filter);
  if (c.bias) {
    test.ConstInput({out_c}, bias);
  } else {
    test.AbsentInput();
  }
  const std::vector<int32_t> out_shape = {c.batch, out_h, out_w, out_c};
  test.Output(infer_shapes ? std::vector<int32_t>{} : out_shape)
      .Options(DepthwiseOptions(c.padding, c.multiplier, c.stride_h, c.stride_w, c.dilation_h,
                                c.dilation_w, c.activation, c.explicit_padding));
  if (infer_shapes) test.InferShapes();
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), out_shape);
  // At most 9 float32 products of values in [-1, 1] plus a bias, summed in
  // the same tap order as the double reference: errors are a few ulps of
  // values below 10, far under the 1e-5 tolerance.
  EXPECT_TRUE(AllClose(test.OutputFloats(0),
                       ReferenceDepthwise(c, input, filter, bias, out_h, out_w, pad_top, pad_left),
                       1e-5f, 1e-5f));
}

// Calls run(case, rng) over a sweep of geometries, channel counts,
// multipliers, biases and activations.
template <typename Run>
void Sweep(Run run) {
  std::mt19937 rng(4321);
  const int sizes[][2] = {{1, 1}, {5, 5}, {7, 6}, {3, 8}};
  const int filters[][2] = {{1, 1}, {3, 3}, {3, 2}};
  const int strides[][2] = {{1, 1}, {2, 2}, {1, 3}};
  const int dilations[][2] = {{1, 1}, {2, 2}, {3, 1}};
  const schema::Padding paddings[] = {schema::Padding::SAME, schema::Padding::VALID,
                                      schema::Padding::EXPLICIT};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  for (const auto& size : sizes) {
    for (const auto& filter : filters) {
      for (const auto& stride : strides) {
        for (const auto& dilation : dilations) {
          for (schema::Padding padding : paddings) {
            DepthwiseCase c;
            c.batch = 1 + index % 2;
            c.in_h = size[0];
            c.in_w = size[1];
            c.in_c = 1 + (index * 3) % 7;  // 1..7: includes channels not a multiple of 4
            c.multiplier = 1 + (index / 2) % 3;
            c.filter_h = filter[0];
            c.filter_w = filter[1];
            c.stride_h = stride[0];
            c.stride_w = stride[1];
            c.dilation_h = dilation[0];
            c.dilation_w = dilation[1];
            c.padding = padding;
            if (padding == schema::Padding::EXPLICIT) {
              c.explicit_padding =
                  std::vector<int32_t>{index % 2, (index / 2) % 3, (index / 3) % 2, index % 3};
            }
            c.bias = index % 4 != 1;
            c.activation = activations[(index / 3) % 4];
            ++index;
            run(c, rng);
          }
        }
      }
    }
  }
}

TEST(DepthwiseConv2dTest, MatchesReferenceOverSweep) {
  Sweep([](const DepthwiseCase& c, std::mt19937& rng) { RunCase(c, rng); });
}

TEST(DepthwiseConv2dTest, InfersOutputShapesOverSweep) {
  Sweep([](const DepthwiseCase& c, std::mt19937& rng) { RunCase(c, rng, true); });
}

TEST(DepthwiseConv2dTest, MatchesReferenceOnMobileNetLikeLayer) {
  std::mt19937 rng(7);
  RunCase({1,
           14,
           14,
           32,
           1,
           3,
           3,
           2,
           2,
           1,
           1,
           schema::Padding::SAME,
           {},
           true,
           schema::Activation::RELU6},
          rng);
  RunCase({2,
           9,
           9,
           13,
           1,
           3,
           3,
           1,
           1,
           1,
           1,
           schema::Padding::SAME,
           {},
           true,
           schema::Activation::RELU6},
          rng);
}

// ---- Rejections -------------------------------------------------------------

OpTester ValidDepthwise() {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({1, 3, 3, 4}, std::vector<float>(36, 1.0f))
      .ConstInput({4}, {0, 0, 0, 0});
  return test;
}

TEST(DepthwiseConv2dTest, ValidBaselineRuns) {
  OpTester test = ValidDepthwise();
  test.Output({1, 4, 4, 4}).Options(DepthwiseOptions(schema::Padding::SAME, 2));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
}

TEST(DepthwiseConv2dTest, RejectsMultiplierNotMatchingFilter) {
  OpTester test = ValidDepthwise();
  test.Output({1, 4, 4, 4}).Options(DepthwiseOptions(schema::Padding::SAME, 1));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
  EXPECT_NE(test.error().find("depth_multiplier"), std::string::npos) << test.error();
}

TEST(DepthwiseConv2dTest, RejectsZeroMultiplier) {
  OpTester test = ValidDepthwise();
  test.Output({1, 4, 4, 4}).Options(DepthwiseOptions(schema::Padding::SAME, 0));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
}

TEST(DepthwiseConv2dTest, RejectsWrongOutputShape) {
  OpTester test = ValidDepthwise();
  test.Output({1, 2, 2, 4}).Options(DepthwiseOptions(schema::Padding::SAME, 2));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
  // The interpreter's check of the declared shape names the computed one.
  EXPECT_NE(test.error().find("(1, 4, 4, 4"), std::string::npos) << test.error();
}

TEST(DepthwiseConv2dTest, RejectsFilterWithLeadingDimNotOne) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({2, 3, 3, 2}, std::vector<float>(36, 1.0f))
      .Output({1, 4, 4, 2})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
}

TEST(DepthwiseConv2dTest, RejectsFilterOfWrongRank) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 2}, std::vector<float>(18, 1.0f))
      .Output({1, 4, 4, 2})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
}

TEST(DepthwiseConv2dTest, RejectsBiasOfWrongSize) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({1, 3, 3, 2}, std::vector<float>(18, 1.0f))
      .ConstInput({4}, {0, 0, 0, 0})
      .Output({1, 4, 4, 2})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel);
}

TEST(DepthwiseConv2dTest, RejectsBadOptions) {
  struct Bad {
    const char* what;
    schema::OpOptionsUnion options;
  };
  std::vector<Bad> cases;
  cases.push_back({"stride 0", DepthwiseOptions(schema::Padding::SAME, 2, 0, 1)});
  cases.push_back({"dilation -1", DepthwiseOptions(schema::Padding::SAME, 2, 1, 1, 1, -1)});
  cases.push_back({"explicit without values", DepthwiseOptions(schema::Padding::EXPLICIT, 2)});
  cases.push_back({"unknown activation", DepthwiseOptions(schema::Padding::SAME, 2, 1, 1, 1, 1,
                                                          static_cast<schema::Activation>(4))});
  cases.push_back({"no options", schema::OpOptionsUnion()});
  for (Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test = ValidDepthwise();
    test.Output({1, 4, 4, 4}).Options(std::move(bad.options));
    EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << test.error();
  }
}

// ---- Int8 ---------------------------------------------------------------------

TEST(DepthwiseConv2dTest, Int8HandWorkedPerChannel) {
  // Two pixels of two channels, q = [5, -3], [1, 7] at scale 0.5 and zero
  // point 1: q - zp = [4, -4], [0, 6]. Depth multiplier 2, a 1x2 VALID
  // filter; output channel oc = ic * 2 + m. Taps [1, 2, -1, 3], [2, -2, 1, 1]:
  //   oc0 = 4*1 + 0*2 = 4,  oc1 = 4*2 + 0*-2 = 8   (input channel 0)
  //   oc2 = -4*-1 + 6*1 = 10, oc3 = -4*3 + 6*1 = -6 (input channel 1)
  // Bias [1, 3, -2, -1]: 5, 11, 8, -7. Filter scales [0.5, 0.25, 1, 0.125]
  // with output scale 0.25 give multipliers 0.5 * s / 0.25 = 1, 0.5, 2,
  // 0.25: 5; 5.5 -> 6 (positive tie, away from zero); 16; and -7 * 0.25 =
  // -1.75 in two roundings: the high multiply gives -3.5 -> -3, the shift by
  // one -1.5 -> -2. Output zero point -5: 0, 1, 11, -7.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int8_t>({1, 1, 2, 2}, {5, -3, 1, 7})
      .Quantize({0.5f}, {1})
      .InputOf<int8_t>({1, 1, 2, 4}, {1, 2, -1, 3, 2, -2, 1, 1}, true)
      .Quantize({0.5f, 0.25f, 1.0f, 0.125f}, {0, 0, 0, 0}, 3)
      .InputOf<int32_t>({4}, {1, 3, -2, -1}, true)
      .Quantize({0.25f, 0.125f, 0.5f, 0.0625f}, {0, 0, 0, 0}, 0)
      .Output({1, 1, 1, 4}, schema::TensorType::INT8)
      .Quantize({0.25f}, {-5})
      .Options(DepthwiseOptions(schema::Padding::VALID, 2));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{0, 1, 11, -7}));
}

TEST(DepthwiseConv2dTest, Int8HandWorkedPerTensorReluN1To1) {
  // 3x1 column q = [3, -1, 2] (scale 0.25, zero point 1: 2, -2, 1), one
  // channel, 3x1 ones filter at scale 1, SAME: sums 0, 1, -1. Multiplier
  // 0.25 / 0.125 = 2, output zero point 0: 0, 2, -2. RELU_N1_TO_1 at scale
  // 0.125 clamps to [-8, 8], so nothing changes; then a 4x larger input
  // scale (multiplier 8) gives 0, 8, -8 exactly at the bounds, and a 16x
  // larger one (multiplier 32) 0, 32 -> 8, -32 -> -8.
  for (const auto& [input_scale, expected] : std::vector<std::pair<float, std::vector<int8_t>>>{
           {0.25f, {0, 2, -2}}, {1.0f, {0, 8, -8}}, {4.0f, {0, 8, -8}}}) {
    SCOPED_TRACE(input_scale);
    OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
    test.InputOf<int8_t>({1, 3, 1, 1}, {3, -1, 2})
        .Quantize({input_scale}, {1})
        .InputOf<int8_t>({1, 3, 1, 1}, {1, 1, 1}, true)
        .Quantize({1.0f}, {0})
        .AbsentInput()
        .Output({1, 3, 1, 1}, schema::TensorType::INT8)
        .Quantize({0.125f}, {0})
        .Options(DepthwiseOptions(schema::Padding::SAME, 1, 1, 1, 1, 1,
                                  schema::Activation::RELU_N1_TO_1));
    ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), expected);
  }
}

// Int8 against an independent reference: dequantize, convolve in double,
// apply the activation to the real value and requantize with one correct
// rounding. TFLite's integer pipeline rounds more than once (the multiplier
// to 31 bits, the doubling high multiply, then the rounding shift), so where
// the exact result lies near a rounding boundary it may land one step away:
// results must agree within 1, and most exactly.
void RunInt8Case(const DepthwiseCase& c, std::mt19937& rng, bool per_channel, int* exact,
                 int* total) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const int out_c = c.in_c * c.multiplier;
  const auto [input_scale, input_zp, filter_scales, output_scale, output_zp] =
      testing::RandomInt8WeightedQuantization(rng, per_channel ? out_c : 1,
                                              static_cast<double>(c.filter_h * c.filter_w));

  const auto input =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -128, 127);
  const auto filter =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.filter_h) * c.filter_w * out_c, -127, 127);
  const auto bias = RandomInts<int32_t>(rng, out_c, -3000, 3000);
  std::vector<float> bias_scales;
  for (int oc = 0; oc < out_c; ++oc) {
    bias_scales.push_back(input_scale * filter_scales[per_channel ? oc : 0]);
  }

  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int8_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .Quantize({input_scale}, {input_zp})
      .InputOf<int8_t>({1, c.filter_h, c.filter_w, out_c}, filter, true)
      .Quantize(filter_scales, std::vector<int64_t>(filter_scales.size(), 0), 3);
  if (c.bias) {
    test.InputOf<int32_t>({out_c}, bias, true)
        .Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, out_c}, schema::TensorType::INT8)
      .Quantize({output_scale}, {output_zp})
      .Options(DepthwiseOptions(c.padding, c.multiplier, c.stride_h, c.stride_w, c.dilation_h,
                                c.dilation_w, c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  const std::vector<int8_t> actual = test.OutputAs<int8_t>(0);

  std::vector<int8_t> expected;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < out_c; ++oc) {
          const int ic = oc / c.multiplier;
          const double filter_scale = filter_scales[per_channel ? oc : 0];
          double sum = c.bias ? static_cast<double>(bias[oc]) * input_scale * filter_scale : 0.0;
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
              const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
              const double x = (input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic] - input_zp) *
                               double{input_scale};
              sum += x * filter[(ky * c.filter_w + kx) * out_c + oc] * filter_scale;
            }
          }
          expected.push_back(
              QuantizeReference(ApplyActivation(sum, c.activation), output_scale, output_zp));
        }
      }
    }
  }
  testing::ExpectWithinOne(actual, expected, exact, total);
}

TEST(DepthwiseConv2dTest, Int8MatchesReferenceOverSweep) {
  int exact = 0;
  int total = 0;
  int index = 0;
  Sweep([&](const DepthwiseCase& c, std::mt19937& rng) {
    RunInt8Case(c, rng, index++ % 2 == 0, &exact, &total);
  });
  // Off-by-one needs the exact value very near a rounding boundary; random
  // data hit that rarely.
  EXPECT_GE(exact, total * 99 / 100) << exact << " of " << total << " exact";
}

TEST(DepthwiseConv2dTest, Int8InfersOutputShape) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int8_t>({1, 5, 5, 2}, std::vector<int8_t>(50, 3))
      .Quantize({0.1f}, {1})
      .InputOf<int8_t>({1, 3, 3, 6}, std::vector<int8_t>(54, 1), true)
      .Quantize({0.1f, 0.2f, 0.3f, 0.1f, 0.2f, 0.3f}, {0, 0, 0, 0, 0, 0}, 3)
      .Output({}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(DepthwiseOptions(schema::Padding::VALID, 3, 2, 2))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, 2, 2, 6}));
}

// Field ids of TFLite's DepthwiseConv2DOptions.
enum TfliteDepthwiseOption {
  kPadding = 0,
  kStrideW,
  kStrideH,
  kDepthMultiplier,
  kActivation,
  kDilationW,
  kDilationH
};

schema::OpOptionsUnion OptionsFromTflite(const testing::TflmCase& golden) {
  return DepthwiseOptions(testing::PaddingFromTflite(golden.Option<int8_t>(kPadding, 0)),
                          golden.Option<int32_t>(kDepthMultiplier, 0),
                          golden.Option<int32_t>(kStrideH, 0), golden.Option<int32_t>(kStrideW, 0),
                          golden.Option<int32_t>(kDilationH, 1),
                          golden.Option<int32_t>(kDilationW, 1),
                          testing::ActivationFromTflite(golden.Option<int8_t>(kActivation, 0)));
}

void ExpectMatchesTflm(const std::string& name) {
  testing::ExpectMatchesTflm(kernels::kDepthwiseConv2d, 4, name, OptionsFromTflite);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py.
TEST(DepthwiseConv2dTest, Int8MatchesTflmMultiplier2Relu) {
  ExpectMatchesTflm("depthwise_conv2d_multiplier2_relu");
}

TEST(DepthwiseConv2dTest, Int8MatchesTflmStride2Valid) {
  ExpectMatchesTflm("depthwise_conv2d_stride2_valid");
}

// ---- Int8 fast path against the reference loop --------------------------------
// kDepthwiseConv2d runs int8 with depth_multiplier 1 through its fast path
// (kernels/internal/int8_fast.h: chunks of 8 channels, the input offset
// folded into the bias inside the image, one-rounding requantization);
// PrepareDepthwiseConv2dInt8Reference makes the same op run the reference
// loop. They must agree bit for bit; the data and quantization are wide
// (zero points over all of int8, multipliers from 2^-24 to 2^4, zero
// weight scales, weights -128 included). Other multipliers take the
// reference loop in both.

Kernel DepthwiseInt8Reference() {
  return {kernels::kDepthwiseConv2d.op, kernels::kDepthwiseConv2d.name,
          kernels::PrepareDepthwiseConv2dInt8Reference, kernels::kDepthwiseConv2d.eval};
}

// Quantization for comparing the two paths: anything valid, not just what
// calibration makes.
struct WideInt8Quantization {
  float input_scale;
  int input_zp;
  std::vector<float> filter_scales;
  float output_scale;
  int output_zp;
};

WideInt8Quantization RandomWideInt8Quantization(std::mt19937& rng, int filter_scales) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::uniform_int_distribution<int> zero_point(-128, 127);
  WideInt8Quantization q;
  q.input_scale = 0.001f + unit(rng);
  q.input_zp = zero_point(rng);
  for (int i = 0; i < filter_scales; ++i) {
    q.filter_scales.push_back(rng() % 16 == 0 ? 0.0f : 0.0005f + 0.05f * unit(rng));
  }
  const float largest = *std::max_element(q.filter_scales.begin(), q.filter_scales.end());
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

// Counts the outputs strictly between -128 and 127 (neither clamped nor
// saturated), which carry the rounding.
struct OutputSpread {
  int inside = 0;
  int total = 0;

  void Add(const std::vector<int8_t>& values) {
    for (int8_t v : values) inside += v > -128 && v < 127 ? 1 : 0;
    total += static_cast<int>(values.size());
  }
};

// Runs case c with the fast path and with the reference loop on the same
// random data and expects the same bytes. The filter is a constant or
// (constant_filter false) an arena tensor fed at run time.
void ExpectInt8FastMatchesReference(const DepthwiseCase& c, std::mt19937& rng, bool per_channel,
                                    bool constant_filter, OutputSpread* spread) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor") +
               (constant_filter ? "" : " arena filter"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  (void)pad_top;
  (void)pad_left;
  const int out_c = c.in_c * c.multiplier;
  const WideInt8Quantization q = RandomWideInt8Quantization(rng, per_channel ? out_c : 1);
  const auto input =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -128, 127);
  const auto filter =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.filter_h) * c.filter_w * out_c, -128, 127);
  const auto bias = RandomWideBias(rng, out_c);
  std::vector<float> bias_scales;
  for (float scale : q.filter_scales) bias_scales.push_back(q.input_scale * scale);

  auto run = [&](const Kernel& kernel, std::vector<int8_t>* out) {
    OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
    test.InputOf<int8_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
        .Quantize({q.input_scale}, {q.input_zp})
        .InputOf<int8_t>({1, c.filter_h, c.filter_w, out_c}, filter, constant_filter)
        .Quantize(q.filter_scales, std::vector<int64_t>(q.filter_scales.size(), 0), 3);
    if (c.bias) {
      test.InputOf<int32_t>({out_c}, bias, true)
          .Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
    } else {
      test.AbsentInput();
    }
    test.Output({c.batch, out_h, out_w, out_c}, schema::TensorType::INT8)
        .Quantize({q.output_scale}, {q.output_zp})
        .Options(DepthwiseOptions(c.padding, c.multiplier, c.stride_h, c.stride_w, c.dilation_h,
                                  c.dilation_w, c.activation, c.explicit_padding));
    ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
    *out = test.OutputAs<int8_t>(0);
  };
  std::vector<int8_t> fast;
  std::vector<int8_t> reference;
  ASSERT_NO_FATAL_FAILURE(run(kernels::kDepthwiseConv2d, &fast));
  ASSERT_NO_FATAL_FAILURE(run(DepthwiseInt8Reference(), &reference));
  ASSERT_EQ(fast.size(), static_cast<size_t>(c.batch) * out_h * out_w * out_c);
  EXPECT_EQ(fast, reference);
  spread->Add(fast);
}

TEST(DepthwiseConv2dTest, Int8FastPathMatchesReferenceLoopOverSweep) {
  // The geometry sweep (windows inside the image, on its edges and wholly
  // in the padding; batch 1 and 2), with depth_multiplier 1 for most cases
  // and 9..23 channels for some: a chunk of 8 or two plus single channels.
  int index = 0;
  OutputSpread spread;
  Sweep([&](const DepthwiseCase& c, std::mt19937& rng) {
    DepthwiseCase fast = c;
    if (index % 4 != 3) fast.multiplier = 1;
    if (index % 3 == 1) fast.in_c = 9 + (index * 7) % 15;
    ExpectInt8FastMatchesReference(fast, rng, index % 2 == 0, index % 5 != 0, &spread);
    ++index;
  });
  EXPECT_GE(spread.inside, spread.total / 2) << spread.inside << " of " << spread.total;
  RecordProperty("outputs_not_clamped",
                 std::to_string(spread.inside) + " of " + std::to_string(spread.total));
}

TEST(DepthwiseConv2dTest, Int8FastPathMatchesReferenceLoopWithManyChannels) {
  // KWS-like layers (3x3 SAME over 64 channels), bigger images with a real
  // interior, batch 3, channel counts around the chunk size.
  std::mt19937 rng(808);
  const int channels[] = {8, 16, 17, 31, 64, 3};
  const int filters[][2] = {{3, 3}, {5, 5}, {1, 1}, {2, 4}};
  const schema::Padding paddings[] = {schema::Padding::SAME, schema::Padding::VALID,
                                      schema::Padding::EXPLICIT};
  int index = 0;
  OutputSpread spread;
  for (int in_c : channels) {
    for (const auto& filter : filters) {
      for (schema::Padding padding : paddings) {
        DepthwiseCase c;
        c.batch = 1 + index % 3;
        c.in_h = 10 + index % 4;
        c.in_w = 5 + index % 3;
        c.in_c = in_c;
        c.multiplier = 1;
        c.filter_h = filter[0];
        c.filter_w = filter[1];
        c.stride_h = 1 + index % 2;
        c.stride_w = 1 + (index / 2) % 2;
        c.dilation_h = index % 7 == 3 ? 2 : 1;
        c.dilation_w = index % 5 == 2 ? 3 : 1;
        c.padding = padding;
        if (padding == schema::Padding::EXPLICIT) {
          c.explicit_padding = {index % 3, (index / 3) % 4, (index / 2) % 2, index % 4};
        }
        c.bias = index % 4 != 2;
        c.activation = index % 3 == 1 ? schema::Activation::RELU : schema::Activation::NONE;
        ExpectInt8FastMatchesReference(c, rng, index % 2 == 0, index % 4 != 1, &spread);
        ++index;
      }
    }
  }
  EXPECT_GE(spread.inside, spread.total / 2) << spread.inside << " of " << spread.total;
  RecordProperty("outputs_not_clamped",
                 std::to_string(spread.inside) + " of " + std::to_string(spread.total));
}

OpTester Int8Depthwise(std::vector<float> filter_scales, int filter_axis,
                       schema::TensorType filter_type = schema::TensorType::INT8) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int8_t>({1, 2, 2, 2}, std::vector<int8_t>(8, 1)).Quantize({0.1f}, {0});
  if (filter_type == schema::TensorType::INT8) {
    test.InputOf<int8_t>({1, 1, 1, 2}, {1, 2}, true);
  } else {
    test.InputOf<float>({1, 1, 1, 2}, {1, 2}, true);
  }
  if (!filter_scales.empty()) {
    test.Quantize(filter_scales, std::vector<int64_t>(filter_scales.size(), 0), filter_axis);
  }
  test.Output({1, 2, 2, 2}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  return test;
}

TEST(DepthwiseConv2dTest, Int8ChecksFilterQuantization) {
  OpTester valid = Int8Depthwise({0.1f, 0.2f}, 3);
  EXPECT_EQ(valid.Run(kernels::kDepthwiseConv2d), Status::kOk) << valid.error();
  // The loader accepts two scales along a dimension of size 2 whichever it
  // is; per-channel depthwise weights must run along dimension 3.
  OpTester wrong_axis(schema::OpCode::DEPTHWISE_CONV_2D);
  wrong_axis.InputOf<int8_t>({1, 2, 2, 2}, std::vector<int8_t>(8, 1))
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({1, 2, 1, 2}, {1, 2, 3, 4}, true)
      .Quantize({0.1f, 0.2f}, {0, 0}, 1)
      .Output({1, 2, 2, 2}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(wrong_axis.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << wrong_axis.error();
  OpTester missing = Int8Depthwise({}, 0);
  EXPECT_EQ(missing.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << missing.error();
  OpTester hybrid = Int8Depthwise({}, 0, schema::TensorType::FLOAT32);
  EXPECT_EQ(hybrid.Run(kernels::kDepthwiseConv2d), Status::kUnsupported) << hybrid.error();
}

// ---- Hybrid (float32 input, int8 weights) ----------------------------------

TEST(DepthwiseConv2dTest, HybridHandWorkedPerChannel) {
  // Depth multiplier 2 on one pixel [2, -3] with a 1x1 filter [10, -4, 127,
  // 1] at scales [0.5, 0.25, 0.125, 1], bias [1, 0, -1, 0.5]; sums of x * w_q,
  // scaled, biased:
  //   channel 0: 2 * 10 = 20 -> 10 + 1 = 11;   channel 1: 2 * -4 = -8 -> -2
  //   channel 2: -3 * 127 = -381 -> -47.625 - 1 = -48.625
  //   channel 3: -3 * 1 = -3 -> -3 + 0.5 = -2.5
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 1, 1, 2}, {2, -3})
      .InputOf<int8_t>({1, 1, 1, 4}, {10, -4, 127, 1}, true)
      .Quantize({0.5f, 0.25f, 0.125f, 1.0f}, {0, 0, 0, 0}, 3)
      .ConstInput({4}, {1, 0, -1, 0.5f})
      .Output({1, 1, 1, 4})
      .Options(DepthwiseOptions(schema::Padding::VALID, 2));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{11, -2, -48.625f, -2.5f}));
}

TEST(DepthwiseConv2dTest, HybridHandWorkedPerTensorSameRelu6) {
  // One channel, row [1, 2, 4], 1x3 filter [1, 2, 3] at scale 0.5, no bias,
  // SAME: sums 2 + 6 = 8, 1 + 4 + 12 = 17, 2 + 8 = 10; scaled 4, 8.5, 5;
  // RELU6: 4, 6, 5.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 1, 3, 1}, {1, 2, 4})
      .InputOf<int8_t>({1, 1, 3, 1}, {1, 2, 3}, true)
      .Quantize({0.5f}, {0})
      .AbsentInput()
      .Output({1, 1, 3, 1})
      .Options(DepthwiseOptions(schema::Padding::SAME, 1, 1, 1, 1, 1, schema::Activation::RELU6));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4, 6, 5}));
}

// Hybrid against the double reference of the dequantized weights w_q *
// scale, with scales in [0.5, 1] / 127 so they lie in [-1, 1] like the float
// sweep's; the kernel's sums carry the float path's relative rounding plus
// one rounding each for the scaling and the bias: the float tolerance holds.
void RunHybridCase(const DepthwiseCase& c, std::mt19937& rng, bool per_channel) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const int out_c = c.in_c * c.multiplier;
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::uniform_real_distribution<float> scale_dist(0.5f / 127, 1.0f / 127);
  std::vector<float> input(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
  for (float& x : input) x = dist(rng);
  const auto filter =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.filter_h) * c.filter_w * out_c, -127, 127);
  std::vector<float> scales(per_channel ? out_c : 1);
  for (float& s : scales) s = scale_dist(rng);
  std::vector<float> bias(out_c);
  for (float& b : bias) b = dist(rng);
  std::vector<double> dequantized(filter.size());
  for (size_t i = 0; i < filter.size(); ++i) {
    dequantized[i] = filter[i] * double{scales[per_channel ? i % out_c : 0]};
  }
  const std::vector<double> bias_double(bias.begin(), bias.end());

  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .InputOf<int8_t>({1, c.filter_h, c.filter_w, out_c}, filter, true)
      .Quantize(scales, std::vector<int64_t>(scales.size(), 0), 3);
  if (c.bias) {
    test.ConstInput({out_c}, bias);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, out_c})
      .Options(DepthwiseOptions(c.padding, c.multiplier, c.stride_h, c.stride_w, c.dilation_h,
                                c.dilation_w, c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_TRUE(AllClose(
      test.OutputFloats(0),
      ReferenceDepthwise(c, input, dequantized, bias_double, out_h, out_w, pad_top, pad_left),
      1e-5f, 1e-5f));
}

TEST(DepthwiseConv2dTest, HybridMatchesReferenceOverSweep) {
  int index = 0;
  Sweep(
      [&](const DepthwiseCase& c, std::mt19937& rng) { RunHybridCase(c, rng, index++ % 2 == 0); });
}

// A hybrid depthwise conv (two output channels) whose filter quantization
// is given.
OpTester HybridDepthwise(std::vector<float> filter_scales, std::vector<int64_t> zero_points,
                         int filter_axis) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.Input({1, 2, 2, 2}, std::vector<float>(8, 1.0f)).InputOf<int8_t>({1, 1, 1, 2}, {1, 2}, true);
  if (!filter_scales.empty()) test.Quantize(filter_scales, zero_points, filter_axis);
  test.Output({1, 2, 2, 2}).Options(DepthwiseOptions(schema::Padding::SAME));
  return test;
}

TEST(DepthwiseConv2dTest, HybridChecksFilterQuantization) {
  OpTester valid = HybridDepthwise({0.1f, 0.2f}, {0, 0}, 3);
  EXPECT_EQ(valid.Run(kernels::kDepthwiseConv2d), Status::kOk) << valid.error();
  struct Bad {
    const char* what;
    std::vector<float> scales;
    std::vector<int64_t> zero_points;
    int axis;
  };
  const Bad cases[] = {
      {"not quantized", {}, {}, 3},
      {"non-zero zero point", {0.1f, 0.2f}, {0, -1}, 3},
      {"3 scales for 2 channels", {0.1f, 0.2f, 0.3f}, {0, 0, 0}, 3},
      {"negative scale", {-0.1f}, {0}, 0},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test = HybridDepthwise(bad.scales, bad.zero_points, bad.axis);
    EXPECT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << test.error();
  }
}

TEST(DepthwiseConv2dTest, HybridRejectsQuantizedBiasOrOutput) {
  OpTester int32_bias(schema::OpCode::DEPTHWISE_CONV_2D);
  int32_bias.Input({1, 1, 1, 2}, {1, 2})
      .InputOf<int8_t>({1, 1, 1, 2}, {1, 2}, true)
      .Quantize({0.1f}, {0})
      .InputOf<int32_t>({2}, {1, 2}, true)
      .Output({1, 1, 1, 2})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(int32_bias.Run(kernels::kDepthwiseConv2d), Status::kUnsupported) << int32_bias.error();
  OpTester int8_output(schema::OpCode::DEPTHWISE_CONV_2D);
  int8_output.Input({1, 1, 1, 2}, {1, 2})
      .InputOf<int8_t>({1, 1, 1, 2}, {1, 2}, true)
      .Quantize({0.1f}, {0})
      .AbsentInput()
      .Output({1, 1, 1, 2}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  EXPECT_EQ(int8_output.Run(kernels::kDepthwiseConv2d), Status::kUnsupported)
      << int8_output.error();
}

// ---- Int16x8 ------------------------------------------------------------------

TEST(DepthwiseConv2dTest, Int16HandWorkedSumsIn64Bits) {
  // Two channels of one pixel, q = [20000, -20000] (scale 2^-10), 1x1 filter
  // [127, 127] at scale 2^-7, int64 bias [2^33, 0], output scale 2^-2:
  // multiplier 2^-15 (Q31 2^30, shift -14; Q15 16384, total shift 29).
  //   channel 0: 2540000 + 2^33 = 8592474592, / 2^15 = 262221.51 ->
  //   262222, then clamps to 32767 (an int32 sum would have wrapped).
  //   channel 1: -2540000 / 2^15 = -77.514 -> -78.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int16_t>({1, 1, 1, 2}, {20000, -20000})
      .Quantize({1.0f / 1024}, {0})
      .InputOf<int8_t>({1, 1, 1, 2}, {127, 127}, true)
      .Quantize({1.0f / 128}, {0})
      .InputOf<int64_t>({2}, {int64_t{1} << 33, 0}, true)
      .Quantize({1.0f / (1 << 17)}, {0})
      .Output({1, 1, 1, 2}, schema::TensorType::INT16)
      .Quantize({0.25f}, {0})
      .Options(DepthwiseOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{32767, -78}));
}

TEST(DepthwiseConv2dTest, Int16HandWorkedNoBiasMultiplier2) {
  // One pixel q = [300] (scale 0.5), multiplier 2, filter [1, -3] at scales
  // [0.5, 0.25], no bias, output scale 0.125: multipliers 2 and 1 (Q15
  // 16384 with shifts 2 and 1): 300 * 2 = 600 and -900 * 1 = -900.
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int16_t>({1, 1, 1, 1}, {300})
      .Quantize({0.5f}, {0})
      .InputOf<int8_t>({1, 1, 1, 2}, {1, -3}, true)
      .Quantize({0.5f, 0.25f}, {0, 0}, 3)
      .AbsentInput()
      .Output({1, 1, 1, 2}, schema::TensorType::INT16)
      .Quantize({0.125f}, {0})
      .Options(DepthwiseOptions(schema::Padding::VALID, 2));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{600, -900}));
}

// Int16 against the double reference of the dequantized operands,
// requantized with one correct rounding: within 1 (see ExpectWithinOne16).
void RunInt16Case(const DepthwiseCase& c, std::mt19937& rng, bool per_channel, int* exact,
                  int* total) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const int out_c = c.in_c * c.multiplier;
  const auto [input_scale, filter_scales, output_scale] = testing::RandomInt16WeightedQuantization(
      rng, per_channel ? out_c : 1, static_cast<double>(c.filter_h * c.filter_w));
  const auto input = RandomInts<int16_t>(
      rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -32768, 32767);
  const auto filter =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.filter_h) * c.filter_w * out_c, -127, 127);
  const auto bias = RandomInts<int32_t>(rng, out_c, -3000000, 3000000);
  std::vector<float> bias_scales;
  for (int oc = 0; oc < out_c; ++oc) {
    bias_scales.push_back(input_scale * filter_scales[per_channel ? oc : 0]);
  }

  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int16_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .Quantize({input_scale}, {0})
      .InputOf<int8_t>({1, c.filter_h, c.filter_w, out_c}, filter, true)
      .Quantize(filter_scales, std::vector<int64_t>(filter_scales.size(), 0), 3);
  if (c.bias) {
    test.InputOf<int64_t>({out_c}, std::vector<int64_t>(bias.begin(), bias.end()), true)
        .Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, out_c}, schema::TensorType::INT16)
      .Quantize({output_scale}, {0})
      .Options(DepthwiseOptions(c.padding, c.multiplier, c.stride_h, c.stride_w, c.dilation_h,
                                c.dilation_w, c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kDepthwiseConv2d), Status::kOk) << test.error();

  std::vector<int16_t> expected;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < out_c; ++oc) {
          const int ic = oc / c.multiplier;
          const double filter_scale = filter_scales[per_channel ? oc : 0];
          double sum = c.bias ? bias[oc] * double{input_scale} * filter_scale : 0.0;
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
              const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
              if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
              sum += input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic] * double{input_scale} *
                     (filter[(ky * c.filter_w + kx) * out_c + oc] * filter_scale);
            }
          }
          expected.push_back(
              testing::QuantizeReference16(ApplyActivation(sum, c.activation), output_scale));
        }
      }
    }
  }
  testing::ExpectWithinOne16(test.OutputAs<int16_t>(0), expected, exact, total);
}

TEST(DepthwiseConv2dTest, Int16MatchesReferenceOverSweep) {
  int exact = 0;
  int total = 0;
  int index = 0;
  Sweep([&](const DepthwiseCase& c, std::mt19937& rng) {
    RunInt16Case(c, rng, index++ % 2 == 0, &exact, &total);
  });
  // The 16-bit multiplier makes results land one step away more often than
  // int8's, but still rarely.
  EXPECT_GE(exact, total * 95 / 100) << exact << " of " << total << " exact";
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/cases_int16.py.
void ExpectMatchesTflmInt16(const std::string& name) {
  testing::ExpectMatchesTflmInt16(kernels::kDepthwiseConv2d, 4, name, OptionsFromTflite);
}

TEST(DepthwiseConv2dTest, Int16MatchesTflmMultiplier2Bias64) {
  ExpectMatchesTflmInt16("i16_depthwise_conv2d_multiplier2_bias64");
}

TEST(DepthwiseConv2dTest, Int16MatchesTflmPerTensorStride2) {
  ExpectMatchesTflmInt16("i16_depthwise_conv2d_per_tensor_stride2");
}

// An int16 depthwise conv (two output channels) with the given bias type
// and quantization.
OpTester Int16Depthwise(schema::TensorType bias_type, int64_t input_zp = 0, int64_t output_zp = 0,
                        float output_scale = 0.5f) {
  OpTester test(schema::OpCode::DEPTHWISE_CONV_2D);
  test.InputOf<int16_t>({1, 2, 2, 2}, std::vector<int16_t>(8, 1))
      .Quantize({0.1f}, {input_zp})
      .InputOf<int8_t>({1, 1, 1, 2}, {1, 2}, true)
      .Quantize({0.1f, 0.2f}, {0, 0}, 3);
  if (bias_type == schema::TensorType::INT64) {
    test.InputOf<int64_t>({2}, {1, 2}, true);
  } else {
    test.InputOf<int32_t>({2}, {1, 2}, true);
  }
  test.Output({1, 2, 2, 2}, schema::TensorType::INT16)
      .Quantize({output_scale}, {output_zp})
      .Options(DepthwiseOptions(schema::Padding::SAME));
  return test;
}

TEST(DepthwiseConv2dTest, Int16ChecksOperands) {
  OpTester valid = Int16Depthwise(schema::TensorType::INT64);
  EXPECT_EQ(valid.Run(kernels::kDepthwiseConv2d), Status::kOk) << valid.error();
  // TFLite Micro reads an int16 depthwise bias as int64 whatever its type.
  OpTester int32_bias = Int16Depthwise(schema::TensorType::INT32);
  EXPECT_EQ(int32_bias.Run(kernels::kDepthwiseConv2d), Status::kUnsupported) << int32_bias.error();
  EXPECT_NE(int32_bias.error().find("int64"), std::string::npos) << int32_bias.error();
  OpTester input_zp = Int16Depthwise(schema::TensorType::INT64, 2);
  EXPECT_EQ(input_zp.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << input_zp.error();
  OpTester output_zp = Int16Depthwise(schema::TensorType::INT64, 0, 1);
  EXPECT_EQ(output_zp.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << output_zp.error();
  // 0.1 * 0.2 / 1e-4 = 200: at least 2^7, which the 64-bit requantization
  // cannot take.
  OpTester large = Int16Depthwise(schema::TensorType::INT64, 0, 0, 1e-4f);
  EXPECT_EQ(large.Run(kernels::kDepthwiseConv2d), Status::kInvalidModel) << large.error();
}

// The integer-only registration (no float paths linked) runs the same
// integer arithmetic.
TEST(DepthwiseConv2dTest, IntegerOnlyKernelMatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kDepthwiseConv2dInteger, 4, "depthwise_conv2d_stride2_valid",
                             OptionsFromTflite);
  testing::ExpectMatchesTflmInt16(kernels::kDepthwiseConv2dInteger, 4,
                                  "i16_depthwise_conv2d_multiplier2_bias64", OptionsFromTflite);
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type, naming itself.
TEST(DepthwiseConv2dTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectMatchesTflm(kernels::kDepthwiseConv2dInt8, 4, "depthwise_conv2d_stride2_valid",
                             OptionsFromTflite);
  testing::ExpectMatchesTflm(kernels::kDepthwiseConv2dInt8, 4,
                             "depthwise_conv2d_multiplier2_relu", OptionsFromTflite);
  OpTester float_depthwise = ValidDepthwise();
  float_depthwise.Output({1, 4, 4, 4}).Options(DepthwiseOptions(schema::Padding::SAME, 2));
  EXPECT_EQ(float_depthwise.Run(kernels::kDepthwiseConv2dInt8), Status::kUnsupported);
  EXPECT_NE(float_depthwise.error().find("int8-only"), std::string::npos)
      << float_depthwise.error();
  OpTester int16_depthwise = Int16Depthwise(schema::TensorType::INT64);
  EXPECT_EQ(int16_depthwise.Run(kernels::kDepthwiseConv2dInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
