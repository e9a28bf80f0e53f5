#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using testing::OpTester;

schema::OpOptionsUnion Slice(std::vector<int32_t> begin, std::vector<int32_t> size) {
  schema::SliceOptionsT options;
  options.begin = std::move(begin);
  options.size = std::move(size);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: output coordinate c reads the input at
// begin + c.
template <typename T>
std::vector<T> ReferenceSlice(const std::vector<T>& in, const std::vector<int32_t>& shape,
                              const std::vector<int32_t>& begin,
                              const std::vector<int32_t>& out_shape) {
  const int rank = static_cast<int>(shape.size());
  std::vector<T> out(Count(out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    int64_t rest = o;
    std::vector<int32_t> coord(rank);
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % out_shape[d]);
      rest /= out_shape[d];
    }
    int64_t i = 0;
    for (int d = 0; d < rank; ++d) i = i * shape[d] + begin[d] + coord[d];
    out[o] = in[i];
  }
  return out;
}

TEST(SliceTest, HandWorked) {
  // x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]; x[1:3, 0:2] = [[4, 5], [7, 8]].
  OpTester test(schema::OpCode::SLICE);
  test.Input({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}).Output({2, 2}).Options(Slice({1, 0}, {2, 2}));
  ASSERT_EQ(test.Run(kernels::kSlice), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4, 5, 7, 8}));

  // Size -1 runs to the end: x[1:, 2:] = [[6], [9]].
  OpTester rest(schema::OpCode::SLICE);
  rest.InputOf<int32_t>({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, /*constant=*/true)
      .Output({2, 1}, schema::TensorType::INT32)
      .Options(Slice({1, 2}, {-1, -1}));
  ASSERT_EQ(rest.Run(kernels::kSlice), Status::kOk) << rest.error();
  EXPECT_EQ(rest.OutputAs<int32_t>(0), (std::vector<int32_t>{6, 9}));
}

TEST(SliceTest, InfersShapes) {
  // x[0:2, 1:] of the 3x3 matrix 1..9: [[2, 3], [5, 6]].
  OpTester test(schema::OpCode::SLICE);
  test.Input({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})
      .Output({})
      .Options(Slice({0, 1}, {2, -1}))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kSlice), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2, 3, 5, 6}));
}

TEST(SliceTest, EmptySlice) {
  // Begin at the very end with size 0 is allowed.
  OpTester test(schema::OpCode::SLICE);
  test.Input({2, 2}, {1, 2, 3, 4}).Output({2, 0}).Options(Slice({0, 2}, {2, 0}));
  ASSERT_EQ(test.Run(kernels::kSlice), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputFloats(0).empty());
}

TEST(SliceTest, SweepAgainstReference) {
  std::mt19937 rng(31);
  std::uniform_int_distribution<int32_t> dim(1, 4);
  std::uniform_int_distribution<int32_t> value(-1000, 1000);
  int cases = 0;
  // Rank 0 slices a scalar with empty begin and size: the identity.
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < 15; ++trial) {
      std::vector<int32_t> shape(rank);
      for (int32_t& d : shape) d = rank > 4 ? dim(rng) % 3 + 1 : dim(rng);
      std::vector<int32_t> begin(rank);
      std::vector<int32_t> size(rank);
      std::vector<int32_t> out_shape(rank);
      for (int d = 0; d < rank; ++d) {
        begin[d] = std::uniform_int_distribution<int32_t>(0, shape[d])(rng);
        out_shape[d] = std::uniform_int_distribution<int32_t>(0, shape[d] - begin[d])(rng);
        // Say "to the end" as -1 a third of the time.
        size[d] = trial % 3 == 0 ? -1 : out_shape[d];
        if (size[d] == -1) out_shape[d] = shape[d] - begin[d];
      }
      std::vector<uint16_t> in(Count(shape));
      for (uint16_t& v : in) v = static_cast<uint16_t>(value(rng));
      // Odd trials let the kernel infer the output shape (declared {}).
      const bool infer = trial % 2 == 1;
      OpTester test(schema::OpCode::SLICE);
      test.InputOf<uint16_t>(shape, in)
          .Output(infer ? std::vector<int32_t>{} : out_shape, schema::TensorType::FLOAT16)
          .Options(Slice(begin, size));
      if (infer) test.InferShapes();
      ASSERT_EQ(test.Run(kernels::kSlice), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputShape(0), out_shape);
      EXPECT_EQ(test.OutputAs<uint16_t>(0), ReferenceSlice(in, shape, begin, out_shape))
          << "rank " << rank << " trial " << trial;
      ++cases;
    }
  }
  EXPECT_EQ(cases, 105);
}

TEST(SliceTest, RejectsBadModels) {
  const std::vector<float> in(6);
  {
    OpTester test(schema::OpCode::SLICE);
    test.Input({2, 3}, in).Output({1, 2}).Options(Slice({0, 2}, {1, 2}));
    EXPECT_EQ(test.Run(kernels::kSlice), Status::kInvalidModel) << "overruns";
    EXPECT_NE(test.error().find("size[1] = 2"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::SLICE);
    test.Input({2, 3}, in).Output({1, 2}).Options(Slice({-1, 0}, {1, 2}));
    EXPECT_EQ(test.Run(kernels::kSlice), Status::kInvalidModel) << "negative begin";
  }
  {
    OpTester test(schema::OpCode::SLICE);
    test.Input({2, 3}, in).Output({1, 2}).Options(Slice({0, 0}, {1, -2}));
    EXPECT_EQ(test.Run(kernels::kSlice), Status::kInvalidModel) << "size -2";
  }
  {
    OpTester test(schema::OpCode::SLICE);
    test.Input({2, 3}, in).Output({1, 2}).Options(Slice({0}, {1}));
    EXPECT_EQ(test.Run(kernels::kSlice), Status::kInvalidModel) << "too few entries";
  }
  {
    OpTester test(schema::OpCode::SLICE);
    test.Input({2, 3}, in).Output({1, 3}).Options(Slice({0, 0}, {1, 2}));
    EXPECT_EQ(test.Run(kernels::kSlice), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedSlices(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {3, 4, 5};
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 60);
  OpTester test(schema::OpCode::SLICE);
  test.InputOf<T>(shape, in)
      .Quantize({q.scale}, {q.zero_point})
      .Output({2, 4, 2}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(Slice({1, 0, 3}, {2, -1, 2}));
  ASSERT_EQ(test.Run(kernels::kSlice), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), ReferenceSlice(in, shape, {1, 0, 3}, {2, 4, 2}));
}

TEST(SliceTest, Int8AndInt16) {
  ExpectQuantizedSlices<int8_t>(1);
  ExpectQuantizedSlices<int16_t>(2);
}

TEST(SliceTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kSlice,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::SLICE);
                                               test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({1, 2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Slice({1, 1}, {1, 2}));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
