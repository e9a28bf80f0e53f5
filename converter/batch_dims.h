// Finds the tensors whose size follows the batch, so the interpreter can run
// any batch 1..max_batch of a model planned for the largest (issue #8).
//
// The graph is lowered twice, at input batch B and at B' (the same source
// and options, only the inputs' leading dimension differs), and the two IR
// graphs are compared: where they differ is exactly what depends on the
// batch. Dynamic batch holds when the op lists match, each tensor differs in
// at most one dimension whose sizes are B*m and B'*m, constants differ only
// in rows past the smaller batch along dimension 0, and options differ only
// in a Reshape's new_shape (whose entry then becomes -1, inferred by the
// kernel). Anything else turns dynamic batch off with a note naming the
// first op or tensor that differs.
#ifndef EMBER_CONVERTER_BATCH_DIMS_H_
#define EMBER_CONVERTER_BATCH_DIMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace ember::convert {

// Marks `graph` (lowered at `batch`) from its differences with `other`
// (lowered at `other_batch`): sets IrTensor::batch_dim, rewrites the Reshape
// new_shape entries that follow the batch to -1 and sets graph.max_batch =
// batch. Returns "" on success; otherwise leaves `graph` unchanged and returns
// why there is no dynamic batch ("dynamic batch off: ...").
std::string MarkBatchDims(IrGraph& graph, int32_t batch, const IrGraph& other,
                          int32_t other_batch);

// The batch every input of `graph` shares as its leading dimension, or 0
// when an input is a scalar or they disagree.
int32_t CommonInputBatch(const IrGraph& graph);

// Checks a serialized, planned model with a max_batch by running
// Interpreter::SetBatchSize for every batch 1..max_batch with all kernels
// (each kernel's computed shapes against the scaled declared ones). Returns
// "" when every batch prepares, else the interpreter's message.
std::string CheckEveryBatchPrepares(const std::vector<uint8_t>& model);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_BATCH_DIMS_H_
