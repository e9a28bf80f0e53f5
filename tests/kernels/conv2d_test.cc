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

schema::OpOptionsUnion ConvOptions(schema::Padding padding, int stride_h = 1, int stride_w = 1,
                                   int dilation_h = 1, int dilation_w = 1,
                                   schema::Activation activation = schema::Activation::NONE,
                                   std::vector<int32_t> explicit_padding = {}) {
  schema::Conv2DOptionsT options;
  options.padding = padding;
  options.explicit_padding = std::move(explicit_padding);
  options.stride_h = stride_h;
  options.stride_w = stride_w;
  options.dilation_h = dilation_h;
  options.dilation_w = dilation_w;
  options.activation = activation;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

std::vector<float> Iota(int count, float start = 1.0f) {
  std::vector<float> values(count);
  for (int i = 0; i < count; ++i) values[i] = start + static_cast<float>(i);
  return values;
}

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(Conv2dTest, ValidTwoByTwoWithBias) {
  // Input 3x3 = 1..9, filter [[1,2],[3,4]], bias 1. Top-left window
  // [[1,2],[4,5]]: 1*1 + 2*2 + 4*3 + 5*4 = 37 (+1 = 38); then
  // [[2,3],[5,6]] = 47, [[4,5],[7,8]] = 67, [[5,6],[8,9]] = 77.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 3, 3, 1}, Iota(9))
      .ConstInput({1, 2, 2, 1}, {1, 2, 3, 4})
      .ConstInput({1}, {1})
      .Output({1, 2, 2, 1})
      .Options(ConvOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{38, 48, 68, 78}));
}

TEST(Conv2dTest, SameThreeByThreeOnesSumsNeighbourhoods) {
  // A 3x3 filter of ones with SAME padding sums each cell's in-image
  // neighbourhood of 1..9: corner 1+2+4+5 = 12, edge 1+2+3+4+5+6 = 21,
  // centre 45, and so on. No bias input at all.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 3, 3, 1}, Iota(9))
      .ConstInput({1, 3, 3, 1}, std::vector<float>(9, 1.0f))
      .Output({1, 3, 3, 1})
      .Options(ConvOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
}

TEST(Conv2dTest, SameStrideTwoPadsOnlyAfter) {
  // 4x4 input 1..16, 2x2 ones, SAME stride 2: output 2x2, total padding
  // (2-1)*2 + 2 - 4 = 0, so windows are the four 2x2 blocks:
  // 1+2+5+6 = 14, 3+4+7+8 = 22, 9+10+13+14 = 46, 11+12+15+16 = 54.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 4, 4, 1}, Iota(16))
      .ConstInput({1, 2, 2, 1}, std::vector<float>(4, 1.0f))
      .Output({1, 2, 2, 1})
      .Options(ConvOptions(schema::Padding::SAME, 2, 2));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{14, 22, 46, 54}));
}

TEST(Conv2dTest, SameOddPaddingPutsExtraAfter) {
  // 1x4 row 1..4, 1x4 ones filter, SAME stride 1: total padding 3, 1 before
  // and 2 after (TF puts the odd cell after). Windows: [pad,1,2,3] = 6,
  // [1,2,3,4] = 10, [2,3,4,pad] = 9, [3,4,pad,pad] = 7.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 4, 1}, Iota(4))
      .ConstInput({1, 1, 4, 1}, std::vector<float>(4, 1.0f))
      .Output({1, 1, 4, 1})
      .Options(ConvOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{6, 10, 9, 7}));
}

TEST(Conv2dTest, PointwiseMixesChannels) {
  // 1x1 filter = per-pixel matrix product. Pixel (1, 2): out0 = 1*1 + 2*10 =
  // 21, out1 = 1*-1 + 2*0.5 = 0, out2 = 1*0 + 2*2 + bias 3 = 7.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 2, 2}, {1, 2, 3, 4})
      .ConstInput({3, 1, 1, 2}, {1, 10, -1, 0.5f, 0, 2})
      .ConstInput({3}, {0, 0, 3})
      .Output({1, 1, 2, 3})
      .Options(ConvOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  // Pixel (3, 4): 3 + 40 = 43, -3 + 2 = -1, 8 + 3 = 11.
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{21, 0, 7, 43, -1, 11}));
}

TEST(Conv2dTest, DilationSpreadsTaps) {
  // 2x2 ones dilated by 2 on 3x3 1..9 covers the corners: 1+3+7+9 = 20.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 3, 3, 1}, Iota(9))
      .ConstInput({1, 2, 2, 1}, std::vector<float>(4, 1.0f))
      .Output({1, 1, 1, 1})
      .Options(ConvOptions(schema::Padding::VALID, 1, 1, 2, 2));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{20}));
}

TEST(Conv2dTest, ExplicitPaddingAndRelu6) {
  // 2x2 input [[1,2],[3,4]], 1x1 filter 2, explicit padding top 1, bottom 0,
  // left 0, right 1: output 3x3 = [[0,0,0],[2,4,0],[6,8,0]] + bias -1, then
  // clamped to [0, 6].
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4})
      .ConstInput({1, 1, 1, 1}, {2})
      .ConstInput({1}, {-1})
      .Output({1, 3, 3, 1})
      .Options(ConvOptions(schema::Padding::EXPLICIT, 1, 1, 1, 1, schema::Activation::RELU6,
                           {1, 0, 0, 1}));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0, 0, 1, 3, 0, 5, 6, 0}));
}

TEST(Conv2dTest, StrideLargerThanKernel) {
  // 1x5 row 1..5, 1x1 filter 1, stride 3, VALID: picks cells 0 and 3.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 5, 1}, Iota(5))
      .ConstInput({1, 1, 1, 1}, {1})
      .Output({1, 1, 2, 1})
      .Options(ConvOptions(schema::Padding::VALID, 3, 3));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 4}));
}

TEST(Conv2dTest, FilterMayBeAnArenaTensor) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 1, 2}, {3, 4})
      .Input({1, 1, 1, 2}, {1, 2})
      .AbsentInput()
      .Output({1, 1, 1, 1})
      .Options(ConvOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{11}));
}

TEST(Conv2dTest, EmptyBatchRuns) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({0, 3, 3, 2}, {})
      .ConstInput({4, 3, 3, 2}, std::vector<float>(72, 1.0f))
      .Output({0, 3, 3, 4})
      .Options(ConvOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputFloats(0).empty());
}

// ---- Sweep against a naive reference ----------------------------------------

struct ConvCase {
  int batch, in_h, in_w, in_c, out_c, filter_h, filter_w;
  int stride_h, stride_w, dilation_h, dilation_w;
  schema::Padding padding;
  std::vector<int32_t> explicit_padding;  // top, bottom, left, right
  bool bias;
  schema::Activation activation;

  std::string Describe() const {
    std::string s = "N" + std::to_string(batch) + " " + std::to_string(in_h) + "x" +
                    std::to_string(in_w) + "x" + std::to_string(in_c) + " -> " +
                    std::to_string(out_c) + " k" + std::to_string(filter_h) + "x" +
                    std::to_string(filter_w) + " s" + std::to_string(stride_h) + "," +
                    std::to_string(stride_w) + " d" + std::to_string(dilation_h) + "," +
                    std::to_string(dilation_w) + " " + schema::EnumNamePadding(padding);
    for (int32_t p : explicit_padding) s += " " + std::to_string(p);
    s += bias ? " bias " : " nobias ";
    return s + schema::EnumNameActivation(activation);
  }
};

// The case's window geometry.
ReferenceGeometry Geometry(const ConvCase& c) {
  return testing::ReferenceWindows(c.in_h, c.in_w, c.filter_h, c.filter_w, c.stride_h, c.stride_w,
                                   c.dilation_h, c.dilation_w, c.padding, c.explicit_padding);
}

// Direct 7-nested-loop convolution in double precision (Weight float, or
// double for dequantized hybrid weights).
template <typename Weight>
std::vector<float> ReferenceConv(const ConvCase& c, const std::vector<float>& input,
                                 const std::vector<Weight>& filter, const std::vector<Weight>& bias,
                                 int out_h, int out_w, int pad_top, int pad_left) {
  std::vector<float> out;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < c.out_c; ++oc) {
          double sum = c.bias ? bias[oc] : 0.0;
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              for (int ic = 0; ic < c.in_c; ++ic) {
                const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
                const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
                if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
                sum += double{input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic]} *
                       filter[((oc * c.filter_h + ky) * c.filter_w + kx) * c.in_c + ic];
              }
            }
          }
          out.push_back(static_cast<float>(ApplyActivation(sum, c.activation)));
        }
      }
    }
  }
  return out;
}

// With infer_shapes the output is declared as {} and Prepare must give it
// the reference shape, as the converter's shape inference relies on.
void RunCase(const ConvCase& c, std::mt19937& rng, bool infer_shapes = false) {
  SCOPED_TRACE(c.Describe());
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
  };
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const auto input = random(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
  const auto filter = random(static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c);
  const auto bias = random(c.out_c);

  OpTester test(schema::OpCode::CONV_2D);
  test.Input({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .ConstInput({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter);
  if (c.bias) {
    test.ConstInput({c.out_c}, bias);
  } else {
    test.AbsentInput();
  }
  const std::vector<int32_t> out_shape = {c.batch, out_h, out_w, c.out_c};
  test.Output(infer_shapes ? std::vector<int32_t>{} : out_shape)
      .Options(ConvOptions(c.padding, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                           c.activation, c.explicit_padding));
  if (infer_shapes) test.InferShapes();
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), out_shape);
  // Each output sums at most 63 float32 products (3x3 taps of 7 channels) of
  // values in [-1, 1], against a double reference. Partial sums of random
  // products stay around 3 in magnitude, so float32 rounding (6e-8 relative
  // per add) totals ~1e-6; 1e-5 absolute plus 1e-5 relative leaves a 10x
  // margin, and the seeded data make it deterministic.
  EXPECT_TRUE(AllClose(test.OutputFloats(0),
                       ReferenceConv(c, input, filter, bias, out_h, out_w, pad_top, pad_left),
                       1e-5f, 1e-5f));
}

// Calls run(case, rng) over a sweep of geometries, channel counts, biases and
// activations.
template <typename Run>
void Sweep(Run run) {
  std::mt19937 rng(1234);
  const int sizes[][2] = {{1, 1}, {5, 5}, {7, 6}, {2, 9}};
  const int filters[][2] = {{1, 1}, {3, 3}, {2, 3}};
  const int strides[][2] = {{1, 1}, {2, 2}, {3, 1}};
  const int dilations[][2] = {{1, 1}, {2, 2}, {1, 3}};
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
            ConvCase c;
            // Vary the remaining parameters with the case index so every value
            // meets every geometry over the sweep.
            c.batch = 1 + index % 2;
            c.in_h = size[0];
            c.in_w = size[1];
            c.in_c = 1 + (index * 3) % 7;  // 1..7: includes channels not a multiple of 4
            c.out_c = 1 + (index * 5) % 6;
            c.filter_h = filter[0];
            c.filter_w = filter[1];
            c.stride_h = stride[0];
            c.stride_w = stride[1];
            c.dilation_h = dilation[0];
            c.dilation_w = dilation[1];
            c.padding = padding;
            if (padding == schema::Padding::EXPLICIT) {
              c.explicit_padding =
                  std::vector<int32_t>{index % 3, (index / 3) % 2, (index / 2) % 3, index % 2};
            }
            c.bias = index % 3 != 0;
            c.activation = activations[index % 4];
            ++index;
            run(c, rng);
          }
        }
      }
    }
  }
}

TEST(Conv2dTest, MatchesReferenceOverSweep) {
  Sweep([](const ConvCase& c, std::mt19937& rng) { RunCase(c, rng); });
}

TEST(Conv2dTest, InfersOutputShapesOverSweep) {
  Sweep([](const ConvCase& c, std::mt19937& rng) { RunCase(c, rng, true); });
}

TEST(Conv2dTest, MatchesReferenceOnMobileNetLikeLayer) {
  // A stride-2 3x3 stem and a wide pointwise layer, the shapes MobileNet runs.
  std::mt19937 rng(99);
  ConvCase stem{1,  17,   17,
                3,  16,   3,
                3,  2,    2,
                1,  1,    schema::Padding::SAME,
                {}, true, schema::Activation::RELU6};
  RunCase(stem, rng);
  ConvCase pointwise{2,  6,    6,
                     32, 24,   1,
                     1,  1,    1,
                     1,  1,    schema::Padding::VALID,
                     {}, true, schema::Activation::NONE};
  RunCase(pointwise, rng);
}

// ---- Rejections -------------------------------------------------------------

OpTester ValidConv() {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 3, 2}, std::vector<float>(54, 1.0f))
      .ConstInput({3}, {0, 0, 0});
  return test;
}

TEST(Conv2dTest, ValidConvBaselineRuns) {
  OpTester test = ValidConv();
  test.Output({1, 4, 4, 3}).Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
}

TEST(Conv2dTest, RejectsWrongOutputShape) {
  OpTester test = ValidConv();
  test.Output({1, 4, 4, 4}).Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
  // The interpreter's check of the declared shape names the computed one.
  EXPECT_NE(test.error().find("(1, 4, 4, 3"), std::string::npos) << test.error();
}

TEST(Conv2dTest, RejectsValidOutputSizedLikeSame) {
  OpTester test = ValidConv();
  test.Output({1, 4, 4, 3}).Options(ConvOptions(schema::Padding::VALID));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsFilterOfWrongRank) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 2}, std::vector<float>(18, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
  EXPECT_NE(test.error().find("filter"), std::string::npos) << test.error();
}

TEST(Conv2dTest, RejectsInputOfWrongRank) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 3, 2}, std::vector<float>(54, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsChannelMismatch) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 3, 1}, std::vector<float>(27, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsBiasOfWrongSize) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 4, 4, 2}, std::vector<float>(32, 1.0f))
      .ConstInput({3, 3, 3, 2}, std::vector<float>(54, 1.0f))
      .ConstInput({2}, {0, 0})
      .Output({1, 4, 4, 3})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsMissingInput) {
  OpTester test(schema::OpCode::CONV_2D);
  test.AbsentInput()
      .ConstInput({3, 3, 3, 2}, std::vector<float>(54, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsBadOptions) {
  struct Bad {
    const char* what;
    schema::OpOptionsUnion options;
  };
  std::vector<Bad> cases;
  cases.push_back({"stride 0", ConvOptions(schema::Padding::SAME, 0, 1)});
  cases.push_back({"negative stride", ConvOptions(schema::Padding::SAME, 1, -2)});
  cases.push_back({"dilation 0", ConvOptions(schema::Padding::SAME, 1, 1, 0, 1)});
  cases.push_back({"huge dilation", ConvOptions(schema::Padding::SAME, 1, 1, 1, 1 << 30)});
  cases.push_back({"explicit without values", ConvOptions(schema::Padding::EXPLICIT)});
  cases.push_back({"explicit with 3 values", ConvOptions(schema::Padding::EXPLICIT, 1, 1, 1, 1,
                                                         schema::Activation::NONE, {1, 1, 1})});
  cases.push_back({"negative explicit", ConvOptions(schema::Padding::EXPLICIT, 1, 1, 1, 1,
                                                    schema::Activation::NONE, {1, 1, -1, 3})});
  cases.push_back(
      {"explicit values with SAME",
       ConvOptions(schema::Padding::SAME, 1, 1, 1, 1, schema::Activation::NONE, {1, 1, 1, 1})});
  cases.push_back({"unknown padding", ConvOptions(static_cast<schema::Padding>(7))});
  cases.push_back({"unknown activation", ConvOptions(schema::Padding::SAME, 1, 1, 1, 1,
                                                     static_cast<schema::Activation>(9))});
  schema::Pool2DOptionsT pool;
  cases.push_back({"wrong options table", schema::OpOptionsUnion()});
  cases.back().options.Set(std::move(pool));
  cases.push_back({"no options", schema::OpOptionsUnion()});
  for (Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test = ValidConv();
    test.Output({1, 4, 4, 3}).Options(std::move(bad.options));
    EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel) << test.error();
  }
}

TEST(Conv2dTest, RejectsDimsTooLargeBehindAZeroDim) {
  // Zero elements pass the loader, but the other dims are still absurd.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({0, 1 << 30, 1 << 30, 1}, {})
      .ConstInput({1, 1, 1, 1}, {1})
      .Output({0, 1 << 30, 1 << 30, 1})
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

TEST(Conv2dTest, RejectsWrongInputAndOutputCounts) {
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 1, 1}, {1}).Output({1, 1, 1, 1}).Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(test.Run(kernels::kConv2d), Status::kInvalidModel);
}

// ---- Int8 ---------------------------------------------------------------------

TEST(Conv2dTest, Int8HandWorkedPerChannel) {
  // Input 2x3 q = [[-3, 1, 5], [9, -7, 2]], scale 0.5, zero point -1, so
  // q - zp = [[-2, 2, 6], [10, -6, 3]]. Two 2x2 VALID windows: left
  // [[-2, 2], [10, -6]], right [[2, 6], [-6, 3]].
  // Channel 0: w = [[1, 2], [3, 5]] at scale 0.25, bias -73. Sums: left
  // -2 + 4 + 30 - 30 = 2, right 2 + 12 - 18 + 15 = 11; with bias -71 and -62.
  // Multiplier 0.5 * 0.25 / 0.25 = 0.5 (Q31 2^30, shift 0): -71 * 0.5 = -35.5
  // becomes -35 (gemmlowp's doubling high multiply breaks negative ties
  // toward zero), -62 * 0.5 = -31. Plus the output zero point 3: -32, -28.
  // Channel 1: w = [[-1, 0], [2, 1]] at scale 0.5, bias 100. Sums: left
  // 2 + 0 + 20 - 6 = 16, right -2 + 0 - 12 + 3 = -11; with bias 116, 89.
  // Multiplier 0.5 * 0.5 / 0.25 = 1 (Q31 2^30, shift 1): exact. Plus 3: 119, 92.
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int8_t>({1, 2, 3, 1}, {-3, 1, 5, 9, -7, 2})
      .Quantize({0.5f}, {-1})
      .InputOf<int8_t>({2, 2, 2, 1}, {1, 2, 3, 5, -1, 0, 2, 1}, true)
      .Quantize({0.25f, 0.5f}, {0, 0}, 0)
      .InputOf<int32_t>({2}, {-73, 100}, true)
      .Quantize({0.125f, 0.25f}, {0, 0}, 0)
      .Output({1, 1, 2, 2}, schema::TensorType::INT8)
      .Quantize({0.25f}, {3})
      .Options(ConvOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-32, 119, -28, 92}));
}

TEST(Conv2dTest, Int8HandWorkedPerTensorRelu6) {
  // 1x1 convolution of one pixel q = [10, -20] (scale 1, zero point 0) with
  // per-tensor weights at scale 0.5: [1, 1] -> -10, [2, 0] -> 20,
  // [-1, -1] -> 10. Multiplier 1 * 0.5 / 0.5 = 1, output zero point -10:
  // -20, 10, 0. RELU6 at scale 0.5 clamps to [zp + 0 / 0.5, zp + 6 / 0.5] =
  // [-10, 2]: -10, 2, 0.
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int8_t>({1, 1, 1, 2}, {10, -20})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({3, 1, 1, 2}, {1, 1, 2, 0, -1, -1}, true)
      .Quantize({0.5f}, {0})
      .Output({1, 1, 1, 3}, schema::TensorType::INT8)
      .Quantize({0.5f}, {-10})
      .Options(ConvOptions(schema::Padding::SAME, 1, 1, 1, 1, schema::Activation::RELU6));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-10, 2, 0}));
}

TEST(Conv2dTest, Int8PaddingContributesZeroNotZeroPoint) {
  // SAME padding: a padded cell is a real 0, i.e. it drops out of the sum
  // of w * (q - zp) rather than entering as q = 0. One input cell q = 4 at
  // zero point 2 (real 2 * scale), 1x3 filter of ones: each output sees the
  // cell once, 4 - 2 = 2, times multiplier 1 = 2.
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int8_t>({1, 1, 1, 1}, {4})
      .Quantize({1.0f}, {2})
      .InputOf<int8_t>({1, 1, 3, 1}, {1, 1, 1}, true)
      .Quantize({1.0f}, {0})
      .Output({1, 1, 1, 1}, schema::TensorType::INT8)
      .Quantize({1.0f}, {0})
      .Options(ConvOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{2}));
}

// Int8 against an independent reference: dequantize, convolve in double,
// apply the activation to the real value and requantize with one correct
// rounding. TFLite's integer pipeline rounds more than once (the multiplier
// to 31 bits, the doubling high multiply, then the rounding shift), so where
// the exact result lies near a rounding boundary it may land one step away:
// results must agree within 1, and most exactly.
void RunInt8Case(const ConvCase& c, std::mt19937& rng, bool per_channel, int* exact, int* total) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const auto [input_scale, input_zp, filter_scales, output_scale, output_zp] =
      testing::RandomInt8WeightedQuantization(
          rng, per_channel ? c.out_c : 1, static_cast<double>(c.filter_h * c.filter_w * c.in_c));

  const auto input =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -128, 127);
  const auto filter = RandomInts<int8_t>(
      rng, static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c, -127, 127);
  const auto bias = RandomInts<int32_t>(rng, c.out_c, -3000, 3000);
  std::vector<float> bias_scales;
  for (int oc = 0; oc < c.out_c; ++oc) {
    bias_scales.push_back(input_scale * filter_scales[per_channel ? oc : 0]);
  }

  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int8_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .Quantize({input_scale}, {input_zp})
      .InputOf<int8_t>({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter, true)
      .Quantize(filter_scales, std::vector<int64_t>(filter_scales.size(), 0), 0);
  if (c.bias) {
    test.InputOf<int32_t>({c.out_c}, bias, true)
        .Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, c.out_c}, schema::TensorType::INT8)
      .Quantize({output_scale}, {output_zp})
      .Options(ConvOptions(c.padding, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                           c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  const std::vector<int8_t> actual = test.OutputAs<int8_t>(0);

  std::vector<int8_t> expected;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < c.out_c; ++oc) {
          const double filter_scale = filter_scales[per_channel ? oc : 0];
          double sum = c.bias ? static_cast<double>(bias[oc]) * input_scale * filter_scale : 0.0;
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              for (int ic = 0; ic < c.in_c; ++ic) {
                const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
                const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
                if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
                const double x =
                    (input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic] - input_zp) *
                    double{input_scale};
                const double w =
                    filter[((oc * c.filter_h + ky) * c.filter_w + kx) * c.in_c + ic] * filter_scale;
                sum += x * w;
              }
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

TEST(Conv2dTest, Int8MatchesReferenceOverSweep) {
  int exact = 0;
  int total = 0;
  int index = 0;
  Sweep([&](const ConvCase& c, std::mt19937& rng) {
    RunInt8Case(c, rng, index++ % 2 == 0, &exact, &total);
  });
  // Off-by-one needs the exact value within about 2^-20 of a rounding
  // boundary once the multiplier's error is counted; random data hit that
  // rarely.
  EXPECT_GE(exact, total * 99 / 100) << exact << " of " << total << " exact";
}

TEST(Conv2dTest, Int8InfersOutputShape) {
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int8_t>({2, 5, 4, 3}, std::vector<int8_t>(120, 7))
      .Quantize({0.1f}, {1})
      .InputOf<int8_t>({2, 3, 3, 3}, std::vector<int8_t>(54, 1), true)
      .Quantize({0.1f, 0.2f}, {0, 0}, 0)
      .Output({}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(ConvOptions(schema::Padding::SAME, 2, 2))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 2, 2}));
}

// Field ids of TFLite's Conv2DOptions.
enum TfliteConvOption { kPadding = 0, kStrideW, kStrideH, kActivation, kDilationW, kDilationH };

schema::OpOptionsUnion OptionsFromTflite(const testing::TflmCase& golden) {
  return ConvOptions(testing::PaddingFromTflite(golden.Option<int8_t>(kPadding, 0)),
                     golden.Option<int32_t>(kStrideH, 0), golden.Option<int32_t>(kStrideW, 0),
                     golden.Option<int32_t>(kDilationH, 1), golden.Option<int32_t>(kDilationW, 1),
                     testing::ActivationFromTflite(golden.Option<int8_t>(kActivation, 0)));
}

void ExpectMatchesTflm(const std::string& name) {
  testing::ExpectMatchesTflm(kernels::kConv2d, 3, name, OptionsFromTflite);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py.
TEST(Conv2dTest, Int8MatchesTflmPerChannelRelu6) { ExpectMatchesTflm("conv2d_per_channel_relu6"); }

TEST(Conv2dTest, Int8MatchesTflmPerTensorDilated) {
  ExpectMatchesTflm("conv2d_per_tensor_dilated");
}

// ---- Int8 fast path against the reference loop --------------------------------
// kConv2d runs int8 through its fast path (kernels/internal/int8_fast.h: the
// input offset folded into the bias inside the image, blocks of 4 output
// channels, one-rounding requantization); PrepareConv2dInt8Reference makes
// the same op run the reference loop. They must agree bit for bit on every
// shape and quantization, so the sweeps below use wide random quantization
// (zero points over all of int8, multipliers from 2^-24 to 2^4, zero
// weight scales) and the full int8 range, weights -128 included.

// TFLite Micro's MultiplyByQuantizedMultiplier as it is written there
// (gemmlowp's SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT),
// the left shift wrapping as in Ember's reference.
int32_t TfliteMultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int32_t shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  const int32_t a = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  const bool overflow = a == multiplier && a == INT32_MIN;
  const int64_t ab = int64_t{a} * multiplier;
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high =
      overflow ? INT32_MAX : static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
  const int32_t mask = static_cast<int32_t>((int64_t{1} << right_shift) - 1);
  const int32_t remainder = high & mask;
  const int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> right_shift) + (remainder > threshold ? 1 : 0);
}

TEST(Conv2dTest, Int8FastRequantizationMatchesTflite) {
  // ScaleInt8Sum against TFLite's arithmetic for every shift a multiplier
  // can have (-31..30), mantissas at the ends of [2^30, 2^31) and random
  // ones, 0, and sums over all of int32.
  std::mt19937 rng(99);
  std::vector<int32_t> sums = {0,         1,          -1,           2,          -2,
                               INT32_MAX, INT32_MIN,  1 << 30,      -(1 << 30), (1 << 30) + 1,
                               1 << 20,   -(1 << 20), INT32_MIN + 1};
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> small(-300000, 300000);
  for (int i = 0; i < 300; ++i) sums.push_back(any(rng));
  for (int i = 0; i < 300; ++i) sums.push_back(small(rng));
  std::uniform_int_distribution<int32_t> mantissa(1 << 30, INT32_MAX);
  int64_t checked = 0;
  for (int32_t shift = -31; shift <= 30; ++shift) {
    std::vector<int32_t> multipliers = {0, 1 << 30, (1 << 30) + 1, INT32_MAX - 1, INT32_MAX};
    for (int i = 0; i < 12; ++i) multipliers.push_back(mantissa(rng));
    for (int32_t multiplier : multipliers) {
      const kernels::Int8Scale scale = kernels::MakeInt8Scale(multiplier, shift);
      for (int32_t sum : sums) {
        ASSERT_EQ(kernels::ScaleInt8Sum(static_cast<uint32_t>(sum), scale),
                  TfliteMultiplyByQuantizedMultiplier(sum, multiplier, shift))
            << "sum " << sum << " multiplier " << multiplier << " shift " << shift;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 500000);
}

Kernel Conv2dInt8Reference() {
  return {kernels::kConv2d.op, kernels::kConv2d.name, kernels::PrepareConv2dInt8Reference,
          kernels::kConv2d.eval};
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
  // input scale * filter scale / output scale from 2^-24 to 2^4 (for the
  // largest filter scale; the others are up to 100x smaller).
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

// Counts the outputs of the comparisons below strictly between -128 and 127
// (neither clamped nor saturated), which carry the rounding.
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
void ExpectInt8FastMatchesReference(const ConvCase& c, std::mt19937& rng, bool per_channel,
                                    bool constant_filter, OutputSpread* spread) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor") +
               (constant_filter ? "" : " arena filter"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  (void)pad_top;
  (void)pad_left;
  const WideInt8Quantization q = RandomWideInt8Quantization(rng, per_channel ? c.out_c : 1);
  const auto input =
      RandomInts<int8_t>(rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -128, 127);
  const auto filter = RandomInts<int8_t>(
      rng, static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c, -128, 127);
  const auto bias = RandomWideBias(rng, c.out_c);
  std::vector<float> bias_scales;
  for (float scale : q.filter_scales) bias_scales.push_back(q.input_scale * scale);

  auto run = [&](const Kernel& kernel, std::vector<int8_t>* out) {
    OpTester test(schema::OpCode::CONV_2D);
    test.InputOf<int8_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
        .Quantize({q.input_scale}, {q.input_zp})
        .InputOf<int8_t>({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter, constant_filter)
        .Quantize(q.filter_scales, std::vector<int64_t>(q.filter_scales.size(), 0), 0);
    if (c.bias) {
      test.InputOf<int32_t>({c.out_c}, bias, true)
          .Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
    } else {
      test.AbsentInput();
    }
    test.Output({c.batch, out_h, out_w, c.out_c}, schema::TensorType::INT8)
        .Quantize({q.output_scale}, {q.output_zp})
        .Options(ConvOptions(c.padding, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                             c.activation, c.explicit_padding));
    ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
    *out = test.OutputAs<int8_t>(0);
  };
  std::vector<int8_t> fast;
  std::vector<int8_t> reference;
  ASSERT_NO_FATAL_FAILURE(run(kernels::kConv2d, &fast));
  ASSERT_NO_FATAL_FAILURE(run(Conv2dInt8Reference(), &reference));
  ASSERT_EQ(fast.size(), static_cast<size_t>(c.batch) * out_h * out_w * c.out_c);
  EXPECT_EQ(fast, reference);
  spread->Add(fast);
}

TEST(Conv2dTest, Int8FastPathMatchesReferenceLoopOverSweep) {
  // The geometry sweep: 1x1 to 7x6 images, 1x1 to 3x3 filters, strides,
  // dilations, SAME/VALID/EXPLICIT padding (windows inside the image, on
  // its edges and wholly in the padding), 1..7 input and 1..6 output
  // channels (blocks of 4, 2 and 1), batch 1 and 2.
  int index = 0;
  OutputSpread spread;
  Sweep([&](const ConvCase& c, std::mt19937& rng) {
    ExpectInt8FastMatchesReference(c, rng, index % 2 == 0, index % 5 != 0, &spread);
    ++index;
  });
  // Most outputs are not clamped, so the comparison sees the rounding.
  EXPECT_GE(spread.inside, spread.total / 2) << spread.inside << " of " << spread.total;
  RecordProperty("outputs_not_clamped",
                 std::to_string(spread.inside) + " of " + std::to_string(spread.total));
}

TEST(Conv2dTest, Int8FastPathMatchesReferenceLoopWithManyChannels) {
  // Several blocks of output channels plus a remainder, longer dot
  // products, batch 3 and bigger images with a real interior.
  std::mt19937 rng(2024);
  const int channels[][2] = {{8, 4}, {13, 9}, {16, 12}, {3, 17}, {32, 7}, {1, 8}};
  const int filters[][2] = {{1, 1}, {3, 3}, {5, 2}, {10, 4}};
  const schema::Padding paddings[] = {schema::Padding::SAME, schema::Padding::VALID,
                                      schema::Padding::EXPLICIT};
  int index = 0;
  OutputSpread spread;
  for (const auto& ch : channels) {
    for (const auto& filter : filters) {
      for (schema::Padding padding : paddings) {
        ConvCase c;
        c.batch = 1 + index % 3;
        c.in_h = 9 + index % 4;
        c.in_w = 6 + index % 5;
        c.in_c = ch[0];
        c.out_c = ch[1];
        c.filter_h = filter[0];
        c.filter_w = filter[1];
        c.stride_h = 1 + index % 2;
        c.stride_w = 1 + (index / 2) % 3;
        c.dilation_h = index % 7 == 3 ? 2 : 1;
        c.dilation_w = index % 5 == 2 ? 2 : 1;
        c.padding = padding;
        if (padding == schema::Padding::EXPLICIT) {
          c.explicit_padding = {index % 4, (index / 4) % 3, (index / 2) % 3, index % 2};
        }
        c.bias = index % 4 != 3;
        c.activation = index % 3 == 0 ? schema::Activation::RELU6 : schema::Activation::NONE;
        ExpectInt8FastMatchesReference(c, rng, index % 2 == 1, index % 4 != 1, &spread);
        ++index;
      }
    }
  }
  EXPECT_GE(spread.inside, spread.total / 2) << spread.inside << " of " << spread.total;
  RecordProperty("outputs_not_clamped",
                 std::to_string(spread.inside) + " of " + std::to_string(spread.total));
}

TEST(Conv2dTest, Int8FastPathSumsWrapLikeReferenceLoop) {
  // A 1x1 convolution over 70,000 input channels of q = 127 at zero point
  // -128 (x + offset = 255) with weights 127: the sums pass 2^31 and wrap
  // in both paths (TFLite's int32 sums wrap on its targets). Two pixels, so
  // the fast path folds the offset into the bias.
  const int in_c = 70000;
  const std::vector<int8_t> input(2 * in_c, 127);
  std::vector<int8_t> filter(2 * in_c, 127);
  for (int i = in_c; i < 2 * in_c; i += 3) filter[i] = -128;
  auto run = [&](const Kernel& kernel, std::vector<int8_t>* out) {
    OpTester test(schema::OpCode::CONV_2D);
    test.InputOf<int8_t>({1, 1, 2, in_c}, input)
        .Quantize({1.0f}, {-128})
        .InputOf<int8_t>({2, 1, 1, in_c}, filter, true)
        .Quantize({1.0f / 1024, 1.0f / 4096}, {0, 0}, 0)
        .InputOf<int32_t>({2}, {0, -7}, true)
        .Output({1, 1, 2, 2}, schema::TensorType::INT8)
        .Quantize({1.0f}, {3})
        .Options(ConvOptions(schema::Padding::VALID));
    ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
    *out = test.OutputAs<int8_t>(0);
  };
  std::vector<int8_t> fast;
  std::vector<int8_t> reference;
  ASSERT_NO_FATAL_FAILURE(run(kernels::kConv2d, &fast));
  ASSERT_NO_FATAL_FAILURE(run(Conv2dInt8Reference(), &reference));
  EXPECT_EQ(fast, reference);
  // Channel 0: 70,000 * 255 * 127 = 2,266,950,000 wraps to -2,028,017,296,
  // so both give -128 where exact sums would give 127.
  EXPECT_EQ(fast[0], -128);
  EXPECT_EQ(fast[2], -128);
}

// A valid int8 conv to break one piece at a time.
struct Int8Conv {
  std::vector<float> input_scales = {0.1f};
  std::vector<int64_t> input_zps = {0};
  schema::TensorType filter_type = schema::TensorType::INT8;
  std::vector<float> filter_scales = {0.1f, 0.2f};
  std::vector<int64_t> filter_zps = {0, 0};
  int filter_axis = 0;
  schema::TensorType bias_type = schema::TensorType::INT32;
  std::vector<float> output_scales = {0.5f};
  std::vector<int64_t> output_zps = {0};

  Status Run(std::string* error) const {
    OpTester test(schema::OpCode::CONV_2D);
    test.InputOf<int8_t>({1, 2, 2, 2}, std::vector<int8_t>(8, 1));
    if (!input_scales.empty()) test.Quantize(input_scales, input_zps);
    if (filter_type == schema::TensorType::INT8) {
      test.InputOf<int8_t>({2, 1, 1, 2}, {1, 2, 3, 4}, true);
    } else {
      test.InputOf<float>({2, 1, 1, 2}, {1, 2, 3, 4}, true);
    }
    if (!filter_scales.empty()) test.Quantize(filter_scales, filter_zps, filter_axis);
    if (bias_type == schema::TensorType::INT32) {
      test.InputOf<int32_t>({2}, {1, 2}, true);
    } else {
      test.InputOf<int8_t>({2}, {1, 2}, true);
    }
    test.Output({1, 2, 2, 2}, schema::TensorType::INT8);
    if (!output_scales.empty()) test.Quantize(output_scales, output_zps);
    test.Options(ConvOptions(schema::Padding::SAME));
    const Status status = test.Run(kernels::kConv2d);
    *error = test.error();
    return status;
  }
};

TEST(Conv2dTest, Int8BaselineRuns) {
  std::string error;
  EXPECT_EQ(Int8Conv().Run(&error), Status::kOk) << error;
}

TEST(Conv2dTest, Int8RejectsBadQuantization) {
  struct Bad {
    const char* what;
    Int8Conv conv;
  };
  std::vector<Bad> cases;
  cases.push_back({"input not quantized", {}});
  cases.back().conv.input_scales = {};
  cases.back().conv.input_zps = {};
  cases.push_back({"output not quantized", {}});
  cases.back().conv.output_scales = {};
  cases.back().conv.output_zps = {};
  cases.push_back({"filter not quantized", {}});
  cases.back().conv.filter_scales = {};
  cases.back().conv.filter_zps = {};
  cases.push_back({"zero input scale", {}});
  cases.back().conv.input_scales = {0.0f};
  cases.push_back({"negative output scale", {}});
  cases.back().conv.output_scales = {-0.5f};
  cases.push_back({"NaN output scale", {}});
  cases.back().conv.output_scales = {NAN};
  cases.push_back({"input zero point outside int8", {}});
  cases.back().conv.input_zps = {128};
  cases.push_back({"asymmetric filter", {}});
  cases.back().conv.filter_zps = {0, 3};
  cases.push_back({"negative filter scale", {}});
  cases.back().conv.filter_scales = {0.1f, -0.2f};
  cases.push_back({"per-channel along the input channels", {}});
  cases.back().conv.filter_axis = 3;
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    std::string error;
    EXPECT_EQ(bad.conv.Run(&error), Status::kInvalidModel) << error;
  }
}

TEST(Conv2dTest, Int8RejectsUnsupportedTypeMixes) {
  Int8Conv hybrid;
  hybrid.filter_type = schema::TensorType::FLOAT32;
  hybrid.filter_scales = {};
  std::string error;
  EXPECT_EQ(hybrid.Run(&error), Status::kUnsupported) << error;
  EXPECT_NE(error.find("filter"), std::string::npos) << error;
  Int8Conv int8_bias;
  int8_bias.bias_type = schema::TensorType::INT8;
  EXPECT_EQ(int8_bias.Run(&error), Status::kUnsupported) << error;

  OpTester int16(schema::OpCode::CONV_2D);
  int16.InputOf<int16_t>({1, 1, 1, 1}, {1})
      .InputOf<int16_t>({1, 1, 1, 1}, {1}, true)
      .Output({1, 1, 1, 1}, schema::TensorType::INT16)
      .Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(int16.Run(kernels::kConv2d), Status::kUnsupported);
}

// ---- Hybrid (float32 input, int8 weights) ----------------------------------

TEST(Conv2dTest, HybridHandWorkedPerChannel) {
  // 1x1 convolution of two pixels [1.5, -2] and [0.25, 4] with int8 filters
  // [10, -20] (scale 0.5) and [127, 1] (scale 0.25), bias [1, -0.5]; the
  // sums of x * w_q are scaled, then biased:
  //   pixel 0: 15 + 40 = 55 -> 27.5 + 1 = 28.5;  190.5 - 2 = 188.5 -> 47.125 - 0.5 = 46.625
  //   pixel 1: 2.5 - 80 = -77.5 -> -38.75 + 1 = -37.75;  31.75 + 4 = 35.75 -> 8.9375 - 0.5 = 8.4375
  // All exact in float.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 2, 2}, {1.5f, -2, 0.25f, 4})
      .InputOf<int8_t>({2, 1, 1, 2}, {10, -20, 127, 1}, true)
      .Quantize({0.5f, 0.25f}, {0, 0}, 0)
      .ConstInput({2}, {1, -0.5f})
      .Output({1, 1, 2, 2})
      .Options(ConvOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{28.5f, 46.625f, -37.75f, 8.4375f}));
}

TEST(Conv2dTest, HybridHandWorkedPerTensorRelu) {
  // The same with one scale 0.5 and RELU: 27.5 + 1 = 28.5, 94.25 - 0.5 =
  // 93.75, -38.75 + 1 -> 0, 17.875 - 0.5 = 17.375.
  OpTester test(schema::OpCode::CONV_2D);
  test.Input({1, 1, 2, 2}, {1.5f, -2, 0.25f, 4})
      .InputOf<int8_t>({2, 1, 1, 2}, {10, -20, 127, 1}, true)
      .Quantize({0.5f}, {0})
      .ConstInput({2}, {1, -0.5f})
      .Output({1, 1, 2, 2})
      .Options(ConvOptions(schema::Padding::VALID, 1, 1, 1, 1, schema::Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{28.5f, 93.75f, 0, 17.375f}));
}

// Hybrid against the double reference convolution of the dequantized
// weights w_q * scale. Scales in [0.5, 1] / 127 keep those weights in
// [-1, 1] like the float sweep's; the kernel's sum of x * w_q is that sum
// divided by the scale, with the same relative rounding as a float32
// convolution, plus one rounding each for the scaling and the bias. The
// float sweep's tolerance (1e-5 absolute and relative) holds.
void RunHybridCase(const ConvCase& c, std::mt19937& rng, bool per_channel) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::uniform_real_distribution<float> scale_dist(0.5f / 127, 1.0f / 127);
  std::vector<float> input(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
  for (float& x : input) x = dist(rng);
  const size_t per_channel_size = static_cast<size_t>(c.filter_h) * c.filter_w * c.in_c;
  const auto filter = RandomInts<int8_t>(rng, c.out_c * per_channel_size, -127, 127);
  std::vector<float> scales(per_channel ? c.out_c : 1);
  for (float& s : scales) s = scale_dist(rng);
  std::vector<float> bias(c.out_c);
  for (float& b : bias) b = dist(rng);

  std::vector<double> dequantized(filter.size());
  for (size_t i = 0; i < filter.size(); ++i) {
    dequantized[i] = filter[i] * double{scales[per_channel ? i / per_channel_size : 0]};
  }
  const std::vector<double> bias_double(bias.begin(), bias.end());

  OpTester test(schema::OpCode::CONV_2D);
  test.Input({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .InputOf<int8_t>({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter, true)
      .Quantize(scales, std::vector<int64_t>(scales.size(), 0), 0);
  if (c.bias) {
    test.ConstInput({c.out_c}, bias);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, c.out_c})
      .Options(ConvOptions(c.padding, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                           c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_TRUE(
      AllClose(test.OutputFloats(0),
               ReferenceConv(c, input, dequantized, bias_double, out_h, out_w, pad_top, pad_left),
               1e-5f, 1e-5f));
}

TEST(Conv2dTest, HybridMatchesReferenceOverSweep) {
  int index = 0;
  Sweep([&](const ConvCase& c, std::mt19937& rng) { RunHybridCase(c, rng, index++ % 2 == 0); });
}

TEST(Conv2dTest, HybridMatchesReferenceOnMobileNetLikeLayer) {
  std::mt19937 rng(7);
  ConvCase pointwise{2,  6,    6,
                     32, 24,   1,
                     1,  1,    1,
                     1,  1,    schema::Padding::VALID,
                     {}, true, schema::Activation::RELU6};
  RunHybridCase(pointwise, rng, true);
}

// A valid hybrid conv to break one piece at a time.
struct HybridConv {
  std::vector<float> filter_scales = {0.1f, 0.2f};
  std::vector<int64_t> filter_zps = {0, 0};
  int filter_axis = 0;
  schema::TensorType bias_type = schema::TensorType::FLOAT32;
  schema::TensorType output_type = schema::TensorType::FLOAT32;

  Status Run(std::string* error) const {
    OpTester test(schema::OpCode::CONV_2D);
    test.Input({1, 2, 2, 2}, std::vector<float>(8, 1.0f))
        .InputOf<int8_t>({2, 1, 1, 2}, {1, 2, 3, 4}, true);
    if (!filter_scales.empty()) test.Quantize(filter_scales, filter_zps, filter_axis);
    if (bias_type == schema::TensorType::FLOAT32) {
      test.ConstInput({2}, {1, 2});
    } else {
      test.InputOf<int32_t>({2}, {1, 2}, true);
    }
    test.Output({1, 2, 2, 2}, output_type);
    if (output_type == schema::TensorType::INT8) test.Quantize({0.5f}, {0});
    test.Options(ConvOptions(schema::Padding::SAME));
    const Status status = test.Run(kernels::kConv2d);
    *error = test.error();
    return status;
  }
};

TEST(Conv2dTest, HybridBaselineRuns) {
  std::string error;
  EXPECT_EQ(HybridConv().Run(&error), Status::kOk) << error;
}

TEST(Conv2dTest, HybridRejectsBadWeightQuantization) {
  struct Bad {
    const char* what;
    HybridConv conv;
  };
  std::vector<Bad> cases;
  cases.push_back({"filter not quantized", {}});
  cases.back().conv.filter_scales = {};
  cases.back().conv.filter_zps = {};
  cases.push_back({"non-zero zero point", {}});
  cases.back().conv.filter_zps = {0, 1};
  cases.push_back({"3 scales for 2 output channels", {}});
  cases.back().conv.filter_scales = {0.1f, 0.2f, 0.3f};
  cases.back().conv.filter_zps = {0, 0, 0};
  cases.push_back({"per-channel along the input channels", {}});
  cases.back().conv.filter_axis = 3;
  cases.push_back({"NaN scale", {}});
  cases.back().conv.filter_scales = {0.1f, NAN};
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    std::string error;
    EXPECT_EQ(bad.conv.Run(&error), Status::kInvalidModel) << error;
  }
}

TEST(Conv2dTest, HybridRejectsNonFloatBiasOrOutput) {
  HybridConv int32_bias;
  int32_bias.bias_type = schema::TensorType::INT32;
  std::string error;
  EXPECT_EQ(int32_bias.Run(&error), Status::kUnsupported) << error;
  EXPECT_NE(error.find("bias"), std::string::npos) << error;
  HybridConv int8_output;
  int8_output.output_type = schema::TensorType::INT8;
  EXPECT_EQ(int8_output.Run(&error), Status::kUnsupported) << error;
  EXPECT_NE(error.find("output"), std::string::npos) << error;
}

// ---- Int16x8 ------------------------------------------------------------------

// One input cell q = 3 (scale 0.25) times a weight of 1 (scale 0.5), plus a
// bias of 60000: a sum of 60003, at output scale 0.3 (0.30000001 as float).
// Multiplier 0.25 * 0.5 / 0.30000001 = 0.41666665: Q31 mantissa 1789569636,
// shift -1. The exact result is 60003 * 0.41666665 = 25001.249.
OpTester Int16SingleCell(bool int64_bias) {
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int16_t>({1, 1, 1, 1}, {3})
      .Quantize({0.25f}, {0})
      .InputOf<int8_t>({1, 1, 1, 1}, {1}, true)
      .Quantize({0.5f}, {0});
  if (int64_bias) {
    test.InputOf<int64_t>({1}, {60000}, true);
  } else {
    test.InputOf<int32_t>({1}, {60000}, true);
  }
  test.Quantize({0.125f}, {0})
      .Output({1, 1, 1, 1}, schema::TensorType::INT16)
      .Quantize({0.3f}, {0})
      .Options(ConvOptions(schema::Padding::VALID));
  return test;
}

TEST(Conv2dTest, Int16HandWorkedInt32BiasRoundsLikeInt8) {
  // 32-bit sums take the int8 requantization: the doubling high multiply
  // 60003 * 1789569636 / 2^31 = 50002.498 -> 50002, then a rounding shift
  // by 1: 25001.
  OpTester test = Int16SingleCell(false);
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{25001}));
}

TEST(Conv2dTest, Int16HandWorkedInt64BiasRoundsTheMultiplierTo16Bits) {
  // 64-bit sums: the mantissa rounded to Q15 is (1789569636 + 2^15) >> 16 =
  // 27307, and (60003 * 27307 + 2^15) >> (15 + 1) = 25001.555 + 0.5 floored
  // = 25002: one more than the exact 25001.249 rounds to, as in TFLite.
  OpTester test = Int16SingleCell(true);
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{25002}));
}

TEST(Conv2dTest, Int16HandWorkedPerChannelRelu6) {
  // 1x1 convolution of one pixel q = [1000, -300] (scale 0.25) with filters
  // [3, 2] (scale 0.5) and [-1, 4] (scale 0.25), int64 bias [100000, -7],
  // output scale 0.5 and zero point 0:
  //   channel 0: 3000 - 600 + 100000 = 102400, multiplier 0.25 (Q15 16384,
  //   shift -1): 102400 / 4 = 25600 exactly; RELU6 clamps to 6 / 0.5 = 12.
  //   channel 1: -1000 - 1200 - 7 = -2207, multiplier 0.125: -275.875 ->
  //   (-2207 * 16384 + 2^16) >> 17 = -276; RELU6 clamps to 0.
  // Without the activation: 25600 and -276.
  for (const auto& [activation, expected] :
       {std::pair<schema::Activation, std::vector<int16_t>>{schema::Activation::RELU6, {12, 0}},
        {schema::Activation::NONE, {25600, -276}}}) {
    SCOPED_TRACE(schema::EnumNameActivation(activation));
    OpTester test(schema::OpCode::CONV_2D);
    test.InputOf<int16_t>({1, 1, 1, 2}, {1000, -300})
        .Quantize({0.25f}, {0})
        .InputOf<int8_t>({2, 1, 1, 2}, {3, 2, -1, 4}, true)
        .Quantize({0.5f, 0.25f}, {0, 0}, 0)
        .InputOf<int64_t>({2}, {100000, -7}, true)
        .Quantize({0.125f, 0.0625f}, {0, 0}, 0)
        .Output({1, 1, 1, 2}, schema::TensorType::INT16)
        .Quantize({0.5f}, {0})
        .Options(ConvOptions(schema::Padding::SAME, 1, 1, 1, 1, activation));
    ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int16_t>(0), expected);
  }
}

// Int16 against the double reference of the dequantized operands,
// requantized with one correct rounding: within 1 (see ExpectWithinOne16).
// Biases alternate int64 and int32 (or none, 64-bit sums), so both
// requantizations run.
void RunInt16Case(const ConvCase& c, std::mt19937& rng, bool per_channel, bool int64_bias,
                  int* exact, int* total) {
  SCOPED_TRACE(c.Describe() + (per_channel ? " per-channel" : " per-tensor") +
               (int64_bias ? " int64" : " int32"));
  const auto [out_h, out_w, pad_top, pad_left] = Geometry(c);
  const auto [input_scale, filter_scales, output_scale] = testing::RandomInt16WeightedQuantization(
      rng, per_channel ? c.out_c : 1, static_cast<double>(c.filter_h * c.filter_w * c.in_c));
  const auto input = RandomInts<int16_t>(
      rng, static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c, -32768, 32767);
  const auto filter = RandomInts<int8_t>(
      rng, static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c, -127, 127);
  const auto bias = RandomInts<int32_t>(rng, c.out_c, -3000000, 3000000);
  std::vector<float> bias_scales;
  for (int oc = 0; oc < c.out_c; ++oc) {
    bias_scales.push_back(input_scale * filter_scales[per_channel ? oc : 0]);
  }

  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int16_t>({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .Quantize({input_scale}, {0})
      .InputOf<int8_t>({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter, true)
      .Quantize(filter_scales, std::vector<int64_t>(filter_scales.size(), 0), 0);
  if (c.bias && int64_bias) {
    test.InputOf<int64_t>({c.out_c}, std::vector<int64_t>(bias.begin(), bias.end()), true);
  } else if (c.bias) {
    test.InputOf<int32_t>({c.out_c}, bias, true);
  } else {
    test.AbsentInput();
  }
  if (c.bias) test.Quantize(bias_scales, std::vector<int64_t>(bias_scales.size(), 0), 0);
  test.Output({c.batch, out_h, out_w, c.out_c}, schema::TensorType::INT16)
      .Quantize({output_scale}, {0})
      .Options(ConvOptions(c.padding, c.stride_h, c.stride_w, c.dilation_h, c.dilation_w,
                           c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();

  std::vector<int16_t> expected;
  for (int b = 0; b < c.batch; ++b) {
    for (int oy = 0; oy < out_h; ++oy) {
      for (int ox = 0; ox < out_w; ++ox) {
        for (int oc = 0; oc < c.out_c; ++oc) {
          const double filter_scale = filter_scales[per_channel ? oc : 0];
          double sum = c.bias ? bias[oc] * double{input_scale} * filter_scale : 0.0;
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              for (int ic = 0; ic < c.in_c; ++ic) {
                const int iy = oy * c.stride_h - pad_top + ky * c.dilation_h;
                const int ix = ox * c.stride_w - pad_left + kx * c.dilation_w;
                if (iy < 0 || iy >= c.in_h || ix < 0 || ix >= c.in_w) continue;
                sum += input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic] *
                       double{input_scale} *
                       (filter[((oc * c.filter_h + ky) * c.filter_w + kx) * c.in_c + ic] *
                        filter_scale);
              }
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

TEST(Conv2dTest, Int16MatchesReferenceOverSweep) {
  int exact = 0;
  int total = 0;
  int index = 0;
  Sweep([&](const ConvCase& c, std::mt19937& rng) {
    RunInt16Case(c, rng, index % 2 == 0, index % 4 < 2, &exact, &total);
    ++index;
  });
  // The 16-bit multiplier's error makes the 64-bit path land one step away
  // more often than int8's, but still rarely.
  EXPECT_GE(exact, total * 95 / 100) << exact << " of " << total << " exact";
}

TEST(Conv2dTest, Int16InfersOutputShape) {
  OpTester test(schema::OpCode::CONV_2D);
  test.InputOf<int16_t>({2, 5, 4, 3}, std::vector<int16_t>(120, 7))
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({2, 3, 3, 3}, std::vector<int8_t>(54, 1), true)
      .Quantize({0.1f, 0.2f}, {0, 0}, 0)
      .Output({}, schema::TensorType::INT16)
      .Quantize({0.5f}, {0})
      .Options(ConvOptions(schema::Padding::SAME, 2, 2))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kConv2d), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 2, 2}));
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/cases_int16.py.
void ExpectMatchesTflmInt16(const std::string& name) {
  testing::ExpectMatchesTflmInt16(kernels::kConv2d, 3, name, OptionsFromTflite);
}

TEST(Conv2dTest, Int16MatchesTflmPerChannelBias64Relu) {
  ExpectMatchesTflmInt16("i16_conv2d_per_channel_bias64_relu");
}

TEST(Conv2dTest, Int16MatchesTflmPerTensorBias32Dilated) {
  ExpectMatchesTflmInt16("i16_conv2d_per_tensor_bias32_dilated");
}

TEST(Conv2dTest, Int16MatchesTflmNoBiasReluN1To1) {
  ExpectMatchesTflmInt16("i16_conv2d_no_bias_relu_n1_to_1");
}

// A valid int16 conv to break one piece at a time.
struct Int16Conv {
  std::vector<float> input_scales = {0.1f};
  std::vector<int64_t> input_zps = {0};
  schema::TensorType filter_type = schema::TensorType::INT8;
  std::vector<float> filter_scales = {0.1f, 0.2f};
  std::vector<int64_t> filter_zps = {0, 0};
  schema::TensorType bias_type = schema::TensorType::INT64;
  schema::TensorType output_type = schema::TensorType::INT16;
  std::vector<float> output_scales = {0.5f};
  std::vector<int64_t> output_zps = {0};

  Status Run(std::string* error) const {
    OpTester test(schema::OpCode::CONV_2D);
    test.InputOf<int16_t>({1, 2, 2, 2}, std::vector<int16_t>(8, 1));
    if (!input_scales.empty()) test.Quantize(input_scales, input_zps);
    if (filter_type == schema::TensorType::INT8) {
      test.InputOf<int8_t>({2, 1, 1, 2}, {1, 2, 3, 4}, true);
    } else {
      test.InputOf<int16_t>({2, 1, 1, 2}, {1, 2, 3, 4}, true);
    }
    test.Quantize(filter_scales, filter_zps, 0);
    switch (bias_type) {
      case schema::TensorType::INT64:
        test.InputOf<int64_t>({2}, {1, 2}, true);
        break;
      case schema::TensorType::INT32:
        test.InputOf<int32_t>({2}, {1, 2}, true);
        break;
      default:
        test.InputOf<int16_t>({2}, {1, 2}, true);
        break;
    }
    if (output_type == schema::TensorType::INT16) {
      test.Output({1, 2, 2, 2}, schema::TensorType::INT16);
    } else {
      test.Output({1, 2, 2, 2}, output_type);
    }
    if (!output_scales.empty()) test.Quantize(output_scales, output_zps);
    test.Options(ConvOptions(schema::Padding::SAME));
    const Status status = test.Run(kernels::kConv2d);
    *error = test.error();
    return status;
  }
};

TEST(Conv2dTest, Int16BaselineRuns) {
  std::string error;
  EXPECT_EQ(Int16Conv().Run(&error), Status::kOk) << error;
  Int16Conv int32_bias;
  int32_bias.bias_type = schema::TensorType::INT32;
  EXPECT_EQ(int32_bias.Run(&error), Status::kOk) << error;
}

TEST(Conv2dTest, Int16RejectsBadQuantization) {
  struct Bad {
    const char* what;
    Int16Conv conv;
  };
  std::vector<Bad> cases;
  cases.push_back({"input not quantized", {}});
  cases.back().conv.input_scales = {};
  cases.back().conv.input_zps = {};
  cases.push_back({"input zero point not 0", {}});
  cases.back().conv.input_zps = {1};
  cases.push_back({"output zero point not 0", {}});
  cases.back().conv.output_zps = {-5};
  cases.push_back({"output not quantized", {}});
  cases.back().conv.output_scales = {};
  cases.back().conv.output_zps = {};
  cases.push_back({"asymmetric filter", {}});
  cases.back().conv.filter_zps = {0, 3};
  cases.push_back({"one scale too few", {}});
  cases.back().conv.filter_scales = {0.1f, 0.2f, 0.3f};
  cases.back().conv.filter_zps = {0, 0, 0};
  // 0.1 * 200 / 0.01 = 2000: TFLite's 64-bit requantization needs below 2^7.
  cases.push_back({"multiplier too large for 64-bit sums", {}});
  cases.back().conv.filter_scales = {0.1f, 200.0f};
  cases.back().conv.output_scales = {0.01f};
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    std::string error;
    EXPECT_EQ(bad.conv.Run(&error), Status::kInvalidModel) << error;
  }
  // With 32-bit sums the same multiplier is fine.
  Int16Conv narrow = cases.back().conv;
  narrow.bias_type = schema::TensorType::INT32;
  std::string error;
  EXPECT_EQ(narrow.Run(&error), Status::kOk) << error;
}

TEST(Conv2dTest, Int16RejectsUnsupportedTypeMixes) {
  struct Bad {
    const char* what;
    Int16Conv conv;
  };
  std::vector<Bad> cases;
  cases.push_back({"int16 filter", {}});
  cases.back().conv.filter_type = schema::TensorType::INT16;
  cases.push_back({"int16 bias", {}});
  cases.back().conv.bias_type = schema::TensorType::INT16;
  cases.push_back({"int8 output", {}});
  cases.back().conv.output_type = schema::TensorType::INT8;
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    std::string error;
    EXPECT_EQ(bad.conv.Run(&error), Status::kUnsupported) << error;
  }
}

// The integer-only registration (no float paths linked) runs the same
// integer arithmetic.
TEST(Conv2dTest, IntegerOnlyKernelMatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kConv2dInteger, 3, "conv2d_per_channel_relu6",
                             OptionsFromTflite);
  testing::ExpectMatchesTflmInt16(kernels::kConv2dInteger, 3, "i16_conv2d_per_channel_bias64_relu",
                                  OptionsFromTflite);
}

// The int8-only registration (no float or int16 code linked) runs the same
// int8 arithmetic and refuses every other input type, naming itself.
TEST(Conv2dTest, Int8OnlyKernelMatchesTflmAndRefusesOtherTypes) {
  testing::ExpectMatchesTflm(kernels::kConv2dInt8, 3, "conv2d_per_channel_relu6",
                             OptionsFromTflite);
  testing::ExpectMatchesTflm(kernels::kConv2dInt8, 3, "conv2d_per_tensor_dilated",
                             OptionsFromTflite);
  OpTester float_conv = ValidConv();
  float_conv.Output({1, 4, 4, 3}).Options(ConvOptions(schema::Padding::SAME));
  EXPECT_EQ(float_conv.Run(kernels::kConv2dInt8), Status::kUnsupported);
  EXPECT_NE(float_conv.error().find("int8-only"), std::string::npos) << float_conv.error();
  OpTester int16_conv = Int16SingleCell(true);
  EXPECT_EQ(int16_conv.Run(kernels::kConv2dInt8), Status::kUnsupported);
}

}  // namespace
}  // namespace ember
