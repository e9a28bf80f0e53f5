#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_data_case.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::AllClose;
using testing::ApplyActivation;
using testing::OpTester;

schema::OpOptionsUnion TransposeOptions(schema::Padding padding, int stride_h = 1, int stride_w = 1,
                                        schema::Activation activation = schema::Activation::NONE,
                                        std::vector<int32_t> explicit_padding = {}) {
  schema::TransposeConvOptionsT options;
  options.padding = padding;
  options.explicit_padding = std::move(explicit_padding);
  options.stride_h = stride_h;
  options.stride_w = stride_w;
  options.activation = activation;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(TransposeConvTest, ValidStrideOneSpreadsEachInput) {
  // Each input cell of [[1,2],[3,4]] adds itself to a 2x2 block of the 3x3
  // output: corners get one cell (1, 2, 3, 4), edges two (1+2 = 3,
  // 1+3 = 4, 2+4 = 6, 3+4 = 7), the centre all four (10).
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4})
      .ConstInput({1, 2, 2, 1}, {1, 1, 1, 1})
      .Output({1, 3, 3, 1})
      .Options(TransposeOptions(schema::Padding::VALID));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 3, 2, 4, 10, 6, 3, 7, 4}));
}

TEST(TransposeConvTest, ValidStrideTwoOverlapsWindows) {
  // Row [1, 2], filter [1, 10, 100], stride 2: cell 0 writes [1, 10, 100] at
  // 0..2, cell 1 writes [2, 20, 200] at 2..4; they overlap at 2: 100 + 2.
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 1, 2, 1}, {1, 2})
      .ConstInput({1, 1, 3, 1}, {1, 10, 100})
      .Output({1, 1, 5, 1})
      .Options(TransposeOptions(schema::Padding::VALID, 1, 2));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 10, 102, 20, 200}));
}

TEST(TransposeConvTest, SameStrideTwoUsesForwardConvPadding) {
  // Output width 4: the forward SAME conv (filter 3, stride 2) of width 4 has
  // output 2 and total padding (2-1)*2 + 3 - 4 = 1, all after, so pad_before
  // is 0. Cell 0 writes [1, 10, 100] at 0..2, cell 1 [2, 20, 200] at 2..4, of
  // which 4 is cut off.
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 1, 2, 1}, {1, 2})
      .ConstInput({1, 1, 3, 1}, {1, 10, 100})
      .Output({1, 1, 4, 1})
      .Options(TransposeOptions(schema::Padding::SAME, 1, 2));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 10, 102, 20}));
}

TEST(TransposeConvTest, SamePadsBeforeWhenTotalIsLarger) {
  // Output width 3, filter 3, stride 1: total padding 2, pad_before 1, so
  // cell i writes at i-1..i+1. Row [1, 2, 3] with filter [1, 10, 100]:
  // out[0] = 1*10 + 2*1 = 12, out[1] = 1*100 + 2*10 + 3*1 = 123,
  // out[2] = 2*100 + 3*10 = 230.
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 1, 3, 1}, {1, 2, 3})
      .ConstInput({1, 1, 3, 1}, {1, 10, 100})
      .Output({1, 1, 3, 1})
      .Options(TransposeOptions(schema::Padding::SAME));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{12, 123, 230}));
}

TEST(TransposeConvTest, ChannelsBiasAndRelu) {
  // One pixel [1, 2]; filter oc 0 = [1, 1], oc 1 = [1, -1]; bias [0.5, 0]:
  // 1 + 2 + 0.5 = 3.5 and 1 - 2 = -1, which RELU clamps to 0.
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 1, 1, 2}, {1, 2})
      .ConstInput({2, 1, 1, 2}, {1, 1, 1, -1})
      .ConstInput({2}, {0.5f, 0})
      .Output({1, 1, 1, 2})
      .Options(TransposeOptions(schema::Padding::VALID, 1, 1, schema::Activation::RELU));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3.5f, 0}));
}

TEST(TransposeConvTest, StrideLargerThanKernelLeavesGaps) {
  // Filter width 1, stride 3: cells land at 0 and 3, the rest stay at the
  // bias (VALID output width (2-1)*3 + 1 + 2 = 6 is the widest consistent).
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 1, 2, 1}, {1, 2})
      .ConstInput({1, 1, 1, 1}, {5})
      .ConstInput({1}, {-1})
      .Output({1, 1, 6, 1})
      .Options(TransposeOptions(schema::Padding::VALID, 1, 3));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4, -1, -1, 9, -1, -1}));
}

// ---- Sweep against a naive reference ----------------------------------------

struct TransposeCase {
  int batch, in_h, in_w, in_c, out_c, filter_h, filter_w, stride_h, stride_w;
  schema::Padding padding;
  std::vector<int32_t> explicit_padding;
  int extra_h, extra_w;  // which of the output sizes consistent with the input
  bool bias;
  schema::Activation activation;

  std::string Describe() const {
    std::string s = "N" + std::to_string(batch) + " " + std::to_string(in_h) + "x" +
                    std::to_string(in_w) + "x" + std::to_string(in_c) + " -> " +
                    std::to_string(out_c) + " k" + std::to_string(filter_h) + "x" +
                    std::to_string(filter_w) + " s" + std::to_string(stride_h) + "," +
                    std::to_string(stride_w) + " " + schema::EnumNamePadding(padding);
    for (int32_t p : explicit_padding) s += " " + std::to_string(p);
    s += " extra " + std::to_string(extra_h) + "," + std::to_string(extra_w);
    s += bias ? " bias " : " nobias ";
    return s + schema::EnumNameActivation(activation);
  }
};

// An output size consistent with `in` (the forward conv maps it back to in;
// `extra` in [0, stride) picks among them) and the forward conv's leading
// padding.
void ReferenceAxis(int in, int filter, int stride, schema::Padding padding, int before, int after,
                   int extra, int* out, int* pad_before) {
  switch (padding) {
    case schema::Padding::SAME:
      // ceil(out / stride) == in.
      *out = (in - 1) * stride + 1 + extra;
      *pad_before = std::max((in - 1) * stride + filter - *out, 0) / 2;
      break;
    case schema::Padding::VALID:
      // (out - filter) / stride + 1 == in.
      *out = (in - 1) * stride + filter + extra;
      *pad_before = 0;
      break;
    default:
      // (out + before + after - filter) / stride + 1 == in.
      *out = (in - 1) * stride + filter - before - after + extra;
      *pad_before = before;
      break;
  }
}

// Scatter form, in double: every input cell adds its products into the
// output cells its window covers (the kernel gathers instead).
std::vector<float> ReferenceTransposeConv(const TransposeCase& c, const std::vector<float>& input,
                                          const std::vector<float>& filter,
                                          const std::vector<float>& bias, int out_h, int out_w,
                                          int pad_top, int pad_left) {
  std::vector<double> sums(static_cast<size_t>(c.batch) * out_h * out_w * c.out_c);
  for (size_t i = 0; i < sums.size(); ++i) sums[i] = c.bias ? bias[i % c.out_c] : 0.0;
  for (int b = 0; b < c.batch; ++b) {
    for (int iy = 0; iy < c.in_h; ++iy) {
      for (int ix = 0; ix < c.in_w; ++ix) {
        for (int ic = 0; ic < c.in_c; ++ic) {
          for (int ky = 0; ky < c.filter_h; ++ky) {
            for (int kx = 0; kx < c.filter_w; ++kx) {
              for (int oc = 0; oc < c.out_c; ++oc) {
                const int oy = iy * c.stride_h - pad_top + ky;
                const int ox = ix * c.stride_w - pad_left + kx;
                if (oy < 0 || oy >= out_h || ox < 0 || ox >= out_w) continue;
                sums[((b * out_h + oy) * out_w + ox) * c.out_c + oc] +=
                    double{input[((b * c.in_h + iy) * c.in_w + ix) * c.in_c + ic]} *
                    filter[((oc * c.filter_h + ky) * c.filter_w + kx) * c.in_c + ic];
              }
            }
          }
        }
      }
    }
  }
  std::vector<float> out;
  for (double s : sums) out.push_back(static_cast<float>(ApplyActivation(s, c.activation)));
  return out;
}

void RunCase(const TransposeCase& c, std::mt19937& rng) {
  SCOPED_TRACE(c.Describe());
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
  };
  const std::vector<int32_t> pads =
      c.explicit_padding.empty() ? std::vector<int32_t>{0, 0, 0, 0} : c.explicit_padding;
  int out_h, out_w, pad_top, pad_left;
  ReferenceAxis(c.in_h, c.filter_h, c.stride_h, c.padding, pads[0], pads[1], c.extra_h, &out_h,
                &pad_top);
  ReferenceAxis(c.in_w, c.filter_w, c.stride_w, c.padding, pads[2], pads[3], c.extra_w, &out_w,
                &pad_left);
  ASSERT_GE(out_h, 0);
  ASSERT_GE(out_w, 0);
  const auto input = random(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
  const auto filter = random(static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c);
  const auto bias = random(c.out_c);

  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({c.batch, c.in_h, c.in_w, c.in_c}, input)
      .ConstInput({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter);
  if (c.bias) {
    test.ConstInput({c.out_c}, bias);
  } else {
    test.AbsentInput();
  }
  test.Output({c.batch, out_h, out_w, c.out_c})
      .Options(
          TransposeOptions(c.padding, c.stride_h, c.stride_w, c.activation, c.explicit_padding));
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  // Each output sums at most 3*3*5 float32 products of values in [-1, 1],
  // gathered in a different order than the double scatter: well inside 1e-5.
  EXPECT_TRUE(
      AllClose(test.OutputFloats(0),
               ReferenceTransposeConv(c, input, filter, bias, out_h, out_w, pad_top, pad_left),
               1e-5f, 1e-5f));
}

TEST(TransposeConvTest, MatchesReferenceOverSweep) {
  std::mt19937 rng(555);
  const int sizes[][2] = {{1, 1}, {3, 3}, {4, 2}};
  const int filters[][2] = {{1, 1}, {2, 2}, {3, 3}, {3, 2}};
  const int strides[][2] = {{1, 1}, {2, 2}, {3, 2}, {4, 4}};
  const schema::Padding paddings[] = {schema::Padding::SAME, schema::Padding::VALID,
                                      schema::Padding::EXPLICIT};
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6,
                                            schema::Activation::RELU_N1_TO_1};
  int index = 0;
  for (const auto& size : sizes) {
    for (const auto& filter : filters) {
      for (const auto& stride : strides) {
        for (schema::Padding padding : paddings) {
          for (int variant = 0; variant < 2; ++variant) {
            TransposeCase c;
            c.batch = 1 + index % 2;
            c.in_h = size[0];
            c.in_w = size[1];
            c.in_c = 1 + (index * 3) % 5;
            c.out_c = 1 + (index * 2) % 5;
            c.filter_h = filter[0];
            c.filter_w = filter[1];
            c.stride_h = stride[0];
            c.stride_w = stride[1];
            c.padding = padding;
            if (padding == schema::Padding::EXPLICIT) {
              // Keep the padding below the filter so the output is not empty.
              c.explicit_padding = {variant % c.filter_h, 0, 0, (index / 2) % c.filter_w};
            }
            // variant 0: the smallest consistent output; 1: the largest.
            c.extra_h = variant == 0 ? 0 : c.stride_h - 1;
            c.extra_w = variant == 0 ? 0 : c.stride_w - 1;
            c.bias = index % 3 != 2;
            c.activation = activations[index % 4];
            ++index;
            RunCase(c, rng);
          }
        }
      }
    }
  }
}

// ---- Rejections -------------------------------------------------------------

OpTester TransposeWithOutput(std::vector<int32_t> output_shape) {
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 2, 2, 2}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 3, 3, 2}, std::vector<float>(54, 1.0f))
      .ConstInput({3}, {0, 0, 0})
      .Output(std::move(output_shape));
  return test;
}

TEST(TransposeConvTest, ConsistentOutputsRun) {
  // SAME stride 2 from 2: ceil(out / 2) == 2 for out 3 and 4. VALID: (out -
  // 3) / 2 + 1 == 2 for out 5 and 6.
  for (int out : {3, 4}) {
    OpTester test = TransposeWithOutput({1, out, out, 3});
    test.Options(TransposeOptions(schema::Padding::SAME, 2, 2));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  }
  for (int out : {5, 6}) {
    OpTester test = TransposeWithOutput({1, out, out, 3});
    test.Options(TransposeOptions(schema::Padding::VALID, 2, 2));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  }
}

TEST(TransposeConvTest, DeclaredOutputShapeStaysUnderShapeInference) {
  // SAME stride 2 maps both 3 and 4 to 2, so the output size cannot be
  // derived from the input: the declared shape is authoritative even when
  // the converter lets kernels set output shapes.
  for (int out : {3, 4}) {
    OpTester test = TransposeWithOutput({1, out, out, 3});
    test.Options(TransposeOptions(schema::Padding::SAME, 2, 2)).InferShapes();
    ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, out, out, 3}));
  }
}

TEST(TransposeConvTest, RejectsInconsistentOutputSizes) {
  struct Bad {
    std::vector<int32_t> shape;
    schema::Padding padding;
  };
  const Bad cases[] = {
      {{1, 5, 4, 3}, schema::Padding::SAME},   // ceil(5 / 2) = 3, not 2
      {{1, 4, 2, 3}, schema::Padding::SAME},   // ceil(2 / 2) = 1, not 2
      {{1, 4, 4, 3}, schema::Padding::VALID},  // (4 - 3) / 2 + 1 = 1, not 2
      {{1, 5, 7, 3}, schema::Padding::VALID},  // (7 - 3) / 2 + 1 = 3, not 2
  };
  for (const Bad& bad : cases) {
    OpTester test = TransposeWithOutput(bad.shape);
    test.Options(TransposeOptions(bad.padding, 2, 2));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel) << test.error();
  }
}

TEST(TransposeConvTest, RejectsValidOutputSmallerThanFilter) {
  // Input 0 wide with VALID: a forward conv of width 2 < 3 gives 0, but the
  // output is smaller than the filter, which VALID never produces.
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 0, 0, 1}, {})
      .ConstInput({1, 3, 3, 1}, std::vector<float>(9, 1.0f))
      .Output({1, 2, 2, 1})
      .Options(TransposeOptions(schema::Padding::VALID));
  EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel);
}

TEST(TransposeConvTest, RejectsWrongOutputChannelsOrBatch) {
  for (const std::vector<int32_t>& shape :
       {std::vector<int32_t>{1, 4, 4, 2}, std::vector<int32_t>{2, 4, 4, 3}}) {
    OpTester test = TransposeWithOutput(shape);
    test.Options(TransposeOptions(schema::Padding::SAME, 2, 2));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel);
  }
}

TEST(TransposeConvTest, RejectsOutputOfWrongRank) {
  OpTester test = TransposeWithOutput({4, 4, 3});
  test.Options(TransposeOptions(schema::Padding::SAME, 2, 2));
  EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel);
}

TEST(TransposeConvTest, RejectsChannelMismatch) {
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 2, 2, 2}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 3, 3, 1}, std::vector<float>(27, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(TransposeOptions(schema::Padding::SAME, 2, 2));
  EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel);
}

TEST(TransposeConvTest, RejectsFilterOfWrongRank) {
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.Input({1, 2, 2, 2}, std::vector<float>(8, 1.0f))
      .ConstInput({3, 3, 2}, std::vector<float>(18, 1.0f))
      .Output({1, 4, 4, 3})
      .Options(TransposeOptions(schema::Padding::SAME, 2, 2));
  EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel);
}

TEST(TransposeConvTest, RejectsBadOptions) {
  struct Bad {
    const char* what;
    schema::OpOptionsUnion options;
  };
  std::vector<Bad> cases;
  cases.push_back({"stride 0", TransposeOptions(schema::Padding::SAME, 0, 2)});
  cases.push_back({"explicit with 2 values", TransposeOptions(schema::Padding::EXPLICIT, 2, 2,
                                                              schema::Activation::NONE, {0, 0})});
  cases.push_back({"unknown activation", TransposeOptions(schema::Padding::SAME, 2, 2,
                                                          static_cast<schema::Activation>(5))});
  cases.push_back({"no options", schema::OpOptionsUnion()});
  for (Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test = TransposeWithOutput({1, 4, 4, 3});
    test.Options(std::move(bad.options));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), Status::kInvalidModel) << test.error();
  }
}

// ---- int8 and int16x8 -------------------------------------------------------

// The hand-worked quantized cases: input [1, 1, 2, 1] at scale 0.5; filter
// [2, 1, 2, 1] with output channel 0 = [1, 2] at scale 0.25 and channel 1 =
// [-3, 1] at scale 0.5; bias [4, -8] at scales 0.125 and 0.25; VALID stride
// 1, so output [1, 1, 3, 2] at scale 0.25. Cell 0 writes its window at x 0..1
// and cell 1 at x 1..2. The multipliers 0.5 * 0.25 / 0.25 = 0.5 and
// 0.5 * 0.5 / 0.25 = 1 are exact.
template <typename T, typename Bias>
OpTester QuantizedHandWorked(const std::vector<T>& input, int64_t input_zero_point,
                             int64_t output_zero_point, schema::Activation activation) {
  const TensorType type = sizeof(T) == 1 ? TensorType::INT8 : TensorType::INT16;
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  test.InputOf<T>({1, 1, 2, 1}, input)
      .Quantize({0.5f}, {input_zero_point})
      .template InputOf<int8_t>({2, 1, 2, 1}, {1, 2, -3, 1}, true)
      .Quantize({0.25f, 0.5f}, {0, 0})
      .template InputOf<Bias>({2}, {4, -8}, true)
      .Quantize({0.125f, 0.25f}, {0, 0})
      .Output({1, 1, 3, 2}, type)
      .Quantize({0.25f}, {output_zero_point})
      .Options(TransposeOptions(schema::Padding::VALID, 1, 1, activation));
  return test;
}

TEST(TransposeConvTest, Int8HandWorked) {
  // Inputs 10 and -6 less zero point 2: 8 and -8. Channel 0 sums 8 * 1 = 8,
  // 8 * 2 - 8 * 1 = 8 and -8 * 2 = -16, plus bias 4: 12, 12, -12, times 0.5:
  // 6, 6, -6. Channel 1: -24, 8 + 24 = 32, -8, plus -8: -32, 24, -16, times
  // 1. Plus zero point -1.
  OpTester test = QuantizedHandWorked<int8_t, int32_t>({10, -6}, 2, -1, schema::Activation::NONE);
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{5, -33, 5, 23, -7, -17}));

  // RELU clamps below at the quantized 0, the zero point -1.
  OpTester relu = QuantizedHandWorked<int8_t, int32_t>({10, -6}, 2, -1, schema::Activation::RELU);
  ASSERT_EQ(relu.Run(kernels::kTransposeConv), Status::kOk) << relu.error();
  EXPECT_EQ(relu.OutputAs<int8_t>(0), (std::vector<int8_t>{5, -1, 5, 23, -1, -1}));
}

TEST(TransposeConvTest, Int16HandWorked) {
  // Inputs 11 and -6 (zero point 0), int64 bias. Channel 0: 11, 22 - 6 = 16,
  // -12, plus 4: 15, 20, -8, times 0.5: 7.5 rounds up to 8 (TFLite's 64-bit
  // scaling rounds halves up), 10, -4. Channel 1: -33, 11 + 18 = 29, -6, plus
  // -8: -41, 21, -14.
  OpTester test = QuantizedHandWorked<int16_t, int64_t>({11, -6}, 0, 0, schema::Activation::NONE);
  ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{8, -41, 10, 21, -4, -14}));
}

// Random geometry and quantization against the float reference: dequantize
// input, filter and bias, compute in double (ReferenceTransposeConv), quantize
// with the output's parameters (half away from zero). Every value within 1:
// TFLite's int8 scaling rounds twice, its 64-bit one scales by the multiplier
// rounded to 16 bits (under 2^-15 relative, under 1 at int16 magnitudes).
template <typename T, typename Bias>
void SweepQuantized(uint32_t seed) {
  std::mt19937 rng(seed);
  const bool int8 = sizeof(T) == 1;
  const TensorType type = int8 ? TensorType::INT8 : TensorType::INT16;
  const int32_t lo = int8 ? -128 : -32768;
  const int32_t hi = int8 ? 127 : 32767;
  std::uniform_int_distribution<int32_t> value(lo, hi);
  std::uniform_int_distribution<int32_t> weight(-127, 127);
  std::uniform_int_distribution<int32_t> zero_point(-20, 20);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const schema::Activation activations[] = {schema::Activation::NONE, schema::Activation::RELU,
                                            schema::Activation::RELU6};
  int total = 0;
  int exact = 0;
  for (int trial = 0; trial < 40; ++trial) {
    TransposeCase c;
    c.batch = 1 + trial % 2;
    c.in_h = 1 + trial % 3;
    c.in_w = 1 + (trial / 3) % 3;
    c.in_c = 1 + trial % 4;
    c.out_c = 1 + (trial * 3) % 5;
    c.filter_h = 1 + trial % 3;
    c.filter_w = 1 + (trial / 2) % 3;
    c.stride_h = 1 + trial % 2;
    c.stride_w = 1 + (trial / 4) % 3;
    c.padding = trial % 2 == 0 ? schema::Padding::SAME : schema::Padding::VALID;
    c.extra_h = trial % c.stride_h;
    c.extra_w = 0;
    c.bias = trial % 3 != 0;
    c.activation = activations[trial % 3];
    SCOPED_TRACE(c.Describe());
    int out_h, out_w, pad_top, pad_left;
    ReferenceAxis(c.in_h, c.filter_h, c.stride_h, c.padding, 0, 0, c.extra_h, &out_h, &pad_top);
    ReferenceAxis(c.in_w, c.filter_w, c.stride_w, c.padding, 0, 0, c.extra_w, &out_w, &pad_left);

    const float in_scale = int8 ? 0.02f + 0.06f * unit(rng) : 1e-4f + 2e-4f * unit(rng);
    const int32_t in_zp = int8 ? zero_point(rng) : 0;
    const bool per_channel = trial % 2 == 1;
    std::vector<float> w_scales(per_channel ? c.out_c : 1);
    for (float& ws : w_scales) ws = 0.002f + 0.018f * unit(rng);
    auto w_scale = [&](int oc) { return w_scales[per_channel ? oc : 0]; };
    // Outputs sum about filter_h * filter_w * in_c / stride^2 products.
    const double taps =
        std::max(1.0, double(c.filter_h) * c.filter_w * c.in_c / (c.stride_h * c.stride_w));
    const double spread = std::sqrt(taps) * hi / 1.7 * in_scale * 73 * w_scales[0];
    const float out_scale = static_cast<float>(6.0 * spread / (2.0 * hi) * (0.8 + 0.4 * unit(rng)));
    const int32_t out_zp = int8 ? zero_point(rng) : 0;

    std::vector<T> input(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.in_c);
    for (T& v : input) v = static_cast<T>(value(rng));
    std::vector<int8_t> filter(static_cast<size_t>(c.out_c) * c.filter_h * c.filter_w * c.in_c);
    for (int8_t& v : filter) v = static_cast<int8_t>(weight(rng));
    std::vector<Bias> bias(c.out_c);
    for (int oc = 0; oc < c.out_c; ++oc) {
      bias[oc] =
          static_cast<Bias>(std::round((unit(rng) - 0.5) * spread / (in_scale * w_scale(oc))));
    }
    std::vector<float> real_input(input.size());
    for (size_t k = 0; k < input.size(); ++k) real_input[k] = (input[k] - in_zp) * in_scale;
    std::vector<float> real_filter(filter.size());
    const size_t per_oc = filter.size() / c.out_c;
    for (size_t k = 0; k < filter.size(); ++k) real_filter[k] = filter[k] * w_scale(k / per_oc);
    std::vector<float> real_bias(c.out_c);
    for (int oc = 0; oc < c.out_c; ++oc) {
      real_bias[oc] = static_cast<float>(bias[oc] * double{in_scale} * w_scale(oc));
    }
    const std::vector<float> reals = ReferenceTransposeConv(c, real_input, real_filter, real_bias,
                                                            out_h, out_w, pad_top, pad_left);

    std::vector<float> bias_scales(c.out_c);
    for (int oc = 0; oc < c.out_c; ++oc) bias_scales[oc] = in_scale * w_scale(oc);
    OpTester test(schema::OpCode::TRANSPOSE_CONV);
    test.InputOf<T>({c.batch, c.in_h, c.in_w, c.in_c}, input)
        .Quantize({in_scale}, {in_zp})
        .template InputOf<int8_t>({c.out_c, c.filter_h, c.filter_w, c.in_c}, filter, true)
        .Quantize(w_scales, std::vector<int64_t>(w_scales.size(), 0));
    if (c.bias) {
      test.template InputOf<Bias>({c.out_c}, bias, true)
          .Quantize(bias_scales, std::vector<int64_t>(c.out_c, 0));
    } else {
      test.AbsentInput();
    }
    test.Output({c.batch, out_h, out_w, c.out_c}, type)
        .Quantize({out_scale}, {out_zp})
        .Options(TransposeOptions(c.padding, c.stride_h, c.stride_w, c.activation));
    ASSERT_EQ(test.Run(kernels::kTransposeConv), Status::kOk) << test.error();
    const std::vector<T> actual = test.OutputAs<T>(0);
    ASSERT_EQ(actual.size(), reals.size());
    for (size_t k = 0; k < actual.size(); ++k) {
      const double q = std::round(double{reals[k]} / out_scale) + out_zp;
      const int32_t expected = static_cast<int32_t>(std::min<double>(hi, std::max<double>(lo, q)));
      EXPECT_LE(std::abs(actual[k] - expected), 1) << "at " << k;
      exact += actual[k] == expected;
      ++total;
    }
  }
  EXPECT_GT(exact, total * 9 / 10) << exact << " of " << total << " exact";
}

TEST(TransposeConvTest, Int8SweepWithinOneOfFloatReference) { SweepQuantized<int8_t, int32_t>(91); }

TEST(TransposeConvTest, Int16SweepWithinOneOfFloatReference) {
  SweepQuantized<int16_t, int64_t>(92);
}

// TFLite's operands are (output shape, filter, input, bias); Ember's are
// (input, filter, bias) with the output shape the output tensor's.
// TransposeConvOptions fields: padding (0), stride_w (1), stride_h (2), fused
// activation (3).
template <typename T>
void ExpectMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<T> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 67) << "not a TRANSPOSE_CONV model";
  const std::vector<int32_t>& inputs = golden.op.op_inputs;
  OpTester test(schema::OpCode::TRANSPOSE_CONV);
  golden.AddInput(test, inputs[2]);
  golden.AddInput(test, inputs[1]);
  if (inputs.size() > 3) {
    golden.AddInput(test, inputs[3]);
  } else {
    test.AbsentInput();
  }
  golden.AddOutput(test);
  const testing::TflmCase& op = golden.op;
  test.Options(TransposeOptions(testing::PaddingFromTflite(op.Option<int8_t>(0, 0)),
                                op.Option<int32_t>(2, 0), op.Option<int32_t>(1, 0),
                                testing::ActivationFromTflite(op.Option<int8_t>(3, 0))));
  testing::ExpectMatchesGolden(test, kernels::kTransposeConv, golden);
}

TEST(TransposeConvTest, Int8MatchesTflmPerChannelBias) {
  ExpectMatchesTflm<int8_t>("data_transpose_conv_per_channel_bias");
}

TEST(TransposeConvTest, Int8MatchesTflmValidRelu) {
  ExpectMatchesTflm<int8_t>("data_transpose_conv_valid_relu");
}

TEST(TransposeConvTest, Int16MatchesTflmBias64) {
  ExpectMatchesTflm<int16_t>("data_i16_transpose_conv_bias64");
}

TEST(TransposeConvTest, QuantizedRejectsBadModels) {
  // A valid int8 setup, with one thing changed per case.
  struct Bad {
    const char* what;
    Status status;
    const char* message;
    std::function<void(OpTester&)> input;
    std::function<void(OpTester&)> filter;
    std::function<void(OpTester&)> bias;
    std::function<void(OpTester&)> output;
  };
  auto input8 = [](OpTester& t) {
    t.InputOf<int8_t>({1, 2, 2, 1}, std::vector<int8_t>(4)).Quantize({0.5f}, {1});
  };
  auto filter8 = [](OpTester& t) {
    t.InputOf<int8_t>({2, 2, 2, 1}, std::vector<int8_t>(8, 1), true).Quantize({0.1f}, {0});
  };
  auto bias32 = [](OpTester& t) { t.InputOf<int32_t>({2}, {1, 2}, true).Quantize({0.05f}, {0}); };
  auto output8 = [](OpTester& t) {
    t.Output({1, 3, 3, 2}, TensorType::INT8).Quantize({0.25f}, {-2});
  };
  const std::vector<Bad> cases = {
      {"float filter", Status::kUnsupported, "needs an int8 filter", input8,
       [](OpTester& t) {
         t.ConstInput({2, 2, 2, 1}, std::vector<float>(8));
       },
       bias32, output8},
      {"int64 bias with int8", Status::kUnsupported, "an int32 bias", input8, filter8,
       [](OpTester& t) {
         t.InputOf<int64_t>({2}, {1, 2}, true).Quantize({0.05f}, {0});
       },
       output8},
      {"int16 output", Status::kUnsupported, "an int8 output", input8, filter8, bias32,
       [](OpTester& t) {
         t.Output({1, 3, 3, 2}, TensorType::INT16).Quantize({0.25f}, {0});
       }},
      {"filter zero point", Status::kInvalidModel, "quantized symmetrically", input8,
       [](OpTester& t) {
         t.InputOf<int8_t>({2, 2, 2, 1}, std::vector<int8_t>(8), true).Quantize({0.1f}, {3});
       },
       bias32, output8},
      {"3 filter scales for 2 channels", Status::kInvalidModel, "per-channel scales do not match",
       input8,
       [](OpTester& t) {
         t.InputOf<int8_t>({2, 2, 2, 1}, std::vector<int8_t>(8), true)
             .Quantize({0.1f, 0.1f, 0.1f}, {0, 0, 0});
       },
       bias32, output8},
      {"unquantized input", Status::kInvalidModel, "input 0 (input) is int8",
       [](OpTester& t) {
         t.InputOf<int8_t>({1, 2, 2, 1}, std::vector<int8_t>(4));
       },
       filter8, bias32, output8},
      {"output zero point", Status::kInvalidModel, "zero point 300", input8, filter8, bias32,
       [](OpTester& t) {
         t.Output({1, 3, 3, 2}, TensorType::INT8).Quantize({0.25f}, {300});
       }},
      {"int16 with int32 bias", Status::kUnsupported, "an int64 bias",
       [](OpTester& t) {
         t.InputOf<int16_t>({1, 2, 2, 1}, std::vector<int16_t>(4)).Quantize({0.5f}, {0});
       },
       filter8, bias32,
       [](OpTester& t) {
         t.Output({1, 3, 3, 2}, TensorType::INT16).Quantize({0.25f}, {0});
       }},
      {"int16 zero point", Status::kInvalidModel, "must have zero point 0",
       [](OpTester& t) {
         t.InputOf<int16_t>({1, 2, 2, 1}, std::vector<int16_t>(4)).Quantize({0.5f}, {4});
       },
       filter8, [](OpTester& t) { t.AbsentInput(); },
       [](OpTester& t) {
         t.Output({1, 3, 3, 2}, TensorType::INT16).Quantize({0.25f}, {0});
       }},
      {"int16 multiplier 2^8", Status::kInvalidModel, "past the int16x8 kernel's limit",
       [](OpTester& t) {
         t.InputOf<int16_t>({1, 2, 2, 1}, std::vector<int16_t>(4)).Quantize({256.0f}, {0});
       },
       filter8, [](OpTester& t) { t.AbsentInput(); },
       [](OpTester& t) {
         t.Output({1, 3, 3, 2}, TensorType::INT16).Quantize({0.1f}, {0});
       }},
  };
  for (const Bad& c : cases) {
    OpTester test(schema::OpCode::TRANSPOSE_CONV);
    c.input(test);
    c.filter(test);
    c.bias(test);
    c.output(test);
    test.Options(TransposeOptions(schema::Padding::VALID));
    EXPECT_EQ(test.Run(kernels::kTransposeConv), c.status) << c.what << ": " << test.error();
    EXPECT_NE(test.error().find(c.message), std::string::npos) << c.what << ": " << test.error();
  }
}

}  // namespace
}  // namespace ember
