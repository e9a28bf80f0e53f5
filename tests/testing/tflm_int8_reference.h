// TFLite Micro's reference int8 Logistic, Tanh, Softmax, Add, Sub and Mul,
// written out from its source (tensorflow/lite/kernels/internal/reference/
// integer_ops/logistic.h, tanh.h, add.h, mul.h, reference/softmax.h, sub.h,
// and the Prepare of micro/kernels/logistic_common.cc, tanh_common.cc,
// softmax_common.cc, add_common.cc, sub_common.cc, mul_common.cc) for one
// value or row at a time, independently of the kernels: the kernels
// tabulate or regroup these computations, and the tests compare them
// against these bit for bit.
#ifndef EMBER_TESTS_TESTING_TFLM_INT8_REFERENCE_H_
#define EMBER_TESTS_TESTING_TFLM_INT8_REFERENCE_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "fixedpoint/fixedpoint.h"

namespace ember::testing {

// TFLite's MultiplyByQuantizedMultiplier (the double-rounding one).
inline int32_t TflmMultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(x * (1 << left_shift), multiplier), right_shift);
}

// TFLite's QuantizeMultiplier: a Q31 mantissa and an exponent.
inline void TflmQuantizeMultiplier(double real, int32_t* multiplier, int* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

// Logistic and Tanh read the input in Q4.27: Prepare's multiplier and
// CalculateInputRadius.
struct TflmInt8SigmoidParams {
  int32_t zero_point;
  int32_t multiplier;
  int left_shift;
  int32_t radius;
};

inline TflmInt8SigmoidParams TflmInt8SigmoidPrepare(float input_scale, int32_t zero_point) {
  constexpr int kInputIntegerBits = 4;
  TflmInt8SigmoidParams p;
  p.zero_point = zero_point;
  const double real =
      static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
  const double q = std::frexp(real, &p.left_shift);
  p.multiplier = static_cast<int32_t>(std::round(q * (1LL << 31)));
  const double max_input_rescaled = 1.0 * ((1 << kInputIntegerBits) - 1) *
                                    static_cast<double>(1LL << (31 - kInputIntegerBits)) /
                                    std::ldexp(1.0, p.left_shift);
  p.radius = static_cast<int32_t>(std::floor(max_input_rescaled));
  return p;
}

// `output_bits`: 7 for Tanh (scale 2^-7, zero point 0), 8 for Logistic
// (scale 2^-8, zero point -128).
template <typename Function>
int8_t TflmInt8Sigmoid(int8_t x, const TflmInt8SigmoidParams& p, Function q0_31_of_q4_27,
                       int output_bits, int32_t output_zero_point) {
  const int32_t input = static_cast<int32_t>(x) - p.zero_point;
  if (input <= -p.radius) return -128;
  if (input >= p.radius) return 127;
  const int32_t input_in_q4 = TflmMultiplyByQuantizedMultiplier(input, p.multiplier, p.left_shift);
  const int32_t output_in_q0 = q0_31_of_q4_27(input_in_q4);
  const int32_t output =
      gemmlowp::RoundingDivideByPOT(output_in_q0, 31 - output_bits) + output_zero_point;
  return static_cast<int8_t>(std::min<int32_t>(std::max<int32_t>(output, -128), 127));
}

inline int8_t TflmInt8Tanh(int8_t x, const TflmInt8SigmoidParams& p) {
  return TflmInt8Sigmoid(
      x, p,
      [](int32_t q4) {
        return gemmlowp::tanh(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(q4)).raw();
      },
      7, 0);
}

inline int8_t TflmInt8Logistic(int8_t x, const TflmInt8SigmoidParams& p) {
  return TflmInt8Sigmoid(
      x, p,
      [](int32_t q4) {
        return gemmlowp::logistic(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(q4)).raw();
      },
      8, -128);
}

// Softmax: beta * input_scale * 2^26 as a multiplier and its diff_min
// (PreprocessSoftmaxScaling and CalculateInputRadius).
struct TflmInt8SoftmaxParams {
  int32_t multiplier;
  int left_shift;
  int32_t diff_min;
};

inline TflmInt8SoftmaxParams TflmInt8SoftmaxPrepare(float beta, float input_scale) {
  constexpr int kScaledDiffIntegerBits = 5;
  TflmInt8SoftmaxParams p;
  const double real = std::min(
      static_cast<double>(beta) * static_cast<double>(input_scale) *
          static_cast<double>(1 << (31 - kScaledDiffIntegerBits)),
      static_cast<double>((1LL << 31) - 1.0));
  TflmQuantizeMultiplier(real, &p.multiplier, &p.left_shift);
  const double max_input_rescaled = 1.0 * ((1 << kScaledDiffIntegerBits) - 1) *
                                    static_cast<double>(1LL << (31 - kScaledDiffIntegerBits)) /
                                    std::ldexp(1.0, p.left_shift);
  p.diff_min = -static_cast<int32_t>(std::floor(max_input_rescaled));
  return p;
}

// One row of TFLite's reference int8 Softmax (output scale 1/256, zero point
// -128), for sums of exponentials below 512 (TFLite Micro checks that).
inline std::vector<int8_t> TflmInt8SoftmaxRow(const std::vector<int8_t>& x,
                                              const TflmInt8SoftmaxParams& p) {
  constexpr int kScaledDiffIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  using FixedPointScaledDiff = gemmlowp::FixedPoint<int32_t, kScaledDiffIntegerBits>;
  using FixedPointAccum = gemmlowp::FixedPoint<int32_t, kAccumulationIntegerBits>;
  using FixedPoint0 = gemmlowp::FixedPoint<int32_t, 0>;
  const int32_t max_in_row = *std::max_element(x.begin(), x.end());
  FixedPointAccum sum_of_exps = FixedPointAccum::Zero();
  for (int8_t value : x) {
    const int32_t input_diff = static_cast<int32_t>(value) - max_in_row;
    if (input_diff >= p.diff_min) {
      const int32_t input_diff_rescaled =
          TflmMultiplyByQuantizedMultiplier(input_diff, p.multiplier, p.left_shift);
      const FixedPointScaledDiff scaled_diff_f8 =
          FixedPointScaledDiff::FromRaw(input_diff_rescaled);
      sum_of_exps = sum_of_exps + gemmlowp::Rescale<kAccumulationIntegerBits>(
                                      gemmlowp::exp_on_negative_values(scaled_diff_f8));
    }
  }
  const uint32_t sum = static_cast<uint32_t>(sum_of_exps.raw());
  const int headroom_plus_one = __builtin_clz(sum);
  const int num_bits_over_unit = kAccumulationIntegerBits - headroom_plus_one;
  const int32_t shifted_sum_minus_one =
      static_cast<int32_t>((sum << headroom_plus_one) - (static_cast<uint32_t>(1) << 31));
  const FixedPoint0 shifted_scale =
      gemmlowp::one_over_one_plus_x_for_x_in_0_1(FixedPoint0::FromRaw(shifted_sum_minus_one));
  std::vector<int8_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const int32_t input_diff = static_cast<int32_t>(x[i]) - max_in_row;
    if (input_diff < p.diff_min) {
      out[i] = -128;
      continue;
    }
    const int32_t input_diff_rescaled =
        TflmMultiplyByQuantizedMultiplier(input_diff, p.multiplier, p.left_shift);
    const FixedPointScaledDiff scaled_diff_f8 = FixedPointScaledDiff::FromRaw(input_diff_rescaled);
    const FixedPoint0 exp_in_0 = gemmlowp::exp_on_negative_values(scaled_diff_f8);
    const int32_t unsat_output = gemmlowp::RoundingDivideByPOT(
        (shifted_scale * exp_in_0).raw(), num_bits_over_unit + 31 - 8);
    const int32_t shifted_output = unsat_output - 128;
    out[i] = static_cast<int8_t>(std::min<int32_t>(std::max<int32_t>(shifted_output, -128), 127));
  }
  return out;
}

// Add, Sub and Mul with no fused activation or RELU (whose range starts at
// the output zero point).
enum class TflmArithmetic { kAdd, kSub, kMul };

struct TflmInt8ArithmeticParams {
  TflmArithmetic op;
  int32_t a_offset;
  int32_t b_offset;
  int32_t output_offset;
  int32_t a_multiplier;
  int a_shift;
  int32_t b_multiplier;
  int b_shift;
  int32_t output_multiplier;
  int output_shift;
  int32_t activation_min;
  int32_t activation_max;
};

inline TflmInt8ArithmeticParams TflmInt8ArithmeticPrepare(TflmArithmetic op, float a_scale,
                                                          int32_t a_zero_point, float b_scale,
                                                          int32_t b_zero_point, float out_scale,
                                                          int32_t out_zero_point, bool relu) {
  constexpr int kLeftShift = 20;
  TflmInt8ArithmeticParams p = {};
  p.op = op;
  p.a_offset = -a_zero_point;
  p.b_offset = -b_zero_point;
  p.output_offset = out_zero_point;
  if (op == TflmArithmetic::kMul) {
    const double real = static_cast<double>(a_scale) * static_cast<double>(b_scale) /
                        static_cast<double>(out_scale);
    TflmQuantizeMultiplier(real, &p.output_multiplier, &p.output_shift);
  } else if (op == TflmArithmetic::kAdd) {
    const double twice_max = 2 * static_cast<double>(std::max(a_scale, b_scale));
    TflmQuantizeMultiplier(static_cast<double>(a_scale) / twice_max, &p.a_multiplier, &p.a_shift);
    TflmQuantizeMultiplier(static_cast<double>(b_scale) / twice_max, &p.b_multiplier, &p.b_shift);
    TflmQuantizeMultiplier(twice_max / ((1 << kLeftShift) * static_cast<double>(out_scale)),
                           &p.output_multiplier, &p.output_shift);
  } else {
    const float twice_max = 2 * std::max(a_scale, b_scale);
    TflmQuantizeMultiplier(static_cast<double>(a_scale / twice_max), &p.a_multiplier, &p.a_shift);
    TflmQuantizeMultiplier(static_cast<double>(b_scale / twice_max), &p.b_multiplier, &p.b_shift);
    TflmQuantizeMultiplier(static_cast<double>(twice_max / ((1 << kLeftShift) * out_scale)),
                           &p.output_multiplier, &p.output_shift);
  }
  p.activation_min = relu ? std::max(-128, out_zero_point) : -128;
  p.activation_max = 127;
  return p;
}

inline int8_t TflmInt8Arithmetic(int8_t a, int8_t b, const TflmInt8ArithmeticParams& p) {
  constexpr int kLeftShift = 20;
  const int32_t a_value = p.a_offset + a;
  const int32_t b_value = p.b_offset + b;
  int32_t raw = 0;
  if (p.op == TflmArithmetic::kMul) {
    raw = p.output_offset +
          TflmMultiplyByQuantizedMultiplier(a_value * b_value, p.output_multiplier, p.output_shift);
  } else {
    const int32_t scaled_a =
        TflmMultiplyByQuantizedMultiplier(a_value * (1 << kLeftShift), p.a_multiplier, p.a_shift);
    const int32_t scaled_b =
        TflmMultiplyByQuantizedMultiplier(b_value * (1 << kLeftShift), p.b_multiplier, p.b_shift);
    const int32_t sum = p.op == TflmArithmetic::kAdd ? scaled_a + scaled_b : scaled_a - scaled_b;
    raw = p.output_offset +
          TflmMultiplyByQuantizedMultiplier(sum, p.output_multiplier, p.output_shift);
  }
  return static_cast<int8_t>(std::min(p.activation_max, std::max(p.activation_min, raw)));
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_TFLM_INT8_REFERENCE_H_
