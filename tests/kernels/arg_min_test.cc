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

TEST(ArgMinTest, HandWorked) {
  // [[1, 9, 3], [4, -5, 8]]: row minima at 0 and 1, column minima at 0, 1, 0.
  OpTester rows(schema::OpCode::ARG_MIN);
  rows.Input({2, 3}, {1, 9, 3, 4, -5, 8}).Output({2}, TensorType::INT32).Options(ArgMinMax(1));
  ASSERT_EQ(rows.Run(kernels::kArgMin), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputAs<int32_t>(0), (std::vector<int32_t>{0, 1}));

  OpTester cols(schema::OpCode::ARG_MIN);
  cols.Input({2, 3}, {1, 9, 3, 4, -5, 8})
      .Output({1, 3}, TensorType::INT64)
      .Options(ArgMinMax(0, /*keep_dims=*/true));
  ASSERT_EQ(cols.Run(kernels::kArgMin), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputAs<int64_t>(0), (std::vector<int64_t>{0, 1, 0}));
}

TEST(ArgMinTest, TiesPickFirstUnlessSelectLast) {
  // -inf appears at 1 and 3.
  const float inf = std::numeric_limits<float>::infinity();
  OpTester first(schema::OpCode::ARG_MIN);
  first.Input({4}, {0, -inf, 2, -inf}).Output({}, TensorType::INT32).Options(ArgMinMax(0));
  ASSERT_EQ(first.Run(kernels::kArgMin), Status::kOk) << first.error();
  EXPECT_EQ(first.OutputAs<int32_t>(0), (std::vector<int32_t>{1}));

  OpTester last(schema::OpCode::ARG_MIN);
  last.Input({4}, {0, -inf, 2, -inf})
      .Output({}, TensorType::INT32)
      .Options(ArgMinMax(0, /*keep_dims=*/false, /*select_last_index=*/true));
  ASSERT_EQ(last.Run(kernels::kArgMin), Status::kOk) << last.error();
  EXPECT_EQ(last.OutputAs<int32_t>(0), (std::vector<int32_t>{3}));
}

TEST(ArgMinTest, AxisFromConstantInput) {
  // [[1, 9], [4, -5], [0, 2]] over axis 0: 2, 1.
  OpTester test(schema::OpCode::ARG_MIN);
  test.Input({3, 2}, {1, 9, 4, -5, 0, 2})
      .InputOf<int32_t>({1}, {0}, /*constant=*/true)
      .Output({2}, TensorType::INT64);
  ASSERT_EQ(test.Run(kernels::kArgMin), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int64_t>(0), (std::vector<int64_t>{2, 1}));
}

TEST(ArgMinTest, QuantizedComparesRawValues) {
  OpTester int8(schema::OpCode::ARG_MIN);
  int8.InputOf<int8_t>({3, 2}, {5, 127, -128, 0, 6, -1})
      .Quantize({0.25f}, {3})
      .Output({2}, TensorType::INT32)
      .Options(ArgMinMax(0));
  ASSERT_EQ(int8.Run(kernels::kArgMin), Status::kOk) << int8.error();
  EXPECT_EQ(int8.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 2}));
}

TEST(ArgMinTest, SweepAgainstReference) {
  testing::ExpectArgMinMaxMatchesReference(schema::OpCode::ARG_MIN, kernels::kArgMin,
                                           /*find_max=*/false, 37);
}

TEST(ArgMinTest, RejectsMalformedModels) {
  testing::ExpectArgMinMaxRejectsMalformed(schema::OpCode::ARG_MIN, kernels::kArgMin);
}

}  // namespace
}  // namespace ember
