#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/arg_min_max_test_util.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::ArgMinMax;
using testing::OpTester;

TEST(ArgMaxTest, HandWorked) {
  // [[1, 9, 3], [4, -5, 8]]: row maxima at 1 and 2, column maxima at 1, 0, 1.
  OpTester rows(schema::OpCode::ARG_MAX);
  rows.Input({2, 3}, {1, 9, 3, 4, -5, 8}).Output({2}, TensorType::INT32).Options(ArgMinMax(1));
  ASSERT_EQ(rows.Run(kernels::kArgMax), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 2}));

  OpTester cols(schema::OpCode::ARG_MAX);
  cols.Input({2, 3}, {1, 9, 3, 4, -5, 8}).Output({3}, TensorType::INT64).Options(ArgMinMax(-2));
  ASSERT_EQ(cols.Run(kernels::kArgMax), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputAs<int64_t>(0), (std::vector<int64_t>{1, 0, 1}));
}

TEST(ArgMaxTest, TiesPickFirstUnlessSelectLast) {
  // 7 appears at 1, 2 and 4.
  OpTester first(schema::OpCode::ARG_MAX);
  first.InputOf<int32_t>({5}, {2, 7, 7, 1, 7}).Output({}, TensorType::INT32).Options(ArgMinMax(0));
  ASSERT_EQ(first.Run(kernels::kArgMax), Status::kOk) << first.error();
  EXPECT_EQ(first.OutputAs<int32_t>(0), (std::vector<int32_t>{1}));

  OpTester last(schema::OpCode::ARG_MAX);
  last.InputOf<int32_t>({5}, {2, 7, 7, 1, 7})
      .Output({1}, TensorType::INT64)
      .Options(ArgMinMax(0, /*keep_dims=*/true, /*select_last_index=*/true));
  ASSERT_EQ(last.Run(kernels::kArgMax), Status::kOk) << last.error();
  EXPECT_EQ(last.OutputAs<int64_t>(0), (std::vector<int64_t>{4}));
}

TEST(ArgMaxTest, NaNOnlyWinsFromIndexZero) {
  // Rows [nan, 1, 3] and [1, nan, 3]: nothing compares greater than a leading
  // NaN, and a later NaN never compares greater than the running maximum.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  OpTester test(schema::OpCode::ARG_MAX);
  test.Input({2, 3}, {nan, 1, 3, 1, nan, 3}).Output({2}, TensorType::INT32).Options(ArgMinMax(1));
  ASSERT_EQ(test.Run(kernels::kArgMax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{0, 2}));
}

TEST(ArgMaxTest, AxisFromConstantInput) {
  // TensorFlow's form: axis as a tensor. [[1, 9], [4, -5], [0, 2]] over axis
  // 0 gives 1, 0; over axis -1 gives 1, 0, 1. The options' axis is ignored.
  for (const bool int64_axis : {false, true}) {
    OpTester test(schema::OpCode::ARG_MAX);
    test.Input({3, 2}, {1, 9, 4, -5, 0, 2});
    if (int64_axis) {
      test.InputOf<int64_t>({1}, {-1}, /*constant=*/true).Output({3}, TensorType::INT32);
    } else {
      test.InputOf<int32_t>({}, {0}, /*constant=*/true).Output({2}, TensorType::INT32);
    }
    test.Options(ArgMinMax(1));
    ASSERT_EQ(test.Run(kernels::kArgMax), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int32_t>(0),
              int64_axis ? (std::vector<int32_t>{1, 0, 1}) : (std::vector<int32_t>{1, 0}));
  }
}

TEST(ArgMaxTest, QuantizedComparesRawValues) {
  // Int8 -128 and 127 are the ends whatever the scale; 127 wins over 5.
  OpTester int8(schema::OpCode::ARG_MAX);
  int8.InputOf<int8_t>({2, 3}, {-128, 127, 5, 3, -3, 3})
      .Quantize({0.5f}, {-7})
      .Output({2}, TensorType::INT32)
      .Options(ArgMinMax(1));
  ASSERT_EQ(int8.Run(kernels::kArgMax), Status::kOk) << int8.error();
  EXPECT_EQ(int8.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 0}));

  OpTester int16(schema::OpCode::ARG_MAX);
  int16.InputOf<int16_t>({4}, {-32768, 300, 32767, -1})
      .Quantize({0.001f}, {0})
      .Output({}, TensorType::INT64)
      .Options(ArgMinMax(0));
  ASSERT_EQ(int16.Run(kernels::kArgMax), Status::kOk) << int16.error();
  EXPECT_EQ(int16.OutputAs<int64_t>(0), (std::vector<int64_t>{2}));
}

TEST(ArgMaxTest, InfersShapes) {
  OpTester test(schema::OpCode::ARG_MAX);
  test.Input({2, 3, 2}, std::vector<float>(12, 0.0f))
      .Output({}, TensorType::INT32)
      .Options(ArgMinMax(1, /*keep_dims=*/true))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kArgMax), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 1, 2}));

  OpTester dropped(schema::OpCode::ARG_MAX);
  dropped.Input({2, 3, 2}, std::vector<float>(12, 0.0f))
      .Output({}, TensorType::INT32)
      .Options(ArgMinMax(2))
      .InferShapes();
  ASSERT_EQ(dropped.Run(kernels::kArgMax), Status::kOk) << dropped.error();
  EXPECT_EQ(dropped.OutputShape(0), (std::vector<int32_t>{2, 3}));
}

TEST(ArgMaxTest, SweepAgainstReference) {
  testing::ExpectArgMinMaxMatchesReference(schema::OpCode::ARG_MAX, kernels::kArgMax,
                                           /*find_max=*/true, 31);
}

TEST(ArgMaxTest, RejectsMalformedModels) {
  testing::ExpectArgMinMaxRejectsMalformed(schema::OpCode::ARG_MAX, kernels::kArgMax);
}

}  // namespace
}  // namespace ember
