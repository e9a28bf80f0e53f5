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
using testing::AllClose;
using testing::OpTester;

schema::OpOptionsUnion Reducer(std::vector<int32_t> axes, bool keep_dims) {
  schema::ReducerOptionsT options;
  options.axes = std::move(axes);
  options.keep_dims = keep_dims;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Straightforward reference: every input element is decomposed into its
// coordinates, and the coordinates along kept axes name its output element.
// Accumulates in Acc (double for float, int64 for int32).
template <typename T, typename Acc>
std::vector<Acc> ReferenceSum(const std::vector<T>& in, const std::vector<int32_t>& shape,
                              const std::vector<int32_t>& axes, bool keep_dims,
                              std::vector<int32_t>* out_shape, int64_t* per_output) {
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> reduced(rank, false);
  for (int32_t a : axes) reduced[a < 0 ? a + rank : a] = true;
  out_shape->clear();
  int64_t out_count = 1;
  *per_output = 1;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out_shape->push_back(shape[d]);
      out_count *= shape[d];
    } else {
      *per_output *= shape[d];
      if (keep_dims) out_shape->push_back(1);
    }
  }
  std::vector<Acc> sums(out_count, Acc{0});
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t rest = static_cast<int64_t>(i);
    std::vector<int64_t> coord(rank);
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = rest % shape[d];
      rest /= shape[d];
    }
    int64_t o = 0;
    for (int d = 0; d < rank; ++d) {
      if (!reduced[d]) o = o * shape[d] + coord[d];
    }
    sums[o] += in[i];
  }
  return sums;
}

const std::vector<std::vector<int32_t>> kShapes = {
    {7}, {3, 5}, {1, 4, 1}, {2, 3, 4}, {2, 1, 5, 3}, {3, 2, 2, 2, 3}, {2, 2, 1, 2, 1, 3}};

std::vector<int32_t> AxesOf(int subset, int rank) {
  std::vector<int32_t> axes;
  for (int d = 0; d < rank; ++d) {
    if (subset & (1 << d)) axes.push_back((d + subset) % 2 ? d - rank : d);
  }
  return axes;
}

TEST(SumTest, HandWorked) {
  // [[1, 2, 3], [4, 5, 6]]: row sums 6 and 15, column sums 5, 7, 9.
  OpTester rows(schema::OpCode::SUM);
  rows.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({2, 1}).Options(Reducer({-1}, true));
  ASSERT_EQ(rows.Run(kernels::kSum), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{6, 15}));

  OpTester cols(schema::OpCode::SUM);
  cols.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6})
      .Output({3}, schema::TensorType::INT32)
      .Options(Reducer({0, 0}, false));
  ASSERT_EQ(cols.Run(kernels::kSum), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputAs<int32_t>(0), (std::vector<int32_t>{5, 7, 9}));
}

TEST(SumTest, EmptyAxesIsIdentityAndEmptyReductionIsZero) {
  OpTester identity(schema::OpCode::SUM);
  identity.InputOf<int32_t>({3}, {7, -8, 9})
      .Output({3}, schema::TensorType::INT32)
      .Options(Reducer({}, true));
  ASSERT_EQ(identity.Run(kernels::kSum), Status::kOk) << identity.error();
  EXPECT_EQ(identity.OutputAs<int32_t>(0), (std::vector<int32_t>{7, -8, 9}));

  OpTester empty(schema::OpCode::SUM);
  empty.Input({0, 3}, {}).Output({3}).Options(Reducer({0}, false));
  ASSERT_EQ(empty.Run(kernels::kSum), Status::kOk) << empty.error();
  EXPECT_EQ(empty.OutputFloats(0), (std::vector<float>{0, 0, 0}));
}

TEST(SumTest, InfersShapes) {
  // [[1, 2, 3], [4, 5, 6]] summed over everything: 21, a scalar without
  // keep_dims and [1, 1] with it.
  for (bool keep_dims : {false, true}) {
    OpTester test(schema::OpCode::SUM);
    test.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6})
        .Output({}, schema::TensorType::INT32)
        .Options(Reducer({1, 0}, keep_dims))
        .InferShapes();
    ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0),
              (keep_dims ? std::vector<int32_t>{1, 1} : std::vector<int32_t>{}));
    EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{21}));
  }
  // Only axis 1 of [2, 1, 3]: [2, 3] of the same values.
  OpTester middle(schema::OpCode::SUM);
  middle.Input({2, 1, 3}, {1, 2, 3, 4, 5, 6}).Output({}).Options(Reducer({1}, false)).InferShapes();
  ASSERT_EQ(middle.Run(kernels::kSum), Status::kOk) << middle.error();
  EXPECT_EQ(middle.OutputShape(0), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(middle.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  // A scalar input sums to itself.
  OpTester scalar(schema::OpCode::SUM);
  scalar.Input({}, {2.5f}).Output({}).Options(Reducer({}, false));
  ASSERT_EQ(scalar.Run(kernels::kSum), Status::kOk) << scalar.error();
  EXPECT_EQ(scalar.OutputFloats(0), (std::vector<float>{2.5f}));
}

TEST(SumTest, Int32WrapsAround) {
  // 2^31 - 1 + 1 wraps to -2^31 (two's complement, as TensorFlow's int32).
  OpTester test(schema::OpCode::SUM);
  test.InputOf<int32_t>({2}, {INT32_MAX, 1})
      .Output({1}, schema::TensorType::INT32)
      .Options(Reducer({0}, true));
  ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN}));
}

TEST(SumTest, FloatSweepAgainstReference) {
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    for (int subset = 0; subset < (1 << rank); ++subset) {
      for (bool keep_dims : {false, true}) {
        const std::vector<int32_t> axes = AxesOf(subset, rank);
        int64_t count = 1;
        for (int32_t d : shape) count *= d;
        std::vector<float> in(count);
        for (float& v : in) v = value(rng);
        std::vector<int32_t> out_shape;
        int64_t n = 0;
        const std::vector<double> expected =
            ReferenceSum<float, double>(in, shape, axes, keep_dims, &out_shape, &n);
        // Half the runs let the kernel infer the output shape (declared {}).
        const bool infer = keep_dims == (subset % 2 == 0);
        OpTester test(schema::OpCode::SUM);
        test.Input(shape, in)
            .Output(infer ? std::vector<int32_t>{} : out_shape)
            .Options(Reducer(axes, keep_dims));
        if (infer) test.InferShapes();
        ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputShape(0), out_shape);
        // Summing n terms of magnitude <= 1 in float errs by at most
        // n * n * 2^-24 (the partial sums stay below n).
        const float atol = static_cast<float>(n * n) * 6e-8f + 1e-7f;
        EXPECT_TRUE(AllClose(test.OutputFloats(0),
                             std::vector<float>(expected.begin(), expected.end()), atol))
            << "subset " << subset << " keep_dims " << keep_dims << " rank " << rank;
      }
    }
  }
}

TEST(SumTest, Int32SweepAgainstReference) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int32_t> value(-1000, 1000);
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    for (int subset = 0; subset < (1 << rank); ++subset) {
      const bool keep_dims = subset % 3 == 0;
      const std::vector<int32_t> axes = AxesOf(subset, rank);
      int64_t count = 1;
      for (int32_t d : shape) count *= d;
      std::vector<int32_t> in(count);
      for (int32_t& v : in) v = value(rng);
      std::vector<int32_t> out_shape;
      int64_t n = 0;
      const std::vector<int64_t> expected =
          ReferenceSum<int32_t, int64_t>(in, shape, axes, keep_dims, &out_shape, &n);
      OpTester test(schema::OpCode::SUM);
      test.InputOf<int32_t>(shape, in)
          .Output(out_shape, schema::TensorType::INT32)
          .Options(Reducer(axes, keep_dims));
      ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<int32_t>(0), std::vector<int32_t>(expected.begin(), expected.end()))
          << "subset " << subset << " rank " << rank;
    }
  }
}

TEST(SumTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::SUM);
    test.Input({2, 3}, std::vector<float>(6)).Output({2}).Options(Reducer({-3}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kInvalidModel) << "axis out of range";
  }
  {
    OpTester test(schema::OpCode::SUM);
    test.Input({2, 3}, std::vector<float>(6)).Output({2, 3}).Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kInvalidModel) << "wrong output rank";
    EXPECT_NE(test.error().find("declared with rank 2 but the op computes rank 1"),
              std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::SUM);
    test.BoolInput({2, 3}, std::vector<bool>(6))
        .Output({2}, schema::TensorType::BOOL)
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kUnsupported) << "bool";
  }
  {
    OpTester test(schema::OpCode::SUM);
    test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
        .Output({2}, schema::TensorType::INT8)
        .Quantize({0.5f}, {0})
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kInvalidModel) << "unquantized int8 input";
    EXPECT_NE(test.error().find("input 0 is int8 and needs 1 quantization scale"),
              std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::SUM);
    test.InputOf<int16_t>({2, 3}, std::vector<int16_t>(6))
        .Quantize({0.5f}, {0})
        .Output({2}, schema::TensorType::INT16)
        .Quantize({0.5f}, {-4})
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kInvalidModel) << "int16 zero point";
    EXPECT_NE(test.error().find("zero point 0"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SUM);
    test.InputOf<int32_t>({2, 3}, std::vector<int32_t>(6)).Output({2}).Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kSum), Status::kInvalidModel) << "type mismatch";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

TEST(SumTest, Int8HandWorked) {
  // Values 10, -20, 35 at scale 0.1, zero point 5: reals 0.5, -2.5, 3 sum to
  // 1. The integer sum 25 less 3 * 5 is 10 (1.0 / 0.1); the multiplier
  // 0.1 / 0.25 = 0.4 gives 4 output steps of 0.25, plus zero point -7: -3.
  OpTester test(schema::OpCode::SUM);
  test.InputOf<int8_t>({1, 3}, {10, -20, 35})
      .Quantize({0.1f}, {5})
      .Output({1}, TensorType::INT8)
      .Quantize({0.25f}, {-7})
      .Options(Reducer({1}, false));
  ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), std::vector<int8_t>{-3});

  // Sums past the output range saturate: 4 * 100 = 400 steps of the same
  // scale clamps to 127.
  OpTester big(schema::OpCode::SUM);
  big.InputOf<int8_t>({4}, {100, 100, 100, 100})
      .Quantize({0.5f}, {0})
      .Output({}, TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(Reducer({0}, false));
  ASSERT_EQ(big.Run(kernels::kSum), Status::kOk) << big.error();
  EXPECT_EQ(big.OutputAs<int8_t>(0), std::vector<int8_t>{127});
}

// Against the float reference (dequantize, sum in double, quantize): every
// value within 1, and most exact. TFLite's fixed-point multiply rounds twice
// (in the high multiply, then in the right shift); with output scales several
// times the input's, the first rounding keeps only a few bits below the
// output LSB, so about 1 in 5 results is off by one (TFLM's own results; the
// goldens check them bit for bit).
template <typename T>
void SweepQuantizedSum(TensorType type, uint32_t seed) {
  std::mt19937 rng(seed);
  const int32_t lo = type == TensorType::INT8 ? -128 : -32768;
  const int32_t hi = type == TensorType::INT8 ? 127 : 32767;
  std::uniform_int_distribution<int32_t> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.01f, 0.1f);
  std::uniform_int_distribution<int32_t> zero_point(-20, 20);
  int total = 0;
  int exact = 0;
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    for (int subset = 1; subset < (1 << rank); ++subset) {
      const std::vector<int32_t> axes = AxesOf(subset, rank);
      const bool keep_dims = (subset & 2) != 0;
      int64_t count = 1;
      for (int32_t d : shape) count *= d;
      std::vector<T> values(count);
      for (T& v : values) v = static_cast<T>(value(rng));
      const QuantParams in{scale(rng), type == TensorType::INT8 ? zero_point(rng) : 0};
      std::vector<double> reals(values.begin(), values.end());
      for (double& r : reals) r = (r - in.zero_point) * in.scale;
      std::vector<int32_t> out_shape;
      int64_t per_output = 0;
      const std::vector<double> sums =
          ReferenceSum<double, double>(reals, shape, axes, keep_dims, &out_shape, &per_output);
      // An output scale that fits sums of about 3 standard deviations.
      const float spread = static_cast<float>(std::sqrt(static_cast<double>(per_output))) *
                           in.scale * static_cast<float>(hi) / 1.7f;
      const QuantParams out{spread * 3.0f / static_cast<float>(hi) *
                                std::uniform_real_distribution<float>(0.8f, 1.2f)(rng),
                            type == TensorType::INT8 ? zero_point(rng) : 0};
      OpTester test(schema::OpCode::SUM);
      test.InputOf<T>(shape, values)
          .Quantize({in.scale}, {in.zero_point})
          .Output(out_shape, type)
          .Quantize({out.scale}, {out.zero_point})
          .Options(Reducer(axes, keep_dims));
      ASSERT_EQ(test.Run(kernels::kSum), Status::kOk) << test.error();
      const std::vector<T> actual = test.OutputAs<T>(0);
      ASSERT_EQ(actual.size(), sums.size());
      for (size_t i = 0; i < sums.size(); ++i) {
        const double q = std::round(sums[i] / out.scale) + out.zero_point;
        const int32_t expected =
            static_cast<int32_t>(std::min<double>(hi, std::max<double>(lo, q)));
        EXPECT_LE(std::abs(actual[i] - expected), 1)
            << "subset " << subset << " rank " << rank << " at " << i;
        exact += actual[i] == expected;
        ++total;
      }
    }
  }
  EXPECT_GT(exact, total * 3 / 4) << exact << " of " << total << " exact";
}

TEST(SumTest, Int8SweepWithinOneOfFloatReference) {
  SweepQuantizedSum<int8_t>(TensorType::INT8, 11);
}

TEST(SumTest, Int16SweepWithinOneOfFloatReference) {
  SweepQuantizedSum<int16_t>(TensorType::INT16, 12);
}

template <typename T>
void ExpectSumMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<T> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 74) << "not a SUM model";
  OpTester test(schema::OpCode::SUM);
  golden.AddInput(test, golden.op.op_inputs[0]);
  golden.AddOutput(test);
  test.Options(Reducer(golden.Int32Values(golden.op.op_inputs[1]),
                       golden.op.template Option<uint8_t>(0, 0) != 0));
  testing::ExpectMatchesGolden(test, kernels::kSum, golden);
}

TEST(SumTest, Int8MatchesTflm) { ExpectSumMatchesTflm<int8_t>("data_sum_axes_0_2"); }

TEST(SumTest, Int16MatchesTflm) { ExpectSumMatchesTflm<int16_t>("data_i16_sum_axis0"); }

}  // namespace
}  // namespace ember
