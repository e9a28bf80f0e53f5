#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/int16_test_util.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_case.h"
#include "tests/testing/tflm_int8_reference.h"

namespace ember {
namespace {

using testing::AllClose;
using testing::OpTester;

// ---- Hand-worked cases ------------------------------------------------------
// The numbers are small integers and halves, exact in float32 at every step,
// so these compare exactly.

TEST(BatchMatmulTest, PlainMatrixProduct) {
  // [[1,2,3],[4,5,6]] x [[1,0],[0,1],[1,1]]: row 0 = [1+3, 2+3], row 1 =
  // [4+6, 5+6].
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Input({3, 2}, {1, 0, 0, 1, 1, 1}).Output({2, 2});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{4, 5, 10, 11}));
}

TEST(BatchMatmulTest, LowerRankOperandIsSharedByEveryBatch) {
  // Both [1,2] rows of a [2,1,2] times the same b = [[1,10],[100,1000]]:
  // [1,2] -> [1 + 200, 10 + 2000], [3,4] -> [3 + 400, 30 + 4000].
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 1, 2}, {1, 2, 3, 4}).ConstInput({2, 2}, {1, 10, 100, 1000}).Output({2, 1, 2});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{201, 2010, 403, 4030}));
}

TEST(BatchMatmulTest, BatchDimsBroadcastBothWays) {
  // a batch [2,1], b batch [3] -> [2,3]; with 1x1 matrices the result is the
  // outer product of [1,2] and [10,20,30].
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 1, 1, 1}, {1, 2}).Input({3, 1, 1}, {10, 20, 30}).Output({2, 3, 1, 1});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{10, 20, 30, 20, 40, 60}));
}

TEST(BatchMatmulTest, EmptyInnerDimensionGivesZeros) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 0}, {}).Input({0, 3}, {}).Output({2, 3});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), std::vector<float>(6, 0.0f));
}

// ---- Sweep against a naive reference ----------------------------------------

struct MatmulCase {
  std::vector<int32_t> a_batch, b_batch;
  int m, k, n;
};

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// Broadcast batch shape, computed independently of the kernel's plan.
std::vector<int32_t> BroadcastShape(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int32_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int32_t a_dim = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int32_t b_dim = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    out[i] = std::max(a_dim, b_dim);
  }
  return out;
}

// Flat index into an operand's batch for an output batch position: trailing
// alignment, and dims of size 1 always read index 0.
int OperandBatch(const std::vector<int32_t>& shape, const std::vector<int32_t>& position) {
  int index = 0;
  const size_t offset = position.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    index = index * shape[i] + (shape[i] == 1 ? 0 : position[i + offset]);
  }
  return index;
}

// With infer_shapes every output is declared as {} and Prepare must give it
// the reference shape, as the converter's shape inference relies on.
void Sweep(bool infer_shapes) {
  std::mt19937 rng(77);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto random = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
  };
  const std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> batches = {
      {{}, {}},         {{2}, {2}},    {{2}, {}},        {{}, {3}},
      {{1}, {4}},       {{2, 1}, {3}}, {{2, 3}, {2, 1}}, {{1, 2, 1}, {3, 1, 2}},
      {{3, 1}, {1, 2}},
  };
  const int ms[] = {1, 3, 5};
  const int ks[] = {1, 4, 7};
  const int ns[] = {1, 2, 6};
  for (const auto& [a_batch, b_batch] : batches) {
    for (int m : ms) {
      for (int k : ks) {
        for (int n : ns) {
          SCOPED_TRACE("a " + ShapeString(a_batch) + " b " + ShapeString(b_batch) + " m" +
                       std::to_string(m) + " k" + std::to_string(k) + " n" + std::to_string(n));
          std::vector<int32_t> a_shape = a_batch;
          a_shape.insert(a_shape.end(), {m, k});
          std::vector<int32_t> b_shape = b_batch;
          b_shape.insert(b_shape.end(), {k, n});
          const std::vector<int32_t> out_batch = BroadcastShape(a_batch, b_batch);
          std::vector<int32_t> out_shape = out_batch;
          out_shape.insert(out_shape.end(), {m, n});
          int a_count = 1, b_count = 1, out_count = 1;
          for (int32_t d : a_batch) a_count *= d;
          for (int32_t d : b_batch) b_count *= d;
          for (int32_t d : out_batch) out_count *= d;
          const auto a = random(static_cast<size_t>(a_count) * m * k);
          const auto b = random(static_cast<size_t>(b_count) * k * n);

          std::vector<float> expected;
          std::vector<int32_t> position(out_batch.size(), 0);
          for (int batch = 0; batch < out_count; ++batch) {
            int rest = batch;
            for (size_t d = out_batch.size(); d-- > 0;) {
              position[d] = rest % out_batch[d];
              rest /= out_batch[d];
            }
            const int a_index = OperandBatch(a_batch, position);
            const int b_index = OperandBatch(b_batch, position);
            for (int i = 0; i < m; ++i) {
              for (int j = 0; j < n; ++j) {
                double sum = 0.0;
                for (int p = 0; p < k; ++p) {
                  sum += double{a[(a_index * m + i) * k + p]} * b[(b_index * k + p) * n + j];
                }
                expected.push_back(static_cast<float>(sum));
              }
            }
          }

          OpTester test(schema::OpCode::BATCH_MATMUL);
          test.Input(a_shape, a).Input(b_shape, b);
          test.Output(infer_shapes ? std::vector<int32_t>{} : out_shape);
          if (infer_shapes) test.InferShapes();
          ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
          EXPECT_EQ(test.OutputShape(0), out_shape);
          // At most 7 float32 products of values in [-1, 1] per output, summed
          // in the same k order as the double reference: error of a few ulps.
          EXPECT_TRUE(AllClose(test.OutputFloats(0), expected, 1e-5f, 1e-5f));
        }
      }
    }
  }
}

TEST(BatchMatmulTest, MatchesReferenceOverSweep) { Sweep(false); }

TEST(BatchMatmulTest, InfersOutputShapesOverSweep) { Sweep(true); }

// ---- Rejections -------------------------------------------------------------

TEST(BatchMatmulTest, RejectsInnerDimensionMismatch) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 3}, std::vector<float>(6, 1.0f))
      .Input({4, 2}, std::vector<float>(8, 1.0f))
      .Output({2, 2});
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kInvalidModel);
}

TEST(BatchMatmulTest, RejectsBatchDimsThatDoNotBroadcast) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 1, 3}, std::vector<float>(6, 1.0f))
      .Input({3, 3, 1}, std::vector<float>(9, 1.0f))
      .Output({3, 1, 1});
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kInvalidModel);
}

TEST(BatchMatmulTest, RejectsWrongOutputShape) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 1, 3}, std::vector<float>(6, 1.0f))
      .Input({3, 4}, std::vector<float>(12, 1.0f))
      .Output({1, 4});
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kInvalidModel);
  // The interpreter's check of the declared shape names the computed one.
  EXPECT_NE(test.error().find("(2, 1, 4,"), std::string::npos) << test.error();
}

TEST(BatchMatmulTest, RejectsRankOneOperand) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({3}, std::vector<float>(3, 1.0f))
      .Input({3, 4}, std::vector<float>(12, 1.0f))
      .Output({4});
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kInvalidModel);
}

TEST(BatchMatmulTest, RejectsWrongInputCount) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.Input({2, 2}, std::vector<float>(4, 1.0f)).Output({2, 2});
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kInvalidModel);
}

TEST(BatchMatmulTest, Int32IsUnsupported) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int32_t>({2, 2}, {1, 2, 3, 4})
      .InputOf<int32_t>({2, 2}, {1, 0, 0, 1})
      .Output({2, 2}, schema::TensorType::INT32);
  EXPECT_EQ(test.Run(kernels::kBatchMatmul), Status::kUnsupported);
}

// ---- Int8 ---------------------------------------------------------------------

TEST(BatchMatmulTest, Int8HandWorked) {
  // a = [3, -1] at scale 0.5, zero point 1: a - zp = [2, -2]. b = [[4, -2],
  // [2, 0]] at scale 0.25, zero point -2: b - zp = [[6, 0], [4, 2]]. Sums
  // 12 - 8 = 4 and 0 - 4 = -4; multiplier 0.5 * 0.25 / 0.25 = 0.5 (Q31
  // 2^30, shift 0): 2 and -2; output zero point 5: 7 and 3.
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int8_t>({1, 2}, {3, -1})
      .Quantize({0.5f}, {1})
      .InputOf<int8_t>({2, 2}, {4, -2, 2, 0})
      .Quantize({0.25f}, {-2})
      .Output({1, 2}, schema::TensorType::INT8)
      .Quantize({0.25f}, {5});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{7, 3}));
}

TEST(BatchMatmulTest, Int8SaturatesWithoutActivation) {
  // 127 * 127 at scales 1 and output scale 1 is 16129: clamped to 127; its
  // negation to -128.
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int8_t>({2, 1}, {127, -127})
      .Quantize({1.0f}, {0})
      .InputOf<int8_t>({1, 1}, {127}, true)
      .Quantize({1.0f}, {0})
      .Output({2, 1}, schema::TensorType::INT8)
      .Quantize({1.0f}, {0});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int8_t>(0), (std::vector<int8_t>{127, -128}));
}

// Int8 against the double product of the dequantized operands, requantized
// with one correct rounding. TFLite's pipeline rounds more than once (the
// multiplier to 31 bits, the doubling high multiply, the rounding shift), so
// near a rounding boundary it may land one step away: within 1, and most
// exactly. Both operands are runtime tensors, with broadcast batch dims.
TEST(BatchMatmulTest, Int8MatchesReferenceOverSweep) {
  std::mt19937 rng(55);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::uniform_int_distribution<int> zero_point(-20, 20);
  const std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> batches = {
      {{}, {}}, {{3}, {}}, {{2, 1}, {3}}, {{1}, {2, 2}}};
  const int sizes[][3] = {{1, 1, 1}, {2, 3, 4}, {5, 1, 3}, {3, 37, 2}, {4, 300, 5}};
  int exact = 0;
  int total = 0;
  for (const auto& [a_batch, b_batch] : batches) {
    for (const auto& size : sizes) {
      const int m = size[0];
      const int k = size[1];
      const int n = size[2];
      std::vector<int32_t> a_shape = a_batch;
      a_shape.insert(a_shape.end(), {m, k});
      std::vector<int32_t> b_shape = b_batch;
      b_shape.insert(b_shape.end(), {k, n});
      // Broadcast batch shape, right-aligned.
      const size_t rank = std::max(a_batch.size(), b_batch.size());
      std::vector<int32_t> out_batch(rank);
      for (size_t d = 0; d < rank; ++d) {
        const int32_t a_dim = d + a_batch.size() >= rank ? a_batch[d + a_batch.size() - rank] : 1;
        const int32_t b_dim = d + b_batch.size() >= rank ? b_batch[d + b_batch.size() - rank] : 1;
        out_batch[d] = std::max(a_dim, b_dim);
      }
      std::vector<int32_t> out_shape = out_batch;
      out_shape.insert(out_shape.end(), {m, n});
      SCOPED_TRACE("a rank " + std::to_string(a_shape.size()) + " b rank " +
                   std::to_string(b_shape.size()) + " m " + std::to_string(m) + " k " +
                   std::to_string(k) + " n " + std::to_string(n));

      const float a_scale = 0.02f + 0.06f * unit(rng);
      const float b_scale = 0.01f + 0.04f * unit(rng);
      const int a_zp = zero_point(rng);
      const int b_zp = zero_point(rng);
      const float out_scale = static_cast<float>(6.0 * std::sqrt(k) * 74 * a_scale * 74 * b_scale /
                                                 255 * (0.7 + 0.6 * unit(rng)));
      const int out_zp = zero_point(rng);
      int64_t a_count = int64_t{m} * k;
      for (int32_t d : a_batch) a_count *= d;
      int64_t b_count = int64_t{k} * n;
      for (int32_t d : b_batch) b_count *= d;
      const auto a = testing::RandomInts<int8_t>(rng, a_count, -128, 127);
      const auto b = testing::RandomInts<int8_t>(rng, b_count, -128, 127);

      // The reference walks output batches and maps each to its operands'
      // batches by broadcasting (index 0 along dims of 1).
      int64_t batch_count = 1;
      for (int32_t d : out_batch) batch_count *= d;
      std::vector<int8_t> expected;
      for (int64_t batch = 0; batch < batch_count; ++batch) {
        int64_t a_index = 0;
        int64_t b_index = 0;
        int64_t rest = batch;
        int64_t a_stride = 1;
        int64_t b_stride = 1;
        for (size_t d = rank; d-- > 0;) {
          const int64_t i = rest % out_batch[d];
          rest /= out_batch[d];
          if (d + a_batch.size() >= rank) {
            const int32_t dim = a_batch[d + a_batch.size() - rank];
            a_index += (dim == 1 ? 0 : i) * a_stride;
            a_stride *= dim;
          }
          if (d + b_batch.size() >= rank) {
            const int32_t dim = b_batch[d + b_batch.size() - rank];
            b_index += (dim == 1 ? 0 : i) * b_stride;
            b_stride *= dim;
          }
        }
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            double sum = 0;
            for (int l = 0; l < k; ++l) {
              sum += (a[a_index * m * k + i * k + l] - a_zp) * double{a_scale} *
                     ((b[b_index * k * n + l * n + j] - b_zp) * double{b_scale});
            }
            expected.push_back(testing::QuantizeReference(sum, out_scale, out_zp));
          }
        }
      }

      OpTester test(schema::OpCode::BATCH_MATMUL);
      test.InputOf<int8_t>(a_shape, a)
          .Quantize({a_scale}, {a_zp})
          .InputOf<int8_t>(b_shape, b)
          .Quantize({b_scale}, {b_zp})
          .Output(out_shape, schema::TensorType::INT8)
          .Quantize({out_scale}, {out_zp});
      ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
      ASSERT_NO_FATAL_FAILURE(
          testing::ExpectWithinOne(test.OutputAs<int8_t>(0), expected, &exact, &total));
    }
  }
  EXPECT_GE(exact, total * 99 / 100) << exact << " of " << total << " exact";
}

// Bit for bit against TFLite Micro's arithmetic (its integer sums, then
// MultiplyByQuantizedMultiplier; tflm_int8_reference.h) over rows wider than
// the kernel's 64-column chunks, with and without a broadcast batch. The
// operand scales have short mantissas, so their product is exact in float
// and in double alike.
TEST(BatchMatmulTest, Int8MatchesTflmArithmeticOverWideRows) {
  std::mt19937 rng(56);
  const float a_scale = 0.078125f;  // 5 * 2^-6
  const float b_scale = 0.046875f;  // 3 * 2^-6
  for (const int n : {1, 63, 64, 65, 130, 256}) {
    for (const int k : {1, 20, 37}) {
      const int m = 3;
      const bool broadcast = n % 2 == 0;
      const int a_zp = 7;
      const int b_zp = -11;
      const int out_zp = -3;
      const float out_scale = 0.011f * static_cast<float>(std::sqrt(k)) * 5;
      SCOPED_TRACE("n " + std::to_string(n) + " k " + std::to_string(k));
      const std::vector<int32_t> a_shape = {2, m, k};
      const std::vector<int32_t> b_shape =
          broadcast ? std::vector<int32_t>{k, n} : std::vector<int32_t>{2, k, n};
      const auto a = testing::RandomInts<int8_t>(rng, 2 * m * k, -128, 127);
      const auto b = testing::RandomInts<int8_t>(rng, (broadcast ? 1 : 2) * k * n, -128, 127);
      int32_t multiplier = 0;
      int shift = 0;
      testing::TflmQuantizeMultiplier(
          static_cast<double>(a_scale) * static_cast<double>(b_scale) /
              static_cast<double>(out_scale),
          &multiplier, &shift);
      std::vector<int8_t> expected;
      for (int batch = 0; batch < 2; ++batch) {
        const int8_t* b_batch = b.data() + (broadcast ? 0 : batch * k * n);
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            int32_t sum = 0;
            for (int l = 0; l < k; ++l) {
              sum += (a[batch * m * k + i * k + l] - a_zp) * (b_batch[l * n + j] - b_zp);
            }
            const int32_t value =
                out_zp + testing::TflmMultiplyByQuantizedMultiplier(sum, multiplier, shift);
            expected.push_back(static_cast<int8_t>(std::min(127, std::max(-128, value))));
          }
        }
      }
      OpTester test(schema::OpCode::BATCH_MATMUL);
      test.InputOf<int8_t>(a_shape, a)
          .Quantize({a_scale}, {a_zp})
          .InputOf<int8_t>(b_shape, b)
          .Quantize({b_scale}, {b_zp})
          .Output({2, m, n}, schema::TensorType::INT8)
          .Quantize({out_scale}, {out_zp});
      ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
      ASSERT_EQ(test.OutputAs<int8_t>(0), expected);
    }
  }
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/cases_int16.py (b is a constant there: the
// generator feeds only the model's first input).
void ExpectMatchesTflm(const std::string& name) {
  testing::ExpectMatchesTflm(kernels::kBatchMatmul, 126, name,
                             [](const testing::TflmCase&) { return schema::OpOptionsUnion(); });
}

TEST(BatchMatmulTest, Int8MatchesTflmBroadcast) {
  ExpectMatchesTflm("i16_batch_matmul_int8_broadcast");
}

TEST(BatchMatmulTest, Int8MatchesTflmDeep) { ExpectMatchesTflm("i16_batch_matmul_int8_deep"); }

TEST(BatchMatmulTest, Int8ChecksOperands) {
  struct Bad {
    const char* what;
    schema::TensorType b_type;
    std::vector<float> b_scales;
    int64_t b_zp;
    schema::TensorType output_type;
    std::vector<float> output_scales;
    Status status;
  };
  const Bad cases[] = {
      {"valid", schema::TensorType::INT8, {0.1f}, 3, schema::TensorType::INT8, {0.5f}, Status::kOk},
      {"b not quantized",
       schema::TensorType::INT8,
       {},
       0,
       schema::TensorType::INT8,
       {0.5f},
       Status::kInvalidModel},
      {"b per channel",
       schema::TensorType::INT8,
       {0.1f, 0.2f},
       0,
       schema::TensorType::INT8,
       {0.5f},
       Status::kInvalidModel},
      {"b zero point outside int8",
       schema::TensorType::INT8,
       {0.1f},
       200,
       schema::TensorType::INT8,
       {0.5f},
       Status::kInvalidModel},
      {"output not quantized",
       schema::TensorType::INT8,
       {0.1f},
       0,
       schema::TensorType::INT8,
       {},
       Status::kInvalidModel},
      {"float b",
       schema::TensorType::FLOAT32,
       {},
       0,
       schema::TensorType::INT8,
       {0.5f},
       Status::kUnsupported},
      {"float output",
       schema::TensorType::INT8,
       {0.1f},
       0,
       schema::TensorType::FLOAT32,
       {},
       Status::kUnsupported},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::BATCH_MATMUL);
    test.InputOf<int8_t>({2, 2}, {1, 2, 3, 4}).Quantize({0.1f}, {0});
    if (bad.b_type == schema::TensorType::INT8) {
      test.InputOf<int8_t>({2, 2}, {1, 0, 0, 1});
    } else {
      test.Input({2, 2}, {1, 0, 0, 1});
    }
    if (!bad.b_scales.empty()) {
      test.Quantize(bad.b_scales, std::vector<int64_t>(bad.b_scales.size(), bad.b_zp), 1);
    }
    test.Output({2, 2}, bad.output_type);
    if (!bad.output_scales.empty()) test.Quantize(bad.output_scales, {0});
    EXPECT_EQ(test.Run(kernels::kBatchMatmul), bad.status) << test.error();
  }
}

// ---- Int16 --------------------------------------------------------------------

TEST(BatchMatmulTest, Int16HandWorked) {
  // a = [101, -3] at scale 0.5, b = [[1, -1], [0, 2]] at scale 0.25: sums 101
  // and -101 - 6 = -107. Multiplier 0.5 * 0.25 / 0.25 = 0.5 (Q31 2^30, shift
  // 0; rounded to Q15 2^14, total shift 15): 50.5 and -53.5, rounded half up
  // to 51 and -53.
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int16_t>({1, 2}, {101, -3})
      .Quantize({0.5f}, {0})
      .InputOf<int16_t>({2, 2}, {1, -1, 0, 2})
      .Quantize({0.25f}, {0})
      .Output({1, 2}, schema::TensorType::INT16)
      .Quantize({0.25f}, {0});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{51, -53}));
}

TEST(BatchMatmulTest, Int16SaturatesWithoutActivation) {
  // 32767 * 32767 and -32768 * 32767 at scales 1 (multiplier 1): far outside
  // int16, clamped to 32767 and -32768.
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int16_t>({2, 1}, {32767, -32768})
      .Quantize({1.0f}, {0})
      .InputOf<int16_t>({1, 1}, {32767}, true)
      .Quantize({1.0f}, {0})
      .Output({2, 1}, schema::TensorType::INT16)
      .Quantize({1.0f}, {0});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{32767, -32768}));
}

// Three products of -32768 * -32768 sum to 3 * 2^30, past int32 (summed in
// 32 bits it would wrap to -2^30); three of -32768 * 32767 to
// -3,221,127,168. At scales 2^-8, 2^-8 and 2 the multiplier is 2^-17:
// 24576 exactly and -24575.25, rounded to -24575.
TEST(BatchMatmulTest, Int16SumsPastTheInt32Range) {
  OpTester test(schema::OpCode::BATCH_MATMUL);
  test.InputOf<int16_t>({1, 3}, {-32768, -32768, -32768})
      .Quantize({1.0f / 256}, {0})
      .InputOf<int16_t>({3, 2}, {-32768, 32767, -32768, 32767, -32768, 32767})
      .Quantize({1.0f / 256}, {0})
      .Output({1, 2}, schema::TensorType::INT16)
      .Quantize({2.0f}, {0});
  ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{24576, -24575}));
}

// Int16 against the double product of the dequantized operands over the
// output scale, q. TFLite's rounding of the multiplier to 15 bits (a
// mantissa in [2^14, 2^15]) moves it by a relative 2^-15 at most, so an
// output may lie |q| * 2^-15 beyond q's half-step rounding: near the int16
// limits that is a whole step, and at random outputs about one in ten
// rounds the other way than q, so a count of exact outputs says little;
// the bound is checked instead (clamped to int16). Both operands are runtime
// tensors over the whole int16 range, with broadcast batch dims; n runs past
// the kernel's column tiles (32) and k past the int32 range of the sums.
TEST(BatchMatmulTest, Int16MatchesReferenceOverSweep) {
  std::mt19937 rng(56);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> batches = {
      {{}, {}}, {{3}, {}}, {{2, 1}, {3}}, {{1}, {2, 2}}};
  const int sizes[][3] = {{1, 1, 1}, {2, 3, 4}, {1, 20, 70}, {3, 37, 33}, {4, 300, 5}};
  for (const auto& [a_batch, b_batch] : batches) {
    for (const auto& [m, k, n] : sizes) {
      SCOPED_TRACE("a " + ShapeString(a_batch) + " b " + ShapeString(b_batch) + " m" +
                   std::to_string(m) + " k" + std::to_string(k) + " n" + std::to_string(n));
      std::vector<int32_t> a_shape = a_batch;
      a_shape.insert(a_shape.end(), {m, k});
      std::vector<int32_t> b_shape = b_batch;
      b_shape.insert(b_shape.end(), {k, n});
      const std::vector<int32_t> out_batch = BroadcastShape(a_batch, b_batch);
      std::vector<int32_t> out_shape = out_batch;
      out_shape.insert(out_shape.end(), {m, n});
      int a_count = 1, b_count = 1, out_count = 1;
      for (int32_t d : a_batch) a_count *= d;
      for (int32_t d : b_batch) b_count *= d;
      for (int32_t d : out_batch) out_count *= d;
      const float a_scale = 1e-4f + 2e-4f * unit(rng);
      const float b_scale = 1e-4f + 2e-4f * unit(rng);
      // Uniform int16 values have rms 18919; the output covers about +-3
      // spreads of one sum.
      const float out_scale = static_cast<float>(6.0 * std::sqrt(k) * 18919 * a_scale * 18919 *
                                                 b_scale / 65535 * (0.7 + 0.6 * unit(rng)));
      const auto a =
          testing::RandomInts<int16_t>(rng, static_cast<size_t>(a_count) * m * k, -32768, 32767);
      const auto b =
          testing::RandomInts<int16_t>(rng, static_cast<size_t>(b_count) * k * n, -32768, 32767);

      std::vector<double> expected;
      std::vector<int32_t> position(out_batch.size(), 0);
      for (int batch = 0; batch < out_count; ++batch) {
        int rest = batch;
        for (size_t d = out_batch.size(); d-- > 0;) {
          position[d] = rest % out_batch[d];
          rest /= out_batch[d];
        }
        const int a_index = OperandBatch(a_batch, position);
        const int b_index = OperandBatch(b_batch, position);
        for (int i = 0; i < m; ++i) {
          for (int j = 0; j < n; ++j) {
            double sum = 0;
            for (int l = 0; l < k; ++l) {
              sum += a[(a_index * m + i) * k + l] * double{a_scale} *
                     (b[(b_index * k + l) * n + j] * double{b_scale});
            }
            expected.push_back(sum / out_scale);
          }
        }
      }

      OpTester test(schema::OpCode::BATCH_MATMUL);
      test.InputOf<int16_t>(a_shape, a)
          .Quantize({a_scale}, {0})
          .InputOf<int16_t>(b_shape, b)
          .Quantize({b_scale}, {0})
          .Output(out_shape, schema::TensorType::INT16)
          .Quantize({out_scale}, {0});
      ASSERT_EQ(test.Run(kernels::kBatchMatmul), Status::kOk) << test.error();
      const std::vector<int16_t> actual = test.OutputAs<int16_t>(0);
      ASSERT_EQ(actual.size(), expected.size());
      auto clamp = [](double q) { return std::min(32767.0, std::max(-32768.0, q)); };
      for (size_t i = 0; i < actual.size(); ++i) {
        // The final half-step rounding, the multiplier's 15 bits and a
        // margin for the float product of the scales.
        const double bound = 0.5 + std::fabs(expected[i]) * (1.0 / 32768 + 1e-6);
        EXPECT_GE(actual[i], clamp(expected[i] - bound)) << "output " << i;
        EXPECT_LE(actual[i], clamp(expected[i] + bound)) << "output " << i;
      }
    }
  }
}

// Bit-exact against TensorFlow Lite Micro's int16 reference kernel on
// models made by tests/kernels/testdata/cases_int16.py (b is an int16
// constant there).
void ExpectMatchesTflmInt16(const std::string& name) {
  testing::ExpectMatchesTflmInt16(kernels::kBatchMatmul, 126, name, [](const testing::TflmCase&) {
    return schema::OpOptionsUnion();
  });
}

TEST(BatchMatmulTest, Int16MatchesTflmBroadcast) {
  ExpectMatchesTflmInt16("i16_batch_matmul_int16_broadcast");
}

TEST(BatchMatmulTest, Int16MatchesTflmDeep) {
  ExpectMatchesTflmInt16("i16_batch_matmul_int16_deep");
}

TEST(BatchMatmulTest, Int16ChecksOperands) {
  struct Bad {
    const char* what;
    schema::TensorType a_type;
    int64_t a_zp;
    schema::TensorType b_type;
    int64_t b_zp;
    schema::TensorType output_type;
    int64_t output_zp;
    float output_scale;
    Status status;
    const char* message;  // a part of the error message
  };
  using schema::TensorType;
  const Bad cases[] = {
      {"valid", TensorType::INT16, 0, TensorType::INT16, 0, TensorType::INT16, 0, 0.5f, Status::kOk,
       ""},
      {"a zero point", TensorType::INT16, 3, TensorType::INT16, 0, TensorType::INT16, 0, 0.5f,
       Status::kInvalidModel, "input 0 (a) is int16 and must have zero point 0"},
      {"b zero point", TensorType::INT16, 0, TensorType::INT16, -1, TensorType::INT16, 0, 0.5f,
       Status::kInvalidModel, "input 1 (b) is int16 and must have zero point 0"},
      {"output zero point", TensorType::INT16, 0, TensorType::INT16, 0, TensorType::INT16, 7, 0.5f,
       Status::kInvalidModel, "output 0 is int16 and must have zero point 0"},
      {"int8 b", TensorType::INT16, 0, TensorType::INT8, 0, TensorType::INT16, 0, 0.5f,
       Status::kUnsupported,
       "an int16 input 0 (a) needs an int16 input 1 (b) and output, has int8"},
      {"int8 a, int16 b", TensorType::INT8, 0, TensorType::INT16, 0, TensorType::INT8, 0, 0.5f,
       Status::kUnsupported, "an int8 input 0 (a) needs an int8 input 1 (b) and output, has int16"},
      {"int8 output", TensorType::INT16, 0, TensorType::INT16, 0, TensorType::INT8, 0, 0.5f,
       Status::kUnsupported, "and int8"},
      {"multiplier 2^7 or more", TensorType::INT16, 0, TensorType::INT16, 0, TensorType::INT16, 0,
       1e-5f, Status::kInvalidModel, "must be below 2^7 for int16"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(schema::OpCode::BATCH_MATMUL);
    if (bad.a_type == TensorType::INT16) {
      test.InputOf<int16_t>({2, 2}, {1, 2, 3, 4});
    } else {
      test.InputOf<int8_t>({2, 2}, {1, 2, 3, 4});
    }
    test.Quantize({0.1f}, {bad.a_zp});
    if (bad.b_type == TensorType::INT16) {
      test.InputOf<int16_t>({2, 2}, {1, 0, 0, 1});
    } else {
      test.InputOf<int8_t>({2, 2}, {1, 0, 0, 1});
    }
    test.Quantize({0.1f}, {bad.b_zp});
    test.Output({2, 2}, bad.output_type).Quantize({bad.output_scale}, {bad.output_zp});
    EXPECT_EQ(test.Run(kernels::kBatchMatmul), bad.status) << test.error();
    EXPECT_NE(test.error().find(bad.message), std::string::npos) << test.error();
  }
}

}  // namespace
}  // namespace ember
