// Mean: the average over ReducerOptions.axes (float32, int8, int16).
//
// Int8 and int16 follow TFLite Micro's integer mean bit for bit (see
// kernels/internal/reduce.h): any input and output quantization is accepted
// (int8 per tensor; int16 per tensor with zero point 0), the output is
// requantized from the input's scale and zero point.
#include "kernels/internal/reduce.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  ReduceOpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareReduce(context, {/*int32=*/false, /*int8=*/true, /*int16=*/true}, &data));
  if (context.input(0).type == TensorType::FLOAT32) return Status::kOk;
  return PrepareQuantizedMeanOrSum(context, /*mean=*/true, data);
}

void EvalFloat(OpContext& context, const ReducePlan& plan) {
  float* out = context.output(0).data_as<float>();
  ReduceInto<float, float>(plan, context.input(0).data_as<float>(), out, 0.0f,
                           [](float acc, float value) { return acc + value; });
  // An empty reduction divides 0 by 0 and gives NaN, as TensorFlow does.
  const float count = static_cast<float>(plan.reduced_count);
  for (int32_t o = 0; o < plan.output_count; ++o) out[o] /= count;
}

Status Eval(OpContext& context) {
  const ReduceOpData& data = *context.op_data_as<ReduceOpData>();
  switch (context.input(0).type) {
    case TensorType::INT8:
      EvalQuantizedMeanOrSum<int8_t>(context, data);
      break;
    case TensorType::INT16:
      EvalQuantizedMeanOrSum<int16_t>(context, data);
      break;
    default:
      EvalFloat(context, data.plan);
      break;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kMean = {schema::OpCode::MEAN, "MEAN", Prepare, Eval};

}  // namespace ember::kernels
