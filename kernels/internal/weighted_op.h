// Shared by the ops with weights, Conv2D, DepthwiseConv2D and FullyConnected:
// input 0, weights (input 1) and an optional bias (input 2) to output 0, in
// one of four type schemes, chosen by the input's and the weights' types:
//
//  - float32: every operand float32.
//  - hybrid ("dynamic range", the converter's --quantize int8-weights):
//    float32 input, bias and output; int8 weights quantized symmetrically per
//    tensor or per output channel. The int8 weights are used as they are,
//    with no float copy: each output sums x * w_q in float, then multiplies
//    the sum by its channel's weight scale and adds the bias. TFLite's hybrid
//    kernels quantize the input to int8 on the fly instead; keeping it float
//    is more accurate, so results differ from TFLite's by their input
//    rounding (by design).
//  - int8 (TFLite's int8 scheme): int8 input and output quantized per
//    tensor, int8 weights quantized symmetrically per tensor or per output
//    channel, int32 bias at scale input_scale * weight_scale[c].
//  - int16x8 (TFLite's 16x8 scheme): int16 input and output quantized per
//    tensor with zero point 0, int8 weights as for int8, and an int64 bias
//    (TFLite Micro also takes int32 for Conv2D and FullyConnected). As in
//    TFLite Micro, the sums run in 64 bits with an int64 bias or none (always
//    for DepthwiseConv2D) and are then scaled by the multiplier rounded to 16
//    bits (MultiplyWideByQuantizedMultiplier); with an int32 bias they run
//    in 32 bits with the int8 scheme's requantization.
//
// Their Prepare checks the operand counts and the bias here, the rest of the
// shapes and options itself (Conv2D and DepthwiseConv2D their window with
// PrepareConvWindow), then calls PrepareWeightedOpData for the types, the
// quantization and the op data. The op data type (OpData) is the op's own;
// it holds an `Int8WeightedParams quant` and an `int32_t wide_sums` member,
// and the same block goes on with one entry per weight scale: multipliers
// (WeightMultipliers) for int8 and int16, the scales (WeightScales) for
// hybrid. Their Eval dispatches with EvalWeighted.
#ifndef EMBER_KERNELS_INTERNAL_WEIGHTED_OP_H_
#define EMBER_KERNELS_INTERNAL_WEIGHTED_OP_H_

#include <inttypes.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/integer_only.h"
#include "kernels/internal/quantization.h"
#include "schema/ember_generated.h"

namespace ember::kernels {

constexpr int kWeightedInput = 0;
constexpr int kWeightedWeights = 1;
constexpr int kWeightedBias = 2;

// How an op names its weights in messages and where their per-channel
// scales run.
struct WeightsInfo {
  const char* noun;         // "filter", as in "(input, filter, bias)"
  const char* what;         // "input 1 (filter)"
  const char* int8_noun;    // "an int8 filter", as in "an int8 input needs ..."
  const char* channel;      // what one per-channel scale belongs to: "output channel"
  const char* bias_owner;   // "the filter", as in "... but the filter has 4 output channels"
  const char* bias_counts;  // "output channels"
  int quantized_dimension;  // the dim of the weights per-channel scales run along
  // TFLite Micro multiplies a per-tensor weight scale by the input scale in
  // float (FullyConnected) rather than in double.
  bool float_per_tensor_product;
  // TFLite Micro's int16 kernel always sums in 64 bits and reads the bias as
  // int64 (DepthwiseConv2D); otherwise an int32 bias means 32-bit sums.
  bool int16_sums_always_wide;
};

inline Status CheckWeightedOperandCounts(OpContext& context, const WeightsInfo& info) {
  EMBER_CHECK_MODEL(
      context,
      (context.num_inputs() == 2 || context.num_inputs() == 3) && context.num_outputs() == 1,
      "needs 2 or 3 inputs (input, %s, bias) and 1 output, has %d and %d", info.noun,
      context.num_inputs(), context.num_outputs());
  return Status::kOk;
}

// The bias, when present, holds one value per output channel.
inline Status CheckWeightedBias(OpContext& context, const TensorView& bias, int32_t channels,
                                const WeightsInfo& info) {
  if (!bias.present()) return Status::kOk;
  EMBER_RETURN_IF_ERROR(CheckRank(context, bias, 1, "input 2 (bias)"));
  EMBER_CHECK_MODEL(context, bias.dim(0) == channels,
                    "input 2 (bias) has %" PRId32 " values but %s has %" PRId32 " %s", bias.dim(0),
                    info.bias_owner, channels, info.bias_counts);
  return Status::kOk;
}

template <typename OpData>
const QuantizedMultiplier* WeightMultipliers(const OpData& data) {
  return reinterpret_cast<const QuantizedMultiplier*>(&data + 1);
}

// The hybrid path's weight scales; index c * data.quant.multiplier_stride.
template <typename OpData>
const float* WeightScales(const OpData& data) {
  return reinterpret_cast<const float*>(&data + 1);
}

// Bound of TFLite's 64-bit requantization on its multiplier: below 2^7.
constexpr int32_t kMaxWideMultiplierShift = 7;

// TFLite's scaling of a 64-bit sum (its int16x8 kernels with 64-bit sums):
// the Q31 multiplier is rounded to Q15, then the product takes a single
// rounding shift (half up). TFLite defines it for |x| < 2^47; larger sums
// (from absurd biases or filter sizes) are clamped to that range and results
// beyond int32 saturate, where TFLite's are undefined. Prepare keeps the shift within
// [-31, kMaxWideMultiplierShift], so the total shift is 8..46 and the product
// stays below 2^62. WideMultiplier is the multiplier in that form, for loops
// that apply one many times.
struct WideMultiplier {
  int64_t reduced;  // the Q15 multiplier
  int64_t round;    // half of 2^total_shift
  int32_t total_shift;
};

inline WideMultiplier ReduceWideMultiplier(QuantizedMultiplier m) {
  WideMultiplier wide;
  wide.reduced = m.multiplier < 0x7FFF0000 ? (m.multiplier + (1 << 15)) >> 16 : 0x7FFF;
  wide.total_shift = 15 - m.shift;
  wide.round = int64_t{1} << (wide.total_shift - 1);
  return wide;
}

inline int32_t MultiplyWide(int64_t x, const WideMultiplier& m) {
  constexpr int64_t kLimit = int64_t{1} << 47;
  if (x < -kLimit) x = -kLimit;
  if (x > kLimit - 1) x = kLimit - 1;
  const int64_t result = (x * m.reduced + m.round) >> m.total_shift;
  if (result < INT32_MIN) return INT32_MIN;
  if (result > INT32_MAX) return INT32_MAX;
  return static_cast<int32_t>(result);
}

inline int32_t MultiplyWideByQuantizedMultiplier(int64_t x, QuantizedMultiplier m) {
  return MultiplyWide(x, ReduceWideMultiplier(m));
}

// Scales a quantized path's sum to its output type. Sums run wrapping in
// unsigned types: uint32 wraps exactly like TFLite's int32 sums do on the
// targets it runs on (int8, and int16 with 32-bit sums), uint64 holds the
// 64-bit ones, both without signed-overflow undefined behavior; since
// wrapping addition is associative any summation order gives the same bits.
// The zero point is added in 64 bits (TFLite's int32 sum could overflow for
// absurd multipliers); it is 0 for int16.
template <typename Out>
Out RequantizeSum(uint32_t sum, QuantizedMultiplier multiplier, const Int8WeightedParams& params) {
  const int64_t value =
      int64_t{MultiplyByQuantizedMultiplier(static_cast<int32_t>(sum), multiplier)} +
      params.output_zero_point;
  if (value < params.activation_min) return static_cast<Out>(params.activation_min);
  if (value > params.activation_max) return static_cast<Out>(params.activation_max);
  return static_cast<Out>(value);
}

template <typename Out>
Out RequantizeSum(uint64_t sum, const WideMultiplier& multiplier, const Int8WeightedParams& params) {
  const int64_t value =
      int64_t{MultiplyWide(static_cast<int64_t>(sum), multiplier)} + params.output_zero_point;
  if (value < params.activation_min) return static_cast<Out>(params.activation_min);
  if (value > params.activation_max) return static_cast<Out>(params.activation_max);
  return static_cast<Out>(value);
}

template <typename Out>
Out RequantizeSum(uint64_t sum, QuantizedMultiplier multiplier, const Int8WeightedParams& params) {
  return RequantizeSum<Out>(sum, ReduceWideMultiplier(multiplier), params);
}

// RequantizeSum of a 64-bit sum known to be within TFLite's |x| < 2^47,
// which then needs neither that clamp nor the one to int32: the activation
// range lies inside int32, so clamping to it alone gives the same value.
template <typename Out>
Out RequantizeBoundedWideSum(int64_t sum, const WideMultiplier& m,
                             const Int8WeightedParams& params) {
  const int64_t value = ((sum * m.reduced + m.round) >> m.total_shift) + params.output_zero_point;
  if (value < params.activation_min) return static_cast<Out>(params.activation_min);
  if (value > params.activation_max) return static_cast<Out>(params.activation_max);
  return static_cast<Out>(value);
}

namespace weighted_internal {

// The hybrid part of PrepareWeightedOpData.
template <typename OpData>
Status PrepareHybrid(OpContext& context, const WeightsInfo& info, OpData** out) {
  const TensorView weights = context.input(kWeightedWeights);
  EMBER_RETURN_IF_ERROR(CheckFloat(context, context.input(kWeightedBias), "input 2 (bias)"));
  EMBER_RETURN_IF_ERROR(CheckFloat(context, context.output(0), "output 0"));
  uint32_t scale_count = 0;
  EMBER_RETURN_IF_ERROR(ReadInt8WeightScales(context, weights, info.quantized_dimension, info.what,
                                             info.channel, &scale_count));
  auto* data =
      static_cast<OpData*>(context.AllocateOpData(sizeof(OpData) + scale_count * sizeof(float)));
  if (data == nullptr) return Status::kArenaTooSmall;
  float* scales = reinterpret_cast<float*>(data + 1);
  for (uint32_t c = 0; c < scale_count; ++c) scales[c] = weights.quantization->scale()->Get(c);
  data->quant.multiplier_stride = scale_count > 1 ? 1 : 0;
  *out = data;
  return Status::kOk;
}

// The int8 and int16 parts: types, quantization, multipliers. Without
// kInt16 the input is int8 (the caller checked) and no int16 code is
// instantiated.
template <bool kInt16, typename OpData>
Status PrepareQuantized(OpContext& context, schema::Activation activation, const WeightsInfo& info,
                        OpData** out) {
  const TensorView input = context.input(kWeightedInput);
  const TensorView weights = context.input(kWeightedWeights);
  const TensorView bias = context.input(kWeightedBias);
  const TensorView output = context.output(0);
  const bool int16 = kInt16 && input.type == TensorType::INT16;
  const bool bias_ok = !bias.present() ||
                       (int16 ? bias.type == TensorType::INT64 ||
                                    (!info.int16_sums_always_wide && bias.type == TensorType::INT32)
                              : bias.type == TensorType::INT32);
  if (weights.type != TensorType::INT8 || output.type != input.type || !bias_ok) {
    const char* bias_types =
        !int16 ? "an int32" : (info.int16_sums_always_wide ? "an int64" : "an int64 (or int32)");
    return EMBER_FAIL(context, Status::kUnsupported,
                      "an %s input needs %s, %s bias and an %s output; "
                      "has %s %s, %s bias, %s output",
                      TensorTypeName(input.type), info.int8_noun, bias_types,
                      TensorTypeName(input.type), TensorTypeName(weights.type), info.noun,
                      bias.present() ? TensorTypeName(bias.type) : "no",
                      TensorTypeName(output.type));
  }
  QuantParams input_quant;
  QuantParams output_quant;
  if (int16) {
    EMBER_RETURN_IF_ERROR(ReadInt16Quantization(context, input, "input 0 (input)", &input_quant));
    EMBER_RETURN_IF_ERROR(ReadInt16Quantization(context, output, "output 0", &output_quant));
  } else {
    EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, input, "input 0 (input)", &input_quant));
    EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, output, "output 0", &output_quant));
  }
  uint32_t scale_count = 0;
  EMBER_RETURN_IF_ERROR(ReadInt8WeightScales(context, weights, info.quantized_dimension, info.what,
                                             info.channel, &scale_count));

  auto* data = static_cast<OpData*>(
      context.AllocateOpData(sizeof(OpData) + scale_count * sizeof(QuantizedMultiplier)));
  if (data == nullptr) return Status::kArenaTooSmall;
  auto* multipliers = reinterpret_cast<QuantizedMultiplier*>(data + 1);
  ComputeWeightMultipliers(input_quant, weights, output_quant, scale_count,
                           info.float_per_tensor_product, multipliers);
  const bool wide =
      int16 && (info.int16_sums_always_wide || !bias.present() || bias.type == TensorType::INT64);
  for (uint32_t c = 0; wide && c < scale_count; ++c) {
    EMBER_CHECK_MODEL(context, multipliers[c].shift <= kMaxWideMultiplierShift,
                      "input scale * %s scale / output scale must be below 2^%d for int16 with "
                      "64-bit sums, is %g * %g / %g at %" PRIu32,
                      info.noun, static_cast<int>(kMaxWideMultiplierShift),
                      static_cast<double>(input_quant.scale),
                      static_cast<double>(weights.quantization->scale()->Get(c)),
                      static_cast<double>(output_quant.scale), c);
  }
  Int8WeightedParams& params = data->quant;
  params.input_offset = -input_quant.zero_point;
  params.output_zero_point = output_quant.zero_point;
  params.multiplier_stride = scale_count > 1 ? 1 : 0;
  QuantizedActivationRange(activation, output_quant, int16 ? -32768 : -128, int16 ? 32767 : 127,
                           &params.activation_min, &params.activation_max);
  data->wide_sums = wide ? 1 : 0;
  *out = data;
  return Status::kOk;
}

}  // namespace weighted_internal

// Checks the operand types, and for quantized weights their quantization;
// allocates the op data (with room for the per-scale entries) and fills in
// its quantized part. The caller fills in the rest. kSchemes: all four type
// schemes (the full kernel) or int8 alone (integer_only.h).
template <TypeSchemes kSchemes = TypeSchemes::kAll, typename OpData>
Status PrepareWeightedOpData(OpContext& context, schema::Activation activation,
                             const WeightsInfo& info, OpData** out) {
  const TensorView input = context.input(kWeightedInput);
  const TensorView weights = context.input(kWeightedWeights);
  if constexpr (kSchemes == TypeSchemes::kInt8) {
    if (input.type != TensorType::INT8) return FailNotInt8(context, input.type);
    return weighted_internal::PrepareQuantized<false>(context, activation, info, out);
  } else {
    if (input.type == TensorType::INT8 || input.type == TensorType::INT16) {
      return weighted_internal::PrepareQuantized<true>(context, activation, info, out);
    }
    EMBER_RETURN_IF_ERROR(CheckFloat(context, input, "input 0 (input)"));
    if (weights.type == TensorType::INT8) {
      return weighted_internal::PrepareHybrid(context, info, out);
    }
    EMBER_RETURN_IF_ERROR(CheckFloat(context, weights, info.what));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, context.input(kWeightedBias), "input 2 (bias)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, context.output(0), "output 0"));
    *out = context.AllocateOpData<OpData>();
    return *out == nullptr ? Status::kArenaTooSmall : Status::kOk;
  }
}

// The Eval of each type scheme.
template <typename OpData>
struct WeightedEvals {
  void (*float32)(OpContext&, const OpData&);
  void (*hybrid)(OpContext&, const OpData&);
  void (*int8)(OpContext&, const OpData&);
  void (*int16)(OpContext&, const OpData&);
};

// Eval of the integer-only registrations (kernels/internal/integer_only.h):
// dispatches to the int8 and int16 paths only, so the float and hybrid paths
// are not linked from it.
template <typename OpData>
Status EvalWeightedInteger(OpContext& context, void (*int8)(OpContext&, const OpData&),
                           void (*int16)(OpContext&, const OpData&)) {
  const OpData& data = *context.op_data_as<OpData>();
  if (context.input(kWeightedInput).type == TensorType::INT16) {
    int16(context, data);
  } else {
    int8(context, data);
  }
  return Status::kOk;
}

// Eval of the int8-only registrations: the int8 path alone.
template <typename OpData, void (*kEvalInt8)(OpContext&, const OpData&)>
Status EvalWeightedInt8(OpContext& context) {
  kEvalInt8(context, *context.op_data_as<OpData>());
  return Status::kOk;
}

// Runs the Eval for the operand types Prepare accepted.
template <typename OpData>
Status EvalWeighted(OpContext& context, const WeightedEvals<OpData>& evals) {
  const OpData& data = *context.op_data_as<OpData>();
  switch (context.input(kWeightedInput).type) {
    case TensorType::FLOAT32:
      if (context.input(kWeightedWeights).type == TensorType::INT8) {
        evals.hybrid(context, data);
      } else {
        evals.float32(context, data);
      }
      return Status::kOk;
    case TensorType::INT8:
      evals.int8(context, data);
      return Status::kOk;
    case TensorType::INT16:
      evals.int16(context, data);
      return Status::kOk;
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(kWeightedInput).type));
}

// Geometry of Conv2D and DepthwiseConv2D, kept in their op data.
struct ConvParams {
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  FloatRange activation;
};

// The window of a filter [., kh, kw, .].
inline Window2D ConvWindow(const ConvParams& conv, const TensorView& filter) {
  return {filter.dim(1),   filter.dim(2),   conv.stride_h, conv.stride_w,
          conv.dilation_h, conv.dilation_w, conv.pad_top,  conv.pad_left};
}

// The window part of Conv2D's and DepthwiseConv2D's Prepare, from their
// options (Conv2DOptions or DepthwiseConv2DOptions, which share these
// fields): padding, stride, dilation and activation, and the output shape
// [N, H_out, W_out, out_channels] over input [N, H, W, C] and filter
// [., kh, kw, .].
template <typename Options>
Status PrepareConvWindow(OpContext& context, const Options& options, const TensorView& input,
                         const TensorView& filter, int32_t out_channels, ConvParams* params) {
  Padding2D padding = {};
  EMBER_RETURN_IF_ERROR(
      ReadPadding(context, options.padding(), options.explicit_padding(), &padding));
  WindowDim rows = {};
  WindowDim cols = {};
  EMBER_RETURN_IF_ERROR(ComputeWindow(context, 0, input.dim(1), filter.dim(1), options.stride_h(),
                                      options.dilation_h(), padding, &rows));
  EMBER_RETURN_IF_ERROR(ComputeWindow(context, 1, input.dim(2), filter.dim(2), options.stride_w(),
                                      options.dilation_w(), padding, &cols));
  EMBER_RETURN_IF_ERROR(ReadActivation(context, options.activation(), &params->activation));
  const int32_t shape[4] = {input.dim(0), rows.output, cols.output, out_channels};
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, shape, 4));
  params->stride_h = options.stride_h();
  params->stride_w = options.stride_w();
  params->dilation_h = options.dilation_h();
  params->dilation_w = options.dilation_w();
  params->pad_top = rows.pad_before;
  params->pad_left = cols.pad_before;
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_WEIGHTED_OP_H_
