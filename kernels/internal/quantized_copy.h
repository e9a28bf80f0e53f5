// Quantization rules of the ops that move integer values without weights:
// the pure data-movement ops (Reshape, Squeeze, ExpandDims, Transpose, Slice,
// StridedSlice, Gather, Split, Unpack, Pack, Pad, MirrorPad,
// ResizeNearestNeighbor, ReduceMax), which copy or select input values and so
// need the output quantized exactly like the input, and the ops that rescale
// them (Concatenation, Mean, Sum, ResizeBilinear).
//
// Conventions (TFLite's): int8 activations are quantized per tensor with a
// zero point in [-128, 127]; int16 activations per tensor with zero point 0.
#ifndef EMBER_KERNELS_INTERNAL_QUANTIZED_COPY_H_
#define EMBER_KERNELS_INTERNAL_QUANTIZED_COPY_H_

#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "kernels/internal/int8_fast.h"
#include "kernels/internal/quantization.h"

namespace ember::kernels {

inline bool IsInt8OrInt16(TensorType type) {
  return type == TensorType::INT8 || type == TensorType::INT16;
}

// Smallest and largest value of an int8 or int16 tensor.
inline int32_t QuantizedMin(TensorType type) { return type == TensorType::INT8 ? -128 : -32768; }
inline int32_t QuantizedMax(TensorType type) { return type == TensorType::INT8 ? 127 : 32767; }

// "input i" / "output i" for messages about one of many operands (a
// constant table: kernels format no strings of their own).
inline const char* OperandName(bool input, int i) {
  static const char* const kInputs[] = {
      "input 0", "input 1", "input 2",  "input 3",  "input 4",  "input 5",  "input 6",  "input 7",
      "input 8", "input 9", "input 10", "input 11", "input 12", "input 13", "input 14", "input 15"};
  static const char* const kOutputs[] = {"output 0",  "output 1",  "output 2",  "output 3",
                                         "output 4",  "output 5",  "output 6",  "output 7",
                                         "output 8",  "output 9",  "output 10", "output 11",
                                         "output 12", "output 13", "output 14", "output 15"};
  if (i < 0 || i >= 16) return input ? "an input past 15" : "an output past 15";
  return input ? kInputs[i] : kOutputs[i];
}

namespace quantized_copy_internal {

inline int64_t ZeroPointAt(const schema::Quantization* q, uint32_t i) {
  return q != nullptr && q->zero_point() != nullptr && i < q->zero_point()->size()
             ? q->zero_point()->Get(i)
             : 0;
}

}  // namespace quantized_copy_internal

// For an op that copies values of `from` (named `from_name`) into `to`
// unchanged: the two must carry the same quantization, entry for entry (both
// none is fine: plain integers). Stored values then mean the same real
// numbers on both sides, which is what lets the op skip requantizing.
inline Status CheckCopyQuantization(OpContext& context, const TensorView& from,
                                    const char* from_name, const TensorView& to,
                                    const char* to_name) {
  namespace in = quantized_copy_internal;
  const schema::Quantization* a = from.quantization;
  const schema::Quantization* b = to.quantization;
  const uint32_t count = ScaleCount(a);
  bool same = count == ScaleCount(b);
  for (uint32_t i = 0; same && i < count; ++i) {
    same =
        a->scale()->Get(i) == b->scale()->Get(i) && in::ZeroPointAt(a, i) == in::ZeroPointAt(b, i);
  }
  if (same) return Status::kOk;
  const QuantParams p = from.quant();
  const QuantParams q = to.quant();
  return EMBER_FAIL(context, Status::kInvalidModel,
                    "%s and %s must be quantized alike (this op moves %s values without "
                    "requantizing); %s has %u scale(s), the first %g with zero point %d, %s has "
                    "%u, the first %g with zero point %d",
                    from_name, to_name, TensorTypeName(to.type), from_name,
                    static_cast<unsigned>(count), static_cast<double>(p.scale),
                    static_cast<int>(p.zero_point), to_name, static_cast<unsigned>(ScaleCount(b)),
                    static_cast<double>(q.scale), static_cast<int>(q.zero_point));
}

// Requantization of an int8 or int16 value from one (scale, zero point) to
// another, as TFLite's integer Requantize (its QUANTIZE op from int8 to int8)
// computes it: the multiplier in_scale / out_scale (in double) is split in
// Prepare; at Eval q_out = clamp(zp_out + (q_in - zp_in) * M) with TFLite's
// fixed-point multiply: SaturatingRoundingDoublingHighMul (to nearest, ties
// toward +infinity), then a rounding right shift (to nearest, ties away from
// zero). The result is within 1 of the correctly rounded q_out.
// The multiplier is applied as an Int8Scale (int8_fast.h): the same bits for
// any int32 value, in one rounding of a 64-bit product.
struct Rescale {
  QuantizedMultiplier multiplier;
  Int8Scale scale;
  int32_t input_zero_point;
  int32_t output_zero_point;
};

inline Rescale MakeRescale(QuantParams input, QuantParams output) {
  Rescale r;
  r.multiplier =
      QuantizeMultiplier(static_cast<double>(input.scale) / static_cast<double>(output.scale));
  r.scale = MakeInt8Scale(r.multiplier.multiplier, r.multiplier.shift);
  r.input_zero_point = input.zero_point;
  r.output_zero_point = output.zero_point;
  return r;
}

// The zero point is added in 64 bits, where TFLite's int32 sum could
// overflow for absurd multipliers.
inline int32_t ApplyRescale(int32_t value, const Rescale& r, int32_t min, int32_t max) {
  const int64_t scaled =
      int64_t{ScaleInt8Sum(static_cast<uint32_t>(value - r.input_zero_point), r.scale)} +
      r.output_zero_point;
  return scaled < min ? min : (scaled > max ? max : static_cast<int32_t>(scaled));
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_QUANTIZED_COPY_H_
