// TransposeConv: the gradient of Conv2D with respect to its input (TF's
// conv2d_transpose). Input [N, H, W, Cin], filter [Cout, kh, kw, Cin],
// optional bias [Cout]; the output shape [N, H_out, W_out, Cout] is the output
// tensor's. A Conv2D with the same filter geometry, stride and padding maps
// [H_out, W_out] to [H, W]; each input cell spreads its filter window over the
// output:
//   out[oy, ox, oc] = bias[oc] + sum in[iy, ix, ic] * filter[oc, ky, kx, ic]
//   over oy = iy * stride - pad_top + ky (same for x).
//
// Int8 and int16x8 follow TFLite Micro's reference TransposeConv bit for bit:
//  - int8: int8 input and output quantized per tensor (any scale and zero
//    point), int8 filter quantized symmetrically per tensor or per output
//    channel (dim 0), optional int32 bias at scale input_scale *
//    filter_scale[c]. Products (q_in - zp_in) * w are summed in int32
//    (wrapping, as TFLite's sums do), the bias is added, and the sum is scaled
//    by input_scale * filter_scale[c] / output_scale (computed in double)
//    with TFLite's fixed-point multiply; then the output zero point and the
//    fused activation's clamp.
//  - int16x8: int16 input and output quantized per tensor with zero point 0,
//    int8 filter as above, optional int64 bias. The sums run in 64 bits and
//    are scaled by the multiplier rounded to 16 bits with one rounding shift
//    (TFLite's 64-bit MultiplyByQuantizedMultiplier), then clamped.
// Both sum into a scratch buffer of one accumulator per output value of one
// batch image, scattering each input cell's products over its window as
// TFLite does.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

struct OpData {
  int32_t stride_h;
  int32_t stride_w;
  int32_t pad_top;
  int32_t pad_left;
  FloatRange activation;
  // Int8 and int16x8 only. The block goes on with the filter's multipliers
  // (QuantizedMultiplier), one per output channel or one for all.
  int32_t input_offset;  // minus the input zero point
  int32_t output_zero_point;
  int32_t activation_min;
  int32_t activation_max;
  int32_t multiplier_stride;  // 1 per channel, 0 per tensor
  int32_t sums_scratch;
};

const QuantizedMultiplier* Multipliers(const OpData& data) {
  return reinterpret_cast<const QuantizedMultiplier*>(&data + 1);
}

// Bound on the shift of the int16x8 path's multiplier, as TFLite's 64-bit
// multiply requires (the sum is then shifted right by 8 to 46 bits).
constexpr int32_t kMaxWideShift = 7;

// The types, quantization, multipliers and scratch buffer of the int8 and
// int16x8 paths; allocates the op data and returns it through `out`.
Status PrepareQuantized(OpContext& context, schema::Activation activation, OpData** out) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias = context.input(kBias);
  const TensorView output = context.output(0);
  const bool int8 = input.type == TensorType::INT8;
  const TensorType bias_type = int8 ? TensorType::INT32 : TensorType::INT64;
  if (filter.type != TensorType::INT8 || output.type != input.type ||
      (bias.present() && bias.type != bias_type)) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "an %s input needs an int8 filter, an %s output and an %s bias; has %s, %s "
                      "and %s",
                      TensorTypeName(input.type), TensorTypeName(input.type),
                      TensorTypeName(bias_type), TensorTypeName(filter.type),
                      TensorTypeName(output.type),
                      bias.present() ? TensorTypeName(bias.type) : "none");
  }
  QuantParams input_quant;
  QuantParams output_quant;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0 (input)", &input_quant));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, output, "output 0", &output_quant));
  uint32_t count = 0;
  EMBER_RETURN_IF_ERROR(
      ReadInt8WeightScales(context, filter, 0, "input 1 (filter)", "output channel", &count));
  auto* data = static_cast<OpData*>(
      context.AllocateOpData(sizeof(OpData) + count * sizeof(QuantizedMultiplier)));
  if (data == nullptr) return Status::kArenaTooSmall;
  auto* multipliers = reinterpret_cast<QuantizedMultiplier*>(data + 1);
  ComputeWeightMultipliers(input_quant, filter, output_quant, count,
                           /*float_per_tensor_product=*/false, multipliers);
  if (!int8) {
    for (uint32_t c = 0; c < count; ++c) {
      EMBER_CHECK_MODEL(context, multipliers[c].shift <= kMaxWideShift,
                        "input_scale * filter_scale[%u] / output_scale = %g is 2^%d or more, past "
                        "the int16x8 kernel's limit",
                        static_cast<unsigned>(c),
                        static_cast<double>(input_quant.scale) *
                            filter.quantization->scale()->Get(c) / output_quant.scale,
                        static_cast<int>(kMaxWideShift));
    }
  }
  data->input_offset = -input_quant.zero_point;
  data->output_zero_point = output_quant.zero_point;
  QuantizedActivationRange(activation, output_quant, QuantizedMin(input.type),
                           QuantizedMax(input.type), &data->activation_min, &data->activation_max);
  data->multiplier_stride = count > 1 ? 1 : 0;
  const size_t per_batch = static_cast<size_t>(output.dim(1)) * output.dim(2) * output.dim(3);
  int index = 0;
  EMBER_RETURN_IF_ERROR(
      context.RequestScratch(per_batch * (int8 ? sizeof(uint32_t) : sizeof(uint64_t)), &index));
  data->sums_scratch = index;
  *out = data;
  return Status::kOk;
}

// Checks that the forward Conv2D of an output-sized image gives the input
// size along one axis, and returns the padding that conv would use.
Status CheckTransposedAxis(OpContext& context, int axis, int32_t in_size, int32_t out_size,
                           int32_t filter, int32_t stride, const Padding2D& padding,
                           int32_t* pad_before) {
  const char* name = axis == 0 ? "height" : "width";
  WindowDim forward = {};
  EMBER_RETURN_IF_ERROR(
      ComputeWindow(context, axis, out_size, filter, stride, 1, padding, &forward));
  if (padding.mode == schema::Padding::VALID) {
    EMBER_CHECK_MODEL(context, out_size >= filter,
                      "output %s %" PRId32 " is smaller than the filter (%" PRId32
                      ") with VALID padding",
                      name, out_size, filter);
  }
  EMBER_CHECK_MODEL(context, forward.output == in_size,
                    "output %s %" PRId32 " does not fit input %s %" PRId32
                    ": a %s convolution with filter %" PRId32 " and stride %" PRId32
                    " maps %" PRId32 " to %" PRId32,
                    name, out_size, name, in_size, schema::EnumNamePadding(padding.mode), filter,
                    stride, out_size, forward.output);
  *pad_before = forward.pad_before;
  return Status::kOk;
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(
      context,
      (context.num_inputs() == 2 || context.num_inputs() == 3) && context.num_outputs() == 1,
      "needs 2 or 3 inputs (input, filter, bias) and 1 output, has %d and %d", context.num_inputs(),
      context.num_outputs());
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias = context.input(kBias);
  const TensorView output = context.output(0);
  EMBER_RETURN_IF_ERROR(CheckRank(context, input, 4, "input 0 (input)"));
  EMBER_RETURN_IF_ERROR(CheckRank(context, filter, 4, "input 1 (filter)"));
  EMBER_RETURN_IF_ERROR(CheckRank(context, output, 4, "output 0"));
  const int32_t out_channels = filter.dim(0);
  EMBER_CHECK_MODEL(context, filter.dim(3) == input.dim(3),
                    "input 1 (filter) has %" PRId32
                    " input channels (dim 3) but input 0 has %" PRId32,
                    filter.dim(3), input.dim(3));
  if (bias.present()) {
    EMBER_RETURN_IF_ERROR(CheckRank(context, bias, 1, "input 2 (bias)"));
    EMBER_CHECK_MODEL(context, bias.dim(0) == out_channels,
                      "input 2 (bias) has %" PRId32 " values but the filter has %" PRId32
                      " output channels",
                      bias.dim(0), out_channels);
  }
  EMBER_CHECK_MODEL(context, output.dim(0) == input.dim(0) && output.dim(3) == out_channels,
                    "output 0 must have batch %" PRId32 " (input 0 dim 0) and %" PRId32
                    " channels (filter dim "
                    "0), has shape [%" PRId32 ",%" PRId32 ",%" PRId32 ",%" PRId32 "]",
                    input.dim(0), out_channels, output.dim(0), output.dim(1), output.dim(2),
                    output.dim(3));

  const auto* options = context.op().options_as_TransposeConvOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "options must be TransposeConvOptions, are %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  Padding2D padding = {};
  EMBER_RETURN_IF_ERROR(
      ReadPadding(context, options->padding(), options->explicit_padding(), &padding));
  int32_t pad_top = 0;
  int32_t pad_left = 0;
  EMBER_RETURN_IF_ERROR(CheckTransposedAxis(context, 0, input.dim(1), output.dim(1), filter.dim(1),
                                            options->stride_h(), padding, &pad_top));
  EMBER_RETURN_IF_ERROR(CheckTransposedAxis(context, 1, input.dim(2), output.dim(2), filter.dim(2),
                                            options->stride_w(), padding, &pad_left));
  FloatRange activation = {};
  EMBER_RETURN_IF_ERROR(ReadActivation(context, options->activation(), &activation));

  OpData* data = nullptr;
  if (input.type == TensorType::INT8 || input.type == TensorType::INT16) {
    EMBER_RETURN_IF_ERROR(PrepareQuantized(context, options->activation(), &data));
  } else {
    EMBER_RETURN_IF_ERROR(CheckFloat(context, input, "input 0 (input)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, filter, "input 1 (filter)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, bias, "input 2 (bias)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, output, "output 0"));
    data = context.AllocateOpData<OpData>();
    if (data == nullptr) return Status::kArenaTooSmall;
  }
  data->stride_h = options->stride_h();
  data->stride_w = options->stride_w();
  data->pad_top = pad_top;
  data->pad_left = pad_left;
  data->activation = activation;
  return Status::kOk;
}

// Output cell `out_pos` gets tap k of input cell i when
// i * stride - pad + k == out_pos, so walking i down from the largest valid
// cell, k goes up by `stride`. Returns those taps as [*begin, *end) (stepped
// by stride) and the input cell of the first.
void TransposedTaps(int32_t out_pos, int32_t pad, int32_t stride, int32_t in_size, int32_t filter,
                    int32_t* begin, int32_t* end, int32_t* first_in) {
  const int32_t shifted = out_pos + pad;
  // The first tap k >= 0 with shifted - k divisible by stride and its input
  // cell below in_size.
  int32_t k = shifted % stride;
  int32_t in = shifted / stride;
  if (in >= in_size) {
    const int32_t skip = in - (in_size - 1);
    k += skip * stride;
    in = in_size - 1;
  }
  *first_in = in;
  *begin = k;
  // Taps go k, k + stride, ... with input cells in, in - 1, ... >= 0.
  int32_t last = shifted;  // tap whose input cell is 0
  if (last > filter - 1) last = filter - 1;
  *end = (in_size <= 0 || k > last) ? k : last + 1;
}

// kBlock output channels of one output cell: gathers the input cells whose
// windows cover it, so every output is written once and clamped in the same
// pass.
template <int kBlock>
void TransposeChannels(const OpData& data, const float* in_batch, int32_t in_w, int32_t in_c,
                       const float* filter_oc, int32_t filter_w, int32_t filter_size,
                       int32_t ky_begin, int32_t ky_end, int32_t iy_first, int32_t kx_begin,
                       int32_t kx_end, int32_t ix_first, const float* bias, float* out) {
  float acc[kBlock];
  for (int j = 0; j < kBlock; ++j) acc[j] = bias != nullptr ? bias[j] : 0.0f;
  for (int32_t ky = ky_begin, iy = iy_first; ky < ky_end; ky += data.stride_h, --iy) {
    for (int32_t kx = kx_begin, ix = ix_first; kx < kx_end; kx += data.stride_w, --ix) {
      AccumulateDots<kBlock>(in_batch + (iy * in_w + ix) * in_c,
                             filter_oc + (ky * filter_w + kx) * in_c, filter_size, in_c, acc);
    }
  }
  for (int j = 0; j < kBlock; ++j) out[j] = Clamp(acc[j], data.activation);
}

void EvalFloat(OpContext& context, const OpData& data) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias_view = context.input(kBias);
  const TensorView output = context.output(0);
  const int32_t batches = input.dim(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t in_c = input.dim(3);
  const int32_t filter_h = filter.dim(1);
  const int32_t filter_w = filter.dim(2);
  const int32_t filter_size = filter_h * filter_w * in_c;
  const int32_t out_h = output.dim(1);
  const int32_t out_w = output.dim(2);
  const int32_t out_c = output.dim(3);
  const float* in = input.data_as<const float>();
  const float* weights = filter.data_as<const float>();
  const float* bias = bias_view.present() ? bias_view.data_as<const float>() : nullptr;
  float* out = output.data_as<float>();

  for (int32_t b = 0; b < batches; ++b) {
    const float* in_batch = in + b * in_h * in_w * in_c;
    for (int32_t oy = 0; oy < out_h; ++oy) {
      int32_t ky_begin;
      int32_t ky_end;
      int32_t iy_first;
      TransposedTaps(oy, data.pad_top, data.stride_h, in_h, filter_h, &ky_begin, &ky_end,
                     &iy_first);
      for (int32_t ox = 0; ox < out_w; ++ox) {
        int32_t kx_begin;
        int32_t kx_end;
        int32_t ix_first;
        TransposedTaps(ox, data.pad_left, data.stride_w, in_w, filter_w, &kx_begin, &kx_end,
                       &ix_first);
        float* out_pixel = out + ((b * out_h + oy) * out_w + ox) * out_c;
        int32_t oc = 0;
        for (; oc + 4 <= out_c; oc += 4) {
          TransposeChannels<4>(data, in_batch, in_w, in_c, weights + oc * filter_size, filter_w,
                               filter_size, ky_begin, ky_end, iy_first, kx_begin, kx_end, ix_first,
                               bias != nullptr ? bias + oc : nullptr, out_pixel + oc);
        }
        for (; oc < out_c; ++oc) {
          TransposeChannels<1>(data, in_batch, in_w, in_c, weights + oc * filter_size, filter_w,
                               filter_size, ky_begin, ky_end, iy_first, kx_begin, kx_end, ix_first,
                               bias != nullptr ? bias + oc : nullptr, out_pixel + oc);
        }
      }
    }
  }
}

// TFLite's scaling of a 64-bit sum (its int16x8 kernels): the Q31
// multiplier rounded to Q15, one rounding shift (half up). TFLite defines it
// for |x| < 2^47; larger sums (only from an absurd bias) are clamped to that
// range, and results beyond int32 saturate, where TFLite's are undefined.
int32_t ScaleWideSum(int64_t x, QuantizedMultiplier m) {
  constexpr int64_t kLimit = int64_t{1} << 47;
  if (x < -kLimit) x = -kLimit;
  if (x > kLimit - 1) x = kLimit - 1;
  const int64_t reduced =
      m.multiplier < 0x7FFF0000 ? (int64_t{m.multiplier} + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - m.shift;
  const int64_t result = (x * reduced + (int64_t{1} << (total_shift - 1))) >> total_shift;
  if (result < INT32_MIN) return INT32_MIN;
  if (result > INT32_MAX) return INT32_MAX;
  return static_cast<int32_t>(result);
}

// One integer path: In is int8_t or int16_t; Acc (uint32_t or uint64_t)
// holds the sums, wrapping like TFLite's int32 / int64 sums but without
// signed-overflow undefined behavior; wrapping addition is associative, so
// the scatter order does not change the bits.
template <typename In, typename Acc>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView input = context.input(kInput);
  const TensorView filter = context.input(kFilter);
  const TensorView bias_view = context.input(kBias);
  const TensorView output = context.output(0);
  const int32_t batches = input.dim(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t in_c = input.dim(3);
  const int32_t filter_h = filter.dim(1);
  const int32_t filter_w = filter.dim(2);
  const int32_t filter_size = filter_h * filter_w * in_c;
  const int32_t out_h = output.dim(1);
  const int32_t out_w = output.dim(2);
  const int32_t out_c = output.dim(3);
  const size_t per_batch = static_cast<size_t>(out_h) * out_w * out_c;
  const In* in = input.data_as<const In>();
  const int8_t* weights = filter.data_as<const int8_t>();
  const QuantizedMultiplier* multipliers = Multipliers(data);
  In* out = output.data_as<In>();
  auto* sums = static_cast<Acc*>(context.scratch(data.sums_scratch));

  for (int32_t b = 0; b < batches; ++b) {
    memset(sums, 0, per_batch * sizeof(Acc));
    const In* in_batch = in + static_cast<size_t>(b) * in_h * in_w * in_c;
    for (int32_t iy = 0; iy < in_h; ++iy) {
      const int32_t oy_origin = iy * data.stride_h - data.pad_top;
      for (int32_t ix = 0; ix < in_w; ++ix) {
        const int32_t ox_origin = ix * data.stride_w - data.pad_left;
        const In* in_cell = in_batch + (iy * in_w + ix) * in_c;
        for (int32_t ky = 0; ky < filter_h; ++ky) {
          const int32_t oy = oy_origin + ky;
          if (oy < 0 || oy >= out_h) continue;
          for (int32_t kx = 0; kx < filter_w; ++kx) {
            const int32_t ox = ox_origin + kx;
            if (ox < 0 || ox >= out_w) continue;
            Acc* out_sums = sums + (static_cast<size_t>(oy) * out_w + ox) * out_c;
            const int8_t* tap = weights + (ky * filter_w + kx) * in_c;
            for (int32_t oc = 0; oc < out_c; ++oc) {
              const int8_t* w = tap + oc * filter_size;
              Acc acc = 0;
              for (int32_t ic = 0; ic < in_c; ++ic) {
                acc +=
                    static_cast<Acc>(static_cast<int64_t>(in_cell[ic] + data.input_offset) * w[ic]);
              }
              out_sums[oc] += acc;
            }
          }
        }
      }
    }
    In* out_batch = out + static_cast<size_t>(b) * per_batch;
    for (size_t k = 0; k < per_batch; ++k) {
      const int32_t oc = static_cast<int32_t>(k % static_cast<size_t>(out_c));
      const QuantizedMultiplier m = multipliers[oc * data.multiplier_stride];
      int64_t value;
      if (sizeof(Acc) == sizeof(uint32_t)) {
        uint32_t sum = static_cast<uint32_t>(sums[k]);
        if (bias_view.present())
          sum += static_cast<uint32_t>(bias_view.data_as<const int32_t>()[oc]);
        value = int64_t{MultiplyByQuantizedMultiplier(static_cast<int32_t>(sum), m)} +
                data.output_zero_point;
      } else {
        uint64_t sum = static_cast<uint64_t>(sums[k]);
        if (bias_view.present())
          sum += static_cast<uint64_t>(bias_view.data_as<const int64_t>()[oc]);
        value = ScaleWideSum(static_cast<int64_t>(sum), m);
      }
      if (value < data.activation_min) value = data.activation_min;
      if (value > data.activation_max) value = data.activation_max;
      out_batch[k] = static_cast<In>(value);
    }
  }
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  switch (context.input(kInput).type) {
    case TensorType::FLOAT32:
      EvalFloat(context, data);
      return Status::kOk;
    case TensorType::INT8:
      EvalQuantized<int8_t, uint32_t>(context, data);
      return Status::kOk;
    case TensorType::INT16:
      EvalQuantized<int16_t, uint64_t>(context, data);
      return Status::kOk;
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(kInput).type));
}

}  // namespace

const Kernel kTransposeConv = {schema::OpCode::TRANSPOSE_CONV, "TRANSPOSE_CONV", Prepare, Eval};

}  // namespace ember::kernels
