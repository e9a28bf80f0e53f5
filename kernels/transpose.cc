// Transpose: output dim i is input dim perm[i] (TransposeOptions.perm, a
// permutation of 0..rank-1). Pure data movement, so any element type; a
// quantized output must be quantized exactly like the input.
#include <inttypes.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/internal/strided_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t rank;
  int32_t out_dims[kMaxRank];
  // Element offset in the input of one step along each output dim.
  int32_t in_steps[kMaxRank];
  int32_t out_count;
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input (perm comes from TransposeOptions) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == out.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out.type));
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", out, "output 0"));
  const auto* options = context.op().options_as_TransposeOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "TransposeOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const uint32_t entries = options->perm() == nullptr ? 0 : options->perm()->size();
  EMBER_CHECK_MODEL(context, entries == static_cast<uint32_t>(in.rank),
                    "perm must have one entry per input dim (%" PRId32 "), has %" PRIu32, in.rank,
                    entries);

  int32_t perm[kMaxRank];
  int32_t out_dims[kMaxRank];
  bool seen[kMaxRank] = {false};
  for (int i = 0; i < in.rank; ++i) {
    const int32_t p = options->perm()->Get(static_cast<uint32_t>(i));
    EMBER_CHECK_MODEL(context, p >= 0 && p < in.rank && !seen[p],
                      "perm is not a permutation of 0..%" PRId32 ": perm[%d] = %" PRId32 " %s",
                      in.rank - 1, i, p, (p >= 0 && p < in.rank) ? "repeats" : "is out of range");
    seen[p] = true;
    perm[i] = p;
    out_dims[i] = in.dims[p];
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, in.rank));

  int32_t in_strides[kMaxRank];
  int32_t stride = 1;
  for (int d = in.rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= in.dims[d];
  }
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  for (int i = 0; i < in.rank; ++i) {
    data->out_dims[i] = out_dims[i];
    data->in_steps[i] = in_strides[perm[i]];
  }
  data->rank = in.rank;
  data->out_count = static_cast<int32_t>(in.num_elements());
  data->element_size = static_cast<int32_t>(TensorTypeSize(in.type));
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  StridedCopy(data.rank, 0, data.out_dims, data.in_steps, data.out_count, data.element_size,
              context.input(0).data, context.output(0).data);
  return Status::kOk;
}

}  // namespace

const Kernel kTranspose = {schema::OpCode::TRANSPOSE, "TRANSPOSE", Prepare, Eval};

}  // namespace ember::kernels
