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

TEST(ExpandDimsTest, InsertsOneDimAnywhere) {
  const std::vector<std::vector<int32_t>> outputs = {{1, 2, 3}, {2, 1, 3}, {2, 3, 1}};
  for (const auto& shape : outputs) {
    for (bool constant : {false, true}) {
      OpTester test(schema::OpCode::EXPAND_DIMS);
      test.InputOf<float>({2, 3}, {1, 2, 3, 4, 5, 6}, constant).Output(shape);
      ASSERT_EQ(test.Run(kernels::kExpandDims), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
      EXPECT_EQ(test.OutputShape(0), shape);
    }
  }
}

TEST(ExpandDimsTest, AxisOperandIsIgnoredAndTypesPassThrough) {
  // TF's ExpandDims carries the axis as a second operand.
  OpTester test(schema::OpCode::EXPAND_DIMS);
  test.InputOf<int64_t>({2}, {-1, int64_t{1} << 50})
      .InputOf<int32_t>({1}, {0}, /*constant=*/true)
      .Output({1, 2}, schema::TensorType::INT64);
  ASSERT_EQ(test.Run(kernels::kExpandDims), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int64_t>(0), (std::vector<int64_t>{-1, int64_t{1} << 50}));
}

schema::OpOptionsUnion NewShape(std::vector<int32_t> new_shape) {
  schema::ReshapeOptionsT options;
  options.new_shape = std::move(new_shape);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

TEST(ExpandDimsTest, InfersShapeFromNewShape) {
  const std::vector<std::vector<int32_t>> new_shapes = {{1, 2, 3}, {2, -1, 3}, {2, 3, 1}};
  const std::vector<std::vector<int32_t>> expected = {{1, 2, 3}, {2, 1, 3}, {2, 3, 1}};
  for (size_t i = 0; i < new_shapes.size(); ++i) {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
        .Output({})
        .Options(NewShape(new_shapes[i]))
        .InferShapes();
    ASSERT_EQ(test.Run(kernels::kExpandDims), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0), expected[i]);
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  }
}

TEST(ExpandDimsTest, ScalarBecomesRankOne) {
  OpTester test(schema::OpCode::EXPAND_DIMS);
  test.ConstInput({}, {2.5f}).Output({}).Options(NewShape({1})).InferShapes();
  ASSERT_EQ(test.Run(kernels::kExpandDims), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{1}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2.5f}));

  // Without options the declared shape stands.
  OpTester declared(schema::OpCode::EXPAND_DIMS);
  declared.Input({}, {2.5f}).Output({1});
  ASSERT_EQ(declared.Run(kernels::kExpandDims), Status::kOk) << declared.error();
  EXPECT_EQ(declared.OutputFloats(0), (std::vector<float>{2.5f}));
}

TEST(ExpandDimsTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({}).Options(NewShape({3, 1, 2})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "new_shape reordered";
    EXPECT_NE(test.error().find("with one size-1 dim inserted"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({}).Options(NewShape({6})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "new_shape rank";
  }
  {
    // No new_shape: the declared rank-0 shape is kept, and holds 1 element.
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({}).InferShapes();
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "no shape to infer";
    EXPECT_NE(test.error().find("input 0 has 6 elements but the output has 1"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({2, 3, 1}).Options(NewShape({1, 2, 3}));
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "declared shape";
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({1, 1, 2, 3});
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "two dims inserted";
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({3, 1, 2});
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "reordered";
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "same rank";
  }
  {
    OpTester test(schema::OpCode::EXPAND_DIMS);
    test.Input({2, 3}, std::vector<float>(6)).Output({1, 2, 4});
    EXPECT_EQ(test.Run(kernels::kExpandDims), Status::kInvalidModel) << "count";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedExpandDims(uint32_t seed, bool constant) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 6);
  OpTester test(schema::OpCode::EXPAND_DIMS);
  test.InputOf<T>({2, 3}, in, constant)
      .Quantize({q.scale}, {q.zero_point})
      .Output({2, 1, 3}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(NewShape({2, 1, 3}));
  ASSERT_EQ(test.Run(kernels::kExpandDims), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), in);
}

TEST(ExpandDimsTest, Int8AndInt16) {
  // Arena inputs share the output's bytes; constant ones are copied.
  for (bool constant : {false, true}) {
    ExpectQuantizedExpandDims<int8_t>(1, constant);
    ExpectQuantizedExpandDims<int16_t>(2, constant);
  }
}

TEST(ExpandDimsTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kExpandDims,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::EXPAND_DIMS);
                                               test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2, 1, 3}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(NewShape({2, 1, 3}));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
