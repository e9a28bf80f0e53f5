// The TensorFlow lowering's working state, shared by the files that lower
// op families (lower.cc: one TF op at a time; lower_control_flow.cc: TF1
// while loops and TensorArrays, unrolled). Internal to the TF front end.
#ifndef EMBER_CONVERTER_TF_LOWERER_H_
#define EMBER_CONVERTER_TF_LOWERER_H_

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "converter/error.h"
#include "converter/ir/evaluate.h"
#include "converter/ir/graph.h"
#include "converter/tf/graph.h"
#include "converter/tf/lower.h"

namespace ember::convert::tf {

using schema::OpCode;
using schema::TensorType;

// A constant bool tensor whose every element is true / false (false for
// anything else), for folding logic that one operand decides.
inline bool IsAllTrue(const IrTensor& tensor) {
  if (!tensor.constant || tensor.type != TensorType::BOOL) return false;
  for (int64_t value : tensor.AsInts()) {
    if (value == 0) return false;
  }
  return true;
}

inline bool IsAllFalse(const IrTensor& tensor) {
  if (!tensor.constant || tensor.type != TensorType::BOOL) return false;
  for (int64_t value : tensor.AsInts()) {
    if (value != 0) return false;
  }
  return true;
}

class Lowerer;
using LowerFn = void (Lowerer::*)(const Node&);

class Lowerer {
 public:
  Lowerer(const Graph& graph, const LowerOptions& options, std::vector<std::string>* notes)
      : graph_(graph), options_(options), notes_(notes) {}

  IrGraph Run();
  static const std::unordered_map<std::string, LowerFn>& Table();

 private:
  // ---- TF1 control flow (lower_control_flow.cc) ----
  // The nodes of one while-loop frame, from its Enter nodes to its Exit nodes.
  struct WhileLoop {
    std::string frame;
    std::vector<NodeId> nodes;  // in the graph's topological order
  };
  // A TensorArrayV3 of a size known at conversion time.
  struct TensorArrayInfo {
    std::string name;
    int32_t size = 0;
    TensorType type = TensorType::FLOAT32;
    PartialShape element_shape;
  };
  // A TensorArray's contents as its "flow" value carries them: one IR tensor
  // per element, kUnwritten for an element never written (reads as zeros).
  static constexpr int kUnwritten = -1;
  struct ArrayState {
    int array = -1;
    std::vector<int> elements;
  };
  // Whatever a TF tensor lowers to: an IR tensor, a TensorArray handle or a
  // TensorArray flow.
  struct Value {
    int tensor = -1;
    int array_handle = -1;
    bool is_flow = false;
    ArrayState flow;
  };
  // Where a SELECT made by SelectActive came from, so nested selects on the
  // iterations of one loop collapse (active at a later iteration implies
  // active at every earlier one).
  struct ActiveSelect {
    int loop = -1;
    int iteration = 0;
    int otherwise = -1;
  };

  void FindWhileLoops();
  // Plain nodes and whole loops in an order where every value is lowered
  // before its uses: entries >= 0 are NodeIds, -1 - k is loop k.
  std::vector<int> LoweringOrder() const;
  void LowerNode(const Node& node);
  void LowerWhileLoop(int loop_index);
  bool HasValue(TensorRef ref) const;
  Value GetValue(const Node& consumer, TensorRef ref) const;
  void SetValue(TensorRef ref, const Value& value);
  int ActiveAnd(int active, int condition, const std::string& name);
  int SelectActive(int loop, int iteration, const std::vector<int>& active, int when_active,
                   int otherwise, const std::string& name);
  int Zeros(TensorType type, const std::vector<int32_t>& shape);
  std::vector<int32_t> ElementShape(const Node& node, const ArrayState& state);
  int ReadElement(const Node& node, const ArrayState& state, int64_t index);
  const ArrayState& FlowIn(const Node& node, int slot);
  int64_t ConstIndex(const Node& node, int slot);
  void Identity(const Node& node);
  void ControlFlowOutsideLoop(const Node& node);
  void TensorArrayOp(const Node& node);
  void TensorArrayScatter(const Node& node);
  void TensorArrayRead(const Node& node);
  void TensorArrayWrite(const Node& node);
  void TensorArrayGather(const Node& node);
  void TensorArraySize(const Node& node);
  void ZerosLike(const Node& node);
  void Range(const Node& node);
  void ReverseSequence(const Node& node);

  std::vector<WhileLoop> loops_;
  std::vector<int> loop_of_;  // per NodeId: index into loops_, or -1
  std::vector<TensorArrayInfo> arrays_;
  std::map<TensorRef, int> array_handles_;
  std::map<TensorRef, ArrayState> array_flows_;
  std::map<int, ActiveSelect> active_selects_;
  std::map<std::pair<int, std::vector<int32_t>>, int> zeros_;
  // Appended to IR names while a loop body is unrolled ("/iter3").
  std::string name_suffix_;

  // ---- plumbing ----
  int In(const Node& node, int slot) {
    const TensorRef ref = node.input(slot);
    const auto found = values_.find(ref);
    if (found == values_.end()) {
      throw ConvertError("node '" + node.name() + "' (" + node.op() + "): input " +
                         std::to_string(slot) + " '" + graph_.TensorNameOf(ref) +
                         "' has no value (unsupported producer?)");
    }
    return found->second;
  }
  const IrTensor& T(int tensor) const { return ir_.tensors[tensor]; }
  void Bind(const Node& node, int index, int tensor) { values_[TensorRef{node.id(), index}] = tensor; }
  std::string OutName(const Node& node, int index) const {
    return index == 0 ? node.name() : node.name() + ":" + std::to_string(index);
  }
  [[noreturn]] void Fail(const Node& node, const std::string& message) const {
    throw ConvertError("node '" + node.name() + "' (" + node.op() + "): " + message);
  }
  std::vector<int64_t> ConstInts(const Node& node, int slot, const char* what) {
    const int t = In(node, slot);
    if (!T(t).constant) {
      Fail(node, std::string(what) + " (input " + std::to_string(slot) +
                     ") must be constant once input shapes are known");
    }
    return T(t).AsInts();
  }
  // Emits an op with `count` outputs of type `type` and lets its kernel
  // compute their shapes (and values, for constant inputs).
  std::vector<int> EmitN(OpCode code, std::vector<int> inputs, TensorType type,
                         const std::string& name, int count, schema::OpOptionsUnion options = {}) {
    std::vector<int> outputs;
    const std::string scoped = name + name_suffix_;
    for (int k = 0; k < count; ++k) {
      outputs.push_back(ir_.AddTensor(k == 0 ? scoped : scoped + ":" + std::to_string(k), type, {}));
    }
    const int op = ir_.AddOp(code, std::move(inputs), outputs, std::move(options), scoped);
    InferOp(ir_, op, /*fold=*/true);
    return outputs;
  }
  int Emit(OpCode code, std::vector<int> inputs, TensorType type, const std::string& name,
           schema::OpOptionsUnion options = {}) {
    return EmitN(code, std::move(inputs), type, name, 1, std::move(options))[0];
  }
  int Transpose(int tensor, std::vector<int32_t> perm, const std::string& name) {
    schema::TransposeOptionsT options;
    options.perm = std::move(perm);
    return Emit(OpCode::TRANSPOSE, {tensor}, T(tensor).type, name, Options(options));
  }
  int Reshape(int tensor, std::vector<int32_t> shape, const std::string& name) {
    schema::ReshapeOptionsT options;
    options.new_shape = std::move(shape);
    return Emit(OpCode::RESHAPE, {tensor}, T(tensor).type, name, Options(options));
  }
  bool IsNchw(const Node& node) const {
    return node.Has("data_format") && node.GetString("data_format").rfind("NC", 0) == 0;
  }
  int ToNhwc(const Node& node, int tensor) {
    return IsNchw(node) ? Transpose(tensor, {0, 2, 3, 1}, node.name() + "/to_nhwc") : tensor;
  }
  int FromNhwc(const Node& node, int tensor) {
    return IsNchw(node) ? Transpose(tensor, {0, 3, 1, 2}, node.name() + "/to_nchw") : tensor;
  }
  // (h, w) entries of a 4-element NHWC/NCHW attr such as strides.
  std::pair<int32_t, int32_t> SpatialPair(const Node& node, const std::string& attr,
                                          int32_t fallback) {
    if (!node.Has(attr)) return {fallback, fallback};
    const std::vector<int64_t> values = node.GetIntList(attr);
    if (values.size() != 4) Fail(node, "attr '" + attr + "' must have 4 entries");
    return IsNchw(node) ? std::make_pair(int32_t(values[2]), int32_t(values[3]))
                        : std::make_pair(int32_t(values[1]), int32_t(values[2]));
  }
  schema::Padding PaddingOf(const Node& node, std::vector<int32_t>* explicit_padding) {
    const std::string padding = node.GetString("padding");
    if (padding == "SAME") return schema::Padding::SAME;
    if (padding == "VALID") return schema::Padding::VALID;
    if (padding == "EXPLICIT") {
      const std::vector<int64_t> pads = node.GetIntList("explicit_paddings");
      if (pads.size() != 8) Fail(node, "attr 'explicit_paddings' must have 8 entries");
      const int h = IsNchw(node) ? 2 : 1;
      const int w = IsNchw(node) ? 3 : 2;
      *explicit_padding = {int32_t(pads[2 * h]), int32_t(pads[2 * h + 1]), int32_t(pads[2 * w]),
                           int32_t(pads[2 * w + 1])};
      return schema::Padding::EXPLICIT;
    }
    Fail(node, "padding '" + padding + "' is not SAME, VALID or EXPLICIT");
  }
  int32_t Axis(const Node& node, int64_t axis, size_t rank) {
    const int64_t r = static_cast<int64_t>(rank);
    if (axis < -r || axis >= r) Fail(node, "axis " + std::to_string(axis) + " out of range");
    return static_cast<int32_t>(axis < 0 ? axis + r : axis);
  }
  TensorType TypeOf(const Node& node, tensorflow::DataType dtype) const {
    switch (dtype) {
      case tensorflow::DT_FLOAT:
      case tensorflow::DT_DOUBLE:
      case tensorflow::DT_HALF: return TensorType::FLOAT32;
      case tensorflow::DT_INT32: return TensorType::INT32;
      case tensorflow::DT_INT64: return TensorType::INT64;
      case tensorflow::DT_INT16: return TensorType::INT16;
      case tensorflow::DT_INT8: return TensorType::INT8;
      case tensorflow::DT_UINT8: return TensorType::UINT8;
      case tensorflow::DT_BOOL: return TensorType::BOOL;
      default: break;
    }
    Fail(node, "data type " + DataTypeName(dtype) + " is not supported");
  }

  // ---- ops ----
  void Placeholder(const Node& node);
  void Const(const Node& node);
  void Conv2D(const Node& node);
  void DepthwiseConv2D(const Node& node);
  void MatMul(const Node& node);
  void BatchMatMul(const Node& node);
  void BiasAdd(const Node& node);
  void Binary(const Node& node);
  void Unary(const Node& node);
  void Comparison(const Node& node);
  void Logical(const Node& node);
  void Select(const Node& node);
  void LeakyRelu(const Node& node);
  void Softmax(const Node& node);
  void Pool(const Node& node);
  void FusedBatchNorm(const Node& node);
  void ReshapeOp(const Node& node);
  void Squeeze(const Node& node);
  void ExpandDims(const Node& node);
  void Concat(const Node& node);
  void Split(const Node& node);
  void SplitV(const Node& node);
  void Pack(const Node& node);
  void Unpack(const Node& node);
  void Pad(const Node& node);
  void StridedSlice(const Node& node);
  void Slice(const Node& node);
  void TransposeOp(const Node& node);
  void Reduce(const Node& node);
  void Shape(const Node& node);
  void Fill(const Node& node);
  void Cast(const Node& node);
  void Resize(const Node& node);
  void Gather(const Node& node);
  void ArgMinMax(const Node& node);
  void OneHot(const Node& node);

  const Graph& graph_;
  const LowerOptions& options_;
  std::vector<std::string>* notes_;
  IrGraph ir_;
  std::map<TensorRef, int> values_;
  // User-facing input name per Placeholder node.
  std::map<NodeId, std::string> input_name_of_;
};

}  // namespace ember::convert::tf

#endif  // EMBER_CONVERTER_TF_LOWERER_H_
