#include "converter/tf/passes.h"

#include <map>
#include <set>
#include <utility>

#include "converter/error.h"
#include "converter/tf/passes/pass_util.h"

namespace ember::convert::tf {
namespace {

using tensorflow::DataType;

// Output types of ops that have no type attr to read them from, and of
// outputs whose type differs from the op's "T".
DataType FixedOutputType(const std::string& op, int index) {
  static const std::map<std::pair<std::string, int>, DataType> kFixed = {
      {{"DecodeWav", 0}, tensorflow::DT_FLOAT},
      {{"DecodeWav", 1}, tensorflow::DT_INT32},
      {{"AudioSpectrogram", 0}, tensorflow::DT_FLOAT},
      {{"Mfcc", 0}, tensorflow::DT_FLOAT},
      {{"Merge", 1}, tensorflow::DT_INT32},
      {{"TopKV2", 1}, tensorflow::DT_INT32},
      {{"Rank", 0}, tensorflow::DT_INT32},
  };
  static const std::set<std::string> kBoolOps = {
      "Equal",    "NotEqual", "Less",     "LessEqual",  "Greater",   "GreaterEqual",
      "IsNan",    "IsInf",    "IsFinite", "LogicalAnd", "LogicalOr", "LogicalNot",
      "LoopCond", "All",      "Any",      "InTopK",     "InTopKV2",
  };
  if (index == 0 && kBoolOps.count(op) != 0) return tensorflow::DT_BOOL;
  const auto it = kFixed.find({op, index});
  return it == kFixed.end() ? tensorflow::DT_INVALID : it->second;
}

// The dtype of output `index` of `producer`, or DT_INVALID when its attrs do
// not tell. Attrs naming the output type explicitly come before "T", which
// names the input type of ops such as Shape and Cast.
DataType OutputType(const Node& producer, int index) {
  const DataType fixed = FixedOutputType(producer.op(), index);
  if (fixed != tensorflow::DT_INVALID) return fixed;
  for (const char* attr : {"out_type", "output_type", "DstT", "Tout", "dtype", "T"}) {
    const auto it = producer.attrs().find(attr);
    if (it == producer.attrs().end()) continue;
    const tensorflow::AttrValue& value = it->second;
    if (value.value_case() == tensorflow::AttrValue::kType) return value.type();
    if (value.value_case() == tensorflow::AttrValue::kList && index < value.list().type_size()) {
      return static_cast<DataType>(value.list().type(index));
    }
  }
  return tensorflow::DT_INVALID;
}

// The recorded shape of output `index`, or unknown rank.
tensorflow::TensorShapeProto OutputShape(const Node& producer, int index) {
  tensorflow::TensorShapeProto shape;
  shape.set_unknown_rank(true);
  const auto it = producer.attrs().find("_output_shapes");
  if (it != producer.attrs().end() && index < it->second.list().shape_size()) {
    shape = it->second.list().shape(index);
  }
  return shape;
}

// Adds every node `id` reads from, through data or control edges, to `nodes`.
void AppendSources(const Graph& graph, NodeId id, std::vector<NodeId>* nodes) {
  for (const TensorRef& input : graph.node(id).inputs()) nodes->push_back(input.node);
  for (NodeId source : graph.node(id).control_inputs()) nodes->push_back(source);
}

// Gives the consumers of `tensor` a new Placeholder to read instead. Nodes
// that may have lost their last consumer go into `orphans`.
void CutAt(Graph& graph, const std::string& requested, TensorRef tensor,
           internal::ChangeTracker& tracker, std::vector<NodeId>* orphans) {
  const Node& producer = graph.node(tensor.node);
  const DataType dtype = OutputType(producer, tensor.index);
  if (dtype == tensorflow::DT_INVALID) {
    throw ConvertError("cannot tell the dtype of input '" + requested + "': op " + producer.op() +
                       " of node '" + producer.name() +
                       "' has no type attr for that output; cut at another tensor");
  }
  // The Placeholder can take the producer's name only if nothing else reads
  // the producer, which then goes away.
  bool take_name = tensor.index == 0;
  for (NodeId consumer : graph.DataConsumers(tensor.node)) {
    for (const TensorRef& input : graph.node(consumer).inputs()) {
      if (input.node == tensor.node && input.index != 0) take_name = false;
    }
  }
  const std::string producer_name = producer.name();
  const std::string name = graph.UniqueName(
      take_name ? producer_name + "/cut" : producer_name + "_" + std::to_string(tensor.index));
  const tensorflow::TensorShapeProto shape = OutputShape(producer, tensor.index);

  const NodeId placeholder = graph.AddNode(name, "Placeholder");
  auto& attrs = *graph.node(placeholder).mutable_attrs();
  attrs["dtype"].set_type(dtype);
  *attrs["shape"].mutable_shape() = shape;

  for (const Use& use : graph.Consumers(tensor)) tracker.Touch(use.node);
  graph.ReplaceAllUses(tensor, {placeholder, 0});
  if (take_name) {
    tracker.TouchConsumers(graph, tensor.node);
    AppendSources(graph, tensor.node, orphans);
    graph.ReplaceControlUses(tensor.node, {placeholder});
    graph.RemoveNode(tensor.node);
    graph.RenameNode(placeholder, producer_name);
  } else {
    orphans->push_back(tensor.node);
  }
}

// Removes the nodes in `candidates` that nothing reads any more, and then what
// only they read, so a cut front end does not linger as extra graph sinks
// (which PruneToOutputs would take for outputs). Inputs are never removed.
void RemoveOrphans(Graph& graph, std::vector<NodeId> candidates,
                   const std::vector<std::string>& inputs) {
  std::set<NodeId> keep;
  for (const std::string& name : inputs) keep.insert(graph.Resolve(name).node);
  while (!candidates.empty()) {
    const NodeId id = candidates.back();
    candidates.pop_back();
    if (!graph.IsLive(id) || keep.count(id) != 0 || graph.HasConsumers(id)) continue;
    AppendSources(graph, id, &candidates);
    graph.RemoveNode(id);
  }
}

}  // namespace

std::vector<std::string> ModelInputNames(const Graph& graph,
                                         const std::vector<std::string>& inputs) {
  if (!inputs.empty()) return inputs;
  std::vector<std::string> names;
  for (NodeId id : graph.NodeIds()) {
    if (graph.node(id).op() == "Placeholder") names.push_back(graph.node(id).name());
  }
  return names;
}

PassResult CutAtInputs(Graph& graph, const std::vector<std::string>& inputs) {
  internal::ChangeTracker tracker(graph);
  const std::vector<std::string> names = ModelInputNames(graph, inputs);
  std::set<std::string> seen;
  std::vector<NodeId> orphans;
  for (const std::string& name : names) {
    const TensorName parsed = ParseTensorName(name);
    if (parsed.is_control) throw ConvertError("input '" + name + "' is not a tensor name");
    if (!seen.insert(FormatTensorName(parsed.node, parsed.index)).second) {
      throw ConvertError("input '" + name + "' is listed twice");
    }
    const TensorRef tensor = graph.Resolve(name);
    Node& producer = graph.node(tensor.node);
    const bool is_placeholder = producer.op() == "Placeholder";
    if (is_placeholder || producer.op() == "PlaceholderWithDefault") {
      if (tensor.index != 0) {
        throw ConvertError("input '" + name + "': " + producer.op() + " '" + producer.name() +
                           "' has only output 0");
      }
      if (!is_placeholder) {
        // Its default value and the ops computing it are no longer needed.
        AppendSources(graph, tensor.node, &orphans);
        producer.set_op("Placeholder");
        graph.SetInputs(tensor.node, {});
        graph.SetControlInputs(tensor.node, {});
        tracker.Touch(tensor.node);
      }
      continue;
    }
    CutAt(graph, name, tensor, tracker, &orphans);
  }
  RemoveOrphans(graph, orphans, names);
  graph.set_input_names(names);
  return tracker.Finish(graph);
}

}  // namespace ember::convert::tf
