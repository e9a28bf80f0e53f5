// Unpack: the inverse of Pack. Splits the input along PackOptions.axis into
// one output per index, each without that axis. Pure data movement, so any
// element type; quantized outputs must be quantized exactly like the input.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  // Product of the input dims before / after the axis.
  int32_t outer;
  int32_t inner;
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() >= 1,
                    "needs 1 input and at least 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const int num_outputs = context.num_outputs();
  const TensorView in = context.input(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::PackOptions,
                    "options must be PackOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_PackOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : 0;
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, in.rank, &axis),
                    "axis %" PRId32 " is out of range for input rank %" PRId32, raw_axis, in.rank);
  EMBER_CHECK_MODEL(context, in.dims[axis] == num_outputs,
                    "input dim %" PRId32 " is %" PRId32 " but the op has %d outputs", axis,
                    in.dims[axis], num_outputs);

  int32_t out_dims[kMaxRank];
  for (int d = 0; d + 1 < in.rank; ++d) out_dims[d] = in.dims[d < axis ? d : d + 1];
  for (int i = 0; i < num_outputs; ++i) {
    const TensorView out = context.output(i);
    EMBER_CHECK_MODEL(context, out.type == in.type, "output %d is %s but the input is %s", i,
                      TensorTypeName(out.type), TensorTypeName(in.type));
    EMBER_RETURN_IF_ERROR(
        CheckCopyQuantization(context, in, "input 0", out, OperandName(false, i)));
    EMBER_RETURN_IF_ERROR(context.SetOutputShape(i, out_dims, in.rank - 1));
  }

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
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
  const size_t chunk = static_cast<size_t>(data.inner) * static_cast<size_t>(data.element_size);
  const auto* src = static_cast<const uint8_t*>(context.input(0).data);
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int i = 0; i < num_outputs; ++i) {
      memcpy(static_cast<uint8_t*>(context.output(i).data) + o * chunk, src, chunk);
      src += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kUnpack = {schema::OpCode::UNPACK, "UNPACK", Prepare, Eval};

}  // namespace ember::kernels
