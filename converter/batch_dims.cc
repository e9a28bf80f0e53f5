#include "converter/batch_dims.h"

#include <algorithm>
#include <cstring>

#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {
namespace {

const char kOff[] = "dynamic batch off: ";

std::string OpLabel(const IrGraph& graph, size_t o) {
  return "op " + std::to_string(o) + " (" + schema::EnumNameOpCode(graph.ops[o].code) + ")";
}

std::string TensorLabel(const IrGraph& graph, size_t t) {
  return "tensor " + std::to_string(t) + " '" + graph.tensors[t].name + "'";
}

std::string ShapeText(const std::vector<int32_t>& shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d) text += (d > 0 ? ", " : "") + std::to_string(shape[d]);
  return text + "]";
}

// Options compared as their serialized bytes: equal tables pack alike.
std::vector<uint8_t> PackedOptions(const schema::OpOptionsUnion& options) {
  if (options.type == schema::OpOptions::NONE) return {};
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(options.Pack(builder));
  return std::vector<uint8_t>(builder.GetBufferPointer(),
                              builder.GetBufferPointer() + builder.GetSize());
}

// The batch dimension of tensor t ("" and *batch_dim = -1 when its shape and
// values do not depend on the batch), or why it cannot scale with it.
std::string FindTensorBatchDim(const IrGraph& graph, int32_t batch, const IrGraph& other,
                               int32_t other_batch, size_t t, int* batch_dim) {
  const IrTensor& here = graph.tensors[t];
  const IrTensor& there = other.tensors[t];
  *batch_dim = -1;
  if (here.type != there.type || here.constant != there.constant ||
      here.shape.size() != there.shape.size()) {
    return TensorLabel(graph, t) + " changes type, rank or kind with the batch";
  }
  std::vector<size_t> differing;
  for (size_t d = 0; d < here.shape.size(); ++d) {
    if (here.shape[d] != there.shape[d]) differing.push_back(d);
  }
  if (differing.empty()) {
    if (here.constant && here.data != there.data) {
      return TensorLabel(graph, t) + " (constant) has values that depend on the batch";
    }
    return "";
  }
  const std::string shapes = " is " + ShapeText(here.shape) + " at batch " +
                             std::to_string(batch) + " and " + ShapeText(there.shape) +
                             " at batch " + std::to_string(other_batch);
  if (differing.size() > 1) {
    return TensorLabel(graph, t) + shapes + ": more than one dimension follows the batch";
  }
  const size_t d = differing[0];
  const int32_t size = here.shape[d];
  const int32_t other_size = there.shape[d];
  if (size % batch != 0 || other_size % other_batch != 0 ||
      size / batch != other_size / other_batch || size / batch == 0) {
    return TensorLabel(graph, t) + shapes + ": dimension " + std::to_string(d) +
           " is not a multiple of the batch";
  }
  if (here.constant) {
    if (d != 0) {
      return TensorLabel(graph, t) + " (constant)" + shapes +
             ": only dimension 0 of a constant may follow the batch";
    }
    // A constant at a smaller batch is seen as its first rows, so those must
    // not depend on the batch.
    const size_t row_bytes = here.data.size() / static_cast<size_t>(size);
    const size_t common = static_cast<size_t>(std::min(size, other_size)) * row_bytes;
    if (std::memcmp(here.data.data(), there.data.data(), common) != 0) {
      return TensorLabel(graph, t) + " (constant): its first rows depend on the batch";
    }
  }
  *batch_dim = static_cast<int>(d);
  return "";
}

}  // namespace

int32_t CommonInputBatch(const IrGraph& graph) {
  int32_t batch = 0;
  for (int t : graph.inputs) {
    const std::vector<int32_t>& shape = graph.tensors[t].shape;
    if (shape.empty()) return 0;
    if (batch != 0 && shape[0] != batch) return 0;
    batch = shape[0];
  }
  return batch;
}

std::string MarkBatchDims(IrGraph& graph, int32_t batch, const IrGraph& other,
                          int32_t other_batch) {
  if (graph.ops.size() != other.ops.size() || graph.tensors.size() != other.tensors.size()) {
    return kOff + std::string("the graph has ") + std::to_string(graph.ops.size()) + " ops and " +
           std::to_string(graph.tensors.size()) + " tensors at batch " + std::to_string(batch) +
           " but " + std::to_string(other.ops.size()) + " and " +
           std::to_string(other.tensors.size()) + " at batch " + std::to_string(other_batch);
  }
  if (graph.inputs != other.inputs || graph.outputs != other.outputs) {
    return kOff + std::string("the graph's inputs or outputs change with the batch");
  }
  // Ops first, in order, so the note names the earliest difference.
  std::vector<std::pair<size_t, size_t>> reshape_entries;
  for (size_t o = 0; o < graph.ops.size(); ++o) {
    const IrOp& here = graph.ops[o];
    const IrOp& there = other.ops[o];
    if (here.code != there.code || here.inputs != there.inputs || here.outputs != there.outputs ||
        here.dead != there.dead) {
      return kOff + OpLabel(graph, o) + " is a different op or reads other tensors at batch " +
             std::to_string(other_batch);
    }
    if (PackedOptions(here.options) == PackedOptions(there.options)) continue;
    const auto* reshape = here.options.AsReshapeOptions();
    const auto* other_reshape = there.options.AsReshapeOptions();
    if (reshape == nullptr || other_reshape == nullptr ||
        reshape->new_shape.size() != other_reshape->new_shape.size()) {
      return kOff + OpLabel(graph, o) + " options (" +
             schema::EnumNameOpOptions(here.options.type) + ") depend on the batch";
    }
    std::vector<size_t> differing;
    bool has_unknown = false;
    for (size_t k = 0; k < reshape->new_shape.size(); ++k) {
      if (reshape->new_shape[k] != other_reshape->new_shape[k]) differing.push_back(k);
      has_unknown |= reshape->new_shape[k] == -1;
    }
    if (differing.size() != 1 || has_unknown) {
      return kOff + OpLabel(graph, o) + " option 'new_shape' " + ShapeText(reshape->new_shape) +
             (has_unknown ? " already infers one entry (-1) and another follows the batch"
                          : " has several entries that follow the batch");
    }
    reshape_entries.emplace_back(o, differing[0]);
  }
  std::vector<int> batch_dims(graph.tensors.size(), -1);
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const std::string why = FindTensorBatchDim(graph, batch, other, other_batch, t, &batch_dims[t]);
    if (!why.empty()) return kOff + why;
  }
  for (int t : graph.inputs) {
    if (batch_dims[t] != 0) {
      return kOff + std::string("input ") + TensorLabel(graph, static_cast<size_t>(t)) +
             " does not follow the batch in its leading dimension";
    }
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) graph.tensors[t].batch_dim = batch_dims[t];
  for (const auto& [op, entry] : reshape_entries) {
    graph.ops[op].options.AsReshapeOptions()->new_shape[entry] = -1;
  }
  graph.max_batch = batch;
  return "";
}

std::string CheckEveryBatchPrepares(const std::vector<uint8_t>& model_bytes) {
  const AlignedBuffer bytes(model_bytes.data(), model_bytes.size());
  StringErrorReporter reporter;
  Model model;
  if (Model::Load(bytes.data(), bytes.size(), &reporter, &model) != Status::kOk) {
    return reporter.message;
  }
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  const size_t arena_bytes =
      model.root().plan() == nullptr ? 0 : static_cast<size_t>(model.root().plan()->arena_bytes());
  AlignedBuffer arena(arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  if (interpreter.AllocateTensors() != Status::kOk) return reporter.message;
  for (int32_t rows = interpreter.max_batch_size(); rows-- > 1;) {
    if (interpreter.SetBatchSize(rows) != Status::kOk) return reporter.message;
  }
  if (interpreter.SetBatchSize(interpreter.max_batch_size()) != Status::kOk) {
    return reporter.message;
  }
  return "";
}

}  // namespace ember::convert
