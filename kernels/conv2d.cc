// Conv2D: input [N, H, W, Cin] convolved with filter [Cout, kh, kw, Cin]
// (cross-correlation, as in TensorFlow), plus an optional bias [Cout];
// SAME/VALID/EXPLICIT padding, stride, dilation and a fused activation.
// Output [N, H_out, W_out, Cout].
//
// Type schemes (see weighted_op.h): float32; hybrid (float32 input, bias and
// output, int8 filter quantized symmetrically per output channel along
// dimension 0 or per tensor: the sums of x * w_q run in float and are scaled
// per channel, more accurate than TFLite's hybrid kernel, which quantizes the
// input); int8 and int16x8, which follow TFLite Micro's reference kernels bit
// for bit.
//
// Int8: int8 input and output quantized per tensor (scales and zero points
// free), int8 filter quantized symmetrically per output channel (or per
// tensor), int32 bias at scale input_scale * filter_scale[c]. Each output is
// the integer sum of w * (x - input_zero_point) plus the bias, scaled by a
// per-channel fixed-point multiplier, offset by the output zero point and
// clamped to the fused activation's quantized range. EvalQuantized is that
// sum written plainly (the reference); int8 runs EvalInt8Fast instead, which
// gives the same bits in a fraction of the instructions (int8_fast.h: the
// input offset folded into the bias for windows inside the image, blocks of
// 4 output channels over contiguous filter rows).
//
// Int16x8: int16 input and output quantized per tensor with zero point 0
// (scales free), the filter as for int8, an int64 bias or none (64-bit sums)
// or an int32 bias (32-bit sums), at scale input_scale * filter_scale[c].
// Each output is the sum of w * x plus the bias, scaled as weighted_op.h
// describes and clamped to the activation's range. With 64-bit sums input
// scale * filter scale / output scale must be below 2^7.
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

constexpr WeightsInfo kFilterInfo = {"filter",
                                     "input 1 (filter)",
                                     "an int8 filter",
                                     "output channel",
                                     "the filter",
                                     "output channels",
                                     0,  // per-channel filter scales run along the output channels
                                     false,   // the scale product in double
                                     false};  // int16: 32-bit sums with an int32 bias

struct OpData {
  ConvParams conv;
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
  const int32_t out_channels = filter.dim(0);
  EMBER_CHECK_MODEL(context, filter.dim(3) == input.dim(3),
                    "input 1 (filter) has %" PRId32
                    " input channels (dim 3) but input 0 has %" PRId32
                    "; grouped convolution is not supported",
                    filter.dim(3), input.dim(3));
  EMBER_RETURN_IF_ERROR(CheckWeightedBias(context, bias, out_channels, kFilterInfo));

  const auto* options = context.op().options_as_Conv2DOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "options must be Conv2DOptions, are %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  ConvParams conv = {};
  EMBER_RETURN_IF_ERROR(PrepareConvWindow(context, *options, input, filter, out_channels, &conv));
  OpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareWeightedOpData<kSchemes>(context, options->activation(), kFilterInfo, &data));
  data->conv = conv;
  data->int8_fast = kInt8FastPaths && int8_fast && input.type == TensorType::INT8 ? 1 : 0;
  return Status::kOk;
}

Status Prepare(OpContext& context) { return PrepareOp(context, true); }

// kBlock output channels of one output pixel: dot products over the window's
// in-image taps, where both the input pixel and each filter tap are
// contiguous runs of Cin values. Float32 filters (scales == nullptr) start
// the sums at the bias; hybrid ones scale each sum by its channel's
// scales[j * scale_stride], then add the bias.
template <int kBlock, typename Weight>
void ConvChannels(const ConvParams& conv, const WindowPosition& p, const float* in_batch,
                  int32_t in_w, int32_t in_c, const Weight* filter_oc, int32_t filter_w,
                  int32_t filter_size, const float* bias, const float* scales, int32_t scale_stride,
                  float* out) {
  float acc[kBlock];
  for (int j = 0; j < kBlock; ++j) acc[j] = bias != nullptr && scales == nullptr ? bias[j] : 0.0f;
  for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
    const int32_t iy = p.y0 + ky * conv.dilation_h;
    for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
      const int32_t ix = p.x0 + kx * conv.dilation_w;
      AccumulateDots<kBlock>(in_batch + (iy * in_w + ix) * in_c,
                             filter_oc + (ky * filter_w + kx) * in_c, filter_size, in_c, acc);
    }
  }
  if (scales != nullptr) {
    for (int j = 0; j < kBlock; ++j) {
      acc[j] = acc[j] * scales[j * scale_stride] + (bias != nullptr ? bias[j] : 0.0f);
    }
  }
  for (int j = 0; j < kBlock; ++j) out[j] = Clamp(acc[j], conv.activation);
}

// The float32 (Weight float, scales null) and hybrid (Weight int8_t) paths.
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
  const int32_t filter_size = filter.dim(1) * filter_w * in_c;
  const int32_t out_c = output.dim(3);
  const int32_t scale_stride = data.quant.multiplier_stride;
  const float* in = input.data_as<const float>();
  const Weight* weights = filter.data_as<const Weight>();
  const float* bias = bias_view.present() ? bias_view.data_as<const float>() : nullptr;
  float* out = output.data_as<float>();
  ForEachWindow(input, output, ConvWindow(data.conv, filter), [&](const WindowPosition& p) {
    const float* in_batch = in + p.batch * in_h * in_w * in_c;
    float* out_pixel = out + p.pixel * out_c;
    int32_t oc = 0;
    for (; oc + 4 <= out_c; oc += 4) {
      ConvChannels<4>(data.conv, p, in_batch, in_w, in_c, weights + oc * filter_size, filter_w,
                      filter_size, bias != nullptr ? bias + oc : nullptr,
                      scales != nullptr ? scales + oc * scale_stride : nullptr, scale_stride,
                      out_pixel + oc);
    }
    for (; oc < out_c; ++oc) {
      ConvChannels<1>(data.conv, p, in_batch, in_w, in_c, weights + oc * filter_size, filter_w,
                      filter_size, bias != nullptr ? bias + oc : nullptr,
                      scales != nullptr ? scales + oc * scale_stride : nullptr, scale_stride,
                      out_pixel + oc);
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
// with int32 or int64 bias and sums) paths: TFLite's integer sums, wrapping
// as RequantizeSum describes, then its requantization.
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
  const int32_t filter_size = filter.dim(1) * filter_w * in_c;
  const int32_t out_c = output.dim(3);
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
      const int8_t* filter_oc = weights + oc * filter_size;
      Sum acc = bias != nullptr ? static_cast<Sum>(bias[oc]) : 0;
      for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
        const int32_t iy = p.y0 + ky * data.conv.dilation_h;
        for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
          const int32_t ix = p.x0 + kx * data.conv.dilation_w;
          const In* in_pixel = in_batch + (iy * in_w + ix) * in_c;
          const int8_t* tap = filter_oc + (ky * filter_w + kx) * in_c;
          for (int32_t ic = 0; ic < in_c; ++ic) {
            acc += static_cast<Sum>(tap[ic] * (in_pixel[ic] + input_offset));
          }
        }
      }
      out_pixel[oc] =
          RequantizeSum<In>(acc, multipliers[oc * data.quant.multiplier_stride], data.quant);
    }
  });
}

// ---- The int8 fast path (int8_fast.h) ----------------------------------------

// What every block of output channels shares in one Eval.
struct Int8ConvShape {
  const int8_t* in;
  const int8_t* filter;
  const int32_t* bias;  // null without a bias
  int8_t* out;
  int32_t batches;
  int32_t in_h;
  int32_t in_w;
  int32_t in_c;
  int32_t out_h;
  int32_t out_w;
  int32_t out_c;
  int32_t filter_h;
  int32_t filter_w;
  int32_t filter_size;  // kh * kw * Cin, one output channel's weights
  InteriorRange rows;   // outputs whose windows lie inside the image
  InteriorRange cols;
};

// Output channels [oc, oc + kBlock) of every output pixel. A window inside
// the image starts at the folded bias and runs kh dot products of kw * Cin
// contiguous values (Cin with dilation along the width); one crossing the
// padding starts at the bias and adds the input offset per element over
// its in-image taps.
template <int kBlock>
void ConvInt8Block(const OpData& data, const Int8ConvShape& s, int32_t oc) {
  const ConvParams& conv = data.conv;
  const int32_t offset = data.quant.input_offset;
  const int8_t* filter_oc = s.filter + oc * s.filter_size;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  uint32_t sums[kBlock] = {};
  if (s.rows.begin < s.rows.end && s.cols.begin < s.cols.end) {
    SumInt8Rows<kBlock>(filter_oc, s.filter_size, s.filter_size, sums);
  }
  uint32_t bias[kBlock];
  uint32_t folded[kBlock];
  Int8Scale scales[kBlock];
  for (int j = 0; j < kBlock; ++j) {
    bias[j] = s.bias != nullptr ? static_cast<uint32_t>(s.bias[oc + j]) : 0;
    folded[j] = bias[j] + static_cast<uint32_t>(offset) * sums[j];
    const QuantizedMultiplier& multiplier = multipliers[(oc + j) * data.quant.multiplier_stride];
    scales[j] = MakeInt8Scale(multiplier.multiplier, multiplier.shift);
  }
  const Int8OutputStage stage = MakeInt8OutputStage(
      data.quant.output_zero_point, data.quant.activation_min, data.quant.activation_max);
  const int32_t row_len = s.filter_w * s.in_c;
  const int32_t in_row_stride = s.in_w * s.in_c;
  const int32_t tap_row_step = conv.dilation_h * in_row_stride;
  const int32_t tap_col_step = conv.dilation_w * s.in_c;
  int8_t* out = s.out + oc;
  for (int32_t b = 0; b < s.batches; ++b) {
    const int8_t* in_batch = s.in + b * s.in_h * in_row_stride;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int32_t y0 = oy * conv.stride_h - conv.pad_top;
      const bool row_inside = oy >= s.rows.begin && oy < s.rows.end;
      int32_t ky_begin = 0;
      int32_t ky_end = s.filter_h;
      if (!row_inside) ValidTapRange(y0, s.in_h, s.filter_h, conv.dilation_h, &ky_begin, &ky_end);
      for (int32_t ox = 0; ox < s.out_w; ++ox, out += s.out_c) {
        const int32_t x0 = ox * conv.stride_w - conv.pad_left;
        uint32_t acc[kBlock];
        if (row_inside && ox >= s.cols.begin && ox < s.cols.end) {
          for (int j = 0; j < kBlock; ++j) acc[j] = folded[j];
          const int8_t* in_row = in_batch + y0 * in_row_stride + x0 * s.in_c;
          const int8_t* filter_row = filter_oc;
          for (int32_t ky = 0; ky < s.filter_h; ++ky) {
            if (conv.dilation_w == 1) {
              AccumulateInt8Dots<kBlock, false>(in_row, filter_row, s.filter_size, row_len, 0, acc);
            } else {
              for (int32_t kx = 0; kx < s.filter_w; ++kx) {
                AccumulateInt8Dots<kBlock, false>(in_row + kx * tap_col_step,
                                                  filter_row + kx * s.in_c, s.filter_size, s.in_c,
                                                  0, acc);
              }
            }
            in_row += tap_row_step;
            filter_row += row_len;
          }
        } else {
          for (int j = 0; j < kBlock; ++j) acc[j] = bias[j];
          int32_t kx_begin = 0;
          int32_t kx_end = 0;
          ValidTapRange(x0, s.in_w, s.filter_w, conv.dilation_w, &kx_begin, &kx_end);
          const int32_t taps_w = kx_end - kx_begin;
          for (int32_t ky = ky_begin; ky < ky_end && taps_w > 0; ++ky) {
            const int8_t* in_row = in_batch + (y0 + ky * conv.dilation_h) * in_row_stride +
                                   (x0 + kx_begin * conv.dilation_w) * s.in_c;
            const int8_t* filter_row = filter_oc + (ky * s.filter_w + kx_begin) * s.in_c;
            if (conv.dilation_w == 1) {
              AccumulateInt8Dots<kBlock, true>(in_row, filter_row, s.filter_size, taps_w * s.in_c,
                                               offset, acc);
            } else {
              for (int32_t kx = 0; kx < taps_w; ++kx) {
                AccumulateInt8Dots<kBlock, true>(in_row + kx * tap_col_step,
                                                 filter_row + kx * s.in_c, s.filter_size, s.in_c,
                                                 offset, acc);
              }
            }
          }
        }
        for (int j = 0; j < kBlock; ++j) out[j] = RequantizeInt8(acc[j], scales[j], stage);
      }
    }
  }
}

void EvalInt8Fast(OpContext& context, const OpData& data) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias = context.input(kBias);
  const TensorView output = context.output(0);
  Int8ConvShape s;
  s.in = input.data_as<const int8_t>();
  s.filter = filter.data_as<const int8_t>();
  s.bias = bias.present() ? bias.data_as<const int32_t>() : nullptr;
  s.out = output.data_as<int8_t>();
  s.batches = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_c = input.dim(3);
  s.out_h = output.dim(1);
  s.out_w = output.dim(2);
  s.out_c = output.dim(3);
  s.filter_h = filter.dim(1);
  s.filter_w = filter.dim(2);
  s.filter_size = s.filter_h * s.filter_w * s.in_c;
  const ConvParams& conv = data.conv;
  s.rows = ComputeInteriorRange(s.out_h, s.in_h, s.filter_h, conv.stride_h, conv.dilation_h,
                                conv.pad_top);
  s.cols = ComputeInteriorRange(s.out_w, s.in_w, s.filter_w, conv.stride_w, conv.dilation_w,
                                conv.pad_left);
  int32_t oc = 0;
  for (; oc + kInt8Block <= s.out_c; oc += kInt8Block) ConvInt8Block<kInt8Block>(data, s, oc);
  if (kInt8Block > 2 && oc + 2 <= s.out_c) {
    ConvInt8Block<2>(data, s, oc);
    oc += 2;
  }
  if (oc < s.out_c) ConvInt8Block<1>(data, s, oc);
}

void EvalInt8(OpContext& context, const OpData& data) {
  if (kInt8FastPaths && data.int8_fast) {
    EvalInt8Fast(context, data);
  } else {
    EvalQuantized<int8_t, int32_t, uint32_t>(context, data);
  }
}

void EvalInt16(OpContext& context, const OpData& data) {
  if (data.wide_sums) {
    EvalQuantized<int16_t, int64_t, uint64_t>(context, data);
  } else {
    EvalQuantized<int16_t, int32_t, uint32_t>(context, data);
  }
}

Status Eval(OpContext& context) {
  return EvalWeighted<OpData>(context, {EvalFloat, EvalHybrid, EvalInt8, EvalInt16});
}


Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8(OpContext& context) { return PrepareOp<TypeSchemes::kInt8>(context, true); }

Status EvalInteger(OpContext& context) {
  return EvalWeightedInteger<OpData>(context, EvalInt8, EvalInt16);
}

}  // namespace

const Kernel kConv2d = {schema::OpCode::CONV_2D, "CONV_2D", Prepare, Eval};
const Kernel kConv2dInteger = {schema::OpCode::CONV_2D, "CONV_2D", PrepareInteger, EvalInteger};
const Kernel kConv2dInt8 = {schema::OpCode::CONV_2D, "CONV_2D", PrepareInt8,
                            EvalWeightedInt8<OpData, EvalInt8>};

Status PrepareConv2dInt8Reference(OpContext& context) { return PrepareOp(context, false); }

}  // namespace ember::kernels
