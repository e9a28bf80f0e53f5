#include "converter/ir/graph.h"

#include <algorithm>
#include <memory>

#include "converter/error.h"
#include "interpreter/model.h"
#include "interpreter/tensor.h"

namespace ember::convert {

int64_t IrTensor::num_elements() const {
  int64_t count = 1;
  for (int32_t dim : shape) count *= dim;
  return count;
}

std::vector<int64_t> IrTensor::AsInts() const {
  const int64_t count = num_elements();
  std::vector<int64_t> values(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    switch (type) {
      case schema::TensorType::INT32: values[i] = as<int32_t>()[i]; break;
      case schema::TensorType::INT64: values[i] = as<int64_t>()[i]; break;
      case schema::TensorType::INT16: values[i] = as<int16_t>()[i]; break;
      case schema::TensorType::INT8: values[i] = as<int8_t>()[i]; break;
      case schema::TensorType::UINT8:
      case schema::TensorType::BOOL: values[i] = as<uint8_t>()[i]; break;
      default:
        throw ConvertError("tensor '" + name + "': expected integer values, found " +
                           TensorTypeName(type));
    }
  }
  return values;
}

std::vector<float> IrTensor::AsFloats() const {
  if (type == schema::TensorType::FLOAT32) {
    return std::vector<float>(as<float>(), as<float>() + num_elements());
  }
  const std::vector<int64_t> ints = AsInts();
  return std::vector<float>(ints.begin(), ints.end());
}

int IrGraph::AddTensor(const std::string& name, schema::TensorType type,
                       std::vector<int32_t> shape) {
  IrTensor tensor;
  tensor.name = name;
  tensor.type = type;
  tensor.shape = std::move(shape);
  tensors.push_back(std::move(tensor));
  return static_cast<int>(tensors.size()) - 1;
}

int IrGraph::AddConstant(const std::string& name, schema::TensorType type,
                         std::vector<int32_t> shape, std::vector<uint8_t> data) {
  const int index = AddTensor(name, type, std::move(shape));
  IrTensor& tensor = tensors[index];
  if (static_cast<int64_t>(data.size()) != tensor.num_elements() * static_cast<int64_t>(TensorTypeSize(type))) {
    throw ConvertError("constant '" + name + "': data size does not match its shape");
  }
  tensor.constant = true;
  tensor.data = std::move(data);
  return index;
}

int IrGraph::AddOp(schema::OpCode code, std::vector<int> op_inputs, std::vector<int> op_outputs,
                   schema::OpOptionsUnion options, const std::string& origin) {
  IrOp op;
  op.code = code;
  op.inputs = std::move(op_inputs);
  op.outputs = std::move(op_outputs);
  op.options = std::move(options);
  op.origin = origin;
  ops.push_back(std::move(op));
  return static_cast<int>(ops.size()) - 1;
}

bool IrGraph::IsGraphOutput(int tensor) const {
  return std::find(outputs.begin(), outputs.end(), tensor) != outputs.end();
}

int IrGraph::Producer(int tensor) const {
  for (size_t o = 0; o < ops.size(); ++o) {
    if (ops[o].dead) continue;
    for (int out : ops[o].outputs) {
      if (out == tensor) return static_cast<int>(o);
    }
  }
  return -1;
}

std::vector<int> IrGraph::Consumers(int tensor) const {
  std::vector<int> result;
  for (size_t o = 0; o < ops.size(); ++o) {
    if (ops[o].dead) continue;
    if (std::find(ops[o].inputs.begin(), ops[o].inputs.end(), tensor) != ops[o].inputs.end()) {
      result.push_back(static_cast<int>(o));
    }
  }
  return result;
}

void IrGraph::ReplaceUses(int from, int to) {
  for (IrOp& op : ops) {
    if (op.dead) continue;
    for (int& input : op.inputs) {
      if (input == from) input = to;
    }
  }
  for (int& output : outputs) {
    if (output == from) output = to;
  }
}

size_t IrGraph::live_op_count() const {
  return static_cast<size_t>(std::count_if(ops.begin(), ops.end(), [](const IrOp& op) { return !op.dead; }));
}

int IrGraph::Compact() {
  // Mark what the outputs need, walking ops backwards (they are in order).
  std::vector<bool> needed(tensors.size(), false);
  for (int t : outputs) needed[t] = true;
  int removed = 0;
  for (size_t k = ops.size(); k-- > 0;) {
    IrOp& op = ops[k];
    if (op.dead) continue;
    const bool used = std::any_of(op.outputs.begin(), op.outputs.end(),
                                  [&](int t) { return needed[t]; });
    if (!used) {
      op.dead = true;
      continue;
    }
    for (int t : op.inputs) {
      if (t >= 0) needed[t] = true;
    }
  }
  for (int t : inputs) needed[t] = true;
  for (const IrOp& op : ops) {
    if (op.dead) continue;
    for (int t : op.outputs) needed[t] = true;
  }

  std::vector<int> remap(tensors.size(), -1);
  std::vector<IrTensor> kept_tensors;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (!needed[t]) continue;
    remap[t] = static_cast<int>(kept_tensors.size());
    kept_tensors.push_back(std::move(tensors[t]));
  }
  std::vector<IrOp> kept_ops;
  for (IrOp& op : ops) {
    if (op.dead) {
      ++removed;
      continue;
    }
    for (int& t : op.inputs) t = t < 0 ? -1 : remap[t];
    for (int& t : op.outputs) t = remap[t];
    kept_ops.push_back(std::move(op));
  }
  for (int& t : inputs) t = remap[t];
  for (int& t : outputs) t = remap[t];
  tensors = std::move(kept_tensors);
  ops = std::move(kept_ops);
  return removed;
}

void IrGraph::SortInExecutionOrder() {
  std::vector<int> producer(tensors.size(), -1);
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].dead) continue;
    for (int t : ops[i].outputs) producer[static_cast<size_t>(t)] = static_cast<int>(i);
  }
  std::vector<IrOp> ordered;
  std::vector<int> state(ops.size(), 0);  // 0 new, 1 visiting, 2 placed
  std::vector<std::pair<int, size_t>> stack;
  for (size_t root = 0; root < ops.size(); ++root) {
    if (ops[root].dead || state[root] != 0) continue;
    stack.push_back({static_cast<int>(root), 0});
    state[root] = 1;
    while (!stack.empty()) {
      auto& [op, next_input] = stack.back();
      const std::vector<int>& inputs = ops[static_cast<size_t>(op)].inputs;
      if (next_input < inputs.size()) {
        const int t = inputs[next_input++];
        const int source = t >= 0 ? producer[static_cast<size_t>(t)] : -1;
        if (source >= 0 && state[static_cast<size_t>(source)] == 0) {
          state[static_cast<size_t>(source)] = 1;
          stack.push_back({source, 0});
        }
        continue;
      }
      state[static_cast<size_t>(op)] = 2;
      ordered.push_back(ops[static_cast<size_t>(op)]);
      stack.pop_back();
    }
  }
  ops = std::move(ordered);
}

int64_t IrGraph::ParameterCount() const {
  std::vector<bool> counted(tensors.size(), false);
  int64_t count = 0;
  for (const IrOp& op : ops) {
    if (op.dead) continue;
    for (int t : op.inputs) {
      if (t < 0 || !tensors[t].constant || counted[t]) continue;
      counted[t] = true;
      count += tensors[t].num_elements();
    }
  }
  return count;
}

schema::ModelT IrGraph::ToModel(const std::string& description) const {
  ModelBuilder builder;
  builder.SetDescription(description);
  std::vector<int> index(tensors.size(), -1);
  for (size_t t = 0; t < tensors.size(); ++t) {
    const IrTensor& tensor = tensors[t];
    index[t] = tensor.constant
                   ? builder.AddConstant(tensor.name, tensor.type, tensor.shape,
                                         tensor.data.data(), tensor.data.size())
                   : builder.AddTensor(tensor.name, tensor.type, tensor.shape);
    // Pieces of a marked graph (one op checked on its own) have no
    // max_batch, so their tensors carry no mark either.
    builder.subgraph().tensors[index[t]]->batch_dim =
        static_cast<int8_t>(max_batch > 0 ? tensor.batch_dim : -1);
    if (!tensor.quantization.empty()) {
      // Absent zero points read as 0: symmetric per-channel weights then
      // carry no 8-byte zero per channel.
      const auto& zero_points = tensor.quantization.zero_points;
      const bool all_zero = std::all_of(zero_points.begin(), zero_points.end(),
                                        [](int64_t z) { return z == 0; });
      builder.SetQuantization(index[t], tensor.quantization.scales,
                              all_zero ? std::vector<int64_t>() : zero_points,
                              tensor.quantization.axis);
    }
  }
  auto map = [&](const std::vector<int>& list) {
    std::vector<int32_t> mapped;
    for (int t : list) mapped.push_back(t < 0 ? -1 : index[t]);
    return mapped;
  };
  for (const IrOp& op : ops) {
    if (op.dead) continue;
    builder.AddOperator(op.code, map(op.inputs), map(op.outputs), op.options);
  }
  builder.SetInputs(map(inputs));
  builder.SetOutputs(map(outputs));
  builder.model().max_batch = max_batch;
  return std::move(builder.model());
}

}  // namespace ember::convert
