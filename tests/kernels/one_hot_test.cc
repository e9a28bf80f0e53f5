#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

schema::OpOptionsUnion OneHot(int32_t axis) {
  schema::OneHotOptionsT options;
  options.axis = axis;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Straight from the definition: the output coordinate along `axis` is the
// class; the other coordinates, in order, address the index.
template <typename T>
std::vector<T> ReferenceOneHot(const std::vector<int64_t>& indices,
                               const std::vector<int32_t>& indices_shape, int32_t depth,
                               int axis, T on, T off, std::vector<int32_t>* out_shape) {
  *out_shape = indices_shape;
  out_shape->insert(out_shape->begin() + axis, depth);
  const int rank = static_cast<int>(out_shape->size());
  int64_t count = 1;
  for (int32_t d : *out_shape) count *= d;
  std::vector<T> out;
  for (int64_t flat = 0; flat < count; ++flat) {
    std::vector<int32_t> coords(rank);
    int64_t rest = flat;
    for (int d = rank - 1; d >= 0; --d) {
      coords[d] = static_cast<int32_t>(rest % (*out_shape)[d]);
      rest /= (*out_shape)[d];
    }
    int64_t index_flat = 0;
    for (int d = 0; d < rank; ++d) {
      if (d != axis) index_flat = index_flat * (*out_shape)[d] + coords[d];
    }
    out.push_back(indices[index_flat] == coords[axis] ? on : off);
  }
  return out;
}

TEST(OneHotTest, TensorFlowDocumentationExample) {
  // tf.one_hot([0, 2, -1, 1], depth=3, on_value=5.0, off_value=0.0): -1 is
  // out of range, so its row is all off.
  OpTester last(schema::OpCode::ONE_HOT);
  last.InputOf<int32_t>({4}, {0, 2, -1, 1})
      .InputOf<int32_t>({}, {3}, /*constant=*/true)
      .Input({}, {5.0f})
      .Input({}, {0.0f})
      .Output({4, 3})
      .Options(OneHot(-1));
  ASSERT_EQ(last.Run(kernels::kOneHot), Status::kOk) << last.error();
  EXPECT_EQ(last.OutputFloats(0), (std::vector<float>{5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0}));

  // With axis 0 the classes run down the rows: shape [3, 4].
  OpTester first(schema::OpCode::ONE_HOT);
  first.InputOf<int32_t>({4}, {0, 2, -1, 1})
      .InputOf<int32_t>({}, {3}, /*constant=*/true)
      .ConstInput({}, {5.0f})
      .ConstInput({}, {0.0f})
      .Output({3, 4})
      .Options(OneHot(0));
  ASSERT_EQ(first.Run(kernels::kOneHot), Status::kOk) << first.error();
  EXPECT_EQ(first.OutputFloats(0), (std::vector<float>{5, 0, 0, 0, 0, 0, 0, 5, 0, 5, 0, 0}));
}

TEST(OneHotTest, Int64IndicesInt32ValuesMiddleAxis) {
  // indices [[1, 3], [0, 2]] (3 >= depth 3: all off), axis 1: out[i][c][j].
  OpTester test(schema::OpCode::ONE_HOT);
  test.InputOf<int64_t>({2, 2}, {1, 3, 0, 2})
      .InputOf<int64_t>({1}, {3}, /*constant=*/true)
      .InputOf<int32_t>({}, {1})
      .InputOf<int32_t>({}, {-1})
      .Output({2, 3, 2}, TensorType::INT32)
      .Options(OneHot(1));
  ASSERT_EQ(test.Run(kernels::kOneHot), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0),
            (std::vector<int32_t>{-1, -1, 1, -1, -1, -1, 1, -1, -1, -1, -1, 1}));
}

TEST(OneHotTest, DefaultsAndShapes) {
  // No options: axis -1. A scalar index gives a vector; depth 0 an empty one.
  OpTester scalar(schema::OpCode::ONE_HOT);
  scalar.InputOf<int32_t>({}, {2})
      .InputOf<int32_t>({}, {4}, /*constant=*/true)
      .Input({}, {1.0f})
      .Input({}, {0.0f})
      .Output({})
      .InferShapes();
  ASSERT_EQ(scalar.Run(kernels::kOneHot), Status::kOk) << scalar.error();
  EXPECT_EQ(scalar.OutputShape(0), (std::vector<int32_t>{4}));
  EXPECT_EQ(scalar.OutputFloats(0), (std::vector<float>{0, 0, 1, 0}));

  OpTester empty(schema::OpCode::ONE_HOT);
  empty.InputOf<int32_t>({2}, {0, 1})
      .InputOf<int32_t>({}, {0}, /*constant=*/true)
      .Input({}, {1.0f})
      .Input({}, {0.0f})
      .Output({2, 0});
  ASSERT_EQ(empty.Run(kernels::kOneHot), Status::kOk) << empty.error();
  EXPECT_TRUE(empty.OutputFloats(0).empty());
}

TEST(OneHotTest, Int8CopiesQuantizedValues) {
  OpTester test(schema::OpCode::ONE_HOT);
  test.InputOf<int32_t>({2}, {1, 0})
      .InputOf<int32_t>({}, {2}, /*constant=*/true)
      .InputOf<int8_t>({}, {100})
      .Quantize({0.01f}, {-28})
      .InputOf<int8_t>({}, {-28})
      .Quantize({0.01f}, {-28})
      .Output({2, 2}, TensorType::INT8)
      .Quantize({0.01f}, {-28});
  ASSERT_EQ(test.Run(kernels::kOneHot), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{-28, 100, 100, -28}));
}

TEST(OneHotTest, SweepAgainstReference) {
  const std::vector<std::vector<int32_t>> shapes = {{}, {5}, {2, 3}, {1, 3, 2}, {2, 1, 2, 3}};
  std::mt19937 rng(41);
  for (const std::vector<int32_t>& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    for (int axis = -1; axis <= rank; ++axis) {
      const int32_t depth = 1 + (rank + axis + 2) % 4;
      // Indices in [-1, depth]: both ends out of range now and then.
      std::uniform_int_distribution<int64_t> index(-1, depth);
      std::vector<int64_t> indices(count);
      for (int64_t& v : indices) v = index(rng);
      std::vector<int32_t> expected_shape;
      const int normalized_axis = axis < 0 ? rank : axis;
      const std::vector<float> expected =
          ReferenceOneHot<float>(indices, shape, depth, normalized_axis, 2.5f, -0.5f,
                                 &expected_shape);
      OpTester test(schema::OpCode::ONE_HOT);
      test.InputOf<int64_t>(shape, indices)
          .InputOf<int32_t>({}, {depth}, /*constant=*/true)
          .Input({}, {2.5f})
          .Input({}, {-0.5f})
          .Output(expected_shape)
          .Options(OneHot(axis));
      ASSERT_EQ(test.Run(kernels::kOneHot), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputFloats(0), expected) << "rank " << rank << " axis " << axis;
    }
  }
}

// Four inputs (indices int32 [2], depth, on, off as given) and a float output
// declared [2, 3].
void AddDepthAndValues(OpTester& test, bool depth_constant, int32_t depth) {
  test.InputOf<int32_t>({2}, {0, 1})
      .InputOf<int32_t>({}, {depth}, depth_constant)
      .Input({}, {1.0f})
      .Input({}, {0.0f})
      .Output({2, 3});
}

TEST(OneHotTest, RejectsMalformedModels) {
  {
    OpTester test(schema::OpCode::ONE_HOT);
    AddDepthAndValues(test, false, 3);
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "depth not constant";
    EXPECT_NE(test.error().find("must be constant"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    AddDepthAndValues(test, true, -3);
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "negative depth";
    EXPECT_NE(test.error().find("depth) is -3"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    AddDepthAndValues(test, true, 4);
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "declared shape differs";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    AddDepthAndValues(test, true, 3);
    test.Options(OneHot(2));
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "axis above rank";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    AddDepthAndValues(test, true, 3);
    test.Options(OneHot(-2));
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "axis below -1";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.Input({2}, {0, 1})
        .InputOf<int32_t>({}, {3}, true)
        .Input({}, {1.0f})
        .Input({}, {0.0f})
        .Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "float indices";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({2}, {0, 1})
        .InputOf<int32_t>({}, {3}, true)
        .InputOf<int32_t>({}, {1})
        .Input({}, {0.0f})
        .Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "on_value type differs";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({2}, {0, 1})
        .InputOf<int32_t>({}, {3}, true)
        .Input({2}, {1.0f, 2.0f})
        .Input({}, {0.0f})
        .Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "on_value not one element";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({2}, {0, 1})
        .InputOf<int32_t>({2}, {3, 3}, true)
        .Input({}, {1.0f})
        .Input({}, {0.0f})
        .Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "depth not one element";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({1, 1, 1, 1, 1, 1}, {0})
        .InputOf<int32_t>({}, {2}, true)
        .Input({}, {1.0f})
        .Input({}, {0.0f})
        .Output({1, 1, 1, 1, 1, 1});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "output rank 7";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({2}, {0, 1}).InputOf<int32_t>({}, {3}, true).Input({}, {1.0f}).Output(
        {2, 3});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "three inputs";
  }
  {
    OpTester test(schema::OpCode::ONE_HOT);
    test.InputOf<int32_t>({2}, {0, 1})
        .InputOf<int32_t>({}, {2}, true)
        .InputOf<int8_t>({}, {100})
        .Quantize({0.01f}, {0})
        .InputOf<int8_t>({}, {0})
        .Quantize({0.01f}, {0})
        .Output({2, 2}, TensorType::INT8)
        .Quantize({0.02f}, {0});
    EXPECT_EQ(test.Run(kernels::kOneHot), Status::kInvalidModel) << "quantized unlike output";
  }
}

}  // namespace
}  // namespace ember
