// Gather: picks slices of params (input 0, any element type) along
// GatherOptions.axis at the positions in indices (input 1, int32 or int64),
// with TensorFlow's batch_dims: the first batch_dims dims of params and
// indices are shared batch dims, and each batch gathers with its own indices.
//   output shape = params[:axis] + indices[batch_dims:] + params[axis + 1:]
// Indices are data, so Eval checks each against the axis size. A quantized
// output (int8, int16, ...) must be quantized exactly like params.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t axis;
  // params viewed as [batch, outer, axis_size, inner]; indices as
  // [batch, indices_per_batch].
  int32_t batch;
  int32_t outer;
  int32_t axis_size;
  int32_t inner;
  int32_t indices_per_batch;
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 2 && context.num_outputs() == 1,
                    "needs 2 inputs (params, indices) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView params = context.input(0);
  const TensorView indices = context.input(1);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, params.present() && indices.present(),
                    "inputs 0 (params) and 1 (indices) are required");
  EMBER_CHECK_MODEL(context, indices.type == TensorType::INT32 || indices.type == TensorType::INT64,
                    "input 1 (indices) must be int32 or int64, is %s",
                    TensorTypeName(indices.type));
  EMBER_CHECK_MODEL(context, out.type == params.type, "input 0 (params) is %s but the output is %s",
                    TensorTypeName(params.type), TensorTypeName(out.type));
  EMBER_RETURN_IF_ERROR(
      CheckCopyQuantization(context, params, "input 0 (params)", out, "output 0"));
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::GatherOptions,
                    "options must be GatherOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_GatherOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : 0;
  const int32_t raw_batch_dims = options != nullptr ? options->batch_dims() : 0;
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, params.rank, &axis),
                    "axis %" PRId32 " is out of range for input 0 (params) of rank %" PRId32,
                    raw_axis, params.rank);
  int32_t batch_dims = raw_batch_dims;
  if (batch_dims < 0) batch_dims += indices.rank;
  EMBER_CHECK_MODEL(context, batch_dims >= 0 && batch_dims <= indices.rank,
                    "batch_dims %" PRId32 " is out of range for input 1 (indices) of rank %" PRId32,
                    raw_batch_dims, indices.rank);
  EMBER_CHECK_MODEL(context, batch_dims <= axis,
                    "batch_dims %" PRId32 " must not exceed axis %" PRId32, batch_dims, axis);
  for (int d = 0; d < batch_dims; ++d) {
    EMBER_CHECK_MODEL(context, params.dims[d] == indices.dims[d],
                      "batch dim %d differs: input 0 (params) has %" PRId32
                      ", input 1 (indices) %" PRId32,
                      d, params.dims[d], indices.dims[d]);
  }

  int32_t out_dims[kMaxRank];
  int32_t out_rank = 0;
  const int32_t total_rank = params.rank - 1 + indices.rank - batch_dims;
  EMBER_CHECK_MODEL(context, total_rank <= kMaxRank,
                    "the output would be rank %" PRId32 ", above %d", total_rank, kMaxRank);
  for (int d = 0; d < axis; ++d) out_dims[out_rank++] = params.dims[d];
  for (int d = batch_dims; d < indices.rank; ++d) out_dims[out_rank++] = indices.dims[d];
  for (int d = axis + 1; d < params.rank; ++d) out_dims[out_rank++] = params.dims[d];
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, out_rank));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->axis = axis;
  data->batch = 1;
  for (int d = 0; d < batch_dims; ++d) data->batch *= params.dims[d];
  data->outer = 1;
  for (int d = batch_dims; d < axis; ++d) data->outer *= params.dims[d];
  data->axis_size = params.dims[axis];
  data->inner = 1;
  for (int d = axis + 1; d < params.rank; ++d) data->inner *= params.dims[d];
  data->indices_per_batch = 1;
  for (int d = batch_dims; d < indices.rank; ++d) data->indices_per_batch *= indices.dims[d];
  data->element_size = static_cast<int32_t>(TensorTypeSize(params.type));
  return Status::kOk;
}

template <typename Index>
Status GatherTyped(OpContext& context, const OpData& data) {
  const Index* indices = context.input(1).data_as<const Index>();
  const auto* params = static_cast<const uint8_t*>(context.input(0).data);
  auto* dst = static_cast<uint8_t*>(context.output(0).data);
  const size_t slice_bytes = static_cast<size_t>(data.inner) * data.element_size;
  for (int32_t b = 0; b < data.batch; ++b) {
    const Index* batch_indices = indices + static_cast<size_t>(b) * data.indices_per_batch;
    for (int32_t o = 0; o < data.outer; ++o) {
      const size_t base = (static_cast<size_t>(b) * data.outer + o) * data.axis_size;
      for (int32_t k = 0; k < data.indices_per_batch; ++k) {
        const Index index = batch_indices[k];
        if (index < 0 || index >= data.axis_size) {
          return EMBER_FAIL(context, Status::kEvalError,
                            "input 1 (indices): element %d (flat position) is %s, outside "
                            "[0, %" PRId32 ") along params axis %" PRId32,
                            static_cast<int>(b * data.indices_per_batch + k),
                            FormatInt64(index).chars, data.axis_size, data.axis);
        }
        memcpy(dst, params + (base + static_cast<size_t>(index)) * slice_bytes, slice_bytes);
        dst += slice_bytes;
      }
    }
  }
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  if (context.input(1).type == TensorType::INT32) return GatherTyped<int32_t>(context, data);
  return GatherTyped<int64_t>(context, data);
}

}  // namespace

const Kernel kGather = {schema::OpCode::GATHER, "GATHER", Prepare, Eval};

}  // namespace ember::kernels
