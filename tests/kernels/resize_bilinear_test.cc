#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_data_case.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::AllClose;
using testing::OpTester;

schema::OpOptionsUnion Resize(bool align_corners, bool half_pixel_centers) {
  schema::ResizeOptionsT options;
  options.align_corners = align_corners;
  options.half_pixel_centers = half_pixel_centers;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Reference: bilinear interpolation as a tent filter. The sampling position
// (TF's mapping, see kernels/resize_bilinear.cc) is computed in double and
// clamped into [0, in - 1]; input pixel r then weighs max(0, 1 - |pos - r|).
// Clamping first is what TF's clamped neighbour indices amount to.
double SourcePosition(int32_t i, int32_t in, int32_t out, bool align, bool half) {
  const double scale = (align && out > 1) ? double(in - 1) / (out - 1) : double(in) / out;
  const double pos = half ? (i + 0.5) * scale - 0.5 : i * scale;
  return std::clamp(pos, 0.0, double(in - 1));
}

std::vector<float> ReferenceResize(const std::vector<float>& in, int32_t batches, int32_t in_h,
                                   int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
                                   bool align, bool half) {
  std::vector<float> out;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t y = 0; y < out_h; ++y) {
      const double py = SourcePosition(y, in_h, out_h, align, half);
      for (int32_t x = 0; x < out_w; ++x) {
        const double px = SourcePosition(x, in_w, out_w, align, half);
        for (int32_t c = 0; c < channels; ++c) {
          double sum = 0.0;
          for (int32_t r = 0; r < in_h; ++r) {
            for (int32_t s = 0; s < in_w; ++s) {
              const double w =
                  std::max(0.0, 1.0 - std::fabs(py - r)) * std::max(0.0, 1.0 - std::fabs(px - s));
              sum += w * in[((b * in_h + r) * in_w + s) * channels + c];
            }
          }
          out.push_back(static_cast<float>(sum));
        }
      }
    }
  }
  return out;
}

TEST(ResizeBilinearTest, HandWorked) {
  const std::vector<float> in = {1, 2, 3, 4};
  struct Case {
    bool align, half;
    int32_t out;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      // align_corners 2 -> 3: the corners stay, midpoints average.
      {true, false, 3, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}},
      // Legacy 2 -> 4: positions 0, 0.5, 1, 1.5; 1.5 clamps to the last pixel.
      {false, false, 4, {1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 3, 3.5f, 4, 4, 3, 3.5f, 4, 4}},
      // Half-pixel 2 -> 4: positions -0.25, 0.25, 0.75, 1.25, so weights
      // (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1).
      {false,
       true,
       4,
       {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f,
        4}},
  };
  for (const Case& c : cases) {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({1, 2, 2, 1}, in).Output({1, c.out, c.out, 1}).Options(Resize(c.align, c.half));
    ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.expected) << "align " << c.align << " half " << c.half;
  }
}

TEST(ResizeBilinearTest, Downscale) {
  // Row [0, 1, 2, 3] to 2 pixels: legacy samples 0 and 2; half-pixel samples
  // 0.5 and 2.5 (averages of neighbours); align_corners samples 0 and 3.
  const std::vector<float> in = {0, 1, 2, 3};
  struct Case {
    bool align, half;
    std::vector<float> expected;
  };
  for (const Case& c : std::vector<Case>{
           {false, false, {0, 2}}, {false, true, {0.5f, 2.5f}}, {true, false, {0, 3}}}) {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({1, 1, 4, 1}, in).Output({1, 1, 2, 1}).Options(Resize(c.align, c.half));
    ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.expected);
  }
}

TEST(ResizeBilinearTest, OnePixelAndSizeOperand) {
  // A 1x1 image is constant whatever the size; a size operand may be present.
  OpTester test(schema::OpCode::RESIZE_BILINEAR);
  test.Input({1, 1, 1, 2}, {5, -1})
      .InputOf<int32_t>({2}, {2, 3}, /*constant=*/true)
      .Output({1, 2, 3, 2})
      .Options(Resize(false, true));
  ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{5, -1, 5, -1, 5, -1, 5, -1, 5, -1, 5, -1}));
}

TEST(ResizeBilinearTest, SweepAgainstReference) {
  std::mt19937 rng(41);
  const int32_t in_sizes[] = {1, 2, 3, 5};
  const int32_t out_sizes[] = {1, 2, 3, 4, 7, 8};
  std::uniform_int_distribution<int> pick_in(0, 3);
  std::uniform_int_distribution<int> pick_out(0, 5);
  std::uniform_int_distribution<int32_t> pick_channels(1, 5);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (int flags = 0; flags < 3; ++flags) {
    const bool align = flags == 1;
    const bool half = flags == 2;
    for (int trial = 0; trial < 60; ++trial) {
      const int32_t batches = 1 + trial % 2;
      const int32_t in_h = in_sizes[pick_in(rng)];
      const int32_t in_w = in_sizes[pick_in(rng)];
      const int32_t out_h = out_sizes[pick_out(rng)];
      const int32_t out_w = out_sizes[pick_out(rng)];
      const int32_t channels = pick_channels(rng);
      std::vector<float> in(batches * in_h * in_w * channels);
      for (float& v : in) v = value(rng);
      OpTester test(schema::OpCode::RESIZE_BILINEAR);
      test.Input({batches, in_h, in_w, channels}, in)
          .Output({batches, out_h, out_w, channels})
          .Options(Resize(align, half));
      ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
      // The kernel computes positions and lerps in float, the reference in
      // double: a few float roundings on values of magnitude <= 1.
      EXPECT_TRUE(AllClose(
          test.OutputFloats(0),
          ReferenceResize(in, batches, in_h, in_w, channels, out_h, out_w, align, half), 2e-6f))
          << "flags " << flags << " in " << in_h << "x" << in_w << " out " << out_h << "x" << out_w
          << " channels " << channels;
    }
  }
}

// The output size is not derived from the inputs: under shape inference the
// declared output shape stays authoritative, and a shape-less output (as the
// converter declares for ops that compute theirs) has no size to resize to.
TEST(ResizeBilinearTest, DeclaredSizeIsKeptUnderShapeInference) {
  OpTester test(schema::OpCode::RESIZE_BILINEAR);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 3, 5, 1}).InferShapes();
  ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, 3, 5, 1}));
  EXPECT_EQ(test.OutputFloats(0).size(), 15u);

  OpTester shapeless(schema::OpCode::RESIZE_BILINEAR);
  shapeless.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({}).InferShapes();
  EXPECT_EQ(shapeless.Run(kernels::kResizeBilinear), Status::kInvalidModel);
  EXPECT_NE(shapeless.error().find("output must be rank 4"), std::string::npos)
      << shapeless.error();
}

TEST(ResizeBilinearTest, RejectsBadModels) {
  const std::vector<float> in(4);
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({1, 2, 2, 1}, in).Output({1, 4, 4, 1}).Options(Resize(true, true));
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "both flags";
  }
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({2, 2, 1}, in).Output({4, 4, 1});
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "rank 3";
    EXPECT_NE(test.error().find("input 0 must be rank 4"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({1, 2, 2, 1}, in).Output({1, 4, 4, 2});
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "channels";
  }
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.Input({1, 2, 2, 1}, in).Output({1, 0, 4, 1});
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "zero height";
  }
  {
    // TFLite Micro has no int16 ResizeBilinear either.
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.InputOf<int16_t>({1, 2, 2, 1}, std::vector<int16_t>(4))
        .Quantize({0.5f}, {0})
        .Output({1, 4, 4, 1}, schema::TensorType::INT16)
        .Quantize({0.5f}, {0});
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kUnsupported) << "int16";
  }
}

// ---- int8 -------------------------------------------------------------------

OpTester Int8Resize(const std::vector<int32_t>& in_shape, const std::vector<int8_t>& in,
                    const std::vector<int32_t>& out_shape, bool align, bool half) {
  OpTester test(schema::OpCode::RESIZE_BILINEAR);
  test.InputOf<int8_t>(in_shape, in)
      .Quantize({0.1f}, {4})
      .Output(out_shape, TensorType::INT8)
      .Quantize({0.1f}, {4})
      .Options(Resize(align, half));
  return test;
}

TEST(ResizeBilinearTest, Int8HandWorked) {
  // [-3, 2] to 4 columns; scale_10 = 1024 * 2 / 4 = 512.
  //  - legacy: positions 0, 512, 1024, 1536 (1/1024 pixels): -3, the tie
  //    -0.5 (rounded away from zero: -1), 2 and 2 (clamped).
  //  - half_pixel_centers: positions -256, 256, 768, 1280 (i * 512 + 256 -
  //    512): -3, -3 * 0.75 + 2 * 0.25 = -1.75 -> -2, 0.75 -> 1, and 2.
  //  - align_corners: scale_10 = round(1024 * 1 / 3) = 341, positions 0,
  //    341, 682, 1023: -3, -3 + 5 * 341 / 1024 = -1.33 -> -1, 0.33 -> 0, and
  //    2 - 5 / 1024 -> 2.
  struct Case {
    bool align;
    bool half;
    std::vector<int8_t> expected;
  };
  const Case cases[] = {
      {false, false, {-3, -1, 2, 2}},
      {false, true, {-3, -2, 1, 2}},
      {true, false, {-3, -1, 0, 2}},
  };
  for (const Case& c : cases) {
    OpTester test = Int8Resize({1, 1, 2, 1}, {-3, 2}, {1, 1, 4, 1}, c.align, c.half);
    ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), c.expected) << c.align << c.half;
  }
}

// Against the float reference on the stored values (input and output share
// their quantization, so interpolating stored values is interpolating reals),
// rounded half away from zero. TFLite rounds the scale to 1/1024 pixel before
// multiplying by the output index, so position i errs by up to i / 2048
// pixel and a value by that times the step between its neighbours (up to
// 255): at these sizes (up to 11 output pixels) every value is within 1, and
// about 94% are exact.
TEST(ResizeBilinearTest, Int8SweepAgainstFloatReference) {
  std::mt19937 rng(61);
  std::uniform_int_distribution<int32_t> value(-128, 127);
  std::uniform_int_distribution<int32_t> size(1, 7);
  int total = 0;
  int exact = 0;
  for (int trial = 0; trial < 90; ++trial) {
    const bool align = trial % 3 == 1;
    const bool half = trial % 3 == 2;
    const int32_t batches = 1 + trial % 2;
    const int32_t channels = 1 + trial % 3;
    const int32_t in_h = size(rng);
    const int32_t in_w = size(rng);
    const int32_t out_h = size(rng) + trial % 5;
    const int32_t out_w = size(rng) + trial % 4;
    std::vector<int8_t> in(batches * in_h * in_w * channels);
    for (int8_t& v : in) v = static_cast<int8_t>(value(rng));
    const std::vector<float> reference =
        ReferenceResize(std::vector<float>(in.begin(), in.end()), batches, in_h, in_w, channels,
                        out_h, out_w, align, half);
    OpTester test = Int8Resize({batches, in_h, in_w, channels}, in,
                               {batches, out_h, out_w, channels}, align, half);
    ASSERT_EQ(test.Run(kernels::kResizeBilinear), Status::kOk) << test.error();
    const std::vector<int8_t> actual = test.OutputAs<int8_t>(0);
    ASSERT_EQ(actual.size(), reference.size());
    for (size_t k = 0; k < actual.size(); ++k) {
      const int32_t expected = static_cast<int32_t>(std::round(reference[k]));
      EXPECT_LE(std::abs(actual[k] - expected), 1) << "trial " << trial << " at " << k;
      exact += actual[k] == expected;
      ++total;
    }
  }
  EXPECT_GT(exact, total * 9 / 10) << exact << " of " << total << " exact";
}

void ExpectMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<int8_t> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 23) << "not a RESIZE_BILINEAR model";
  // Ember reads the size from the output's shape and takes no size operand;
  // TFLite's ResizeBilinearOptions: align_corners (2), half_pixel_centers (3).
  OpTester test(schema::OpCode::RESIZE_BILINEAR);
  golden.AddInput(test, golden.op.op_inputs[0]);
  golden.AddOutput(test);
  test.Options(Resize(golden.op.Option<uint8_t>(2, 0) != 0, golden.op.Option<uint8_t>(3, 0) != 0));
  testing::ExpectMatchesGolden(test, kernels::kResizeBilinear, golden);
}

TEST(ResizeBilinearTest, Int8MatchesTflmUpscale) { ExpectMatchesTflm("data_resize_bilinear_up"); }

TEST(ResizeBilinearTest, Int8MatchesTflmHalfPixelCenters) {
  ExpectMatchesTflm("data_resize_bilinear_half_pixel");
}

TEST(ResizeBilinearTest, Int8MatchesTflmAlignCornersDownscale) {
  ExpectMatchesTflm("data_resize_bilinear_align_down");
}

TEST(ResizeBilinearTest, Int8RejectsBadQuantization) {
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.InputOf<int8_t>({1, 2, 2, 1}, std::vector<int8_t>(4))
        .Quantize({0.1f}, {4})
        .Output({1, 4, 4, 1}, TensorType::INT8)
        .Quantize({0.2f}, {4});
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "scales differ";
    EXPECT_NE(test.error().find("must be quantized alike"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RESIZE_BILINEAR);
    test.InputOf<int8_t>({1, 2, 2, 1}, std::vector<int8_t>(4))
        .Output({1, 4, 4, 1}, TensorType::INT8);
    EXPECT_EQ(test.Run(kernels::kResizeBilinear), Status::kInvalidModel) << "unquantized";
    EXPECT_NE(test.error().find("input 0 is int8 and needs 1 quantization scale"),
              std::string::npos)
        << test.error();
  }
}

}  // namespace
}  // namespace ember
