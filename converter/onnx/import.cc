#include "converter/onnx/import.h"

#include <algorithm>

#include "converter/error.h"
#include "converter/ir/evaluate.h"
#include "converter/onnx/importer.h"
#include "converter/onnx/model_reader.h"
#include "converter/read_file.h"
#include "interpreter/tensor.h"

namespace ember::convert {

namespace {

std::string UnsupportedMessage(const std::vector<OnnxUnsupported>& features) {
  // One line per (op type, reason), naming its nodes, in first-seen order.
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> nodes;
  for (const OnnxUnsupported& feature : features) {
    const auto key = std::make_pair(feature.op_type, feature.reason);
    if (nodes.count(key) == 0) keys.push_back(key);
    nodes[key].push_back(feature.node);
  }
  std::string message = "unsupported ops:";
  for (const auto& key : keys) {
    const std::vector<std::string>& names = nodes[key];
    message += "\n  " + key.first + " (" + std::to_string(names.size()) + "): " + key.second + ": ";
    for (size_t i = 0; i < names.size() && i < 8; ++i) message += (i ? ", " : "") + names[i];
    if (names.size() > 8) message += ", ...";
  }
  return message;
}

}  // namespace

OnnxUnsupportedError::OnnxUnsupportedError(std::vector<OnnxUnsupported> features)
    : UnsupportedOpsError(UnsupportedMessage(features)), features_(std::move(features)) {}

namespace onnx_import {

// ---- layouts ----

std::vector<int32_t> ToChannelsLast(int rank) {
  std::vector<int32_t> perm = {0};
  for (int d = 2; d < rank; ++d) perm.push_back(d);
  perm.push_back(1);
  return perm;
}

std::vector<int32_t> FromChannelsLast(int rank) {
  std::vector<int32_t> perm = {0, rank - 1};
  for (int d = 1; d < rank - 1; ++d) perm.push_back(d);
  return perm;
}

int32_t ChannelsLastAxis(int32_t axis, int rank) {
  if (axis == 0) return 0;
  return axis == 1 ? rank - 1 : axis - 1;
}

// ---- nodes ----

Node::Node(const onnx::NodeProto& proto, int index) : proto_(proto) {
  if (!proto.name().empty()) {
    name_ = proto.name();
  } else if (proto.output_size() > 0 && !proto.output(0).empty()) {
    name_ = proto.output(0);
  } else {
    name_ = "#" + std::to_string(index);
  }
}

std::string Node::Describe() const { return op_type() + " node '" + name_ + "'"; }

const onnx::AttributeProto* Node::Find(const std::string& attribute,
                                       onnx::AttributeProto::AttributeType type) {
  for (const onnx::AttributeProto& entry : proto_.attribute()) {
    if (entry.name() != attribute) continue;
    used_.insert(attribute);
    // Files from before IR version 2 may leave the type out.
    bool matches = entry.type() == type;
    if (entry.type() == onnx::AttributeProto::UNDEFINED) {
      switch (type) {
        case onnx::AttributeProto::INT:
          matches = entry.has_i();
          break;
        case onnx::AttributeProto::FLOAT:
          matches = entry.has_f();
          break;
        case onnx::AttributeProto::STRING:
          matches = entry.has_s();
          break;
        case onnx::AttributeProto::TENSOR:
          matches = entry.has_t();
          break;
        case onnx::AttributeProto::INTS:
          matches = entry.ints_size() > 0;
          break;
        case onnx::AttributeProto::FLOATS:
          matches = entry.floats_size() > 0;
          break;
        default:
          break;
      }
    }
    if (!matches) {
      throw ConvertError(Describe() + ": attribute '" + attribute + "' has type " +
                         onnx::AttributeProto::AttributeType_Name(entry.type()) + ", expected " +
                         onnx::AttributeProto::AttributeType_Name(type));
    }
    return &entry;
  }
  return nullptr;
}

bool Node::Has(const std::string& attribute) {
  for (const onnx::AttributeProto& entry : proto_.attribute()) {
    if (entry.name() == attribute) return true;
  }
  return false;
}

int64_t Node::Int(const std::string& attribute, int64_t fallback) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::INT);
  return entry != nullptr ? entry->i() : fallback;
}

float Node::Float(const std::string& attribute, float fallback) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::FLOAT);
  return entry != nullptr ? entry->f() : fallback;
}

std::string Node::String(const std::string& attribute, const std::string& fallback) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::STRING);
  return entry != nullptr ? entry->s() : fallback;
}

std::vector<int64_t> Node::Ints(const std::string& attribute, std::vector<int64_t> fallback) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::INTS);
  if (entry == nullptr) return fallback;
  return std::vector<int64_t>(entry->ints().begin(), entry->ints().end());
}

std::vector<float> Node::Floats(const std::string& attribute, std::vector<float> fallback) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::FLOATS);
  if (entry == nullptr) return fallback;
  return std::vector<float>(entry->floats().begin(), entry->floats().end());
}

const onnx::TensorProto* Node::Tensor(const std::string& attribute) {
  const onnx::AttributeProto* entry = Find(attribute, onnx::AttributeProto::TENSOR);
  return entry != nullptr ? &entry->t() : nullptr;
}

std::vector<std::string> Node::UnreadAttributes() const {
  std::vector<std::string> unread;
  for (const onnx::AttributeProto& entry : proto_.attribute()) {
    if (used_.count(entry.name()) == 0) unread.push_back(entry.name());
  }
  return unread;
}

// ---- the importer ----

const std::unordered_map<std::string, OpMapping>& Importer::Table() {
  static const std::unordered_map<std::string, OpMapping> table = {
      {"Relu", &Importer::UnaryOp},
      {"Sigmoid", &Importer::UnaryOp},
      {"Tanh", &Importer::UnaryOp},
      {"Exp", &Importer::UnaryOp},
      {"Sqrt", &Importer::UnaryOp},
      {"Neg", &Importer::UnaryOp},
      {"Sign", &Importer::UnaryOp},
      {"Floor", &Importer::UnaryOp},
      {"HardSwish", &Importer::UnaryOp},
      {"Add", &Importer::BinaryOp},
      {"Sub", &Importer::BinaryOp},
      {"Mul", &Importer::BinaryOp},
      {"Div", &Importer::BinaryOp},
      {"Max", &Importer::VariadicOp},
      {"Min", &Importer::VariadicOp},
      {"Sum", &Importer::VariadicOp},
      {"Mean", &Importer::VariadicOp},
      {"Less", &Importer::Comparison},
      {"LessOrEqual", &Importer::Comparison},
      {"Greater", &Importer::Comparison},
      {"GreaterOrEqual", &Importer::Comparison},
      {"Equal", &Importer::Comparison},
      {"And", &Importer::Logical},
      {"Or", &Importer::Logical},
      {"Not", &Importer::Logical},
      {"Where", &Importer::Where},
      {"LeakyRelu", &Importer::LeakyRelu},
      {"Elu", &Importer::Elu},
      {"Selu", &Importer::Selu},
      {"Celu", &Importer::Celu},
      {"HardSigmoid", &Importer::HardSigmoid},
      {"PRelu", &Importer::PRelu},
      {"Clip", &Importer::Clip},
      {"Abs", &Importer::Abs},
      {"Reciprocal", &Importer::Reciprocal},
      {"Softsign", &Importer::Softsign},
      {"Pow", &Importer::Pow},
      {"Identity", &Importer::Identity},
      {"Dropout", &Importer::Dropout},
      {"Cast", &Importer::Cast},
      {"QuantizeLinear", &Importer::QuantizeLinear},
      {"DequantizeLinear", &Importer::DequantizeLinear},
      {"Conv", &Importer::Conv},
      {"ConvTranspose", &Importer::ConvTranspose},
      {"Gemm", &Importer::Gemm},
      {"MatMul", &Importer::MatMul},
      {"MaxPool", &Importer::Pool},
      {"AveragePool", &Importer::Pool},
      {"GlobalAveragePool", &Importer::GlobalPool},
      {"GlobalMaxPool", &Importer::GlobalPool},
      {"BatchNormalization", &Importer::BatchNormalization},
      {"InstanceNormalization", &Importer::InstanceNormalization},
      {"LayerNormalization", &Importer::LayerNormalization},
      {"MeanVarianceNormalization", &Importer::MeanVarianceNormalization},
      {"Softmax", &Importer::Softmax},
      {"ReduceMean", &Importer::Reduce},
      {"ReduceSum", &Importer::Reduce},
      {"ReduceMax", &Importer::Reduce},
      {"ReduceSumSquare", &Importer::Reduce},
      {"ReduceL1", &Importer::Reduce},
      {"ReduceL2", &Importer::Reduce},
      {"ArgMax", &Importer::ArgMinMax},
      {"ArgMin", &Importer::ArgMinMax},
      {"Resize", &Importer::Resize},
      {"Upsample", &Importer::Resize},
      {"DepthToSpace", &Importer::DepthToSpace},
      {"SpaceToDepth", &Importer::SpaceToDepth},
      {"Reshape", &Importer::ReshapeOp},
      {"Flatten", &Importer::Flatten},
      {"Squeeze", &Importer::Squeeze},
      {"Unsqueeze", &Importer::Unsqueeze},
      {"Transpose", &Importer::TransposeOp},
      {"Concat", &Importer::Concat},
      {"Split", &Importer::Split},
      {"Slice", &Importer::Slice},
      {"Pad", &Importer::Pad},
      {"Gather", &Importer::Gather},
      {"OneHot", &Importer::OneHot},
      {"Shape", &Importer::Shape},
      {"Size", &Importer::Size},
      {"Constant", &Importer::ConstantOp},
      {"ConstantOfShape", &Importer::ConstantOfShape},
      {"Expand", &Importer::Expand},
      {"Tile", &Importer::Tile},
  };
  return table;
}

Importer::Importer(const onnx::ModelProto& model, const ConvertOptions& options,
                   ConvertReport* report)
    : model_(model), graph_(model.graph()), options_(options), report_(report) {}

namespace {

bool IsDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d) text += (d ? "," : "") + std::to_string(shape[d]);
  return text + "]";
}

}  // namespace

int Importer::DefaultOpset() const {
  for (const onnx::OperatorSetIdProto& entry : model_.opset_import()) {
    if (IsDefaultDomain(entry.domain())) return static_cast<int>(entry.version());
  }
  return 0;
}

IrGraph Importer::Run() {
  opset_ = DefaultOpset();
  std::string producer = model_.producer_name();
  if (!model_.producer_version().empty()) producer += " " + model_.producer_version();
  report_->source_format = "ONNX (opset " + std::to_string(opset_) +
                           (producer.empty() ? ")" : ", from " + producer + ")");
  report_->source_nodes = graph_.node_size();
  report_->steps.push_back({"read", graph_.node_size()});

  for (const onnx::TensorProto& initializer : graph_.initializer()) {
    if (initializer.name().empty()) {
      throw ConvertError("the graph has an initializer without a name");
    }
    if (!initializers_.emplace(initializer.name(), &initializer).second) {
      throw ConvertError("initializer '" + initializer.name() + "' is defined twice");
    }
  }
  for (const onnx::SparseTensorProto& sparse : graph_.sparse_initializer()) {
    sparse_initializers_.insert(sparse.values().name());
  }

  std::vector<std::string> inputs = options_.inputs;
  if (inputs.empty()) {
    for (const onnx::ValueInfoProto& input : graph_.input()) {
      // Since IR version 4 an input may have an initializer, its default
      // value; without --inputs naming it, it is that constant.
      if (initializers_.count(input.name()) == 0) inputs.push_back(input.name());
    }
  }
  std::vector<std::string> outputs = options_.outputs;
  if (outputs.empty()) {
    for (const onnx::ValueInfoProto& output : graph_.output()) outputs.push_back(output.name());
  }
  if (outputs.empty()) throw ConvertError("the graph has no outputs");

  const std::vector<int> needed = NeededNodes(inputs, outputs);
  for (int index : needed) {
    const onnx::NodeProto& node = graph_.node(index);
    const std::string name = Node(node, index).name();
    if (!IsDefaultDomain(node.domain())) {
      Record(node.domain() + "." + node.op_type(), name,
             "op set domain '" + node.domain() + "' is not supported");
    } else if (opset_ == 0) {
      throw ConvertError("node '" + name +
                         "' is an ONNX op, but the model imports no version of the default ONNX "
                         "op set (opset_import)");
    } else if (Table().count(node.op_type()) == 0) {
      Record(node.op_type(), name, "no Ember equivalent");
    }
  }
  for (const auto& [name, shape] : options_.input_shapes) {
    if (std::find(inputs.begin(), inputs.end(), name) == inputs.end()) {
      throw ConvertError("--input-shape names '" + name + "', which is not a model input");
    }
  }
  AddModelInputs(inputs);
  for (int index : needed) MapNode(index);
  if (!unsupported_.empty()) throw OnnxUnsupportedError(unsupported_);
  try {
    AddModelOutputs(outputs);
  } catch (const NodeUnsupported& unsupported) {
    // An output that is an initializer of a type Ember lacks.
    Record("graph output", "", unsupported.what());
    throw OnnxUnsupportedError(unsupported_);
  }
  if (std::all_of(ir_.outputs.begin(), ir_.outputs.end(), [&](int t) { return T(t).constant; })) {
    // Nothing would be left to run, and an Ember model needs an op.
    std::vector<OnnxUnsupported> constant;
    for (const std::string& name : outputs) {
      constant.push_back({"graph output", name,
                          "every output is a constant (independent of the "
                          "inputs); an Ember model needs at least one op"});
    }
    throw OnnxUnsupportedError(constant);
  }

  ir_.Compact();
  report_->steps.push_back({"map-to-ember", static_cast<int>(ir_.live_op_count())});
  return std::move(ir_);
}

std::vector<int> Importer::NeededNodes(const std::vector<std::string>& inputs,
                                       const std::vector<std::string>& outputs) const {
  std::map<std::string, int> producer;
  for (int n = 0; n < graph_.node_size(); ++n) {
    for (const std::string& output : graph_.node(n).output()) {
      if (output.empty()) continue;
      if (!producer.emplace(output, n).second) {
        throw ConvertError("value '" + output + "' is written by two nodes ('" +
                           Node(graph_.node(producer[output]), producer[output]).name() +
                           "' and '" + Node(graph_.node(n), n).name() + "')");
      }
    }
  }
  const std::set<std::string> fed(inputs.begin(), inputs.end());
  std::set<int> needed;
  std::set<std::string> seen;
  std::vector<std::string> pending(outputs.begin(), outputs.end());
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    if (!seen.insert(name).second || fed.count(name) != 0 || initializers_.count(name) != 0 ||
        sparse_initializers_.count(name) != 0) {
      continue;
    }
    const auto found = producer.find(name);
    if (found == producer.end()) {
      throw ConvertError("value '" + name +
                         "' is used, but no node, graph input or initializer defines it");
    }
    needed.insert(found->second);
    for (const std::string& input : graph_.node(found->second).input()) {
      if (!input.empty()) pending.push_back(input);
    }
  }
  return std::vector<int>(needed.begin(), needed.end());
}

const onnx::ValueInfoProto* Importer::DeclaredValue(const std::string& name) const {
  for (const auto* list : {&graph_.input(), &graph_.value_info(), &graph_.output()}) {
    for (const onnx::ValueInfoProto& info : *list) {
      if (info.name() == name) return &info;
    }
  }
  return nullptr;
}

void Importer::Record(const std::string& op_type, const std::string& node,
                      const std::string& reason) {
  unsupported_.push_back({op_type, node, reason});
}

void Importer::AddModelInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> symbolic;
  for (const std::string& name : inputs) {
    if (values_.count(name) != 0) throw ConvertError("input '" + name + "' is named twice");
    const onnx::ValueInfoProto* info = DeclaredValue(name);
    if (info == nullptr || !info->has_type()) {
      throw ConvertError("input '" + name + "' has no declared type (graph input or value_info)");
    }
    if (!info->type().has_tensor_type()) {
      Record("graph input", name, "inputs that are not tensors (sequences, maps, optionals)");
      unavailable_.insert(name);
      continue;
    }
    const onnx::TypeProto::Tensor& tensor_type = info->type().tensor_type();
    TensorType type;
    if (!EmberTypeOf(tensor_type.elem_type(), &type)) {
      Record("graph input", name,
             "element type " + OnnxTypeName(tensor_type.elem_type()) + " has no Ember equivalent");
      unavailable_.insert(name);
      continue;
    }
    std::vector<int32_t> shape;
    const auto given = options_.input_shapes.find(name);
    if (given != options_.input_shapes.end()) {
      shape = given->second;
    } else if (tensor_type.has_shape()) {
      for (const onnx::TensorShapeProto::Dimension& dim : tensor_type.shape().dim()) {
        if (dim.has_dim_value()) {
          if (dim.dim_value() < 0 || dim.dim_value() > INT32_MAX) {
            throw ConvertError("input '" + name + "': dimension " +
                               std::to_string(dim.dim_value()) + " is out of range");
          }
          shape.push_back(static_cast<int32_t>(dim.dim_value()));
        } else {
          shape.push_back(1);
          if (symbolic.empty() || symbolic.back() != name) symbolic.push_back(name);
        }
      }
    } else {
      throw ConvertError("input '" + name + "' has no shape: give it with --input-shape " + name +
                         "=d0,d1,...");
    }
    int64_t count = 1;
    for (int32_t dim : shape) {
      count *= std::max(dim, 1);
      if (dim < 0 || count > kMaxElements) {
        throw ConvertError("input '" + name + "': shape " + ShapeString(shape) +
                           " is out of range");
      }
    }
    if (static_cast<int>(shape.size()) > kMaxRank) {
      Record("graph input", name,
             "rank " + std::to_string(shape.size()) + " is above Ember's limit of " +
                 std::to_string(kMaxRank));
      unavailable_.insert(name);
      continue;
    }
    Value value;
    value.type = type;
    value.shape = shape;
    const int rank = static_cast<int>(shape.size());
    if (options_.channels_last_io && rank == 4) {
      std::vector<int32_t> nhwc;
      for (int32_t d : ToChannelsLast(rank)) nhwc.push_back(shape[d]);
      value.channels_last = ir_.AddTensor(name, type, nhwc);
      ir_.inputs.push_back(value.channels_last);
    } else {
      value.source = ir_.AddTensor(name, type, shape);
      ir_.inputs.push_back(value.source);
    }
    values_[name] = value;
  }
  for (const std::string& name : symbolic) {
    report_->notes.push_back("input '" + name + "' has symbolic dimensions: set to 1, shape " +
                             ShapeString(values_[name].shape) + " (use --input-shape)");
  }
}

void Importer::MapNode(int index) {
  const onnx::NodeProto& proto = graph_.node(index);
  Node node(proto, index);
  origin_ = node.name() + " (" + node.op_type() + ")";
  auto give_up = [&]() {
    for (const std::string& output : proto.output()) {
      if (output.empty()) continue;
      values_.erase(output);
      unavailable_.insert(output);
    }
  };
  if (!IsDefaultDomain(proto.domain()) || Table().count(proto.op_type()) == 0) {
    give_up();
    return;
  }
  try {
    for (const std::string& input : proto.input()) {
      if (input.empty()) continue;
      if (unavailable_.count(input) != 0) {
        // Downstream of something unsupported, which is reported already.
        give_up();
        return;
      }
      if (Find(input) == nullptr) {
        throw ConvertError(node.Describe() + ": input '" + input +
                           "' is not defined before the node (nodes must be in topological "
                           "order)");
      }
    }
    (this->*Table().at(proto.op_type()))(node);
    const std::vector<std::string> unread = node.UnreadAttributes();
    if (!unread.empty()) {
      std::string reason = "attribute";
      if (unread.size() > 1) reason += "s";
      for (size_t i = 0; i < unread.size(); ++i) reason += (i ? ", '" : " '") + unread[i] + "'";
      throw NodeUnsupported(reason + " not supported");
    }
    for (int slot = 0; slot < node.num_outputs(); ++slot) {
      if (node.HasOutput(slot) && values_.count(node.output(slot)) == 0) {
        throw NodeUnsupported("output " + std::to_string(slot) + " is not supported");
      }
    }
  } catch (const NodeUnsupported& unsupported) {
    Record(proto.op_type(), node.name(), unsupported.what());
    give_up();
  }
}

void Importer::AddModelOutputs(const std::vector<std::string>& outputs) {
  for (const std::string& name : outputs) {
    Value* value = Find(name);
    if (value == nullptr) throw ConvertError("output '" + name + "' is not computed by the graph");
    int tensor =
        options_.channels_last_io && value->rank() == 4 ? ChannelsLast(*value) : Source(*value);
    const bool taken =
        std::find(ir_.inputs.begin(), ir_.inputs.end(), tensor) != ir_.inputs.end() ||
        std::find(ir_.outputs.begin(), ir_.outputs.end(), tensor) != ir_.outputs.end();
    if (taken) {
      // One tensor cannot carry two names; give the output its own copy.
      origin_ = name + " (graph output)";
      tensor = Reshape(tensor, T(tensor).shape, name);
    }
    // Another tensor may carry the name (the output's other layout); a model
    // input keeps its name even when the graph lists it as an output too.
    for (size_t t = 0; t < ir_.tensors.size(); ++t) {
      const bool input = std::find(ir_.inputs.begin(), ir_.inputs.end(), t) != ir_.inputs.end();
      if (ir_.tensors[t].name == name && !input) ir_.tensors[t].name += "/inner";
    }
    ir_.tensors[tensor].name = name;
    ir_.outputs.push_back(tensor);
  }
}

Value* Importer::Find(const std::string& name) {
  const auto defined = values_.find(name);
  if (defined != values_.end()) return &defined->second;
  const auto initializer = initializers_.find(name);
  if (initializer != initializers_.end()) {
    const onnx::TensorProto& proto = *initializer->second;
    TensorType type;
    if (!EmberTypeOf(proto.data_type(), &type)) {
      Unsupported("initializer '" + name + "' has element type " + OnnxTypeName(proto.data_type()) +
                  ", which Ember lacks");
    }
    OnnxTensor tensor = DecodeTensor(proto, "initializer '" + name + "'");
    if (static_cast<int>(tensor.shape.size()) > kMaxRank) {
      Unsupported("initializer '" + name + "' has rank " + std::to_string(tensor.shape.size()) +
                  ", above Ember's limit of " + std::to_string(kMaxRank));
    }
    Value value;
    value.type = type;
    value.shape = tensor.shape;
    value.source = ir_.AddConstant(name, type, tensor.shape, std::move(tensor.data));
    return &(values_[name] = value);
  }
  if (sparse_initializers_.count(name) != 0) {
    Unsupported("sparse initializer '" + name + "'");
  }
  return nullptr;
}

// ---- plumbing ----

void Importer::Fail(const Node& node, const std::string& message) const {
  throw ConvertError(node.Describe() + ": " + message);
}

Value& Importer::In(Node& node, int slot) {
  if (!node.HasInput(slot)) Fail(node, "input " + std::to_string(slot) + " is required");
  Value* value = Find(node.input(slot));
  if (value == nullptr) Fail(node, "input '" + node.input(slot) + "' is not defined");
  return *value;
}

int Importer::Source(Value& value) {
  if (value.source < 0) {
    value.source = Transpose(value.channels_last, FromChannelsLast(value.rank()),
                             T(value.channels_last).name + "/nchw");
  }
  return value.source;
}

int Importer::ChannelsLast(Value& value) {
  if (value.rank() < 3) return Source(value);
  if (value.channels_last < 0) {
    value.channels_last =
        Transpose(value.source, ToChannelsLast(value.rank()), T(value.source).name + "/nhwc");
  }
  return value.channels_last;
}

bool Importer::IsConstant(const Value& value) const {
  return T(value.source >= 0 ? value.source : value.channels_last).constant;
}

std::vector<int64_t> Importer::ConstInts(Node& node, int slot, const char* what) {
  Value& value = In(node, slot);
  if (!IsConstant(value)) {
    Unsupported(std::string(what) + " (input " + std::to_string(slot) + ") must be a constant");
  }
  if (value.type == TensorType::FLOAT32) Fail(node, std::string(what) + " must be integers");
  return T(Source(value)).AsInts();
}

std::vector<float> Importer::ConstFloats(Node& node, int slot, const char* what) {
  Value& value = In(node, slot);
  if (!IsConstant(value)) {
    Unsupported(std::string(what) + " (input " + std::to_string(slot) + ") must be a constant");
  }
  return T(Source(value)).AsFloats();
}

void Importer::RequireType(Node& node, int slot, std::initializer_list<TensorType> types) {
  const TensorType type = In(node, slot).type;
  if (std::find(types.begin(), types.end(), type) != types.end()) return;
  std::string takes;
  for (TensorType accepted : types) {
    takes += std::string(takes.empty() ? "" : ", ") + TensorTypeName(accepted);
  }
  Unsupported(std::string("element type ") + TensorTypeName(type) + " (Ember's mapping takes " +
              takes + ")");
}

void Importer::CheckSize(const Node& node, const std::vector<int32_t>& shape, int64_t limit,
                         const char* what) const {
  int64_t count = 1;
  for (int32_t dim : shape) {
    if (dim < 0) Fail(node, std::string(what) + " has a negative dim");
    count *= dim;
    if (count > limit) {
      Fail(node, std::string(what) + " " + ShapeString(shape) + " has more than " +
                     std::to_string(limit) + " elements");
    }
  }
}

int32_t Importer::Axis(const Node& node, int64_t axis, int rank) const {
  if (axis < -rank || axis >= rank) {
    Fail(node,
         "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  }
  return static_cast<int32_t>(axis < 0 ? axis + rank : axis);
}

void Importer::DefineValue(Node& node, int slot, const Value& value) {
  if (!node.HasOutput(slot)) return;
  if (value.rank() > kMaxRank) {
    Unsupported("output rank " + std::to_string(value.rank()) + " is above Ember's limit of " +
                std::to_string(kMaxRank));
  }
  if (!values_.emplace(node.output(slot), value).second) {
    Fail(node, "output '" + node.output(slot) + "' is defined twice");
  }
}

void Importer::DefineSource(Node& node, int slot, int tensor) {
  Value value;
  value.type = T(tensor).type;
  value.shape = T(tensor).shape;
  value.source = tensor;
  DefineValue(node, slot, value);
}

void Importer::DefineChannelsLast(Node& node, int slot, int tensor) {
  const int rank = static_cast<int>(T(tensor).shape.size());
  if (rank < 3) {
    DefineSource(node, slot, tensor);
    return;
  }
  Value value;
  value.type = T(tensor).type;
  value.shape.resize(rank);
  const std::vector<int32_t> perm = ToChannelsLast(rank);
  for (int d = 0; d < rank; ++d) value.shape[perm[d]] = T(tensor).shape[d];
  value.channels_last = tensor;
  DefineValue(node, slot, value);
}

void Importer::DefineInLayout(Node& node, int slot, int tensor, bool channels_last) {
  if (channels_last) {
    DefineChannelsLast(node, slot, tensor);
  } else {
    DefineSource(node, slot, tensor);
  }
}

std::pair<int, bool> Importer::InAnyLayout(Node& node, int slot) {
  Value& value = In(node, slot);
  if (HasChannelsLast(value)) return {value.channels_last, true};
  return {Source(value), false};
}

std::string Importer::Name(const Node& node, const std::string& suffix) const {
  const std::string base = node.HasOutput(0) ? node.output(0) : node.name();
  return suffix.empty() ? base : base + "/" + suffix;
}

std::vector<int> Importer::EmitN(OpCode code, std::vector<int> inputs, TensorType type,
                                 const std::string& name, int count,
                                 schema::OpOptionsUnion options) {
  std::vector<int> outputs;
  for (int k = 0; k < count; ++k) {
    outputs.push_back(ir_.AddTensor(k == 0 ? name : name + ":" + std::to_string(k), type, {}));
  }
  const int op = ir_.AddOp(code, std::move(inputs), outputs, std::move(options), origin_);
  InferOp(ir_, op, /*fold=*/true);
  return outputs;
}

int Importer::Emit(OpCode code, std::vector<int> inputs, TensorType type, const std::string& name,
                   schema::OpOptionsUnion options) {
  return EmitN(code, std::move(inputs), type, name, 1, std::move(options))[0];
}

int Importer::EmitShaped(OpCode code, std::vector<int> inputs, TensorType type,
                         std::vector<int32_t> shape, const std::string& name,
                         schema::OpOptionsUnion options) {
  const int output = ir_.AddTensor(name, type, std::move(shape));
  const int op = ir_.AddOp(code, std::move(inputs), {output}, std::move(options), origin_);
  InferOp(ir_, op, /*fold=*/true);
  return output;
}

int Importer::Transpose(int tensor, std::vector<int32_t> perm, const std::string& name) {
  if (static_cast<int>(perm.size()) > kMaxRank) {
    Unsupported("rank " + std::to_string(perm.size()) + " (Ember's limit is " +
                std::to_string(kMaxRank) + ")");
  }
  // Moving only dims of size 1 keeps the elements in order: a reshape, which
  // costs nothing at run time ([1, C, 1, 1] <-> [1, 1, 1, C]).
  const std::vector<int32_t> shape = T(tensor).shape;
  if (perm.size() == shape.size()) {
    std::vector<int32_t> moved;
    int32_t previous = -1;
    bool in_order = true;
    for (int32_t d : perm) {
      if (d < 0 || d >= static_cast<int32_t>(shape.size())) break;
      moved.push_back(shape[d]);
      if (shape[d] == 1) continue;
      in_order &= d > previous;
      previous = d;
    }
    if (in_order && moved.size() == perm.size()) return Reshape(tensor, moved, name);
  }
  schema::TransposeOptionsT options;
  options.perm = std::move(perm);
  return Emit(OpCode::TRANSPOSE, {tensor}, T(tensor).type, name, Options(options));
}

int Importer::Reshape(int tensor, std::vector<int32_t> shape, const std::string& name) {
  if (static_cast<int>(shape.size()) > kMaxRank) {
    Unsupported("rank " + std::to_string(shape.size()) + " (Ember's limit is " +
                std::to_string(kMaxRank) + ")");
  }
  schema::ReshapeOptionsT options;
  options.new_shape = std::move(shape);
  return Emit(OpCode::RESHAPE, {tensor}, T(tensor).type, name, Options(options));
}

int Importer::Binary(OpCode code, int a, int b, const std::string& name) {
  schema::OpOptionsUnion options;
  if (code == OpCode::ADD || code == OpCode::SUB || code == OpCode::MUL || code == OpCode::DIV) {
    options = Options(schema::ArithmeticOptionsT());
  }
  return Emit(code, {a, b}, T(a).type, name, std::move(options));
}

int Importer::EmitInt64AsInt32(OpCode code, const std::vector<int>& inputs,
                               const std::string& name) {
  std::vector<int> narrowed;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!T(inputs[k]).constant) Unsupported("int64 arithmetic on values computed at run time");
    for (int64_t value : T(inputs[k]).AsInts()) {
      if (value < INT32_MIN || value > INT32_MAX) Unsupported("int64 values beyond int32's range");
    }
    narrowed.push_back(
        Emit(OpCode::CAST, {inputs[k]}, TensorType::INT32, name + "/int32_" + std::to_string(k)));
  }
  schema::OpOptionsUnion options;
  if (code == OpCode::ADD || code == OpCode::SUB || code == OpCode::MUL || code == OpCode::DIV) {
    options = Options(schema::ArithmeticOptionsT());
  }
  const int result = Emit(code, narrowed, TensorType::INT32, name + "/int32", std::move(options));
  return Emit(OpCode::CAST, {result}, TensorType::INT64, name);
}

std::vector<int> Importer::BroadcastInputs(Node& node, const std::vector<int>& slots,
                                           bool* channels_last) {
  int rank = 0;
  for (int slot : slots) rank = std::max(rank, In(node, slot).rank());
  bool use_channels_last = false;
  if (rank >= 3) {
    for (int slot : slots) {
      const Value& value = In(node, slot);
      use_channels_last |= value.rank() == rank && HasChannelsLast(value);
    }
  }
  std::vector<int> tensors;
  for (int slot : slots) {
    Value& value = In(node, slot);
    if (!use_channels_last) {
      tensors.push_back(Source(value));
      continue;
    }
    if (value.rank() == rank) {
      tensors.push_back(ChannelsLast(value));
      continue;
    }
    // Numpy aligns trailing dims: pad with leading 1s, then permute like the
    // others. A value of all 1s broadcasts the same in any layout.
    const int source = Source(value);
    if (std::all_of(value.shape.begin(), value.shape.end(), [](int32_t d) { return d == 1; })) {
      tensors.push_back(source);
      continue;
    }
    std::vector<int32_t> padded(rank - value.rank(), 1);
    padded.insert(padded.end(), value.shape.begin(), value.shape.end());
    const std::string name = T(source).name;
    tensors.push_back(Transpose(Reshape(source, padded, name + "/rank" + std::to_string(rank)),
                                ToChannelsLast(rank), name + "/nhwc"));
  }
  *channels_last = use_channels_last;
  return tensors;
}

}  // namespace onnx_import

IrGraph ImportOnnx(const onnx::ModelProto& model, const ConvertOptions& options,
                   ConvertReport* report) {
  return onnx_import::Importer(model, options, report).Run();
}

ConvertResult ConvertOnnxModel(const onnx::ModelProto& model, const std::string& name,
                               const ConvertOptions& options) {
  ConvertReport report;
  IrGraph graph = ImportOnnx(model, options, &report);
  RunEmberPasses(graph, options, report);
  return FinishConversion(graph, "converted from " + name, std::move(report));
}

ConvertResult ConvertOnnx(const std::string& path, const ConvertOptions& options) {
  const onnx::ModelProto model = ParseModel(ReadFileBytes(path), "'" + path + "'");
  return ConvertOnnxModel(model, path.substr(path.find_last_of('/') + 1), options);
}

}  // namespace ember::convert
