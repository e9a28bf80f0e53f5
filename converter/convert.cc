#include "converter/convert.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "converter/batch_dims.h"
#include "converter/error.h"
#include "converter/ir/graph.h"
#include "converter/memory_plan.h"
#include "converter/model_builder.h"
#include "converter/onnx/import.h"
#include "converter/passes/passes.h"
#include "converter/quantize/calibrate.h"
#include "converter/quantize/fp16.h"
#include "converter/quantize/integer.h"
#include "converter/quantize/report.h"
#include "converter/tflite/import.h"
#include "converter/tf/graph.h"
#include "converter/tf/lower.h"
#include "converter/tf/passes.h"
#include "converter/tf/shape_hints.h"

namespace ember::convert {
namespace {

// The Ember passes before quantization, recording the op count after each.
void RunFloatPasses(IrGraph& graph, ConvertReport& report) {
  struct Pass {
    const char* name;
    int (*run)(IrGraph&);
  };
  const Pass passes[] = {
      {"fold-constants", FoldConstants},
      {"cancel-transposes", CancelTransposes},
      {"fold-batchnorm-and-bias", FoldAffineIntoWeights},
      {"fuse-activations", FuseActivations},
      {"sink-packs", SinkPacks},
      {"merge-duplicates", MergeDuplicateOps},
  };
  graph.Compact();
  report.steps.push_back({"ember-ops", static_cast<int>(graph.live_op_count())});
  for (const Pass& pass : passes) {
    pass.run(graph);
    graph.Compact();
    report.steps.push_back({pass.name, static_cast<int>(graph.live_op_count())});
  }
}

// When every input of the float graph `ir` has the same leading dimension B >=
// 2, lowers `graph` again at batch B + 1 and marks in `ir` what follows the
// batch (converter/batch_dims.h). Reports "dynamic batch: 1..B" or why not.
void MarkDynamicBatch(const tf::Graph& graph, const tf::LowerOptions& lower_options, IrGraph& ir,
                      ConvertReport& report) {
  const int32_t batch = CommonInputBatch(ir);
  if (batch < 2) return;
  const int32_t other_batch = batch + 1;
  tf::LowerOptions other_options = lower_options;
  const std::vector<std::string>& names = graph.input_names();
  for (size_t k = 0; k < names.size() && k < ir.inputs.size(); ++k) {
    std::vector<int32_t> shape = ir.tensors[ir.inputs[k]].shape;
    shape[0] = other_batch;
    other_options.input_shapes[names[k]] = shape;
  }
  std::string note;
  try {
    std::vector<std::string> other_notes;
    IrGraph other = tf::Lower(graph, other_options, &other_notes);
    ConvertReport other_report;
    RunFloatPasses(other, other_report);
    note = MarkBatchDims(ir, batch, other, other_batch);
  } catch (const std::exception& error) {
    note = "dynamic batch off: lowering at batch " + std::to_string(other_batch) +
           " failed: " + error.what();
  }
  report.notes.push_back(note.empty() ? "dynamic batch: 1.." + std::to_string(batch) : note);
}

// The error with the conversion's notes so far appended: they often name
// the cause (an input whose shape had to be guessed).
ConvertError WithNotes(const ConvertError& error, const std::vector<std::string>& notes) {
  std::string message = error.what();
  for (const std::string& note : notes) message += "\n  note: " + note;
  return ConvertError(message);
}

void ClearBatchDims(IrGraph& graph) {
  graph.max_batch = 0;
  for (IrTensor& tensor : graph.tensors) tensor.batch_dim = -1;
}

}  // namespace

void RunEmberPasses(IrGraph& graph, const ConvertOptions& options, ConvertReport& report) {
  RunFloatPasses(graph, report);
  QuantizeGraph(graph, options, report);
}

namespace {

std::string FloatOpsNote(const std::vector<std::string>& float_ops) {
  std::string note = std::to_string(float_ops.size()) + " op(s) kept in float:";
  for (const std::string& op : float_ops) note += "\n    " + op;
  return note;
}

}  // namespace

void QuantizeGraph(IrGraph& graph, const ConvertOptions& options, ConvertReport& report) {
  const std::string& mode = options.quantize;
  const bool full_integer = mode == "int8" || mode == "int16x8";
  if (!mode.empty() && mode != "fp16" && mode != "int8-weights" && !full_integer) {
    throw ConvertError("--quantize " + mode + ": expected fp16, int8-weights, int8 or int16x8");
  }
  if (options.integer_io && mode != "int8") {
    throw ConvertError("--io int8 needs --quantize int8");
  }
  if (full_integer && options.calibration.empty()) {
    throw ConvertError("--quantize " + mode +
                       " needs calibration data: --calibrate NAME=FILE.npy for each input");
  }
  if (options.quantization_report && (mode.empty() || options.calibration.empty())) {
    throw ConvertError("--report needs --quantize and --calibrate");
  }
  if (mode.empty()) return;
  if (mode != "fp16" && SplitConcatDense(graph) > 0) {
    report.steps.push_back({"split-concat-dense", static_cast<int>(graph.live_op_count())});
  }
  CalibrationSamples samples;
  if (!options.calibration.empty()) samples = ReadCalibrationSamples(graph, options.calibration);
  const IrGraph float_graph = graph;

  if (mode == "fp16") {
    const int converted = ConvertWeightsToFloat16(graph);
    report.notes.push_back("fp16: " + std::to_string(converted) +
                           " weight tensors stored as float16, widened once into the arena "
                           "head at AllocateTensors (included in the planned arena)");
  } else if (mode == "int8-weights") {
    std::vector<std::string> float_ops;
    const int converted = QuantizeWeightsToInt8(graph, &float_ops);
    report.notes.push_back("int8-weights: " + std::to_string(converted) +
                           " weight tensors stored as int8 (per output channel); kernels read "
                           "them directly with float activations");
    if (!float_ops.empty()) report.notes.push_back(FloatOpsNote(float_ops));
  } else {
    const auto type = mode == "int8" ? schema::TensorType::INT8 : schema::TensorType::INT16;
    const auto ranges = Calibrate(float_graph, samples,
                                  ParseCalibrationMethod(options.calibration_method),
                                  type == schema::TensorType::INT8 ? 255 : 65535, options.progress);
    IntegerQuantizeOptions integer_options;
    integer_options.activations = type;
    integer_options.integer_io = options.integer_io;
    const QuantizeSummary summary = QuantizeIntegers(graph, ranges, integer_options);
    report.notes.push_back(mode + ": " + std::to_string(summary.integer_ops) +
                           " ops integer, calibrated on " +
                           std::to_string(samples.samples.size()) + " sample(s) (" +
                           options.calibration_method + ")");
    if (!summary.float_ops.empty()) report.notes.push_back(FloatOpsNote(summary.float_ops));
  }
  if (options.quantization_report) {
    report.quantization_table =
        FormatQuantizationReport(CompareQuantized(float_graph, graph, samples));
  }
  graph.Compact();
  report.steps.push_back({"quantize-" + mode, static_cast<int>(graph.live_op_count())});
}

ConvertResult FinishConversion(IrGraph& graph, const std::string& description,
                               ConvertReport report) {
  schema::ModelT model = graph.ToModel(description);
  try {
    AttachMemoryPlan(model);
  } catch (const ConvertError& error) {
    throw WithNotes(error, report.notes);
  }
  ConvertResult result;
  result.model = SerializeModel(model);
  result.arena_bytes = static_cast<size_t>(model.plan->arena_bytes);
  for (const IrOp& op : graph.ops) {
    if (!op.dead) ++report.op_histogram[schema::EnumNameOpCode(op.code)];
  }
  report.parameters = graph.ParameterCount();
  report.model_bytes = result.model.size();
  report.arena_bytes = result.arena_bytes;
  result.report = std::move(report);
  return result;
}

ConvertResult ConvertModel(const std::string& path, const ConvertOptions& options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConvertError("cannot read '" + path + "'");
  char header[8] = {};
  file.read(header, sizeof(header));
  const bool tflite = file.gcount() == 8 && std::memcmp(header + 4, "TFL3", 4) == 0;
  // An ONNX ModelProto starts with its ir_version (field 1, varint: 0x08); a
  // GraphDef never does (its fields 1 and 2 are messages).
  const bool onnx_name = path.size() > 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
  const bool onnx = !tflite && (onnx_name || (file.gcount() > 0 && header[0] == 0x08));
  if (onnx) return ConvertOnnx(path, options);
  if (options.channels_last_io) {
    throw ConvertError("--io-layout applies to ONNX models only (this is a " +
                       std::string(tflite ? "TensorFlow Lite model" : "TensorFlow graph") +
                       ", whose layout is already NHWC)");
  }
  return tflite ? ConvertTflite(path, options) : ConvertTensorFlow(path, options);
}

ConvertResult ConvertTensorFlow(const std::string& path, const ConvertOptions& options) {
  ConvertReport report;
  report.source_format = "TensorFlow GraphDef";
  tf::Graph graph = tf::LoadGraphDef(path);
  report.source_nodes = graph.size();
  report.steps.push_back({"read", graph.size()});
  auto step = [&](const char* name) { report.steps.push_back({name, graph.size()}); };
  tf::LowerOptions lower_options;
  std::vector<std::string> inputs_to_infer = tf::ModelInputNames(graph, options.inputs);
  inputs_to_infer.erase(std::remove_if(inputs_to_infer.begin(), inputs_to_infer.end(),
                                       [&](const std::string& name) {
                                         return options.input_shapes.count(name) > 0;
                                       }),
                        inputs_to_infer.end());
  lower_options.input_shapes = tf::InferCutShapes(graph, inputs_to_infer, &report.notes);
  for (const auto& [name, shape] : options.input_shapes) lower_options.input_shapes[name] = shape;
  tf::CutAtInputs(graph, options.inputs);
  step("cut-at-inputs");
  tf::PruneToOutputs(graph, options.outputs);
  step("prune-to-outputs");
  tf::StripIdentity(graph);
  step("strip-identity");
  tf::ResolveConstantSwitch(graph);
  step("resolve-constant-switch");
  tf::MergeDuplicates(graph);
  step("merge-duplicate-nodes");
  tf::PruneToOutputs(graph, graph.output_names());
  step("prune-dead-nodes");

  IrGraph ir;
  try {
    ir = tf::Lower(graph, lower_options, &report.notes);
  } catch (const UnsupportedOpsError&) {
    throw;
  } catch (const ConvertError& error) {
    // An input of unknown shape taken as a scalar is the usual cause.
    throw WithNotes(error, report.notes);
  }
  RunFloatPasses(ir, report);
  MarkDynamicBatch(graph, lower_options, ir, report);
  QuantizeGraph(ir, options, report);
  const std::string description = "converted from " + path.substr(path.find_last_of('/') + 1);
  if (ir.max_batch == 0) return FinishConversion(ir, description, std::move(report));
  // The kernels have the last word on the marks: every batch must prepare
  // with the shapes they imply.
  ConvertReport unmarked_report = report;
  ConvertResult result = FinishConversion(ir, description, std::move(report));
  const std::string failure = CheckEveryBatchPrepares(result.model);
  if (failure.empty()) return result;
  ClearBatchDims(ir);
  for (std::string& note : unmarked_report.notes) {
    if (note.rfind("dynamic batch: ", 0) == 0) {
      note = "dynamic batch off: a smaller batch does not prepare: " + failure;
    }
  }
  return FinishConversion(ir, description, std::move(unmarked_report));
}

}  // namespace ember::convert
