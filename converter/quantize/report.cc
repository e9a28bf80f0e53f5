#include "converter/quantize/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "converter/error.h"
#include "converter/ir/runner.h"

namespace ember::convert {
namespace {

struct ErrorSums {
  double signal = 0.0;
  double noise = 0.0;
  double max_abs = 0.0;
  double count = 0.0;
  double min = INFINITY;
  double max = -INFINITY;

  double sqnr_db() const {
    if (noise == 0.0) return INFINITY;
    if (signal == 0.0) return -INFINITY;
    return 10.0 * std::log10(signal / noise);
  }
};

// Value k of a tensor as a real number: floats as they are, integers
// dequantized with the IR tensor's (per-tensor) quantization.
std::vector<double> RealValues(const TensorView& view, const IrTensor& tensor) {
  const int64_t count = view.num_elements();
  std::vector<double> values(static_cast<size_t>(count));
  const double scale = tensor.quantization.empty() ? 1.0 : tensor.quantization.scales[0];
  const double zero_point =
      tensor.quantization.empty() ? 0.0 : static_cast<double>(tensor.quantization.zero_points[0]);
  for (int64_t i = 0; i < count; ++i) {
    double v = 0.0;
    switch (view.type) {
      case TensorType::FLOAT32:
        v = view.data_as<const float>()[i];
        break;
      case TensorType::INT8:
        v = scale * (view.data_as<const int8_t>()[i] - zero_point);
        break;
      case TensorType::INT16:
        v = scale * (view.data_as<const int16_t>()[i] - zero_point);
        break;
      default:
        break;
    }
    values[static_cast<size_t>(i)] = v;
  }
  return values;
}

// A float sample converted to the quantized graph's input type.
std::vector<uint8_t> ToInput(const std::vector<uint8_t>& sample, const IrTensor& input) {
  if (input.type != TensorType::INT8 && input.type != TensorType::INT16) return sample;
  const size_t count = sample.size() / sizeof(float);
  std::vector<float> values(count);
  std::memcpy(values.data(), sample.data(), count * sizeof(float));
  const double scale = input.quantization.scales[0];
  const double zero_point = static_cast<double>(input.quantization.zero_points[0]);
  const bool int8 = input.type == TensorType::INT8;
  std::vector<uint8_t> bytes(count * (int8 ? 1 : 2));
  for (size_t i = 0; i < count; ++i) {
    const double q = std::round(values[i] / scale) + zero_point;
    if (int8) {
      bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(q, -128.0, 127.0)));
    } else {
      const auto v = static_cast<int16_t>(std::clamp(q, -32768.0, 32767.0));
      std::memcpy(&bytes[2 * i], &v, 2);
    }
  }
  return bytes;
}

// Values rounded to `tensor`'s integer grid and back (unchanged for float).
std::vector<double> Rounded(const std::vector<double>& values, const IrTensor& tensor) {
  if (tensor.quantization.empty() ||
      (tensor.type != TensorType::INT8 && tensor.type != TensorType::INT16)) {
    return values;
  }
  const double scale = tensor.quantization.scales[0];
  const double zero_point = static_cast<double>(tensor.quantization.zero_points.empty()
                                                    ? 0
                                                    : tensor.quantization.zero_points[0]);
  const double low = tensor.type == TensorType::INT8 ? -128.0 : -32768.0;
  const double high = tensor.type == TensorType::INT8 ? 127.0 : 32767.0;
  std::vector<double> rounded(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const double q = std::clamp(std::round(values[i] / scale) + zero_point, low, high);
    rounded[i] = (q - zero_point) * scale;
  }
  return rounded;
}

void Accumulate(const std::vector<double>& reference, const std::vector<double>& actual,
                ErrorSums& sums) {
  for (size_t i = 0; i < reference.size() && i < actual.size(); ++i) {
    const double error = actual[i] - reference[i];
    sums.signal += reference[i] * reference[i];
    sums.noise += error * error;
    sums.max_abs = std::max(sums.max_abs, std::fabs(error));
    sums.min = std::min(sums.min, reference[i]);
    sums.max = std::max(sums.max, reference[i]);
    sums.count += 1.0;
  }
}

std::string Db(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

}  // namespace

QuantizationReport CompareQuantized(const IrGraph& float_graph, const IrGraph& quantized,
                                    const CalibrationSamples& samples) {
  GraphRunner reference(float_graph);
  GraphRunner candidate(quantized);
  std::vector<std::string> producer(float_graph.tensors.size());
  for (const IrOp& op : float_graph.ops) {
    if (op.dead) continue;
    for (int t : op.outputs) producer[t] = schema::EnumNameOpCode(op.code);
  }
  std::vector<ErrorSums> layer(float_graph.tensors.size());
  std::vector<ErrorSums> rounding(float_graph.tensors.size());
  std::vector<ErrorSums> output(float_graph.outputs.size());
  for (const auto& sample : samples.samples) {
    for (size_t k = 0; k < sample.size(); ++k) {
      reference.SetInput(k, sample[k].data(), sample[k].size());
      const std::vector<uint8_t> input = ToInput(sample[k], quantized.tensors[quantized.inputs[k]]);
      candidate.SetInput(k, input.data(), input.size());
    }
    reference.Invoke();
    candidate.Invoke();
    for (size_t t = 0; t < float_graph.tensors.size(); ++t) {
      if (producer[t].empty() || float_graph.tensors[t].type != TensorType::FLOAT32) continue;
      const TensorView expected = reference.Value(static_cast<int>(t));
      const TensorView actual = candidate.Value(static_cast<int>(t));
      if (expected.data == nullptr || actual.data == nullptr) continue;
      const std::vector<double> reference_values = RealValues(expected, float_graph.tensors[t]);
      Accumulate(reference_values, RealValues(actual, quantized.tensors[t]), layer[t]);
      Accumulate(reference_values, Rounded(reference_values, quantized.tensors[t]), rounding[t]);
    }
    for (size_t k = 0; k < float_graph.outputs.size(); ++k) {
      const int f = float_graph.outputs[k];
      const int q = quantized.outputs[k];
      const TensorView expected = reference.Value(f);
      const TensorView actual = candidate.Value(q);
      if (expected.data == nullptr || actual.data == nullptr) continue;
      Accumulate(RealValues(expected, float_graph.tensors[f]),
                 RealValues(actual, quantized.tensors[q]), output[k]);
    }
  }
  QuantizationReport report;
  report.samples = static_cast<int>(samples.samples.size());
  for (size_t t = 0; t < layer.size(); ++t) {
    if (layer[t].count == 0.0) continue;
    report.layers.push_back({float_graph.tensors[t].name, producer[t],
                             schema::EnumNameTensorType(quantized.tensors[t].type),
                             layer[t].sqnr_db(), rounding[t].sqnr_db()});
  }
  std::stable_sort(report.layers.begin(), report.layers.end(),
                   [](const LayerError& a, const LayerError& b) { return a.sqnr_db < b.sqnr_db; });
  for (size_t k = 0; k < output.size(); ++k) {
    const ErrorSums& sums = output[k];
    report.outputs.push_back({float_graph.tensors[float_graph.outputs[k]].name, sums.sqnr_db(),
                              sums.max_abs, sums.count > 0 ? std::sqrt(sums.noise / sums.count) : 0.0,
                              sums.count > 0 ? sums.max - sums.min : 0.0});
  }
  return report;
}

std::string FormatQuantizationReport(const QuantizationReport& report) {
  size_t name_width = 6;
  for (const LayerError& layer : report.layers) name_width = std::max(name_width, layer.tensor.size());
  for (const OutputError& out : report.outputs) name_width = std::max(name_width, out.name.size());
  name_width = std::min<size_t>(name_width, 60);
  std::string text = "per-layer SQNR against float on " + std::to_string(report.samples) +
                     " calibration sample(s), lowest first:\n";
  char line[256];
  std::snprintf(line, sizeof(line), "  %-*s  %-24s %-8s %9s %14s\n", static_cast<int>(name_width),
                "tensor", "op", "type", "SQNR dB", "own rounding");
  text += line;
  for (const LayerError& layer : report.layers) {
    std::snprintf(line, sizeof(line), "  %-*s  %-24s %-8s %9s %14s\n",
                  static_cast<int>(name_width), layer.tensor.c_str(), layer.op.c_str(),
                  layer.type.c_str(), Db(layer.sqnr_db).c_str(), Db(layer.rounding_sqnr_db).c_str());
    text += line;
  }
  text += "end-to-end output error:\n";
  std::snprintf(line, sizeof(line), "  %-*s  %9s %12s %12s %12s\n", static_cast<int>(name_width),
                "output", "SQNR dB", "max |err|", "rms err", "float range");
  text += line;
  for (const OutputError& out : report.outputs) {
    std::snprintf(line, sizeof(line), "  %-*s  %9s %12.4g %12.4g %12.4g\n",
                  static_cast<int>(name_width), out.name.c_str(), Db(out.sqnr_db).c_str(),
                  out.max_abs_error, out.rms_error, out.float_range);
    text += line;
  }
  return text;
}

}  // namespace ember::convert
