// The converter pipeline: read a source model, run the front end's passes,
// lower to the Ember IR, run the Ember passes, plan memory and serialize.
// Every step is reported so the CLI can print what it did.
#ifndef EMBER_CONVERTER_CONVERT_H_
#define EMBER_CONVERTER_CONVERT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ember::convert {

struct ConvertOptions {
  // Tensor names ("node" or "node:k"); empty = the source's defaults.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, std::vector<int32_t>> input_shapes;
  // "" (float32), "fp16", "int8-weights", "int8" or "int16x8"; see
  // converter/quantize/.
  std::string quantize;
  // Calibration data: graph input name ("" when the graph has one input) ->
  // .npy file (converter/quantize/calibrate.h). Needed by int8 and int16x8,
  // and by `report` with any mode.
  std::map<std::string, std::string> calibration;
  // "minmax", "percentile" or "mse".
  std::string calibration_method = "minmax";
  // Model inputs and outputs in int8 instead of float (int8 mode only).
  bool integer_io = false;
  // Compare the quantized graph with the float one on the calibration data.
  bool quantization_report = false;
  // ONNX: 4-D model inputs and outputs in NHWC instead of the model's own
  // NCHW (--io-layout nhwc); see converter/onnx/import.h.
  bool channels_last_io = false;
  // Calibration progress: (samples done, total) after each sample.
  std::function<void(int, int)> progress;
};

struct PassStep {
  std::string name;
  int nodes_after;
};

struct ConvertReport {
  std::string source_format;
  size_t source_bytes = 0;
  int source_nodes = 0;
  std::vector<PassStep> steps;
  std::map<std::string, int> op_histogram;
  int64_t parameters = 0;
  size_t model_bytes = 0;
  size_t arena_bytes = 0;
  std::vector<std::string> notes;
  // The --report table (empty unless asked for).
  std::string quantization_table;
};

struct ConvertResult {
  std::vector<uint8_t> model;
  size_t arena_bytes = 0;
  ConvertReport report;
};

// Converts the TensorFlow frozen graph at `path`. Throws ConvertError (or
// UnsupportedOpsError) with a message naming what is wrong.
ConvertResult ConvertTensorFlow(const std::string& path, const ConvertOptions& options);

// Converts a TensorFlow frozen graph, a TensorFlow Lite model or an ONNX
// model, told apart by the file's contents (and the .onnx extension).
ConvertResult ConvertModel(const std::string& path, const ConvertOptions& options);

class IrGraph;

// The Ember-level passes every front end runs, in order, then the weight
// quantization `options` ask for, recording the op count after each step.
void RunEmberPasses(IrGraph& graph, const ConvertOptions& options, ConvertReport& report);

// The quantization `options` ask for (nothing for float32), recording it in
// the report; see converter/quantize/.
void QuantizeGraph(IrGraph& graph, const ConvertOptions& options, ConvertReport& report);

// Plans memory, serializes, and fills the report's totals. A planning failure
// is reported together with the report's notes (they often explain it).
ConvertResult FinishConversion(IrGraph& graph, const std::string& description,
                               ConvertReport report);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_CONVERT_H_
