// Internals of the ONNX front end shared by its source files: the importer's
// state (values, layouts, the IR being built) and one method per ONNX op.
// import.cc holds the driver and the plumbing; import_elementwise.cc,
// import_nn.cc and import_shape.cc hold the op mappings.
#ifndef EMBER_CONVERTER_ONNX_IMPORTER_H_
#define EMBER_CONVERTER_ONNX_IMPORTER_H_

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "converter/convert.h"
#include "converter/ir/graph.h"
#include "converter/onnx/import.h"
#include "converter/onnx/onnx.pb.h"

namespace ember::convert::onnx_import {

using schema::OpCode;
using schema::TensorType;

// Thrown by an op mapping that meets something Ember cannot express; the
// driver records it against the node and goes on with the rest of the graph.
class NodeUnsupported : public std::runtime_error {
 public:
  explicit NodeUnsupported(const std::string& reason) : std::runtime_error(reason) {}
};

// A NodeProto with typed attribute access. Every attribute an op mapping
// reads (or explicitly ignores) is marked; the driver reports the others as
// unsupported, so an attribute Ember would silently drop never goes unseen.
class Node {
 public:
  Node(const onnx::NodeProto& proto, int index);

  const onnx::NodeProto& proto() const { return proto_; }
  const std::string& op_type() const { return proto_.op_type(); }
  // The node's name, or its first output's when it has none.
  const std::string& name() const { return name_; }
  // "Conv node 'conv1'" for messages.
  std::string Describe() const;

  int num_inputs() const { return proto_.input_size(); }
  int num_outputs() const { return proto_.output_size(); }
  // True when input `slot` is given (ONNX marks skipped optional inputs "").
  bool HasInput(int slot) const {
    return slot < proto_.input_size() && !proto_.input(slot).empty();
  }
  bool HasOutput(int slot) const {
    return slot < proto_.output_size() && !proto_.output(slot).empty();
  }
  const std::string& input(int slot) const { return proto_.input(slot); }
  const std::string& output(int slot) const { return proto_.output(slot); }

  bool Has(const std::string& attribute);
  int64_t Int(const std::string& attribute, int64_t fallback);
  float Float(const std::string& attribute, float fallback);
  std::string String(const std::string& attribute, const std::string& fallback);
  std::vector<int64_t> Ints(const std::string& attribute, std::vector<int64_t> fallback = {});
  std::vector<float> Floats(const std::string& attribute, std::vector<float> fallback = {});
  // Null when absent.
  const onnx::TensorProto* Tensor(const std::string& attribute);
  // Marks an attribute that has no effect on inference (e.g. a training-time
  // momentum) as read.
  void Ignore(const std::string& attribute) { used_.insert(attribute); }
  std::vector<std::string> UnreadAttributes() const;

 private:
  const onnx::AttributeProto* Find(const std::string& attribute,
                                   onnx::AttributeProto::AttributeType type);

  const onnx::NodeProto& proto_;
  std::string name_;
  std::set<std::string> used_;
};

// An ONNX value as the importer holds it: its ONNX type and shape, and the IR
// tensor(s) carrying it. `source` holds it in ONNX's layout; for rank >= 3,
// `channels_last` holds it with dim 1 (channels) moved last, so NCHW as NHWC.
// At least one is set; the other is made (by a transpose) on first demand
// and kept for later consumers.
struct Value {
  TensorType type = TensorType::FLOAT32;
  std::vector<int32_t> shape;
  int source = -1;
  int channels_last = -1;
  int rank() const { return static_cast<int>(shape.size()); }
};

// Permutation taking a rank-`rank` tensor to channels-last: [0, 2, .., r-1, 1].
std::vector<int32_t> ToChannelsLast(int rank);
// Its inverse: [0, r-1, 1, .., r-2].
std::vector<int32_t> FromChannelsLast(int rank);
// The position of ONNX axis `axis` in the channels-last tensor.
int32_t ChannelsLastAxis(int32_t axis, int rank);

class Importer;
using OpMapping = void (Importer::*)(Node&);

// Maps one model. Holds references to the model, the options and the report,
// which must outlive it; Run() is called once and hands over the IR.
class Importer {
 public:
  Importer(const onnx::ModelProto& model, const ConvertOptions& options, ConvertReport* report);

  IrGraph Run();
  static const std::unordered_map<std::string, OpMapping>& Table();

  // ---- plumbing (import.cc) ----
  const IrTensor& T(int tensor) const { return ir_.tensors[tensor]; }
  int opset() const { return opset_; }
  [[noreturn]] void Unsupported(const std::string& reason) const { throw NodeUnsupported(reason); }
  // A malformed model: throws ConvertError naming the node.
  [[noreturn]] void Fail(const Node& node, const std::string& message) const;

  Value& In(Node& node, int slot);
  // The input in ONNX's layout / channels-last (rank >= 3; others as they are).
  int Source(Value& value);
  int ChannelsLast(Value& value);
  int InSource(Node& node, int slot) { return Source(In(node, slot)); }
  int InChannelsLast(Node& node, int slot) { return ChannelsLast(In(node, slot)); }
  // Whether the value is (also) held channels-last: layout-following ops use
  // that form then.
  static bool HasChannelsLast(const Value& value) {
    return value.rank() >= 3 && value.channels_last >= 0;
  }
  bool IsConstant(const Value& value) const;
  // Values of a constant input Ember takes as an option (axes, shapes,
  // pads...); the input must be constant (it is unsupported otherwise).
  std::vector<int64_t> ConstInts(Node& node, int slot, const char* what);
  std::vector<float> ConstFloats(Node& node, int slot, const char* what);
  // Accepts the input's element type when listed; otherwise the node is
  // unsupported, naming the types Ember's op takes.
  void RequireType(Node& node, int slot, std::initializer_list<TensorType> types);
  // Largest tensor the importer makes, in elements (as the kernels' bound on
  // dim products, halved), and the largest constant it builds itself
  // (ConstantOfShape, gather indices). Attributes asking for more are a
  // malformed model, not a reason to allocate gigabytes at conversion time.
  static constexpr int64_t kMaxElements = int64_t{1} << 28;
  static constexpr int64_t kMaxBuiltConstant = int64_t{1} << 24;
  // Fails when `shape` has more than `limit` elements.
  void CheckSize(const Node& node, const std::vector<int32_t>& shape, int64_t limit,
                 const char* what) const;
  // Normalizes axis `axis` of a rank-`rank` tensor (negative counts from the
  // end); out of range is a malformed model.
  int32_t Axis(const Node& node, int64_t axis, int rank) const;

  void DefineSource(Node& node, int slot, int tensor);
  void DefineChannelsLast(Node& node, int slot, int tensor);
  void DefineValue(Node& node, int slot, const Value& value);

  // Emits an op whose kernel computes the output shape(s) (and values, when
  // every input is constant).
  int Emit(OpCode code, std::vector<int> inputs, TensorType type, const std::string& name,
           schema::OpOptionsUnion options = {});
  std::vector<int> EmitN(OpCode code, std::vector<int> inputs, TensorType type,
                         const std::string& name, int count, schema::OpOptionsUnion options = {});
  // Emits an op whose output shape the op's kernel reads from the output
  // tensor (TransposeConv, resizes): `shape` is given.
  int EmitShaped(OpCode code, std::vector<int> inputs, TensorType type, std::vector<int32_t> shape,
                 const std::string& name, schema::OpOptionsUnion options = {});
  int Transpose(int tensor, std::vector<int32_t> perm, const std::string& name);
  int Reshape(int tensor, std::vector<int32_t> shape, const std::string& name);
  int Binary(OpCode code, int a, int b, const std::string& name);
  int ConstantBytes(const std::string& name, TensorType type, std::vector<int32_t> shape,
                    std::vector<uint8_t> bytes) {
    return ir_.AddConstant(name, type, std::move(shape), std::move(bytes));
  }
  template <typename T>
  int Constant(const std::string& name, std::vector<int32_t> shape, const std::vector<T>& values) {
    return ir_.AddConstantOf<T>(name, std::move(shape), values);
  }
  int ScalarFloat(const std::string& name, float value) {
    return Constant<float>(name, {}, {value});
  }
  // The elementwise inputs `slots` of `node` in one layout, ready for
  // numpy-style broadcasting: channels-last when an input of the highest rank
  // is held so, with lower-rank inputs padded with leading 1s and permuted
  // alike. Sets *channels_last to the layout chosen.
  std::vector<int> BroadcastInputs(Node& node, const std::vector<int>& slots, bool* channels_last);
  // Defines output `slot` as `tensor` in the layout `channels_last` says.
  void DefineInLayout(Node& node, int slot, int tensor, bool channels_last);
  // The input as it is held (its channels-last form when it has one) and
  // whether that is channels-last: for ops that work in either layout.
  std::pair<int, bool> InAnyLayout(Node& node, int slot);
  // Emits `code` on int64 constants through int32 (Ember's integer kernels
  // compute in int32, which shape arithmetic fits). Unsupported when a value
  // does not fit or an input is not constant.
  int EmitInt64AsInt32(OpCode code, const std::vector<int>& inputs, const std::string& name);
  // The base name for the IR tensors made for `node`.
  std::string Name(const Node& node, const std::string& suffix = "") const;

  // ---- op mappings ----
  // import_elementwise.cc
  void UnaryOp(Node& node);
  void BinaryOp(Node& node);
  void VariadicOp(Node& node);
  void Comparison(Node& node);
  void Logical(Node& node);
  void Where(Node& node);
  void LeakyRelu(Node& node);
  void Elu(Node& node);
  void Selu(Node& node);
  void Celu(Node& node);
  void HardSigmoid(Node& node);
  void PRelu(Node& node);
  void Clip(Node& node);
  void Abs(Node& node);
  void Reciprocal(Node& node);
  void Softsign(Node& node);
  void Pow(Node& node);
  void Identity(Node& node);
  void Dropout(Node& node);
  void Cast(Node& node);
  void QuantizeLinear(Node& node);
  void DequantizeLinear(Node& node);
  // import_nn.cc
  void Conv(Node& node);
  void ConvTranspose(Node& node);
  void Gemm(Node& node);
  void MatMul(Node& node);
  void Pool(Node& node);
  void GlobalPool(Node& node);
  void BatchNormalization(Node& node);
  void InstanceNormalization(Node& node);
  void LayerNormalization(Node& node);
  void MeanVarianceNormalization(Node& node);
  void Softmax(Node& node);
  void Reduce(Node& node);
  void ArgMinMax(Node& node);
  void Resize(Node& node);
  void DepthToSpace(Node& node);
  void SpaceToDepth(Node& node);
  // import_shape.cc
  void ReshapeOp(Node& node);
  void Flatten(Node& node);
  void Squeeze(Node& node);
  void Unsqueeze(Node& node);
  void TransposeOp(Node& node);
  void Concat(Node& node);
  void Split(Node& node);
  void Slice(Node& node);
  void Pad(Node& node);
  void Gather(Node& node);
  void OneHot(Node& node);
  void Shape(Node& node);
  void Size(Node& node);
  void ConstantOp(Node& node);
  void ConstantOfShape(Node& node);
  void Expand(Node& node);
  void Tile(Node& node);

 private:
  // ---- driver (import.cc) ----
  int DefaultOpset() const;
  std::vector<int> NeededNodes(const std::vector<std::string>& inputs,
                               const std::vector<std::string>& outputs) const;
  void AddModelInputs(const std::vector<std::string>& inputs);
  void MapNode(int index);
  void AddModelOutputs(const std::vector<std::string>& outputs);
  const onnx::ValueInfoProto* DeclaredValue(const std::string& name) const;
  // The value named `name` as defined so far, decoding an initializer on
  // first use; null when nothing defines it (yet).
  Value* Find(const std::string& name);
  void Record(const std::string& op_type, const std::string& node, const std::string& reason);

  const onnx::ModelProto& model_;
  const onnx::GraphProto& graph_;
  const ConvertOptions& options_;
  ConvertReport* report_;
  int opset_ = 0;
  IrGraph ir_;
  std::map<std::string, Value> values_;
  std::map<std::string, const onnx::TensorProto*> initializers_;
  std::set<std::string> sparse_initializers_;
  // Values whose producer could not be mapped: their consumers are skipped,
  // since the producer is reported already.
  std::set<std::string> unavailable_;
  std::vector<OnnxUnsupported> unsupported_;
  // The node being mapped, for the IR ops' origin.
  std::string origin_;
  bool rounding_noted_ = false;
};

}  // namespace ember::convert::onnx_import

#endif  // EMBER_CONVERTER_ONNX_IMPORTER_H_
