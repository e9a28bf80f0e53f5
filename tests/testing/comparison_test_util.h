// Shared by the tests of the comparison ops (LESS, LESS_EQUAL, GREATER,
// GREATER_EQUAL, EQUAL, NOT_EQUAL) and the binary logical ops (LOGICAL_AND,
// LOGICAL_OR): random broadcasts of every rank 0..6 against the independent
// reference broadcast of binary_op_test_util.h, and the rejections every one
// of them shares.
#ifndef EMBER_TESTS_TESTING_COMPARISON_TEST_UTIL_H_
#define EMBER_TESTS_TESTING_COMPARISON_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "interpreter/kernel.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/op_tester.h"

namespace ember::testing {

// The expected BOOL bytes of predicate(a, b) broadcast over `shapes`: the
// reference broadcasts element indices, then the predicate reads the values.
template <typename T, typename Predicate>
std::vector<uint8_t> BoolReference(const BroadcastShapes& shapes, const std::vector<T>& a,
                                   const std::vector<T>& b, Predicate predicate) {
  std::vector<int64_t> a_index(a.size());
  std::vector<int64_t> b_index(b.size());
  for (size_t i = 0; i < a.size(); ++i) a_index[i] = static_cast<int64_t>(i);
  for (size_t i = 0; i < b.size(); ++i) b_index[i] = static_cast<int64_t>(i);
  const std::vector<int64_t> picked =
      Reference(shapes, a_index, b_index,
                [&](int64_t i, int64_t j) -> int64_t { return predicate(a[i], b[j]) ? 1 : 0; });
  return std::vector<uint8_t>(picked.begin(), picked.end());
}

// Small values, so equal pairs are common and Equal/NotEqual see both answers.
template <typename T>
std::vector<T> RandomSmall(int64_t count, std::mt19937& rng) {
  std::uniform_int_distribution<int> value(-3, 3);
  std::vector<T> values(count);
  for (T& v : values) v = static_cast<T>(value(rng));
  return values;
}

// `trials` random broadcasts of each rank 0..6 for inputs of type T (either
// input constant in turn), exact against BoolReference.
template <typename T, typename Predicate>
void ComparisonSweepOf(const Kernel& kernel, uint32_t seed, int trials, Predicate predicate) {
  std::mt19937 rng(seed);
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < trials; ++trial) {
      const BroadcastShapes shapes = RandomShapes(rank, rng);
      const std::vector<T> a = RandomSmall<T>(Count(shapes.a), rng);
      const std::vector<T> b = RandomSmall<T>(Count(shapes.b), rng);
      OpTester test(kernel.op);
      // Separate statements: chained calls after a dependent template
      // argument would need the `template` keyword.
      test.InputOf<T>(shapes.a, a, /*constant=*/trial % 3 == 1);
      test.InputOf<T>(shapes.b, b, /*constant=*/trial % 3 == 2);
      test.Output(shapes.out, schema::TensorType::BOOL);
      ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<uint8_t>(0), BoolReference(shapes, a, b, predicate))
          << "rank " << rank << " trial " << trial;
    }
  }
}

// The sweep for float32, int32, int64 and unquantized int8 and int16.
template <typename Predicate>
void ComparisonBroadcastSweep(const Kernel& kernel, uint32_t seed, Predicate predicate) {
  ComparisonSweepOf<float>(kernel, seed, 4, predicate);
  ComparisonSweepOf<int32_t>(kernel, seed + 1, 4, predicate);
  ComparisonSweepOf<int64_t>(kernel, seed + 2, 4, predicate);
  ComparisonSweepOf<int8_t>(kernel, seed + 3, 2, predicate);
  ComparisonSweepOf<int16_t>(kernel, seed + 4, 2, predicate);
}

// The same sweep for BOOL inputs of a logical op.
template <typename Combine>
void LogicalBroadcastSweep(const Kernel& kernel, uint32_t seed, Combine combine) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution coin(0.5);
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < 4; ++trial) {
      const BroadcastShapes shapes = RandomShapes(rank, rng);
      std::vector<bool> a(Count(shapes.a));
      std::vector<bool> b(Count(shapes.b));
      for (size_t i = 0; i < a.size(); ++i) a[i] = coin(rng);
      for (size_t i = 0; i < b.size(); ++i) b[i] = coin(rng);
      OpTester test(kernel.op);
      test.BoolInput(shapes.a, a, /*constant=*/trial % 3 == 1)
          .BoolInput(shapes.b, b, /*constant=*/trial % 3 == 2)
          .Output(shapes.out, schema::TensorType::BOOL);
      ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<uint8_t>(0),
                BoolReference(shapes, a, b, [&](bool x, bool y) { return combine(x, y); }))
          << "rank " << rank << " trial " << trial;
    }
  }
}

// Rejections shared by every comparison: shapes that do not broadcast, a
// declared output shape other than the broadcast, mixed input types, a
// non-BOOL output, unsupported input types, and int8/int16 inputs quantized
// differently.
inline void ExpectComparisonRejections(const Kernel& kernel) {
  {
    OpTester test(kernel.op);
    test.Input({2, 3}, std::vector<float>(6))
        .Input({2}, {1, 2})
        .Output({2, 3}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "shapes do not broadcast";
    EXPECT_NE(test.error().find("do not broadcast"), std::string::npos) << test.error();
  }
  {
    OpTester test(kernel.op);
    test.Input({2, 3}, std::vector<float>(6))
        .Input({3}, {1, 2, 3})
        .Output({6}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "declared output shape";
  }
  {
    OpTester test(kernel.op);
    test.Input({2}, {1, 2}).InputOf<int32_t>({2}, {1, 2}).Output({2}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "mixed input types";
    EXPECT_NE(test.error().find("differ in type"), std::string::npos) << test.error();
  }
  {
    OpTester test(kernel.op);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "float output";
    EXPECT_NE(test.error().find("must be BOOL"), std::string::npos) << test.error();
  }
  {
    OpTester test(kernel.op);
    test.InputOf<uint8_t>({2}, {1, 2})
        .InputOf<uint8_t>({2}, {1, 2})
        .Output({2}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kUnsupported) << "uint8 inputs";
  }
  {
    OpTester test(kernel.op);
    test.BoolInput({2}, {true, false})
        .BoolInput({2}, {true, true})
        .Output({2}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kUnsupported) << "bool inputs";
  }
  struct Quantization {
    const char* what;
    float b_scale;
    int64_t b_zero_point;
    bool b_quantized;
  };
  const Quantization cases[] = {
      {"scale differs", 0.2f, 1, true},
      {"zero point differs", 0.1f, 2, true},
      {"input 1 not quantized", 0.1f, 1, false},
  };
  for (const Quantization& bad : cases) {
    OpTester test(kernel.op);
    test.InputOf<int8_t>({2}, {1, 2}).Quantize({0.1f}, {1}).InputOf<int8_t>({2}, {1, 2});
    if (bad.b_quantized) test.Quantize({bad.b_scale}, {bad.b_zero_point});
    test.Output({2}, schema::TensorType::BOOL);
    EXPECT_EQ(test.Run(kernel), Status::kUnsupported) << bad.what;
    EXPECT_NE(test.error().find("quantized alike"), std::string::npos) << test.error();
  }
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_COMPARISON_TEST_UTIL_H_
