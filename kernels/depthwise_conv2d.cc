// DepthwiseConv2D: each input channel ic is convolved with its own
// depth_multiplier filters; output channel ic * depth_multiplier + m uses
// filter[0, :, :, ic * depth_multiplier + m] (TFLite layout [1, kh, kw, Cout]).
// Optional bias [Cout]; SAME/VALID/EXPLICIT padding, stride, dilation and a
// fused activation. Output [N, H_out, W_out, Cin * depth_multiplier].
//
// Type schemes (see weighted_op.h): float32; hybrid (float32 input, bias and
// output, int8 filter quantized symmetrically per output channel along
// dimension 3 or per tensor: the sums of x * w_q run in float and are scaled
// per channel, more accurate than TFLite's hybrid kernel, which quantizes the
// input); int8 and int16x8, which follow TFLite Micro's reference kernels bit
// for bit.
//
// Int8: int8 input and output quantized per tensor (scales and zero points
// free), int8 filter quantized symmetrically per output channel (along
// dimension 3) or per tensor, int32 bias at scale input_scale *
// filter_scale[c]. See conv2d.cc for the requantization. EvalQuantized is
// the reference loop; with depth_multiplier 1 int8 runs EvalInt8Fast
// instead, same bits in a fraction of the instructions (int8_fast.h: chunks
// of 8 contiguous channels, the input offset folded into the bias for
// windows inside the image).
//
// Int16x8: int16 input and output quantized per tensor with zero point 0
// (scales free), the filter as for int8, an int64 bias (TFLite Micro reads
// no other) at scale input_scale * filter_scale[c], or none (TFLite Micro's
// kernel stops on a failed check without one; here the sums just start at
// 0). The sums always run in 64 bits and are scaled by the multiplier
// rounded to 16 bits, as in TFLite Micro (weighted_op.h); input scale *
// filter scale / output scale must be below 2^7.
#include <inttypes.h>

#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/int8_fast.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/integer_only.h"
#include "kernels/internal/weighted_op.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

constexpr WeightsInfo kFilterInfo = {
    "filter",
    "input 1 (filter)",
    "an int8 filter",
    "output channel",
    "the filter",
    "output channels",
    3,      // per-channel filter scales run along the output channels, the last dim
    false,  // the scale product in double
    true};  // int16: always 64-bit sums

struct OpData {
  ConvParams conv;
  int32_t depth_multiplier;
  Int8WeightedParams quant;
  int32_t wide_sums;
  int32_t int8_fast;  // int8: 1 runs EvalInt8Fast, 0 the reference loop
  // Followed in the same block by the multipliers (int8, int16) or the
  // weight scales (hybrid).
};

template <TypeSchemes kSchemes = TypeSchemes::kAll>
Status PrepareOp(OpContext& context, bool int8_fast) {
  EMBER_RETURN_IF_ERROR(CheckWeightedOperandCounts(context, kFilterInfo));
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias = context.input(kBias);
  EMBER_RETURN_IF_ERROR(CheckRank(context, input, 4, "input 0 (input)"));
  EMBER_RETURN_IF_ERROR(CheckRank(context, filter, 4, "input 1 (filter)"));
  EMBER_CHECK_MODEL(context, filter.dim(0) == 1,
                    "input 1 (filter) must have shape [1, kh, kw, Cout], dim 0 is %" PRId32,
                    filter.dim(0));

  const auto* options = context.op().options_as_DepthwiseConv2DOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "options must be DepthwiseConv2DOptions, are %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const int32_t multiplier = options->depth_multiplier();
  EMBER_CHECK_MODEL(context, multiplier >= 1,
                    "option depth_multiplier = %" PRId32 " must be at least 1", multiplier);
  const int32_t out_channels = filter.dim(3);
  EMBER_CHECK_MODEL(context, int64_t{input.dim(3)} * multiplier == out_channels,
                    "input 1 (filter) has %" PRId32 " channels (dim 3), but input 0 has %" PRId32
                    " channels times depth_multiplier %" PRId32,
                    out_channels, input.dim(3), multiplier);
  EMBER_RETURN_IF_ERROR(CheckWeightedBias(context, bias, out_channels, kFilterInfo));
  ConvParams conv = {};
  EMBER_RETURN_IF_ERROR(PrepareConvWindow(context, *options, input, filter, out_channels, &conv));
  OpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareWeightedOpData<kSchemes>(context, options->activation(), kFilterInfo, &data));
  data->conv = conv;
  data->depth_multiplier = multiplier;
  // The fast path runs channels in contiguous chunks: multiplier 1 only.
  data->int8_fast =
      kInt8FastPaths && int8_fast && input.type == TensorType::INT8 && multiplier == 1 ? 1 : 0;
  return Status::kOk;
}

Status Prepare(OpContext& context) { return PrepareOp(context, true); }

// Accumulates straight into the output pixel: the float output is its own
// accumulator, and walking taps outermost keeps the input pixel, the filter
// tap and the output pixel all contiguous over channels. Float32 filters
// (scales == nullptr) start the sums at the bias; hybrid ones (Weight int8_t)
// scale each sum by its channel's scales[c * scale_stride], then add the
// bias.
template <typename Weight>
void EvalFloatOutput(OpContext& context, const OpData& data, const float* scales) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias_view = context.input(kBias);
  const TensorView output = context.output(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t in_c = input.dim(3);
  const int32_t filter_w = filter.dim(2);
  const int32_t out_c = output.dim(3);
  const int32_t multiplier = data.depth_multiplier;
  const int32_t scale_stride = data.quant.multiplier_stride;
  const float* in = input.data_as<const float>();
  const Weight* weights = filter.data_as<const Weight>();
  const float* bias = bias_view.present() ? bias_view.data_as<const float>() : nullptr;
  float* out = output.data_as<float>();
  ForEachWindow(input, output, ConvWindow(data.conv, filter), [&](const WindowPosition& p) {
    const float* in_batch = in + p.batch * in_h * in_w * in_c;
    float* out_pixel = out + p.pixel * out_c;
    for (int32_t oc = 0; oc < out_c; ++oc) {
      out_pixel[oc] = bias != nullptr && scales == nullptr ? bias[oc] : 0.0f;
    }
    for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
      const int32_t iy = p.y0 + ky * data.conv.dilation_h;
      for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
        const int32_t ix = p.x0 + kx * data.conv.dilation_w;
        const float* in_pixel = in_batch + (iy * in_w + ix) * in_c;
        const Weight* tap = weights + (ky * filter_w + kx) * out_c;
        if (multiplier == 1) {
          for (int32_t c = 0; c < in_c; ++c) {
            out_pixel[c] += in_pixel[c] * static_cast<float>(tap[c]);
          }
        } else {
          for (int32_t ic = 0; ic < in_c; ++ic) {
            const float value = in_pixel[ic];
            const Weight* tap_ic = tap + ic * multiplier;
            float* out_ic = out_pixel + ic * multiplier;
            for (int32_t m = 0; m < multiplier; ++m) {
              out_ic[m] += value * static_cast<float>(tap_ic[m]);
            }
          }
        }
      }
    }
    if (scales != nullptr) {
      for (int32_t oc = 0; oc < out_c; ++oc) {
        out_pixel[oc] =
            out_pixel[oc] * scales[oc * scale_stride] + (bias != nullptr ? bias[oc] : 0.0f);
      }
    }
    for (int32_t oc = 0; oc < out_c; ++oc) {
      out_pixel[oc] = Clamp(out_pixel[oc], data.conv.activation);
    }
  });
}

void EvalFloat(OpContext& context, const OpData& data) {
  EvalFloatOutput<float>(context, data, nullptr);
}

void EvalHybrid(OpContext& context, const OpData& data) {
  EvalFloatOutput<int8_t>(context, data, WeightScales(data));
}

// The int8 (In int8_t, Bias int32_t, Sum uint32_t) and int16x8 (In int16_t,
// Bias int64_t, Sum uint64_t) paths, one output channel at a time: TFLite's
// integer sums, wrapping as RequantizeSum describes, then its
// requantization.
template <typename In, typename Bias, typename Sum>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias_view = context.input(kBias);
  const TensorView output = context.output(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t in_c = input.dim(3);
  const int32_t filter_w = filter.dim(2);
  const int32_t out_c = output.dim(3);
  const int32_t multiplier = data.depth_multiplier;
  const In* in = input.data_as<const In>();
  const int8_t* weights = filter.data_as<const int8_t>();
  const Bias* bias = bias_view.present() ? bias_view.data_as<const Bias>() : nullptr;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  const int32_t input_offset = data.quant.input_offset;
  In* out = output.data_as<In>();
  ForEachWindow(input, output, ConvWindow(data.conv, filter), [&](const WindowPosition& p) {
    const In* in_batch = in + p.batch * in_h * in_w * in_c;
    In* out_pixel = out + p.pixel * out_c;
    for (int32_t oc = 0; oc < out_c; ++oc) {
      const int32_t ic = oc / multiplier;
      Sum acc = bias != nullptr ? static_cast<Sum>(bias[oc]) : 0;
      for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
        const int32_t iy = p.y0 + ky * data.conv.dilation_h;
        for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
          const int32_t ix = p.x0 + kx * data.conv.dilation_w;
          const int32_t value = in_batch[(iy * in_w + ix) * in_c + ic] + input_offset;
          acc += static_cast<Sum>(weights[(ky * filter_w + kx) * out_c + oc] * value);
        }
      }
      out_pixel[oc] =
          RequantizeSum<In>(acc, multipliers[oc * data.quant.multiplier_stride], data.quant);
    }
  });
}

// ---- The int8 fast path (int8_fast.h), depth_multiplier 1 --------------------

// What every chunk of channels shares in one Eval.
struct Int8DepthwiseShape {
  const int8_t* in;
  const int8_t* filter;
  const int32_t* bias;  // null without a bias
  int8_t* out;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t channels;  // input and output channels
  int32_t out_h;
  int32_t out_w;
  int32_t filter_h;
  int32_t filter_w;
  InteriorRange rows;  // outputs whose windows lie inside the image
  InteriorRange cols;
};

// Channels [c, c + kChunk) of every output pixel, one accumulator per
// channel: each tap adds kChunk products of contiguous input and filter
// values. A window inside the image starts at the folded bias, one
// crossing the padding at the bias with the input offset added per element.
template <int kChunk>
void DepthwiseInt8Chunk(const OpData& data, const Int8DepthwiseShape& s, int32_t c) {
  const ConvParams& conv = data.conv;
  const int32_t offset = data.quant.input_offset;
  const int32_t channels = s.channels;
  const int8_t* filter_c = s.filter + c;
  const int32_t taps = s.filter_h * s.filter_w;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  const bool any_interior = s.rows.begin < s.rows.end && s.cols.begin < s.cols.end;
  uint32_t bias[kChunk];
  uint32_t folded[kChunk];
  Int8Scale scales[kChunk];
  for (int k = 0; k < kChunk; ++k) {
    uint32_t sum = 0;
    for (int32_t t = 0; any_interior && t < taps; ++t) {
      sum += static_cast<uint32_t>(int32_t{filter_c[t * channels + k]});
    }
    bias[k] = s.bias != nullptr ? static_cast<uint32_t>(s.bias[c + k]) : 0;
    folded[k] = bias[k] + static_cast<uint32_t>(offset) * sum;
    const QuantizedMultiplier& multiplier = multipliers[(c + k) * data.quant.multiplier_stride];
    scales[k] = MakeInt8Scale(multiplier.multiplier, multiplier.shift);
  }
  const Int8OutputStage stage = MakeInt8OutputStage(
      data.quant.output_zero_point, data.quant.activation_min, data.quant.activation_max);
  const int32_t in_row_stride = s.in_w * channels;
  const int32_t tap_row_step = conv.dilation_h * in_row_stride;
  const int32_t tap_col_step = conv.dilation_w * channels;
  int8_t* out = s.out + c;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* in_batch = s.in + b * s.in_h * in_row_stride + c;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * conv.stride_h - conv.pad_top;
      const bool row_inside = oy >= s.rows.begin && oy < s.rows.end;
      int32_t ky_begin = 0;
      int32_t ky_end = s.filter_h;
      if (!row_inside) ValidTapRange(y0, s.in_h, s.filter_h, conv.dilation_h, &ky_begin, &ky_end);
      for (int32_t ox = 0; ox < s.out_w; ++ox, out += channels) {
        const int32_t x0 = ox * conv.stride_w - conv.pad_left;
        uint32_t acc[kChunk];
        if (row_inside && ox >= s.cols.begin && ox < s.cols.end) {
          for (int k = 0; k < kChunk; ++k) acc[k] = folded[k];
          const int8_t* in_row = in_batch + y0 * in_row_stride + x0 * channels;
          const int8_t* tap = filter_c;
          for (int32_t ky = 0; ky < s.filter_h; ++ky, in_row += tap_row_step) {
            const int8_t* in_tap = in_row;
            for (int32_t kx = 0; kx < s.filter_w; ++kx, in_tap += tap_col_step, tap += channels) {
              for (int k = 0; k < kChunk; ++k) {
                acc[k] += static_cast<uint32_t>(in_tap[k] * tap[k]);
              }
            }
          }
        } else {
          for (int k = 0; k < kChunk; ++k) acc[k] = bias[k];
          int32_t kx_begin = 0;
          int32_t kx_end = 0;
          ValidTapRange(x0, s.in_w, s.filter_w, conv.dilation_w, &kx_begin, &kx_end);
          for (int32_t ky = ky_begin; ky < ky_end; ++ky) {
            const int8_t* in_tap = in_batch + (y0 + ky * conv.dilation_h) * in_row_stride +
                                   (x0 + kx_begin * conv.dilation_w) * channels;
            const int8_t* tap = filter_c + (ky * s.filter_w + kx_begin) * channels;
            for (int32_t kx = kx_begin; kx < kx_end;
                 ++kx, in_tap += tap_col_step, tap += channels) {
              for (int k = 0; k < kChunk; ++k) {
                acc[k] += static_cast<uint32_t>(static_cast<int16_t>(in_tap[k] + offset) * tap[k]);
              }
            }
          }
        }
        for (int k = 0; k < kChunk; ++k) out[k] = RequantizeInt8(acc[k], scales[k], stage);
      }
    }
  }
}

// Channels per chunk of the fast path.
constexpr int kDepthwiseChunk = 8;

void EvalInt8Fast(OpContext& context, const OpData& data) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias = context.input(kBias);
  const TensorView output = context.output(0);
  Int8DepthwiseShape s;
  s.in = input.data_as<const int8_t>();
  s.filter = filter.data_as<const int8_t>();
  s.bias = bias.present() ? bias.data_as<const int32_t>() : nullptr;
  s.out = output.data_as<int8_t>();
  s.batches = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.channels = input.dim(3);
  s.out_h = output.dim(1);
  s.out_w = output.dim(2);
  s.filter_h = filter.dim(1);
  s.filter_w = filter.dim(2);
  const ConvParams& conv = data.conv;
  s.rows = ComputeInteriorRange(s.out_h, s.in_h, s.filter_h, conv.stride_h, conv.dilation_h,
                                conv.pad_top);
  s.cols = ComputeInteriorRange(s.out_w, s.in_w, s.filter_w, conv.stride_w, conv.dilation_w,
                                conv.pad_left);
  int32_t c = 0;
  for (; c + kDepthwiseChunk <= s.channels; c += kDepthwiseChunk) {
    DepthwiseInt8Chunk<kDepthwiseChunk>(data, s, c);
  }
  for (; c < s.channels; ++c) DepthwiseInt8Chunk<1>(data, s, c);
}

void EvalInt8(OpContext& context, const OpData& data) {
  if (kInt8FastPaths && data.int8_fast) {
    EvalInt8Fast(context, data);
  } else {
    EvalQuantized<int8_t, int32_t, uint32_t>(context, data);
  }
}

Status Eval(OpContext& context) {
  return EvalWeighted<OpData>(
      context, {EvalFloat, EvalHybrid, EvalInt8, EvalQuantized<int16_t, int64_t, uint64_t>});
}


Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8(OpContext& context) { return PrepareOp<TypeSchemes::kInt8>(context, true); }

Status EvalInteger(OpContext& context) {
  return EvalWeightedInteger<OpData>(context, EvalInt8,
                                     EvalQuantized<int16_t, int64_t, uint64_t>);
}

}  // namespace

const Kernel kDepthwiseConv2d = {schema::OpCode::DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D", Prepare,
                                 Eval};
const Kernel kDepthwiseConv2dInteger = {schema::OpCode::DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D", PrepareInteger, EvalInteger};
const Kernel kDepthwiseConv2dInt8 = {schema::OpCode::DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D",
                                     PrepareInt8, EvalWeightedInt8<OpData, EvalInt8>};

Status PrepareDepthwiseConv2dInt8Reference(OpContext& context) { return PrepareOp(context, false); }

}  // namespace ember::kernels
