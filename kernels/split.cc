// Split: cuts the input along SplitOptions.axis into the op's outputs, in
// equal parts when size_splits is empty, else size_splits[i] elements for
// output i, where one entry may be -1 for whatever the others leave. Pure data
// movement, so any element type; quantized outputs must be quantized exactly
// like the input.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t axis;
  // Product of the dims before / after the axis, the same for every operand.
  int32_t outer;
  int32_t inner;
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() >= 1,
                    "needs 1 input (axis and sizes come from SplitOptions) and at least 1 "
                    "output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  const int num_outputs = context.num_outputs();
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::SplitOptions,
                    "options must be SplitOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_SplitOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : 0;
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, in.rank, &axis),
                    "axis %" PRId32 " is out of range for input rank %" PRId32, raw_axis, in.rank);
  const int32_t axis_dim = in.dims[axis];

  const auto* size_splits = options != nullptr ? options->size_splits() : nullptr;
  const bool equal_parts = size_splits == nullptr || size_splits->size() == 0;
  int32_t rest = axis_dim;
  int unknown = -1;
  if (equal_parts) {
    EMBER_CHECK_MODEL(context, axis_dim % num_outputs == 0,
                      "input dim %" PRId32 " (%" PRId32 ") does not split into %d equal parts",
                      axis, axis_dim, num_outputs);
  } else {
    EMBER_CHECK_MODEL(context, size_splits->size() == static_cast<uint32_t>(num_outputs),
                      "size_splits has %" PRIu32 " entries for %d outputs", size_splits->size(),
                      num_outputs);
    for (int i = 0; i < num_outputs; ++i) {
      const int32_t size = size_splits->Get(static_cast<uint32_t>(i));
      if (size == -1) {
        EMBER_CHECK_MODEL(context, unknown < 0, "size_splits has more than one -1 (%d and %d)",
                          unknown, i);
        unknown = i;
        continue;
      }
      EMBER_CHECK_MODEL(context, size >= 0 && size <= rest,
                        "size_splits[%d] = %" PRId32 " is negative or overruns input dim %" PRId32
                        " (%" PRId32 ")",
                        i, size, axis, axis_dim);
      rest -= size;
    }
    EMBER_CHECK_MODEL(context, unknown >= 0 || rest == 0,
                      "size_splits sum to %" PRId32 ", input dim %" PRId32 " is %" PRId32,
                      axis_dim - rest, axis, axis_dim);
  }

  for (int i = 0; i < num_outputs; ++i) {
    const TensorView declared = context.output(i);
    EMBER_CHECK_MODEL(context, declared.type == in.type, "output %d is %s but the input is %s", i,
                      TensorTypeName(declared.type), TensorTypeName(in.type));
    EMBER_RETURN_IF_ERROR(
        CheckCopyQuantization(context, in, "input 0", declared, OperandName(false, i)));
    int32_t out_dims[kMaxRank];
    for (int d = 0; d < in.rank; ++d) out_dims[d] = in.dims[d];
    out_dims[axis] = axis_dim / num_outputs;
    if (!equal_parts) {
      out_dims[axis] = i == unknown ? rest : size_splits->Get(static_cast<uint32_t>(i));
    }
    EMBER_RETURN_IF_ERROR(context.SetOutputShape(i, out_dims, in.rank));
  }

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->axis = axis;
  data->outer = 1;
  for (int d = 0; d < axis; ++d) data->outer *= in.dims[d];
  data->inner = 1;
  for (int d = axis + 1; d < in.rank; ++d) data->inner *= in.dims[d];
  data->element_size = static_cast<int32_t>(TensorTypeSize(in.type));
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const int num_outputs = context.num_outputs();
  // Each outer slice of the input is the outputs' outer slices side by side.
  const auto* src = static_cast<const uint8_t*>(context.input(0).data);
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int i = 0; i < num_outputs; ++i) {
      const TensorView out = context.output(i);
      const size_t chunk = static_cast<size_t>(out.dims[data.axis]) * data.inner *
                           static_cast<size_t>(data.element_size);
      memcpy(static_cast<uint8_t*>(out.data) + o * chunk, src, chunk);
      src += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kSplit = {schema::OpCode::SPLIT, "SPLIT", Prepare, Eval};

}  // namespace ember::kernels
