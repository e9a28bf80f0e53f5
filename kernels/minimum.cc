// Minimum: out = min(a, b) elementwise with numpy broadcasting. A NaN in
// either input gives NaN, so the result does not depend on operand order.
//
// Int8 and int16 (as TFLite Micro: the smaller quantized value) require both
// inputs to be quantized exactly as the output.
#include <math.h>

#include "kernels/internal/binary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareMinMax(context, "Minimum"); }

Status Eval(OpContext& context) {
  const auto min = [](auto a, auto b) { return a < b ? a : b; };
  switch (context.output(0).type) {
    case TensorType::INT8:
      return EvalBinaryAs<int8_t>(context, min);
    case TensorType::INT16:
      return EvalBinaryAs<int16_t>(context, min);
    default:
      break;
  }
  return EvalBinary(
      context, [](float a, float b) { return isnan(a) || isnan(b) ? NAN : (a < b ? a : b); }, min);
}

}  // namespace

const Kernel kMinimum = {schema::OpCode::MINIMUM, "MINIMUM", Prepare, Eval};

}  // namespace ember::kernels
