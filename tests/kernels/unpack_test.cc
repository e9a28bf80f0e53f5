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

schema::OpOptionsUnion Axis(int32_t axis) {
  schema::PackOptionsT options;
  options.axis = axis;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: output `which` at coordinate c holds the input
// at c with `which` inserted as the axis coordinate.
std::vector<float> ReferencePart(const std::vector<float>& in, const std::vector<int32_t>& shape,
                                 int axis, int32_t which) {
  std::vector<int32_t> part_shape = shape;
  part_shape.erase(part_shape.begin() + axis);
  const int rank = static_cast<int>(part_shape.size());
  std::vector<float> out(Count(part_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    std::vector<int32_t> coord(rank);
    int64_t rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % part_shape[d]);
      rest /= part_shape[d];
    }
    coord.insert(coord.begin() + axis, which);
    int64_t i = 0;
    for (int d = 0; d <= rank; ++d) i = i * shape[d] + coord[d];
    out[o] = in[i];
  }
  return out;
}

TEST(UnpackTest, HandWorked) {
  // tf.unstack([[1, 2, 3], [4, 5, 6]], axis=1) gives [1, 4], [2, 5], [3, 6].
  OpTester test(schema::OpCode::UNPACK);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({2}).Output({2}).Output({2}).Options(Axis(1));
  ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 4}));
  EXPECT_EQ(test.OutputFloats(1), (std::vector<float>{2, 5}));
  EXPECT_EQ(test.OutputFloats(2), (std::vector<float>{3, 6}));
}

TEST(UnpackTest, Int32AlongAxisZero) {
  OpTester test(schema::OpCode::UNPACK);
  test.InputOf<int32_t>({2, 2}, {7, 8, 9, 10})
      .Output({2}, schema::TensorType::INT32)
      .Output({2}, schema::TensorType::INT32)
      .Options(Axis(-2));
  ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{7, 8}));
  EXPECT_EQ(test.OutputAs<int32_t>(1), (std::vector<int32_t>{9, 10}));
}

TEST(UnpackTest, InfersShapes) {
  // [2, 2, 3] along axis 2: three [2, 2] outputs; output k holds elements
  // k, 3 + k, 6 + k, 9 + k.
  OpTester test(schema::OpCode::UNPACK);
  test.Input({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
      .Output({})
      .Output({})
      .Output({})
      .Options(Axis(2))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(test.OutputShape(k), (std::vector<int32_t>{2, 2}));
    const float f = static_cast<float>(k);
    EXPECT_EQ(test.OutputFloats(k), (std::vector<float>{f, 3 + f, 6 + f, 9 + f}));
  }
}

TEST(UnpackTest, VectorToScalars) {
  OpTester test(schema::OpCode::UNPACK);
  test.InputOf<int32_t>({2}, {5, -6})
      .Output({}, schema::TensorType::INT32)
      .Output({}, schema::TensorType::INT32)
      .Options(Axis(0));
  ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputShape(0).empty());
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{5}));
  EXPECT_EQ(test.OutputAs<int32_t>(1), (std::vector<int32_t>{-6}));
}

TEST(UnpackTest, SweepAgainstReference) {
  std::mt19937 rng(13);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_real_distribution<float> value(-5.0f, 5.0f);
  // From rank 1, whose outputs are scalars.
  for (int rank = 1; rank <= 6; ++rank) {
    for (int axis = 0; axis < rank; ++axis) {
      std::vector<int32_t> shape(rank);
      for (int32_t& d : shape) d = dim(rng);
      std::vector<float> in(Count(shape));
      for (float& v : in) v = value(rng);
      std::vector<int32_t> part_shape = shape;
      part_shape.erase(part_shape.begin() + axis);
      // Odd ranks let the kernel infer the output shapes (declared {}).
      const bool infer = rank % 2 == 1;
      OpTester test(schema::OpCode::UNPACK);
      test.Input(shape, in);
      for (int i = 0; i < shape[axis]; ++i) {
        test.Output(infer ? std::vector<int32_t>{} : part_shape);
      }
      test.Options(Axis(axis % 2 ? axis - rank : axis));
      if (infer) test.InferShapes();
      ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
      for (int i = 0; i < shape[axis]; ++i) {
        EXPECT_EQ(test.OutputShape(i), part_shape);
        EXPECT_EQ(test.OutputFloats(i), ReferencePart(in, shape, axis, i))
            << "rank " << rank << " axis " << axis << " output " << i;
      }
    }
  }
}

TEST(UnpackTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::UNPACK);
    test.Input({3, 2}, std::vector<float>(6)).Output({2}).Output({2}).Options(Axis(0));
    EXPECT_EQ(test.Run(kernels::kUnpack), Status::kInvalidModel) << "output count";
  }
  {
    OpTester test(schema::OpCode::UNPACK);
    test.Input({2, 2}, std::vector<float>(4)).Output({2}).Output({2}).Options(Axis(2));
    EXPECT_EQ(test.Run(kernels::kUnpack), Status::kInvalidModel) << "axis";
  }
  {
    OpTester test(schema::OpCode::UNPACK);
    test.Input({}, {1}).Output({}).Options(Axis(0)).InferShapes();
    EXPECT_EQ(test.Run(kernels::kUnpack), Status::kInvalidModel) << "scalar input";
  }
  {
    OpTester test(schema::OpCode::UNPACK);
    test.Input({2, 3}, std::vector<float>(6)).Output({3}).Output({2}).Options(Axis(0));
    EXPECT_EQ(test.Run(kernels::kUnpack), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("'output1' is declared"), std::string::npos) << test.error();
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::SplitOptionsT{});
    OpTester test(schema::OpCode::UNPACK);
    test.Input({2, 2}, std::vector<float>(4)).Output({2}).Output({2}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kUnpack), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be PackOptions"), std::string::npos) << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedUnpacks(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {2, 3, 4};
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 24);
  OpTester test(schema::OpCode::UNPACK);
  test.InputOf<T>(shape, in).Quantize({q.scale}, {q.zero_point});
  for (int i = 0; i < 3; ++i) {
    test.Output({2, 4}, testing::QuantizedTypeOf<T>()).Quantize({q.scale}, {q.zero_point});
  }
  test.Options(Axis(1));
  ASSERT_EQ(test.Run(kernels::kUnpack), Status::kOk) << test.error();
  // The float reference moves the same values (exact in float).
  const std::vector<float> in_floats(in.begin(), in.end());
  for (int i = 0; i < 3; ++i) {
    const std::vector<float> part = ReferencePart(in_floats, shape, 1, i);
    EXPECT_EQ(test.OutputAs<T>(i), std::vector<T>(part.begin(), part.end())) << "output " << i;
  }
}

TEST(UnpackTest, Int8AndInt16) {
  ExpectQuantizedUnpacks<int8_t>(1);
  ExpectQuantizedUnpacks<int16_t>(2);
}

TEST(UnpackTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kUnpack,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::UNPACK);
                                               test.InputOf<int8_t>({2, 2}, {1, 2, 3, 4})
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2}, schema::TensorType::INT8)
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Axis(0));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
