// End-to-end: every case of ../shared/testdata/tf/cases.tsv is converted from
// its frozen graph and run, and each output is compared with the reference
// (made by TensorFlow.js, independent of Ember) within the case's tolerance.
// Cases listed in tf_skip.tsv must fail (with the reason given there); any
// other failure fails the test.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "converter/convert.h"
#include "converter/error.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/npy.h"
#include "tests/testing/case_table.h"
#include "tools/common/string_error_reporter.h"

namespace ember {
namespace {

const std::string kDataDir = std::string(EMBER_SHARED_DIR) + "/testdata/tf";

struct TfCase {
  std::string name;
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs;   // tensor name, file
  std::vector<std::pair<std::string, std::string>> outputs;  // tensor name, file
  double rtol = 0;
  double atol = 0;
  bool exact = false;
};

using testing::ParsePairs;
using testing::Split;

std::vector<TfCase> LoadCases() {
  std::vector<TfCase> cases;
  std::ifstream file(kDataDir + "/cases.tsv");
  std::string line;
  std::getline(file, line);  // header
  while (std::getline(file, line)) {
    const std::vector<std::string> columns = Split(line, '\t');
    if (columns.size() < 5) continue;
    TfCase c;
    c.name = columns[0];
    c.model = columns[1];
    c.inputs = ParsePairs(columns[2]);
    c.outputs = ParsePairs(columns[3]);
    const testing::Tolerance tolerance = testing::ParseTolerance(columns[4]);
    c.exact = tolerance.exact;
    c.rtol = tolerance.rtol;
    c.atol = tolerance.atol;
    cases.push_back(c);
  }
  return cases;
}

std::map<std::string, std::string> LoadSkipList() {
  std::map<std::string, std::string> skip;
  std::ifstream file(std::string(EMBER_SOURCE_DIR) + "/tests/e2e/tf_skip.tsv");
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> columns = Split(line, '\t');
    skip[columns[0]] = columns.size() > 2 ? columns[1] + ": " + columns[2] : line;
  }
  return skip;
}

// Converts and runs one case; returns "" on success or the reason it failed.
// Input shapes are given to the converter from the input files, as a user
// passes --input-shape (some graphs leave their placeholders' rank unknown).
//
// With `quantize` set, outputs are held to a bound relative to the reference's
// range instead of the case's float tolerance: `range_fraction` * max|ref|.
//
// With `min_sqnr_db` set instead, each output's SQNR against the reference
// (10 log10 of sum ref^2 / sum (ember - ref)^2) must reach it.
std::string RunCase(const TfCase& c, const std::string& quantize = "",
                    double range_fraction = 0.0, double min_sqnr_db = 0.0) {
  convert::ConvertOptions options;
  options.quantize = quantize;
  for (const auto& input : c.inputs) {
    options.inputs.push_back(input.first);
    options.calibration[input.first] = kDataDir + "/" + input.second;
    npy::Array array;
    std::string error;
    if (!npy::ReadFile(kDataDir + "/" + input.second, &array, &error)) return error;
    options.input_shapes[input.first] = std::vector<int32_t>(array.shape.begin(), array.shape.end());
  }
  for (const auto& output : c.outputs) options.outputs.push_back(output.first);
  if (quantize != "int8" && quantize != "int16x8") options.calibration.clear();
  convert::ConvertResult converted;
  try {
    converted = convert::ConvertTensorFlow(kDataDir + "/" + c.model, options);
  } catch (const std::exception& error) {
    return std::string("conversion failed: ") + error.what();
  }
  const AlignedBuffer model_bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model model;
  if (Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model) != Status::kOk) {
    return "load failed: " + reporter.message;
  }
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  if (interpreter.AllocateTensors() != Status::kOk) return "allocate failed: " + reporter.message;
  if (interpreter.arena_used_bytes() != converted.arena_bytes || !interpreter.used_file_plan()) {
    return "arena used " + std::to_string(interpreter.arena_used_bytes()) + " != planned " +
           std::to_string(converted.arena_bytes);
  }
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    npy::Array array;
    std::string error;
    std::vector<float> values;
    if (!npy::ReadFile(kDataDir + "/" + c.inputs[i].second, &array, &error) ||
        !npy::ToFloat32(array, &values, &error)) {
      return error;
    }
    const int index = interpreter.FindInput(c.inputs[i].first.c_str());
    if (index < 0) return "no input named " + c.inputs[i].first;
    TensorView view = interpreter.input(index);
    if (view.bytes() != values.size() * sizeof(float)) return "input size mismatch for " + c.inputs[i].first;
    std::memcpy(view.data, values.data(), view.bytes());
  }
  if (interpreter.Invoke() != Status::kOk) return "invoke failed: " + reporter.message;
  std::string failures;
  for (const auto& [name, file] : c.outputs) {
    npy::Array array;
    std::string error;
    std::vector<float> expected;
    if (!npy::ReadFile(kDataDir + "/" + file, &array, &error) || !npy::ToFloat32(array, &expected, &error)) {
      return error;
    }
    const int index = interpreter.FindOutput(name.c_str());
    if (index < 0) return "no output named " + name;
    const TensorView view = interpreter.output(index);
    if (static_cast<size_t>(view.num_elements()) != expected.size()) {
      return name + ": " + std::to_string(view.num_elements()) + " elements, expected " +
             std::to_string(expected.size());
    }
    const float* got = view.data_as<float>();
    double range = 0;
    for (float value : expected) range = std::max(range, std::fabs(double(value)));
    double worst = 0, signal = 0, noise = 0;
    for (size_t k = 0; k < expected.size(); ++k) {
      const double error = double(got[k]) - expected[k];
      worst = std::max(worst, std::fabs(error));
      signal += double(expected[k]) * expected[k];
      noise += error * error;
    }
    if (min_sqnr_db > 0) {
      const double sqnr = noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
      if (!(sqnr >= min_sqnr_db)) {
        failures += name + ": SQNR " + std::to_string(sqnr) + " dB < " +
                    std::to_string(min_sqnr_db) + " (max |error| " + std::to_string(worst) + "); ";
      }
      continue;
    }
    for (size_t k = 0; k < expected.size(); ++k) {
      const double diff = std::fabs(double(got[k]) - expected[k]);
      const double allowed = !quantize.empty() ? range_fraction * range + c.atol
                             : c.exact         ? 0.0
                                               : c.atol + c.rtol * std::fabs(expected[k]);
      if (!(diff <= allowed)) {
        failures += name + "[" + std::to_string(k) + "] = " + std::to_string(got[k]) +
                    ", expected " + std::to_string(expected[k]) + " (max |error| " +
                    std::to_string(worst) + " = " + std::to_string(worst / range) +
                    " of the output's range " + std::to_string(range) + "); ";
        break;
      }
    }
  }
  return failures;
}

// Keeps gtest's test listing readable.
void PrintTo(const TfCase& c, std::ostream* os) { *os << c.name; }

class TfCaseTest : public ::testing::TestWithParam<TfCase> {};

TEST_P(TfCaseTest, MatchesReference) {
  const TfCase& c = GetParam();
  static const std::map<std::string, std::string> skip = LoadSkipList();
  const std::string failure = RunCase(c);
  const auto listed = skip.find(c.name);
  if (listed != skip.end()) {
    EXPECT_FALSE(failure.empty()) << c.name << " passes now: remove it from tf_skip.tsv";
    GTEST_SKIP() << "listed in tf_skip.tsv (" << listed->second << "): " << failure.substr(0, 200);
  }
  EXPECT_EQ(failure, "") << c.name;
}

// fp16 weights keep 11 significant bits (relative error <= 2^-11 per
// weight); through the deepest case (MobileNet, 27 layers) the output stays
// within 3% of the output range, the bound held here for every case.
TEST_P(TfCaseTest, Fp16WeightsWithinBound) {
  const TfCase& c = GetParam();
  static const std::map<std::string, std::string> skip = LoadSkipList();
  if (skip.count(c.name)) GTEST_SKIP() << "listed in tf_skip.tsv";
  EXPECT_EQ(RunCase(c, "fp16", 0.03), "") << c.name;
}

// Quantized conversions are held to a bound per model family and mode,
// listed with its reason in quantized_bounds.tsv: each output's SQNR against
// the reference at least `min_sqnr_db`. Full-integer modes calibrate on the
// case's own input, as the quantization issue prescribes.
struct QuantizedBound {
  std::string prefix;
  std::string mode;
  double min_sqnr_db = 0;
};

std::vector<QuantizedBound> LoadQuantizedBounds() {
  std::vector<QuantizedBound> bounds;
  std::ifstream file(std::string(EMBER_SOURCE_DIR) + "/tests/e2e/quantized_bounds.tsv");
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> columns = Split(line, '\t');
    if (columns.size() < 3) continue;
    bounds.push_back({columns[0], columns[1], std::stod(columns[2])});
  }
  return bounds;
}

void ExpectQuantizedWithinBound(const TfCase& c, const std::string& mode) {
  static const std::map<std::string, std::string> skip = LoadSkipList();
  if (skip.count(c.name)) GTEST_SKIP() << "listed in tf_skip.tsv";
  static const std::vector<QuantizedBound> bounds = LoadQuantizedBounds();
  for (const QuantizedBound& bound : bounds) {
    if (bound.mode == mode && c.name.rfind(bound.prefix, 0) == 0) {
      EXPECT_EQ(RunCase(c, mode, 0.0, bound.min_sqnr_db), "") << c.name << " --quantize " << mode;
      return;
    }
  }
  ADD_FAILURE() << c.name << ": no bound for --quantize " << mode << " in quantized_bounds.tsv";
}

TEST_P(TfCaseTest, Int8WeightsWithinBound) { ExpectQuantizedWithinBound(GetParam(), "int8-weights"); }
TEST_P(TfCaseTest, Int8WithinBound) { ExpectQuantizedWithinBound(GetParam(), "int8"); }
TEST_P(TfCaseTest, Int16x8WithinBound) { ExpectQuantizedWithinBound(GetParam(), "int16x8"); }

std::string CaseName(const ::testing::TestParamInfo<TfCase>& info) {
  std::string name = info.param.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(SharedTestdata, TfCaseTest, ::testing::ValuesIn(LoadCases()), CaseName);

}  // namespace
}  // namespace ember
