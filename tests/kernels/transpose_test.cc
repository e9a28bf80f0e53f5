#include <gtest/gtest.h>

#include <algorithm>
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

schema::OpOptionsUnion Perm(std::vector<int32_t> perm) {
  schema::TransposeOptionsT options;
  options.perm = std::move(perm);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: input coordinate c lands at output coordinate
// (c[perm[0]], c[perm[1]], ...).
template <typename T>
std::vector<T> ReferenceTranspose(const std::vector<T>& in, const std::vector<int32_t>& shape,
                                  const std::vector<int32_t>& perm) {
  const int rank = static_cast<int>(shape.size());
  std::vector<int32_t> out_shape(rank);
  for (int d = 0; d < rank; ++d) out_shape[d] = shape[perm[d]];
  std::vector<T> out(in.size());
  for (int64_t i = 0; i < static_cast<int64_t>(in.size()); ++i) {
    int64_t rest = i;
    std::vector<int32_t> coord(rank);
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % shape[d]);
      rest /= shape[d];
    }
    int64_t o = 0;
    for (int d = 0; d < rank; ++d) o = o * out_shape[d] + coord[perm[d]];
    out[o] = in[i];
  }
  return out;
}

TEST(TransposeTest, HandWorked) {
  // [[1, 2, 3], [4, 5, 6]] transposed is [[1, 4], [2, 5], [3, 6]].
  OpTester test(schema::OpCode::TRANSPOSE);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({3, 2}).Options(Perm({1, 0}));
  ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 4, 2, 5, 3, 6}));

  // NHWC [1, 2, 2, 2] to NCHW: channel planes [1, 3, 5, 7] and [2, 4, 6, 8].
  OpTester nchw(schema::OpCode::TRANSPOSE);
  nchw.ConstInput({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8})
      .Output({1, 2, 2, 2})
      .Options(Perm({0, 3, 1, 2}));
  ASSERT_EQ(nchw.Run(kernels::kTranspose), Status::kOk) << nchw.error();
  EXPECT_EQ(nchw.OutputFloats(0), (std::vector<float>{1, 3, 5, 7, 2, 4, 6, 8}));
}

// Every permutation of ranks 0 to 4, and a sample of ranks 5 and 6, each with
// one of the four element sizes.
TEST(TransposeTest, AllPermutationsAgainstReference) {
  std::mt19937 rng(37);
  std::uniform_int_distribution<int32_t> dim(1, 4);
  std::uniform_int_distribution<int32_t> value(INT32_MIN, INT32_MAX);
  int cases = 0;
  for (int rank = 0; rank <= 6; ++rank) {
    std::vector<int32_t> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    int k = 0;
    do {
      if (rank >= 5 && k++ % 7 != 0) continue;
      std::vector<int32_t> shape(rank);
      for (int32_t& d : shape) d = rank >= 5 ? dim(rng) % 3 + 1 : dim(rng);
      std::vector<int32_t> out_shape(rank);
      for (int d = 0; d < rank; ++d) out_shape[d] = shape[perm[d]];
      const int64_t n = Count(shape);
      // Every other run leaves the output shape to the kernel (declared {}).
      const bool infer = (cases / 4) % 2 == 1;
      const std::vector<int32_t> declared = infer ? std::vector<int32_t>{} : out_shape;
      OpTester test(schema::OpCode::TRANSPOSE);
      test.Options(Perm(perm));
      if (infer) test.InferShapes();
      switch (cases % 4) {
        case 0: {
          std::vector<int8_t> in(n);
          for (int8_t& v : in) v = static_cast<int8_t>(value(rng));
          test.InputOf<int8_t>(shape, in).Output(declared, schema::TensorType::INT8);
          ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputAs<int8_t>(0), ReferenceTranspose(in, shape, perm));
          break;
        }
        case 1: {
          std::vector<int16_t> in(n);
          for (int16_t& v : in) v = static_cast<int16_t>(value(rng));
          test.InputOf<int16_t>(shape, in).Output(declared, schema::TensorType::INT16);
          ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputAs<int16_t>(0), ReferenceTranspose(in, shape, perm));
          break;
        }
        case 2: {
          std::vector<float> in(n);
          for (float& v : in) v = static_cast<float>(value(rng));
          test.Input(shape, in).Output(declared);
          ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputFloats(0), ReferenceTranspose(in, shape, perm));
          break;
        }
        default: {
          std::vector<int64_t> in(n);
          for (int64_t& v : in) v = int64_t{value(rng)} << 20;
          test.InputOf<int64_t>(shape, in).Output(declared, schema::TensorType::INT64);
          ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputAs<int64_t>(0), ReferenceTranspose(in, shape, perm));
          break;
        }
      }
      EXPECT_EQ(test.OutputShape(0), out_shape);
      ++cases;
    } while (std::next_permutation(perm.begin(), perm.end()));
  }
  // 1 + 1 + 2 + 6 + 24 permutations (rank 0 has the empty one), plus every
  // 7th of 120 and 720.
  EXPECT_EQ(cases, 34 + 18 + 103);
}

TEST(TransposeTest, InfersShapes) {
  // [2, 1, 3] under perm (2, 0, 1) is [3, 2, 1]: element (c, a, 0) is input
  // element (a, 0, c) = a * 3 + c.
  OpTester test(schema::OpCode::TRANSPOSE);
  test.Input({2, 1, 3}, {0, 1, 2, 3, 4, 5}).Output({}).Options(Perm({2, 0, 1})).InferShapes();
  ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 2, 1}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(TransposeTest, RejectsBadModels) {
  const std::vector<float> in(6);
  {
    OpTester test(schema::OpCode::TRANSPOSE);
    test.Input({2, 3}, in).Output({2, 2}).Options(Perm({0, 0}));
    EXPECT_EQ(test.Run(kernels::kTranspose), Status::kInvalidModel) << "repeat";
    EXPECT_NE(test.error().find("perm[1] = 0 repeats"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::TRANSPOSE);
    test.Input({2, 3}, in).Output({3, 2}).Options(Perm({2, 0}));
    EXPECT_EQ(test.Run(kernels::kTranspose), Status::kInvalidModel) << "out of range";
  }
  {
    OpTester test(schema::OpCode::TRANSPOSE);
    test.Input({2, 3}, in).Output({3, 2}).Options(Perm({-1, 0}));
    EXPECT_EQ(test.Run(kernels::kTranspose), Status::kInvalidModel) << "negative";
  }
  {
    OpTester test(schema::OpCode::TRANSPOSE);
    test.Input({2, 3}, in).Output({3, 2}).Options(Perm({1, 0, 2}));
    EXPECT_EQ(test.Run(kernels::kTranspose), Status::kInvalidModel) << "length";
  }
  {
    OpTester test(schema::OpCode::TRANSPOSE);
    test.Input({2, 3}, in).Output({2, 3}).Options(Perm({1, 0}));
    EXPECT_EQ(test.Run(kernels::kTranspose), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedTransposes(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {2, 3, 1, 4};
  const std::vector<int32_t> perm = {3, 0, 2, 1};
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 24);
  OpTester test(schema::OpCode::TRANSPOSE);
  test.InputOf<T>(shape, in)
      .Quantize({q.scale}, {q.zero_point})
      .Output({4, 2, 1, 3}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(Perm(perm));
  ASSERT_EQ(test.Run(kernels::kTranspose), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), ReferenceTranspose(in, shape, perm));
}

TEST(TransposeTest, Int8AndInt16) {
  ExpectQuantizedTransposes<int8_t>(1);
  ExpectQuantizedTransposes<int16_t>(2);
}

TEST(TransposeTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kTranspose,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::TRANSPOSE);
                                               test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({3, 2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Perm({1, 0}));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
