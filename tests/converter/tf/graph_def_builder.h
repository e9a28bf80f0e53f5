// Helpers that build small GraphDefs in tests with the generated protobuf
// classes, and read a Graph back in a form that is easy to assert on.
#ifndef EMBER_TESTS_CONVERTER_TF_GRAPH_DEF_BUILDER_H_
#define EMBER_TESTS_CONVERTER_TF_GRAPH_DEF_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "converter/tf/graph.h"
#include "converter/tf/graph_def.pb.h"

namespace ember::convert::tf::test_util {

inline tensorflow::NodeDef* AddNode(tensorflow::GraphDef* def, const std::string& name,
                                    const std::string& op,
                                    const std::vector<std::string>& inputs = {}) {
  tensorflow::NodeDef* node = def->add_node();
  node->set_name(name);
  node->set_op(op);
  for (const std::string& input : inputs) node->add_input(input);
  return node;
}

inline void SetType(tensorflow::NodeDef* node, const std::string& attr, tensorflow::DataType type) {
  (*node->mutable_attr())[attr].set_type(type);
}

inline tensorflow::TensorProto* AddConst(tensorflow::GraphDef* def, const std::string& name,
                                         tensorflow::DataType dtype,
                                         const std::vector<int64_t>& shape,
                                         const std::vector<std::string>& inputs = {}) {
  tensorflow::NodeDef* node = AddNode(def, name, "Const", inputs);
  SetType(node, "dtype", dtype);
  tensorflow::TensorProto* tensor = (*node->mutable_attr())["value"].mutable_tensor();
  tensor->set_dtype(dtype);
  for (int64_t dim : shape) tensor->mutable_tensor_shape()->add_dim()->set_size(dim);
  return tensor;
}

// A float Const stored as tensor_content (little-endian host, as in tests).
inline void AddFloatConst(tensorflow::GraphDef* def, const std::string& name,
                          const std::vector<float>& values, const std::vector<int64_t>& shape,
                          const std::vector<std::string>& inputs = {}) {
  tensorflow::TensorProto* tensor = AddConst(def, name, tensorflow::DT_FLOAT, shape, inputs);
  std::string content(values.size() * sizeof(float), '\0');
  std::memcpy(content.data(), values.data(), content.size());
  tensor->set_tensor_content(content);
}

inline void AddBoolConst(tensorflow::GraphDef* def, const std::string& name, bool value) {
  AddConst(def, name, tensorflow::DT_BOOL, {})->add_bool_val(value);
}

inline tensorflow::NodeDef* AddPlaceholder(tensorflow::GraphDef* def, const std::string& name,
                                           tensorflow::DataType dtype = tensorflow::DT_FLOAT) {
  tensorflow::NodeDef* node = AddNode(def, name, "Placeholder");
  SetType(node, "dtype", dtype);
  return node;
}

inline Graph Parse(const tensorflow::GraphDef& def) {
  const std::string bytes = def.SerializeAsString();
  return ParseGraphDef(bytes.data(), bytes.size(), "test graph");
}

// A node's inputs as GraphDef strings: "a", "a:1", "^b".
inline std::vector<std::string> InputsOf(const Graph& graph, const std::string& name) {
  const Node& node = graph.node(graph.Get(name));
  std::vector<std::string> inputs;
  for (const TensorRef& input : node.inputs()) inputs.push_back(graph.TensorNameOf(input));
  for (NodeId source : node.control_inputs()) inputs.push_back("^" + graph.node(source).name());
  return inputs;
}

inline int CountOp(const Graph& graph, const std::string& op) {
  int count = 0;
  for (NodeId id : graph.NodeIds()) count += graph.node(id).op() == op ? 1 : 0;
  return count;
}

// The loop structure tf.while_loop writes for `i = 0; while i < 10: i += 1`.
inline tensorflow::GraphDef CounterLoop() {
  tensorflow::GraphDef def;
  AddFloatConst(&def, "zero", {0.0f}, {});
  AddNode(&def, "while/Enter", "Enter", {"zero"});
  AddNode(&def, "while/Merge", "Merge", {"while/Enter", "while/NextIteration"});
  AddFloatConst(&def, "while/limit", {10.0f}, {}, {"^while/Merge"});
  AddNode(&def, "while/Less", "Less", {"while/Merge", "while/limit"});
  AddNode(&def, "while/LoopCond", "LoopCond", {"while/Less"});
  AddNode(&def, "while/Switch", "Switch", {"while/Merge", "while/LoopCond"});
  AddNode(&def, "while/Identity", "Identity", {"while/Switch:1"});
  AddFloatConst(&def, "while/one", {1.0f}, {}, {"^while/Identity"});
  AddNode(&def, "while/add", "Add", {"while/Identity", "while/one"});
  AddNode(&def, "while/NextIteration", "NextIteration", {"while/add"});
  AddNode(&def, "while/Exit", "Exit", {"while/Switch"});
  AddNode(&def, "out", "Identity", {"while/Exit"});
  return def;
}

inline void SetBool(tensorflow::NodeDef* node, const std::string& attr, bool value) {
  (*node->mutable_attr())[attr].set_b(value);
}

inline void SetInt(tensorflow::NodeDef* node, const std::string& attr, int64_t value) {
  (*node->mutable_attr())[attr].set_i(value);
}

inline void SetString(tensorflow::NodeDef* node, const std::string& attr, const std::string& value) {
  (*node->mutable_attr())[attr].set_s(value);
}

inline void SetShape(tensorflow::NodeDef* node, const std::string& attr,
                     const std::vector<int64_t>& dims) {
  tensorflow::TensorShapeProto* shape = (*node->mutable_attr())[attr].mutable_shape();
  for (int64_t dim : dims) shape->add_dim()->set_size(dim);
}

inline void AddInt32Const(tensorflow::GraphDef* def, const std::string& name,
                          const std::vector<int32_t>& values, const std::vector<int64_t>& shape,
                          const std::vector<std::string>& inputs = {}) {
  tensorflow::TensorProto* tensor = AddConst(def, name, tensorflow::DT_INT32, shape, inputs);
  for (int32_t value : values) tensor->add_int_val(value);
}

}  // namespace ember::convert::tf::test_util

#endif  // EMBER_TESTS_CONVERTER_TF_GRAPH_DEF_BUILDER_H_
