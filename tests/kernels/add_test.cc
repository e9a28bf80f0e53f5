#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/int8_arithmetic_exact_sweep.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"

namespace ember {
namespace {

using schema::Activation;
using schema::TensorType;
using testing::Count;
using testing::FloatActivationSweep;
using testing::Int32BroadcastSweep;
using testing::OpTester;
using testing::QuantizedBinarySweep;
using testing::WithActivation;

TEST(AddTest, BroadcastsRowVector) {
  OpTester test(schema::OpCode::ADD);
  test.Input({2, 2}, {1, 2, 3, 4}).ConstInput({2}, {10, 20}).Output({2, 2});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{11, 22, 13, 24}));
}

TEST(AddTest, BroadcastsColumnAgainstRow) {
  // [3,1] + [1,2] -> [3,2]: out[i][j] = col[i] + row[j].
  OpTester test(schema::OpCode::ADD);
  test.Input({3, 1}, {1, 2, 3}).Input({1, 2}, {10, 20}).Output({3, 2});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{11, 21, 12, 22, 13, 23}));
}

TEST(AddTest, SameShapes) {
  OpTester test(schema::OpCode::ADD);
  test.Input({1, 2, 2, 1}, {-1, 0.5f, 2, 3})
      .Input({1, 2, 2, 1}, {1, 0.25f, -4, 0})
      .Output({1, 2, 2, 1});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0.75f, -2, 3}));
}

TEST(AddTest, ScalarPlusScalar) {
  OpTester test(schema::OpCode::ADD);
  test.Input({}, {1.5f}).Input({}, {2.25f}).Output({});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{3.75f}));
}

TEST(AddTest, ScalarBroadcastsAgainstTensor) {
  {
    OpTester test(schema::OpCode::ADD);
    test.ConstInput({}, {100}).Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({2, 3});
    ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{101, 102, 103, 104, 105, 106}));
  }
  {
    OpTester test(schema::OpCode::ADD);
    test.InputOf<int32_t>({3}, {1, 2, 3}).InputOf<int32_t>({}, {-5}).Output({3}, TensorType::INT32);
    ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{-4, -3, -2}));
  }
}

TEST(AddTest, OneElementTensorBroadcastsLikeScalar) {
  OpTester test(schema::OpCode::ADD);
  test.Input({2, 1, 2}, {1, 2, 3, 4}).Input({1}, {-1}).Output({2, 1, 2});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 1, 2, 3}));
}

TEST(AddTest, EmptyTensor) {
  OpTester test(schema::OpCode::ADD);
  test.Input({0, 3}, {}).Input({3}, {1, 2, 3}).Output({0, 3});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputFloats(0).empty());
}

TEST(AddTest, FusedActivations) {
  // Sums are {-3, -0.5, 0.5, 3, 7}; each activation clamps them to its range.
  const std::vector<float> a = {-2, -1, 0, 1, 5};
  const std::vector<float> b = {-1, 0.5f, 0.5f, 2, 2};
  struct Case {
    Activation activation;
    std::vector<float> expected;
  };
  const Case cases[] = {
      {Activation::NONE, {-3, -0.5f, 0.5f, 3, 7}},
      {Activation::RELU, {0, 0, 0.5f, 3, 7}},
      {Activation::RELU6, {0, 0, 0.5f, 3, 6}},
      {Activation::RELU_N1_TO_1, {-1, -0.5f, 0.5f, 1, 1}},
  };
  for (const Case& c : cases) {
    OpTester test(schema::OpCode::ADD);
    test.Input({5}, a).Input({5}, b).Output({5}).Options(WithActivation(c.activation));
    ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.expected) << schema::EnumNameActivation(c.activation);
  }
}

TEST(AddTest, Int32) {
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int32_t>({2, 2}, {1, -2, 3, 40000})
      .InputOf<int32_t>({2}, {10, 20}, /*constant=*/true)
      .Output({2, 2}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{11, 18, 13, 40020}));
}

TEST(AddTest, Int32WrapsOnOverflow) {
  // Two's complement: INT32_MAX + 1 = INT32_MIN, INT32_MIN + -1 = INT32_MAX.
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int32_t>({2}, {INT32_MAX, INT32_MIN})
      .InputOf<int32_t>({2}, {1, -1})
      .Output({2}, TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN, INT32_MAX}));
}

// Random broadcasts of every rank 0..6 against the reference. Tolerance 0:
// one float addition is correctly rounded both in the kernel and in the
// reference (a double sum of two floats rounded to float is the same value).
TEST(AddTest, FloatBroadcastSweep) {
  FloatActivationSweep(kernels::kAdd, 1234, 12, [](double x, double y) { return x + y; });
}

TEST(AddTest, Int32BroadcastSweep) {
  Int32BroadcastSweep(kernels::kAdd, 99, 6, [](int32_t x, int32_t y) { return x + y; });
}

Status RunAdd(std::vector<int32_t> a, std::vector<int32_t> b, std::vector<int32_t> out) {
  OpTester test(schema::OpCode::ADD);
  test.Input(a, std::vector<float>(Count(a))).Input(b, std::vector<float>(Count(b))).Output(out);
  return test.Run(kernels::kAdd);
}

TEST(AddTest, RejectsShapesThatDoNotBroadcast) {
  EXPECT_EQ(RunAdd({2, 3}, {2}, {2, 3}), Status::kInvalidModel);
  EXPECT_EQ(RunAdd({2, 3}, {3, 2}, {2, 3}), Status::kInvalidModel);
  EXPECT_EQ(RunAdd({0, 3}, {2, 3}, {2, 3}), Status::kInvalidModel);
}

TEST(AddTest, RejectsWrongOutputShape) {
  EXPECT_EQ(RunAdd({2, 3}, {3}, {2, 4}), Status::kInvalidModel);
  // Output bigger than either input along a dim both inputs have as 1.
  EXPECT_EQ(RunAdd({1, 3}, {1, 3}, {2, 3}), Status::kInvalidModel);
  // The output rank is the larger input rank, neither less nor more.
  EXPECT_EQ(RunAdd({1, 2, 3}, {3}, {2, 3}), Status::kInvalidModel);
  EXPECT_EQ(RunAdd({2, 3}, {3}, {1, 2, 3}), Status::kInvalidModel);
}

TEST(AddTest, RejectsMismatchedTypes) {
  {
    OpTester test(schema::OpCode::ADD);
    test.Input({2}, {1, 2}).InputOf<int32_t>({2}, {1, 2}).Output({2});
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::ADD);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2}, TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::ADD);
    test.InputOf<int64_t>({2}, {1, 2}).InputOf<int64_t>({2}, {1, 2}).Output({2}, TensorType::INT64);
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kUnsupported);
  }
}

TEST(AddTest, RejectsWrongOperandCount) {
  {
    OpTester test(schema::OpCode::ADD);
    test.Input({2}, {1, 2}).Output({2});
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::ADD);
    test.Input({2}, {1, 2}).AbsentInput().Output({2});
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
  }
  {
    OpTester test(schema::OpCode::ADD);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2}).Output({2});
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
  }
}

// ---- Int8 and int16 -----------------------------------------------------------

TEST(AddTest, Int8HandValues) {
  // a: scale 0.5, zero point 1: {3, -3, 127, -128} are {1, -2, 63, -64.5}.
  // b: scale 0.25, zero point -2: {2, 6, 100, -128} are {1, 2, 25.5, -31.5}.
  // Sums {2, 0, 88.5, -96} at output scale 1, zero point 5: {7, 5, 94, -91}.
  // TFLite's arithmetic is exact here: with twice the larger scale 1, the
  // multipliers are 1/2, 1/4 and 2^-20 (the output's, undoing the shift by
  // 20), and 88.5 rounds half away from zero to 89.
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int8_t>({4}, {3, -3, 127, -128})
      .Quantize({0.5f}, {1})
      .InputOf<int8_t>({4}, {2, 6, 100, -128})
      .Quantize({0.25f}, {-2})
      .Output({4}, TensorType::INT8)
      .Quantize({1.0f}, {5});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{7, 5, 94, -91}));
}

TEST(AddTest, Int8FusedActivationAndSaturation) {
  // Scale 1 everywhere, zero points 0, 0 and 5: the sums {-20, 3, 7, 200}
  // are q = sum + 5. RELU6 clamps to [5, 11] (real [0, 6]); without it 200
  // saturates at 127.
  for (Activation activation : {Activation::RELU6, Activation::NONE}) {
    OpTester test(schema::OpCode::ADD);
    test.InputOf<int8_t>({4}, {-10, 1, 3, 100})
        .Quantize({1.0f}, {0})
        .InputOf<int8_t>({4}, {-10, 2, 4, 100}, /*constant=*/true)
        .Quantize({1.0f}, {0})
        .Output({4}, TensorType::INT8)
        .Quantize({1.0f}, {5})
        .Options(WithActivation(activation));
    ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), activation == Activation::RELU6
                                            ? (std::vector<int8_t>{5, 8, 11, 11})
                                            : (std::vector<int8_t>{-15, 8, 12, 127}));
  }
}

TEST(AddTest, Int16HandValues) {
  // Scales 2^-10 everywhere: q_out = q_a + q_b exactly (left shift 15,
  // multipliers 1/2 and 2^-14), saturating at +-32767/-32768; a broadcast
  // row.
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int16_t>({2, 3}, {1000, -5, 32000, -32000, 7, 0})
      .Quantize({1.0f / 1024}, {0})
      .InputOf<int16_t>({3}, {24, -5, 1000}, /*constant=*/true)
      .Quantize({1.0f / 1024}, {0})
      .Output({2, 3}, TensorType::INT16)
      .Quantize({1.0f / 1024}, {0});
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{1024, -10, 32767, -31976, 2, 1000}));
}

// TFLite's pipeline rounds each scaled operand and then the sum's
// requantization, so a result near a rounding boundary can land one step
// from the correctly rounded reference: within 1, nearly all exact.
TEST(AddTest, Int8BroadcastSweep) {
  QuantizedBinarySweep<int8_t>(
      kernels::kAdd, 31, 8, [](double x, double y) { return x + y; },
      [](double a, double b) { return a + b; }, 1, 95);
}

TEST(AddTest, Int16BroadcastSweep) {
  QuantizedBinarySweep<int16_t>(
      kernels::kAdd, 32, 8, [](double x, double y) { return x + y; },
      [](double a, double b) { return a + b; }, 1, 95);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
// Bit for bit against TFLite Micro's arithmetic over broadcasts that run
// each of the int8 run loops (int8_arithmetic_exact_sweep.h).
TEST(AddTest, Int8MatchesTflmArithmeticOverBroadcastRuns) {
  testing::ExpectInt8ArithmeticMatchesTflmArithmetic(kernels::kAdd, testing::TflmArithmetic::kAdd,
                                                     71);
}

TEST(AddTest, Int8MatchesTflm) {
  // ew_add_double_multipliers pins the multipliers' double quotients: float
  // ones (as Sub's) would put each of its results one step higher.
  for (const char* name : {"ew_add_broadcast_relu", "ew_add_same_shape_saturating",
                           "ew_add_rank5_relu_n1_to_1", "ew_add_double_multipliers"}) {
    testing::ExpectMatchesTflm(kernels::kAdd, 0, name, testing::ArithmeticOptionsOf);
  }
}

TEST(AddTest, Int16MatchesTflm) {
  for (const char* name : {"ew_i16_add_broadcast", "ew_i16_add_relu6_saturating"}) {
    testing::ExpectBinaryMatchesTflmInt16(kernels::kAdd, 0, name, testing::ArithmeticOptionsOf);
  }
}

TEST(AddTest, InfersQuantizedOutputShape) {
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int8_t>({2, 1}, {1, 2})
      .Quantize({0.1f}, {0})
      .InputOf<int8_t>({3}, {1, 2, 3})
      .Quantize({0.1f}, {0})
      .Output({}, TensorType::INT8)
      .Quantize({0.2f}, {0})
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kAdd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3}));
}

TEST(AddTest, RejectsBadQuantization) {
  struct Bad {
    const char* what;
    TensorType type;
    std::vector<float> a_scales;
    int64_t a_zero_point;
    float output_scale;
    int64_t output_zero_point;
  };
  const Bad cases[] = {
      {"input not quantized", TensorType::INT8, {}, 0, 0.1f, 0},
      {"per-channel input", TensorType::INT8, {0.1f, 0.2f}, 0, 0.1f, 0},
      {"zero input scale", TensorType::INT8, {0.0f}, 0, 0.1f, 0},
      {"int8 zero point out of range", TensorType::INT8, {0.1f}, 0, 0.1f, 128},
      {"int16 zero point", TensorType::INT16, {0.1f}, 3, 0.1f, 0},
      // Twice the larger input scale must stay below 2^20 output scales.
      {"int8 output scale too small", TensorType::INT8, {1.0f}, 0, 1.0f / (1 << 19), 0},
      {"int16 output scale too small", TensorType::INT16, {1.0f}, 0, 1.0f / (1 << 14), 0},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::ADD);
    if (bad.type == TensorType::INT8) {
      test.InputOf<int8_t>({2}, {1, 2});
    } else {
      test.InputOf<int16_t>({2}, {1, 2});
    }
    if (!bad.a_scales.empty()) {
      test.Quantize(bad.a_scales, std::vector<int64_t>(bad.a_scales.size(), bad.a_zero_point));
    }
    if (bad.type == TensorType::INT8) {
      test.InputOf<int8_t>({2}, {1, 2});
    } else {
      test.InputOf<int16_t>({2}, {1, 2});
    }
    test.Quantize({0.1f}, {0})
        .Output({2}, bad.type)
        .Quantize({bad.output_scale}, {bad.output_zero_point});
    EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel) << test.error();
  }
}

TEST(AddTest, RejectsMixedQuantizedTypes) {
  OpTester test(schema::OpCode::ADD);
  test.InputOf<int8_t>({2}, {1, 2})
      .Quantize({0.1f}, {0})
      .InputOf<int16_t>({2}, {1, 2})
      .Quantize({0.1f}, {0})
      .Output({2}, TensorType::INT8)
      .Quantize({0.1f}, {0});
  EXPECT_EQ(test.Run(kernels::kAdd), Status::kInvalidModel);
}

}  // namespace
}  // namespace ember
