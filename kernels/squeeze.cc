// Squeeze: drops size-1 dims. The schema gives Squeeze no options table of its
// own, so which dims go is ReshapeOptions.new_shape when present (it must be
// the input's shape with some size-1 dims removed), else every size-1 dim.
#include <inttypes.h>

#include "kernels/internal/reshape.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(CheckReshapeOperands(context));
  const TensorView in = context.input(0);
  const auto* new_shape = NewShapeOption(context);
  if (new_shape != nullptr) {
    EMBER_RETURN_IF_ERROR(SetNewShape(context, *new_shape));
  } else {
    int32_t dims[kMaxRank];
    int rank = 0;
    for (int d = 0; d < in.rank; ++d) {
      if (in.dims[d] != 1) dims[rank++] = in.dims[d];
    }
    EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, dims, rank));
  }
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, out.rank <= in.rank && IsWithOnesRemoved(in, out),
                    "the output shape (rank %" PRId32 ") must be input 0's shape (rank %" PRId32
                    ") with only size-1 dims removed",
                    out.rank, in.rank);
  return Status::kOk;
}

}  // namespace

const Kernel kSqueeze = {schema::OpCode::SQUEEZE, "SQUEEZE", Prepare, EvalReshapeLike};

}  // namespace ember::kernels
