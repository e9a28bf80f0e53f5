#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::AllClose;
using testing::OpTester;

// A RANGE op with constant int32 start, limit and delta and an int32 output
// declared `out_shape`.
OpTester Int32Range(int32_t start, int32_t limit, int32_t delta, std::vector<int32_t> out_shape) {
  OpTester test(schema::OpCode::RANGE);
  test.InputOf<int32_t>({}, {start}, /*constant=*/true)
      .InputOf<int32_t>({}, {limit}, /*constant=*/true)
      .InputOf<int32_t>({}, {delta}, /*constant=*/true)
      .Output(std::move(out_shape), TensorType::INT32);
  return test;
}

OpTester FloatRange(float start, float limit, float delta, std::vector<int32_t> out_shape) {
  OpTester test(schema::OpCode::RANGE);
  test.ConstInput({}, {start})
      .ConstInput({}, {limit})
      .ConstInput({}, {delta})
      .Output(std::move(out_shape));
  return test;
}

// Python's range(start, limit, delta), element by element.
std::vector<int32_t> PythonRange(int64_t start, int64_t limit, int64_t delta) {
  std::vector<int32_t> values;
  for (int64_t v = start; delta > 0 ? v < limit : v > limit; v += delta) {
    values.push_back(static_cast<int32_t>(v));
  }
  return values;
}

TEST(RangeTest, TensorFlowDocumentationExamples) {
  // tf.range(3, 18, 3) == [3, 6, 9, 12, 15].
  OpTester ints = Int32Range(3, 18, 3, {5});
  ASSERT_EQ(ints.Run(kernels::kRange), Status::kOk) << ints.error();
  EXPECT_EQ(ints.OutputAs<int32_t>(0), (std::vector<int32_t>{3, 6, 9, 12, 15}));

  // tf.range(3, 1, -0.5) == [3, 2.5, 2, 1.5] (exact in binary).
  OpTester floats = FloatRange(3.0f, 1.0f, -0.5f, {4});
  ASSERT_EQ(floats.Run(kernels::kRange), Status::kOk) << floats.error();
  EXPECT_EQ(floats.OutputFloats(0), (std::vector<float>{3.0f, 2.5f, 2.0f, 1.5f}));

  // tf.range(5) == [0, 1, 2, 3, 4].
  OpTester limit_only = Int32Range(0, 5, 1, {5});
  ASSERT_EQ(limit_only.Run(kernels::kRange), Status::kOk) << limit_only.error();
  EXPECT_EQ(limit_only.OutputAs<int32_t>(0), (std::vector<int32_t>{0, 1, 2, 3, 4}));
}

TEST(RangeTest, LengthsRoundUpAndMayBeZero) {
  // From 10 down to 0 by 3: |0 - 10| / 3 = 3.33, rounded up to 4 values.
  OpTester down = Int32Range(10, 0, -3, {4});
  ASSERT_EQ(down.Run(kernels::kRange), Status::kOk) << down.error();
  EXPECT_EQ(down.OutputAs<int32_t>(0), (std::vector<int32_t>{10, 7, 4, 1}));

  OpTester empty = Int32Range(5, 5, 1, {0});
  ASSERT_EQ(empty.Run(kernels::kRange), Status::kOk) << empty.error();
  EXPECT_TRUE(empty.OutputAs<int32_t>(0).empty());

  // ceil(1 / 0.3) = 4 values: 1, 1.3, 1.6, 1.9 (float steps, so within a few
  // ulps of the decimal values).
  OpTester floats = FloatRange(1.0f, 2.0f, 0.3f, {4});
  ASSERT_EQ(floats.Run(kernels::kRange), Status::kOk) << floats.error();
  EXPECT_TRUE(AllClose(floats.OutputFloats(0), {1.0f, 1.3f, 1.6f, 1.9f}, 1e-6f));

  // ceil(1.25 / 0.25) = 5: -1, -1.25, ..., -2 (exact in binary).
  OpTester negative = FloatRange(-1.0f, -2.25f, -0.25f, {5});
  ASSERT_EQ(negative.Run(kernels::kRange), Status::kOk) << negative.error();
  EXPECT_EQ(negative.OutputFloats(0), (std::vector<float>{-1.0f, -1.25f, -1.5f, -1.75f, -2.0f}));
}

TEST(RangeTest, Int32ExtremesDoNotOverflow) {
  // From INT32_MIN to INT32_MAX in steps of 2^30: |limit - start| = 2^32 - 1
  // needs 64 bits, and the step after 2^30 would leave int32.
  OpTester test = Int32Range(INT32_MIN, INT32_MAX, 1 << 30, {4});
  ASSERT_EQ(test.Run(kernels::kRange), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN, -(1 << 30), 0, 1 << 30}));
}

TEST(RangeTest, Int32SweepAgainstPythonRange) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int32_t> bound(-50, 50);
  std::uniform_int_distribution<int32_t> step(1, 7);
  for (int i = 0; i < 200; ++i) {
    int32_t start = bound(rng);
    int32_t limit = bound(rng);
    int32_t delta = step(rng);
    if (limit < start) delta = -delta;
    const std::vector<int32_t> expected = PythonRange(start, limit, delta);
    OpTester test = Int32Range(start, limit, delta, {});
    test.InferShapes();
    ASSERT_EQ(test.Run(kernels::kRange), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{static_cast<int32_t>(expected.size())}))
        << start << " " << limit << " " << delta;
    EXPECT_EQ(test.OutputAs<int32_t>(0), expected) << start << " " << limit << " " << delta;
  }
}

TEST(RangeTest, AcceptsOneElementVectors) {
  // TensorFlow takes [1] vectors as scalars.
  OpTester test(schema::OpCode::RANGE);
  test.InputOf<int32_t>({1}, {1}, true)
      .InputOf<int32_t>({1}, {4}, true)
      .InputOf<int32_t>({}, {1}, true)
      .Output({3}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kRange), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 2, 3}));
}

TEST(RangeTest, NeedsConstantInputs) {
  OpTester test(schema::OpCode::RANGE);
  test.InputOf<int32_t>({}, {0}, true)
      .InputOf<int32_t>({}, {4})
      .InputOf<int32_t>({}, {1}, true)
      .Output({4}, TensorType::INT32);
  EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel);
  EXPECT_NE(test.error().find("RANGE needs constant start/limit/delta"), std::string::npos)
      << test.error();
}

TEST(RangeTest, RejectsWhatTensorFlowRejects) {
  struct Bad {
    const char* what;
    int32_t start;
    int32_t limit;
    int32_t delta;
    const char* message;
  };
  const Bad cases[] = {
      {"delta 0", 0, 4, 0, "(delta) is 0"},
      {"limit below start going up", 4, 0, 1, "negative length"},
      {"limit above start going down", 0, 4, -1, "negative length"},
      {"more than INT32_MAX values", INT32_MIN, INT32_MAX, 1, "elements, above"},
  };
  for (const Bad& c : cases) {
    OpTester test = Int32Range(c.start, c.limit, c.delta, {1});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << c.what;
    EXPECT_NE(test.error().find(c.message), std::string::npos) << c.what << ": " << test.error();
  }
  {
    OpTester test = FloatRange(0.0f, 1.0f, 0.0f, {1});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "float delta 0";
  }
  {
    OpTester test = FloatRange(1.0f, 0.0f, 0.5f, {1});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "float negative length";
  }
  {
    OpTester test = FloatRange(0.0f, NAN, 1.0f, {1});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "NaN limit";
  }
  {
    OpTester test = FloatRange(0.0f, 3e38f, 1e-30f, {1});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "length overflows";
    EXPECT_NE(test.error().find("too many"), std::string::npos) << test.error();
  }
  {
    // Declared [3], but the values give 4 elements.
    OpTester test = Int32Range(0, 4, 1, {3});
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "declared shape differs";
  }
}

TEST(RangeTest, RejectsMalformedModels) {
  {
    OpTester test(schema::OpCode::RANGE);
    test.InputOf<int32_t>({}, {0}, true)
        .ConstInput({}, {4})
        .InputOf<int32_t>({}, {1}, true)
        .Output({4}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "mixed types";
    EXPECT_NE(test.error().find("input 1 (limit) is float32"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RANGE);
    test.InputOf<int64_t>({}, {0}, true)
        .InputOf<int64_t>({}, {4}, true)
        .InputOf<int64_t>({}, {1}, true)
        .Output({4}, TensorType::INT64);
    EXPECT_EQ(test.Run(kernels::kRange), Status::kUnsupported) << "int64";
  }
  {
    OpTester test(schema::OpCode::RANGE);
    test.InputOf<int32_t>({2}, {0, 1}, true)
        .InputOf<int32_t>({}, {4}, true)
        .InputOf<int32_t>({}, {1}, true)
        .Output({4}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "start not a scalar";
    EXPECT_NE(test.error().find("(start) must be a scalar"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RANGE);
    test.InputOf<int32_t>({}, {0}, true)
        .InputOf<int32_t>({}, {4}, true)
        .Output({4}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kRange), Status::kInvalidModel) << "two inputs";
  }
}

}  // namespace
}  // namespace ember
