#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"
#include "tests/testing/tflm_data_case.h"

namespace ember {
namespace {

using testing::OpTester;

schema::OpOptionsUnion Resize(bool align_corners, bool half_pixel_centers) {
  schema::ResizeOptionsT options;
  options.align_corners = align_corners;
  options.half_pixel_centers = half_pixel_centers;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Reference source index. Nearest neighbour is discontinuous, and TF defines
// the sampling position in float, so the position is computed in float the
// same way (see kernels/resize_nearest_neighbor.cc); the pick is then made by
// counting instead of floor/round: the number of pixel boundaries at or below
// the position (integers for floor, half-integers for round-half-up, which is
// round-half-away-from-zero for these non-negative positions).
int32_t ReferenceSource(int32_t i, int32_t in, int32_t out, bool align, bool half) {
  const float scale = (align && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                         : static_cast<float>(in) / static_cast<float>(out);
  const float pos = half ? (static_cast<float>(i) + 0.5f) * scale : static_cast<float>(i) * scale;
  int32_t index = 0;
  for (int32_t k = 1; k < in; ++k) {
    const float boundary = align ? static_cast<float>(k) - 0.5f : static_cast<float>(k);
    if (pos >= boundary) index = k;
  }
  return index;
}

std::vector<float> ReferenceResize(const std::vector<float>& in, int32_t batches, int32_t in_h,
                                   int32_t in_w, int32_t channels, int32_t out_h, int32_t out_w,
                                   bool align, bool half) {
  std::vector<float> out;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t y = 0; y < out_h; ++y) {
      const int32_t sy = ReferenceSource(y, in_h, out_h, align, half);
      for (int32_t x = 0; x < out_w; ++x) {
        const int32_t sx = ReferenceSource(x, in_w, out_w, align, half);
        for (int32_t c = 0; c < channels; ++c) {
          out.push_back(in[((b * in_h + sy) * in_w + sx) * channels + c]);
        }
      }
    }
  }
  return out;
}

TEST(ResizeNearestNeighborTest, HandWorked2dUpscale) {
  // Legacy 2 -> 4: positions 0, 0.5, 1, 1.5 floor to 0, 0, 1, 1.
  OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 4, 4, 1});
  ASSERT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2,  //
                                                      3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(ResizeNearestNeighborTest, HandWorkedRows) {
  // Source indices worked by hand from TF's rules (positions in float):
  //   3 -> 5, legacy     scale 0.6:  0, 0.6, 1.2, 1.8, 2.4        -> 0 0 1 1 2
  //   3 -> 5, half-pixel scale 0.6:  0.3, 0.9, 1.5, 2.1, 2.7      -> 0 0 1 2 2
  //   3 -> 5, align      scale 0.5:  0, 0.5, 1, 1.5, 2 (rounded)  -> 0 1 1 2 2
  //   3 -> 2, legacy     scale 1.5:  0, 1.5                       -> 0 1
  //   3 -> 2, half-pixel scale 1.5:  0.75, 2.25                   -> 0 2
  //   3 -> 2, align      scale 2:    0, 2                         -> 0 2
  //   2 -> 3, half-pixel scale 2/3:  1/3, 1, 5/3                  -> 0 1 1
  struct Case {
    int32_t in, out;
    bool align, half;
    std::vector<float> expected;
  };
  const std::vector<Case> cases = {
      {3, 5, false, false, {10, 10, 20, 20, 30}},
      {3, 5, false, true, {10, 10, 20, 30, 30}},
      {3, 5, true, false, {10, 20, 20, 30, 30}},
      {3, 2, false, false, {10, 20}},
      {3, 2, false, true, {10, 30}},
      {3, 2, true, false, {10, 30}},
      {2, 3, false, true, {10, 20, 20}},
  };
  for (const Case& c : cases) {
    std::vector<float> in(c.in);
    for (int32_t k = 0; k < c.in; ++k) in[k] = 10.0f * (k + 1);
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 1, c.in, 1}, in).Output({1, 1, c.out, 1}).Options(Resize(c.align, c.half));
    ASSERT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.expected)
        << c.in << " -> " << c.out << " align " << c.align << " half " << c.half;
  }
}

TEST(ResizeNearestNeighborTest, SweepAgainstReference) {
  std::mt19937 rng(43);
  const int32_t in_sizes[] = {1, 2, 3, 5, 6};
  const int32_t out_sizes[] = {1, 2, 3, 4, 7, 9, 12};
  std::uniform_int_distribution<int> pick_in(0, 4);
  std::uniform_int_distribution<int> pick_out(0, 6);
  std::uniform_int_distribution<int32_t> pick_channels(1, 5);
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
      // Distinct values, so any wrong pick shows.
      std::vector<float> in(batches * in_h * in_w * channels);
      std::iota(in.begin(), in.end(), 0.0f);
      OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
      test.Input({batches, in_h, in_w, channels}, in)
          .Output({batches, out_h, out_w, channels})
          .Options(Resize(align, half));
      ASSERT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputFloats(0),
                ReferenceResize(in, batches, in_h, in_w, channels, out_h, out_w, align, half))
          << "flags " << flags << " in " << in_h << "x" << in_w << " out " << out_h << "x" << out_w;
    }
  }
}

// The output size is not derived from the inputs: under shape inference the
// declared output shape stays authoritative, and a shape-less output (as the
// converter declares for ops that compute theirs) has no size to resize to.
TEST(ResizeNearestNeighborTest, DeclaredSizeIsKeptUnderShapeInference) {
  OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
  test.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({1, 3, 5, 1}).InferShapes();
  ASSERT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, 3, 5, 1}));
  EXPECT_EQ(test.OutputFloats(0).size(), 15u);

  OpTester shapeless(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
  shapeless.Input({1, 2, 2, 1}, {1, 2, 3, 4}).Output({}).InferShapes();
  EXPECT_EQ(shapeless.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel);
  EXPECT_NE(shapeless.error().find("output must be rank 4"), std::string::npos)
      << shapeless.error();
}

TEST(ResizeNearestNeighborTest, RejectsBadModels) {
  const std::vector<float> in(4);
  {
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 2, 2, 1}, in).Output({1, 4, 4, 1}).Options(Resize(true, true));
    EXPECT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel) << "both flags";
    EXPECT_NE(test.error().find("cannot both be set"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 2, 2, 1}, in).Output({2, 4, 4, 1});
    EXPECT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel) << "batch";
  }
  {
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 2, 2, 1}, in).Output({1, 4, 4});
    EXPECT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel) << "rank";
  }
  {
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 0, 2, 1}, {}).Output({1, 4, 4, 1});
    EXPECT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel) << "empty input";
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::ReshapeOptionsT{});
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.Input({1, 2, 2, 1}, in).Output({1, 4, 4, 1}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be ResizeOptions"), std::string::npos)
        << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

// Nearest neighbour copies stored values: the float reference run on the
// same values picks the same pixels.
template <typename T>
void SweepQuantized(uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> size(1, 6);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  for (int trial = 0; trial < 30; ++trial) {
    const bool align = trial % 3 == 1;
    const bool half = trial % 3 == 2;
    const int32_t batches = 1 + trial % 2;
    const int32_t channels = 1 + trial % 3;
    const int32_t in_h = size(rng);
    const int32_t in_w = size(rng);
    const int32_t out_h = size(rng) + trial % 4;
    const int32_t out_w = size(rng) + trial % 5;
    const std::vector<T> in =
        testing::RandomQuantized<T>(rng, static_cast<size_t>(batches * in_h * in_w * channels));
    const std::vector<float> reference =
        ReferenceResize(std::vector<float>(in.begin(), in.end()), batches, in_h, in_w, channels,
                        out_h, out_w, align, half);
    OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
    test.InputOf<T>({batches, in_h, in_w, channels}, in)
        .Quantize({q.scale}, {q.zero_point})
        .Output({batches, out_h, out_w, channels}, testing::QuantizedTypeOf<T>())
        .Quantize({q.scale}, {q.zero_point})
        .Options(Resize(align, half));
    ASSERT_EQ(test.Run(kernels::kResizeNearestNeighbor), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<T>(0), std::vector<T>(reference.begin(), reference.end()))
        << "trial " << trial;
  }
}

TEST(ResizeNearestNeighborTest, Int8AndInt16SweepAgainstReference) {
  SweepQuantized<int8_t>(71);
  SweepQuantized<int16_t>(72);
}

void ExpectMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<int8_t> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 97) << "not a RESIZE_NEAREST_NEIGHBOR model";
  // TFLite's ResizeNearestNeighborOptions: align_corners (0),
  // half_pixel_centers (1); the size operand is the output's shape here.
  OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
  golden.AddInput(test, golden.op.op_inputs[0]);
  golden.AddOutput(test);
  test.Options(Resize(golden.op.Option<uint8_t>(0, 0) != 0, golden.op.Option<uint8_t>(1, 0) != 0));
  testing::ExpectMatchesGolden(test, kernels::kResizeNearestNeighbor, golden);
}

TEST(ResizeNearestNeighborTest, Int8MatchesTflmHalfPixelCenters) {
  ExpectMatchesTflm("data_resize_nearest_half_pixel");
}

TEST(ResizeNearestNeighborTest, Int8MatchesTflmAlignCorners) {
  ExpectMatchesTflm("data_resize_nearest_align");
}

TEST(ResizeNearestNeighborTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(
      kernels::kResizeNearestNeighbor, [](bool quantized, float scale, int64_t zero_point) {
        OpTester test(schema::OpCode::RESIZE_NEAREST_NEIGHBOR);
        test.InputOf<int8_t>({1, 2, 2, 1}, std::vector<int8_t>(4))
            .Quantize({0.5f}, {-3})
            .Output({1, 3, 3, 1}, schema::TensorType::INT8);
        if (quantized) test.Quantize({scale}, {zero_point});
        return test;
      });
}

}  // namespace
}  // namespace ember
