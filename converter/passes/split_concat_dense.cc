#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "converter/passes/passes.h"

namespace ember::convert {
namespace {

using schema::OpCode;

// The constant columns [offset, offset + width) of FullyConnected weights
// [out, in], made once per (weights, offset): the unrolled steps of a
// recurrent cell all read the same blocks.
class WeightBlocks {
 public:
  explicit WeightBlocks(IrGraph& graph) : graph_(graph) {}

  int Get(int weights, int32_t offset, int32_t width) {
    const auto key = std::make_pair(weights, offset);
    const auto found = blocks_.find(key);
    if (found != blocks_.end()) return found->second;
    const IrTensor& source = graph_.tensors[static_cast<size_t>(weights)];
    const int32_t outputs = source.shape[0];
    const int32_t inputs = source.shape[1];
    const float* values = source.as<float>();
    std::vector<float> block(static_cast<size_t>(outputs) * static_cast<size_t>(width));
    for (int32_t o = 0; o < outputs; ++o) {
      for (int32_t i = 0; i < width; ++i) {
        block[static_cast<size_t>(o) * width + i] =
            values[static_cast<size_t>(o) * inputs + offset + i];
      }
    }
    const std::string name = source.name + "/columns_" + std::to_string(offset) + "_" +
                             std::to_string(offset + width);
    const int tensor = graph_.AddConstantOf<float>(name, {outputs, width}, block);
    blocks_.emplace(key, tensor);
    return tensor;
  }

 private:
  IrGraph& graph_;
  std::map<std::pair<int, int32_t>, int> blocks_;
};

// The operands of a CONCATENATION along the last axis of a rank-2 tensor
// that produces `tensor`, with concatenations among them (an attention
// wrapper concatenates [input, attention], the cell then [that, state])
// replaced by their own operands; nothing when no concatenation produces it.
std::vector<int> FeatureConcatOperands(const IrGraph& graph, int tensor) {
  if (graph.tensors[static_cast<size_t>(tensor)].shape.size() != 2) return {};
  const int producer = graph.Producer(tensor);
  if (producer < 0) return {};
  const IrOp& concat = graph.ops[static_cast<size_t>(producer)];
  if (concat.code != OpCode::CONCATENATION || concat.inputs.size() < 2) return {};
  const schema::ConcatenationOptionsT& options = *concat.options.AsConcatenationOptions();
  if (options.activation != schema::Activation::NONE) return {};
  if (options.axis != 1 && options.axis != -1) return {};
  std::vector<int> operands;
  for (int operand : concat.inputs) {
    const IrTensor& t = graph.tensors[static_cast<size_t>(operand)];
    if (t.type != schema::TensorType::FLOAT32 || t.shape.size() != 2) return {};
    const std::vector<int> nested = FeatureConcatOperands(graph, operand);
    if (nested.empty()) {
      operands.push_back(operand);
    } else {
      operands.insert(operands.end(), nested.begin(), nested.end());
    }
  }
  return operands;
}

bool IsZeroConstant(const IrGraph& graph, int tensor) {
  if (!graph.IsConstant(tensor)) return false;
  const std::vector<float> values = graph.tensors[static_cast<size_t>(tensor)].AsFloats();
  return std::all_of(values.begin(), values.end(), [](float v) { return v == 0.0f; });
}

}  // namespace

int SplitConcatDense(IrGraph& graph) {
  WeightBlocks blocks(graph);
  int split = 0;
  const size_t op_count = graph.ops.size();
  for (size_t index = 0; index < op_count; ++index) {
    const IrOp dense = graph.ops[index];
    if (dense.dead || dense.code != OpCode::FULLY_CONNECTED) continue;
    const schema::FullyConnectedOptionsT& options = *dense.options.AsFullyConnectedOptions();
    if (options.keep_num_dims) continue;
    const int weights = dense.inputs[1];
    if (!graph.IsConstant(weights)) continue;
    const IrTensor& weight_tensor = graph.tensors[static_cast<size_t>(weights)];
    if (weight_tensor.type != schema::TensorType::FLOAT32 || !weight_tensor.quantization.empty() ||
        weight_tensor.shape.size() != 2) {
      continue;
    }
    const std::vector<int> operands = FeatureConcatOperands(graph, dense.inputs[0]);
    if (operands.empty()) continue;
    int32_t concat_width = 0;
    for (int operand : operands) concat_width += graph.tensors[static_cast<size_t>(operand)].shape[1];
    if (concat_width != weight_tensor.shape[1]) continue;
    const IrTensor& output = graph.tensors[static_cast<size_t>(dense.outputs[0])];
    const std::string output_name = output.name;
    const std::vector<int32_t> output_shape = output.shape;
    const int batch_dim = output.batch_dim;

    // Blocks whose operand is a constant zero (a recurrent cell's initial
    // state) add nothing.
    std::vector<std::pair<int, int32_t>> live_blocks;
    int32_t offset = 0;
    for (int operand : operands) {
      if (!IsZeroConstant(graph, operand)) live_blocks.push_back({operand, offset});
      offset += graph.tensors[static_cast<size_t>(operand)].shape[1];
    }
    if (live_blocks.empty()) continue;

    schema::FullyConnectedOptionsT partial_options;
    partial_options.activation = schema::Activation::NONE;
    int sum = -1;
    for (size_t k = 0; k < live_blocks.size(); ++k) {
      const auto [operand, block_offset] = live_blocks[k];
      const int32_t width = graph.tensors[static_cast<size_t>(operand)].shape[1];
      const int block = blocks.Get(weights, block_offset, width);
      const bool last = k + 1 == live_blocks.size();
      std::vector<int> inputs = {operand, block};
      // The bias goes with the first block only.
      if (k == 0 && dense.inputs.size() > 2) inputs.push_back(dense.inputs[2]);
      if (k == 0 && last) {
        graph.AddOp(OpCode::FULLY_CONNECTED, inputs, dense.outputs, dense.options, dense.origin);
        break;
      }
      const int partial = graph.AddTensor(output_name + "/block" + std::to_string(k),
                                          schema::TensorType::FLOAT32, output_shape);
      graph.tensors[static_cast<size_t>(partial)].batch_dim = batch_dim;
      graph.AddOp(OpCode::FULLY_CONNECTED, inputs, {partial}, Options(partial_options),
                  dense.origin);
      if (sum < 0) {
        sum = partial;
        continue;
      }
      schema::ArithmeticOptionsT add_options;
      add_options.activation = last ? options.activation : schema::Activation::NONE;
      const int total = last ? dense.outputs[0]
                             : graph.AddTensor(output_name + "/sum" + std::to_string(k),
                                               schema::TensorType::FLOAT32, output_shape);
      graph.tensors[static_cast<size_t>(total)].batch_dim = batch_dim;
      graph.AddOp(OpCode::ADD, {sum, partial}, {total}, Options(add_options), dense.origin);
      sum = total;
    }
    graph.ops[index].dead = true;
    ++split;
  }
  if (split > 0) {
    graph.SortInExecutionOrder();
    graph.Compact();
  }
  return split;
}

}  // namespace ember::convert
