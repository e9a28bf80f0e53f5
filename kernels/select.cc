// Select: out = condition ? x : y elementwise, the three inputs broadcast
// together by numpy's rules (ONNX Where, TensorFlow SelectV2).
//
// TensorFlow 1's Select also lets a rank-1 condition of length x.dim(0) pick
// whole rows of a higher-rank x. Plain broadcasting would align that
// condition with x's last dimension instead, so the converter reshapes such
// a condition to [N, 1, ..., 1] (x's rank) and this kernel needs no special
// case.
//
// x, y and the output share one type and are copied as bytes, so any type
// works. When any of x, y and the output is quantized (int8 or int16), all
// three must be quantized alike, so the output's real values are the
// inputs' own; plain integers (none quantized) are copied as they are.
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kOperands = 3;  // condition, x, y

struct SelectOpData {
  BroadcastPlanOf<kOperands> plan;
  size_t element_bytes;
};

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 3 && context.num_outputs() == 1,
                    "Select needs 3 inputs and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const TensorView inputs[kOperands] = {context.input(0), context.input(1), context.input(2)};
  for (int k = 0; k < kOperands; ++k) {
    EMBER_CHECK_MODEL(context, inputs[k].present(), "input %d is required", k);
    EMBER_CHECK_MODEL(context, inputs[k].rank <= kMaxRank, "input %d has rank above %d", k,
                      kMaxRank);
  }
  const TensorView& x = inputs[1];
  const TensorView& y = inputs[2];
  EMBER_CHECK_MODEL(context, inputs[0].type == TensorType::BOOL,
                    "input 0 (condition) must be BOOL, is %s", TensorTypeName(inputs[0].type));
  EMBER_CHECK_MODEL(context, x.type == y.type && x.type == context.output(0).type,
                    "x, y and output types differ (%s, %s -> %s)", TensorTypeName(x.type),
                    TensorTypeName(y.type), TensorTypeName(context.output(0).type));
  const size_t element_bytes = TensorTypeSize(x.type);
  if (element_bytes == 0) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported",
                      TensorTypeName(x.type));
  }
  EMBER_CHECK_MODEL(context, context.op().options_type() == schema::OpOptions::NONE,
                    "Select takes no options, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const bool any_quantized = ScaleCount(x.quantization) > 0 || ScaleCount(y.quantization) > 0 ||
                             ScaleCount(context.output(0).quantization) > 0;
  if (IsQuantizedType(x.type) && any_quantized) {
    EMBER_RETURN_IF_ERROR(CheckSameQuantization(context, 1, "input 1 (x)", "Select"));
    EMBER_RETURN_IF_ERROR(CheckSameQuantization(context, 2, "input 2 (y)", "Select"));
  }
  int32_t dims[kMaxRank];
  int32_t rank = 0;
  EMBER_CHECK_MODEL(context, BroadcastShape(inputs, dims, &rank),
                    "input shapes do not broadcast (ranks %" PRId32 ", %" PRId32 " and %" PRId32
                    ")",
                    inputs[0].rank, x.rank, y.rank);
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, dims, rank));
  auto* data = context.AllocateOpData<SelectOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->element_bytes = element_bytes;
  EMBER_CHECK_MODEL(context, MakeBroadcastPlan(inputs, context.output(0), &data->plan),
                    "input shapes do not broadcast to the output shape");
  return Status::kOk;
}

// Elements of kBytes bytes: a copy of a constant size is one load and store
// (of a run-time size, a library call per element).
template <size_t kBytes>
void SelectElements(const SelectOpData& data, const uint8_t* condition, const uint8_t* x,
                    const uint8_t* y, uint8_t* out) {
  ForEachBroadcast(data.plan, [&](int64_t c, int64_t i, int64_t j, int64_t o) {
    memcpy(out + o * kBytes, condition[c] != 0 ? x + i * kBytes : y + j * kBytes, kBytes);
  });
}

Status Eval(OpContext& context) {
  const SelectOpData& data = *context.op_data_as<SelectOpData>();
  const uint8_t* condition = context.input(0).data_as<const uint8_t>();
  const uint8_t* x = context.input(1).data_as<const uint8_t>();
  const uint8_t* y = context.input(2).data_as<const uint8_t>();
  uint8_t* out = context.output(0).data_as<uint8_t>();
  switch (data.element_bytes) {
    case 1:
      SelectElements<1>(data, condition, x, y, out);
      break;
    case 2:
      SelectElements<2>(data, condition, x, y, out);
      break;
    case 4:
      SelectElements<4>(data, condition, x, y, out);
      break;
    default:  // 8: the type sizes are 1, 2, 4 and 8 (Prepare rejects the rest)
      SelectElements<8>(data, condition, x, y, out);
      break;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kSelect = {schema::OpCode::SELECT, "SELECT", Prepare, Eval};

}  // namespace ember::kernels
