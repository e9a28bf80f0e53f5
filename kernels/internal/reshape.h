// The shared shape of Reshape, Squeeze and ExpandDims: the output is the input
// under another shape. The interpreter's planner gives the output the input's
// bytes whenever input 0 lives in the arena, so Eval copies only when input 0
// is a constant.
#ifndef EMBER_KERNELS_INTERNAL_RESHAPE_H_
#define EMBER_KERNELS_INTERNAL_RESHAPE_H_

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "interpreter/kernel.h"
#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"

namespace ember::kernels {

// Checks the operand counts, the options table and that input 0 and the
// output agree in type and quantization (any type; quantized ones exactly
// alike). A second input (TF's shape or axis operand) may be present and is
// not read: ReshapeOptions.new_shape, or else the declared output shape,
// gives the shape.
inline Status CheckReshapeOperands(OpContext& context) {
  EMBER_CHECK_MODEL(
      context,
      (context.num_inputs() == 1 || context.num_inputs() == 2) && context.num_outputs() == 1,
      "needs 1 or 2 inputs and 1 output, has %d and %d", context.num_inputs(),
      context.num_outputs());
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::ReshapeOptions,
                    "options must be ReshapeOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == out.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out.type));
  return CheckCopyQuantization(context, in, "input 0", out, "output 0");
}

// ReshapeOptions.new_shape, or null when it is absent or empty (a flatbuffers
// writer may store an unset list as empty). An empty new_shape cannot mean
// "scalar" here; a scalar output is declared as such and kept.
inline const flatbuffers::Vector<int32_t>* NewShapeOption(const OpContext& context) {
  const auto* options = context.op().options_as_ReshapeOptions();
  if (options == nullptr || options->new_shape() == nullptr || options->new_shape()->size() == 0) {
    return nullptr;
  }
  return options->new_shape();
}

// Sets the output to `new_shape`, where one entry may be -1: whatever makes
// the element count input 0's. Zeros are plain zero-sized dims. Fails unless
// the counts agree.
inline Status SetNewShape(OpContext& context, const flatbuffers::Vector<int32_t>& new_shape) {
  const int64_t count = context.input(0).num_elements();
  EMBER_CHECK_MODEL(context, new_shape.size() <= static_cast<uint32_t>(kMaxRank),
                    "new_shape has %" PRIu32 " entries, at most %d are supported", new_shape.size(),
                    kMaxRank);
  const int rank = static_cast<int>(new_shape.size());
  int32_t dims[kMaxRank];
  int unknown = -1;
  int64_t known = 1;
  for (int d = 0; d < rank; ++d) {
    dims[d] = new_shape.Get(static_cast<uint32_t>(d));
    if (dims[d] == -1) {
      EMBER_CHECK_MODEL(context, unknown < 0, "new_shape has more than one -1 (%d and %d)", unknown,
                        d);
      unknown = d;
      continue;
    }
    EMBER_CHECK_MODEL(context, dims[d] >= 0, "new_shape[%d] = %" PRId32 " is negative", d, dims[d]);
    // Once past the input's count only a later zero can bring it back, so
    // stop multiplying there and stay far from overflow.
    if (dims[d] == 0 || known <= count) known *= dims[d];
  }
  if (unknown >= 0) {
    EMBER_CHECK_MODEL(context, known > 0 && count % known == 0,
                      "new_shape cannot hold input 0's %d elements whatever its -1 (at %d) is",
                      static_cast<int>(count), unknown);
    dims[unknown] = static_cast<int32_t>(count / known);
    known = count;
  }
  EMBER_CHECK_MODEL(context, known <= count, "new_shape holds more than input 0's %d elements",
                    static_cast<int>(count));
  EMBER_CHECK_MODEL(context, known == count, "new_shape holds %d elements but input 0 has %d",
                    static_cast<int>(known), static_cast<int>(count));
  return context.SetOutputShape(0, dims, rank);
}

// For a kept (declared) output shape: the element counts must agree.
inline Status CheckSameCount(OpContext& context) {
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.num_elements() == out.num_elements(),
                    "input 0 has %d elements but the output has %d",
                    static_cast<int>(in.num_elements()), static_cast<int>(out.num_elements()));
  return Status::kOk;
}

// True when `shorter` is `longer` with some size-1 dims taken out, order kept.
// Matching each dim of `shorter` to the earliest equal dim of `longer` is
// enough: a 1 matched early could only have been skipped instead.
inline bool IsWithOnesRemoved(const TensorView& longer, const TensorView& shorter) {
  int j = 0;
  for (int d = 0; d < longer.rank; ++d) {
    if (j < shorter.rank && shorter.dims[j] == longer.dims[d]) {
      ++j;
    } else if (longer.dims[d] != 1) {
      return false;
    }
  }
  return j == shorter.rank;
}

inline Status EvalReshapeLike(OpContext& context) {
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  if (out.data != in.data) memcpy(out.data, in.data, in.bytes());
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_RESHAPE_H_
