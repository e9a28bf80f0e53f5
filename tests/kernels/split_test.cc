#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using testing::OpTester;

schema::OpOptionsUnion Split(int32_t axis, std::vector<int32_t> size_splits = {}) {
  schema::SplitOptionsT options;
  options.axis = axis;
  options.size_splits = std::move(size_splits);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: output `which` holds, at each coordinate, the
// input element at that coordinate shifted along the axis by the sizes of the
// outputs before it.
std::vector<float> ReferencePart(const std::vector<float>& in, const std::vector<int32_t>& shape,
                                 int axis, const std::vector<int32_t>& sizes, size_t which) {
  int32_t offset = 0;
  for (size_t i = 0; i < which; ++i) offset += sizes[i];
  std::vector<int32_t> part_shape = shape;
  part_shape[axis] = sizes[which];
  const int rank = static_cast<int>(shape.size());
  std::vector<float> out(Count(part_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    std::vector<int32_t> coord(rank);
    int64_t rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % part_shape[d]);
      rest /= part_shape[d];
    }
    coord[axis] += offset;
    int64_t i = 0;
    for (int d = 0; d < rank; ++d) i = i * shape[d] + coord[d];
    out[o] = in[i];
  }
  return out;
}

TEST(SplitTest, EqualParts) {
  // [[1, 2, 3, 4], [5, 6, 7, 8]] in two along axis 1.
  OpTester test(schema::OpCode::SPLIT);
  test.Input({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}).Output({2, 2}).Output({2, 2}).Options(Split(-1));
  ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 5, 6}));
  EXPECT_EQ(test.OutputFloats(1), (std::vector<float>{3, 4, 7, 8}));
}

TEST(SplitTest, SizeSplitsWithRest) {
  // Rows 0 | 1..2 | 3..5 of six int32 rows, the middle part given as -1.
  OpTester test(schema::OpCode::SPLIT);
  test.InputOf<int32_t>({6, 1}, {10, 11, 12, 13, 14, 15})
      .Output({1, 1}, schema::TensorType::INT32)
      .Output({2, 1}, schema::TensorType::INT32)
      .Output({3, 1}, schema::TensorType::INT32)
      .Options(Split(0, {1, -1, 3}));
  ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{10}));
  EXPECT_EQ(test.OutputAs<int32_t>(1), (std::vector<int32_t>{11, 12}));
  EXPECT_EQ(test.OutputAs<int32_t>(2), (std::vector<int32_t>{13, 14, 15}));
}

TEST(SplitTest, InfersShapes) {
  // [3, 4] into 1 and 3 columns: [3, 1] and [3, 3].
  OpTester test(schema::OpCode::SPLIT);
  test.Input({3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
      .Output({})
      .Output({})
      .Options(Split(1, {1, -1}))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 1}));
  EXPECT_EQ(test.OutputShape(1), (std::vector<int32_t>{3, 3}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 5, 9}));
  EXPECT_EQ(test.OutputFloats(1), (std::vector<float>{2, 3, 4, 6, 7, 8, 10, 11, 12}));

  // Equal parts: [4, 2] in two along axis 0.
  OpTester equal(schema::OpCode::SPLIT);
  equal.Input({4, 2}, {1, 2, 3, 4, 5, 6, 7, 8})
      .Output({})
      .Output({})
      .Options(Split(0))
      .InferShapes();
  ASSERT_EQ(equal.Run(kernels::kSplit), Status::kOk) << equal.error();
  EXPECT_EQ(equal.OutputShape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(equal.OutputShape(1), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(equal.OutputFloats(1), (std::vector<float>{5, 6, 7, 8}));
}

TEST(SplitTest, ZeroSizedPartAndConstantInput) {
  OpTester test(schema::OpCode::SPLIT);
  test.InputOf<int16_t>({1, 3}, {1, 2, 3}, /*constant=*/true)
      .Output({1, 0}, schema::TensorType::INT16)
      .Output({1, 3}, schema::TensorType::INT16)
      .Options(Split(1, {0, 3}));
  ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputAs<int16_t>(0).empty());
  EXPECT_EQ(test.OutputAs<int16_t>(1), (std::vector<int16_t>{1, 2, 3}));
}

TEST(SplitTest, SweepAgainstReference) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_int_distribution<int32_t> part(0, 3);
  std::uniform_real_distribution<float> value(-5.0f, 5.0f);
  for (int rank = 1; rank <= 5; ++rank) {
    for (int axis = 0; axis < rank; ++axis) {
      for (int num_outputs = 1; num_outputs <= 4; ++num_outputs) {
        for (bool equal : {true, false}) {
          std::vector<int32_t> shape(rank);
          for (int32_t& d : shape) d = dim(rng);
          std::vector<int32_t> sizes(num_outputs);
          std::vector<int32_t> size_splits;
          if (equal) {
            shape[axis] = num_outputs * dim(rng);
            for (int32_t& s : sizes) s = shape[axis] / num_outputs;
          } else {
            shape[axis] = 0;
            for (int32_t& s : sizes) shape[axis] += (s = part(rng));
            size_splits = sizes;
            size_splits[num_outputs / 2] = -1;
          }
          std::vector<float> in(Count(shape));
          for (float& v : in) v = value(rng);
          // Unequal parts let the kernel infer the output shapes (declared {}).
          const bool infer = !equal;
          OpTester test(schema::OpCode::SPLIT);
          test.Input(shape, in);
          std::vector<std::vector<int32_t>> out_shapes;
          for (int i = 0; i < num_outputs; ++i) {
            out_shapes.push_back(shape);
            out_shapes.back()[axis] = sizes[i];
            test.Output(infer ? std::vector<int32_t>{} : out_shapes.back());
          }
          test.Options(Split(axis % 2 ? axis - rank : axis, size_splits));
          if (infer) test.InferShapes();
          ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
          for (int i = 0; i < num_outputs; ++i) {
            EXPECT_EQ(test.OutputShape(i), out_shapes[i]);
            EXPECT_EQ(test.OutputFloats(i), ReferencePart(in, shape, axis, sizes, i))
                << "rank " << rank << " axis " << axis << " output " << i;
          }
        }
      }
    }
  }
}

TEST(SplitTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({5}, std::vector<float>(5)).Output({2}).Output({3}).Options(Split(0));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "5 into 2 equal parts";
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({5}, std::vector<float>(5)).Output({2}).Output({3}).Options(Split(0, {-1, -1}));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "two -1";
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({5}, std::vector<float>(5)).Output({2}).Output({2}).Options(Split(0, {2, 2}));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "sizes sum to 4";
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({5}, std::vector<float>(5)).Output({2}).Output({3}).Options(Split(0, {2, 3, 0}));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "3 sizes, 2 outputs";
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({5}, std::vector<float>(5)).Output({6}).Output({0}).Options(Split(0, {6, -1}));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "size overruns";
    EXPECT_NE(test.error().find("size_splits[0] = 6"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({4, 2}, std::vector<float>(8)).Output({2, 2}).Output({2, 1}).Options(Split(0));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("'output1' is declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({4}, std::vector<float>(4)).Output({2}).Output({2}).Options(Split(1));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "axis";
  }
  {
    OpTester test(schema::OpCode::SPLIT);
    test.Input({}, {1}).Output({}).Options(Split(0)).InferShapes();
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "scalar";
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::GatherOptionsT{});
    OpTester test(schema::OpCode::SPLIT);
    test.Input({4}, std::vector<float>(4)).Output({2}).Output({2}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kSplit), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be SplitOptions"), std::string::npos) << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedSplits(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {2, 5, 3};
  const std::vector<int32_t> sizes = {1, 3, 1};
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 30);
  OpTester test(schema::OpCode::SPLIT);
  test.InputOf<T>(shape, in).Quantize({q.scale}, {q.zero_point});
  for (int32_t size : sizes) {
    test.Output({2, size, 3}, testing::QuantizedTypeOf<T>()).Quantize({q.scale}, {q.zero_point});
  }
  test.Options(Split(1, {1, -1, 1}));
  ASSERT_EQ(test.Run(kernels::kSplit), Status::kOk) << test.error();
  // The float reference moves the same values (exact in float).
  const std::vector<float> in_floats(in.begin(), in.end());
  for (size_t i = 0; i < sizes.size(); ++i) {
    const std::vector<float> part = ReferencePart(in_floats, shape, 1, sizes, i);
    EXPECT_EQ(test.OutputAs<T>(static_cast<int>(i)), std::vector<T>(part.begin(), part.end()))
        << "output " << i;
  }
}

TEST(SplitTest, Int8AndInt16) {
  ExpectQuantizedSplits<int8_t>(1);
  ExpectQuantizedSplits<int16_t>(2);
}

TEST(SplitTest, RejectsQuantizationMismatch) {
  // The second output is the one quantized differently.
  testing::ExpectRejectsQuantizationMismatch(kernels::kSplit,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::SPLIT);
                                               test.InputOf<int8_t>({4}, {1, 2, 3, 4})
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2}, schema::TensorType::INT8)
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Split(0));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
