// AveragePool2D: the mean over each window of an NHWC input, per channel,
// with a fused activation. As in TensorFlow, padded cells are not counted: the
// mean divides by the number of the window's cells inside the image (Prepare
// ensures there is at least one).
//
// Int8 and int16 follow TFLite Micro's reference kernels bit for bit: the
// input and output share one quantization (int16: zero point 0, TFLite's
// 16x8 scheme; the scale is free), each window's values are summed in int32
// and divided by its cell count rounding half away from zero, then clamped
// to the fused activation's quantized range.
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/integer_only.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PreparePool2D(context, /*sums_windows=*/true); }

// Sums each window's in-image cells into the output pixel, then scales, so
// every access runs along contiguous channels.
void EvalFloat(OpContext& context, const Pool2DParams& params) {
  const TensorView input = context.input(0);
  const TensorView output = context.output(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t channels = input.dim(3);
  const float* in = input.data_as<const float>();
  float* out = output.data_as<float>();
  ForEachWindow(input, output, PoolWindow(params), [&](const WindowPosition& p) {
    const float* in_batch = in + p.batch * in_h * in_w * channels;
    float* out_pixel = out + p.pixel * channels;
    for (int32_t c = 0; c < channels; ++c) out_pixel[c] = 0.0f;
    for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
      for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
        const float* in_pixel = in_batch + ((p.y0 + ky) * in_w + p.x0 + kx) * channels;
        for (int32_t c = 0; c < channels; ++c) out_pixel[c] += in_pixel[c];
      }
    }
    const float count = static_cast<float>((p.ky_end - p.ky_begin) * (p.kx_end - p.kx_begin));
    for (int32_t c = 0; c < channels; ++c) {
      out_pixel[c] = Clamp(out_pixel[c] / count, params.activation);
    }
  });
}

// One channel at a time: TFLite's int32 window sum (in range by the bound
// on window cells) and its rounded division.
template <typename T>
void EvalQuantized(OpContext& context, const QuantizedPool2DParams& data) {
  const TensorView input = context.input(0);
  const TensorView output = context.output(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t channels = input.dim(3);
  const T* in = input.data_as<const T>();
  T* out = output.data_as<T>();
  ForEachWindow(input, output, PoolWindow(data.params), [&](const WindowPosition& p) {
    const T* in_batch = in + p.batch * in_h * in_w * channels;
    T* out_pixel = out + p.pixel * channels;
    const int32_t count = (p.ky_end - p.ky_begin) * (p.kx_end - p.kx_begin);
    for (int32_t c = 0; c < channels; ++c) {
      int32_t sum = 0;
      for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
        for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
          sum += in_batch[((p.y0 + ky) * in_w + p.x0 + kx) * channels + c];
        }
      }
      // C division truncates, so offsetting by half the count away from
      // zero first rounds half away from zero.
      int32_t average = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
      if (average < data.activation_min) average = data.activation_min;
      if (average > data.activation_max) average = data.activation_max;
      out_pixel[c] = static_cast<T>(average);
    }
  });
}

Status Eval(OpContext& context) {
  return EvalPool2D(context, EvalFloat, EvalQuantized<int8_t>, EvalQuantized<int16_t>);
}

Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8(OpContext& context) {
  return PreparePool2D<TypeSchemes::kInt8>(context, /*sums_windows=*/true);
}

Status EvalInt8(OpContext& context) {
  EvalQuantized<int8_t>(context, *context.op_data_as<QuantizedPool2DParams>());
  return Status::kOk;
}

Status EvalInteger(OpContext& context) {
  return EvalQuantizedPool2D(context, EvalQuantized<int8_t>, EvalQuantized<int16_t>);
}

}  // namespace

const Kernel kAveragePool2d = {schema::OpCode::AVERAGE_POOL_2D, "AVERAGE_POOL_2D", Prepare, Eval};
const Kernel kAveragePool2dInteger = {schema::OpCode::AVERAGE_POOL_2D, "AVERAGE_POOL_2D", PrepareInteger, EvalInteger};
const Kernel kAveragePool2dInt8 = {schema::OpCode::AVERAGE_POOL_2D, "AVERAGE_POOL_2D", PrepareInt8,
                                   EvalInt8};

}  // namespace ember::kernels
