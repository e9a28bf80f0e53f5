// Sum over ReducerOptions.axes (float32, int32, int8, int16).
//
// Int8 and int16 follow TFLite Micro's integer sum bit for bit (see
// kernels/internal/reduce.h): any input and output quantization is accepted
// (int8 per tensor; int16 per tensor with zero point 0); the output scale
// should be wide enough for the sums, which saturate at the type's range.
#include "kernels/internal/reduce.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  ReduceOpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareReduce(context, {/*int32=*/true, /*int8=*/true, /*int16=*/true}, &data));
  if (!IsInt8OrInt16(context.input(0).type)) return Status::kOk;
  return PrepareQuantizedMeanOrSum(context, /*mean=*/false, data);
}

Status Eval(OpContext& context) {
  const ReduceOpData& data = *context.op_data_as<ReduceOpData>();
  const ReducePlan& plan = data.plan;
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  switch (in.type) {
    case TensorType::FLOAT32:
      ReduceInto<float, float>(plan, in.data_as<float>(), out.data_as<float>(), 0.0f,
                               [](float acc, float value) { return acc + value; });
      break;
    case TensorType::INT8:
      EvalQuantizedMeanOrSum<int8_t>(context, data);
      break;
    case TensorType::INT16:
      EvalQuantizedMeanOrSum<int16_t>(context, data);
      break;
    default:
      // Two's-complement wraparound instead of signed-overflow UB.
      ReduceInto<int32_t, int32_t>(
          plan, in.data_as<int32_t>(), out.data_as<int32_t>(), 0, [](int32_t acc, int32_t value) {
            return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(value));
          });
      break;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kSum = {schema::OpCode::SUM, "SUM", Prepare, Eval};

}  // namespace ember::kernels
