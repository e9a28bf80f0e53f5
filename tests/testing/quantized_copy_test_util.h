// Shared by the tests of the data-movement kernels (Reshape, Squeeze,
// ExpandDims, Transpose, Slice, StridedSlice, Gather, Split, Unpack, Pack,
// MirrorPad): int8 and int16 values move unchanged, so their output must be
// quantized exactly like their input, and a model that says otherwise is
// rejected with kInvalidModel.
#ifndef EMBER_TESTS_TESTING_QUANTIZED_COPY_TEST_UTIL_H_
#define EMBER_TESTS_TESTING_QUANTIZED_COPY_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "interpreter/kernel.h"
#include "schema/ember_generated.h"
#include "tests/testing/op_tester.h"

namespace ember::testing {

// The quantization the tests give int8 and int16 tensors (int16 symmetric).
struct CopyQuantization {
  float scale;
  int64_t zero_point;
};

template <typename T>
CopyQuantization CopyQuantizationOf() {
  return sizeof(T) == 1 ? CopyQuantization{0.5f, -3} : CopyQuantization{0.002f, 0};
}

template <typename T>
schema::TensorType QuantizedTypeOf() {
  return sizeof(T) == 1 ? schema::TensorType::INT8 : schema::TensorType::INT16;
}

// `count` values over T's whole range.
template <typename T>
std::vector<T> RandomQuantized(std::mt19937& rng, size_t count) {
  std::uniform_int_distribution<int32_t> value(std::numeric_limits<T>::min(),
                                               std::numeric_limits<T>::max());
  std::vector<T> values(count);
  for (T& v : values) v = static_cast<T>(value(rng));
  return values;
}

// `make(quantize_output, scale, zero_point)` returns an OpTester holding the
// op with an int8 input quantized (0.5, -3) and its output quantized with
// (scale, zero_point) when `quantize_output`, else not at all. Each mismatch
// must fail Prepare with kInvalidModel and say why.
template <typename Make>
void ExpectRejectsQuantizationMismatch(const Kernel& kernel, Make make) {
  struct Bad {
    const char* what;
    bool quantized;
    float scale;
    int64_t zero_point;
  };
  const Bad cases[] = {
      {"scale differs", true, 0.25f, -3},
      {"zero point differs", true, 0.5f, 4},
      {"output unquantized", false, 0.0f, 0},
  };
  for (const Bad& c : cases) {
    OpTester test = make(c.quantized, c.scale, c.zero_point);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << c.what;
    EXPECT_NE(test.error().find("must be quantized alike"), std::string::npos)
        << c.what << ": " << test.error();
  }
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_QUANTIZED_COPY_TEST_UTIL_H_
