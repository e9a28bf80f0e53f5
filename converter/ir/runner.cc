#include "converter/ir/runner.h"

#include <cstring>

#include "converter/error.h"
#include "converter/memory_plan.h"
#include "kernels/kernels.h"

namespace ember::convert {

GraphRunner::GraphRunner(const IrGraph& graph) {
  IrGraph exposed = graph;
  exposed.outputs.clear();
  std::vector<bool> listed(graph.tensors.size(), false);
  auto expose = [&](int t) {
    if (t < 0 || listed[t] || graph.tensors[t].constant) return;
    listed[t] = true;
    output_of_[t] = exposed.outputs.size();
    exposed.outputs.push_back(t);
  };
  for (size_t k = 0; k < graph.inputs.size(); ++k) {
    input_of_[graph.inputs[k]] = k;
    listed[graph.inputs[k]] = true;
  }
  for (int t : graph.outputs) expose(t);
  for (const IrOp& op : graph.ops) {
    if (op.dead) continue;
    for (int t : op.outputs) expose(t);
  }
  schema::ModelT model = exposed.ToModel("graph runner");
  AttachMemoryPlan(model);
  const size_t arena_bytes = model.plan->arena_bytes;
  model_bytes_ = SerializeModel(model);
  aligned_model_ = std::make_unique<AlignedBuffer>(model_bytes_.data(), model_bytes_.size());
  if (Model::Load(aligned_model_->data(), aligned_model_->size(), &reporter_, &model_) !=
      Status::kOk) {
    throw ConvertError("running the graph: " + reporter_.message);
  }
  kernels::RegisterAllKernels(resolver_);
  arena_ = std::make_unique<AlignedBuffer>(arena_bytes);
  interpreter_ = std::make_unique<Interpreter>(model_, resolver_, arena_->data(), arena_->size(),
                                               &reporter_);
  if (interpreter_->AllocateTensors() != Status::kOk) {
    throw ConvertError("running the graph: " + reporter_.message);
  }
}

size_t GraphRunner::InputBytes(size_t index) { return interpreter_->input(index).bytes(); }

void GraphRunner::SetInput(size_t index, const void* bytes, size_t size) {
  TensorView view = interpreter_->input(index);
  if (size != view.bytes()) {
    throw ConvertError("running the graph: input " + std::to_string(index) + " needs " +
                       std::to_string(view.bytes()) + " bytes, got " + std::to_string(size));
  }
  std::memcpy(view.data, bytes, size);
}

void GraphRunner::Invoke() {
  reporter_.message.clear();
  if (interpreter_->Invoke() != Status::kOk) {
    throw ConvertError("running the graph: " + reporter_.message);
  }
}

TensorView GraphRunner::Value(int tensor) {
  const auto input = input_of_.find(tensor);
  if (input != input_of_.end()) return interpreter_->input(input->second);
  const auto found = output_of_.find(tensor);
  if (found == output_of_.end()) return TensorView{};
  return interpreter_->output(found->second);
}

}  // namespace ember::convert
