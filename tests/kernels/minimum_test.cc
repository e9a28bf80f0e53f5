#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"

namespace ember {
namespace {

using schema::Activation;
using schema::TensorType;
using testing::FloatAndInt32BroadcastSweep;
using testing::OpTester;
using testing::WithActivation;

TEST(MinimumTest, Broadcasts) {
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2, 3}, {1, -2, 3, -4, 5, -6}).ConstInput({3}, {0, 0, 4}).Output({2, 3});
    ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, -2, 3, -4, 0, -6}));
  }
  {
    // [2,1] against [1,2]: out[i][j] = min(a[i], b[j]).
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2, 1}, {1, 5}).Input({1, 2}, {3, -1}).Output({2, 2});
    ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, -1, 3, -1}));
  }
}

TEST(MinimumTest, AgainstScalar) {
  OpTester test(schema::OpCode::MINIMUM);
  test.Input({4}, {-1, 0, 1, 2}).ConstInput({}, {0.5f}).Output({4});
  ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, 0, 0.5f, 0.5f}));
}

TEST(MinimumTest, NanInEitherOperandGivesNan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  OpTester test(schema::OpCode::MINIMUM);
  test.Input({3}, {nan, 1, nan}).Input({3}, {1, nan, nan}).Output({3});
  ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  for (float value : test.OutputFloats(0)) EXPECT_TRUE(std::isnan(value)) << value;
}

TEST(MinimumTest, Int32) {
  OpTester test(schema::OpCode::MINIMUM);
  test.InputOf<int32_t>({4}, {INT32_MIN, -3, 7, INT32_MAX})
      .InputOf<int32_t>({4}, {0, -4, 7, 0})
      .Output({4}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN, -4, 7, 0}));
}

// Tolerance 0: the minimum is one of the inputs, exactly.
TEST(MinimumTest, BroadcastSweep) {
  FloatAndInt32BroadcastSweep(
      kernels::kMinimum, 11, 6, [](float x, float y) { return std::min(x, y); },
      [](int32_t x, int32_t y) { return std::min(x, y); }, 0.0f);
}

TEST(MinimumTest, RejectsFusedActivation) {
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2}, {1, 2})
        .Input({2}, {3, 4})
        .Output({2})
        .Options(WithActivation(Activation::RELU));
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel);
  }
  {
    // Options that ask for no activation are harmless.
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2}, {1, 2})
        .Input({2}, {3, 4})
        .Output({2})
        .Options(WithActivation(Activation::NONE));
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  }
}

TEST(MinimumTest, RejectsBadShapesAndTypes) {
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2, 3}, std::vector<float>(6)).Input({2}, {1, 2}).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2, 3}, std::vector<float>(6)).Input({3}, {1, 2, 3}).Output({6});
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.Input({2}, {1, 2}).InputOf<int32_t>({2}, {1, 2}).Output({2});
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel);
  }
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(MinimumTest, Int8SharedQuantization) {
  // Inputs and output at scale 0.1, zero point -5: the min quantized value
  // is the min real one; a [2, 1] column against a [3] row.
  OpTester test(schema::OpCode::MINIMUM);
  test.InputOf<int8_t>({2, 1}, {-128, 40})
      .Quantize({0.1f}, {-5})
      .InputOf<int8_t>({3}, {-5, 127, 39}, /*constant=*/true)
      .Quantize({0.1f}, {-5})
      .Output({2, 3}, TensorType::INT8)
      .Quantize({0.1f}, {-5});
  ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-128, -128, -128, -5, 40, 39}));
}

TEST(MinimumTest, Int16SharedQuantization) {
  OpTester test(schema::OpCode::MINIMUM);
  test.InputOf<int16_t>({4}, {-32768, 100, 32767, 0})
      .Quantize({1e-3f}, {0})
      .InputOf<int16_t>({4}, {-32767, 101, -32768, 0})
      .Quantize({1e-3f}, {0})
      .Output({4}, TensorType::INT16)
      .Quantize({1e-3f}, {0});
  ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{-32768, 100, -32768, 0}));
}

// Random broadcasts of every rank 0..6, inputs and output quantized alike,
// against the reference on the quantized values: exact.
TEST(MinimumTest, QuantizedBroadcastSweep) {
  std::mt19937 rng(57);
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < 4; ++trial) {
      const testing::BroadcastShapes shapes = testing::RandomShapes(rank, rng);
      const std::vector<int8_t> a = testing::RandomQuantized<int8_t>(testing::Count(shapes.a), rng);
      const std::vector<int8_t> b = testing::RandomQuantized<int8_t>(testing::Count(shapes.b), rng);
      OpTester test(schema::OpCode::MINIMUM);
      test.InputOf<int8_t>(shapes.a, a, /*constant=*/trial % 2 == 1)
          .Quantize({0.02f}, {3})
          .InputOf<int8_t>(shapes.b, b)
          .Quantize({0.02f}, {3})
          .Output(shapes.out, TensorType::INT8)
          .Quantize({0.02f}, {3});
      ASSERT_EQ(test.Run(kernels::kMinimum), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<int8_t>(0),
                testing::Reference(shapes, a, b, [](int8_t x, int8_t y) { return std::min(x, y); }))
          << "rank " << rank << " trial " << trial;
    }
  }
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on a model
// made by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(MinimumTest, Int8MatchesTflm) {
  testing::ExpectMatchesTflm(kernels::kMinimum, 57, "ew_minimum_broadcast", testing::NoOptions);
}

TEST(MinimumTest, QuantizedRejectsDifferentQuantization) {
  struct Bad {
    const char* what;
    float b_scale;
    int64_t b_zero_point;
    float output_scale;
  };
  const Bad cases[] = {
      {"input 1 scale differs", 0.2f, 0, 0.1f},
      {"input 1 zero point differs", 0.1f, 1, 0.1f},
      {"output scale differs", 0.1f, 0, 0.2f},
  };
  for (const Bad& bad : cases) {
    OpTester test(schema::OpCode::MINIMUM);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({bad.b_scale}, {bad.b_zero_point})
        .Output({2}, TensorType::INT8)
        .Quantize({bad.output_scale}, {0});
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel) << bad.what;
    EXPECT_NE(test.error().find("quantized alike"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::MINIMUM);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {2})
        .InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {2})
        .Output({2}, TensorType::INT16)
        .Quantize({0.1f}, {2});
    EXPECT_EQ(test.Run(kernels::kMinimum), Status::kInvalidModel) << "int16 zero point";
  }
}

}  // namespace
}  // namespace ember
