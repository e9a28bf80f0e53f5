// ResizeBilinear (float32): input [N, H, W, C] resized to the output tensor's
// H and W, following TensorFlow's ResizeBilinear kernel
// (tf.compat.v1.image.resize_bilinear):
//  - scale = (in - 1) / (out - 1) with align_corners (and out > 1), else
//    in / out, computed in float.
//  - Output index i samples the input at x = i * scale, or with
//    half_pixel_centers at x = (i + 0.5) * scale - 0.5 (pixel centres sit at
//    +0.5, so this maps centre to centre).
//  - The two neighbours are floor(x) clamped below to 0 and ceil(x) clamped
//    above to in - 1; the weight of the upper one is x - floor(x). Near the
//    borders both neighbours may be the same pixel, which is how the edge is
//    extended.
//  - Rows are interpolated first: top = tl + (tr - tl) * wx, likewise bottom,
//    then top + (bottom - top) * wy.
// align_corners together with half_pixel_centers is rejected, as TF does.
//
// Int8 follows TFLite Micro's integer resize (ResizeBilinearInteger) bit for
// bit; the output must be quantized exactly like the input (the result is a
// weighted average of stored values). Positions are in 1/1024 pixel units:
//  - scale_10 = round(1024 * in / out), or round(1024 * (in - 1) / (out - 1))
//    with align_corners and out > 1, rounding halves up.
//  - Output index i samples x_10 = i * scale_10, or with half_pixel_centers
//    i * scale_10 + scale_10 / 2 - 512; the neighbours are x_10 / 1024
//    (truncated, clamped below to 0) and ceil(x_10 / 1024) clamped to in - 1.
//  - The four products value * (weight_y) * (weight_x), each weight in
//    1/1024 units, are summed in 64 bits and divided by 2^20, rounding half
//    away from zero.
// The input's height and width are limited to 2^20 so x_10 fits int32.
#include <math.h>

#include "kernels/internal/common.h"
#include "kernels/internal/resize.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  float height_scale;
  float width_scale;
  int32_t half_pixel_centers;
  // Int8: the scales in 1/1024 units.
  int32_t height_scale_10;
  int32_t width_scale_10;
};

constexpr int32_t kMaxInt8InputSize = int32_t{1} << 20;

// round(1024 * numerator / denominator), halves up, in int32 as TFLite does.
int32_t Scale10(int32_t numerator, int32_t denominator) {
  return static_cast<int32_t>(((int64_t{1} << 10) * numerator + denominator / 2) / denominator);
}

Status Prepare(OpContext& context) {
  ResizeFlags flags = {};
  EMBER_RETURN_IF_ERROR(PrepareResize(context, /*allow_int16=*/false, &flags));
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->height_scale = ResizeScale(in.dims[1], out.dims[1], flags.align_corners);
  data->width_scale = ResizeScale(in.dims[2], out.dims[2], flags.align_corners);
  data->half_pixel_centers = flags.half_pixel_centers ? 1 : 0;
  if (in.type == TensorType::INT8) {
    EMBER_CHECK_MODEL(context, in.dims[1] <= kMaxInt8InputSize && in.dims[2] <= kMaxInt8InputSize,
                      "input 0 height and width (%d, %d) exceed 2^20, the int8 kernel's limit",
                      static_cast<int>(in.dims[1]), static_cast<int>(in.dims[2]));
    const bool align_h = flags.align_corners && out.dims[1] > 1;
    const bool align_w = flags.align_corners && out.dims[2] > 1;
    data->height_scale_10 =
        align_h ? Scale10(in.dims[1] - 1, out.dims[1] - 1) : Scale10(in.dims[1], out.dims[1]);
    data->width_scale_10 =
        align_w ? Scale10(in.dims[2] - 1, out.dims[2] - 1) : Scale10(in.dims[2], out.dims[2]);
  }
  return Status::kOk;
}

struct Sample {
  int32_t lower;
  int32_t upper;
  float weight;
};

Sample SampleAt(int32_t i, float scale, bool half_pixel_centers, int32_t in_size) {
  const float x = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale - 0.5f
                                     : static_cast<float>(i) * scale;
  const float x_floor = floorf(x);
  Sample s;
  s.lower = x_floor > 0.0f ? static_cast<int32_t>(x_floor) : 0;
  const int32_t ceil_index = static_cast<int32_t>(ceilf(x));
  s.upper = ceil_index < in_size - 1 ? ceil_index : in_size - 1;
  // Float rounding can put x a hair past the last pixel; never read past it.
  if (s.lower > in_size - 1) s.lower = in_size - 1;
  s.weight = x - x_floor;
  return s;
}

void ResizeFloat(const OpData& data, const TensorView& in, const TensorView& out) {
  const int32_t batches = in.dims[0];
  const int32_t in_h = in.dims[1];
  const int32_t in_w = in.dims[2];
  const int32_t channels = in.dims[3];
  const int32_t out_h = out.dims[1];
  const int32_t out_w = out.dims[2];
  const bool half_pixel = data.half_pixel_centers != 0;
  const float* src = in.data_as<const float>();
  float* dst = out.data_as<float>();
  for (int32_t b = 0; b < batches; ++b) {
    const float* image = src + static_cast<size_t>(b) * in_h * in_w * channels;
    for (int32_t y = 0; y < out_h; ++y) {
      const Sample sy = SampleAt(y, data.height_scale, half_pixel, in_h);
      const float* top_row = image + static_cast<size_t>(sy.lower) * in_w * channels;
      const float* bottom_row = image + static_cast<size_t>(sy.upper) * in_w * channels;
      for (int32_t x = 0; x < out_w; ++x) {
        const Sample sx = SampleAt(x, data.width_scale, half_pixel, in_w);
        for (int32_t c = 0; c < channels; ++c) {
          const float tl = top_row[sx.lower * channels + c];
          const float tr = top_row[sx.upper * channels + c];
          const float bl = bottom_row[sx.lower * channels + c];
          const float br = bottom_row[sx.upper * channels + c];
          const float top = tl + (tr - tl) * sx.weight;
          const float bottom = bl + (br - bl) * sx.weight;
          *dst++ = top + (bottom - top) * sy.weight;
        }
      }
    }
  }
}

// An int8 sample position in 1/1024 pixel units and its two neighbours.
struct Sample10 {
  int32_t position;
  int32_t lower;
  int32_t upper;
};

Sample10 SampleAt10(int32_t i, int32_t scale_10, bool half_pixel_centers, int32_t in_size) {
  Sample10 s;
  s.position = half_pixel_centers ? i * scale_10 + scale_10 / 2 - (1 << 9) : i * scale_10;
  // Division truncates toward zero, so positions in (-1024, 0) give 0 too.
  const int32_t lower = s.position / (1 << 10);
  s.lower = lower > 0 ? lower : 0;
  const int32_t upper = (s.position + (1 << 10) - 1) / (1 << 10);
  s.upper = upper < in_size - 1 ? upper : in_size - 1;
  return s;
}

void ResizeInt8(const OpData& data, const TensorView& in, const TensorView& out) {
  const int32_t batches = in.dims[0];
  const int32_t in_h = in.dims[1];
  const int32_t in_w = in.dims[2];
  const int32_t channels = in.dims[3];
  const int32_t out_h = out.dims[1];
  const int32_t out_w = out.dims[2];
  const bool half_pixel = data.half_pixel_centers != 0;
  const int8_t* src = in.data_as<const int8_t>();
  int8_t* dst = out.data_as<int8_t>();
  constexpr int64_t kOne = int64_t{1} << 10;
  for (int32_t b = 0; b < batches; ++b) {
    const int8_t* image = src + static_cast<size_t>(b) * in_h * in_w * channels;
    for (int32_t y = 0; y < out_h; ++y) {
      const Sample10 sy = SampleAt10(y, data.height_scale_10, half_pixel, in_h);
      // Weights of the lower and upper row (they sum to 1024; near a border
      // where both rows are the same one, one may exceed 1024 and the other
      // go negative, as in TFLite).
      const int64_t wy_upper = sy.position - kOne * sy.lower;
      const int64_t wy_lower = kOne - wy_upper;
      const int8_t* top_row = image + static_cast<size_t>(sy.lower) * in_w * channels;
      const int8_t* bottom_row = image + static_cast<size_t>(sy.upper) * in_w * channels;
      for (int32_t x = 0; x < out_w; ++x) {
        const Sample10 sx = SampleAt10(x, data.width_scale_10, half_pixel, in_w);
        const int64_t wx_upper = sx.position - kOne * sx.lower;
        const int64_t wx_lower = kOne - wx_upper;
        for (int32_t c = 0; c < channels; ++c) {
          const int64_t sum = top_row[sx.lower * channels + c] * wy_lower * wx_lower +
                              bottom_row[sx.lower * channels + c] * wy_upper * wx_lower +
                              top_row[sx.upper * channels + c] * wy_lower * wx_upper +
                              bottom_row[sx.upper * channels + c] * wy_upper * wx_upper;
          const int64_t half = sum > 0 ? (int64_t{1} << 19) : -(int64_t{1} << 19);
          *dst++ = static_cast<int8_t>((sum + half) / (int64_t{1} << 20));
        }
      }
    }
  }
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  if (context.input(0).type == TensorType::INT8) {
    ResizeInt8(data, context.input(0), context.output(0));
  } else {
    ResizeFloat(data, context.input(0), context.output(0));
  }
  return Status::kOk;
}

}  // namespace

const Kernel kResizeBilinear = {schema::OpCode::RESIZE_BILINEAR, "RESIZE_BILINEAR", Prepare, Eval};

}  // namespace ember::kernels
