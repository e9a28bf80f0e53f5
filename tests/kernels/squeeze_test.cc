#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using testing::OpTester;

TEST(SqueezeTest, DropsSizeOneDims) {
  for (bool constant : {false, true}) {
    OpTester test(schema::OpCode::SQUEEZE);
    test.InputOf<float>({1, 2, 1, 3, 1}, {1, 2, 3, 4, 5, 6}, constant).Output({2, 3});
    ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  }
}

schema::OpOptionsUnion NewShape(std::vector<int32_t> new_shape) {
  schema::ReshapeOptionsT options;
  options.new_shape = std::move(new_shape);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

TEST(SqueezeTest, InfersShapeWithoutOptions) {
  // Every size-1 dim goes.
  OpTester test(schema::OpCode::SQUEEZE);
  test.Input({1, 3, 1, 1, 2}, {1, 2, 3, 4, 5, 6}).Output({}).InferShapes();
  ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(SqueezeTest, AllOnesGiveAScalar) {
  OpTester test(schema::OpCode::SQUEEZE);
  test.Input({1, 1, 1}, {4.5f}).Output({}).InferShapes();
  ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputShape(0).empty());
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4.5f}));

  // A scalar input stays a scalar.
  OpTester scalar(schema::OpCode::SQUEEZE);
  scalar.ConstInput({}, {-1.0f}).Output({});
  ASSERT_EQ(scalar.Run(kernels::kSqueeze), Status::kOk) << scalar.error();
  EXPECT_EQ(scalar.OutputFloats(0), (std::vector<float>{-1.0f}));
}

TEST(SqueezeTest, SomeOnesMayStay) {
  // Squeezing only axis 0 of [1, 1, 4] (tf.squeeze(x, [0])): the target shape
  // comes in ReshapeOptions.new_shape.
  OpTester test(schema::OpCode::SQUEEZE);
  test.InputOf<int32_t>({1, 1, 4}, {9, 8, 7, 6})
      .Output({}, schema::TensorType::INT32)
      .Options(NewShape({1, 4}))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1, 4}));
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{9, 8, 7, 6}));

  // Declared the same way, without shape inference.
  OpTester declared(schema::OpCode::SQUEEZE);
  declared.Input({2, 1, 1}, {1, 2}).Output({2, 1}).Options(NewShape({2, 1}));
  ASSERT_EQ(declared.Run(kernels::kSqueeze), Status::kOk) << declared.error();
  EXPECT_EQ(declared.OutputFloats(0), (std::vector<float>{1, 2}));
}

TEST(SqueezeTest, NothingToSqueezeIsIdentity) {
  OpTester test(schema::OpCode::SQUEEZE);
  test.InputOf<uint8_t>({2, 2}, {1, 2, 3, 4}).Output({2, 2}, schema::TensorType::UINT8);
  ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(SqueezeTest, RejectsBadModels) {
  {
    // Without options every size-1 dim goes, so keeping one is a mismatch
    // with the computed shape.
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({1, 1, 4}, std::vector<float>(4)).Output({1, 4});
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "declared shape";
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({2, 1, 3}, std::vector<float>(6)).Output({}).Options(NewShape({3, 2})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "new_shape reordered";
    EXPECT_NE(test.error().find("with only size-1 dims removed"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({1, 6}, std::vector<float>(6)).Output({}).Options(NewShape({2, -1})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "new_shape reshapes";
  }
  {
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({1, 6}, std::vector<float>(6)).Output({}).Options(NewShape({5})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "new_shape count";
  }
  {
    // Same element count, but dims were reordered rather than dropped.
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({2, 1, 3}, std::vector<float>(6)).Output({3, 2});
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "reordered";
  }
  {
    // A dim of 2 cannot be squeezed away (count check catches it).
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({2, 3}, std::vector<float>(6)).Output({3});
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "non-1 dim";
  }
  {
    // Adding a dim is not a squeeze.
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({2, 3}, std::vector<float>(6)).Output({2, 3, 1});
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "rank grows";
  }
  {
    // Splitting 6 into 2x3 keeps the count but is a reshape.
    OpTester test(schema::OpCode::SQUEEZE);
    test.Input({1, 6}, std::vector<float>(6)).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kSqueeze), Status::kInvalidModel) << "reshape";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedSqueeze(uint32_t seed, bool constant) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 6);
  OpTester test(schema::OpCode::SQUEEZE);
  test.InputOf<T>({2, 1, 3}, in, constant)
      .Quantize({q.scale}, {q.zero_point})
      .Output({2, 3}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point});
  ASSERT_EQ(test.Run(kernels::kSqueeze), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), in);
}

TEST(SqueezeTest, Int8AndInt16) {
  // Arena inputs share the output's bytes; constant ones are copied.
  for (bool constant : {false, true}) {
    ExpectQuantizedSqueeze<int8_t>(1, constant);
    ExpectQuantizedSqueeze<int16_t>(2, constant);
  }
}

TEST(SqueezeTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(
      kernels::kSqueeze, [](bool quantized, float scale, int64_t zero_point) {
        OpTester test(schema::OpCode::SQUEEZE);
        test.InputOf<int8_t>({2, 1, 3}, std::vector<int8_t>(6))
            .Quantize({0.5f}, {-3})
            .Output({2, 3}, schema::TensorType::INT8);
        if (quantized) test.Quantize({scale}, {zero_point});
        return test;
      });
}

}  // namespace
}  // namespace ember
