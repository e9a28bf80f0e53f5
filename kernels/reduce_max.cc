// ReduceMax: the maximum over ReducerOptions.axes (float32, int32, int8,
// int16).
//
// Int8 and int16 pick stored values, so the output must be quantized exactly
// like the input (TFLite Micro demands the same for int8, its only integer
// type here); results are then exact. An empty reduction gives the type's
// lowest value, as TFLite's does.
#include <math.h>

#include "kernels/internal/quantized_copy.h"
#include "kernels/internal/reduce.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  ReduceOpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareReduce(context, {/*int32=*/true, /*int8=*/true, /*int16=*/true}, &data));
  if (!IsInt8OrInt16(context.input(0).type)) return Status::kOk;
  return CheckCopyQuantization(context, context.input(0), "input 0", context.output(0), "output 0");
}

template <typename T>
void ReduceMax(const ReducePlan& plan, const TensorView& in, const TensorView& out, T lowest) {
  ReduceInto<T, T>(plan, in.data_as<T>(), out.data_as<T>(), lowest,
                   [](T acc, T value) { return value > acc ? value : acc; });
}

Status Eval(OpContext& context) {
  const ReducePlan& plan = context.op_data_as<ReduceOpData>()->plan;
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  // The identity of max is the lowest value, which is also what an empty
  // reduction yields (TensorFlow gives -inf for float and INT32_MIN for int32).
  // A NaN never compares greater, so NaNs are skipped rather than propagated.
  switch (in.type) {
    case TensorType::FLOAT32:
      ReduceMax<float>(plan, in, out, -INFINITY);
      break;
    case TensorType::INT8:
      ReduceMax<int8_t>(plan, in, out, INT8_MIN);
      break;
    case TensorType::INT16:
      ReduceMax<int16_t>(plan, in, out, INT16_MIN);
      break;
    default:
      ReduceMax<int32_t>(plan, in, out, INT32_MIN);
      break;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kReduceMax = {schema::OpCode::REDUCE_MAX, "REDUCE_MAX", Prepare, Eval};

}  // namespace ember::kernels
