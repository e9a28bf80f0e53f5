// Integer requantization for the int8/int16 kernels, following TensorFlow
// Lite's published int8 scheme (real = scale * (q - zero_point)) with the
// rounding of TFLite Micro's reference kernels, so quantized models imported
// from .tflite reproduce them bit for bit:
//
//  - A real multiplier M (e.g. input_scale * filter_scale / output_scale) is
//    stored as a Q31 mantissa in [2^30, 2^31) and a power-of-two exponent,
//    computed once in Prepare (the only place quantized kernels use float).
//  - At Eval, x * M is SaturatingRoundingDoublingHighMul(x << left, mantissa)
//    followed by a rounding right shift (gemmlowp's fixed-point primitives).
//
// Also the Prepare-time checks of quantization parameters the kernels share:
// int8 and int16 activations quantized per tensor (int16 symmetrically),
// int8 weights symmetrically per tensor or per channel.
#ifndef EMBER_KERNELS_INTERNAL_QUANTIZATION_H_
#define EMBER_KERNELS_INTERNAL_QUANTIZATION_H_

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fixedpoint/fixedpoint.h"
#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "schema/ember_generated.h"

namespace ember::kernels {

struct QuantizedMultiplier {
  int32_t multiplier;  // Q31 mantissa, 0 for a zero multiplier
  int32_t shift;       // > 0: shift left first; < 0: rounding shift right after
};

// A mantissa rounded to Q31 (`fixed`, in [2^30, 2^31]) and its exponent as a
// multiplier: a mantissa that rounded up to 1.0 carries into the exponent,
// and exponents out of range give 0 or the largest multiplier.
inline QuantizedMultiplier MultiplierFromQ31(int64_t fixed, int exponent) {
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) return {0, 0};
  if (exponent > 30) return {INT32_MAX, 30};
  return {static_cast<int32_t>(fixed), exponent};
}

// Prepare-time: splits `real` (>= 0) into mantissa and exponent.
inline QuantizedMultiplier QuantizeMultiplier(double real) {
  if (real == 0.0) return {0, 0};
  int exponent = 0;
  const double mantissa = frexp(real, &exponent);
  return MultiplierFromQ31(
      static_cast<int64_t>(round(mantissa * static_cast<double>(int64_t{1} << 31))), exponent);
}

// A positive real held as a double holds it, in integers: value =
// significand * 2^(exponent - 53) with significand in [2^52, 2^53) (so
// exponent is frexp's), or significand 0 for zero.
struct DoubleParts {
  uint64_t significand;
  int exponent;
};

namespace quantization_internal {

// A positive finite float as an integer and a power of two: f = m * 2^e.
inline void SplitFloat(float f, uint32_t* m, int* e) {
  uint32_t bits = 0;
  memcpy(&bits, &f, sizeof(bits));
  const uint32_t biased = (bits >> 23) & 0xFF;
  *m = biased == 0 ? bits & 0x7FFFFF : (bits & 0x7FFFFF) | 0x800000;
  *e = biased == 0 ? -149 : static_cast<int>(biased) - 150;
}

}  // namespace quantization_internal

// The double nearest a * b / c for finite a, b >= 0 and c > 0, i.e. the
// value of static_cast<double>(a) * b / c (the product of two floats is
// exact in double, so the division is the one rounding, to nearest even),
// computed in integers: 32-bit targets without a double-precision FPU get
// TFLite's multipliers bit for bit without linking soft double arithmetic.
// The quotient of the 48-bit product by the 24-bit divisor is developed bit
// by bit to 54 significant bits; the remainder tells whether any lower bit is
// set. Every such double is normal (2^-426 < a * b / c < 2^405).
inline DoubleParts RatioAsDouble(float a, float b, float c) {
  uint32_t ma = 0, mb = 0, mc = 0;
  int ea = 0, eb = 0, ec = 0;
  quantization_internal::SplitFloat(a, &ma, &ea);
  quantization_internal::SplitFloat(b, &mb, &eb);
  quantization_internal::SplitFloat(c, &mc, &ec);
  const uint64_t product = uint64_t{ma} * mb;
  if (product == 0) return {0, 0};
  uint64_t quotient = 0;
  uint32_t remainder = 0;
  int fraction_bits = -48;  // the first 48 steps bring down the product's bits
  for (int bit = 47; bit >= 0 || quotient < (uint64_t{1} << 53); --bit) {
    remainder = (remainder << 1) | (bit >= 0 ? static_cast<uint32_t>(product >> bit) & 1 : 0);
    quotient <<= 1;
    if (remainder >= mc) {
      remainder -= mc;
      quotient |= 1;
    }
    ++fraction_bits;
  }
  // quotient has 54 bits: 53 and a guard bit; round to nearest, ties to even.
  uint64_t significand = quotient >> 1;
  int exponent = ea + eb - ec - fraction_bits + 54;
  if ((quotient & 1) != 0 && (remainder != 0 || (significand & 1) != 0)) ++significand;
  if (significand == (uint64_t{1} << 53)) {
    significand >>= 1;
    ++exponent;
  }
  return {significand, exponent};
}

// QuantizeMultiplier of a real given as DoubleParts: the same mantissa and
// exponent, in integers (round(mantissa * 2^31) rounds half away from zero).
inline QuantizedMultiplier QuantizeMultiplier(DoubleParts real) {
  if (real.significand == 0) return {0, 0};
  return MultiplierFromQ31(static_cast<int64_t>((real.significand + (uint64_t{1} << 21)) >> 22),
                           real.exponent);
}

// x * M with TFLite's double rounding (high-mul, then rounding shift).
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m) {
  const int left_shift = m.shift > 0 ? m.shift : 0;
  const int right_shift = m.shift > 0 ? 0 : -m.shift;
  const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return gemmlowp::RoundingDivideByPOT(
      gemmlowp::SaturatingRoundingDoublingHighMul(shifted, m.multiplier), right_shift);
}

// Integer range [min, max] of a fused activation on an output quantized with
// (scale, zero_point), clipped to the type's range [type_min, type_max].
inline void QuantizedActivationRange(schema::Activation activation, QuantParams output,
                                     int32_t type_min, int32_t type_max, int32_t* min,
                                     int32_t* max) {
  auto quantize = [&](float value) {
    return output.zero_point + static_cast<int32_t>(roundf(value / output.scale));
  };
  int32_t low = type_min;
  int32_t high = type_max;
  if (activation == schema::Activation::RELU) {
    low = quantize(0.0f);
  } else if (activation == schema::Activation::RELU6) {
    low = quantize(0.0f);
    high = quantize(6.0f);
  } else if (activation == schema::Activation::RELU_N1_TO_1) {
    low = quantize(-1.0f);
    high = quantize(1.0f);
  }
  *min = low > type_min ? low : type_min;
  *max = high < type_max ? high : type_max;
}

// Number of scales in a tensor's quantization (0 when it has none).
inline uint32_t ScaleCount(const schema::Quantization* quantization) {
  return quantization != nullptr && quantization->scale() != nullptr ? quantization->scale()->size()
                                                                     : 0;
}

// Bound on quantization scales: quantizing the activation bounds (up to 6)
// with a smaller scale would overflow int32; real scales are far larger.
constexpr float kMinScale = 1.0f / (1 << 28);

// An int8 activation tensor: one scale, finite and at least kMinScale, and a
// zero point in [-128, 127].
inline Status ReadInt8Quantization(OpContext& context, const TensorView& view, const char* what,
                                   QuantParams* out) {
  const schema::Quantization* q = view.quantization;
  const uint32_t scales = ScaleCount(q);
  EMBER_CHECK_MODEL(context, scales == 1, "%s is int8 and needs 1 quantization scale, has %" PRIu32,
                    what, scales);
  const float scale = q->scale()->Get(0);
  const int64_t zero_point =
      q->zero_point() != nullptr && q->zero_point()->size() > 0 ? q->zero_point()->Get(0) : 0;
  EMBER_CHECK_MODEL(context, isfinite(scale) && scale >= kMinScale,
                    "%s has quantization scale %g; it must be finite and at least 2^-28", what,
                    static_cast<double>(scale));
  EMBER_CHECK_MODEL(context, zero_point >= -128 && zero_point <= 127,
                    "%s has zero point %s, outside int8", what, FormatInt64(zero_point).chars);
  out->scale = scale;
  out->zero_point = static_cast<int32_t>(zero_point);
  return Status::kOk;
}

// An int16 activation tensor (TFLite's 16x8 scheme): one scale, finite and at
// least kMinScale, and zero point 0.
inline Status ReadInt16Quantization(OpContext& context, const TensorView& view, const char* what,
                                    QuantParams* out) {
  const schema::Quantization* q = view.quantization;
  const uint32_t scales = ScaleCount(q);
  EMBER_CHECK_MODEL(context, scales == 1,
                    "%s is int16 and needs 1 quantization scale, has %" PRIu32, what, scales);
  const float scale = q->scale()->Get(0);
  const int64_t zero_point =
      q->zero_point() != nullptr && q->zero_point()->size() > 0 ? q->zero_point()->Get(0) : 0;
  EMBER_CHECK_MODEL(context, isfinite(scale) && scale >= kMinScale,
                    "%s has quantization scale %g; it must be finite and at least 2^-28", what,
                    static_cast<double>(scale));
  EMBER_CHECK_MODEL(context, zero_point == 0,
                    "%s is int16 and must have zero point 0 (symmetric), has %s", what,
                    FormatInt64(zero_point).chars);
  out->scale = scale;
  out->zero_point = 0;
  return Status::kOk;
}

// The quantization of an int8 or int16 activation tensor `view` (named `what`
// in messages), by its type: ReadInt8Quantization or ReadInt16Quantization.
inline Status ReadQuantizedActivation(OpContext& context, const TensorView& view, const char* what,
                                      QuantParams* out) {
  if (view.type == TensorType::INT8) return ReadInt8Quantization(context, view, what, out);
  return ReadInt16Quantization(context, view, what, out);
}

// Int8 weights (`what`, e.g. "input 1 (filter)") quantized symmetrically:
// one scale, or one per `channel` along `dimension`, each finite and not
// negative, with zero points 0. Sets *count to the number of scales.
inline Status ReadInt8WeightScales(OpContext& context, const TensorView& weights, int dimension,
                                   const char* what, const char* channel, uint32_t* count) {
  const schema::Quantization* q = weights.quantization;
  const uint32_t scale_count = ScaleCount(q);
  const int32_t channels = weights.dim(dimension);
  EMBER_CHECK_MODEL(
      context,
      scale_count == 1 || (scale_count > 1 && scale_count == static_cast<uint32_t>(channels) &&
                           q->quantized_dimension() == dimension),
      "%s needs 1 quantization scale or one per %s (%" PRId32 ") along dimension %d, has %" PRIu32
      " along dimension %" PRId32,
      what, channel, channels, dimension, scale_count, q != nullptr ? q->quantized_dimension() : 0);
  // The loader ensures zero points are absent or one per scale.
  const auto* zero_points = q->zero_point();
  for (uint32_t c = 0; c < scale_count; ++c) {
    const float scale = q->scale()->Get(c);
    EMBER_CHECK_MODEL(context, isfinite(scale) && scale >= 0.0f,
                      "%s has quantization scale %g at %" PRIu32
                      "; it must be finite and not negative",
                      what, static_cast<double>(scale), c);
    const int64_t zero_point = zero_points != nullptr ? zero_points->Get(c) : 0;
    EMBER_CHECK_MODEL(context, zero_point == 0,
                      "%s must be quantized symmetrically; zero point %" PRIu32 " is %s", what, c,
                      FormatInt64(zero_point).chars);
  }
  *count = scale_count;
  return Status::kOk;
}

// The multipliers input_scale * weight_scale[c] / output_scale of the
// weights' `count` scales. TFLite Micro computes them in double from the
// float scales; RatioAsDouble gives the same double in integers, so they
// match it bit for bit. With `float_per_tensor_product` a single
// (per-tensor) weight scale is multiplied by the input scale in float
// first, as TFLite Micro's FullyConnected does.
inline void ComputeWeightMultipliers(QuantParams input, const TensorView& weights,
                                     QuantParams output, uint32_t count,
                                     bool float_per_tensor_product, QuantizedMultiplier* out) {
  for (uint32_t c = 0; c < count; ++c) {
    const float weight_scale = weights.quantization->scale()->Get(c);
    const DoubleParts real =
        float_per_tensor_product && count == 1
            ? RatioAsDouble(input.scale * weight_scale, 1.0f, output.scale)
            : RatioAsDouble(input.scale, weight_scale, output.scale);
    out[c] = QuantizeMultiplier(real);
  }
}

// Requantization of the int8 ops with weights (int8 input and output per
// tensor, int32 accumulators), precomputed in Prepare.
struct Int8WeightedParams {
  int32_t input_offset;  // minus the input zero point
  int32_t output_zero_point;
  int32_t activation_min;
  int32_t activation_max;
  // 1 when the op data block holds one multiplier per output channel, 0
  // when one multiplier (per-tensor weights) serves every channel.
  int32_t multiplier_stride;
};

// Scales an int32 accumulator to the output: TFLite's fixed-point multiply,
// then the zero point (added in 64 bits, where TFLite's int32 sum could
// overflow for absurd multipliers) and the activation clamp.
inline int8_t Requantize(int32_t acc, QuantizedMultiplier multiplier,
                         const Int8WeightedParams& params) {
  const int64_t value =
      int64_t{MultiplyByQuantizedMultiplier(acc, multiplier)} + params.output_zero_point;
  if (value < params.activation_min) return static_cast<int8_t>(params.activation_min);
  if (value > params.activation_max) return static_cast<int8_t>(params.activation_max);
  return static_cast<int8_t>(value);
}

// Eval of an op with a float32 and an int8 path: runs the one for input 0's
// type on the op data Prepare allocated for it.
template <typename FloatData, typename Int8Data>
Status EvalFloat32OrInt8(OpContext& context, void (*eval_float)(OpContext&, const FloatData&),
                         void (*eval_int8)(OpContext&, const Int8Data&)) {
  switch (context.input(0).type) {
    case TensorType::FLOAT32:
      eval_float(context, *context.op_data_as<FloatData>());
      return Status::kOk;
    case TensorType::INT8:
      eval_int8(context, *context.op_data_as<Int8Data>());
      return Status::kOk;
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(0).type));
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_QUANTIZATION_H_
