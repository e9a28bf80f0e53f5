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
// `multiply` folds one value into a product that starts at 1.
template <typename T, typename Acc, typename Multiply>
std::vector<Acc> ReferenceProd(const std::vector<T>& in, const std::vector<int32_t>& shape,
                               const std::vector<int32_t>& axes, std::vector<int32_t>* out_shape,
                               Multiply multiply) {
  const int rank = static_cast<int>(shape.size());
  std::vector<bool> reduced(rank, false);
  for (int32_t a : axes) reduced[a < 0 ? a + rank : a] = true;
  out_shape->clear();
  int64_t out_count = 1;
  for (int d = 0; d < rank; ++d) {
    if (reduced[d]) continue;
    out_shape->push_back(shape[d]);
    out_count *= shape[d];
  }
  std::vector<Acc> products(out_count, Acc{1});
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
    products[o] = multiply(products[o], in[i]);
  }
  return products;
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

TEST(ReduceProdTest, HandWorked) {
  // [[1, 2, 3], [4, 5, 6]]: row products 6 and 120, column products 4, 10, 18.
  OpTester rows(schema::OpCode::REDUCE_PROD);
  rows.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({2, 1}).Options(Reducer({-1}, true));
  ASSERT_EQ(rows.Run(kernels::kReduceProd), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{6, 120}));

  OpTester cols(schema::OpCode::REDUCE_PROD);
  cols.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, -6})
      .Output({3}, TensorType::INT32)
      .Options(Reducer({0, 0}, false));
  ASSERT_EQ(cols.Run(kernels::kReduceProd), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputAs<int32_t>(0), (std::vector<int32_t>{4, 10, -18}));
}

TEST(ReduceProdTest, EmptyAxesIsIdentityAndEmptyReductionIsOne) {
  OpTester identity(schema::OpCode::REDUCE_PROD);
  identity.InputOf<int32_t>({3}, {7, -8, 9})
      .Output({3}, TensorType::INT32)
      .Options(Reducer({}, true));
  ASSERT_EQ(identity.Run(kernels::kReduceProd), Status::kOk) << identity.error();
  EXPECT_EQ(identity.OutputAs<int32_t>(0), (std::vector<int32_t>{7, -8, 9}));

  // tf.reduce_prod(tf.zeros([0, 3]), axis=0) is [1, 1, 1].
  OpTester empty(schema::OpCode::REDUCE_PROD);
  empty.Input({0, 3}, {}).Output({3}).Options(Reducer({0}, false));
  ASSERT_EQ(empty.Run(kernels::kReduceProd), Status::kOk) << empty.error();
  EXPECT_EQ(empty.OutputFloats(0), (std::vector<float>{1, 1, 1}));
}

TEST(ReduceProdTest, InfersShapes) {
  // [[1, 2, 3], [4, 5, 6]] multiplied over everything: 720, a scalar without
  // keep_dims and [1, 1] with it.
  for (bool keep_dims : {false, true}) {
    OpTester test(schema::OpCode::REDUCE_PROD);
    test.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6})
        .Output({}, TensorType::INT32)
        .Options(Reducer({1, 0}, keep_dims))
        .InferShapes();
    ASSERT_EQ(test.Run(kernels::kReduceProd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputShape(0),
              (keep_dims ? std::vector<int32_t>{1, 1} : std::vector<int32_t>{}));
    EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{720}));
  }
}

TEST(ReduceProdTest, Int32WrapsAround) {
  // 2^16 * 2^15 = 2^31 wraps to -2^31; 2^16 * 2^16 = 2^32 wraps to 0;
  // (2^31 - 1) * 3 = 3 * 2^31 - 3, which is 2^31 - 3 modulo 2^32.
  OpTester test(schema::OpCode::REDUCE_PROD);
  test.InputOf<int32_t>({3, 2}, {65536, 32768, 65536, 65536, INT32_MAX, 3})
      .Output({3}, TensorType::INT32)
      .Options(Reducer({1}, false));
  ASSERT_EQ(test.Run(kernels::kReduceProd), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{INT32_MIN, 0, INT32_MAX - 2}));
}

TEST(ReduceProdTest, FloatSweepAgainstReference) {
  std::mt19937 rng(17);
  // Factors near 1 keep products of up to 72 factors far from overflow.
  std::uniform_real_distribution<float> value(0.5f, 1.5f);
  std::bernoulli_distribution negative(0.3);
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    std::vector<float> input(count);
    for (float& v : input) v = negative(rng) ? -value(rng) : value(rng);
    for (int subset = 0; subset < (1 << rank); ++subset) {
      const std::vector<int32_t> axes = AxesOf(subset, rank);
      std::vector<int32_t> out_shape;
      const std::vector<double> expected = ReferenceProd<float, double>(
          input, shape, axes, &out_shape, [](double acc, float v) { return acc * v; });
      OpTester test(schema::OpCode::REDUCE_PROD);
      test.Input(shape, input).Output(out_shape).Options(Reducer(axes, false));
      ASSERT_EQ(test.Run(kernels::kReduceProd), Status::kOk) << test.error();
      // Each float multiply rounds by at most 2^-24 relative; 72 factors stay
      // within 1e-5 relative of the double product.
      EXPECT_TRUE(AllClose(test.OutputFloats(0),
                           std::vector<float>(expected.begin(), expected.end()), 0.0f, 1e-5f))
          << "subset " << subset << " of rank " << rank;
    }
  }
}

TEST(ReduceProdTest, Int32SweepAgainstReference) {
  std::mt19937 rng(18);
  std::uniform_int_distribution<int32_t> value(-40000, 40000);
  for (const auto& shape : kShapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    std::vector<int32_t> input(count);
    for (int32_t& v : input) v = value(rng);
    for (int subset = 0; subset < (1 << rank); ++subset) {
      const std::vector<int32_t> axes = AxesOf(subset, rank);
      std::vector<int32_t> out_shape;
      // The exact product modulo 2^64, whose low 32 bits are the wrapped int32
      // product.
      const std::vector<uint64_t> expected = ReferenceProd<int32_t, uint64_t>(
          input, shape, axes, &out_shape,
          [](uint64_t acc, int32_t v) { return acc * static_cast<uint64_t>(int64_t{v}); });
      std::vector<int32_t> expected_low(expected.size());
      for (size_t i = 0; i < expected.size(); ++i) {
        const uint32_t low = static_cast<uint32_t>(expected[i] & 0xffffffffu);
        expected_low[i] = low >= 0x80000000u
                              ? static_cast<int32_t>(int64_t{low} - (int64_t{1} << 32))
                              : static_cast<int32_t>(low);
      }
      OpTester test(schema::OpCode::REDUCE_PROD);
      test.InputOf<int32_t>(shape, input)
          .Output(out_shape, TensorType::INT32)
          .Options(Reducer(axes, false));
      ASSERT_EQ(test.Run(kernels::kReduceProd), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<int32_t>(0), expected_low)
          << "subset " << subset << " of rank " << rank;
    }
  }
}

TEST(ReduceProdTest, RejectsUnsupportedAndMalformedModels) {
  {
    OpTester test(schema::OpCode::REDUCE_PROD);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {0})
        .Output({1}, TensorType::INT8)
        .Quantize({0.5f}, {0})
        .Options(Reducer({0}, true));
    EXPECT_EQ(test.Run(kernels::kReduceProd), Status::kUnsupported) << "int8";
  }
  {
    OpTester test(schema::OpCode::REDUCE_PROD);
    test.Input({2}, {1, 2}).Output({1});
    EXPECT_EQ(test.Run(kernels::kReduceProd), Status::kInvalidModel) << "no options";
    EXPECT_NE(test.error().find("ReducerOptions are required"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::REDUCE_PROD);
    test.Input({2, 2}, {1, 2, 3, 4}).Output({2}).Options(Reducer({2}, false));
    EXPECT_EQ(test.Run(kernels::kReduceProd), Status::kInvalidModel) << "axis past rank";
    EXPECT_NE(test.error().find("out of range"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::REDUCE_PROD);
    test.Input({2, 2}, {1, 2, 3, 4}).Output({2}, TensorType::INT32).Options(Reducer({0}, false));
    EXPECT_EQ(test.Run(kernels::kReduceProd), Status::kInvalidModel) << "type differs";
  }
}

}  // namespace
}  // namespace ember
