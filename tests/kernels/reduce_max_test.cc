#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
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

schema::OpOptionsUnion Reducer(std::vector<int32_t> axes, bool keep_dims) {
  schema::ReducerOptionsT options;
  options.axes = std::move(axes);
  options.keep_dims = keep_dims;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Straightforward reference: for each output element, scan all input elements
// and keep those whose coordinates along the kept axes match it.
template <typename T>
std::vector<T> ReferenceMax(const std::vector<T>& in, const std::vector<int32_t>& shape,
                            const std::vector<int32_t>& axes, bool keep_dims,
                            std::vector<int32_t>* out_shape) {
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> reduced(rank, false);
  for (int32_t a : axes) reduced[a < 0 ? a + rank : a] = true;
  std::vector<int32_t> kept_dims;
  out_shape->clear();
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) kept_dims.push_back(shape[d]);
    if (!reduced[d] || keep_dims) out_shape->push_back(reduced[d] ? 1 : shape[d]);
  }
  int64_t out_count = 1;
  for (int32_t d : kept_dims) out_count *= d;
  std::vector<T> result(out_count);
  for (int64_t o = 0; o < out_count; ++o) {
    bool any = false;
    T best{};
    for (size_t i = 0; i < in.size(); ++i) {
      int64_t rest = static_cast<int64_t>(i);
      int64_t key = 0;
      int64_t scale = 1;
      for (int d = rank - 1; d >= 0; --d) {
        const int64_t c = rest % shape[d];
        rest /= shape[d];
        if (!reduced[d]) {
          key += c * scale;
          scale *= shape[d];
        }
      }
      if (key != o) continue;
      if (!any || in[i] > best) best = in[i];
      any = true;
    }
    result[o] = best;
  }
  return result;
}

const std::vector<std::vector<int32_t>> kShapes = {
    {5}, {3, 4}, {1, 3, 1}, {2, 3, 4}, {2, 1, 3, 3}, {2, 2, 2, 1, 3}, {1, 2, 1, 2, 2, 3}};

std::vector<int32_t> AxesOf(int subset, int rank) {
  std::vector<int32_t> axes;
  for (int d = 0; d < rank; ++d) {
    if (subset & (1 << d)) axes.push_back((d + subset) % 2 ? d - rank : d);
  }
  return axes;
}

TEST(ReduceMaxTest, HandWorked) {
  // [[1, 9, 3], [4, -5, 6]]: row maxima 9 and 6, column maxima 4, 9, 6.
  OpTester rows(schema::OpCode::REDUCE_MAX);
  rows.Input({2, 3}, {1, 9, 3, 4, -5, 6}).Output({2}).Options(Reducer({1}, false));
  ASSERT_EQ(rows.Run(kernels::kReduceMax), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{9, 6}));

  OpTester cols(schema::OpCode::REDUCE_MAX);
  cols.InputOf<int32_t>({2, 3}, {1, 9, 3, 4, -5, 6})
      .Output({1, 3}, schema::TensorType::INT32)
      .Options(Reducer({-2}, true));
  ASSERT_EQ(cols.Run(kernels::kReduceMax), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputAs<int32_t>(0), (std::vector<int32_t>{4, 9, 6}));
}

TEST(ReduceMaxTest, AllNegativeAndEmpty) {
  // The running maximum must not start at 0.
  OpTester negative(schema::OpCode::REDUCE_MAX);
  negative.Input({1, 3}, {-7, -3, -5}).Output({1}).Options(Reducer({1}, false));
  ASSERT_EQ(negative.Run(kernels::kReduceMax), Status::kOk) << negative.error();
  EXPECT_EQ(negative.OutputFloats(0), (std::vector<float>{-3}));

  // An empty reduction yields the lowest value: -inf / INT32_MIN.
  OpTester empty(schema::OpCode::REDUCE_MAX);
  empty.Input({2, 0}, {}).Output({2}).Options(Reducer({1}, false));
  ASSERT_EQ(empty.Run(kernels::kReduceMax), Status::kOk) << empty.error();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(empty.OutputFloats(0), (std::vector<float>{-inf, -inf}));

  OpTester empty_int(schema::OpCode::REDUCE_MAX);
  empty_int.InputOf<int32_t>({0}, {})
      .Output({1}, schema::TensorType::INT32)
      .Options(Reducer({0}, true));
  ASSERT_EQ(empty_int.Run(kernels::kReduceMax), Status::kOk) << empty_int.error();
  EXPECT_EQ(empty_int.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN}));
}

TEST(ReduceMaxTest, InfersShapes) {
  // [[1, 9, 3], [4, -5, 6]] over both axes: 9, a scalar without keep_dims.
  OpTester all(schema::OpCode::REDUCE_MAX);
  all.Input({2, 3}, {1, 9, 3, 4, -5, 6}).Output({}).Options(Reducer({0, 1}, false)).InferShapes();
  ASSERT_EQ(all.Run(kernels::kReduceMax), Status::kOk) << all.error();
  EXPECT_TRUE(all.OutputShape(0).empty());
  EXPECT_EQ(all.OutputFloats(0), (std::vector<float>{9}));

  // Over axis 0 with keep_dims: [1, 3] of column maxima 4, 9, 6.
  OpTester cols(schema::OpCode::REDUCE_MAX);
  cols.Input({2, 3}, {1, 9, 3, 4, -5, 6}).Output({}).Options(Reducer({0}, true)).InferShapes();
  ASSERT_EQ(cols.Run(kernels::kReduceMax), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputShape(0), (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(cols.OutputFloats(0), (std::vector<float>{4, 9, 6}));

  // A scalar is its own maximum.
  OpTester scalar(schema::OpCode::REDUCE_MAX);
  scalar.InputOf<int32_t>({}, {-4})
      .Output({}, schema::TensorType::INT32)
      .Options(Reducer({}, true))
      .InferShapes();
  ASSERT_EQ(scalar.Run(kernels::kReduceMax), Status::kOk) << scalar.error();
  EXPECT_TRUE(scalar.OutputShape(0).empty());
  EXPECT_EQ(scalar.OutputAs<int32_t>(0), (std::vector<int32_t>{-4}));
}

TEST(ReduceMaxTest, SweepAgainstReference) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-100.0f, 100.0f);
  std::uniform_int_distribution<int32_t> int_value(INT32_MIN, INT32_MAX);
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    for (int subset = 0; subset < (1 << rank); ++subset) {
      for (bool keep_dims : {false, true}) {
        const std::vector<int32_t> axes = AxesOf(subset, rank);
        std::vector<int32_t> out_shape;
        // Max is exact, so results must match bit for bit.
        std::vector<float> in(count);
        for (float& v : in) v = value(rng);
        const std::vector<float> expected = ReferenceMax(in, shape, axes, keep_dims, &out_shape);
        OpTester test(schema::OpCode::REDUCE_MAX);
        test.Input(shape, in).Output(out_shape).Options(Reducer(axes, keep_dims));
        ASSERT_EQ(test.Run(kernels::kReduceMax), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputFloats(0), expected) << "subset " << subset << " rank " << rank;

        std::vector<int32_t> int_in(count);
        for (int32_t& v : int_in) v = int_value(rng);
        const std::vector<int32_t> int_expected =
            ReferenceMax(int_in, shape, axes, keep_dims, &out_shape);
        // The int32 runs let the kernel infer the output shape (declared {}).
        OpTester int_test(schema::OpCode::REDUCE_MAX);
        int_test.InputOf<int32_t>(shape, int_in)
            .Output({}, schema::TensorType::INT32)
            .Options(Reducer(axes, keep_dims))
            .InferShapes();
        ASSERT_EQ(int_test.Run(kernels::kReduceMax), Status::kOk) << int_test.error();
        EXPECT_EQ(int_test.OutputShape(0), out_shape);
        EXPECT_EQ(int_test.OutputAs<int32_t>(0), int_expected)
            << "subset " << subset << " rank " << rank;
      }
    }
  }
}

TEST(ReduceMaxTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::REDUCE_MAX);
    test.Input({2, 3}, std::vector<float>(6)).Output({2}).Options(Reducer({5}, false));
    EXPECT_EQ(test.Run(kernels::kReduceMax), Status::kInvalidModel) << "axis out of range";
  }
  {
    OpTester test(schema::OpCode::REDUCE_MAX);
    test.Input({2, 3}, std::vector<float>(6)).Output({1, 3}).Options(Reducer({1}, true));
    EXPECT_EQ(test.Run(kernels::kReduceMax), Status::kInvalidModel) << "wrong output dims";
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::REDUCE_MAX);
    test.Input({2, 3}, std::vector<float>(6)).Output({2});
    EXPECT_EQ(test.Run(kernels::kReduceMax), Status::kInvalidModel) << "missing options";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

TEST(ReduceMaxTest, Int8AndInt16PickStoredValues) {
  // Quantized alike, the maximum of the stored values is the stored maximum:
  // rows [-7, 3, -128] and [127, 0, 5].
  OpTester int8(schema::OpCode::REDUCE_MAX);
  int8.InputOf<int8_t>({2, 3}, {-7, 3, -128, 127, 0, 5})
      .Quantize({0.25f}, {-9})
      .Output({2}, TensorType::INT8)
      .Quantize({0.25f}, {-9})
      .Options(Reducer({1}, false));
  ASSERT_EQ(int8.Run(kernels::kReduceMax), Status::kOk) << int8.error();
  EXPECT_EQ(int8.OutputAs<int8_t>(0), (std::vector<int8_t>{3, 127}));

  OpTester int16(schema::OpCode::REDUCE_MAX);
  int16.InputOf<int16_t>({2, 2}, {-32768, -1, 300, -300})
      .Quantize({0.01f}, {0})
      .Output({1, 2}, TensorType::INT16)
      .Quantize({0.01f}, {0})
      .Options(Reducer({0}, true));
  ASSERT_EQ(int16.Run(kernels::kReduceMax), Status::kOk) << int16.error();
  EXPECT_EQ(int16.OutputAs<int16_t>(0), (std::vector<int16_t>{300, -1}));

  // An empty reduction gives the lowest value, as in TFLite.
  OpTester empty(schema::OpCode::REDUCE_MAX);
  empty.InputOf<int8_t>({2, 0}, {})
      .Quantize({0.25f}, {1})
      .Output({2}, TensorType::INT8)
      .Quantize({0.25f}, {1})
      .Options(Reducer({1}, false));
  ASSERT_EQ(empty.Run(kernels::kReduceMax), Status::kOk) << empty.error();
  EXPECT_EQ(empty.OutputAs<int8_t>(0), (std::vector<int8_t>{-128, -128}));
}

template <typename T>
void SweepQuantizedMax(TensorType type, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> value(std::numeric_limits<T>::min(),
                                               std::numeric_limits<T>::max());
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    for (int subset = 0; subset < (1 << rank); ++subset) {
      const std::vector<int32_t> axes = AxesOf(subset, rank);
      const bool keep_dims = (subset & 1) != 0;
      int64_t count = 1;
      for (int32_t d : shape) count *= d;
      std::vector<T> values(count);
      for (T& v : values) v = static_cast<T>(value(rng));
      std::vector<int32_t> out_shape;
      const std::vector<T> expected = ReferenceMax(values, shape, axes, keep_dims, &out_shape);
      OpTester test(schema::OpCode::REDUCE_MAX);
      test.InputOf<T>(shape, values)
          .Quantize({0.125f}, {type == TensorType::INT8 ? 3 : 0})
          .Output(out_shape, type)
          .Quantize({0.125f}, {type == TensorType::INT8 ? 3 : 0})
          .Options(Reducer(axes, keep_dims));
      ASSERT_EQ(test.Run(kernels::kReduceMax), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<T>(0), expected) << "subset " << subset << " rank " << rank;
    }
  }
}

TEST(ReduceMaxTest, Int8SweepAgainstReference) { SweepQuantizedMax<int8_t>(TensorType::INT8, 5); }

TEST(ReduceMaxTest, Int16SweepAgainstReference) {
  SweepQuantizedMax<int16_t>(TensorType::INT16, 6);
}

TEST(ReduceMaxTest, Int8MatchesTflm) {
  testing::DataCase<int8_t> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase("data_reduce_max_axis1", &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 82) << "not a REDUCE_MAX model";
  OpTester test(schema::OpCode::REDUCE_MAX);
  golden.AddInput(test, golden.op.op_inputs[0]);
  golden.AddOutput(test);
  test.Options(
      Reducer(golden.Int32Values(golden.op.op_inputs[1]), golden.op.Option<uint8_t>(0, 0) != 0));
  testing::ExpectMatchesGolden(test, kernels::kReduceMax, golden);
}

TEST(ReduceMaxTest, QuantizedRejectsDifferentQuantization) {
  struct Bad {
    const char* what;
    float out_scale;
    int64_t out_zero_point;
    const char* message;
  };
  const Bad cases[] = {
      {"scale", 0.5f, 3, "must be quantized alike"},
      {"zero point", 0.25f, 4, "must be quantized alike"},
  };
  for (const Bad& c : cases) {
    OpTester test(schema::OpCode::REDUCE_MAX);
    test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
        .Quantize({0.25f}, {3})
        .Output({2}, TensorType::INT8)
        .Quantize({c.out_scale}, {c.out_zero_point})
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kReduceMax), Status::kInvalidModel) << c.what;
    EXPECT_NE(test.error().find(c.message), std::string::npos) << c.what << ": " << test.error();
  }
  OpTester int16(schema::OpCode::REDUCE_MAX);
  int16.InputOf<int16_t>({2, 3}, std::vector<int16_t>(6))
      .Quantize({0.25f}, {2})
      .Output({2}, TensorType::INT16)
      .Quantize({0.25f}, {2})
      .Options(Reducer({1}, false));
  EXPECT_EQ(int16.Run(kernels::kReduceMax), Status::kInvalidModel) << "int16 zero point";
}

}  // namespace
}  // namespace ember
