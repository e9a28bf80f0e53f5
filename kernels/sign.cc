// Sign: -1, 0 or 1 by the sign of x, for float32 and int32. Zero of either
// sign gives 0, and NaN stays NaN (numpy's and ONNX's rule) rather than
// turning into a number.
#include <stdint.h>

#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) {
  return PrepareUnary(context, TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT32));
}

Status Eval(OpContext& context) {
  if (context.input(0).type == TensorType::INT32) {
    EvalUnaryTyped<int32_t>(context, [](int32_t x) {
      return static_cast<int32_t>((x > 0) - (x < 0));
    });
    return Status::kOk;
  }
  return EvalUnaryFloat(context, [](float x) {
    if (x > 0.0f) return 1.0f;
    if (x < 0.0f) return -1.0f;
    return x == 0.0f ? 0.0f : x;
  });
}

}  // namespace

const Kernel kSign = {schema::OpCode::SIGN, "SIGN", Prepare, Eval};

}  // namespace ember::kernels
