#include <algorithm>
#include <string>
#include <vector>

#include "converter/ir/evaluate.h"
#include "converter/passes/passes.h"

namespace ember::convert {
namespace {

using schema::OpCode;

// Adds an op like `model` (same code and options) for pack operand `index`:
// `model`'s inputs with `packed` replaced by `operand`. Returns its output,
// shaped by the kernel.
int PerOperand(IrGraph& graph, const IrOp& model, int packed, int operand, size_t index) {
  const IrTensor& out = graph.tensors[model.outputs[0]];
  const int output = graph.AddTensor(out.name + "/" + std::to_string(index), out.type, {});
  std::vector<int> inputs = model.inputs;
  for (int& input : inputs) input = input == packed ? operand : input;
  const int op = graph.AddOp(model.code, inputs, {output}, model.options, model.origin);
  InferOp(graph, op, /*fold=*/true);
  return output;
}

// The single live consumer op of `tensor`, or -1.
int OnlyConsumer(const IrGraph& graph, int tensor) {
  if (graph.IsGraphOutput(tensor)) return -1;
  const std::vector<int> consumers = graph.Consumers(tensor);
  return consumers.size() == 1 ? consumers[0] : -1;
}

// A dense layer over every position of a packed tensor, as TensorFlow's
// tensordot writes it: RESHAPE [..., K] -> [rows, K], FULLY_CONNECTED,
// RESHAPE back to [..., O]. Applied per operand instead (rows of a fully
// connected layer are independent), then packed.
bool SinkBelowDense(IrGraph& graph, int pack_index, int flatten_index) {
  const IrOp pack = graph.ops[static_cast<size_t>(pack_index)];
  const IrOp flatten = graph.ops[static_cast<size_t>(flatten_index)];
  const std::vector<int32_t>& packed = graph.tensors[pack.outputs[0]].shape;
  const int32_t axis = pack.options.AsPackOptions()->axis;
  const int32_t depth = packed.back();
  if (packed.size() < 3 || axis == static_cast<int32_t>(packed.size()) - 1) return false;
  const std::vector<int32_t>& flat = graph.tensors[flatten.outputs[0]].shape;
  if (flat.size() != 2 || flat[1] != depth) return false;
  const int dense_index = OnlyConsumer(graph, flatten.outputs[0]);
  if (dense_index < 0) return false;
  const IrOp dense = graph.ops[static_cast<size_t>(dense_index)];
  if (dense.code != OpCode::FULLY_CONNECTED || dense.inputs[0] != flatten.outputs[0] ||
      dense.options.AsFullyConnectedOptions()->keep_num_dims) {
    return false;
  }
  const int unflatten_index = OnlyConsumer(graph, dense.outputs[0]);
  if (unflatten_index < 0) return false;
  const IrOp unflatten = graph.ops[static_cast<size_t>(unflatten_index)];
  const std::vector<int32_t>& restored = graph.tensors[unflatten.outputs[0]].shape;
  if (unflatten.code != OpCode::RESHAPE || restored.size() != packed.size() ||
      !std::equal(packed.begin(), packed.end() - 1, restored.begin())) {
    return false;
  }
  IrOp per_operand = dense;
  schema::FullyConnectedOptionsT options = *dense.options.AsFullyConnectedOptions();
  options.keep_num_dims = packed.size() > 3;
  per_operand.options = Options(options);
  std::vector<int> operands;
  for (size_t k = 0; k < pack.inputs.size(); ++k) {
    operands.push_back(PerOperand(graph, per_operand, flatten.outputs[0], pack.inputs[k], k));
  }
  schema::PackOptionsT pack_options;
  pack_options.axis = axis;
  graph.AddOp(OpCode::PACK, operands, unflatten.outputs, Options(pack_options), pack.origin);
  for (int dead : {pack_index, flatten_index, dense_index, unflatten_index}) {
    graph.ops[static_cast<size_t>(dead)].dead = true;
  }
  return true;
}

// Rewrites consumer(PACK(x_0..x_n-1)) as PACK(consumer(x_0)..consumer(x_n-1))
// when that is the same tensor. Returns false when `consumer` is not one of
// the ops handled.
bool SinkBelow(IrGraph& graph, int pack_index, int consumer_index) {
  const IrOp pack = graph.ops[static_cast<size_t>(pack_index)];
  const IrOp consumer = graph.ops[static_cast<size_t>(consumer_index)];
  const int32_t axis = pack.options.AsPackOptions()->axis;
  const int rank = static_cast<int>(graph.tensors[pack.outputs[0]].shape.size());
  int32_t new_axis = axis;
  std::vector<int> operands = pack.inputs;
  switch (consumer.code) {
    case OpCode::TRANSPOSE: {
      // Only a transpose that moves the packed axis and keeps the order of
      // the others: it becomes the pack's axis.
      const std::vector<int32_t>& perm = consumer.options.AsTransposeOptions()->perm;
      new_axis = -1;
      std::vector<int32_t> others;
      for (size_t i = 0; i < perm.size(); ++i) {
        if (perm[i] == axis) {
          new_axis = static_cast<int32_t>(i);
        } else {
          others.push_back(perm[i]);
        }
      }
      for (size_t k = 0; k < others.size(); ++k) {
        if (others[k] != static_cast<int32_t>(k) + (static_cast<int32_t>(k) >= axis ? 1 : 0)) return false;
      }
      if (new_axis < 0) return false;
      break;
    }
    case OpCode::ARG_MAX:
    case OpCode::ARG_MIN: {
      const schema::ArgMinMaxOptionsT& options = *consumer.options.AsArgMinMaxOptions();
      const int32_t reduced = options.axis < 0 ? options.axis + rank : options.axis;
      if (reduced == axis || options.keep_dims) return false;
      IrOp per_operand = consumer;
      schema::ArgMinMaxOptionsT shifted = options;
      shifted.axis = reduced > axis ? reduced - 1 : reduced;
      per_operand.options = Options(shifted);
      for (size_t k = 0; k < operands.size(); ++k) {
        operands[k] = PerOperand(graph, per_operand, pack.outputs[0], operands[k], k);
      }
      if (reduced < axis) new_axis = axis - 1;
      break;
    }
    case OpCode::RESHAPE:
      return SinkBelowDense(graph, pack_index, consumer_index);
    case OpCode::ADD:
    case OpCode::SUB:
    case OpCode::MUL: {
      // With a constant that broadcasts over the trailing dimensions only
      // (a bias), each operand meets the same constant.
      const int packed = pack.outputs[0];
      const int other = consumer.inputs[0] == packed ? consumer.inputs[1] : consumer.inputs[0];
      if (consumer.inputs[0] == consumer.inputs[1] || !graph.IsConstant(other) ||
          static_cast<int>(graph.tensors[other].shape.size()) >= rank - axis) {
        return false;
      }
      for (size_t k = 0; k < operands.size(); ++k) {
        operands[k] = PerOperand(graph, consumer, packed, operands[k], k);
      }
      break;
    }
    case OpCode::CAST:
      for (size_t k = 0; k < operands.size(); ++k) {
        operands[k] = PerOperand(graph, consumer, pack.outputs[0], operands[k], k);
      }
      break;
    default:
      return false;
  }
  schema::PackOptionsT options;
  options.axis = new_axis;
  graph.AddOp(OpCode::PACK, operands, consumer.outputs, Options(options), pack.origin);
  graph.ops[static_cast<size_t>(pack_index)].dead = true;
  graph.ops[static_cast<size_t>(consumer_index)].dead = true;
  return true;
}

}  // namespace

int SinkPacks(IrGraph& graph) {
  int changed = 0;
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < graph.ops.size(); ++i) {
      const IrOp& op = graph.ops[i];
      if (op.dead || op.code != OpCode::PACK) continue;
      const int consumer = OnlyConsumer(graph, op.outputs[0]);
      if (consumer < 0) continue;
      if (SinkBelow(graph, static_cast<int>(i), consumer)) {
        ++changed;
        again = true;
      }
    }
  }
  if (changed > 0) graph.SortInExecutionOrder();
  return changed;
}

}  // namespace ember::convert
