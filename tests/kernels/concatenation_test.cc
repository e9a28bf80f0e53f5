#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_data_case.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

schema::OpOptionsUnion Concat(int32_t axis,
                              schema::Activation activation = schema::Activation::NONE) {
  schema::ConcatenationOptionsT options;
  options.axis = axis;
  options.activation = activation;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: for every output coordinate, walk the inputs to
// find the one covering its position along the axis and read the element at
// the same coordinate shifted back by the sizes of the inputs before it.
template <typename T>
std::vector<T> ReferenceConcat(const std::vector<std::vector<T>>& inputs,
                               const std::vector<std::vector<int32_t>>& shapes, int axis,
                               const std::vector<int32_t>& out_shape) {
  const int rank = static_cast<int>(out_shape.size());
  std::vector<T> out(Count(out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    std::vector<int32_t> coord(rank);
    int64_t rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % out_shape[d]);
      rest /= out_shape[d];
    }
    size_t which = 0;
    while (coord[axis] >= shapes[which][axis]) coord[axis] -= shapes[which++][axis];
    int64_t i = 0;
    for (int d = 0; d < rank; ++d) i = i * shapes[which][d] + coord[d];
    out[o] = inputs[which][i];
  }
  return out;
}

TEST(ConcatenationTest, HandWorked) {
  // [[1, 2], [3, 4]] and [[5], [6]] along axis 1 (also written -1).
  for (int32_t axis : {1, -1}) {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2, 2}, {1, 2, 3, 4}).Input({2, 1}, {5, 6}).Output({2, 3}).Options(Concat(axis));
    ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 5, 3, 4, 6}));
  }
  // Along axis 0 the inputs simply follow each other.
  OpTester rows(schema::OpCode::CONCATENATION);
  rows.InputOf<int32_t>({1, 2}, {1, 2})
      .InputOf<int32_t>({2, 2}, {3, 4, 5, 6}, /*constant=*/true)
      .Output({3, 2}, schema::TensorType::INT32)
      .Options(Concat(0));
  ASSERT_EQ(rows.Run(kernels::kConcatenation), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
}

TEST(ConcatenationTest, SingleInputAndEmptyInput) {
  OpTester single(schema::OpCode::CONCATENATION);
  single.Input({3}, {1, 2, 3}).Output({3}).Options(Concat(0));
  ASSERT_EQ(single.Run(kernels::kConcatenation), Status::kOk) << single.error();
  EXPECT_EQ(single.OutputFloats(0), (std::vector<float>{1, 2, 3}));

  OpTester empty(schema::OpCode::CONCATENATION);
  empty.Input({2, 0}, {}).Input({2, 2}, {1, 2, 3, 4}).Output({2, 2}).Options(Concat(1));
  ASSERT_EQ(empty.Run(kernels::kConcatenation), Status::kOk) << empty.error();
  EXPECT_EQ(empty.OutputFloats(0), (std::vector<float>{1, 2, 3, 4}));
}

TEST(ConcatenationTest, InfersShapes) {
  // [2, 1, 2] and [2, 2, 2] along axis 1 give [2, 3, 2]; each batch's rows of
  // the first input come before those of the second.
  OpTester test(schema::OpCode::CONCATENATION);
  test.Input({2, 1, 2}, {1, 2, 3, 4})
      .Input({2, 2, 2}, {10, 20, 30, 40, 50, 60, 70, 80})
      .Output({})
      .Options(Concat(-2))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 2}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80}));
}

TEST(ConcatenationTest, FusedActivation) {
  // RELU6 clamps to [0, 6]; RELU_N1_TO_1 to [-1, 1].
  OpTester relu6(schema::OpCode::CONCATENATION);
  relu6.Input({2}, {-3, 2})
      .Input({2}, {7, 6})
      .Output({4})
      .Options(Concat(0, schema::Activation::RELU6));
  ASSERT_EQ(relu6.Run(kernels::kConcatenation), Status::kOk) << relu6.error();
  EXPECT_EQ(relu6.OutputFloats(0), (std::vector<float>{0, 2, 6, 6}));

  OpTester n1(schema::OpCode::CONCATENATION);
  n1.Input({1, 2}, {-3, 0.5f})
      .Input({1, 1}, {7})
      .Output({1, 3})
      .Options(Concat(1, schema::Activation::RELU_N1_TO_1));
  ASSERT_EQ(n1.Run(kernels::kConcatenation), Status::kOk) << n1.error();
  EXPECT_EQ(n1.OutputFloats(0), (std::vector<float>{-1, 0.5f, 1}));
}

TEST(ConcatenationTest, SweepAgainstReference) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_int_distribution<int32_t> axis_dim(0, 3);
  std::uniform_int_distribution<int32_t> value(-1000, 1000);
  int cases = 0;
  for (int rank = 1; rank <= 6; ++rank) {
    for (int axis = 0; axis < rank; ++axis) {
      for (int num_inputs = 1; num_inputs <= 4; ++num_inputs) {
        std::vector<int32_t> base(rank);
        for (int32_t& d : base) d = dim(rng);
        std::vector<std::vector<int32_t>> shapes;
        std::vector<std::vector<int64_t>> values;
        std::vector<int32_t> out_shape = base;
        out_shape[axis] = 0;
        OpTester test(schema::OpCode::CONCATENATION);
        for (int i = 0; i < num_inputs; ++i) {
          std::vector<int32_t> shape = base;
          shape[axis] = axis_dim(rng);
          out_shape[axis] += shape[axis];
          std::vector<int64_t> v(Count(shape));
          for (int64_t& x : v) x = value(rng) * (int64_t{1} << 33);
          test.InputOf<int64_t>(shape, v, /*constant=*/i % 2 == 1);
          shapes.push_back(shape);
          values.push_back(v);
        }
        // 8-byte elements exercise the byte-size path; axis given negatively
        // every other time; the kernel infers the output shape (declared {})
        // for odd input counts.
        const bool infer = num_inputs % 2 == 1;
        test.Output(infer ? std::vector<int32_t>{} : out_shape, schema::TensorType::INT64)
            .Options(Concat(axis % 2 ? axis - rank : axis));
        if (infer) test.InferShapes();
        ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputShape(0), out_shape);
        EXPECT_EQ(test.OutputAs<int64_t>(0), ReferenceConcat(values, shapes, axis, out_shape))
            << "rank " << rank << " axis " << axis << " inputs " << num_inputs;
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 84);
}

TEST(ConcatenationTest, ByteElements) {
  OpTester test(schema::OpCode::CONCATENATION);
  test.InputOf<int8_t>({2, 1}, {1, 2})
      .InputOf<int8_t>({2, 2}, {-3, -4, -5, -6})
      .Output({2, 3}, schema::TensorType::INT8)
      .Options(Concat(1));
  ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{1, -3, -4, 2, -5, -6}));
}

TEST(ConcatenationTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2, 2}, std::vector<float>(4)).Input({3, 1}, std::vector<float>(3)).Output({2, 3});
    test.Options(Concat(1));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "other dim differs";
    EXPECT_NE(test.error().find("input 1 dim 0 is 3"), std::string::npos) << test.error();
  }
  {
    // The interpreter compares the computed shape with the declared one.
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2, 2}, std::vector<float>(4)).Input({2, 1}, std::vector<float>(2)).Output({2, 4});
    test.Options(Concat(1));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "axis sum";
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    // Scalars have no axis to join along.
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({}, {1}).Input({}, {2}).Output({}).Options(Concat(0)).InferShapes();
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "scalars";
    EXPECT_NE(test.error().find("axis 0 is out of range for input rank 0"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2, 2}, std::vector<float>(4)).Output({2, 2}).Options(Concat(2));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "axis range";
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2}, std::vector<float>(2)).Input({2, 1}, std::vector<float>(2)).Output({4});
    test.Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "rank";
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int32_t>({2}, {1, 2})
        .Output({2}, schema::TensorType::INT32)
        .Options(Concat(0, schema::Activation::RELU));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "int activation";
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2}, {1, 2}).InputOf<int32_t>({2}, {1, 2}).Output({4}).Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "type";
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::PadOptionsT{});
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2}, {1, 2}).Output({2}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be ConcatenationOptions"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.Input({2}, {1, 2}).Output({2}).Options(Concat(0, static_cast<schema::Activation>(9)));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "unknown activation";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

TEST(ConcatenationTest, Int8HandWorked) {
  // Input 0 shares the output's (0.25, 10) and is copied. Input 1 at (0.5, 0)
  // doubles into output steps: 1 -> 2 + 10, -3 -> -6 + 10, 100 -> 210
  // (clamped to 127). Input 2 at (0.1, -5): 7 is 1.2 real, 4.8 steps, 5 + 10
  // = 15; -128 is -12.3 real, -49.2 steps, -49 + 10 = -39.
  OpTester test(schema::OpCode::CONCATENATION);
  test.InputOf<int8_t>({1, 2}, {-128, 127})
      .Quantize({0.25f}, {10})
      .InputOf<int8_t>({1, 3}, {1, -3, 100})
      .Quantize({0.5f}, {0})
      .InputOf<int8_t>({1, 2}, {7, -128}, true)
      .Quantize({0.1f}, {-5})
      .Output({1, 7}, TensorType::INT8)
      .Quantize({0.25f}, {10})
      .Options(Concat(1));
  ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-128, 127, 12, 4, 127, 15, -39}));
}

TEST(ConcatenationTest, Int16HandWorked) {
  // Inputs 1 and 2 at scale 0.375 into output scale 0.25 (a multiplier of
  // exactly 1.5): 1000 -> 1500, -30000 -> -45000 (clamped to -32768), and the
  // ties 3 -> 4.5 and -3 -> -4.5, which TFLite's multiply rounds up to 5 and
  // -4.
  OpTester test(schema::OpCode::CONCATENATION);
  test.InputOf<int16_t>({2, 1}, {-7, 32767})
      .Quantize({0.25f}, {0})
      .InputOf<int16_t>({2, 1}, {1000, -30000})
      .Quantize({0.375f}, {0})
      .InputOf<int16_t>({2, 1}, {3, -3})
      .Quantize({0.375f}, {0})
      .Output({2, 3}, TensorType::INT16)
      .Quantize({0.25f}, {0})
      .Options(Concat(-1));
  ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{-7, 1500, 5, 32767, -32768, -4}));
}

// Random shapes, axes and quantization against the float reference
// (dequantize, quantize with the output's parameters): inputs quantized like
// the output come through unchanged, the others within 1 (TFLite's two
// fixed-point roundings; a tie may go either way).
template <typename T>
void SweepQuantizedConcat(TensorType type, uint32_t seed) {
  std::mt19937 rng(seed);
  const int32_t lo = type == TensorType::INT8 ? -128 : -32768;
  const int32_t hi = type == TensorType::INT8 ? 127 : 32767;
  std::uniform_int_distribution<int32_t> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.01f, 0.1f);
  std::uniform_int_distribution<int32_t> zero_point(-30, 30);
  std::uniform_int_distribution<int32_t> dim(1, 4);
  int total = 0;
  int exact = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int rank = 1 + trial % 4;
    const int axis = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    const int num_inputs = 1 + trial % 3;
    std::vector<int32_t> base(rank);
    for (int32_t& d : base) d = dim(rng);
    const QuantParams out{scale(rng), type == TensorType::INT8 ? zero_point(rng) : 0};
    std::vector<std::vector<int32_t>> shapes;
    std::vector<std::vector<T>> inputs;
    std::vector<std::vector<T>> expected_parts;
    std::vector<QuantParams> quants;
    OpTester test(schema::OpCode::CONCATENATION);
    for (int i = 0; i < num_inputs; ++i) {
      std::vector<int32_t> shape = base;
      shape[axis] = dim(rng);
      // Every third input shares the output's quantization.
      const QuantParams q =
          (trial + i) % 3 == 0
              ? out
              : QuantParams{scale(rng), type == TensorType::INT8 ? zero_point(rng) : 0};
      std::vector<T> values(Count(shape));
      for (T& v : values) v = static_cast<T>(value(rng));
      std::vector<T> expected(values.size());
      for (size_t k = 0; k < values.size(); ++k) {
        const double real = (static_cast<double>(values[k]) - q.zero_point) * q.scale;
        const double steps = std::round(real / out.scale) + out.zero_point;
        expected[k] = static_cast<T>(std::min<double>(hi, std::max<double>(lo, steps)));
      }
      test.InputOf<T>(shape, values).Quantize({q.scale}, {q.zero_point});
      shapes.push_back(shape);
      inputs.push_back(values);
      expected_parts.push_back(expected);
      quants.push_back(q);
    }
    std::vector<int32_t> out_shape = base;
    out_shape[axis] = 0;
    for (const auto& shape : shapes) out_shape[axis] += shape[axis];
    test.Output(out_shape, type).Quantize({out.scale}, {out.zero_point}).Options(Concat(axis));
    ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
    const std::vector<T> actual = test.OutputAs<T>(0);
    const std::vector<T> expected = ReferenceConcat(expected_parts, shapes, axis, out_shape);
    const std::vector<T> copied = ReferenceConcat(inputs, shapes, axis, out_shape);
    // Which input each output value comes from: concatenate the indices.
    std::vector<std::vector<T>> owners;
    for (int i = 0; i < num_inputs; ++i) owners.emplace_back(inputs[i].size(), static_cast<T>(i));
    const std::vector<T> owner = ReferenceConcat(owners, shapes, axis, out_shape);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t k = 0; k < actual.size(); ++k) {
      const QuantParams& q = quants[owner[k]];
      if (q.scale == out.scale && q.zero_point == out.zero_point) {
        EXPECT_EQ(actual[k], copied[k]) << "trial " << trial << " at " << k;
        continue;
      }
      EXPECT_LE(std::abs(actual[k] - expected[k]), 1) << "trial " << trial << " at " << k;
      exact += actual[k] == expected[k];
      ++total;
    }
  }
  EXPECT_GT(exact, total * 9 / 10) << exact << " of " << total << " exact";
}

TEST(ConcatenationTest, Int8SweepAgainstFloatReference) {
  SweepQuantizedConcat<int8_t>(TensorType::INT8, 31);
}

TEST(ConcatenationTest, Int16SweepAgainstFloatReference) {
  SweepQuantizedConcat<int16_t>(TensorType::INT16, 32);
}

template <typename T>
void ExpectConcatMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<T> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 2) << "not a CONCATENATION model";
  OpTester test(schema::OpCode::CONCATENATION);
  for (int32_t input : golden.op.op_inputs) golden.AddInput(test, input);
  golden.AddOutput(test);
  // TFLite's ConcatenationOptions: axis (0), fused activation (1, NONE here).
  test.Options(Concat(golden.op.template Option<int32_t>(0, 0)));
  testing::ExpectMatchesGolden(test, kernels::kConcatenation, golden);
}

TEST(ConcatenationTest, Int8MatchesTflm) { ExpectConcatMatchesTflm<int8_t>("data_concat_copy"); }

TEST(ConcatenationTest, Int16MatchesTflm) {
  ExpectConcatMatchesTflm<int16_t>("data_i16_concat_copy");
}

TEST(ConcatenationTest, Int8RequantizesLikeTflmQuantize) {
  // TFLM refuses differently quantized concatenation inputs, so the case is
  // TFLM's int8-to-int8 QUANTIZE of every int8 value: concatenated after a
  // copied input, the requantized input must come out exactly as TFLM's
  // QUANTIZE outputs.
  testing::DataCase<int8_t> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase("data_concat_requant_quantize", &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 114) << "not a QUANTIZE model";
  const testing::TfliteTensor& out = golden.op.tensors.at(golden.op.op_output);
  const std::vector<int8_t> copied(64, 33);
  OpTester test(schema::OpCode::CONCATENATION);
  test.InputOf<int8_t>({1, 64}, copied, true).Quantize(out.scales, out.zero_points);
  golden.AddInput(test, golden.op.op_inputs[0]);
  test.Output({5, 64}, TensorType::INT8).Quantize(out.scales, out.zero_points).Options(Concat(0));
  ASSERT_EQ(test.Run(kernels::kConcatenation), Status::kOk) << test.error();
  std::vector<int8_t> expected(copied.size() + golden.golden.size());
  std::copy(copied.begin(), copied.end(), expected.begin());
  std::copy(golden.golden.begin(), golden.golden.end(), expected.begin() + copied.size());
  EXPECT_EQ(test.OutputAs<int8_t>(0), expected);
}

TEST(ConcatenationTest, QuantizedRejectsBadModels) {
  {
    // Quantized output, unquantized input.
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int8_t>({2}, {1, 2})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.25f}, {0})
        .Output({4}, TensorType::INT8)
        .Quantize({0.5f}, {0})
        .Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "unquantized input";
    EXPECT_NE(test.error().find("input 0 is int8 and needs 1 quantization scale"),
              std::string::npos)
        << test.error();
  }
  {
    // Unquantized output, quantized input: nothing to requantize to.
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int8_t>({2}, {1, 2})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.25f}, {0})
        .Output({4}, TensorType::INT8)
        .Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "unquantized output";
    EXPECT_NE(test.error().find("input 1 and output 0 must be quantized alike"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.25f}, {0})
        .InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.25f}, {5})
        .Output({4}, TensorType::INT16)
        .Quantize({0.5f}, {0})
        .Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "int16 zero point";
    EXPECT_NE(test.error().find("input 1 is int16 and must have zero point 0"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.25f}, {0})
        .Output({2}, TensorType::INT8)
        .Quantize({0.25f}, {0})
        .Options(Concat(0, schema::Activation::RELU));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "int8 activation";
  }
  {
    OpTester test(schema::OpCode::CONCATENATION);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.25f, 0.5f}, {0, 0})
        .Output({2}, TensorType::INT8)
        .Quantize({0.25f}, {0})
        .Options(Concat(0));
    EXPECT_EQ(test.Run(kernels::kConcatenation), Status::kInvalidModel) << "per-channel input";
  }
}

}  // namespace
}  // namespace ember
