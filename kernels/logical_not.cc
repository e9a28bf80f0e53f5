// LogicalNot: out = !in elementwise on BOOL. A BOOL element is read as a
// byte and tested against 0, since a C++ bool holding any other byte than 0
// or 1 (possible in model data) is undefined behaviour.
#include <stdint.h>

#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareUnary(context, TypeBit(TensorType::BOOL)); }

Status Eval(OpContext& context) {
  EvalUnaryTyped<uint8_t>(context, [](uint8_t value) -> uint8_t { return value == 0 ? 1 : 0; });
  return Status::kOk;
}

}  // namespace

const Kernel kLogicalNot = {schema::OpCode::LOGICAL_NOT, "LOGICAL_NOT", Prepare, Eval};

}  // namespace ember::kernels
