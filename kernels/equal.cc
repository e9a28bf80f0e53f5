// Equal: out = a == b elementwise with numpy broadcasting, as BOOL (0 or 1).
// Types and NaN rules: kernels/internal/comparison.h.
#include "kernels/internal/comparison.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareComparison(context, "Equal"); }

Status Eval(OpContext& context) {
  return EvalComparison(context, [](auto a, auto b) { return a == b; });
}

}  // namespace

const Kernel kEqual = {schema::OpCode::EQUAL, "EQUAL", Prepare, Eval};

}  // namespace ember::kernels
