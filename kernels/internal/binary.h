// The shared shape of elementwise binary ops (Add, Sub, Mul, Div, Maximum,
// Minimum, SquaredDifference): broadcasting, type checks and the fused
// activation. Each op's file supplies only its arithmetic.
//
// Add, Sub and Mul also run TFLite's int8 and int16 (symmetric) schemes,
// with the requantization of TFLite Micro's reference kernels, bit for bit;
// inputs and output may each have their own quantization
// (PrepareArithmetic). Maximum and Minimum take int8 and int16 when both
// inputs share the output's quantization (PrepareMinMax).
#ifndef EMBER_KERNELS_INTERNAL_BINARY_H_
#define EMBER_KERNELS_INTERNAL_BINARY_H_

#include <inttypes.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "kernels/internal/common.h"
#include "kernels/internal/int8_fast.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"

namespace ember::kernels {

struct BinaryOpData {
  BroadcastPlan plan;
  FloatRange activation;
};

// Checks two inputs and one output of one type among `supported_types`,
// the inputs broadcasting to the output, and the options (none or
// ArithmeticOptions); sets the output shape and reads the fused activation.
inline Status CheckBinaryOperands(OpContext& context, uint32_t supported_types,
                                  schema::Activation* activation) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 2 && context.num_outputs() == 1,
                    "needs 2 inputs and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const TensorView a = context.input(0);
  const TensorView b = context.input(1);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, a.present() && b.present(), "both inputs are required");
  EMBER_CHECK_MODEL(context, a.rank <= kMaxRank && b.rank <= kMaxRank, "rank above %d", kMaxRank);
  EMBER_CHECK_MODEL(context, a.type == b.type && a.type == out.type,
                    "input and output types differ (%s, %s -> %s)", TensorTypeName(a.type),
                    TensorTypeName(b.type), TensorTypeName(out.type));
  if (!TypeIn(a.type, supported_types)) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported",
                      TensorTypeName(a.type));
  }
  int32_t dims[kMaxRank];
  int32_t rank = 0;
  EMBER_CHECK_MODEL(context, BroadcastShape(a, b, dims, &rank),
                    "input shapes do not broadcast (ranks %" PRId32 " and %" PRId32 ")", a.rank,
                    b.rank);
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, dims, rank));
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::ArithmeticOptions,
                    "options must be ArithmeticOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_ArithmeticOptions();
  *activation = options != nullptr ? options->activation() : schema::Activation::NONE;
  const int value = static_cast<int>(*activation);
  EMBER_CHECK_MODEL(context,
                    value >= static_cast<int>(schema::Activation::MIN) &&
                        value <= static_cast<int>(schema::Activation::MAX),
                    "option activation = %d is not a known activation", value);
  return Status::kOk;
}

// Stores the broadcast plan (over the shape SetOutputShape gave output 0) and
// the float activation range.
inline Status FillBinaryOpData(OpContext& context, schema::Activation activation,
                               BinaryOpData* data) {
  EMBER_CHECK_MODEL(
      context,
      MakeBroadcastPlan(context.input(0), context.input(1), context.output(0), &data->plan),
      "input shapes do not broadcast to the output shape");
  data->activation = ActivationRange(activation);
  return Status::kOk;
}

// Prepare of the float32 and int32 binary ops (int32 for shape arithmetic,
// without a fused activation).
inline Status PrepareBinary(OpContext& context) {
  schema::Activation activation = schema::Activation::NONE;
  EMBER_RETURN_IF_ERROR(CheckBinaryOperands(
      context, TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT32), &activation));
  const TensorType type = context.input(0).type;
  EMBER_CHECK_MODEL(context, activation == schema::Activation::NONE || type == TensorType::FLOAT32,
                    "a fused activation needs float32 operands, found %s", TensorTypeName(type));
  auto* data = context.AllocateOpData<BinaryOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  return FillBinaryOpData(context, activation, data);
}

template <typename T, typename Fn>
inline void EvalBinaryTyped(OpContext& context, const BinaryOpData& data, Fn fn) {
  const T* a = context.input(0).data_as<T>();
  const T* b = context.input(1).data_as<T>();
  T* out = context.output(0).data_as<T>();
  ForEachBroadcast(data.plan, [&](int64_t i, int64_t j, int64_t o) { out[o] = fn(a[i], b[j]); });
}

// Evaluates `FloatFn(float, float)` / `IntFn(int32, int32)` over the broadcast,
// then clamps float results to the fused activation.
template <typename FloatFn, typename IntFn>
inline Status EvalBinary(OpContext& context, FloatFn float_fn, IntFn int_fn) {
  const BinaryOpData& data = *context.op_data_as<BinaryOpData>();
  if (context.output(0).type == TensorType::FLOAT32) {
    const FloatRange range = data.activation;
    // Without an activation the clamp is the identity (NaN included); left
    // out, the loop vectorizes (the clamp's branches keep it scalar).
    if (range.min == -INFINITY && range.max == INFINITY) {
      EvalBinaryTyped<float>(context, data, float_fn);
    } else {
      EvalBinaryTyped<float>(context, data,
                             [&](float x, float y) { return Clamp(float_fn(x, y), range); });
    }
  } else {
    EvalBinaryTyped<int32_t>(context, data, int_fn);
  }
  return Status::kOk;
}

// ---- Maximum and Minimum ----------------------------------------------------

// Prepare of Maximum and Minimum (`op`): float32, int32, and int8 or int16
// with both inputs quantized as the output, so the larger (smaller)
// quantized value is the larger (smaller) real one and is the result as it
// is. No fused activation.
inline Status PrepareMinMax(OpContext& context, const char* op) {
  schema::Activation activation = schema::Activation::NONE;
  EMBER_RETURN_IF_ERROR(
      CheckBinaryOperands(context,
                          TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT32) |
                              TypeBit(TensorType::INT8) | TypeBit(TensorType::INT16),
                          &activation));
  EMBER_CHECK_MODEL(context, activation == schema::Activation::NONE,
                    "takes no fused activation, options ask for %s",
                    schema::EnumNameActivation(activation));
  if (IsQuantizedType(context.input(0).type)) {
    EMBER_RETURN_IF_ERROR(CheckSameQuantization(context, 0, "input 0", op));
    EMBER_RETURN_IF_ERROR(CheckSameQuantization(context, 1, "input 1", op));
  }
  auto* data = context.AllocateOpData<BinaryOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  return FillBinaryOpData(context, activation, data);
}

// Eval of an op without a fused activation whose result for type T is
// fn(a, b).
template <typename T, typename Fn>
inline Status EvalBinaryAs(OpContext& context, Fn fn) {
  EvalBinaryTyped<T>(context, *context.op_data_as<BinaryOpData>(), fn);
  return Status::kOk;
}

// ---- Quantized Add, Sub and Mul ---------------------------------------------

// TFLite Micro's int8/int16 requantization of Add, Sub and Mul, precomputed.
//  - Add and Sub: each operand (q - zero_point) is shifted left by
//    `left_shift` (20 for int8, 15 for int16: room for the sum, no
//    overflow), scaled by its scale over twice the larger input scale, the
//    two are added (subtracted), and the result scaled by twice the larger
//    input scale over 2^left_shift * output scale.
//  - Mul: the product of the operands minus their zero points, scaled by
//    scale_a * scale_b / output scale.
// Then the output zero point is added and the result clamped to the fused
// activation's quantized range. Eval multiplies with the multipliers as
// Int8Scale (int8_fast.h): TFLite's MultiplyByQuantizedMultiplier, bit for
// bit for any int32 value (int16 operands too), in a single rounding of one
// 64-bit product instead of gemmlowp's two roundings.
struct QuantizedArithmeticParams {
  int32_t a_offset;  // minus the zero points
  int32_t b_offset;
  int32_t output_zero_point;
  int32_t left_shift;                // Add and Sub only
  QuantizedMultiplier a_multiplier;  // Add and Sub only
  QuantizedMultiplier b_multiplier;  // Add and Sub only
  QuantizedMultiplier output_multiplier;
  Int8Scale a_scale;  // Add and Sub only
  Int8Scale b_scale;  // Add and Sub only
  Int8Scale output_scale;
  int32_t activation_min;
  int32_t activation_max;
};

struct QuantizedBinaryOpData {
  BinaryOpData binary;
  QuantizedArithmeticParams params;
};

enum class Arithmetic { kAdd, kSub, kMul };

// Add and Sub: the input and output multipliers. TFLite Micro's Add computes
// them in double; its Sub divides the float scales in float first, then
// widens, which can round the multipliers differently.
inline Status ComputeAddSubMultipliers(OpContext& context, Arithmetic op, QuantParams a,
                                       QuantParams b, QuantParams out,
                                       QuantizedArithmeticParams* params) {
  const int32_t left_shift = params->left_shift;
  double a_real = 0.0;
  double b_real = 0.0;
  double out_real = 0.0;
  if (op == Arithmetic::kSub) {
    const float twice_max = 2 * (a.scale > b.scale ? a.scale : b.scale);
    a_real = static_cast<double>(a.scale / twice_max);
    b_real = static_cast<double>(b.scale / twice_max);
    out_real = static_cast<double>(twice_max / (static_cast<float>(1 << left_shift) * out.scale));
  } else {
    const double twice_max = 2 * static_cast<double>(a.scale > b.scale ? a.scale : b.scale);
    a_real = static_cast<double>(a.scale) / twice_max;
    b_real = static_cast<double>(b.scale) / twice_max;
    out_real = twice_max / (static_cast<double>(1 << left_shift) * static_cast<double>(out.scale));
  }
  params->a_multiplier = QuantizeMultiplier(a_real);
  params->b_multiplier = QuantizeMultiplier(b_real);
  params->output_multiplier = QuantizeMultiplier(out_real);
  // TFLite stops on a failed check unless the output multiplier is a
  // fraction: twice the larger input scale below 2^left_shift output scales.
  EMBER_CHECK_MODEL(context,
                    out_real > 0.0 && out_real < 1.0 && params->output_multiplier.shift <= 0,
                    "%s %s needs an output scale above 2^-%" PRId32
                    " times the larger input scale; has output scale %g and input scales %g and %g",
                    TensorTypeName(context.output(0).type), op == Arithmetic::kSub ? "Sub" : "Add",
                    left_shift - 1, static_cast<double>(out.scale), static_cast<double>(a.scale),
                    static_cast<double>(b.scale));
  return Status::kOk;
}

// Prepare of Add, Sub and Mul: float32 and int32 as PrepareBinary, int8 and
// int16 with QuantizedBinaryOpData.
inline Status PrepareArithmetic(OpContext& context, Arithmetic op) {
  const TensorType type = context.input(0).present() ? context.input(0).type : TensorType::FLOAT32;
  if (!IsQuantizedType(type)) return PrepareBinary(context);
  schema::Activation activation = schema::Activation::NONE;
  EMBER_RETURN_IF_ERROR(CheckBinaryOperands(
      context, TypeBit(TensorType::INT8) | TypeBit(TensorType::INT16), &activation));
  QuantParams a;
  QuantParams b;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.input(0), "input 0", &a));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.input(1), "input 1", &b));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  auto* data = context.AllocateOpData<QuantizedBinaryOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  EMBER_RETURN_IF_ERROR(FillBinaryOpData(context, activation, &data->binary));
  QuantizedArithmeticParams& params = data->params;
  params.a_offset = -a.zero_point;
  params.b_offset = -b.zero_point;
  params.output_zero_point = out.zero_point;
  if (op == Arithmetic::kMul) {
    params.output_multiplier =
        QuantizeMultiplier(static_cast<double>(a.scale) * static_cast<double>(b.scale) /
                           static_cast<double>(out.scale));
  } else {
    params.left_shift = type == TensorType::INT8 ? 20 : 15;
    EMBER_RETURN_IF_ERROR(ComputeAddSubMultipliers(context, op, a, b, out, &params));
    params.a_scale = MakeInt8Scale(params.a_multiplier.multiplier, params.a_multiplier.shift);
    params.b_scale = MakeInt8Scale(params.b_multiplier.multiplier, params.b_multiplier.shift);
  }
  params.output_scale =
      MakeInt8Scale(params.output_multiplier.multiplier, params.output_multiplier.shift);
  const bool int8 = type == TensorType::INT8;
  QuantizedActivationRange(activation, out, int8 ? -128 : -32768, int8 ? 127 : 32767,
                           &params.activation_min, &params.activation_max);
  return Status::kOk;
}

// Add and Sub: one operand on the common scale, (q + offset) * 2^left_shift
// times its multiplier (in range: |q + offset| <= 255 for int8, <= 2^15 for
// int16).
inline int32_t ScaleAddend(int32_t q, int32_t offset, const Int8Scale& scale,
                           const QuantizedArithmeticParams& params) {
  return ScaleInt8Sum(static_cast<uint32_t>((q + offset) * (1 << params.left_shift)), scale);
}

// A raw sum, difference or product scaled to the output, offset by its zero
// point (in 64 bits, where TFLite's int32 sum could overflow for absurd
// multipliers) and clamped to the activation range.
inline int32_t QuantizedArithmeticResult(int32_t raw, const QuantizedArithmeticParams& params) {
  const int64_t value =
      int64_t{ScaleInt8Sum(static_cast<uint32_t>(raw), params.output_scale)} +
      params.output_zero_point;
  if (value < params.activation_min) return params.activation_min;
  if (value > params.activation_max) return params.activation_max;
  return static_cast<int32_t>(value);
}

// An int8 or int16 Add, Sub or Mul over one run of the broadcast: out[i] for
// a[i * a_stride] and b[i * b_stride], i < count, strides 0 or 1. Each op
// defines one per type from RunQuantizedArithmetic, compiled for the host's
// wider SIMD too (EMBER_HOST_SIMD_CLONES).
template <typename T>
using QuantizedArithmeticRun = void (*)(const T* a, int64_t a_stride, const T* b,
                                        int64_t b_stride, T* out, int32_t count,
                                        const QuantizedArithmeticParams& params);

// The loops of a QuantizedArithmeticRun whose output for operands a, b is
// fn(a, b, params): on hosts with SIMD clones one per pair of strides, so
// that each vectorizes (an operand of stride 0 is loop-invariant, and so is
// its rescaling); other targets run the general loop alone (less code).
template <typename T, typename Fn>
EMBER_ALWAYS_INLINE void RunQuantizedArithmetic(const T* a, int64_t a_stride, const T* b,
                                                int64_t b_stride, T* out, int32_t count,
                                                const QuantizedArithmeticParams& params, Fn fn) {
  // A copy the stores cannot alias, so the compiler keeps it in registers
  // instead of reloading it after every store.
  const QuantizedArithmeticParams p = params;
  if (kHostSimdClones && a_stride == 1 && b_stride == 1) {
    for (int32_t i = 0; i < count; ++i) out[i] = static_cast<T>(fn(a[i], b[i], p));
  } else if (kHostSimdClones && a_stride == 0 && b_stride == 1) {
    const int32_t x = a[0];
    for (int32_t i = 0; i < count; ++i) out[i] = static_cast<T>(fn(x, b[i], p));
  } else if (kHostSimdClones && a_stride == 1 && b_stride == 0) {
    const int32_t y = b[0];
    for (int32_t i = 0; i < count; ++i) out[i] = static_cast<T>(fn(a[i], y, p));
  } else {
    for (int32_t i = 0; i < count; ++i) {
      out[i] = static_cast<T>(fn(a[i * a_stride], b[i * b_stride], p));
    }
  }
}

template <typename T>
void EvalQuantizedRuns(OpContext& context, const QuantizedBinaryOpData& data,
                       QuantizedArithmeticRun<T> run) {
  const T* a = context.input(0).data_as<const T>();
  const T* b = context.input(1).data_as<const T>();
  T* out = context.output(0).data_as<T>();
  ForEachBroadcastRun(data.binary.plan, [&](int64_t i, int64_t a_stride, int64_t j,
                                            int64_t b_stride, int64_t o, int32_t count) {
    run(a + i, a_stride, b + j, b_stride, out + o, count, data.params);
  });
}

// Eval of an int8 or int16 Add, Sub or Mul through the op's runs.
inline Status EvalQuantizedArithmetic(OpContext& context, QuantizedArithmeticRun<int8_t> int8_run,
                                      QuantizedArithmeticRun<int16_t> int16_run) {
  const QuantizedBinaryOpData& data = *context.op_data_as<QuantizedBinaryOpData>();
  if (context.output(0).type == TensorType::INT8) {
    EvalQuantizedRuns(context, data, int8_run);
  } else {
    EvalQuantizedRuns(context, data, int16_run);
  }
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_BINARY_H_
