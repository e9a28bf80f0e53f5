// Integer-only registrations (kConv2dInteger, ...; see
// kernels/integer_kernel_list.inc): the same op with its float paths left
// out, for firmware whose models are fully integer. A kernel's Eval that
// dispatches on type links its float path too, and on a CPU without an FPU
// that drags in the soft-float library even though an int8 model never takes
// it; these registrations reach only integer code from Eval (checked on the
// Cortex-M0+ image by tools/check-soft-float.py). Prepare may still use float
// (multipliers, tables), computed once.
#ifndef EMBER_KERNELS_INTERNAL_INTEGER_ONLY_H_
#define EMBER_KERNELS_INTERNAL_INTEGER_ONLY_H_

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"

namespace ember::kernels {

// Refuses a non-integer input 0 with a message naming the full kernel, then
// runs the op's own Prepare.
inline Status PrepareIntegerOnly(OpContext& context, Status (*prepare)(OpContext&)) {
  const TensorType type = context.input(0).type;
  if (type != TensorType::INT8 && type != TensorType::INT16) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "input 0 is %s, but this op is registered integer-only (int8, int16); "
                      "register the full kernel for float",
                      TensorTypeName(type));
  }
  return prepare(context);
}

// The int8-only registrations (kConv2dInt8, ...; kernels/int8_kernel_list.inc)
// go further for firmware whose models are int8 throughout: their Prepare
// and Eval instantiate only the int8 code, so neither float nor int16 paths
// (nor their Prepare-time checks and tables) are linked. A shared Prepare
// takes the type schemes it instantiates as a template argument: every type
// (the full and integer-only registrations) or int8 alone.
enum class TypeSchemes { kAll, kInt8 };

// An int8-only registration's refusal of another input type, naming the
// registrations that take it.
inline Status FailNotInt8(OpContext& context, TensorType type) {
  return EMBER_FAIL(context, Status::kUnsupported,
                    "input 0 is %s, but this op is registered int8-only; register the "
                    "integer-only or the full kernel for other types",
                    TensorTypeName(type));
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_INTEGER_ONLY_H_
