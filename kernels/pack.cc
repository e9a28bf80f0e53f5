// Pack: stacks N inputs of one shape along a new axis (PackOptions.axis,
// counted against the output's rank; negative counts from the end). Pure data
// movement, so any element type; quantized inputs must be quantized exactly
// like the output (Pack does not requantize).
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  // Product of the input dims before / from the new axis.
  int32_t outer;
  int32_t inner;
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() >= 1 && context.num_outputs() == 1,
                    "needs at least 1 input and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const int num_inputs = context.num_inputs();
  const TensorView first = context.input(0);
  EMBER_CHECK_MODEL(context, first.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, first.rank < kMaxRank,
                    "input 0 is rank %" PRId32 ", so the output would exceed rank %d", first.rank,
                    kMaxRank);
  const TensorType out_type = context.output(0).type;
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::PackOptions,
                    "options must be PackOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_PackOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : 0;
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, first.rank + 1, &axis),
                    "axis %" PRId32 " is out of range for output rank %" PRId32, raw_axis,
                    first.rank + 1);

  for (int i = 0; i < num_inputs; ++i) {
    const TensorView in = context.input(i);
    EMBER_CHECK_MODEL(context, in.present(), "input %d is required", i);
    EMBER_CHECK_MODEL(context, in.type == out_type, "input %d is %s but the output is %s", i,
                      TensorTypeName(in.type), TensorTypeName(out_type));
    EMBER_RETURN_IF_ERROR(
        CheckCopyQuantization(context, in, OperandName(true, i), context.output(0), "output 0"));
    EMBER_CHECK_MODEL(context, SameShape(in, first), "input %d must have input 0's shape", i);
  }
  int32_t out_dims[kMaxRank];
  for (int d = 0; d <= first.rank; ++d) {
    out_dims[d] = d == axis ? num_inputs : first.dims[d < axis ? d : d - 1];
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, first.rank + 1));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->outer = 1;
  for (int d = 0; d < axis; ++d) data->outer *= first.dims[d];
  data->inner = 1;
  for (int d = axis; d < first.rank; ++d) data->inner *= first.dims[d];
  data->element_size = static_cast<int32_t>(TensorTypeSize(out_type));
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const int num_inputs = context.num_inputs();
  const size_t chunk = static_cast<size_t>(data.inner) * static_cast<size_t>(data.element_size);
  auto* dst = static_cast<uint8_t*>(context.output(0).data);
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int i = 0; i < num_inputs; ++i) {
      memcpy(dst, static_cast<const uint8_t*>(context.input(i).data) + o * chunk, chunk);
      dst += chunk;
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kPack = {schema::OpCode::PACK, "PACK", Prepare, Eval};

}  // namespace ember::kernels
