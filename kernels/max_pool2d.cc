// MaxPool2D: the maximum over each window of an NHWC input, per channel, with
// a fused activation. As in TensorFlow, padded cells take no part: the
// maximum is over the window's cells inside the image (Prepare ensures there
// is at least one).
//
// Int8 and int16 follow TFLite Micro's reference kernels: the input and
// output share one quantization (int16: zero point 0, TFLite's 16x8 scheme;
// the scale is free), so the output is the maximum of the quantized values,
// clamped to the fused activation's quantized range.
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/integer_only.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PreparePool2D(context, /*sums_windows=*/false); }

// Walks each window's in-image cells in order with the output pixel as the
// running maximum, so every access runs along contiguous channels; then
// applies `activate` (the fused activation) to each maximum.
template <typename T, typename Activate>
void MaxPool(OpContext& context, const Pool2DParams& params, Activate activate) {
  const TensorView input = context.input(0);
  const TensorView output = context.output(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t channels = input.dim(3);
  const T* in = input.data_as<const T>();
  T* out = output.data_as<T>();
  ForEachWindow(input, output, PoolWindow(params), [&](const WindowPosition& p) {
    const T* in_batch = in + p.batch * in_h * in_w * channels;
    T* out_pixel = out + p.pixel * channels;
    const T* first = in_batch + ((p.y0 + p.ky_begin) * in_w + p.x0 + p.kx_begin) * channels;
    for (int32_t c = 0; c < channels; ++c) out_pixel[c] = first[c];
    for (int32_t ky = p.ky_begin; ky < p.ky_end; ++ky) {
      for (int32_t kx = p.kx_begin; kx < p.kx_end; ++kx) {
        const T* in_pixel = in_batch + ((p.y0 + ky) * in_w + p.x0 + kx) * channels;
        for (int32_t c = 0; c < channels; ++c) {
          if (in_pixel[c] > out_pixel[c]) out_pixel[c] = in_pixel[c];
        }
      }
    }
    for (int32_t c = 0; c < channels; ++c) out_pixel[c] = activate(out_pixel[c]);
  });
}

void EvalFloat(OpContext& context, const Pool2DParams& params) {
  MaxPool<float>(context, params, [&](float value) { return Clamp(value, params.activation); });
}

// The quantized maximum is clamped to the activation's quantized range.
template <typename T>
void EvalQuantized(OpContext& context, const QuantizedPool2DParams& data) {
  const T activation_min = static_cast<T>(data.activation_min);
  const T activation_max = static_cast<T>(data.activation_max);
  MaxPool<T>(context, data.params, [=](T value) {
    if (value < activation_min) value = activation_min;
    if (value > activation_max) value = activation_max;
    return value;
  });
}

Status Eval(OpContext& context) {
  return EvalPool2D(context, EvalFloat, EvalQuantized<int8_t>, EvalQuantized<int16_t>);
}

Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8(OpContext& context) {
  return PreparePool2D<TypeSchemes::kInt8>(context, /*sums_windows=*/false);
}

Status EvalInt8(OpContext& context) {
  EvalQuantized<int8_t>(context, *context.op_data_as<QuantizedPool2DParams>());
  return Status::kOk;
}

Status EvalInteger(OpContext& context) {
  return EvalQuantizedPool2D(context, EvalQuantized<int8_t>, EvalQuantized<int16_t>);
}

}  // namespace

const Kernel kMaxPool2d = {schema::OpCode::MAX_POOL_2D, "MAX_POOL_2D", Prepare, Eval};
const Kernel kMaxPool2dInteger = {schema::OpCode::MAX_POOL_2D, "MAX_POOL_2D", PrepareInteger, EvalInteger};
const Kernel kMaxPool2dInt8 = {schema::OpCode::MAX_POOL_2D, "MAX_POOL_2D", PrepareInt8, EvalInt8};

}  // namespace ember::kernels
