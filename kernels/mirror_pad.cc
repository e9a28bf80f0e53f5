// MirrorPad: pads each dim with a mirror image of the input's edge.
// PadOptions.paddings holds a (before, after) pair per input dim and
// mirror_mode picks REFLECT (the edge element is not repeated: [1 2 3] padded
// by 2 gives 3 2 | 1 2 3 | 2 1) or SYMMETRIC (it is: 2 1 | 1 2 3 | 3 2). So
// each pad may be at most dim - 1 under REFLECT and dim under SYMMETRIC. Pure
// data movement, so any element type; a quantized output must be quantized
// exactly like the input.
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
  int32_t in_strides[kMaxRank];
  int32_t out_dims[kMaxRank];
  int32_t before[kMaxRank];
  int32_t out_count;
  int32_t element_size;
  // 0 for REFLECT, 1 for SYMMETRIC: how far a mirrored index shifts.
  int32_t symmetric;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input (paddings come from PadOptions) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView declared = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == declared.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(declared.type));
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", declared, "output 0"));
  const auto* options = context.op().options_as_PadOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "PadOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const schema::MirrorPadMode mode = options->mirror_mode();
  EMBER_CHECK_MODEL(
      context, mode == schema::MirrorPadMode::REFLECT || mode == schema::MirrorPadMode::SYMMETRIC,
      "unknown mirror_mode %d", static_cast<int>(mode));
  const bool symmetric = mode == schema::MirrorPadMode::SYMMETRIC;
  const auto* paddings = options->paddings();
  const uint32_t pairs = paddings == nullptr ? 0 : paddings->size();
  EMBER_CHECK_MODEL(context, pairs == 2u * static_cast<uint32_t>(in.rank),
                    "paddings must hold 2 entries per input dim (%" PRId32 "), holds %" PRIu32,
                    2 * in.rank, pairs);

  int32_t out_dims[kMaxRank];
  for (int d = 0; d < in.rank; ++d) {
    const int32_t before = paddings->Get(2 * d);
    const int32_t after = paddings->Get(2 * d + 1);
    const int32_t limit = symmetric ? in.dims[d] : in.dims[d] - 1;
    EMBER_CHECK_MODEL(context, before >= 0 && after >= 0 && before <= limit && after <= limit,
                      "paddings for dim %d (%" PRId32 ", %" PRId32 ") must be in [0, %" PRId32
                      "] for %s mode on a dim of size %" PRId32,
                      d, before, after, limit < 0 ? 0 : limit, symmetric ? "SYMMETRIC" : "REFLECT",
                      in.dims[d]);
    const int64_t size = int64_t{in.dims[d]} + before + after;
    EMBER_CHECK_MODEL(context, size <= INT32_MAX, "padded dim %d (%s) is too large", d,
                      FormatInt64(size).chars);
    out_dims[d] = static_cast<int32_t>(size);
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, in.rank));
  const TensorView out = context.output(0);

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->rank = in.rank;
  data->symmetric = symmetric ? 1 : 0;
  int32_t stride = 1;
  for (int d = in.rank - 1; d >= 0; --d) {
    data->in_dims[d] = in.dims[d];
    data->in_strides[d] = stride;
    data->out_dims[d] = out.dims[d];
    data->before[d] = paddings->Get(2 * d);
    stride *= in.dims[d];
  }
  data->out_count = static_cast<int32_t>(out.num_elements());
  data->element_size = static_cast<int32_t>(TensorTypeSize(out.type));
  return Status::kOk;
}

// The input index that output index `i` (along a dim) mirrors.
inline int32_t SourceIndex(int32_t i, int32_t before, int32_t size, int32_t symmetric) {
  const int32_t x = i - before;
  if (x < 0) return -x - symmetric;
  if (x >= size) return 2 * size - 2 + symmetric - x;
  return x;
}

template <typename T>
void MirrorPad(const OpData& data, const T* in, T* out) {
  int32_t index[kMaxRank] = {0};
  for (int32_t o = 0; o < data.out_count; ++o) {
    int32_t src = 0;
    for (int d = 0; d < data.rank; ++d) {
      src += SourceIndex(index[d], data.before[d], data.in_dims[d], data.symmetric) *
             data.in_strides[d];
    }
    out[o] = in[src];
    for (int d = data.rank - 1; d >= 0; --d) {
      if (++index[d] < data.out_dims[d]) break;
      index[d] = 0;
    }
  }
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const void* in = context.input(0).data;
  void* out = context.output(0).data;
  switch (data.element_size) {
    case 1:
      MirrorPad(data, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out));
      break;
    case 2:
      MirrorPad(data, static_cast<const uint16_t*>(in), static_cast<uint16_t*>(out));
      break;
    case 4:
      MirrorPad(data, static_cast<const uint32_t*>(in), static_cast<uint32_t*>(out));
      break;
    default:
      MirrorPad(data, static_cast<const uint64_t*>(in), static_cast<uint64_t*>(out));
      break;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kMirrorPad = {schema::OpCode::MIRROR_PAD, "MIRROR_PAD", Prepare, Eval};

}  // namespace ember::kernels
