// ReduceProd: the product over ReducerOptions.axes (float32, int32).
//
// An empty reduction gives 1, the identity of the product, as TensorFlow's
// Prod does. Int32 products wrap around like TensorFlow's int32 arithmetic.
// There is no int8/int16 path: a product of quantized values needs a scale
// that grows with the number of factors, which neither TFLite nor the models
// Ember targets use.
#include "kernels/internal/reduce.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  ReduceOpData* data = nullptr;
  return PrepareReduce(context, {/*int32=*/true, /*int8=*/false, /*int16=*/false}, &data);
}

Status Eval(OpContext& context) {
  const ReducePlan& plan = context.op_data_as<ReduceOpData>()->plan;
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  if (in.type == TensorType::FLOAT32) {
    ReduceInto<float, float>(plan, in.data_as<float>(), out.data_as<float>(), 1.0f,
                             [](float acc, float value) { return acc * value; });
    return Status::kOk;
  }
  // Two's-complement wraparound instead of signed-overflow UB: the low 32 bits
  // of a product do not depend on signedness.
  ReduceInto<int32_t, int32_t>(
      plan, in.data_as<int32_t>(), out.data_as<int32_t>(), 1, [](int32_t acc, int32_t value) {
        return static_cast<int32_t>(static_cast<uint32_t>(acc) * static_cast<uint32_t>(value));
      });
  return Status::kOk;
}

}  // namespace

const Kernel kReduceProd = {schema::OpCode::REDUCE_PROD, "REDUCE_PROD", Prepare, Eval};

}  // namespace ember::kernels
