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

schema::OpOptionsUnion Pack(int32_t axis) {
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

// Straightforward reference: output coordinate c reads input c[axis] at the
// coordinate c with the axis entry removed.
template <typename T>
std::vector<T> ReferencePack(const std::vector<std::vector<T>>& inputs,
                             const std::vector<int32_t>& shape, int axis) {
  std::vector<int32_t> out_shape = shape;
  out_shape.insert(out_shape.begin() + axis, static_cast<int32_t>(inputs.size()));
  const int rank = static_cast<int>(out_shape.size());
  std::vector<T> out(Count(out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    std::vector<int32_t> coord(rank);
    int64_t rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % out_shape[d]);
      rest /= out_shape[d];
    }
    const int32_t which = coord[axis];
    coord.erase(coord.begin() + axis);
    int64_t i = 0;
    for (int d = 0; d < rank - 1; ++d) i = i * shape[d] + coord[d];
    out[o] = inputs[which][i];
  }
  return out;
}

TEST(PackTest, HandWorked) {
  // tf.stack([[1, 2], [3, 4], [5, 6]], axis=0) and axis=1 (= -1).
  OpTester rows(schema::OpCode::PACK);
  rows.Input({2}, {1, 2}).Input({2}, {3, 4}).Input({2}, {5, 6}).Output({3, 2}).Options(Pack(0));
  ASSERT_EQ(rows.Run(kernels::kPack), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  OpTester cols(schema::OpCode::PACK);
  cols.Input({2}, {1, 2}).Input({2}, {3, 4}).Input({2}, {5, 6}).Output({2, 3}).Options(Pack(-1));
  ASSERT_EQ(cols.Run(kernels::kPack), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputFloats(0), (std::vector<float>{1, 3, 5, 2, 4, 6}));
}

TEST(PackTest, InfersShapes) {
  // Two [2, 1] inputs stacked at axis 1 give [2, 2, 1]: row r of the output is
  // row r of each input in turn.
  OpTester test(schema::OpCode::PACK);
  test.Input({2, 1}, {1, 2}).Input({2, 1}, {3, 4}).Output({}).Options(Pack(1)).InferShapes();
  ASSERT_EQ(test.Run(kernels::kPack), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 2, 1}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 3, 2, 4}));
}

TEST(PackTest, Scalars) {
  // tf.stack([7, 8, 9]) of three scalars: a [3] vector.
  OpTester test(schema::OpCode::PACK);
  test.InputOf<int32_t>({}, {7})
      .InputOf<int32_t>({}, {8}, /*constant=*/true)
      .InputOf<int32_t>({}, {9})
      .Output({}, schema::TensorType::INT32)
      .Options(Pack(-1))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kPack), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3}));
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{7, 8, 9}));
}

TEST(PackTest, SweepAgainstReference) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_int_distribution<int32_t> value(-30000, 30000);
  // From rank 0: packing scalars gives a vector.
  for (int rank = 0; rank <= 5; ++rank) {
    for (int axis = 0; axis <= rank; ++axis) {
      for (int n = 1; n <= 3; ++n) {
        std::vector<int32_t> shape(rank);
        for (int32_t& d : shape) d = dim(rng);
        std::vector<std::vector<int16_t>> inputs(n);
        OpTester test(schema::OpCode::PACK);
        for (int i = 0; i < n; ++i) {
          inputs[i].resize(Count(shape));
          for (int16_t& v : inputs[i]) v = static_cast<int16_t>(value(rng));
          test.InputOf<int16_t>(shape, inputs[i], /*constant=*/i == 1);
        }
        std::vector<int32_t> out_shape = shape;
        out_shape.insert(out_shape.begin() + axis, n);
        // Odd counts let the kernel infer the output shape (declared {}).
        const bool infer = n % 2 == 1;
        test.Output(infer ? std::vector<int32_t>{} : out_shape, schema::TensorType::INT16)
            .Options(Pack(axis % 2 ? axis - (rank + 1) : axis));
        if (infer) test.InferShapes();
        ASSERT_EQ(test.Run(kernels::kPack), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputShape(0), out_shape);
        EXPECT_EQ(test.OutputAs<int16_t>(0), ReferencePack(inputs, shape, axis))
            << "rank " << rank << " axis " << axis << " n " << n;
      }
    }
  }
}

TEST(PackTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::PACK);
    test.Input({2}, {1, 2}).Input({3}, {1, 2, 3}).Output({2, 2}).Options(Pack(0));
    EXPECT_EQ(test.Run(kernels::kPack), Status::kInvalidModel) << "shapes differ";
  }
  {
    OpTester test(schema::OpCode::PACK);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2, 2}).Options(Pack(2));
    EXPECT_EQ(test.Run(kernels::kPack), Status::kInvalidModel) << "axis";
  }
  {
    OpTester test(schema::OpCode::PACK);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({3, 2}).Options(Pack(0));
    EXPECT_EQ(test.Run(kernels::kPack), Status::kInvalidModel) << "output dim";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::PACK);
    test.Input({2}, {1, 2}).InputOf<int32_t>({2}, {1, 2}).Output({2, 2}).Options(Pack(0));
    EXPECT_EQ(test.Run(kernels::kPack), Status::kInvalidModel) << "type";
  }
  {
    OpTester test(schema::OpCode::PACK);
    test.Input({1, 1, 1, 1, 1, 1}, {1}).Output({}).Options(Pack(0)).InferShapes();
    EXPECT_EQ(test.Run(kernels::kPack), Status::kInvalidModel) << "rank 7 output";
    EXPECT_NE(test.error().find("exceed rank 6"), std::string::npos) << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedPacks(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {2, 3};
  const std::vector<std::vector<T>> inputs = {testing::RandomQuantized<T>(rng, 6),
                                              testing::RandomQuantized<T>(rng, 6),
                                              testing::RandomQuantized<T>(rng, 6)};
  OpTester test(schema::OpCode::PACK);
  for (size_t i = 0; i < inputs.size(); ++i) {
    test.InputOf<T>(shape, inputs[i], /*constant=*/i == 1).Quantize({q.scale}, {q.zero_point});
  }
  test.Output({2, 3, 3}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(Pack(-1));
  ASSERT_EQ(test.Run(kernels::kPack), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), ReferencePack(inputs, shape, 2));
}

TEST(PackTest, Int8AndInt16) {
  ExpectQuantizedPacks<int8_t>(1);
  ExpectQuantizedPacks<int16_t>(2);
}

TEST(PackTest, RejectsQuantizationMismatch) {
  // Pack does not requantize: every input must be quantized like the output.
  testing::ExpectRejectsQuantizationMismatch(kernels::kPack,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::PACK);
                                               test.InputOf<int8_t>({2}, {1, 2})
                                                   .Quantize({0.5f}, {-3})
                                                   .InputOf<int8_t>({2}, {3, 4})
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({2, 2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Pack(0));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
