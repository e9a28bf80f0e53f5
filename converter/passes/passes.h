// Ember-level graph passes over the IR. Each returns how many ops it changed
// or removed, so the CLI can report what every pass did.
#ifndef EMBER_CONVERTER_PASSES_PASSES_H_
#define EMBER_CONVERTER_PASSES_PASSES_H_

#include "converter/ir/graph.h"

namespace ember::convert {

// Evaluates every op whose inputs are all constants (with the kernels).
int FoldConstants(IrGraph& graph);

// Removes transposes that undo each other (NCHW <-> NHWC pairs left by
// lowering) and transposes/reshapes that change nothing.
int CancelTransposes(IrGraph& graph);

// Folds a per-channel Mul and/or Add/Sub by constants that follows a
// Conv2D / DepthwiseConv2D / FullyConnected into its weights and bias: batch
// norms (fused ones lower to exactly this Mul + Add) and BiasAdd.
int FoldAffineIntoWeights(IrGraph& graph);

// Turns Relu/Relu6 written as Minimum/Maximum chains into RELU/RELU6 and
// fuses RELU/RELU6/RELU_N1_TO_1 into the producing op's fused activation.
int FuseActivations(IrGraph& graph);

// Moves a PACK below the TRANSPOSE, ARG_MAX/ARG_MIN (not over the packed
// axis) and CAST that follow it, applying those per operand instead: the
// same values, but each slice of the result then depends only on its own
// operand. An unrolled decoder's per-step outputs then stay separate up to
// the model output, which lets Invoke compute a prefix of the steps
// (Interpreter::SetOutputPrefix).
int SinkPacks(IrGraph& graph);

// Rewrites FULLY_CONNECTED(CONCATENATION(x_0..x_n-1 along features), W) as
// FULLY_CONNECTED(x_0, W_0) + ... + FULLY_CONNECTED(x_n-1, W_n-1), W_k the
// columns of W that read x_k. The same values; the quantizer runs it first
// because each block then gets its own weight scales and each operand keeps
// its own range. A recurrent cell's [input, state] concatenation mixes
// operands of very different magnitudes (a one-hot row, an attention
// context, a tanh state): one scale per output channel over all of them
// rounds the small blocks coarsely, and one activation scale over the
// concatenation does the same to the small operands.
int SplitConcatDense(IrGraph& graph);

// Merges ops with the same code, inputs and options, and constants with the
// same type, shape and bytes.
int MergeDuplicateOps(IrGraph& graph);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_PASSES_PASSES_H_
