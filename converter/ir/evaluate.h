// Shape inference and constant folding with the runtime's own kernels: the
// converter has no second implementation of any op. An op of the IR becomes a
// one-op model; its kernel's Prepare computes the output shapes, and when all
// inputs are constants, Invoke computes the output values.
#ifndef EMBER_CONVERTER_IR_EVALUATE_H_
#define EMBER_CONVERTER_IR_EVALUATE_H_

#include <string>

#include "converter/ir/graph.h"
#include "interpreter/status.h"

namespace ember::convert {

// Runs the op's kernel's Prepare on the op as the graph declares it (types,
// quantization and shapes included) and returns its status, with the
// kernel's message in *message. The quantizer uses it to learn whether a
// kernel accepts an op in integer form.
Status PrepareOp(const IrGraph& graph, const IrOp& op, std::string* message);

// True when every present input of the op is a constant.
bool HasConstantInputs(const IrGraph& graph, const IrOp& op);

// Sets the shapes of op `op_index`'s outputs from its kernel's Prepare. With
// `fold` and only constant inputs, also computes the outputs, turns them into
// constants and marks the op dead. Throws ConvertError (the kernel's message
// and the op's origin) when the kernel rejects the op.
void InferOp(IrGraph& graph, int op_index, bool fold);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_IR_EVALUATE_H_
