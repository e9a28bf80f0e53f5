// ExpandDims: inserts one size-1 dim. Where is ReshapeOptions.new_shape when
// present, else the declared output shape (the axis operand is not read).
#include <inttypes.h>

#include "kernels/internal/reshape.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(CheckReshapeOperands(context));
  const auto* new_shape = NewShapeOption(context);
  if (new_shape != nullptr) {
    EMBER_RETURN_IF_ERROR(SetNewShape(context, *new_shape));
  } else {
    EMBER_RETURN_IF_ERROR(CheckSameCount(context));
  }
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, out.rank == in.rank + 1 && IsWithOnesRemoved(out, in),
                    "the output shape (rank %" PRId32 ") must be input 0's shape (rank %" PRId32
                    ") with one size-1 dim inserted",
                    out.rank, in.rank);
  return Status::kOk;
}

}  // namespace

const Kernel kExpandDims = {schema::OpCode::EXPAND_DIMS, "EXPAND_DIMS", Prepare, EvalReshapeLike};

}  // namespace ember::kernels
