// ResizeNearestNeighbor (float32, int8, int16): input [N, H, W, C] resized to
// the output tensor's H and W, following TensorFlow's ResizeNearestNeighbor
// kernel (tf.compat.v1.image.resize_nearest_neighbor):
//  - scale = (in - 1) / (out - 1) with align_corners (and out > 1), else
//    in / out, computed in float.
//  - Output index i looks at x = i * scale, or with half_pixel_centers at
//    x = (i + 0.5) * scale: the output pixel's centre in input units, left
//    unshifted because taking the floor of it already picks the input pixel
//    whose [k, k + 1) cell contains that centre.
//  - The source index is round(x) (halves away from zero) with align_corners,
//    else floor(x); then clamped to at most in - 1.
// align_corners together with half_pixel_centers is rejected, as TF does.
//
// Prepare computes the source row of every output row and the source column
// of every output column (in float, as TFLite does at Eval) into the op data,
// so Eval only copies pixels, for every type without floating point. Int8 and
// int16 outputs must be quantized exactly like the input; results are exact.
#include <math.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/resize.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

// The op data block goes on with out_h source rows, then out_w source
// columns.
struct OpData {
  int32_t out_h;
  int32_t out_w;
};

const int32_t* SourceRows(const OpData& data) {
  return reinterpret_cast<const int32_t*>(&data + 1);
}
const int32_t* SourceColumns(const OpData& data) { return SourceRows(data) + data.out_h; }

int32_t SourceIndex(int32_t i, float scale, const ResizeFlags& flags, int32_t in_size) {
  const float x = flags.half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale
                                           : static_cast<float>(i) * scale;
  const float picked = flags.align_corners ? roundf(x) : floorf(x);
  const int32_t index = static_cast<int32_t>(picked);
  return index < in_size - 1 ? (index > 0 ? index : 0) : in_size - 1;
}

Status Prepare(OpContext& context) {
  ResizeFlags flags = {};
  EMBER_RETURN_IF_ERROR(PrepareResize(context, /*allow_int16=*/true, &flags));
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  const int32_t out_h = out.dims[1];
  const int32_t out_w = out.dims[2];
  auto* data = static_cast<OpData*>(context.AllocateOpData(
      sizeof(OpData) +
      (static_cast<size_t>(out_h) + static_cast<size_t>(out_w)) * sizeof(int32_t)));
  if (data == nullptr) return Status::kArenaTooSmall;
  data->out_h = out_h;
  data->out_w = out_w;
  int32_t* rows = reinterpret_cast<int32_t*>(data + 1);
  int32_t* columns = rows + out_h;
  const float height_scale = ResizeScale(in.dims[1], out_h, flags.align_corners);
  const float width_scale = ResizeScale(in.dims[2], out_w, flags.align_corners);
  for (int32_t y = 0; y < out_h; ++y) rows[y] = SourceIndex(y, height_scale, flags, in.dims[1]);
  for (int32_t x = 0; x < out_w; ++x) columns[x] = SourceIndex(x, width_scale, flags, in.dims[2]);
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  const int32_t batches = in.dims[0];
  const int32_t in_h = in.dims[1];
  const int32_t in_w = in.dims[2];
  const size_t pixel_bytes = static_cast<size_t>(in.dims[3]) * TensorTypeSize(in.type);
  const size_t row_bytes = static_cast<size_t>(in_w) * pixel_bytes;
  const int32_t* rows = SourceRows(data);
  const int32_t* columns = SourceColumns(data);
  const auto* src = static_cast<const uint8_t*>(in.data);
  auto* dst = static_cast<uint8_t*>(out.data);
  for (int32_t b = 0; b < batches; ++b) {
    const uint8_t* image = src + static_cast<size_t>(b) * in_h * row_bytes;
    for (int32_t y = 0; y < data.out_h; ++y) {
      const uint8_t* row = image + static_cast<size_t>(rows[y]) * row_bytes;
      for (int32_t x = 0; x < data.out_w; ++x) {
        memcpy(dst, row + static_cast<size_t>(columns[x]) * pixel_bytes, pixel_bytes);
        dst += pixel_bytes;
      }
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kResizeNearestNeighbor = {schema::OpCode::RESIZE_NEAREST_NEIGHBOR,
                                       "RESIZE_NEAREST_NEIGHBOR", Prepare, Eval};

}  // namespace ember::kernels
