// LogicalAnd: out = a && b elementwise with numpy broadcasting; BOOL inputs and
// output (kernels/internal/comparison.h).
#include "kernels/internal/comparison.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareLogicalBinary(context, "LogicalAnd"); }

Status Eval(OpContext& context) {
  return EvalLogicalBinary(context, [](bool a, bool b) { return a && b; });
}

}  // namespace

const Kernel kLogicalAnd = {schema::OpCode::LOGICAL_AND, "LOGICAL_AND", Prepare, Eval};

}  // namespace ember::kernels
