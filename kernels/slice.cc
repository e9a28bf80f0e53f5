// Slice: the block of SliceOptions.size elements starting at begin, per dim;
// a size of -1 means "to the end of the dim". Pure data movement, so any
// element type; a quantized output must be quantized exactly like the input.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t rank;
  int32_t in_dims[kMaxRank];
  int32_t out_dims[kMaxRank];
  int32_t begin[kMaxRank];
  int32_t element_size;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input (begin and size come from SliceOptions) and 1 output, has %d "
                    "and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == out.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out.type));
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", out, "output 0"));
  const auto* options = context.op().options_as_SliceOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "SliceOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const uint32_t begin_entries = options->begin() == nullptr ? 0 : options->begin()->size();
  const uint32_t size_entries = options->size() == nullptr ? 0 : options->size()->size();
  EMBER_CHECK_MODEL(context,
                    begin_entries == static_cast<uint32_t>(in.rank) &&
                        size_entries == static_cast<uint32_t>(in.rank),
                    "begin and size must have one entry per input dim (%" PRId32 "), have %" PRIu32
                    " and %" PRIu32,
                    in.rank, begin_entries, size_entries);

  int32_t begins[kMaxRank];
  int32_t sizes[kMaxRank];
  for (int d = 0; d < in.rank; ++d) {
    const int32_t begin = options->begin()->Get(static_cast<uint32_t>(d));
    int32_t size = options->size()->Get(static_cast<uint32_t>(d));
    EMBER_CHECK_MODEL(context, begin >= 0 && begin <= in.dims[d],
                      "begin[%d] = %" PRId32 " is out of range for input dim of size %" PRId32, d,
                      begin, in.dims[d]);
    if (size == -1) size = in.dims[d] - begin;
    EMBER_CHECK_MODEL(context, size >= 0 && size <= in.dims[d] - begin,
                      "size[%d] = %" PRId32 " does not fit input dim of size %" PRId32
                      " from begin %" PRId32,
                      d, options->size()->Get(static_cast<uint32_t>(d)), in.dims[d], begin);
    begins[d] = begin;
    sizes[d] = size;
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, sizes, in.rank));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->rank = in.rank;
  for (int d = 0; d < in.rank; ++d) {
    data->in_dims[d] = in.dims[d];
    data->out_dims[d] = sizes[d];
    data->begin[d] = begins[d];
  }
  data->element_size = static_cast<int32_t>(TensorTypeSize(in.type));
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const auto* src = static_cast<const uint8_t*>(context.input(0).data);
  auto* dst = static_cast<uint8_t*>(context.output(0).data);
  const size_t element_size = static_cast<size_t>(data.element_size);
  if (data.rank == 0) {
    memcpy(dst, src, element_size);
    return Status::kOk;
  }
  // Copy row by row: the last dim is contiguous on both sides.
  int32_t rows = 1;
  int32_t in_strides[kMaxRank];
  int32_t stride = 1;
  for (int d = data.rank - 1; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= data.in_dims[d];
    if (d < data.rank - 1) rows *= data.out_dims[d];
  }
  const int last = data.rank - 1;
  const size_t row_bytes = static_cast<size_t>(data.out_dims[last]) * element_size;
  if (row_bytes == 0) return Status::kOk;
  int32_t in_offset = 0;
  for (int d = 0; d < data.rank; ++d) in_offset += data.begin[d] * in_strides[d];
  int32_t index[kMaxRank] = {0};
  for (int32_t r = 0; r < rows; ++r) {
    memcpy(dst, src + static_cast<size_t>(in_offset) * element_size, row_bytes);
    dst += row_bytes;
    for (int d = last - 1; d >= 0; --d) {
      in_offset += in_strides[d];
      if (++index[d] < data.out_dims[d]) break;
      in_offset -= in_strides[d] * data.out_dims[d];
      index[d] = 0;
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kSlice = {schema::OpCode::SLICE, "SLICE", Prepare, Eval};

}  // namespace ember::kernels
