// The .tflite front end on the MLPerf Tiny models of the shared test data
// (testdata/tflite, described by its README.md and cases.tsv):
//  * every model imports with one Ember op per TFLite operator, and every
//    tensor keeps its name, type, shape, constant bytes and quantization
//    parameters bit for bit, compared with a walk over the raw flatbuffer
//    here that shares nothing with the front end's schema, and with the
//    values the README quotes;
//  * every golden case is converted and run; float cases must match within
//    the case's tolerance, int8 cases bit for bit. Cases listed in
//    pending_cases.tsv (int8 kernels still being written) must fail, and are
//    reported as skipped with the reason; one that passes fails the test until
//    it is taken off the list.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "converter/error.h"
#include "converter/tflite/import.h"
#include "tests/converter/tflite/tflite_test_util.h"
#include "tools/common/npy.h"

namespace ember::convert {
namespace {

using ::testing::HasSubstr;

const std::string kDataDir = std::string(EMBER_SHARED_DIR) + "/testdata/tflite";

// ---- an independent reader of the raw flatbuffer ----
// Field slots (4 + 2 * field id) of TFLite's tables, from its public schema.
namespace slot {
constexpr flatbuffers::voffset_t kModelOperatorCodes = 6;
constexpr flatbuffers::voffset_t kModelSubgraphs = 8;
constexpr flatbuffers::voffset_t kModelBuffers = 12;
constexpr flatbuffers::voffset_t kOperatorCodeDeprecatedCode = 4;
constexpr flatbuffers::voffset_t kOperatorCodeBuiltinCode = 10;
constexpr flatbuffers::voffset_t kSubgraphTensors = 4;
constexpr flatbuffers::voffset_t kSubgraphInputs = 6;
constexpr flatbuffers::voffset_t kSubgraphOutputs = 8;
constexpr flatbuffers::voffset_t kSubgraphOperators = 10;
constexpr flatbuffers::voffset_t kOperatorOpcodeIndex = 4;
constexpr flatbuffers::voffset_t kTensorShape = 4;
constexpr flatbuffers::voffset_t kTensorType = 6;
constexpr flatbuffers::voffset_t kTensorBuffer = 8;
constexpr flatbuffers::voffset_t kTensorName = 10;
constexpr flatbuffers::voffset_t kTensorQuantization = 12;
constexpr flatbuffers::voffset_t kQuantizationScale = 8;
constexpr flatbuffers::voffset_t kQuantizationZeroPoint = 10;
constexpr flatbuffers::voffset_t kQuantizationDimension = 16;
constexpr flatbuffers::voffset_t kBufferData = 4;
}  // namespace slot

using Table = flatbuffers::Table;
using Tables = flatbuffers::Vector<flatbuffers::Offset<Table>>;

struct RawTensor {
  std::string name;
  int type = 0;  // TFLite's TensorType value
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int quantized_dimension = 0;
};

struct RawModel {
  std::vector<RawTensor> tensors;
  std::vector<int32_t> operator_codes;  // builtin code of each operator
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;

  const RawTensor* Find(const std::string& name) const {
    for (const RawTensor& tensor : tensors) {
      if (tensor.name == name) return &tensor;
    }
    return nullptr;
  }
};

template <typename T>
std::vector<T> ToVector(const flatbuffers::Vector<T>* values) {
  return values == nullptr ? std::vector<T>() : std::vector<T>(values->begin(), values->end());
}

RawModel Walk(const std::vector<uint8_t>& file) {
  RawModel raw;
  const Table* model = flatbuffers::GetRoot<Table>(file.data());
  const auto* buffers = model->GetPointer<const Tables*>(slot::kModelBuffers);
  const auto* codes = model->GetPointer<const Tables*>(slot::kModelOperatorCodes);
  const Table* subgraph = model->GetPointer<const Tables*>(slot::kModelSubgraphs)->Get(0);
  raw.inputs =
      ToVector(subgraph->GetPointer<const flatbuffers::Vector<int32_t>*>(slot::kSubgraphInputs));
  raw.outputs =
      ToVector(subgraph->GetPointer<const flatbuffers::Vector<int32_t>*>(slot::kSubgraphOutputs));
  for (const Table* op : *subgraph->GetPointer<const Tables*>(slot::kSubgraphOperators)) {
    const Table* code = codes->Get(op->GetField<uint32_t>(slot::kOperatorOpcodeIndex, 0));
    raw.operator_codes.push_back(
        std::max<int32_t>(code->GetField<int8_t>(slot::kOperatorCodeDeprecatedCode, 0),
                          code->GetField<int32_t>(slot::kOperatorCodeBuiltinCode, 0)));
  }
  for (const Table* tensor : *subgraph->GetPointer<const Tables*>(slot::kSubgraphTensors)) {
    RawTensor t;
    t.name = tensor->GetPointer<const flatbuffers::String*>(slot::kTensorName)->str();
    t.type = tensor->GetField<int8_t>(slot::kTensorType, 0);
    t.shape = ToVector(tensor->GetPointer<const flatbuffers::Vector<int32_t>*>(slot::kTensorShape));
    const Table* buffer = buffers->Get(tensor->GetField<uint32_t>(slot::kTensorBuffer, 0));
    t.data = ToVector(buffer->GetPointer<const flatbuffers::Vector<uint8_t>*>(slot::kBufferData));
    if (const auto* quantization = tensor->GetPointer<const Table*>(slot::kTensorQuantization)) {
      t.scales = ToVector(
          quantization->GetPointer<const flatbuffers::Vector<float>*>(slot::kQuantizationScale));
      t.zero_points = ToVector(quantization->GetPointer<const flatbuffers::Vector<int64_t>*>(
          slot::kQuantizationZeroPoint));
      t.quantized_dimension = quantization->GetField<int32_t>(slot::kQuantizationDimension, 0);
    }
    raw.tensors.push_back(std::move(t));
  }
  return raw;
}

// Bit patterns, so that the comparison is exact (and tells -0 from 0).
std::vector<uint32_t> Bits(const std::vector<float>& values) {
  std::vector<uint32_t> bits(values.size());
  if (!bits.empty()) std::memcpy(bits.data(), values.data(), values.size() * sizeof(float));
  return bits;
}

// TFLite's TensorType values of the types these models use, as Ember's.
schema::TensorType EmberType(int tflite_type) {
  switch (tflite_type) {
    case 0: return schema::TensorType::FLOAT32;
    case 2: return schema::TensorType::INT32;
    case 9: return schema::TensorType::INT8;
    default:
      ADD_FAILURE() << "unexpected TFLite type " << tflite_type;
      return schema::TensorType::BOOL;
  }
}

// ---- the models ----

struct ModelCase {
  std::string file;
  std::map<std::string, int> ops;
  bool hybrid;
  // Float models: every kernel they need exists, so they must convert.
  bool must_plan;
};

// TFLite's BuiltinOperator values of the operators these models use.
const std::map<int32_t, std::string> kBuiltinNames = {
    {1, "AVERAGE_POOL_2D"}, {3, "CONV_2D"},  {4, "DEPTHWISE_CONV_2D"},
    {9, "FULLY_CONNECTED"}, {22, "RESHAPE"}, {25, "SOFTMAX"}};

const std::map<std::string, int> kKwsOps = {{"CONV_2D", 5},         {"DEPTHWISE_CONV_2D", 4},
                                            {"AVERAGE_POOL_2D", 1}, {"RESHAPE", 1},
                                            {"FULLY_CONNECTED", 1}, {"SOFTMAX", 1}};
const std::map<std::string, int> kAdOps = {{"FULLY_CONNECTED", 10}};

std::vector<ModelCase> Models() {
  return {{"kws_ref_model.tflite", kKwsOps, false, false},
          {"kws_ref_model_float32.tflite", kKwsOps, true, false},
          {"kws_hybrid_dequantized_fp32.tflite", kKwsOps, false, true},
          {"ad01_int8.tflite", kAdOps, false, false},
          {"ad01_fp32.tflite", kAdOps, false, true}};
}

void PrintTo(const ModelCase& model, std::ostream* out) { *out << model.file; }

std::string ModelPath(const std::string& file) { return kDataDir + "/models/" + file; }

class TfliteModelTest : public ::testing::TestWithParam<ModelCase> {};

TEST_P(TfliteModelTest, ImportsWithEveryTensorAsInTheFile) {
  const ModelCase& model = GetParam();
  const std::vector<uint8_t> file = testing::ReadBytes(ModelPath(model.file));
  ASSERT_FALSE(file.empty()) << "missing " << ModelPath(model.file);
  const RawModel raw = Walk(file);
  ConvertReport report;
  const IrGraph graph = ImportTflite(file, {}, &report);

  // One Ember op per TFLite operator, in order, with the same name.
  ASSERT_EQ(graph.ops.size(), raw.operator_codes.size());
  std::map<std::string, int> histogram;
  for (size_t o = 0; o < graph.ops.size(); ++o) {
    const std::string name = schema::EnumNameOpCode(graph.ops[o].code);
    EXPECT_EQ(name, kBuiltinNames.at(raw.operator_codes[o])) << "op " << o;
    ++histogram[name];
  }
  EXPECT_EQ(histogram, model.ops);
  EXPECT_EQ(report.source_nodes, static_cast<int>(raw.operator_codes.size()));

  // Model inputs and outputs are the subgraph's, under their TFLite names.
  ASSERT_EQ(graph.inputs.size(), raw.inputs.size());
  ASSERT_EQ(graph.outputs.size(), raw.outputs.size());
  for (size_t i = 0; i < raw.inputs.size(); ++i) {
    EXPECT_EQ(graph.tensors[graph.inputs[i]].name, raw.tensors[raw.inputs[i]].name);
  }
  for (size_t i = 0; i < raw.outputs.size(); ++i) {
    EXPECT_EQ(graph.tensors[graph.outputs[i]].name, raw.tensors[raw.outputs[i]].name);
  }

  // Every tensor as the file has it, in the IR and in the Ember model.
  const schema::ModelT ember = graph.ToModel("test");
  const auto& ember_tensors = ember.subgraphs[0]->tensors;
  ASSERT_EQ(ember_tensors.size(), graph.tensors.size());
  size_t quantized = 0;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const IrTensor& tensor = graph.tensors[t];
    const RawTensor* source = raw.Find(tensor.name);
    ASSERT_NE(source, nullptr) << tensor.name;
    SCOPED_TRACE(tensor.name);
    EXPECT_EQ(tensor.type, EmberType(source->type));
    EXPECT_EQ(tensor.shape, source->shape);
    EXPECT_EQ(tensor.constant, !source->data.empty());
    EXPECT_EQ(tensor.data, source->data);
    EXPECT_EQ(Bits(tensor.quantization.scales), Bits(source->scales));
    EXPECT_EQ(tensor.quantization.zero_points, source->zero_points);
    EXPECT_EQ(tensor.quantization.axis, source->quantized_dimension);
    const schema::QuantizationT* written = ember_tensors[t]->quantization.get();
    if (source->scales.empty()) {
      EXPECT_EQ(written, nullptr);
      continue;
    }
    ++quantized;
    ASSERT_NE(written, nullptr);
    EXPECT_EQ(Bits(written->scale), Bits(source->scales));
    // All-zero zero points are written as absent (they read as 0).
    const bool all_zero = std::all_of(source->zero_points.begin(), source->zero_points.end(),
                                      [](int64_t z) { return z == 0; });
    EXPECT_EQ(written->zero_point, all_zero ? std::vector<int64_t>() : source->zero_points);
    EXPECT_EQ(written->quantized_dimension, source->quantized_dimension);
  }
  // Only the reshape's shape operand (now an option) is left behind, so every
  // quantized tensor made it.
  size_t quantized_in_file = 0;
  for (const RawTensor& tensor : raw.tensors) quantized_in_file += tensor.scales.empty() ? 0 : 1;
  EXPECT_EQ(quantized, quantized_in_file);
  EXPECT_EQ(graph.tensors.size(),
            raw.tensors.size() - static_cast<size_t>(model.ops.count("RESHAPE")));

  const bool noted_hybrid =
      !report.notes.empty() && report.notes[0].find("hybrid model") != std::string::npos;
  EXPECT_EQ(noted_hybrid, model.hybrid);
}

// Planning needs every op's kernel; conversion either succeeds with a plan
// the interpreter uses as is, or fails with a ConvertError that names the
// kernel's complaint (and, for the hybrid model, the note that explains it).
TEST_P(TfliteModelTest, ConvertsOrNamesTheKernelThatRefuses) {
  const ModelCase& model = GetParam();
  ConvertResult converted;
  try {
    converted = ConvertTflite(ModelPath(model.file), {});
  } catch (const ConvertError& error) {
    const std::string message = error.what();
    ASSERT_FALSE(model.must_plan) << message;
    EXPECT_THAT(message, HasSubstr("memory planning failed"));
    if (model.hybrid) {
      EXPECT_THAT(message, HasSubstr("note: hybrid model"));
    }
    GTEST_SKIP() << "no plan yet: " << message;
  }
  EXPECT_EQ(converted.report.op_histogram, model.ops);
  EXPECT_EQ(converted.report.arena_bytes, converted.arena_bytes);
  EXPECT_EQ(converted.report.model_bytes, converted.model.size());
  RecordProperty("arena_bytes", std::to_string(converted.arena_bytes));
  const AlignedBuffer bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model loaded;
  ASSERT_EQ(Model::Load(bytes.data(), bytes.size(), &reporter, &loaded), Status::kOk)
      << reporter.message;
}

std::string ModelName(const ::testing::TestParamInfo<ModelCase>& info) {
  std::string name = info.param.file.substr(0, info.param.file.find('.'));
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(SharedTestdata, TfliteModelTest, ::testing::ValuesIn(Models()), ModelName);

const IrTensor& TensorNamed(const IrGraph& graph, const std::string& name) {
  for (const IrTensor& tensor : graph.tensors) {
    if (tensor.name == name) return tensor;
  }
  throw std::runtime_error("no tensor " + name);
}

IrGraph ImportFile(const std::string& file, ConvertReport* report) {
  return ImportTflite(testing::ReadBytes(ModelPath(file)), {}, report);
}

TEST(TfliteModelValuesTest, MatchTheReadme) {
  ConvertReport report;
  const IrGraph kws = ImportFile("kws_ref_model.tflite", &report);
  const IrTensor& kws_in = kws.tensors[kws.inputs.at(0)];
  EXPECT_EQ(kws_in.name, "input_1");
  EXPECT_EQ(kws_in.type, schema::TensorType::INT8);
  EXPECT_EQ(kws_in.shape, (std::vector<int32_t>{1, 49, 10, 1}));
  EXPECT_EQ(kws_in.quantization.scales, std::vector<float>{0.584702909f});
  EXPECT_EQ(kws_in.quantization.zero_points, std::vector<int64_t>{83});
  const IrTensor& kws_out = kws.tensors[kws.outputs.at(0)];
  EXPECT_EQ(kws_out.shape, (std::vector<int32_t>{1, 12}));
  EXPECT_EQ(kws_out.quantization.scales, std::vector<float>{1.0f / 256});
  EXPECT_EQ(kws_out.quantization.zero_points, std::vector<int64_t>{-128});
  // Per-channel weights keep their axis: 64 scales along dim 3 of the
  // depthwise filter [1, 3, 3, 64].
  const IrOp& depthwise = kws.ops.at(1);
  const IrTensor& filter = kws.tensors[depthwise.inputs.at(1)];
  EXPECT_EQ(filter.quantization.scales.size(), 64u);
  EXPECT_EQ(filter.quantization.axis, 3);

  const IrGraph ad = ImportFile("ad01_int8.tflite", &report);
  const IrTensor& ad_in = ad.tensors[ad.inputs.at(0)];
  EXPECT_EQ(ad_in.shape, (std::vector<int32_t>{1, 640}));
  EXPECT_EQ(ad_in.quantization.scales, std::vector<float>{0.391015232f});
  EXPECT_EQ(ad_in.quantization.zero_points, std::vector<int64_t>{89});
  const IrTensor& ad_out = ad.tensors[ad.outputs.at(0)];
  EXPECT_EQ(ad_out.quantization.scales, std::vector<float>{0.364498466f});
  EXPECT_EQ(ad_out.quantization.zero_points, std::vector<int64_t>{96});
}

TEST(TfliteModelValuesTest, HybridModelKeepsItsInt8FiltersAndScales) {
  ConvertReport report;
  const IrGraph graph = ImportFile("kws_ref_model_float32.tflite", &report);
  const std::pair<const char*, float> filters[] = {{"functional_1/conv2d/Conv2D", 0.0020227544f},
                                                   {"functional_1/conv2d_1/Conv2D", 0.0047305203f},
                                                   {"functional_1/conv2d_2/Conv2D", 0.00587343192f},
                                                   {"functional_1/conv2d_3/Conv2D", 0.00445356872f},
                                                   {"functional_1/conv2d_4/Conv2D", 0.0129789682f}};
  int int8_tensors = 0;
  for (const IrTensor& tensor : graph.tensors) {
    int8_tensors += tensor.type == schema::TensorType::INT8;
  }
  EXPECT_EQ(int8_tensors, 5);
  for (const auto& [name, scale] : filters) {
    const IrTensor& tensor = TensorNamed(graph, name);
    EXPECT_EQ(tensor.type, schema::TensorType::INT8) << name;
    EXPECT_TRUE(tensor.constant) << name;
    EXPECT_EQ(tensor.shape, name == std::string("functional_1/conv2d/Conv2D")
                                ? (std::vector<int32_t>{64, 10, 4, 1})
                                : (std::vector<int32_t>{64, 1, 1, 64}));
    EXPECT_EQ(tensor.quantization.scales, std::vector<float>{scale}) << name;
    EXPECT_EQ(tensor.quantization.zero_points, std::vector<int64_t>{0}) << name;
  }
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_THAT(report.notes[0], HasSubstr("CONV_2D x5"));
}

TEST(TfliteModelValuesTest, NoProperPrefixOfAModelImports) {
  const std::vector<uint8_t> file = testing::ReadBytes(ModelPath("kws_ref_model.tflite"));
  ASSERT_FALSE(file.empty());
  for (size_t size = 0; size < file.size(); ++size) {
    const std::vector<uint8_t> prefix(file.begin(),
                                      file.begin() + static_cast<std::ptrdiff_t>(size));
    ConvertReport report;
    EXPECT_THROW(ImportTflite(prefix, {}, &report), ConvertError) << size << " bytes";
  }
}

// ---- golden cases ----

struct GoldenCase {
  std::string name;
  std::string model;
  std::string input;
  std::string output;
  bool exact = false;
  double atol = 0;
  double rtol = 0;
};

void PrintTo(const GoldenCase& c, std::ostream* out) { *out << c.name; }

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> parts;
  std::stringstream stream(line);
  std::string part;
  while (std::getline(stream, part, '\t')) parts.push_back(part);
  return parts;
}

std::vector<GoldenCase> LoadCases() {
  std::vector<GoldenCase> cases;
  std::ifstream file(kDataDir + "/cases.tsv");
  std::string line;
  std::getline(file, line);  // header
  while (std::getline(file, line)) {
    const std::vector<std::string> columns = SplitTabs(line);
    if (columns.size() < 6) continue;
    GoldenCase c{columns[0], columns[1], columns[2], columns[3]};
    if (columns[5] == "exact") {
      c.exact = true;
    } else {
      std::stringstream terms(columns[5]);
      std::string term;
      while (std::getline(terms, term, ',')) {
        const size_t equals = term.find('=');
        (term.substr(0, equals) == "atol" ? c.atol : c.rtol) = std::stod(term.substr(equals + 1));
      }
    }
    cases.push_back(c);
  }
  return cases;
}

std::map<std::string, std::string> LoadPending() {
  std::map<std::string, std::string> pending;
  std::ifstream file(EMBER_TFLITE_PENDING_CASES);
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> columns = SplitTabs(line);
    pending[columns[0]] = columns.size() > 2 ? columns[1] + ": " + columns[2] : line;
  }
  return pending;
}

// Converts each model once.
const ConvertResult& Converted(const std::string& model, std::string* error) {
  static std::map<std::string, std::pair<ConvertResult, std::string>> cache;
  auto found = cache.find(model);
  if (found == cache.end()) {
    std::pair<ConvertResult, std::string> entry;
    try {
      entry.first = ConvertTflite(kDataDir + "/" + model, {});
    } catch (const ConvertError& e) {
      entry.second = std::string("conversion failed: ") + e.what();
    }
    found = cache.emplace(model, std::move(entry)).first;
  }
  *error = found->second.second;
  return found->second.first;
}

// Runs one case; returns "" when the output matches the golden.
std::string RunCase(const GoldenCase& c) {
  std::string error;
  const ConvertResult& converted = Converted(c.model, &error);
  if (!error.empty()) return error;
  npy::Array input;
  npy::Array golden;
  if (!npy::ReadFile(kDataDir + "/" + c.input, &input, &error) ||
      !npy::ReadFile(kDataDir + "/" + c.output, &golden, &error)) {
    return error;
  }
  const auto outputs = testing::RunModel(converted, {input.data}, &error);
  if (!error.empty()) return error;
  if (outputs.at(0).size() != golden.data.size()) {
    return "output has " + std::to_string(outputs[0].size()) + " bytes, the golden " +
           std::to_string(golden.data.size());
  }
  if (c.exact) {
    int differing = 0;
    std::string first;
    for (size_t k = 0; k < golden.data.size(); ++k) {
      if (outputs[0][k] == golden.data[k]) continue;
      if (differing++ == 0) {
        first = "[" + std::to_string(k) +
                "] = " + std::to_string(static_cast<int8_t>(outputs[0][k])) + ", golden " +
                std::to_string(static_cast<int8_t>(golden.data[k]));
      }
    }
    return differing == 0 ? "" : std::to_string(differing) + " values differ, first " + first;
  }
  const std::vector<float> got = testing::ValuesOf<float>(outputs[0]);
  const std::vector<float> want = testing::ValuesOf<float>(golden.data);
  for (size_t k = 0; k < want.size(); ++k) {
    const double diff = std::fabs(double{got[k]} - want[k]);
    if (!(diff <= c.atol + c.rtol * std::fabs(want[k]))) {
      return "[" + std::to_string(k) + "] = " + std::to_string(got[k]) + ", golden " +
             std::to_string(want[k]);
    }
  }
  return "";
}

class TfliteGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(TfliteGoldenTest, MatchesTflm) {
  const GoldenCase& c = GetParam();
  static const std::map<std::string, std::string> pending = LoadPending();
  const std::string failure = RunCase(c);
  const auto listed = pending.find(c.name);
  if (listed != pending.end()) {
    EXPECT_NE(failure, "") << c.name << " passes now: take it off pending_cases.tsv";
    GTEST_SKIP() << "pending (" << listed->second << "): " << failure.substr(0, 300);
  }
  EXPECT_EQ(failure, "") << c.name;
}

std::string CaseName(const ::testing::TestParamInfo<GoldenCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(SharedTestdata, TfliteGoldenTest, ::testing::ValuesIn(LoadCases()),
                         CaseName);

// The hybrid KWS model (int8 weights, float activations; TFLM refuses it)
// has no golden of its own: its reference is the same network with the
// weights dequantized, run by TFLM (the cases of
// kws_hybrid_dequantized_fp32.tflite, README of testdata/tflite). Ember's
// hybrid kernels keep the activations float and apply each channel's weight
// scale to the int8 dot product (TFLite's would quantize the activations on
// the fly), so they differ from the reference by float rounding only
// (measured: at most 6.3e-7 absolute on these softmax outputs): the hybrid
// model is held to the float cases' own tolerance, and the predicted keyword
// must agree on every case.
constexpr char kHybridModel[] = "models/kws_ref_model_float32.tflite";
constexpr char kDequantizedModel[] = "models/kws_hybrid_dequantized_fp32.tflite";

std::vector<GoldenCase> HybridCases() {
  std::vector<GoldenCase> cases;
  for (GoldenCase c : LoadCases()) {
    if (c.model != kDequantizedModel) continue;
    c.model = kHybridModel;
    cases.push_back(c);
  }
  return cases;
}

class TfliteHybridTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(TfliteHybridTest, MatchesTheDequantizedReference) {
  const GoldenCase& c = GetParam();
  std::string error;
  const ConvertResult& converted = Converted(c.model, &error);
  ASSERT_EQ(error, "");
  npy::Array input;
  npy::Array golden;
  ASSERT_TRUE(npy::ReadFile(kDataDir + "/" + c.input, &input, &error)) << error;
  ASSERT_TRUE(npy::ReadFile(kDataDir + "/" + c.output, &golden, &error)) << error;
  const auto outputs = testing::RunModel(converted, {input.data}, &error);
  ASSERT_EQ(error, "");
  const std::vector<float> got = testing::ValuesOf<float>(outputs.at(0));
  const std::vector<float> want = testing::ValuesOf<float>(golden.data);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_LE(std::fabs(double{got[k]} - want[k]), c.atol + c.rtol * std::fabs(want[k]))
        << c.name << " [" << k << "] = " << got[k] << ", reference " << want[k];
  }
  EXPECT_EQ(std::max_element(got.begin(), got.end()) - got.begin(),
            std::max_element(want.begin(), want.end()) - want.begin())
      << c.name << ": the predicted keyword differs";
}

INSTANTIATE_TEST_SUITE_P(SharedTestdata, TfliteHybridTest, ::testing::ValuesIn(HybridCases()),
                         CaseName);

}  // namespace
}  // namespace ember::convert
