// Less: out = a < b elementwise with numpy broadcasting, as BOOL (0 or 1).
// Types and NaN rules: kernels/internal/comparison.h.
#include "kernels/internal/comparison.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareComparison(context, "Less"); }

Status Eval(OpContext& context) {
  return EvalComparison(context, [](auto a, auto b) { return a < b; });
}

}  // namespace

const Kernel kLess = {schema::OpCode::LESS, "LESS", Prepare, Eval};

}  // namespace ember::kernels
