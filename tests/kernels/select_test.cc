#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

TEST(SelectTest, PicksElementwise) {
  OpTester test(schema::OpCode::SELECT);
  test.BoolInput({3}, {true, false, true})
      .Input({3}, {1, 2, 3})
      .Input({3}, {10, 20, 30})
      .Output({3});
  ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 20, 3}));
}

// A [2, 1] condition, a [3] x and a scalar y broadcast to [2, 3]: row 0 is
// x, row 1 is y.
TEST(SelectTest, BroadcastsAllThree) {
  OpTester test(schema::OpCode::SELECT);
  test.BoolInput({2, 1}, {true, false}).Input({3}, {1, 2, 3}).ConstInput({}, {0}).Output({2, 3});
  ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 0, 0, 0}));
}

// TensorFlow 1's Select with a rank-1 condition picks rows; the converter
// hands the kernel that condition reshaped to [N, 1], which broadcasting
// turns into whole rows.
TEST(SelectTest, RowConditionReshapedByConverter) {
  OpTester test(schema::OpCode::SELECT);
  test.BoolInput({2, 1}, {false, true})
      .Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .Input({2, 3}, {-1, -2, -3, -4, -5, -6})
      .Output({2, 3});
  ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-1, -2, -3, 4, 5, 6}));
}

// x and y are copied as bytes, whatever their type.
TEST(SelectTest, CopiesAnyType) {
  {
    const int64_t max = std::numeric_limits<int64_t>::max();
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false})
        .InputOf<int64_t>({2}, {max, max - 1})
        .InputOf<int64_t>({2}, {1, max - 2})
        .Output({2}, TensorType::INT64);
    ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int64_t>(0), (std::vector<int64_t>{max, max - 2}));
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({3}, {false, true, false})
        .BoolInput({3}, {true, true, true})
        .BoolInput({}, {false})
        .Output({3}, TensorType::BOOL);
    ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 1, 0}));
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {false, true})
        .InputOf<int8_t>({2}, {-128, 127})
        .Quantize({0.5f}, {3})
        .InputOf<int8_t>({2}, {5, 6}, /*constant=*/true)
        .Quantize({0.5f}, {3})
        .Output({2}, TensorType::INT8)
        .Quantize({0.5f}, {3});
    ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{5, 127}));
  }
}

// Int8 without quantization (ONNX's plain int8) is copied as integers.
TEST(SelectTest, PlainInt8) {
  OpTester test(schema::OpCode::SELECT);
  test.BoolInput({3}, {true, false, true})
      .InputOf<int8_t>({3}, {-128, 0, 127})
      .InputOf<int8_t>({}, {7})
      .Output({3}, TensorType::INT8);
  ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-128, 7, 127}));
}

std::vector<int32_t> BroadcastOf(const std::vector<std::vector<int32_t>>& shapes) {
  size_t rank = 0;
  for (const auto& shape : shapes) rank = std::max(rank, shape.size());
  std::vector<int32_t> out(rank, 1);
  for (const auto& shape : shapes) {
    for (size_t k = 0; k < shape.size(); ++k) {
      int32_t& dim = out[rank - shape.size() + k];
      if (shape[k] != 1) dim = shape[k];
    }
  }
  return out;
}

int64_t CountOf(const std::vector<int32_t>& shape) {
  int64_t count = 1;
  for (int32_t dim : shape) count *= dim;
  return count;
}

// Random three-way broadcasts of every rank 0..6 against a naive reference:
// unravel each output index, map it into each operand by numpy's rule.
TEST(SelectTest, BroadcastSweep) {
  std::mt19937 rng(301);
  std::uniform_int_distribution<int32_t> size(1, 3);
  std::uniform_int_distribution<int> coin(0, 2);
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<int32_t> full;
      for (int d = 0; d < rank; ++d) full.push_back(size(rng));
      std::vector<std::vector<int32_t>> shapes(3);
      for (auto& shape : shapes) {
        for (int32_t dim : full) shape.push_back(coin(rng) == 0 ? 1 : dim);
        while (!shape.empty() && coin(rng) == 0) shape.erase(shape.begin());
      }
      const std::vector<int32_t> out_shape = BroadcastOf(shapes);
      std::vector<bool> condition(CountOf(shapes[0]));
      for (size_t i = 0; i < condition.size(); ++i) condition[i] = coin(rng) == 0;
      std::vector<int32_t> x(CountOf(shapes[1]));
      std::vector<int32_t> y(CountOf(shapes[2]));
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int32_t>(i) + 1;
      for (size_t i = 0; i < y.size(); ++i) y[i] = -static_cast<int32_t>(i) - 1;

      const size_t out_rank = out_shape.size();
      std::vector<int32_t> expected(CountOf(out_shape));
      std::vector<int32_t> index(out_rank);
      auto flat = [&](const std::vector<int32_t>& shape) {
        int64_t offset = 0;
        const size_t lead = out_rank - shape.size();
        for (size_t k = 0; k < shape.size(); ++k) {
          offset = offset * shape[k] + (shape[k] == 1 ? 0 : index[lead + k]);
        }
        return offset;
      };
      for (int64_t o = 0; o < static_cast<int64_t>(expected.size()); ++o) {
        int64_t rest = o;
        for (size_t d = out_rank; d-- > 0;) {
          index[d] = static_cast<int32_t>(rest % out_shape[d]);
          rest /= out_shape[d];
        }
        expected[o] = condition[flat(shapes[0])] ? x[flat(shapes[1])] : y[flat(shapes[2])];
      }

      OpTester test(schema::OpCode::SELECT);
      test.BoolInput(shapes[0], condition, /*constant=*/trial % 4 == 1)
          .InputOf<int32_t>(shapes[1], x, /*constant=*/trial % 4 == 2)
          .InputOf<int32_t>(shapes[2], y, /*constant=*/trial % 4 == 3)
          .Output(out_shape, TensorType::INT32);
      ASSERT_EQ(test.Run(kernels::kSelect), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<int32_t>(0), expected) << "rank " << rank << " trial " << trial;
    }
  }
}

TEST(SelectTest, Rejections) {
  {
    OpTester test(schema::OpCode::SELECT);
    test.Input({2}, {1, 0}).Input({2}, {1, 2}).Input({2}, {3, 4}).Output({2});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "float condition";
    EXPECT_NE(test.error().find("must be BOOL"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false}).Input({2}, {1, 2}).InputOf<int32_t>({2}, {3, 4}).Output({2});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "x and y types differ";
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({3}, {true, false, true}).Input({2}, {1, 2}).Input({2}, {3, 4}).Output({2});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "shapes do not broadcast";
    EXPECT_NE(test.error().find("do not broadcast"), std::string::npos) << test.error();
  }
  {
    // A rank-1 condition against rows of x is TF1 Select's rule, which the
    // converter must rewrite: the kernel broadcasts it against the last
    // dimension and refuses the mismatch.
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false})
        .Input({2, 3}, std::vector<float>(6))
        .Input({2, 3}, std::vector<float>(6))
        .Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "rank-1 row condition";
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false}).Input({2}, {1, 2}).Input({2}, {3, 4}).Output({3});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "declared output shape";
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {3})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.25f}, {3})
        .Output({2}, TensorType::INT8)
        .Quantize({0.5f}, {3});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "y quantized differently";
    EXPECT_NE(test.error().find("quantized alike"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SELECT);
    test.BoolInput({2}, {true, false})
        .InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {3})
        .InputOf<int8_t>({2}, {1, 2})
        .Output({2}, TensorType::INT8)
        .Quantize({0.5f}, {3});
    EXPECT_EQ(test.Run(kernels::kSelect), Status::kInvalidModel) << "y not quantized";
  }
}

}  // namespace
}  // namespace ember
