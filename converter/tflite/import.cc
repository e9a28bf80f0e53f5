#include "converter/tflite/import.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "converter/error.h"
#include "converter/memory_plan.h"
#include "converter/model_builder.h"
#include "converter/passes/passes.h"
#include "converter/read_file.h"
#include "converter/tflite/tflite_schema_generated.h"
#include "interpreter/tensor.h"

namespace ember::convert {
namespace {

namespace fb = tflite_schema;
using schema::OpCode;
using schema::TensorType;

std::string ShapeString(const std::vector<int32_t>& shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d) text += (d ? "," : "") + std::to_string(shape[d]);
  return text + "]";
}

std::string OperatorName(int32_t code) {
  const char* name = fb::EnumNameBuiltinOperator(static_cast<fb::BuiltinOperator>(code));
  return *name != '\0' ? name : "BUILTIN_" + std::to_string(code);
}

std::string OptionsName(fb::BuiltinOptions type) {
  const char* name = fb::EnumNameBuiltinOptions(type);
  return *name != '\0' ? name : "options type " + std::to_string(static_cast<int>(type));
}

// An operator of the subgraph being imported.
struct SourceOp {
  int index;
  const fb::Operator* op;
  fb::BuiltinOperator code;
};

class Importer;
using ImportFn = void (Importer::*)(const SourceOp&);

class Importer {
 public:
  Importer(const std::vector<uint8_t>& file, const ConvertOptions& options, ConvertReport* report)
      : file_(file), options_(options), report_(report) {}

  IrGraph Run();
  static const std::map<fb::BuiltinOperator, ImportFn>& Table();

 private:
  // ---- reading the file ----
  const fb::Model* Verify() const;
  std::vector<SourceOp> ResolveOperators() const;
  int TensorCount() const { return tensors_ == nullptr ? 0 : static_cast<int>(tensors_->size()); }
  std::string TensorName(int32_t index) const {
    const fb::Tensor* tensor = tensors_->Get(static_cast<uint32_t>(index));
    return tensor->name() != nullptr ? tensor->name()->str() : "tensor_" + std::to_string(index);
  }
  // The constant bytes behind `buffer`: inside the flatbuffer, or a range of
  // the file for models too large for one flatbuffer. Empty for tensors
  // computed at run time.
  std::pair<const uint8_t*, size_t> BufferBytes(uint32_t buffer, const std::string& tensor) const;
  // The IR tensor for TFLite tensor `index`, created on first use so that
  // tensors nothing reads (and their types) do not matter.
  int Tensor(int32_t index);
  std::vector<int32_t> TensorIndices(const flatbuffers::Vector<int32_t>* list,
                                     const char* what) const;
  std::vector<int32_t> TensorsNamed(const std::vector<std::string>& names, const char* what) const;
  void CheckInputShapes() const;
  void CheckDataflow() const;
  void AddNotes() const;

  // ---- operators ----
  [[noreturn]] void Fail(const SourceOp& op, const std::string& message) const {
    throw ConvertError("operator " + std::to_string(op.index) + " (" +
                       OperatorName(static_cast<int32_t>(op.code)) + "): " + message);
  }
  void CheckArity(const SourceOp& op, int min_inputs, int max_inputs) const;
  // Input `slot`, or -1 when the optional input is absent.
  int OptionalIn(const SourceOp& op, int slot);
  int In(const SourceOp& op, int slot);
  // The TFLite index of the op's one output (CheckArity has run).
  int32_t OutIndex(const SourceOp& op) const;
  const IrTensor& T(int tensor) const { return graph_.tensors[tensor]; }
  // Values of a constant operand that Ember takes as an option instead.
  std::vector<int32_t> ConstInts(const SourceOp& op, int slot, const char* what);
  template <typename NativeT>
  NativeT OptionsOf(const SourceOp& op) const;
  schema::Padding PaddingOf(const SourceOp& op, fb::Padding padding) const;
  schema::Activation ActivationOf(const SourceOp& op, fb::ActivationFunctionType activation) const;
  void Emit(const SourceOp& op, OpCode code, std::vector<int> inputs,
            schema::OpOptionsUnion options = {});
  void NoteIfHybrid(const SourceOp& op, int input, int weights);

  void Conv2D(const SourceOp& op);
  void DepthwiseConv2D(const SourceOp& op);
  void FullyConnected(const SourceOp& op);
  void Pool(const SourceOp& op);
  void Reshape(const SourceOp& op);
  void Squeeze(const SourceOp& op);
  void Softmax(const SourceOp& op);
  void Arithmetic(const SourceOp& op);
  void Unary(const SourceOp& op);
  void Concatenation(const SourceOp& op);
  void Mean(const SourceOp& op);
  void Pad(const SourceOp& op);
  void Transpose(const SourceOp& op);
  void StridedSlice(const SourceOp& op);

  const std::vector<uint8_t>& file_;
  const ConvertOptions& options_;
  ConvertReport* report_;
  const fb::Model* model_ = nullptr;
  const flatbuffers::Vector<flatbuffers::Offset<fb::Tensor>>* tensors_ = nullptr;
  IrGraph graph_;
  std::vector<int> ir_tensor_;  // per TFLite tensor, -1 until used
  // TFLite tensors fed as model inputs; an operator writing one is cut off.
  std::set<int32_t> fed_;
  std::map<std::string, int> hybrid_ops_;
};

const std::map<fb::BuiltinOperator, ImportFn>& Importer::Table() {
  using Op = fb::BuiltinOperator;
  static const std::map<fb::BuiltinOperator, ImportFn> table = {
      {Op::CONV_2D, &Importer::Conv2D},
      {Op::DEPTHWISE_CONV_2D, &Importer::DepthwiseConv2D},
      {Op::FULLY_CONNECTED, &Importer::FullyConnected},
      {Op::AVERAGE_POOL_2D, &Importer::Pool},
      {Op::MAX_POOL_2D, &Importer::Pool},
      {Op::RESHAPE, &Importer::Reshape},
      {Op::SQUEEZE, &Importer::Squeeze},
      {Op::SOFTMAX, &Importer::Softmax},
      {Op::ADD, &Importer::Arithmetic},
      {Op::SUB, &Importer::Arithmetic},
      {Op::MUL, &Importer::Arithmetic},
      {Op::RELU, &Importer::Unary},
      {Op::RELU6, &Importer::Unary},
      {Op::LOGISTIC, &Importer::Unary},
      {Op::TANH, &Importer::Unary},
      {Op::QUANTIZE, &Importer::Unary},
      {Op::DEQUANTIZE, &Importer::Unary},
      {Op::CONCATENATION, &Importer::Concatenation},
      {Op::MEAN, &Importer::Mean},
      {Op::PAD, &Importer::Pad},
      {Op::TRANSPOSE, &Importer::Transpose},
      {Op::STRIDED_SLICE, &Importer::StridedSlice},
  };
  return table;
}

const fb::Model* Importer::Verify() const {
  if (file_.size() < 8) {
    throw ConvertError("not a TensorFlow Lite model: the file is shorter than a flatbuffer header");
  }
  if (!fb::ModelBufferHasIdentifier(file_.data())) {
    throw ConvertError("not a TensorFlow Lite model: the file identifier is not \"TFL3\"");
  }
  // Buffers stored outside the flatbuffer follow it in the file; the verifier
  // only needs the flatbuffer, which is at most 2 GiB.
  const size_t size = std::min(file_.size(), size_t{FLATBUFFERS_MAX_BUFFER_SIZE} - 1);
  flatbuffers::Verifier verifier(file_.data(), size, /*max_depth=*/64, /*max_tables=*/10000000);
  if (!fb::VerifyModelBuffer(verifier)) {
    throw ConvertError("flatbuffer verification failed (truncated or corrupt .tflite file)");
  }
  return fb::GetModel(file_.data());
}

std::vector<SourceOp> Importer::ResolveOperators() const {
  const auto* operators = model_->subgraphs()->Get(0)->operators();
  const auto* codes = model_->operator_codes();
  std::vector<SourceOp> ops;
  std::map<std::string, std::vector<int>> unsupported;
  for (uint32_t i = 0; operators != nullptr && i < operators->size(); ++i) {
    const fb::Operator* op = operators->Get(i);
    const uint32_t code_index = op->opcode_index();
    if (codes == nullptr || code_index >= codes->size()) {
      throw ConvertError("operator " + std::to_string(i) + ": opcode_index " +
                         std::to_string(code_index) + " is out of range (the model has " +
                         std::to_string(codes == nullptr ? 0 : codes->size()) + " operator codes)");
    }
    const fb::OperatorCode* code = codes->Get(code_index);
    // Codes past 126 live only in builtin_code, older files fill only the
    // deprecated byte; the larger of the two is the operator.
    const int32_t builtin = std::max<int32_t>(code->deprecated_builtin_code(),
                                              static_cast<int32_t>(code->builtin_code()));
    const auto value = static_cast<fb::BuiltinOperator>(builtin);
    if (Table().count(value) == 0) {
      std::string name = OperatorName(builtin);
      if (value == fb::BuiltinOperator::CUSTOM) {
        name += " '" + (code->custom_code() != nullptr ? code->custom_code()->str() : "") + "'";
      }
      unsupported[name].push_back(static_cast<int>(i));
    }
    ops.push_back({static_cast<int>(i), op, value});
  }
  if (!unsupported.empty()) {
    std::string message = "unsupported ops:";
    for (const auto& [name, indices] : unsupported) {
      message += "\n  " + name + " (" + std::to_string(indices.size()) + "): operator" +
                 (indices.size() > 1 ? "s " : " ");
      for (size_t k = 0; k < indices.size(); ++k) {
        message += (k ? ", " : "") + std::to_string(indices[k]);
      }
    }
    throw UnsupportedOpsError(message);
  }
  return ops;
}

std::pair<const uint8_t*, size_t> Importer::BufferBytes(uint32_t buffer,
                                                        const std::string& tensor) const {
  const auto* buffers = model_->buffers();
  if (buffers == nullptr || buffer >= buffers->size()) {
    if (buffer == 0) return {nullptr, 0};
    throw ConvertError(tensor + ": buffer " + std::to_string(buffer) +
                       " is out of range (the model has " +
                       std::to_string(buffers == nullptr ? 0 : buffers->size()) + " buffers)");
  }
  const fb::Buffer* entry = buffers->Get(buffer);
  if (entry->data() != nullptr && entry->data()->size() > 0) {
    return {entry->data()->data(), entry->data()->size()};
  }
  // TFLite's writer marks an external buffer not yet placed with offset 1.
  if (entry->offset() > 1) {
    const uint64_t offset = entry->offset();
    const uint64_t size = entry->size();
    if (offset > file_.size() || size > file_.size() - offset) {
      throw ConvertError(tensor + ": buffer " + std::to_string(buffer) + " (offset " +
                         std::to_string(offset) + ", size " + std::to_string(size) +
                         ") lies outside the file (" + std::to_string(file_.size()) + " bytes)");
    }
    return {file_.data() + offset, static_cast<size_t>(size)};
  }
  return {nullptr, 0};
}

int Importer::Tensor(int32_t index) {
  if (ir_tensor_[index] >= 0) return ir_tensor_[index];
  const fb::Tensor* source = tensors_->Get(static_cast<uint32_t>(index));
  const std::string name = TensorName(index);
  const std::string what = "tensor " + std::to_string(index) + " '" + name + "'";
  auto fail = [&](const std::string& message) { throw ConvertError(what + ": " + message); };
  if (source->is_variable()) fail("variable tensors (state kept between runs) are not supported");
  if (source->sparsity() != nullptr) fail("sparse tensors are not supported");

  TensorType type = TensorType::FLOAT32;
  switch (source->type()) {
    case fb::TensorType::FLOAT32: type = TensorType::FLOAT32; break;
    case fb::TensorType::FLOAT16: type = TensorType::FLOAT16; break;
    case fb::TensorType::INT8: type = TensorType::INT8; break;
    case fb::TensorType::UINT8: type = TensorType::UINT8; break;
    case fb::TensorType::INT16: type = TensorType::INT16; break;
    case fb::TensorType::INT32: type = TensorType::INT32; break;
    case fb::TensorType::INT64: type = TensorType::INT64; break;
    case fb::TensorType::BOOL: type = TensorType::BOOL; break;
    default: {
      const char* type_name = fb::EnumNameTensorType(source->type());
      fail(std::string("type ") +
           (*type_name != '\0' ? type_name : std::to_string(static_cast<int>(source->type()))) +
           " is not supported");
    }
  }

  std::vector<int32_t> shape;
  int64_t elements = 1;
  if (source->shape() != nullptr) {
    if (source->shape()->size() > static_cast<uint32_t>(kMaxRank)) {
      fail("rank " + std::to_string(source->shape()->size()) + " is above Ember's limit of " +
           std::to_string(kMaxRank));
    }
    for (const int32_t dim : *source->shape()) {
      if (dim < 0) fail("shape has an unknown dimension (" + std::to_string(dim) + ")");
      shape.push_back(dim);
      elements *= dim;
      if (elements > INT32_MAX) fail("more than 2^31 elements");
    }
  }

  IrQuantization quantization;
  if (const fb::QuantizationParameters* params = source->quantization()) {
    if (params->details_type() != fb::QuantizationDetails::NONE) {
      fail("custom quantization is not supported");
    }
    const auto* scales = params->scale();
    const auto* zero_points = params->zero_point();
    if (scales != nullptr && scales->size() > 0) {
      if (zero_points == nullptr || zero_points->size() != scales->size()) {
        fail("quantization has " + std::to_string(scales->size()) + " scales but " +
             std::to_string(zero_points == nullptr ? 0 : zero_points->size()) + " zero points");
      }
      quantization.scales.assign(scales->begin(), scales->end());
      quantization.zero_points.assign(zero_points->begin(), zero_points->end());
      quantization.axis = params->quantized_dimension();
      const int axis = quantization.axis;
      if (scales->size() > 1 && (axis < 0 || axis >= static_cast<int>(shape.size()) ||
                                 static_cast<uint32_t>(shape[axis]) != scales->size())) {
        fail(std::to_string(scales->size()) +
             " per-channel scales do not match quantized_dimension " + std::to_string(axis) +
             " of shape " + ShapeString(shape));
      }
    }
  }

  const auto [data, size] = BufferBytes(source->buffer(), what);
  int tensor;
  if (data != nullptr) {
    const uint64_t expected = static_cast<uint64_t>(elements) * TensorTypeSize(type);
    if (size != expected) {
      fail("buffer " + std::to_string(source->buffer()) + " holds " + std::to_string(size) +
           " bytes, but shape " + ShapeString(shape) + " of " + TensorTypeName(type) + " needs " +
           std::to_string(expected));
    }
    tensor = graph_.AddConstant(name, type, shape, std::vector<uint8_t>(data, data + size));
  } else {
    tensor = graph_.AddTensor(name, type, shape);
  }
  graph_.tensors[tensor].quantization = std::move(quantization);
  ir_tensor_[index] = tensor;
  return tensor;
}

std::vector<int32_t> Importer::TensorIndices(const flatbuffers::Vector<int32_t>* list,
                                             const char* what) const {
  std::vector<int32_t> indices;
  for (uint32_t k = 0; list != nullptr && k < list->size(); ++k) {
    const int32_t index = list->Get(k);
    if (index < 0 || index >= TensorCount()) {
      throw ConvertError(std::string("subgraph ") + what + "[" + std::to_string(k) +
                         "] = " + std::to_string(index) + " is not a tensor index");
    }
    indices.push_back(index);
  }
  return indices;
}

std::vector<int32_t> Importer::TensorsNamed(const std::vector<std::string>& names,
                                            const char* what) const {
  std::vector<int32_t> indices;
  for (const std::string& name : names) {
    int32_t found = -1;
    for (int32_t t = 0; t < TensorCount() && found < 0; ++t) {
      if (TensorName(t) == name) found = t;
    }
    if (found < 0) {
      throw ConvertError(std::string(what) + ": the model has no tensor named '" + name + "'");
    }
    indices.push_back(found);
  }
  return indices;
}

void Importer::CheckInputShapes() const {
  for (const auto& [name, shape] : options_.input_shapes) {
    const auto input = std::find_if(graph_.inputs.begin(), graph_.inputs.end(),
                                    [&](int t) { return T(t).name == name; });
    if (input == graph_.inputs.end()) {
      throw ConvertError("--input-shape: '" + name + "' is not a model input");
    }
    if (T(*input).shape != shape) {
      throw ConvertError("--input-shape: the shapes of a .tflite model are fixed; input '" + name +
                         "' is " + ShapeString(T(*input).shape) + ", not " + ShapeString(shape));
    }
  }
}

// Every tensor an op reads must be a constant, a model input or the output of
// an earlier op, and each tensor has one writer: the interpreter's planner
// relies on both.
void Importer::CheckDataflow() const {
  std::vector<bool> ready(graph_.tensors.size(), false);
  for (int t : graph_.inputs) ready[t] = true;
  for (size_t t = 0; t < graph_.tensors.size(); ++t) {
    ready[t] = ready[t] || graph_.tensors[t].constant;
  }
  for (const IrOp& op : graph_.ops) {
    for (int t : op.inputs) {
      if (t >= 0 && !ready[t]) {
        throw ConvertError(op.origin + " reads tensor '" + T(t).name +
                           "', which is neither a model input nor computed by an earlier operator");
      }
    }
    for (int t : op.outputs) {
      if (ready[t]) {
        throw ConvertError(
            op.origin + " writes tensor '" + T(t).name +
            "', which is a constant, a model input or written by an earlier operator");
      }
      ready[t] = true;
    }
  }
  for (int t : graph_.outputs) {
    if (!ready[t]) throw ConvertError("model output '" + T(t).name + "' is never computed");
  }
}

void Importer::AddNotes() const {
  if (!hybrid_ops_.empty()) {
    std::string ops;
    for (const auto& [name, count] : hybrid_ops_) {
      ops += (ops.empty() ? "" : ", ") + name + " x" + std::to_string(count);
    }
    report_->notes.push_back("hybrid model: float activations with integer weights in " + ops +
                             "; the weights and their quantization are kept as they are");
  }
  if (model_->subgraphs()->size() > 1) {
    report_->notes.push_back("the model has " + std::to_string(model_->subgraphs()->size()) +
                             " subgraphs; only the main one (subgraph 0) is converted");
  }
}

IrGraph Importer::Run() {
  model_ = Verify();
  if (model_->subgraphs() == nullptr || model_->subgraphs()->size() == 0) {
    throw ConvertError("the model has no subgraph");
  }
  const fb::SubGraph* subgraph = model_->subgraphs()->Get(0);
  tensors_ = subgraph->tensors();
  ir_tensor_.assign(static_cast<size_t>(TensorCount()), -1);
  const std::vector<SourceOp> ops = ResolveOperators();
  report_->source_format =
      "TensorFlow Lite (schema version " + std::to_string(model_->version()) + ")";
  report_->source_bytes = file_.size();
  report_->source_nodes = static_cast<int>(ops.size());
  report_->steps.push_back({"read", static_cast<int>(ops.size())});

  const std::vector<int32_t> inputs = options_.inputs.empty()
                                          ? TensorIndices(subgraph->inputs(), "inputs")
                                          : TensorsNamed(options_.inputs, "--inputs");
  const std::vector<int32_t> outputs = options_.outputs.empty()
                                           ? TensorIndices(subgraph->outputs(), "outputs")
                                           : TensorsNamed(options_.outputs, "--outputs");
  for (int32_t index : inputs) {
    const int tensor = Tensor(index);
    if (T(tensor).constant) {
      throw ConvertError("model input '" + T(tensor).name + "' is a constant");
    }
    fed_.insert(index);
    graph_.inputs.push_back(tensor);
  }
  CheckInputShapes();
  for (const SourceOp& op : ops) (this->*Table().at(op.code))(op);
  for (int32_t index : outputs) graph_.outputs.push_back(Tensor(index));

  // Drops what the outputs do not need (the part above a cut, unused
  // operators) before checking that the rest is complete.
  graph_.Compact();
  CheckDataflow();
  report_->steps.push_back({"map-to-ember", static_cast<int>(graph_.live_op_count())});
  AddNotes();
  return std::move(graph_);
}

// ---- operators ----

void Importer::CheckArity(const SourceOp& op, int min_inputs, int max_inputs) const {
  const int inputs = op.op->inputs() == nullptr ? 0 : static_cast<int>(op.op->inputs()->size());
  const int outputs = op.op->outputs() == nullptr ? 0 : static_cast<int>(op.op->outputs()->size());
  if (inputs < min_inputs || inputs > max_inputs || outputs != 1) {
    Fail(op, "has " + std::to_string(inputs) + " inputs and " + std::to_string(outputs) +
                 " outputs; expected " +
                 (min_inputs == max_inputs
                      ? std::to_string(min_inputs)
                      : std::to_string(min_inputs) + " to " + std::to_string(max_inputs)) +
                 " inputs and 1 output");
  }
}

int Importer::OptionalIn(const SourceOp& op, int slot) {
  const auto* inputs = op.op->inputs();
  if (inputs == nullptr || slot >= static_cast<int>(inputs->size())) return -1;
  const int32_t index = inputs->Get(static_cast<uint32_t>(slot));
  if (index == -1) return -1;
  if (index < 0 || index >= TensorCount()) {
    Fail(op, "input " + std::to_string(slot) + " = " + std::to_string(index) +
                 " is not a tensor index");
  }
  return Tensor(index);
}

int32_t Importer::OutIndex(const SourceOp& op) const {
  const int32_t index = op.op->outputs()->Get(0);
  if (index < 0 || index >= TensorCount()) {
    Fail(op, "output 0 = " + std::to_string(index) + " is not a tensor index");
  }
  return index;
}

int Importer::In(const SourceOp& op, int slot) {
  const int tensor = OptionalIn(op, slot);
  if (tensor < 0) Fail(op, "input " + std::to_string(slot) + " is required");
  return tensor;
}

std::vector<int32_t> Importer::ConstInts(const SourceOp& op, int slot, const char* what) {
  const IrTensor& tensor = T(In(op, slot));
  // An empty list has no bytes, so TFLite stores it like a computed tensor.
  if (tensor.num_elements() == 0) return {};
  if (!tensor.constant) {
    Fail(op, std::string(what) + " (input " + std::to_string(slot) + ", '" + tensor.name +
                 "') must be a constant");
  }
  const std::vector<int64_t> values = tensor.AsInts();
  return std::vector<int32_t>(values.begin(), values.end());
}

template <typename NativeT>
NativeT Importer::OptionsOf(const SourceOp& op) const {
  using Table = typename NativeT::TableType;
  // Like TFLite, an operator without options gets the schema's defaults.
  NativeT options;
  const fb::BuiltinOptions type = op.op->builtin_options_type();
  if (type == fb::BuiltinOptions::NONE || op.op->builtin_options() == nullptr) return options;
  const Table* table = op.op->builtin_options_as<Table>();
  if (table == nullptr) {
    Fail(op, "options are " + OptionsName(type) + ", expected " +
                 OptionsName(fb::BuiltinOptionsTraits<Table>::enum_value));
  }
  table->UnPackTo(&options);
  return options;
}

schema::Padding Importer::PaddingOf(const SourceOp& op, fb::Padding padding) const {
  switch (padding) {
    case fb::Padding::SAME: return schema::Padding::SAME;
    case fb::Padding::VALID: return schema::Padding::VALID;
  }
  Fail(op, "padding " + std::to_string(static_cast<int>(padding)) + " is not SAME or VALID");
}

schema::Activation Importer::ActivationOf(const SourceOp& op,
                                          fb::ActivationFunctionType activation) const {
  switch (activation) {
    case fb::ActivationFunctionType::NONE: return schema::Activation::NONE;
    case fb::ActivationFunctionType::RELU: return schema::Activation::RELU;
    case fb::ActivationFunctionType::RELU_N1_TO_1: return schema::Activation::RELU_N1_TO_1;
    case fb::ActivationFunctionType::RELU6: return schema::Activation::RELU6;
    default: break;
  }
  const char* name = fb::EnumNameActivationFunctionType(activation);
  Fail(op, std::string("fused activation ") +
               (*name != '\0' ? name : std::to_string(static_cast<int>(activation))) +
               " is not supported");
}

void Importer::Emit(const SourceOp& op, OpCode code, std::vector<int> inputs,
                    schema::OpOptionsUnion options) {
  const int32_t index = OutIndex(op);
  int output = Tensor(index);
  if (T(output).constant) Fail(op, "writes tensor '" + T(output).name + "', which is a constant");
  if (fed_.count(index) != 0) {
    // The tensor is fed from outside: this op's result is not used.
    IrTensor unused = T(output);
    unused.name += "/cut";
    graph_.tensors.push_back(std::move(unused));
    output = static_cast<int>(graph_.tensors.size()) - 1;
  }
  const std::string origin = "operator " + std::to_string(op.index) + " (" +
                             OperatorName(static_cast<int32_t>(op.code)) + ")";
  graph_.AddOp(code, std::move(inputs), {output}, std::move(options), origin);
}

// A hybrid op takes float activations and integer weights that it (or the
// runtime) dequantizes with the weights' scales.
void Importer::NoteIfHybrid(const SourceOp& op, int input, int weights) {
  const TensorType weights_type = T(weights).type;
  if (T(input).type == TensorType::FLOAT32 &&
      (weights_type == TensorType::INT8 || weights_type == TensorType::UINT8)) {
    ++hybrid_ops_[OperatorName(static_cast<int32_t>(op.code))];
  }
}

void Importer::Conv2D(const SourceOp& op) {
  CheckArity(op, 2, 3);
  const auto source = OptionsOf<fb::Conv2DOptionsT>(op);
  schema::Conv2DOptionsT options;
  options.padding = PaddingOf(op, source.padding);
  options.stride_h = source.stride_h;
  options.stride_w = source.stride_w;
  options.dilation_h = source.dilation_h_factor;
  options.dilation_w = source.dilation_w_factor;
  options.activation = ActivationOf(op, source.fused_activation_function);
  // TFLite's filter layout [out, kh, kw, in] is Ember's.
  const int input = In(op, 0);
  const int filter = In(op, 1);
  NoteIfHybrid(op, input, filter);
  Emit(op, OpCode::CONV_2D, {input, filter, OptionalIn(op, 2)}, Options(options));
}

void Importer::DepthwiseConv2D(const SourceOp& op) {
  CheckArity(op, 2, 3);
  const auto source = OptionsOf<fb::DepthwiseConv2DOptionsT>(op);
  const int input = In(op, 0);
  const int filter = In(op, 1);
  schema::DepthwiseConv2DOptionsT options;
  options.padding = PaddingOf(op, source.padding);
  options.stride_h = source.stride_h;
  options.stride_w = source.stride_w;
  options.dilation_h = source.dilation_h_factor;
  options.dilation_w = source.dilation_w_factor;
  options.activation = ActivationOf(op, source.fused_activation_function);
  // The filter [1, kh, kw, in * multiplier] (Ember's layout too) fixes the
  // multiplier; the option is redundant and some converters leave it stale.
  options.depth_multiplier = source.depth_multiplier;
  const std::vector<int32_t>& in_shape = T(input).shape;
  const std::vector<int32_t>& filter_shape = T(filter).shape;
  if (in_shape.size() == 4 && filter_shape.size() == 4 && in_shape[3] > 0 &&
      filter_shape[3] % in_shape[3] == 0) {
    options.depth_multiplier = filter_shape[3] / in_shape[3];
  }
  NoteIfHybrid(op, input, filter);
  Emit(op, OpCode::DEPTHWISE_CONV_2D, {input, filter, OptionalIn(op, 2)}, Options(options));
}

void Importer::FullyConnected(const SourceOp& op) {
  CheckArity(op, 2, 3);
  const auto source = OptionsOf<fb::FullyConnectedOptionsT>(op);
  if (source.weights_format != fb::FullyConnectedOptionsWeightsFormat::DEFAULT) {
    Fail(op, "shuffled weights (weights_format SHUFFLED4x16INT8) are not supported");
  }
  schema::FullyConnectedOptionsT options;
  options.activation = ActivationOf(op, source.fused_activation_function);
  options.keep_num_dims = source.keep_num_dims;
  // TFLite's weights layout [out, in] is Ember's.
  const int input = In(op, 0);
  const int weights = In(op, 1);
  NoteIfHybrid(op, input, weights);
  Emit(op, OpCode::FULLY_CONNECTED, {input, weights, OptionalIn(op, 2)}, Options(options));
}

void Importer::Pool(const SourceOp& op) {
  CheckArity(op, 1, 1);
  const auto source = OptionsOf<fb::Pool2DOptionsT>(op);
  schema::Pool2DOptionsT options;
  options.padding = PaddingOf(op, source.padding);
  options.stride_h = source.stride_h;
  options.stride_w = source.stride_w;
  options.filter_h = source.filter_height;
  options.filter_w = source.filter_width;
  options.activation = ActivationOf(op, source.fused_activation_function);
  const OpCode code =
      op.code == fb::BuiltinOperator::MAX_POOL_2D ? OpCode::MAX_POOL_2D : OpCode::AVERAGE_POOL_2D;
  Emit(op, code, {In(op, 0)}, Options(options));
}

void Importer::Reshape(const SourceOp& op) {
  CheckArity(op, 1, 2);
  // Ember's kernel computes the output shape from new_shape (one -1 allowed)
  // and the interpreter checks it against the declared one. TFLite's runtime
  // prefers a constant shape operand over the option, and so does this; with
  // neither, the declared shape stands.
  schema::ReshapeOptionsT options;
  const int shape = OptionalIn(op, 1);
  if (shape >= 0 && T(shape).constant) {
    options.new_shape = ConstInts(op, 1, "the shape");
  } else {
    options.new_shape = OptionsOf<fb::ReshapeOptionsT>(op).new_shape;
  }
  Emit(op, OpCode::RESHAPE, {In(op, 0)}, Options(options));
}

void Importer::Squeeze(const SourceOp& op) {
  CheckArity(op, 1, 1);
  // Ember's Squeeze takes the dims it keeps (else it drops every size-1 dim):
  // the declared output shape, which squeeze_dims produced.
  schema::ReshapeOptionsT options;
  options.new_shape = T(Tensor(OutIndex(op))).shape;
  Emit(op, OpCode::SQUEEZE, {In(op, 0)}, Options(options));
}

void Importer::Softmax(const SourceOp& op) {
  CheckArity(op, 1, 1);
  schema::SoftmaxOptionsT options;
  options.beta = OptionsOf<fb::SoftmaxOptionsT>(op).beta;
  Emit(op, OpCode::SOFTMAX, {In(op, 0)}, Options(options));
}

void Importer::Arithmetic(const SourceOp& op) {
  CheckArity(op, 2, 2);
  OpCode code;
  fb::ActivationFunctionType activation;
  switch (op.code) {
    case fb::BuiltinOperator::ADD:
      code = OpCode::ADD;
      activation = OptionsOf<fb::AddOptionsT>(op).fused_activation_function;
      break;
    case fb::BuiltinOperator::SUB:
      code = OpCode::SUB;
      activation = OptionsOf<fb::SubOptionsT>(op).fused_activation_function;
      break;
    default:
      code = OpCode::MUL;
      activation = OptionsOf<fb::MulOptionsT>(op).fused_activation_function;
      break;
  }
  schema::ArithmeticOptionsT options;
  options.activation = ActivationOf(op, activation);
  Emit(op, code, {In(op, 0), In(op, 1)}, Options(options));
}

void Importer::Unary(const SourceOp& op) {
  static const std::map<fb::BuiltinOperator, OpCode> codes = {
      {fb::BuiltinOperator::RELU, OpCode::RELU},
      {fb::BuiltinOperator::RELU6, OpCode::RELU6},
      {fb::BuiltinOperator::LOGISTIC, OpCode::LOGISTIC},
      {fb::BuiltinOperator::TANH, OpCode::TANH},
      {fb::BuiltinOperator::QUANTIZE, OpCode::QUANTIZE},
      {fb::BuiltinOperator::DEQUANTIZE, OpCode::DEQUANTIZE},
  };
  CheckArity(op, 1, 1);
  Emit(op, codes.at(op.code), {In(op, 0)});
}

void Importer::Concatenation(const SourceOp& op) {
  CheckArity(op, 1, 1 << 16);
  const auto source = OptionsOf<fb::ConcatenationOptionsT>(op);
  std::vector<int> inputs;
  for (int slot = 0; slot < static_cast<int>(op.op->inputs()->size()); ++slot) {
    inputs.push_back(In(op, slot));
  }
  schema::ConcatenationOptionsT options;
  const int rank = static_cast<int>(T(inputs[0]).shape.size());
  options.axis = source.axis;
  if (options.axis < -rank || options.axis >= rank) {
    Fail(op, "axis " + std::to_string(options.axis) + " is out of range for rank " +
                 std::to_string(rank));
  }
  if (options.axis < 0) options.axis += rank;
  options.activation = ActivationOf(op, source.fused_activation_function);
  Emit(op, OpCode::CONCATENATION, inputs, Options(options));
}

void Importer::Mean(const SourceOp& op) {
  CheckArity(op, 2, 2);
  schema::ReducerOptionsT options;
  options.axes = ConstInts(op, 1, "the axes");
  options.keep_dims = OptionsOf<fb::ReducerOptionsT>(op).keep_dims;
  Emit(op, OpCode::MEAN, {In(op, 0)}, Options(options));
}

void Importer::Pad(const SourceOp& op) {
  CheckArity(op, 2, 2);
  schema::PadOptionsT options;
  options.paddings = ConstInts(op, 1, "the paddings");
  Emit(op, OpCode::PAD, {In(op, 0)}, Options(options));
}

void Importer::Transpose(const SourceOp& op) {
  CheckArity(op, 2, 2);
  schema::TransposeOptionsT options;
  options.perm = ConstInts(op, 1, "the permutation");
  Emit(op, OpCode::TRANSPOSE, {In(op, 0)}, Options(options));
}

void Importer::StridedSlice(const SourceOp& op) {
  CheckArity(op, 4, 4);
  const auto source = OptionsOf<fb::StridedSliceOptionsT>(op);
  if (source.offset) {
    Fail(op, "end values given as offsets from begin (offset = true) are not supported");
  }
  schema::StridedSliceOptionsT options;
  options.begin = ConstInts(op, 1, "begin");
  options.end = ConstInts(op, 2, "end");
  options.strides = ConstInts(op, 3, "strides");
  options.begin_mask = source.begin_mask;
  options.end_mask = source.end_mask;
  options.ellipsis_mask = source.ellipsis_mask;
  options.new_axis_mask = source.new_axis_mask;
  options.shrink_axis_mask = source.shrink_axis_mask;
  Emit(op, OpCode::STRIDED_SLICE, {In(op, 0)}, Options(options));
}

}  // namespace

IrGraph ImportTflite(const std::vector<uint8_t>& file, const ConvertOptions& options,
                     ConvertReport* report) {
  return Importer(file, options, report).Run();
}

ConvertResult ConvertTflite(const std::string& path, const ConvertOptions& options) {
  const std::vector<uint8_t> file = ReadFileBytes(path);
  ConvertReport report;
  IrGraph graph = ImportTflite(file, options, &report);
  RunEmberPasses(graph, options, report);
  return FinishConversion(graph, "converted from " + path.substr(path.find_last_of('/') + 1),
                          std::move(report));
}

}  // namespace ember::convert
