// Floor: the largest integer not above x, for float32 (infinities and NaN
// pass through, as floorf leaves them).
#include <math.h>

#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Eval(OpContext& context) {
  return EvalUnaryFloat(context, [](float x) { return floorf(x); });
}

}  // namespace

const Kernel kFloor = {schema::OpCode::FLOOR, "FLOOR", PrepareUnaryFloat, Eval};

}  // namespace ember::kernels
