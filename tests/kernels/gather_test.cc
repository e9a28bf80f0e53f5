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

schema::OpOptionsUnion Gather(int32_t axis, int32_t batch_dims = 0) {
  schema::GatherOptionsT options;
  options.axis = axis;
  options.batch_dims = batch_dims;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

int64_t Flat(const std::vector<int32_t>& coord, const std::vector<int32_t>& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + coord[d];
  return flat;
}

// Straightforward reference from the definition
//   out[p0..p(axis-1), i(batch_dims).., q..] =
//       params[p0..p(axis-1), indices[p0..p(batch_dims-1), i..], q..]
// evaluated coordinate by coordinate.
template <typename T, typename Index>
std::vector<T> ReferenceGather(const std::vector<T>& params, const std::vector<int32_t>& p_shape,
                               const std::vector<Index>& indices,
                               const std::vector<int32_t>& i_shape, int axis, int batch_dims,
                               std::vector<int32_t>* out_shape) {
  out_shape->assign(p_shape.begin(), p_shape.begin() + axis);
  out_shape->insert(out_shape->end(), i_shape.begin() + batch_dims, i_shape.end());
  out_shape->insert(out_shape->end(), p_shape.begin() + axis + 1, p_shape.end());
  const int index_rank = static_cast<int>(i_shape.size()) - batch_dims;
  std::vector<T> out(Count(*out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    std::vector<int32_t> coord(out_shape->size());
    int64_t rest = o;
    for (int d = static_cast<int>(coord.size()) - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % (*out_shape)[d]);
      rest /= (*out_shape)[d];
    }
    std::vector<int32_t> i_coord(coord.begin(), coord.begin() + batch_dims);
    i_coord.insert(i_coord.end(), coord.begin() + axis, coord.begin() + axis + index_rank);
    std::vector<int32_t> p_coord(coord.begin(), coord.begin() + axis);
    p_coord.push_back(static_cast<int32_t>(indices[Flat(i_coord, i_shape)]));
    p_coord.insert(p_coord.end(), coord.begin() + axis + index_rank, coord.end());
    out[o] = params[Flat(p_coord, p_shape)];
  }
  return out;
}

TEST(GatherTest, HandWorked) {
  // Rows 2 and 0 of [[1, 2], [3, 4], [5, 6]].
  OpTester rows(schema::OpCode::GATHER);
  rows.Input({3, 2}, {1, 2, 3, 4, 5, 6})
      .InputOf<int32_t>({2}, {2, 0}, /*constant=*/true)
      .Output({2, 2})
      .Options(Gather(0));
  ASSERT_EQ(rows.Run(kernels::kGather), Status::kOk) << rows.error();
  EXPECT_EQ(rows.OutputFloats(0), (std::vector<float>{5, 6, 1, 2}));

  // Columns 2, 0, 2 of [[1, 2, 3], [4, 5, 6]], int64 indices, axis -1.
  OpTester cols(schema::OpCode::GATHER);
  cols.Input({2, 3}, {1, 2, 3, 4, 5, 6})
      .InputOf<int64_t>({3}, {2, 0, 2})
      .Output({2, 3})
      .Options(Gather(-1));
  ASSERT_EQ(cols.Run(kernels::kGather), Status::kOk) << cols.error();
  EXPECT_EQ(cols.OutputFloats(0), (std::vector<float>{3, 1, 3, 6, 4, 6}));

  // batch_dims 1: row b picks with its own indices, [[2, 0], [1, 1]].
  OpTester batched(schema::OpCode::GATHER);
  batched.InputOf<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6})
      .InputOf<int32_t>({2, 2}, {2, 0, 1, 1})
      .Output({2, 2}, schema::TensorType::INT32)
      .Options(Gather(1, 1));
  ASSERT_EQ(batched.Run(kernels::kGather), Status::kOk) << batched.error();
  EXPECT_EQ(batched.OutputAs<int32_t>(0), (std::vector<int32_t>{3, 1, 5, 5}));

  // Embedding lookup: int8 table [4, 2], indices [2, 2] give [2, 2, 2].
  OpTester embed(schema::OpCode::GATHER);
  embed.InputOf<int8_t>({4, 2}, {0, 1, 10, 11, 20, 21, 30, 31}, /*constant=*/true)
      .InputOf<int32_t>({2, 2}, {3, 3, 0, 1})
      .Output({2, 2, 2}, schema::TensorType::INT8);
  ASSERT_EQ(embed.Run(kernels::kGather), Status::kOk) << embed.error();
  EXPECT_EQ(embed.OutputAs<int8_t>(0), (std::vector<int8_t>{30, 31, 30, 31, 0, 1, 10, 11}));
}

TEST(GatherTest, InfersShapes) {
  // params [2, 3, 2] along axis 1 with indices [[2], [0]] ([2, 1]): the
  // output is [2] + [2, 1] + [2] = [2, 2, 1, 2].
  std::vector<float> params(12);
  for (int i = 0; i < 12; ++i) params[i] = static_cast<float>(i);
  OpTester test(schema::OpCode::GATHER);
  test.Input({2, 3, 2}, params)
      .InputOf<int32_t>({2, 1}, {2, 0})
      .Output({})
      .Options(Gather(1))
      .InferShapes();
  ASSERT_EQ(test.Run(kernels::kGather), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 2, 1, 2}));
  // Batch 0 rows 2 and 0 (elements 4, 5 and 0, 1), then batch 1's (+6).
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4, 5, 0, 1, 10, 11, 6, 7}));
}

TEST(GatherTest, ScalarIndices) {
  // A scalar index drops the axis: row 1 of [[1, 2], [3, 4], [5, 6]].
  OpTester row(schema::OpCode::GATHER);
  row.Input({3, 2}, {1, 2, 3, 4, 5, 6})
      .InputOf<int32_t>({}, {1}, /*constant=*/true)
      .Output({})
      .Options(Gather(0))
      .InferShapes();
  ASSERT_EQ(row.Run(kernels::kGather), Status::kOk) << row.error();
  EXPECT_EQ(row.OutputShape(0), (std::vector<int32_t>{2}));
  EXPECT_EQ(row.OutputFloats(0), (std::vector<float>{3, 4}));

  // From a vector it picks one element: a scalar.
  OpTester element(schema::OpCode::GATHER);
  element.InputOf<int32_t>({4}, {10, 20, 30, 40})
      .InputOf<int64_t>({}, {3})
      .Output({}, schema::TensorType::INT32)
      .Options(Gather(0));
  ASSERT_EQ(element.Run(kernels::kGather), Status::kOk) << element.error();
  EXPECT_TRUE(element.OutputShape(0).empty());
  EXPECT_EQ(element.OutputAs<int32_t>(0), (std::vector<int32_t>{40}));

  // A scalar index is still checked at Eval.
  OpTester bad(schema::OpCode::GATHER);
  bad.Input({3}, {1, 2, 3}).InputOf<int32_t>({}, {3}).Output({});
  EXPECT_EQ(bad.Run(kernels::kGather), Status::kEvalError);
}

TEST(GatherTest, SweepAgainstReference) {
  std::mt19937 rng(47);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_int_distribution<int32_t> value(-1000000, 1000000);
  int cases = 0;
  for (int p_rank = 1; p_rank <= 4; ++p_rank) {
    for (int axis = 0; axis < p_rank; ++axis) {
      for (int batch_dims = 0; batch_dims <= axis; ++batch_dims) {
        for (int extra = 0; extra <= 2; ++extra) {
          const int i_rank = batch_dims + extra;
          std::vector<int32_t> p_shape(p_rank);
          for (int32_t& d : p_shape) d = dim(rng);
          p_shape[axis] += 1;
          std::vector<int32_t> i_shape(p_shape.begin(), p_shape.begin() + batch_dims);
          for (int k = 0; k < extra; ++k) i_shape.push_back(dim(rng));
          std::vector<int64_t> params(Count(p_shape));
          for (int64_t& v : params) v = int64_t{value(rng)} * 4096;
          std::uniform_int_distribution<int32_t> index(0, p_shape[axis] - 1);
          std::vector<int32_t> indices32(Count(i_shape));
          for (int32_t& v : indices32) v = index(rng);
          const std::vector<int64_t> indices64(indices32.begin(), indices32.end());
          std::vector<int32_t> out_shape;
          const std::vector<int64_t> expected =
              ReferenceGather(params, p_shape, indices32, i_shape, axis, batch_dims, &out_shape);
          for (bool wide : {false, true}) {
            OpTester test(schema::OpCode::GATHER);
            test.InputOf<int64_t>(p_shape, params);
            if (wide) {
              test.InputOf<int64_t>(i_shape, indices64);
            } else {
              test.InputOf<int32_t>(i_shape, indices32);
            }
            // Negative axis and batch_dims on alternate cases (a negative
            // batch_dims counts back from the indices' rank, so it can only
            // say batch_dims < i_rank).
            const int32_t axis_option = cases % 2 ? axis - p_rank : axis;
            const int32_t batch_option =
                cases % 3 == 1 && batch_dims > 0 && extra > 0 ? batch_dims - i_rank : batch_dims;
            // int64 indices leave the output shape to the kernel (declared {}).
            test.Output(wide ? std::vector<int32_t>{} : out_shape, schema::TensorType::INT64)
                .Options(Gather(axis_option, batch_option));
            if (wide) test.InferShapes();
            ASSERT_EQ(test.Run(kernels::kGather), Status::kOk) << test.error();
            EXPECT_EQ(test.OutputShape(0), out_shape);
            EXPECT_EQ(test.OutputAs<int64_t>(0), expected)
                << "p_rank " << p_rank << " axis " << axis << " batch_dims " << batch_dims
                << " extra " << extra << " wide " << wide;
            ++cases;
          }
        }
      }
    }
  }
  // Scalar indices (extra 0, batch_dims 0) and a rank-1 params give scalars.
  EXPECT_GT(cases, 100);
}

TEST(GatherTest, IndexOutOfRangeIsAnEvalError) {
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, std::vector<float>(6)).InputOf<int32_t>({3}, {0, 3, 1}).Output({3, 2});
    EXPECT_EQ(test.Run(kernels::kGather), Status::kEvalError);
    EXPECT_NE(test.error().find("element 1 (flat position) is 3, outside [0, 3)"),
              std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, std::vector<float>(6)).InputOf<int64_t>({2}, {-1, 0}).Output({2, 2});
    EXPECT_EQ(test.Run(kernels::kGather), Status::kEvalError);
    EXPECT_NE(test.error().find("is -1"), std::string::npos) << test.error();
  }
  {
    // An index valid for int32 but not for the axis, beyond int32 range.
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, std::vector<float>(6))
        .InputOf<int64_t>({1}, {int64_t{1} << 33})
        .Output({1, 2});
    EXPECT_EQ(test.Run(kernels::kGather), Status::kEvalError);
  }
}

TEST(GatherTest, RejectsBadModels) {
  const std::vector<float> params(6);
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params).Input({2}, {0, 1}).Output({2, 2});
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "float indices";
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params).InputOf<int32_t>({2}, {0, 1}).Output({2, 2}).Options(Gather(2));
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "axis";
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params)
        .InputOf<int32_t>({3, 1}, {0, 1, 0})
        .Output({3, 1})
        .Options(Gather(0, 1));
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "batch_dims > axis";
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params)
        .InputOf<int32_t>({2, 1}, {0, 1})
        .Output({3, 1})
        .Options(Gather(1, 1));
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "batch dims differ";
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params).InputOf<int32_t>({2}, {0, 1}).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({}, {1}).InputOf<int32_t>({}, {0}).Output({}).InferShapes();
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "scalar params";
    EXPECT_NE(test.error().find("axis 0 is out of range"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params)
        .InputOf<int32_t>({2}, {0, 1})
        .Output({2, 2}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "output type";
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::PackOptionsT{});
    OpTester test(schema::OpCode::GATHER);
    test.Input({3, 2}, params)
        .InputOf<int32_t>({2}, {0, 1})
        .Output({2, 2})
        .Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kGather), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be GatherOptions"), std::string::npos)
        << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedGathers(uint32_t seed) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<int32_t> p_shape = {3, 4, 2};
  const std::vector<T> params = testing::RandomQuantized<T>(rng, 24);
  const std::vector<int32_t> indices = {3, 0, 0, 2, 1};
  std::vector<int32_t> out_shape;
  const std::vector<T> expected =
      ReferenceGather(params, p_shape, indices, {5}, /*axis=*/1, /*batch_dims=*/0, &out_shape);
  OpTester test(schema::OpCode::GATHER);
  test.InputOf<T>(p_shape, params)
      .Quantize({q.scale}, {q.zero_point})
      .template InputOf<int32_t>({5}, indices)
      .Output(out_shape, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(Gather(1));
  ASSERT_EQ(test.Run(kernels::kGather), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), expected);
}

TEST(GatherTest, Int8AndInt16) {
  ExpectQuantizedGathers<int8_t>(1);
  ExpectQuantizedGathers<int16_t>(2);
}

TEST(GatherTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kGather,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::GATHER);
                                               test.InputOf<int8_t>({3}, {1, 2, 3})
                                                   .Quantize({0.5f}, {-3})
                                                   .InputOf<int32_t>({2}, {2, 0})
                                                   .Output({2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(Gather(0));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
