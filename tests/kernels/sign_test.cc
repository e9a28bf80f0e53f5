#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
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

TEST(SignTest, Float) {
  // Both zeros give +0; NaN stays NaN (numpy.sign, ONNX Sign).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  OpTester test(schema::OpCode::SIGN);
  test.Input({7}, {3.5f, -0.25f, 0.0f, -0.0f, inf, -inf, nan}).Output({7});
  ASSERT_EQ(test.Run(kernels::kSign), Status::kOk) << test.error();
  const std::vector<float> out = test.OutputFloats(0);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + 6),
            (std::vector<float>{1, -1, 0, 0, 1, -1}));
  EXPECT_FALSE(std::signbit(out[3])) << "-0 gives +0";
  EXPECT_TRUE(std::isnan(out[6]));
}

TEST(SignTest, Int32) {
  OpTester test(schema::OpCode::SIGN);
  test.InputOf<int32_t>({2, 3}, {7, -2, 0, INT32_MAX, INT32_MIN, 1})
      .Output({2, 3}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kSign), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{1, -1, 0, 1, -1, 1}));
}

// Tolerance 0: the result is exactly -1, 0 or 1.
TEST(SignTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::SIGN, kernels::kSign, 17, -3.0f, 3.0f,
      [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, 0.0f);
}

TEST(SignTest, RejectsMalformedModels) {
  ExpectRejectsMalformed(schema::OpCode::SIGN, kernels::kSign);
}

}  // namespace
}  // namespace ember
