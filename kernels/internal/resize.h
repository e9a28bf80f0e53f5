// The Prepare checks ResizeBilinear and ResizeNearestNeighbor share: an NHWC
// input resized to the output tensor's height and width, with TensorFlow's
// align_corners / half_pixel_centers options, and TensorFlow's float scale
// rule.
#ifndef EMBER_KERNELS_INTERNAL_RESIZE_H_
#define EMBER_KERNELS_INTERNAL_RESIZE_H_

#include <inttypes.h>

#include "interpreter/kernel.h"
#include "kernels/internal/quantized_copy.h"

namespace ember::kernels {

struct ResizeFlags {
  bool align_corners;
  bool half_pixel_centers;
};

// in / out, or (in - 1) / (out - 1) with align_corners (and out > 1), in
// float as TensorFlow computes it.
inline float ResizeScale(int32_t in, int32_t out, bool align_corners) {
  return (align_corners && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                    : static_cast<float>(in) / static_cast<float>(out);
}

// Checks the operands and options and reads the options. Float32 and int8
// are accepted, int16 too with `allow_int16`; a quantized output must be
// quantized exactly like the input (both resizes produce values in the
// input's scale).
inline Status PrepareResize(OpContext& context, bool allow_int16, ResizeFlags* options_out) {
  EMBER_CHECK_MODEL(
      context,
      (context.num_inputs() == 1 || context.num_inputs() == 2) && context.num_outputs() == 1,
      "needs 1 or 2 inputs (a size operand is not read: the output tensor's "
      "shape is the size) and 1 output, has %d and %d",
      context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == out.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out.type));
  if (!(in.type == TensorType::FLOAT32 || in.type == TensorType::INT8 ||
        (allow_int16 && in.type == TensorType::INT16))) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported",
                      TensorTypeName(in.type));
  }
  if (in.type != TensorType::FLOAT32) {
    QuantParams unused;
    EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, in, "input 0", &unused));
    EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", out, "output 0"));
  }
  EMBER_CHECK_MODEL(context, in.rank == 4, "input 0 must be rank 4 (NHWC), is rank %" PRId32,
                    in.rank);
  EMBER_CHECK_MODEL(context, out.rank == 4, "output must be rank 4 (NHWC), is rank %" PRId32,
                    out.rank);
  EMBER_CHECK_MODEL(context, out.dims[0] == in.dims[0] && out.dims[3] == in.dims[3],
                    "output batch and channels (%" PRId32 ", %" PRId32
                    ") must equal input 0's (%" PRId32 ", %" PRId32 ")",
                    out.dims[0], out.dims[3], in.dims[0], in.dims[3]);
  EMBER_CHECK_MODEL(context, in.dims[1] > 0 && in.dims[2] > 0,
                    "input 0 height and width (%" PRId32 ", %" PRId32 ") must be positive",
                    in.dims[1], in.dims[2]);
  EMBER_CHECK_MODEL(context, out.dims[1] > 0 && out.dims[2] > 0,
                    "output height and width (%" PRId32 ", %" PRId32 ") must be positive",
                    out.dims[1], out.dims[2]);
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::ResizeOptions,
                    "options must be ResizeOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_ResizeOptions();
  options_out->align_corners = options != nullptr && options->align_corners();
  options_out->half_pixel_centers = options != nullptr && options->half_pixel_centers();
  EMBER_CHECK_MODEL(context, !(options_out->align_corners && options_out->half_pixel_centers),
                    "align_corners and half_pixel_centers cannot both be set");
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_RESIZE_H_
