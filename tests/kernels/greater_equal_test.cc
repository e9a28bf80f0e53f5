#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/comparison_test_util.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

// Expected values worked by hand from the pairs named in each case.
TEST(GreaterEqualTest, Broadcasts) {
  // Pairs (1,1) (-2,0) (3,4) (-4,1) (5,0) (6,4).
  OpTester test(schema::OpCode::GREATER_EQUAL);
  test.Input({2, 3}, {1, -2, 3, -4, 5, 6})
      .ConstInput({3}, {1, 0, 4})
      .Output({2, 3}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kGreaterEqual), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{1, 0, 0, 0, 1, 1}));
}

TEST(GreaterEqualTest, Int32AgainstScalar) {
  OpTester test(schema::OpCode::GREATER_EQUAL);
  test.InputOf<int32_t>({4}, {-1, 0, 1, 2})
      .InputOf<int32_t>({}, {1}, /*constant=*/true)
      .Output({4}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kGreaterEqual), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 0, 1, 1}));
}

// IEEE 754: NaN is unordered, so only NotEqual holds.
TEST(GreaterEqualTest, NanComparesUnordered) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  OpTester test(schema::OpCode::GREATER_EQUAL);
  test.Input({3}, {nan, 1, nan}).Input({3}, {1, nan, nan}).Output({3}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kGreaterEqual), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 0, 0}));
}

// Neighbours that a float (or int32) comparison could not tell apart.
TEST(GreaterEqualTest, Int64IsExact) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  OpTester test(schema::OpCode::GREATER_EQUAL);
  test.InputOf<int64_t>({4}, {max, max - 1, min, int64_t{1} << 40})
      .InputOf<int64_t>({4}, {max - 1, max, min, (int64_t{1} << 40) + 1})
      .Output({4}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kGreaterEqual), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{1, 0, 1, 0}));
}

// Both inputs at scale 0.1, zero point -5: the quantized order is the real
// one. Pairs (-128,-5) (-128,127) (-128,40) (40,-5) (40,127) (40,40).
TEST(GreaterEqualTest, Int8SharedQuantization) {
  OpTester test(schema::OpCode::GREATER_EQUAL);
  test.InputOf<int8_t>({2, 1}, {-128, 40})
      .Quantize({0.1f}, {-5})
      .InputOf<int8_t>({3}, {-5, 127, 40}, /*constant=*/true)
      .Quantize({0.1f}, {-5})
      .Output({2, 3}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kGreaterEqual), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 0, 0, 1, 0, 1}));
}

TEST(GreaterEqualTest, BroadcastSweep) {
  testing::ComparisonBroadcastSweep(kernels::kGreaterEqual, 104,
                                    [](auto a, auto b) { return a >= b; });
}

TEST(GreaterEqualTest, Rejections) { testing::ExpectComparisonRejections(kernels::kGreaterEqual); }

}  // namespace
}  // namespace ember
