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
// Sums in double. Returns the output shape through `out_shape`.
std::vector<double> ReferenceMean(const std::vector<float>& in, const std::vector<int32_t>& shape,
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
  std::vector<double> sums(out_count, 0.0);
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
  for (double& s : sums) s /= static_cast<double>(*per_output);
  return sums;
}

TEST(MeanTest, HandWorked) {
  // [[1, 2, 3], [4, 5, 6]]: row means 2 and 5, column means 2.5, 3.5, 4.5.
  OpTester rows(schema::OpCode::MEAN);
  rows.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({2}).Options(Reducer({1}, false));
  ASSERT_EQ(rows.Run(kernels::kMean), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{2, 5}));

  OpTester cols(schema::OpCode::MEAN);
  cols.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({1, 3}).Options(Reducer({-2}, true));
  ASSERT_EQ(cols.Run(kernels::kMean), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputFloats(0), (std::vector<float>{2.5f, 3.5f, 4.5f}));

  // Repeated axes count once: the mean of all six is 3.5.
  OpTester all(schema::OpCode::MEAN);
  all.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({1, 1}).Options(Reducer({0, 1, -1, 0}, true));
  ASSERT_EQ(all.Run(kernels::kMean), Status::kOk) << all.error();
  EXPECT_EQ(all.OutputFloats(0), (std::vector<float>{3.5f}));
}

TEST(MeanTest, GlobalAveragePoolOverHeightAndWidth) {
  // NHWC [2, 2, 2, 1]: batch 0 holds 1..4 (mean 2.5), batch 1 holds 10..40
  // (mean 25).
  OpTester test(schema::OpCode::MEAN);
  test.Input({2, 2, 2, 1}, {1, 2, 3, 4, 10, 20, 30, 40})
      .Output({2, 1, 1, 1})
      .Options(Reducer({1, 2}, true));
  ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2.5f, 25.0f}));
}

TEST(MeanTest, EmptyAxesIsIdentity) {
  OpTester test(schema::OpCode::MEAN);
  test.Input({2, 2}, {1, -2, 3, 4}).Output({2, 2}).Options(Reducer({}, false));
  ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, -2, 3, 4}));
}

TEST(MeanTest, EmptyReductionIsNan) {
  // Averaging zero elements is 0/0, as in TensorFlow.
  OpTester test(schema::OpCode::MEAN);
  test.Input({2, 0}, {}).Output({2}).Options(Reducer({1}, false));
  ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
  const std::vector<float> out = test.OutputFloats(0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
}

TEST(MeanTest, InfersShapes) {
  // [2, 3, 4] over axes {0, 2}: a [3] output without keep_dims, [1, 3, 1]
  // with. Element k of the middle dim is k*4 + 12*b + w for b in 0..1 and w
  // in 0..3 (values 0..23 in order), so its mean is 4k + 6 + 1.5 = 4k + 7.5.
  std::vector<float> in(24);
  for (int i = 0; i < 24; ++i) in[i] = static_cast<float>(i);
  for (bool keep_dims : {false, true}) {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3, 4}, in).Output({}).Options(Reducer({0, -1}, keep_dims)).InferShapes();
    ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0),
              (keep_dims ? std::vector<int32_t>{1, 3, 1} : std::vector<int32_t>{3}));
    EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{7.5f, 11.5f, 15.5f}));
  }
}

TEST(MeanTest, Scalars) {
  // Every axis without keep_dims: a scalar, the mean of 1..4.
  OpTester full(schema::OpCode::MEAN);
  full.Input({2, 2}, {1, 2, 3, 4}).Output({}).Options(Reducer({0, 1}, false));
  ASSERT_EQ(full.Run(kernels::kMean), Status::kOk) << full.error();
  EXPECT_TRUE(full.OutputShape(0).empty());
  EXPECT_EQ(full.OutputFloats(0), (std::vector<float>{2.5f}));

  // A scalar input has no axes to reduce: the identity.
  OpTester scalar(schema::OpCode::MEAN);
  scalar.Input({}, {-6}).Output({}).Options(Reducer({}, true)).InferShapes();
  ASSERT_EQ(scalar.Run(kernels::kMean), Status::kOk) << scalar.error();
  EXPECT_TRUE(scalar.OutputShape(0).empty());
  EXPECT_EQ(scalar.OutputFloats(0), (std::vector<float>{-6}));

  OpTester axis(schema::OpCode::MEAN);
  axis.Input({}, {1}).Output({}).Options(Reducer({0}, false));
  EXPECT_EQ(axis.Run(kernels::kMean), Status::kInvalidModel) << "axis 0 of a scalar";
}

TEST(MeanTest, SweepAgainstReference) {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  const std::vector<std::vector<int32_t>> shapes = {
      {7},          {3, 5},       {1, 4, 1},       {2, 3, 4},
      {2, 1, 5, 3}, {1, 1, 1, 1}, {3, 2, 2, 2, 3}, {2, 2, 1, 2, 1, 3}};
  int cases = 0;
  for (const auto& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    // Every subset of axes, written half the time as negative indices.
    for (int subset = 0; subset < (1 << rank); ++subset) {
      for (bool keep_dims : {false, true}) {
        std::vector<int32_t> axes;
        for (int d = 0; d < rank; ++d) {
          if (subset & (1 << d)) axes.push_back((d + subset) % 2 ? d - rank : d);
        }
        int64_t count = 1;
        for (int32_t d : shape) count *= d;
        std::vector<float> in(count);
        for (float& v : in) v = value(rng);
        std::vector<int32_t> out_shape;
        int64_t per_output = 0;
        const std::vector<double> expected =
            ReferenceMean(in, shape, axes, keep_dims, &out_shape, &per_output);
        // Half the runs declare the output shape, half let the kernel infer
        // it (declared {}); reducing every dim without keep_dims is a scalar.
        const bool infer = subset % 2 == 1;
        OpTester test(schema::OpCode::MEAN);
        test.Input(shape, in)
            .Output(infer ? std::vector<int32_t>{} : out_shape)
            .Options(Reducer(axes, keep_dims));
        if (infer) test.InferShapes();
        ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputShape(0), out_shape);
        // Float accumulation of n terms of magnitude <= 1 errs by at most
        // n * n * 2^-24 on the sum, n * 2^-24 after dividing by n; plus one
        // rounding of the division.
        const float atol = static_cast<float>(per_output) * 6e-8f + 1e-7f;
        EXPECT_TRUE(AllClose(test.OutputFloats(0),
                             std::vector<float>(expected.begin(), expected.end()), atol, 1e-6f))
            << "subset " << subset << " keep_dims " << keep_dims << " rank " << rank;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 200);
}

TEST(MeanTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6)).Output({2}).Options(Reducer({2}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "axis out of range";
    EXPECT_NE(test.error().find("axes[0] = 2"), std::string::npos) << test.error();
  }
  {
    // The interpreter compares the computed shape with the declared one.
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6)).Output({3}).Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "wrong output dim";
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6)).Output({2}).Options(Reducer({1}, true));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "keep_dims needs rank 2";
  }
  {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6)).Output({2});
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "missing options";
  }
  {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6))
        .InputOf<int32_t>({1}, {1})
        .Output({2})
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "axes as an input";
  }
  {
    OpTester test(schema::OpCode::MEAN);
    test.Input({2, 3}, std::vector<float>(6))
        .Output({2}, schema::TensorType::INT32)
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << "type mismatch";
  }
  {
    OpTester test(schema::OpCode::MEAN);
    test.InputOf<int32_t>({2, 3}, std::vector<int32_t>(6))
        .Output({2}, schema::TensorType::INT32)
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kUnsupported) << "int32 mean";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

// An int8 mean of `values` (quantized with `in`) into an output quantized with
// `out`.
OpTester Int8Mean(const std::vector<int32_t>& shape, const std::vector<int8_t>& values,
                  QuantParams in, QuantParams out, std::vector<int32_t> axes, bool keep_dims,
                  std::vector<int32_t> out_shape) {
  OpTester test(schema::OpCode::MEAN);
  test.InputOf<int8_t>(shape, values)
      .Quantize({in.scale}, {in.zero_point})
      .Output(out_shape, TensorType::INT8)
      .Quantize({out.scale}, {out.zero_point})
      .Options(Reducer(std::move(axes), keep_dims));
  return test;
}

TEST(MeanTest, Int8HandWorked) {
  struct Case {
    const char* what;
    std::vector<int8_t> values;
    QuantParams in;
    QuantParams out;
    int8_t expected;
  };
  const Case cases[] = {
      // Reals 5, 10, 15.5, 20: mean 12.625 = 50.5 output steps of 0.25. The
      // multiplier 0.5 / 0.25 = 2 is 2^30 * 2^2; folding 1/4 in gives 2^30 *
      // 2^0, and (101 * 2^30 + 2^30) / 2^31 = 51: the tie goes up; -3 + 51.
      {"tie up", {10, 20, 31, 40}, {0.5f, 0}, {0.25f, -3}, 48},
      // Sum 7 of 3 values: 1/3 folded into the multiplier 1 = 2^30 * 2^1 is
      // (2^31 / 3) * 2^0 = 715827882 (truncated); 7 * that rounds to 2.
      {"thirds", {1, 2, 4}, {1.0f, 0}, {1.0f, 0}, 2},
      // Mean -3.5: TFLite's high multiply takes ties toward +infinity, so -3
      // where rounding half away from zero would give -4 (the 1 LSB the
      // float reference allows).
      {"negative tie", {-3, -4}, {1.0f, 0}, {1.0f, 0}, -3},
      // The input zero point 10 comes off the sum (n * 10): reals -8, 12 and
      // 0 average 4/3; at output scale 1/3 that is 4, plus zero point -128.
      {"zero points", {6, 16, 10}, {2.0f, 10}, {1.0f / 3.0f, -128}, -124},
      // Reals 60 and 70 average 65, 130 output steps of 0.5: saturates.
      {"saturates", {100, 120}, {0.5f, -20}, {0.5f, 0}, 127},
  };
  for (const Case& c : cases) {
    const int32_t n = static_cast<int32_t>(c.values.size());
    OpTester test = Int8Mean({1, n}, c.values, c.in, c.out, {1}, false, {1});
    ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << c.what << ": " << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), std::vector<int8_t>{c.expected}) << c.what;
  }
}

// Quantizes `real` with (scale, zero_point), rounding half away from zero,
// clamped to [lo, hi].
int32_t QuantizeReference(double real, QuantParams q, int32_t lo, int32_t hi) {
  const double v = std::round(real / q.scale) + q.zero_point;
  return static_cast<int32_t>(std::min<double>(hi, std::max<double>(lo, v)));
}

// Against the float reference (dequantize, mean in double, quantize): every
// value within 1, and most exact. TFLite's fixed-point multiply rounds twice
// (in the high multiply, then in the right shift), and folding 1/n into the
// multiplier moves log2(n) bits of the scaling into that shift, so the first
// rounding keeps only a few bits below the output LSB: about 1 in 8 results
// is off by one (TFLM's own results; the goldens check them bit for bit).
template <typename T>
void SweepQuantizedMean(TensorType type, uint32_t seed) {
  std::mt19937 rng(seed);
  const int32_t lo = type == TensorType::INT8 ? -128 : -32768;
  const int32_t hi = type == TensorType::INT8 ? 127 : 32767;
  std::uniform_int_distribution<int32_t> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.01f, 0.1f);
  std::uniform_int_distribution<int32_t> zero_point(-20, 20);
  const std::vector<std::vector<int32_t>> shapes = {
      {7}, {3, 5}, {2, 3, 4}, {2, 4, 3, 5}, {1, 1, 9, 2}};
  int total = 0;
  int exact = 0;
  for (const auto& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    for (int subset = 1; subset < (1 << rank); ++subset) {
      std::vector<int32_t> axes;
      for (int d = 0; d < rank; ++d) {
        if (subset & (1 << d)) axes.push_back(d);
      }
      const bool keep_dims = (subset & 1) != 0;
      QuantParams in{scale(rng), type == TensorType::INT8 ? zero_point(rng) : 0};
      // Output scales from a fifth of the input's to twice it.
      QuantParams out{in.scale * std::uniform_real_distribution<float>(0.2f, 2.0f)(rng),
                      type == TensorType::INT8 ? zero_point(rng) : 0};
      int64_t count = 1;
      for (int32_t d : shape) count *= d;
      std::vector<T> values(count);
      for (T& v : values) v = static_cast<T>(value(rng));
      std::vector<float> reals(values.begin(), values.end());
      for (float& r : reals) r = (r - in.zero_point) * in.scale;
      std::vector<int32_t> out_shape;
      int64_t per_output = 0;
      const std::vector<double> means =
          ReferenceMean(reals, shape, axes, keep_dims, &out_shape, &per_output);
      OpTester test(schema::OpCode::MEAN);
      test.InputOf<T>(shape, values)
          .Quantize({in.scale}, {in.zero_point})
          .Output(out_shape, type)
          .Quantize({out.scale}, {out.zero_point})
          .Options(Reducer(axes, keep_dims));
      ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
      const std::vector<T> actual = test.OutputAs<T>(0);
      ASSERT_EQ(actual.size(), means.size());
      for (size_t i = 0; i < means.size(); ++i) {
        const int32_t expected = QuantizeReference(means[i], out, lo, hi);
        EXPECT_LE(std::abs(actual[i] - expected), 1)
            << "subset " << subset << " rank " << rank << " at " << i;
        exact += actual[i] == expected;
        ++total;
      }
    }
  }
  EXPECT_GT(exact, total * 3 / 4) << exact << " of " << total << " exact";
}

TEST(MeanTest, Int8SweepWithinOneOfFloatReference) {
  SweepQuantizedMean<int8_t>(TensorType::INT8, 7);
}

TEST(MeanTest, Int16SweepWithinOneOfFloatReference) {
  SweepQuantizedMean<int16_t>(TensorType::INT16, 8);
}

TEST(MeanTest, Int8EmptyReductionIsZero) {
  // As in TFLite: zeros, not the zero point.
  OpTester test = Int8Mean({2, 0}, {}, {0.5f, 3}, {0.5f, 3}, {1}, false, {2});
  ASSERT_EQ(test.Run(kernels::kMean), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{0, 0}));
}

template <typename T>
void ExpectMeanMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<T> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, 40) << "not a MEAN model";
  // TFLite's operands: the input, the axes (constant int32).
  OpTester test(schema::OpCode::MEAN);
  golden.AddInput(test, golden.op.op_inputs[0]);
  golden.AddOutput(test);
  test.Options(Reducer(golden.Int32Values(golden.op.op_inputs[1]),
                       golden.op.template Option<uint8_t>(0, 0) != 0));
  testing::ExpectMatchesGolden(test, kernels::kMean, golden);
}

TEST(MeanTest, Int8MatchesTflmRequantizing) {
  ExpectMeanMatchesTflm<int8_t>("data_mean_hw_requant");
}

TEST(MeanTest, Int8MatchesTflmSameParams) {
  ExpectMeanMatchesTflm<int8_t>("data_mean_same_params");
}

TEST(MeanTest, Int16MatchesTflm) { ExpectMeanMatchesTflm<int16_t>("data_i16_mean_requant"); }

TEST(MeanTest, QuantizedRejectsBadModels) {
  struct Bad {
    const char* what;
    TensorType type;
    std::vector<float> in_scales;
    std::vector<int64_t> in_zero_points;
    std::vector<float> out_scales;
    std::vector<int64_t> out_zero_points;
    const char* message;
  };
  const Bad cases[] = {
      {"int8 input unquantized", TensorType::INT8, {}, {}, {0.5f}, {0}, "input 0 is int8"},
      {"int8 per-channel output", TensorType::INT8, {0.5f}, {0}, {0.5f, 0.5f}, {0, 0}, "output 0"},
      {"int8 zero point", TensorType::INT8, {0.5f}, {200}, {0.5f}, {0}, "zero point 200"},
      {"zero scale", TensorType::INT8, {0.5f}, {0}, {0.0f}, {0}, "scale 0"},
      {"int16 zero point", TensorType::INT16, {0.5f}, {0}, {0.5f}, {3}, "zero point 0"},
  };
  for (const Bad& c : cases) {
    OpTester test(schema::OpCode::MEAN);
    if (c.type == TensorType::INT8) {
      test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6));
    } else {
      test.InputOf<int16_t>({2, 3}, std::vector<int16_t>(6));
    }
    test.Quantize(c.in_scales, c.in_zero_points)
        .Output({2}, c.type)
        .Quantize(c.out_scales, c.out_zero_points)
        .Options(Reducer({1}, false));
    EXPECT_EQ(test.Run(kernels::kMean), Status::kInvalidModel) << c.what;
    EXPECT_NE(test.error().find(c.message), std::string::npos) << c.what << ": " << test.error();
  }
  OpTester mixed(schema::OpCode::MEAN);
  mixed.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
      .Quantize({0.5f}, {0})
      .Output({2}, TensorType::INT16)
      .Quantize({0.5f}, {0})
      .Options(Reducer({1}, false));
  EXPECT_EQ(mixed.Run(kernels::kMean), Status::kInvalidModel) << "int8 to int16";
}

}  // namespace
}  // namespace ember
