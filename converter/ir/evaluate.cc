#include "converter/ir/evaluate.h"

#include <cstring>

#include "converter/error.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {

bool HasConstantInputs(const IrGraph& graph, const IrOp& op) {
  for (int t : op.inputs) {
    if (t >= 0 && !graph.tensors[t].constant) return false;
  }
  return true;
}

namespace {

// The op alone, reading copies of its input tensors and writing fresh
// non-constant outputs.
IrGraph SingleOpGraph(const IrGraph& graph, const IrOp& op) {
  IrGraph single;
  std::vector<int> inputs;
  for (int t : op.inputs) {
    if (t < 0) {
      inputs.push_back(-1);
      continue;
    }
    single.tensors.push_back(graph.tensors[t]);
    inputs.push_back(static_cast<int>(single.tensors.size()) - 1);
  }
  std::vector<int> outputs;
  for (int t : op.outputs) {
    IrTensor tensor = graph.tensors[t];
    tensor.constant = false;
    tensor.data.clear();
    single.tensors.push_back(std::move(tensor));
    outputs.push_back(static_cast<int>(single.tensors.size()) - 1);
  }
  single.AddOp(op.code, inputs, outputs, op.options, op.origin);
  single.outputs = outputs;
  for (int t : inputs) {
    if (t >= 0 && !single.tensors[t].constant) single.inputs.push_back(t);
  }
  return single;
}

}  // namespace

Status PrepareOp(const IrGraph& graph, const IrOp& op, std::string* message) {
  const std::vector<uint8_t> bytes = SerializeModel(SingleOpGraph(graph, op).ToModel("check"));
  const AlignedBuffer model_bytes(bytes.data(), bytes.size());
  StringErrorReporter reporter;
  Model model;
  Status status = Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model);
  if (status == Status::kOk) {
    OpResolver<256> resolver;
    kernels::RegisterAllKernels(resolver);
    size_t arena_size = size_t{1} << 20;
    for (int t : op.outputs) {
      arena_size += 2 * static_cast<size_t>(graph.tensors[t].num_elements()) *
                    TensorTypeSize(graph.tensors[t].type);
    }
    for (;;) {
      AlignedBuffer arena(arena_size);
      Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
      status = interpreter.AllocateTensors();
      if (status != Status::kArenaTooSmall || arena_size >= (size_t{1} << 34)) break;
      arena_size *= 4;
      reporter.message.clear();
    }
  }
  if (message != nullptr) *message = reporter.message;
  return status;
}

void InferOp(IrGraph& graph, int op_index, bool fold) {
  IrOp& op = graph.ops[op_index];
  IrGraph single = SingleOpGraph(graph, op);
  const std::vector<uint8_t> bytes = SerializeModel(single.ToModel("constant folding"));
  const AlignedBuffer model_bytes(bytes.data(), bytes.size());

  StringErrorReporter reporter;
  Model model;
  if (Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model) != Status::kOk) {
    throw ConvertError("folding '" + op.origin + "': " + reporter.message);
  }
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  const bool evaluate = fold && HasConstantInputs(graph, op);
  // Outputs' sizes are unknown until Prepare has run, so plan in an arena that
  // grows until it fits.
  size_t arena_size = size_t{1} << 20;
  for (const IrTensor& tensor : single.tensors) {
    arena_size += 2 * (static_cast<size_t>(tensor.num_elements()) * TensorTypeSize(tensor.type));
  }
  for (;;) {
    AlignedBuffer arena(arena_size);
    Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
    interpreter.DisableDeclaredShapeCheck();
    Status status = interpreter.AllocateTensors();
    if (status == Status::kArenaTooSmall && arena_size < (size_t{1} << 34)) {
      arena_size *= 4;
      reporter.message.clear();
      continue;
    }
    if (status == Status::kOk && evaluate) status = interpreter.Invoke();
    if (status != Status::kOk) {
      throw ConvertError("node '" + op.origin + "' (as " + schema::EnumNameOpCode(op.code) +
                         "): " + reporter.message);
    }
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const TensorView view = interpreter.output(k);
      IrTensor& target = graph.tensors[op.outputs[k]];
      target.shape.assign(view.dims, view.dims + view.rank);
      if (!evaluate) continue;
      target.constant = true;
      const auto* begin = static_cast<const uint8_t*>(view.data);
      target.data.assign(begin, begin + view.bytes());
    }
    if (evaluate) op.dead = true;
    return;
  }
}

}  // namespace ember::convert
