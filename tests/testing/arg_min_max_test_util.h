// Shared by arg_max_test.cc and arg_min_test.cc: a naive reference, a sweep
// of the kernel against it over shapes, axes, types and tie rules, and the
// malformed models both kernels must reject.
#ifndef EMBER_TESTS_TESTING_ARG_MIN_MAX_TEST_UTIL_H_
#define EMBER_TESTS_TESTING_ARG_MIN_MAX_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "interpreter/kernel.h"
#include "tests/testing/op_tester.h"

namespace ember::testing {

inline schema::OpOptionsUnion ArgMinMax(int32_t axis, bool keep_dims = false,
                                        bool select_last_index = false) {
  schema::ArgMinMaxOptionsT options;
  options.axis = axis;
  options.keep_dims = keep_dims;
  options.select_last_index = select_last_index;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

// For every combination of the coordinates outside `axis` (in row-major
// order), walks the full coordinates along `axis` and keeps the winning
// position. Written from coordinates, not from the kernel's outer/inner view.
template <typename T>
std::vector<int64_t> ReferenceArgMinMax(const std::vector<T>& values,
                                        const std::vector<int32_t>& shape, int axis,
                                        bool find_max, bool select_last_index) {
  const int rank = static_cast<int>(shape.size());
  std::vector<int64_t> strides(rank, 1);
  for (int d = rank - 2; d >= 0; --d) strides[d] = strides[d + 1] * shape[d + 1];
  int64_t out_count = 1;
  for (int d = 0; d < rank; ++d) {
    if (d != axis) out_count *= shape[d];
  }
  std::vector<int64_t> result;
  std::vector<int32_t> coords(rank, 0);
  for (int64_t o = 0; o < out_count; ++o) {
    // Decode o into the coordinates of the kept dimensions.
    int64_t rest = o;
    for (int d = rank - 1; d >= 0; --d) {
      if (d == axis) continue;
      coords[d] = static_cast<int32_t>(rest % shape[d]);
      rest /= shape[d];
    }
    int64_t best_index = -1;
    T best{};
    for (int32_t k = 0; k < shape[axis]; ++k) {
      coords[axis] = k;
      int64_t flat = 0;
      for (int d = 0; d < rank; ++d) flat += coords[d] * strides[d];
      const T v = values[flat];
      const bool better = find_max ? v > best : v < best;
      const bool tie = v == best;
      if (best_index < 0 || better || (tie && select_last_index)) {
        best = v;
        best_index = k;
      }
    }
    result.push_back(best_index);
  }
  return result;
}

inline std::vector<int32_t> ArgMinMaxOutputShape(const std::vector<int32_t>& shape, int axis,
                                                 bool keep_dims) {
  std::vector<int32_t> out;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    if (d != axis) out.push_back(shape[d]);
    else if (keep_dims) out.push_back(1);
  }
  return out;
}

// Values drawn from a few levels so ties are common and the tie rule is
// exercised.
template <typename T>
std::vector<T> FewLevelValues(int64_t count, std::mt19937& rng) {
  std::uniform_int_distribution<int> level(-3, 3);
  std::vector<T> values(count);
  for (T& v : values) v = static_cast<T>(level(rng) * 5);
  return values;
}

inline std::vector<int64_t> ToInt64(const std::vector<int32_t>& values) {
  return std::vector<int64_t>(values.begin(), values.end());
}

template <typename T>
void SweepOneType(schema::OpCode op, const Kernel& kernel, bool find_max, std::mt19937& rng) {
  const std::vector<std::vector<int32_t>> shapes = {
      {5}, {3, 4}, {1, 3, 1}, {2, 3, 4}, {2, 1, 3, 3}, {2, 2, 2, 1, 3}, {1, 2, 1, 2, 2, 3}};
  for (const std::vector<int32_t>& shape : shapes) {
    const int rank = static_cast<int>(shape.size());
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    for (int axis = 0; axis < rank; ++axis) {
      for (int variant = 0; variant < 4; ++variant) {
        const bool select_last = variant & 1;
        const bool int64_output = variant & 2;
        const bool keep_dims = (axis + variant) % 2 == 0;
        // Negative axes on odd variants.
        const int32_t written_axis = variant % 2 == 1 ? axis - rank : axis;
        const std::vector<T> values = FewLevelValues<T>(count, rng);
        OpTester test(op);
        test.InputOf<T>(shape, values)
            .Output(ArgMinMaxOutputShape(shape, axis, keep_dims),
                    int64_output ? schema::TensorType::INT64 : schema::TensorType::INT32)
            .Options(ArgMinMax(written_axis, keep_dims, select_last));
        ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
        const std::vector<int64_t> got =
            int64_output ? test.OutputAs<int64_t>(0) : ToInt64(test.OutputAs<int32_t>(0));
        EXPECT_EQ(got, ReferenceArgMinMax(values, shape, axis, find_max, select_last))
            << "rank " << rank << " axis " << written_axis << " variant " << variant;
      }
    }
  }
}

// Tolerance: none, indices are exact.
inline void ExpectArgMinMaxMatchesReference(schema::OpCode op, const Kernel& kernel,
                                            bool find_max, uint32_t seed) {
  std::mt19937 rng(seed);
  SweepOneType<float>(op, kernel, find_max, rng);
  SweepOneType<int32_t>(op, kernel, find_max, rng);
  SweepOneType<int8_t>(op, kernel, find_max, rng);
  SweepOneType<int16_t>(op, kernel, find_max, rng);
}

inline void ExpectArgMinMaxRejectsMalformed(schema::OpCode op, const Kernel& kernel) {
  const std::vector<float> six = {1, 2, 3, 4, 5, 6};
  {
    OpTester test(op);
    test.Input({2, 3}, six).Output({2}, schema::TensorType::INT32).Options(ArgMinMax(2));
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "axis out of range";
    EXPECT_NE(test.error().find("axis 2 is out of range"), std::string::npos) << test.error();
  }
  {
    OpTester test(op);
    test.Input({2, 3}, six).Output({3}, schema::TensorType::INT32).Options(ArgMinMax(1));
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "declared output shape differs";
  }
  {
    OpTester test(op);
    test.Input({2, 3}, six).Output({2}).Options(ArgMinMax(1));
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "float output";
  }
  {
    OpTester test(op);
    test.InputOf<uint8_t>({2}, {1, 2}).Output({}, schema::TensorType::INT32).Options(ArgMinMax(0));
    EXPECT_EQ(test.Run(kernel), Status::kUnsupported) << "uint8 input";
  }
  {
    OpTester test(op);
    test.Input({2, 0}, {}).Output({2}, schema::TensorType::INT32).Options(ArgMinMax(1));
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "empty axis";
  }
  {
    OpTester test(op);
    test.Input({2, 3}, six).InputOf<int32_t>({}, {1}).Output({2}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "axis input not constant";
    EXPECT_NE(test.error().find("must be constant"), std::string::npos) << test.error();
  }
  {
    OpTester test(op);
    test.Input({2, 3}, six)
        .InputOf<int32_t>({2}, {0, 1}, /*constant=*/true)
        .Output({2}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "two axes";
  }
  {
    OpTester test(op);
    test.Input({2, 3}, six)
        .ConstInput({}, {1})
        .Output({2}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "float axis";
  }
  {
    schema::PackOptionsT pack;
    schema::OpOptionsUnion wrong;
    wrong.Set(std::move(pack));
    OpTester test(op);
    test.Input({2, 3}, six).Output({3}, schema::TensorType::INT32).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "options of another op";
  }
  {
    OpTester test(op);
    test.AbsentInput().Output({}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "absent input";
  }
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_ARG_MIN_MAX_TEST_UTIL_H_
