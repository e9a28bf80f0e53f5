// Shared by the int8 and int16 tests of the elementwise kernels (ADD, SUB,
// MUL, MAXIMUM, MINIMUM, RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH,
// HARD_SWISH): quantization arithmetic stated independently of the kernels,
// sweeps of random quantized broadcasts and of every int8 input against a
// double-precision reference, the int16 TFLM cases of binary ops (whose
// second operand is an int16 constant), and the malformed models every
// quantizable unary kernel must reject.
#ifndef EMBER_TESTS_TESTING_QUANTIZED_ELEMENTWISE_TEST_UTIL_H_
#define EMBER_TESTS_TESTING_QUANTIZED_ELEMENTWISE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "interpreter/kernel.h"
#include "schema/ember_generated.h"
#include "tests/testing/binary_op_test_util.h"
#include "tests/testing/int16_test_util.h"
#include "tests/testing/kernel_reference.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_case.h"

namespace ember::testing {

struct Quant {
  float scale;
  int zero_point;
};

inline double Dequantize(int q, Quant p) {
  return static_cast<double>(p.scale) * (q - p.zero_point);
}

// Rounds half away from zero and saturates to T.
template <typename T>
T QuantizeAs(double real, Quant p) {
  const double q = std::round(real / p.scale) + p.zero_point;
  const double low = std::numeric_limits<T>::min();
  const double high = std::numeric_limits<T>::max();
  return static_cast<T>(std::min(high, std::max(low, q)));
}

template <typename T>
constexpr schema::TensorType QuantizedTypeOf() {
  return sizeof(T) == 1 ? schema::TensorType::INT8 : schema::TensorType::INT16;
}

template <typename T>
std::vector<T> RandomQuantized(int64_t count, std::mt19937& rng) {
  return RandomInts<T>(rng, static_cast<size_t>(count), std::numeric_limits<T>::min(),
                       std::numeric_limits<T>::max());
}

// A random quantization: a scale in [low, high], a zero point in [-20, 20]
// for int8 and 0 for int16.
template <typename T>
Quant RandomQuant(std::mt19937& rng, float low, float high) {
  const float scale = std::uniform_real_distribution<float>(low, high)(rng);
  const int zero_point = sizeof(T) == 1 ? std::uniform_int_distribution<int>(-20, 20)(rng) : 0;
  return {scale, zero_point};
}

// The real value an int8 (int16) tensor spans at most either side of 0.
template <typename T>
double Span(Quant p) {
  return p.scale *
         (std::numeric_limits<T>::max() + (p.zero_point < 0 ? -p.zero_point : p.zero_point));
}

// Within `tolerance` quantization steps of `expected` each; counts the exact
// ones into *exact and all into *total.
template <typename T>
void ExpectWithin(const std::vector<T>& actual, const std::vector<T>& expected, int tolerance,
                  int* exact, int* total) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_LE(std::abs(actual[i] - expected[i]), tolerance)
        << "at " << i << ": " << int{actual[i]} << " vs " << int{expected[i]};
    if (actual[i] == expected[i]) ++*exact;
  }
  *total += static_cast<int>(actual.size());
}

// `trials` random quantized broadcasts of each rank 0..6 drawn from `seed`:
// input scales in [0.01, 0.1] (int8) or [1e-4, 1e-3] (int16), an output
// scale that spans out_span(span_a, span_b) times a random factor in
// [0.6, 1.2] (some results saturate), the fused activation cycling through
// all four, either input constant in turn. Expected: fn of the dequantized
// inputs in double, activated, quantized with one rounding. Each result must
// be within `tolerance` steps and at least `min_exact_percent` of them equal.
template <typename T, typename Fn, typename OutSpan>
void QuantizedBinarySweep(const Kernel& kernel, uint32_t seed, int trials, Fn fn, OutSpan out_span,
                          int tolerance, int min_exact_percent) {
  std::mt19937 rng(seed);
  const bool int8 = sizeof(T) == 1;
  const float low = int8 ? 0.01f : 1e-4f;
  const float high = int8 ? 0.1f : 1e-3f;
  int exact = 0;
  int total = 0;
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < trials; ++trial) {
      SCOPED_TRACE("rank " + std::to_string(rank) + " trial " + std::to_string(trial));
      const BroadcastShapes shapes = RandomShapes(rank, rng);
      const Quant qa = RandomQuant<T>(rng, low, high);
      const Quant qb = RandomQuant<T>(rng, low, high);
      const double factor = std::uniform_real_distribution<double>(0.6, 1.2)(rng);
      const double span = out_span(Span<T>(qa), Span<T>(qb)) * factor;
      const Quant qo = {static_cast<float>(span / std::numeric_limits<T>::max()),
                        int8 ? std::uniform_int_distribution<int>(-20, 20)(rng) : 0};
      const std::vector<T> a = RandomQuantized<T>(Count(shapes.a), rng);
      const std::vector<T> b = RandomQuantized<T>(Count(shapes.b), rng);
      const schema::Activation activation = static_cast<schema::Activation>(trial % 4);
      const std::vector<T> expected = Reference(shapes, a, b, [&](T x, T y) {
        return QuantizeAs<T>(ApplyActivation(fn(Dequantize(x, qa), Dequantize(y, qb)), activation),
                             qo);
      });
      OpTester test(kernel.op);
      test.InputOf<T>(shapes.a, a, /*constant=*/trial % 3 == 1);
      test.Quantize({qa.scale}, {qa.zero_point});
      test.InputOf<T>(shapes.b, b, /*constant=*/trial % 3 == 2);
      test.Quantize({qb.scale}, {qb.zero_point})
          .Output(shapes.out, QuantizedTypeOf<T>())
          .Quantize({qo.scale}, {qo.zero_point})
          .Options(WithActivation(activation));
      ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
      ExpectWithin(test.OutputAs<T>(0), expected, tolerance, &exact, &total);
    }
  }
  EXPECT_GE(exact * 100, total * min_exact_percent) << exact << " of " << total << " exact";
}

// Runs a one-input op on `input` with the given quantizations and returns
// its output (failing the test if it does not run).
template <typename T>
std::vector<T> RunQuantizedUnary(const Kernel& kernel, const std::vector<T>& input, Quant in,
                                 Quant out, schema::OpOptionsUnion options = {}) {
  const std::vector<int32_t> shape = {static_cast<int32_t>(input.size())};
  OpTester test(kernel.op);
  test.InputOf<T>(shape, input);
  test.Quantize({in.scale}, {in.zero_point})
      .Output(shape, QuantizedTypeOf<T>())
      .Quantize({out.scale}, {out.zero_point})
      .Options(std::move(options));
  EXPECT_EQ(test.Run(kernel), Status::kOk) << test.error();
  return test.OutputAs<T>(0);
}

// Every int8 value, in order.
inline std::vector<int8_t> AllInt8() {
  std::vector<int8_t> values;
  for (int q = -128; q <= 127; ++q) values.push_back(static_cast<int8_t>(q));
  return values;
}

// Runs `kernel` on every int8 input over input scales m * 2^e for mantissas
// 1, 1.37 and just under 2 and e from -28 (the smallest scale int8
// activations may have) to 4, each at zero points across the int8 range,
// and requires reference(x, input quantization) bit for bit.
template <typename Reference>
void ExpectEveryInt8InputMatchesOverQuantizations(const Kernel& kernel, Quant out,
                                                  Reference reference) {
  const std::vector<int8_t> input = AllInt8();
  for (int exponent = -28; exponent <= 4; ++exponent) {
    for (float mantissa : {1.0f, 1.37f, 1.9999f}) {
      for (int zero_point : {-128, -61, 0, 5, 127}) {
        const Quant in = {std::ldexp(mantissa, exponent), zero_point};
        SCOPED_TRACE("scale " + std::to_string(in.scale) + " zero point " +
                     std::to_string(zero_point));
        std::vector<int8_t> expected;
        for (int8_t x : input) expected.push_back(reference(x, in));
        ASSERT_EQ(RunQuantizedUnary<int8_t>(kernel, input, in, out), expected);
      }
    }
  }
}

// Every int16 value, in order.
inline std::vector<int16_t> AllInt16() {
  std::vector<int16_t> values;
  for (int q = -32768; q <= 32767; ++q) values.push_back(static_cast<int16_t>(q));
  return values;
}

// fn of the dequantized `input`, in double, quantized with one rounding.
template <typename T, typename Fn>
std::vector<T> QuantizedReference(const std::vector<T>& input, Quant in, Quant out, Fn fn) {
  std::vector<T> expected;
  for (T q : input) expected.push_back(QuantizeAs<T>(fn(Dequantize(q, in)), out));
  return expected;
}

// Int16 TFLM case of a binary op whose second operand is an int16 constant
// (tflm_int16 cases feed only the op's first int16 input).
template <typename MakeOptions>
void ExpectBinaryMatchesTflmInt16(const Kernel& kernel, int32_t builtin_code,
                                  const std::string& name, MakeOptions make_options) {
  SCOPED_TRACE(name);
  TflmInt16Case golden;
  std::string error;
  ASSERT_TRUE(LoadTflmInt16Case(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, builtin_code) << "not a " << kernel.name << " model";
  OpTester test(kernel.op);
  for (int32_t index : golden.op.op_inputs) {
    const TfliteTensor& t = golden.op.tensors.at(index);
    ASSERT_EQ(t.type, 7) << "tensor " << index << " is not int16";
    if (t.data.empty()) {
      test.InputOf<int16_t>(t.shape, golden.input);
    } else {
      test.InputOf<int16_t>(t.shape, TflmInt16Case::Values<int16_t>(t.data), true);
    }
    test.Quantize(t.scales, t.zero_points, t.quantized_dimension);
  }
  const TfliteTensor& out = golden.op.tensors.at(golden.op.op_output);
  test.Output(out.shape, schema::TensorType::INT16).Quantize(out.scales, out.zero_points);
  test.Options(make_options(golden.op));
  ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), golden.golden_shape);
  EXPECT_EQ(test.OutputAs<int16_t>(0), golden.golden);
}

inline schema::OpOptionsUnion NoOptions(const TflmCase&) { return {}; }

// The ArithmeticOptions of a TFLite ADD, SUB or MUL (fused activation: field
// 0 of AddOptions, SubOptions and MulOptions).
inline schema::OpOptionsUnion ArithmeticOptionsOf(const TflmCase& golden) {
  return WithActivation(ActivationFromTflite(golden.Option<int8_t>(0, 0)));
}

// Malformed models a unary kernel with float32, int8 (and int16) paths must
// reject at Prepare.
inline void ExpectRejectsMalformedQuantizableUnary(const Kernel& kernel) {
  const schema::OpCode op = kernel.op;
  const std::vector<float> six(6, 1.0f);
  {
    OpTester test(op);
    test.Input({2, 3}, six).Output({3, 2});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "output dims differ";
  }
  {
    OpTester test(op);
    test.Input({6}, six).Output({1, 6});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "output rank differs";
  }
  {
    OpTester test(op);
    test.Input({6}, six).Output({6}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "output type differs";
  }
  {
    OpTester test(op);
    test.Input({6}, six).Input({6}, six).Output({6});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "two inputs";
  }
  {
    OpTester test(op);
    test.AbsentInput().Output({6});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "absent input";
  }
  {
    OpTester test(op);
    test.InputOf<int32_t>({2}, {1, 2}).Output({2}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernel), Status::kUnsupported) << "int32";
  }
  {
    OpTester test(op);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, schema::TensorType::INT16)
        .Quantize({0.1f}, {0});
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "int8 in, int16 out";
  }
  {
    OpTester test(op);
    test.InputOf<int8_t>({2}, {1, 2}).Output({2}, schema::TensorType::INT8);
    EXPECT_EQ(test.Run(kernel), Status::kInvalidModel) << "int8 without quantization";
    EXPECT_NE(test.error().find("quantization scale"), std::string::npos) << test.error();
  }
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_QUANTIZED_ELEMENTWISE_TEST_UTIL_H_
