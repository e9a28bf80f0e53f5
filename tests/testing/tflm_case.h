// Loads one of the single-op int8 cases made by
// tests/kernels/testdata/make_tflm_goldens.py (see the README.md there): the
// .tflite model, its input and the output TensorFlow Lite Micro's reference
// kernels computed for it. The kernel tests rebuild the same op for Ember
// from the model's own tensors, so weights, bias and quantization cannot
// drift from what TFLM ran.
//
// The .tflite is read with flatbuffers' untyped table API at the field ids of
// converter/tflite/tflite_schema.fbs (only the fields those models use), which spares the tests
// a generated TFLite reader. Test-only code: it trusts the files it reads.
#ifndef EMBER_TESTS_TESTING_TFLM_CASE_H_
#define EMBER_TESTS_TESTING_TFLM_CASE_H_

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "interpreter/kernel.h"
#include "schema/ember_generated.h"
#include "tests/testing/op_tester.h"

namespace ember::testing {

// Where the case files live: tests/kernels/testdata, as the build names it
// (tests/CMakeLists.txt). Not from __FILE__: with ccache's base_dir that path
// is relative to the build folder, not to the folder the test runs in.
inline std::string TflmCaseDir() { return EMBER_KERNEL_TESTDATA_DIR "/"; }

struct TfliteTensor {
  std::vector<int32_t> shape;
  int8_t type = 0;            // TFLite TensorType: 9 int8, 2 int32
  std::vector<uint8_t> data;  // empty for the model input and output
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t quantized_dimension = 0;
};

struct TflmCase {
  std::vector<uint8_t> model_bytes;
  std::vector<TfliteTensor> tensors;
  int32_t builtin_code = -1;
  std::vector<int32_t> op_inputs;
  int32_t op_output = -1;
  uint8_t options_type = 0;
  const flatbuffers::Table* options = nullptr;  // points into model_bytes
  std::vector<int8_t> input;
  std::vector<int8_t> golden;
  std::vector<int32_t> golden_shape;

  // Scalar fields of the op's options table, by field id.
  template <typename T>
  T Option(int id, T default_value) const {
    return options == nullptr ? default_value
                              : options->GetField<T>(
                                    static_cast<flatbuffers::voffset_t>(4 + 2 * id), default_value);
  }

  // Adds the op's inputs (constants in the model stay constants; the model
  // input is fed the case's input) and output, with their quantization.
  void AddOperands(OpTester& test) const {
    for (int32_t index : op_inputs) {
      if (index < 0) {
        test.AbsentInput();
        continue;
      }
      const TfliteTensor& t = tensors.at(index);
      if (t.type == 2) {
        std::vector<int32_t> values(t.data.size() / 4);
        std::memcpy(values.data(), t.data.data(), t.data.size());
        test.InputOf<int32_t>(t.shape, values, true);
      } else if (!t.data.empty()) {
        test.InputOf<int8_t>(t.shape, std::vector<int8_t>(t.data.begin(), t.data.end()), true);
      } else {
        test.InputOf<int8_t>(t.shape, input);
      }
      test.Quantize(t.scales, t.zero_points, t.quantized_dimension);
    }
    const TfliteTensor& out = tensors.at(op_output);
    test.Output(out.shape, schema::TensorType::INT8)
        .Quantize(out.scales, out.zero_points, out.quantized_dimension);
  }
};

// TFLite's enums differ from Ember's.
inline schema::Padding PaddingFromTflite(int8_t padding) {
  return padding == 0 ? schema::Padding::SAME : schema::Padding::VALID;
}

inline schema::Activation ActivationFromTflite(int8_t activation) {
  switch (activation) {
    case 1:
      return schema::Activation::RELU;
    case 2:
      return schema::Activation::RELU_N1_TO_1;
    case 3:
      return schema::Activation::RELU6;
    default:
      return schema::Activation::NONE;
  }
}

namespace tflm_case_internal {

// The vtable offset of field `id`.
constexpr flatbuffers::voffset_t Slot(int id) {
  return static_cast<flatbuffers::voffset_t>(4 + 2 * id);
}

inline bool ReadFile(const std::string& path, std::vector<uint8_t>* bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  bytes->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

// An int8 .npy (format 1.0, C order, as numpy.save writes it).
inline bool ReadInt8Npy(const std::string& path, std::vector<int8_t>* values,
                        std::vector<int32_t>* shape, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!ReadFile(path, &bytes) || bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6)) {
    *error = path + ": not a .npy file";
    return false;
  }
  const size_t header_size = bytes[8] | (bytes[9] << 8);
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + header_size);
  if (header.find("'descr': '|i1'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos) {
    *error = path + ": not a C-order int8 array: " + header;
    return false;
  }
  const size_t open = header.find("'shape': (") + 10;
  const std::string dims = header.substr(open, header.find(')', open) - open);
  shape->clear();
  for (size_t pos = 0; pos < dims.size();) {
    const size_t comma = dims.find(',', pos);
    const std::string dim = dims.substr(pos, comma == std::string::npos ? comma : comma - pos);
    if (dim.find_first_of("0123456789") != std::string::npos) shape->push_back(std::stoi(dim));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  values->assign(bytes.begin() + 10 + header_size, bytes.end());
  return true;
}

template <typename T>
const flatbuffers::Vector<T>* VectorField(const flatbuffers::Table* table, int id) {
  return table->GetPointer<const flatbuffers::Vector<T>*>(Slot(id));
}

inline const flatbuffers::Table* TableField(const flatbuffers::Table* table, int id) {
  return table->GetPointer<const flatbuffers::Table*>(Slot(id));
}

inline const flatbuffers::Table* TableAt(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::Table>>* tables, uint32_t i) {
  return tables->Get(i);
}

template <typename T>
std::vector<T> ToStd(const flatbuffers::Vector<T>* vector) {
  return vector == nullptr ? std::vector<T>() : std::vector<T>(vector->begin(), vector->end());
}

}  // namespace tflm_case_internal

// Loads <name>.tflite, <name>.input.npy and <name>.golden.npy.
inline bool LoadTflmCase(const std::string& name, TflmCase* out, std::string* error) {
  namespace in = tflm_case_internal;
  const std::string stem = TflmCaseDir() + name;
  if (!in::ReadFile(stem + ".tflite", &out->model_bytes) ||
      !flatbuffers::BufferHasIdentifier(out->model_bytes.data(), "TFL3")) {
    *error = stem + ".tflite: missing or not a TFLite model";
    return false;
  }
  // Model: operator_codes (1), subgraphs (2), buffers (4).
  const auto* model = flatbuffers::GetRoot<flatbuffers::Table>(out->model_bytes.data());
  const auto* codes = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 1);
  const auto* subgraphs = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 2);
  const auto* buffers = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 4);
  // SubGraph: tensors (0), operators (3).
  const flatbuffers::Table* subgraph = in::TableAt(subgraphs, 0);
  const auto* tensors = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(subgraph, 0);
  const auto* operators = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(subgraph, 3);
  if (operators == nullptr || operators->size() != 1) {
    *error = stem + ".tflite: expected exactly one operator";
    return false;
  }
  out->tensors.clear();
  for (uint32_t i = 0; i < tensors->size(); ++i) {
    // Tensor: shape (0), type (1), buffer (2), quantization (4).
    const flatbuffers::Table* t = in::TableAt(tensors, i);
    TfliteTensor tensor;
    tensor.shape = in::ToStd(in::VectorField<int32_t>(t, 0));
    tensor.type = t->GetField<int8_t>(in::Slot(1), 0);
    const uint32_t buffer = t->GetField<uint32_t>(in::Slot(2), 0);
    const auto* data = in::VectorField<uint8_t>(in::TableAt(buffers, buffer), 0);
    tensor.data = in::ToStd(data);
    // QuantizationParameters: scale (2), zero_point (3), quantized_dimension (6).
    if (const flatbuffers::Table* q = in::TableField(t, 4)) {
      tensor.scales = in::ToStd(in::VectorField<float>(q, 2));
      tensor.zero_points = in::ToStd(in::VectorField<int64_t>(q, 3));
      tensor.quantized_dimension = q->GetField<int32_t>(in::Slot(6), 0);
    }
    out->tensors.push_back(std::move(tensor));
  }
  // Operator: opcode_index (0), inputs (1), outputs (2), options type (3) and
  // table (4). OperatorCode: builtin_code (3).
  const flatbuffers::Table* op = in::TableAt(operators, 0);
  const flatbuffers::Table* code = in::TableAt(codes, op->GetField<uint32_t>(in::Slot(0), 0));
  out->builtin_code = code->GetField<int32_t>(in::Slot(3), 0);
  out->op_inputs = in::ToStd(in::VectorField<int32_t>(op, 1));
  out->op_output = in::VectorField<int32_t>(op, 2)->Get(0);
  out->options_type = op->GetField<uint8_t>(in::Slot(3), 0);
  out->options = in::TableField(op, 4);

  std::vector<int32_t> input_shape;
  return in::ReadInt8Npy(stem + ".input.npy", &out->input, &input_shape, error) &&
         in::ReadInt8Npy(stem + ".golden.npy", &out->golden, &out->golden_shape, error);
}

// Runs case `name`, whose op must have TFLite builtin code `builtin_code`,
// through `kernel` with the options make_options(case) builds from the
// model's, and expects TFLM's output shape and values exactly.
template <typename MakeOptions>
void ExpectMatchesTflm(const Kernel& kernel, int32_t builtin_code, const std::string& name,
                       MakeOptions make_options) {
  SCOPED_TRACE(name);
  TflmCase golden;
  std::string error;
  ASSERT_TRUE(LoadTflmCase(name, &golden, &error)) << error;
  ASSERT_EQ(golden.builtin_code, builtin_code) << "not a " << kernel.name << " model";
  OpTester test(kernel.op);
  golden.AddOperands(test);
  test.Options(make_options(golden));
  ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), golden.golden_shape);
  EXPECT_EQ(test.OutputAs<int8_t>(0), golden.golden);
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_TFLM_CASE_H_
