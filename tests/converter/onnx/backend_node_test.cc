// ONNX's backend node tests (Debian's libonnx-testdata: one model.onnx per
// case with test_data_set_*/input_N.pb and output_N.pb, outputs computed by
// ONNX's reference implementation) run through the ONNX front end and the
// interpreter.
//
// Node tests feed weights, axes, shapes and the like as graph inputs. Ember's
// shapes are static, so for each data set the harness freezes every input
// but the first into a constant (an initializer) holding that data set's
// value; input 0 stays a model input fed at run time.
//
// Each case runs twice: with the default NCHW inputs and outputs, and with
// --io-layout nhwc (4-D inputs fed and outputs compared as NHWC).
//
// A case is unsupported when the importer reports an op, attribute or type
// Ember lacks (OnnxUnsupportedError); those are counted and listed by reason.
// Every other case must convert, run and match each output_N.pb: floats
// within rtol 1e-3 and atol 1e-7 (ONNX's backend-test defaults, numpy
// allclose: |got - want| <= atol + rtol * |want|, NaN matching NaN), other
// types exactly. A failure fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "converter/error.h"
#include "converter/onnx/import.h"
#include "converter/onnx/model_reader.h"
#include "converter/read_file.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "interpreter/tensor.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {
namespace {

namespace fs = std::filesystem;

constexpr double kRelativeTolerance = 1e-3;
constexpr double kAbsoluteTolerance = 1e-7;

std::vector<fs::path> SortedEntries(const fs::path& folder, const std::string& prefix) {
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_directory() && entry.path().filename().string().rfind(prefix, 0) == 0) {
      entries.push_back(entry.path());
    }
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// Graph inputs that are not initializers, in order: what input_N.pb feeds.
std::vector<int> FedInputs(const onnx::GraphProto& graph) {
  std::set<std::string> initialized;
  for (const onnx::TensorProto& tensor : graph.initializer()) initialized.insert(tensor.name());
  std::vector<int> fed;
  for (int i = 0; i < graph.input_size(); ++i) {
    if (initialized.count(graph.input(i).name()) == 0) fed.push_back(i);
  }
  return fed;
}

// The model with fed inputs 1.. turned into initializers holding the data
// set's values. Inputs that are not tensors (sequences, optionals) stay, and
// the importer reports them.
onnx::ModelProto FreezeInputs(const onnx::ModelProto& source, const fs::path& data_set) {
  onnx::ModelProto model = source;
  onnx::GraphProto& graph = *model.mutable_graph();
  const std::vector<int> fed = FedInputs(source.graph());
  std::set<int> frozen;
  for (size_t k = 1; k < fed.size(); ++k) {
    const onnx::ValueInfoProto& input = source.graph().input(fed[k]);
    if (!input.type().has_tensor_type()) continue;
    onnx::TensorProto value =
        ReadTensorFile((data_set / ("input_" + std::to_string(k) + ".pb")).string());
    value.set_name(input.name());
    *graph.add_initializer() = value;
    frozen.insert(fed[k]);
  }
  graph.clear_input();
  for (int i = 0; i < source.graph().input_size(); ++i) {
    if (frozen.count(i) == 0) *graph.add_input() = source.graph().input(i);
  }
  return model;
}

bool Matches(const TensorView& got, const OnnxTensor& want, std::string* why) {
  if (got.type != want.type) {
    *why =
        std::string("type ") + TensorTypeName(got.type) + ", expected " + TensorTypeName(want.type);
    return false;
  }
  const std::vector<int32_t> got_shape(got.dims, got.dims + got.rank);
  if (got_shape != want.shape) {
    std::ostringstream text;
    text << "shape [";
    for (int32_t d : got_shape) text << d << ",";
    text << "], expected [";
    for (int32_t d : want.shape) text << d << ",";
    text << "]";
    *why = text.str();
    return false;
  }
  if (got.type != TensorType::FLOAT32) {
    if (got.bytes() != want.data.size() ||
        std::memcmp(got.data, want.data.data(), got.bytes()) != 0) {
      *why = "values differ (exact comparison)";
      return false;
    }
    return true;
  }
  const float* values = got.data_as<float>();
  const float* expected = reinterpret_cast<const float*>(want.data.data());
  for (int64_t i = 0; i < got.num_elements(); ++i) {
    const double a = values[i];
    const double b = expected[i];
    if (std::isnan(a) && std::isnan(b)) continue;
    if (a == b) continue;  // includes equal infinities
    if (!(std::fabs(a - b) <= kAbsoluteTolerance + kRelativeTolerance * std::fabs(b))) {
      *why = "element " + std::to_string(i) + " = " + std::to_string(a) + ", expected " +
             std::to_string(b);
      return false;
    }
  }
  return true;
}

// A 4-D tensor's NCHW bytes rearranged as NHWC; other ranks unchanged.
OnnxTensor ToNhwc(const OnnxTensor& tensor) {
  if (tensor.shape.size() != 4) return tensor;
  const int32_t n = tensor.shape[0], c = tensor.shape[1], h = tensor.shape[2], w = tensor.shape[3];
  const size_t size = TensorTypeSize(tensor.type);
  OnnxTensor result = tensor;
  result.shape = {n, h, w, c};
  for (int32_t b = 0; b < n; ++b) {
    for (int32_t k = 0; k < c; ++k) {
      for (int32_t i = 0; i < h; ++i) {
        for (int32_t j = 0; j < w; ++j) {
          const size_t from = ((static_cast<size_t>(b) * c + k) * h + i) * w + j;
          const size_t to = ((static_cast<size_t>(b) * h + i) * w + j) * c + k;
          std::memcpy(&result.data[to * size], &tensor.data[from * size], size);
        }
      }
    }
  }
  return result;
}

// Runs the converted model on the data set's input 0; "" when every output
// matches. With `nhwc`, 4-D inputs and outputs are NHWC (--io-layout nhwc).
std::string RunDataSet(const ConvertResult& converted, const onnx::ModelProto& model,
                       const fs::path& data_set, bool nhwc) {
  const AlignedBuffer model_bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model loaded;
  if (Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &loaded) != Status::kOk) {
    return "load failed: " + reporter.message;
  }
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(loaded, resolver, arena.data(), arena.size(), &reporter);
  if (interpreter.AllocateTensors() != Status::kOk) return "allocate failed: " + reporter.message;
  if (interpreter.inputs_size() > 1) return "more than one model input after freezing";
  if (interpreter.inputs_size() == 1) {
    OnnxTensor input =
        DecodeTensor(ReadTensorFile((data_set / "input_0.pb").string()), "input_0.pb");
    if (nhwc) input = ToNhwc(input);
    TensorView view = interpreter.input(0);
    if (view.type != input.type || view.bytes() != input.data.size()) {
      return "input 0 does not match the model input's type or size";
    }
    if (!input.data.empty()) std::memcpy(view.data, input.data.data(), input.data.size());
  }
  if (interpreter.Invoke() != Status::kOk) return "invoke failed: " + reporter.message;
  const int outputs = model.graph().output_size();
  if (static_cast<int>(interpreter.outputs_size()) != outputs) return "output count differs";
  std::string failures;
  for (int k = 0; k < outputs; ++k) {
    const onnx::TensorProto proto =
        ReadTensorFile((data_set / ("output_" + std::to_string(k) + ".pb")).string());
    OnnxTensor want = DecodeTensor(proto, "output_" + std::to_string(k) + ".pb");
    if (nhwc) want = ToNhwc(want);
    std::string why;
    if (!Matches(interpreter.output(k), want, &why)) {
      failures += "output " + std::to_string(k) + " ('" + model.graph().output(k).name() +
                  "'): " + why + "; ";
    }
  }
  return failures;
}

enum class Outcome { kPassed, kUnsupported, kFailed };

struct CaseResult {
  Outcome outcome = Outcome::kPassed;
  std::vector<std::string> reasons;  // unsupported: "Op: reason"; failed: the failure
};

CaseResult RunCase(const fs::path& folder) {
  CaseResult result;
  const std::string name = folder.filename().string();
  try {
    const onnx::ModelProto source =
        ParseModel(ReadFileBytes((folder / "model.onnx").string()), name);
    const std::vector<fs::path> data_sets = SortedEntries(folder, "test_data_set_");
    if (data_sets.empty()) {
      result.outcome = Outcome::kFailed;
      result.reasons.push_back("no test_data_set_* folder");
      return result;
    }
    for (const fs::path& data_set : data_sets) {
      const onnx::ModelProto model = FreezeInputs(source, data_set);
      ConvertResult converted;
      ConvertOptions nhwc;
      nhwc.channels_last_io = true;
      ConvertResult converted_nhwc;
      try {
        converted = ConvertOnnxModel(model, name, ConvertOptions());
        converted_nhwc = ConvertOnnxModel(model, name, nhwc);
      } catch (const OnnxUnsupportedError& unsupported) {
        result.outcome = Outcome::kUnsupported;
        for (const OnnxUnsupported& feature : unsupported.features()) {
          const std::string reason = feature.op_type + ": " + feature.reason;
          if (std::find(result.reasons.begin(), result.reasons.end(), reason) ==
              result.reasons.end()) {
            result.reasons.push_back(reason);
          }
        }
        return result;
      }
      for (const bool channels_last : {false, true}) {
        const std::string failure =
            RunDataSet(channels_last ? converted_nhwc : converted, model, data_set, channels_last);
        if (!failure.empty()) {
          result.outcome = Outcome::kFailed;
          result.reasons.push_back(data_set.filename().string() +
                                   (channels_last ? " (--io-layout nhwc): " : ": ") + failure);
          return result;
        }
      }
    }
  } catch (const std::exception& error) {
    result.outcome = Outcome::kFailed;
    result.reasons.push_back(error.what());
  }
  return result;
}

// Runs every test_* case under `root`, prints what happened and fails the
// test for each case that failed.
void RunSuite(const fs::path& root, const char* what) {
  std::printf("%s in %s\n", what, root.string().c_str());
  std::printf(
      "input 0 of each case is fed at run time; inputs 1.. are frozen into constants "
      "from each test data set before converting\n");
  std::printf("floats compared with rtol %g, atol %g; other types exactly\n", kRelativeTolerance,
              kAbsoluteTolerance);
  int passed = 0;
  int unsupported = 0;
  std::map<std::string, std::vector<std::string>> by_reason;
  std::vector<std::string> failures;
  std::vector<std::string> passed_names;
  for (const fs::path& folder : SortedEntries(root, "test_")) {
    const std::string name = folder.filename().string();
    const CaseResult result = RunCase(folder);
    switch (result.outcome) {
      case Outcome::kPassed:
        ++passed;
        passed_names.push_back(name);
        break;
      case Outcome::kUnsupported:
        ++unsupported;
        for (const std::string& reason : result.reasons) by_reason[reason].push_back(name);
        break;
      case Outcome::kFailed:
        failures.push_back(name + ": " + result.reasons.front());
        break;
    }
  }
  std::printf("\nunsupported, by reason (cases):\n");
  std::vector<std::pair<std::string, std::vector<std::string>>> reasons(by_reason.begin(),
                                                                        by_reason.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  for (const auto& [reason, names] : reasons) {
    std::printf("  %4zu  %s:", names.size(), reason.c_str());
    for (size_t i = 0; i < names.size() && i < 4; ++i) std::printf(" %s", names[i].c_str());
    if (names.size() > 4) std::printf(" ...");
    std::printf("\n");
  }
  std::printf("\npassed:");
  for (const std::string& name : passed_names) std::printf(" %s", name.c_str());
  std::printf("\n");
  for (const std::string& failure : failures) ADD_FAILURE() << failure;
  std::printf("\n%zu failed\n", failures.size());
  std::printf("%d passed, %d unsupported\n", passed, unsupported);
}

const fs::path kNodeTests = EMBER_ONNX_NODE_TEST_DIR;

TEST(OnnxBackendNodeTest, SupportedCasesMatchTheReference) {
  if (!fs::is_directory(kNodeTests)) {
    GTEST_SKIP() << "ONNX backend node tests not found at " << kNodeTests
                 << " (install Debian's libonnx-testdata, or set EMBER_ONNX_NODE_TEST_DIR)";
  }
  RunSuite(kNodeTests, "ONNX backend node tests");
}

// The same package's small whole models (PyTorch exports with their weights
// as initializers, and a few hand-made graphs), beside the node tests: more
// than one node each, so layouts carry from node to node.
TEST(OnnxBackendNodeTest, SupportedModelsMatchTheReference) {
  bool any = false;
  for (const char* suite : {"pytorch-converted", "pytorch-operator", "simple"}) {
    const fs::path root = kNodeTests.parent_path() / suite;
    if (!fs::is_directory(root)) continue;
    any = true;
    RunSuite(root, (std::string("ONNX backend ") + suite + " tests").c_str());
    std::printf("\n");
  }
  if (!any) GTEST_SKIP() << "ONNX backend model tests not found beside " << kNodeTests;
}

}  // namespace
}  // namespace ember::convert
