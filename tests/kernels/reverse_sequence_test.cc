#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

schema::OpOptionsUnion ReverseSequence(int32_t seq_dim, int32_t batch_dim) {
  schema::ReverseSequenceOptionsT options;
  options.seq_dim = seq_dim;
  options.batch_dim = batch_dim;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// Straight from the definition: output element at coordinates c reads the
// input at c, except that c[seq_dim] < lengths[c[batch_dim]] reads
// lengths[c[batch_dim]] - 1 - c[seq_dim] instead.
template <typename T>
std::vector<T> ReferenceReverseSequence(const std::vector<T>& in, const std::vector<int32_t>& shape,
                                        const std::vector<int64_t>& lengths, int seq_dim,
                                        int batch_dim) {
  const int rank = static_cast<int>(shape.size());
  std::vector<T> out(in.size());
  for (size_t flat = 0; flat < in.size(); ++flat) {
    std::vector<int64_t> coords(rank);
    int64_t rest = static_cast<int64_t>(flat);
    for (int d = rank - 1; d >= 0; --d) {
      coords[d] = rest % shape[d];
      rest /= shape[d];
    }
    const int64_t length = lengths[coords[batch_dim]];
    if (coords[seq_dim] < length) coords[seq_dim] = length - 1 - coords[seq_dim];
    int64_t source = 0;
    for (int d = 0; d < rank; ++d) source = source * shape[d] + coords[d];
    out[flat] = in[source];
  }
  return out;
}

TEST(ReverseSequenceTest, HandWorked) {
  // Rows [1 2 3 4] and [5 6 7 8] with lengths 3 and 1: the first three of row
  // 0 reversed (3 2 1 4), row 1 unchanged (a length of 1 reverses nothing).
  OpTester rows(schema::OpCode::REVERSE_SEQUENCE);
  rows.Input({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})
      .InputOf<int32_t>({2}, {3, 1})
      .Output({2, 4})
      .Options(ReverseSequence(/*seq_dim=*/1, /*batch_dim=*/0));
  ASSERT_EQ(rows.Run(kernels::kReverseSequence), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{3, 2, 1, 4, 5, 6, 7, 8}));

  // Batch along dim 1, sequences down the columns: column 0 (1 3 5) with
  // length 2 gives 3 1 5, column 1 (2 4 6) with length 3 gives 6 4 2.
  OpTester columns(schema::OpCode::REVERSE_SEQUENCE);
  columns.InputOf<int32_t>({3, 2}, {1, 2, 3, 4, 5, 6})
      .InputOf<int64_t>({2}, {2, 3})
      .Output({3, 2}, TensorType::INT32)
      .Options(ReverseSequence(/*seq_dim=*/0, /*batch_dim=*/1));
  ASSERT_EQ(columns.Run(kernels::kReverseSequence), Status::kOk) << columns.error();
  EXPECT_EQ(columns.OutputAs<int32_t>(0), (std::vector<int32_t>{3, 6, 1, 4, 5, 2}));
}

TEST(ReverseSequenceTest, ZeroAndFullLengthsAndNegativeAxes) {
  // [2, 3, 2]: batch 0 reverses all three [x, y] pairs, batch 1 none; the
  // axes are given from the end (seq -2 = dim 1, batch -3 = dim 0).
  OpTester test(schema::OpCode::REVERSE_SEQUENCE);
  test.Input({2, 3, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
      .InputOf<int32_t>({2}, {3, 0})
      .Output({2, 3, 2})
      .Options(ReverseSequence(-2, -3));
  ASSERT_EQ(test.Run(kernels::kReverseSequence), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{5, 6, 3, 4, 1, 2, 7, 8, 9, 10, 11, 12}));
}

TEST(ReverseSequenceTest, InfersShapes) {
  OpTester test(schema::OpCode::REVERSE_SEQUENCE);
  test.Input({2, 2}, {1, 2, 3, 4})
      .InputOf<int32_t>({2}, {2, 2})
      .Output({})
      .Options(ReverseSequence(1, 0))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kReverseSequence), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{2, 1, 4, 3}));
}

template <typename T, typename Length>
void ExpectSweepMatchesReference(TensorType type, uint32_t seed) {
  const std::vector<std::vector<int32_t>> shapes = {{3, 4},       {4, 1},          {2, 3, 4},
                                                    {3, 2, 1, 5}, {2, 2, 3, 2, 3}, {0, 3}};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> value(-100, 100);
  for (const std::vector<int32_t>& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    std::vector<T> input(count);
    for (T& v : input) v = static_cast<T>(type == TensorType::BOOL ? value(rng) > 0 : value(rng));
    for (int seq_dim = 0; seq_dim < rank; ++seq_dim) {
      for (int batch_dim = 0; batch_dim < rank; ++batch_dim) {
        if (seq_dim == batch_dim) continue;
        std::uniform_int_distribution<int64_t> length(0, shape[seq_dim]);
        std::vector<int64_t> lengths(shape[batch_dim]);
        for (int64_t& l : lengths) l = length(rng);
        const std::vector<Length> typed_lengths(lengths.begin(), lengths.end());
        OpTester test(schema::OpCode::REVERSE_SEQUENCE);
        if (type == TensorType::BOOL) {
          test.BoolInput(shape, std::vector<bool>(input.begin(), input.end()));
        } else {
          test.InputOf<T>(shape, input);
        }
        test.template InputOf<Length>({shape[batch_dim]}, typed_lengths)
            .Output(shape, type)
            .Options(ReverseSequence(seq_dim, batch_dim));
        ASSERT_EQ(test.Run(kernels::kReverseSequence), Status::kOk) << test.error();
        EXPECT_EQ(test.OutputAs<T>(0),
                  ReferenceReverseSequence(input, shape, lengths, seq_dim, batch_dim))
            << "rank " << rank << " seq_dim " << seq_dim << " batch_dim " << batch_dim;
      }
    }
  }
}

TEST(ReverseSequenceTest, SweepAgainstReferenceEveryType) {
  ExpectSweepMatchesReference<float, int32_t>(TensorType::FLOAT32, 1);
  ExpectSweepMatchesReference<float, int64_t>(TensorType::FLOAT32, 2);
  ExpectSweepMatchesReference<int32_t, int32_t>(TensorType::INT32, 3);
  ExpectSweepMatchesReference<int64_t, int64_t>(TensorType::INT64, 4);
  ExpectSweepMatchesReference<uint8_t, int32_t>(TensorType::UINT8, 5);
  // Bools are bytes holding 0 or 1.
  ExpectSweepMatchesReference<uint8_t, int32_t>(TensorType::BOOL, 6);
}

template <typename T>
void ExpectQuantizedReverse(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> shape = {3, 4, 2};
  const std::vector<T> input = testing::RandomQuantized<T>(rng, 24);
  const std::vector<int32_t> lengths = {4, 0, 3};
  OpTester test(schema::OpCode::REVERSE_SEQUENCE);
  test.InputOf<T>(shape, input)
      .Quantize({q.scale}, {q.zero_point})
      .template InputOf<int32_t>({3}, lengths)
      .Output(shape, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(ReverseSequence(1, 0));
  ASSERT_EQ(test.Run(kernels::kReverseSequence), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0),
            ReferenceReverseSequence(input, shape, {4, 0, 3}, /*seq_dim=*/1, /*batch_dim=*/0));
}

TEST(ReverseSequenceTest, Int8AndInt16) {
  ExpectQuantizedReverse<int8_t>(7);
  ExpectQuantizedReverse<int16_t>(8);
}

TEST(ReverseSequenceTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kReverseSequence,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::REVERSE_SEQUENCE);
                                               test.InputOf<int8_t>({1, 3}, {1, 2, 3})
                                                   .Quantize({0.5f}, {-3})
                                                   .InputOf<int32_t>({1}, {2})
                                                   .Output({1, 3}, TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(ReverseSequence(1, 0));
                                               return test;
                                             });
}

TEST(ReverseSequenceTest, LengthOutOfRangeIsAnEvalError) {
  // Row 1's length is outside [0, 3]: nothing may be read past the row, and
  // the message names the op and the row.
  for (int64_t bad : {int64_t{-1}, int64_t{4}, int64_t{1} << 40}) {
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
        .InputOf<int64_t>({2}, {2, bad})
        .Output({2, 3})
        .Options(ReverseSequence(1, 0));
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kEvalError) << bad;
    EXPECT_NE(test.error().find("REVERSE_SEQUENCE"), std::string::npos) << test.error();
    EXPECT_NE(test.error().find("seq_lengths)[1] = " + std::to_string(bad)), std::string::npos)
        << test.error();
  }
}

TEST(ReverseSequenceTest, RejectsMalformedModels) {
  struct Bad {
    const char* what;
    std::vector<int32_t> lengths_shape;
    int32_t seq_dim;
    int32_t batch_dim;
    const char* message;
  };
  const Bad cases[] = {
      {"same dims", {2}, 0, 0, "must differ"},
      {"seq_dim past rank", {2}, 2, 0, "seq_dim 2 is out of range"},
      {"batch_dim below -rank", {2}, 1, -3, "batch_dim -3 is out of range"},
      {"lengths too short", {1}, 1, 0, "must have shape [2]"},
      {"lengths rank 2", {2, 1}, 1, 0, "must have shape [2]"},
  };
  for (const Bad& c : cases) {
    int64_t count = 1;
    for (int32_t d : c.lengths_shape) count *= d;
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
        .InputOf<int32_t>(c.lengths_shape, std::vector<int32_t>(count, 1))
        .Output({2, 3})
        .Options(ReverseSequence(c.seq_dim, c.batch_dim));
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kInvalidModel) << c.what;
    EXPECT_NE(test.error().find(c.message), std::string::npos) << c.what << ": " << test.error();
  }
  {
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
        .Input({2}, {1, 1})
        .Output({2, 3})
        .Options(ReverseSequence(1, 0));
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kInvalidModel) << "float lengths";
    EXPECT_NE(test.error().find("int32 or int64"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).InputOf<int32_t>({2}, {1, 1}).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kInvalidModel) << "no options";
    EXPECT_NE(test.error().find("ReverseSequenceOptions are required"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.Input({2, 3}, {1, 2, 3, 4, 5, 6})
        .InputOf<int32_t>({2}, {1, 1})
        .Output({2, 3}, TensorType::INT32)
        .Options(ReverseSequence(1, 0));
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kInvalidModel) << "type differs";
  }
  {
    OpTester test(schema::OpCode::REVERSE_SEQUENCE);
    test.InputOf<uint16_t>({1, 2}, {0x3c00, 0x4000})
        .InputOf<int32_t>({1}, {2})
        .Output({1, 2}, TensorType::FLOAT16)
        .Options(ReverseSequence(1, 0));
    EXPECT_EQ(test.Run(kernels::kReverseSequence), Status::kUnsupported) << "float16";
  }
}

}  // namespace
}  // namespace ember
