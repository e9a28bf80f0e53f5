// Builds small ONNX models with the generated onnx.proto classes, converts
// them and runs the result: what the ONNX front end's tests share.
#ifndef EMBER_TESTS_CONVERTER_ONNX_ONNX_TEST_UTIL_H_
#define EMBER_TESTS_CONVERTER_ONNX_ONNX_TEST_UTIL_H_

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "converter/convert.h"
#include "converter/error.h"
#include "converter/onnx/import.h"
#include "converter/onnx/model_reader.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 13) {
    model_.set_ir_version(8);
    model_.set_producer_name("ember-test");
    onnx::OperatorSetIdProto* import = model_.add_opset_import();
    import->set_domain("");
    import->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  OnnxBuilder& Input(const std::string& name, const std::vector<int64_t>& dims,
                     int element_type = onnx::TensorProto::FLOAT) {
    onnx::ValueInfoProto* input = model_.mutable_graph()->add_input();
    input->set_name(name);
    onnx::TypeProto::Tensor* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(element_type);
    for (int64_t dim : dims) {
      if (dim < 0) {
        type->mutable_shape()->add_dim()->set_dim_param("N");
      } else {
        type->mutable_shape()->add_dim()->set_dim_value(dim);
      }
    }
    return *this;
  }
  OnnxBuilder& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }
  OnnxBuilder& Floats(const std::string& name, const std::vector<int64_t>& dims,
                      const std::vector<float>& values) {
    onnx::TensorProto* tensor = model_.mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t dim : dims) tensor->add_dims(dim);
    for (float value : values) tensor->add_float_data(value);
    return *this;
  }
  OnnxBuilder& Int64s(const std::string& name, const std::vector<int64_t>& dims,
                      const std::vector<int64_t>& values) {
    onnx::TensorProto* tensor = model_.mutable_graph()->add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    for (int64_t dim : dims) tensor->add_dims(dim);
    for (int64_t value : values) tensor->add_int64_data(value);
    return *this;
  }
  onnx::NodeProto& Node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
    onnx::NodeProto* node = model_.mutable_graph()->add_node();
    node->set_op_type(op_type);
    node->set_name(outputs.empty() ? op_type : outputs[0] + "_node");
    for (const std::string& input : inputs) node->add_input(input);
    for (const std::string& output : outputs) node->add_output(output);
    return *node;
  }
  onnx::ModelProto& model() { return model_; }

 private:
  onnx::ModelProto model_;
};

inline void SetInts(onnx::NodeProto& node, const std::string& name,
                    const std::vector<int64_t>& values) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INTS);
  for (int64_t value : values) attribute->add_ints(value);
}

inline void SetInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(value);
}

inline void SetFloat(onnx::NodeProto& node, const std::string& name, float value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::FLOAT);
  attribute->set_f(value);
}

inline void SetString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::STRING);
  attribute->set_s(value);
}

// A float tensor of the tests.
struct FloatTensor {
  std::vector<int32_t> shape;
  std::vector<float> values;
};

// Deterministic values in [-1, 1) (a fixed linear congruential sequence).
inline std::vector<float> Pattern(size_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed * 2654435761u + 1;
  for (float& value : values) {
    state = state * 1664525u + 1013904223u;
    value = static_cast<float>(state >> 8) / static_cast<float>(1 << 23) - 1.0f;
  }
  return values;
}

// Runs a converted model on float inputs (in model input order); returns its
// float outputs by name. Throws ConvertError when the model does not run.
inline std::map<std::string, FloatTensor> RunConverted(const ConvertResult& converted,
                                                       const std::vector<FloatTensor>& inputs) {
  const AlignedBuffer model_bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model model;
  if (Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model) != Status::kOk) {
    throw ConvertError("load: " + reporter.message);
  }
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  if (interpreter.AllocateTensors() != Status::kOk) {
    throw ConvertError("allocate: " + reporter.message);
  }
  if (interpreter.inputs_size() != inputs.size()) throw ConvertError("input count differs");
  for (size_t i = 0; i < inputs.size(); ++i) {
    TensorView view = interpreter.input(i);
    if (view.bytes() != inputs[i].values.size() * sizeof(float)) {
      throw ConvertError("input size differs");
    }
    std::memcpy(view.data, inputs[i].values.data(), view.bytes());
  }
  if (interpreter.Invoke() != Status::kOk) throw ConvertError("invoke: " + reporter.message);
  std::map<std::string, FloatTensor> outputs;
  for (size_t k = 0; k < interpreter.outputs_size(); ++k) {
    const TensorView view = interpreter.output(k);
    FloatTensor& tensor = outputs[interpreter.output_name(k)];
    tensor.shape.assign(view.dims, view.dims + view.rank);
    tensor.values.assign(view.data_as<float>(), view.data_as<float>() + view.num_elements());
  }
  return outputs;
}

}  // namespace ember::convert::testing

#endif  // EMBER_TESTS_CONVERTER_ONNX_ONNX_TEST_UTIL_H_
