#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/unary_op_test_util.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::ExpectMatchesReferenceOverShapes;
using testing::ExpectRejectsMalformed;
using testing::OpTester;

TEST(FloorTest, HandWorked) {
  // Rounds toward -infinity: -2.5 -> -3, -0.5 -> -1, -0 stays -0, and
  // 2^24 + 2 (beyond the float's fraction bits) is already whole.
  const float inf = std::numeric_limits<float>::infinity();
  OpTester test(schema::OpCode::FLOOR);
  test.Input({9}, {2.5f, -2.5f, -0.5f, -0.0f, 3.0f, 0.999f, 16777218.0f, inf, -inf})
      .Output({9});
  ASSERT_EQ(test.Run(kernels::kFloor), Status::kOk) << test.error();
  const std::vector<float> out = test.OutputFloats(0);
  EXPECT_EQ(out, (std::vector<float>{2, -3, -1, -0.0f, 3, 0, 16777218.0f, inf, -inf}));
  EXPECT_TRUE(std::signbit(out[3])) << "floor(-0) is -0";
}

TEST(FloorTest, NaNStaysNaN) {
  OpTester test(schema::OpCode::FLOOR);
  test.Input({}, {std::numeric_limits<float>::quiet_NaN()}).Output({});
  ASSERT_EQ(test.Run(kernels::kFloor), Status::kOk) << test.error();
  EXPECT_TRUE(std::isnan(test.OutputFloats(0).at(0)));
}

// Tolerance 0: floor is exact, and the double reference floors the same
// float-representable inputs.
TEST(FloorTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(schema::OpCode::FLOOR, kernels::kFloor, 23, -50.0f, 50.0f,
                                   [](double x) { return std::floor(x); }, 0.0f);
}

TEST(FloorTest, RejectsMalformedModels) {
  ExpectRejectsMalformed(schema::OpCode::FLOOR, kernels::kFloor);
  OpTester test(schema::OpCode::FLOOR);
  test.InputOf<int32_t>({2}, {1, 2}).Output({2}, TensorType::INT32);
  EXPECT_EQ(test.Run(kernels::kFloor), Status::kUnsupported) << "int32 is not floored";
}

}  // namespace
}  // namespace ember
