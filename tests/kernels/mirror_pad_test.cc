#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using schema::MirrorPadMode;
using testing::OpTester;

schema::OpOptionsUnion Mirror(std::vector<int32_t> paddings, MirrorPadMode mode) {
  schema::PadOptionsT options;
  options.paddings = std::move(paddings);
  options.mirror_mode = mode;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: builds the mirrored index list of every dim
// explicitly (before part walking outward from the edge, the input, the after
// part walking back), then reads the input at each combination.
template <typename T>
std::vector<T> ReferenceMirror(const std::vector<T>& in, const std::vector<int32_t>& shape,
                               const std::vector<int32_t>& paddings, MirrorPadMode mode,
                               std::vector<int32_t>* out_shape) {
  const int rank = static_cast<int>(shape.size());
  const int skip = mode == MirrorPadMode::REFLECT ? 1 : 0;
  std::vector<std::vector<int32_t>> sources(rank);
  out_shape->clear();
  for (int d = 0; d < rank; ++d) {
    std::vector<int32_t>& s = sources[d];
    for (int k = paddings[2 * d] - 1; k >= 0; --k) s.push_back(k + skip);
    for (int k = 0; k < shape[d]; ++k) s.push_back(k);
    for (int k = 0; k < paddings[2 * d + 1]; ++k) s.push_back(shape[d] - 1 - skip - k);
    out_shape->push_back(static_cast<int32_t>(s.size()));
  }
  std::vector<T> out(Count(*out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    int64_t rest = o;
    std::vector<int32_t> coord(rank);
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % (*out_shape)[d]);
      rest /= (*out_shape)[d];
    }
    int64_t i = 0;
    for (int d = 0; d < rank; ++d) i = i * shape[d] + sources[d][coord[d]];
    out[o] = in[i];
  }
  return out;
}

TEST(MirrorPadTest, HandWorkedFromNumpy) {
  // Expected values: numpy.pad(x, ((1, 1), (2, 2)), mode='reflect' /
  // 'symmetric') with x = [[1, 2, 3], [4, 5, 6]].
  OpTester reflect(schema::OpCode::MIRROR_PAD);
  reflect.Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .Output({4, 7})
      .Options(Mirror({1, 1, 2, 2}, MirrorPadMode::REFLECT));
  ASSERT_EQ(reflect.Run(kernels::kMirrorPad), Status::kOk) << reflect.error();
  EXPECT_EQ(reflect.OutputFloats(0), (std::vector<float>{6, 5, 4, 5, 6, 5, 4,  //
                                                         3, 2, 1, 2, 3, 2, 1,  //
                                                         6, 5, 4, 5, 6, 5, 4,  //
                                                         3, 2, 1, 2, 3, 2, 1}));

  OpTester symmetric(schema::OpCode::MIRROR_PAD);
  symmetric.Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .Output({4, 7})
      .Options(Mirror({1, 1, 2, 2}, MirrorPadMode::SYMMETRIC));
  ASSERT_EQ(symmetric.Run(kernels::kMirrorPad), Status::kOk) << symmetric.error();
  EXPECT_EQ(symmetric.OutputFloats(0), (std::vector<float>{2, 1, 1, 2, 3, 3, 2,  //
                                                           2, 1, 1, 2, 3, 3, 2,  //
                                                           5, 4, 4, 5, 6, 6, 5,  //
                                                           5, 4, 4, 5, 6, 6, 5}));

  // numpy.pad(x, ((2, 0), (3, 1)), mode='symmetric'): pads equal to the dim.
  OpTester full(schema::OpCode::MIRROR_PAD);
  full.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6})
      .Output({4, 7}, schema::TensorType::INT32)
      .Options(Mirror({2, 0, 3, 1}, MirrorPadMode::SYMMETRIC));
  ASSERT_EQ(full.Run(kernels::kMirrorPad), Status::kOk) << full.error();
  EXPECT_EQ(full.OutputAs<int32_t>(0), (std::vector<int32_t>{6, 5, 4, 4, 5, 6, 6,  //
                                                             3, 2, 1, 1, 2, 3, 3,  //
                                                             3, 2, 1, 1, 2, 3, 3,  //
                                                             6, 5, 4, 4, 5, 6, 6}));
}

TEST(MirrorPadTest, InfersShapes) {
  // numpy.pad([[1, 2, 3]], ((0, 0), (1, 2)), mode='reflect'): [1, 6].
  OpTester test(schema::OpCode::MIRROR_PAD);
  test.Input({1, 3}, {1, 2, 3})
      .Output({})
      .Options(Mirror({0, 0, 1, 2}, MirrorPadMode::REFLECT))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kMirrorPad), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, 6}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2, 1, 2, 3, 2, 1}));

  // A scalar has no dims to pad.
  OpTester scalar(schema::OpCode::MIRROR_PAD);
  scalar.Input({}, {4}).Output({}).Options(Mirror({}, MirrorPadMode::SYMMETRIC)).InferShapes();
  ASSERT_EQ(scalar.Run(kernels::kMirrorPad), Status::kOk) << scalar.error();
  EXPECT_TRUE(scalar.OutputShape(0).empty());
  EXPECT_EQ(scalar.OutputFloats(0), (std::vector<float>{4}));
}

TEST(MirrorPadTest, SweepAgainstReference) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int32_t> dim(1, 4);
  std::uniform_int_distribution<int32_t> value(-100, 100);
  int cases = 0;
  for (MirrorPadMode mode : {MirrorPadMode::REFLECT, MirrorPadMode::SYMMETRIC}) {
    for (int rank = 1; rank <= 6; ++rank) {
      for (int trial = 0; trial < 8; ++trial) {
        std::vector<int32_t> shape(rank);
        for (int32_t& d : shape) d = rank > 4 ? dim(rng) % 3 + 1 : dim(rng);
        std::vector<int32_t> paddings(2 * rank);
        for (int d = 0; d < rank; ++d) {
          // Anything up to the mode's limit (dim - 1 or dim).
          const int32_t limit = mode == MirrorPadMode::REFLECT ? shape[d] - 1 : shape[d];
          std::uniform_int_distribution<int32_t> pad(0, limit);
          paddings[2 * d] = pad(rng);
          paddings[2 * d + 1] = pad(rng);
        }
        std::vector<uint8_t> in(Count(shape));
        for (uint8_t& v : in) v = static_cast<uint8_t>(value(rng));
        std::vector<int32_t> out_shape;
        const std::vector<uint8_t> expected =
            ReferenceMirror(in, shape, paddings, mode, &out_shape);
        // Some trials let the kernel infer the output shape (declared {}).
        const bool infer = trial % 4 < 2;
        OpTester test(schema::OpCode::MIRROR_PAD);
        test.InputOf<uint8_t>(shape, in, /*constant=*/trial % 2 == 1)
            .Output(infer ? std::vector<int32_t>{} : out_shape, schema::TensorType::UINT8)
            .Options(Mirror(paddings, mode));
        if (infer) test.InferShapes();
        ASSERT_EQ(test.Run(kernels::kMirrorPad), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputShape(0), out_shape);
        EXPECT_EQ(test.OutputAs<uint8_t>(0), expected)
            << "mode " << static_cast<int>(mode) << " rank " << rank << " trial " << trial;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 96);
}

TEST(MirrorPadTest, RejectsPaddingsTooLargeForTheMode) {
  {
    // REFLECT on a dim of 3 allows at most 2.
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.Input({3}, {1, 2, 3}).Output({6}).Options(Mirror({3, 0}, MirrorPadMode::REFLECT));
    EXPECT_EQ(test.Run(kernels::kMirrorPad), Status::kInvalidModel);
    EXPECT_NE(test.error().find("must be in [0, 2] for REFLECT"), std::string::npos)
        << test.error();
  }
  {
    // SYMMETRIC allows 3 but not 4.
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.Input({3}, {1, 2, 3}).Output({7}).Options(Mirror({0, 4}, MirrorPadMode::SYMMETRIC));
    EXPECT_EQ(test.Run(kernels::kMirrorPad), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.Input({3}, {1, 2, 3}).Output({4}).Options(Mirror({-1, 2}, MirrorPadMode::SYMMETRIC));
    EXPECT_EQ(test.Run(kernels::kMirrorPad), Status::kInvalidModel) << "negative";
  }
  {
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.Input({3}, {1, 2, 3}).Output({6}).Options(Mirror({1, 1}, MirrorPadMode::SYMMETRIC));
    EXPECT_EQ(test.Run(kernels::kMirrorPad), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.Input({3}, {1, 2, 3}).Output({5}).Options(Mirror({1, 1}, static_cast<MirrorPadMode>(7)));
    EXPECT_EQ(test.Run(kernels::kMirrorPad), Status::kInvalidModel) << "mode";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedMirrorPads(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {1, 3, 4, 2};
  const std::vector<int32_t> paddings = {0, 0, 2, 1, 1, 3, 0, 0};
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 24);
  for (MirrorPadMode mode : {MirrorPadMode::REFLECT, MirrorPadMode::SYMMETRIC}) {
    std::vector<int32_t> out_shape;
    const std::vector<T> expected = ReferenceMirror(in, shape, paddings, mode, &out_shape);
    OpTester test(schema::OpCode::MIRROR_PAD);
    test.InputOf<T>(shape, in)
        .Quantize({q.scale}, {q.zero_point})
        .Output(out_shape, testing::QuantizedTypeOf<T>())
        .Quantize({q.scale}, {q.zero_point})
        .Options(Mirror(paddings, mode));
    ASSERT_EQ(test.Run(kernels::kMirrorPad), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<T>(0), expected) << static_cast<int>(mode);
  }
}

TEST(MirrorPadTest, Int8AndInt16) {
  ExpectQuantizedMirrorPads<int8_t>(1);
  ExpectQuantizedMirrorPads<int16_t>(2);
}

TEST(MirrorPadTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kMirrorPad,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::MIRROR_PAD);
                                               test.InputOf<int8_t>({3}, {1, 2, 3})
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({5}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Mirror({1, 1}, MirrorPadMode::REFLECT));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
