#include "converter/quantize/calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "converter/error.h"
#include "converter/ir/runner.h"
#include "tools/common/npy.h"

namespace ember::convert {
namespace {

constexpr int kHistogramBins = 2048;
// Share of values the percentile estimator drops on each side.
constexpr double kPercentileTail = 1e-4;

std::string ShapeText(const std::vector<int32_t>& shape) {
  std::vector<int64_t> wide(shape.begin(), shape.end());
  return npy::ShapeToString(wide);
}

// Converts an array to the bytes of `type` (float32, int32 or int64 inputs).
std::vector<uint8_t> ToInputBytes(const npy::Array& array, schema::TensorType type,
                                  const std::string& path) {
  std::vector<float> values;
  std::string error;
  if (!npy::ToFloat32(array, &values, &error)) throw ConvertError(path + ": " + error);
  std::vector<uint8_t> bytes;
  auto append = [&](const auto& items) {
    bytes.resize(items.size() * sizeof(items[0]));
    if (!bytes.empty()) std::memcpy(bytes.data(), items.data(), bytes.size());
  };
  switch (type) {
    case schema::TensorType::FLOAT32:
      append(values);
      break;
    case schema::TensorType::INT32:
      append(std::vector<int32_t>(values.begin(), values.end()));
      break;
    case schema::TensorType::INT64:
      append(std::vector<int64_t>(values.begin(), values.end()));
      break;
    default:
      throw ConvertError(path + ": calibration data for an input of type " +
                         std::string(schema::EnumNameTensorType(type)) + " is not supported");
  }
  return bytes;
}

// Splits `array` into samples of `shape`; see ReadCalibrationSamples.
std::vector<std::vector<uint8_t>> SplitSamples(const npy::Array& array, const IrTensor& input,
                                               const std::string& path) {
  const std::vector<int32_t>& shape = input.shape;
  std::vector<int64_t> want(shape.begin(), shape.end());
  int64_t count = 0;
  if (array.shape == want) {
    count = 1;
  } else if (array.shape.size() == want.size() + 1 &&
             std::equal(want.begin(), want.end(), array.shape.begin() + 1)) {
    count = array.shape[0];
  } else if (!want.empty() && want[0] > 0 && array.shape.size() == want.size() &&
             array.shape[0] % want[0] == 0 &&
             std::equal(want.begin() + 1, want.end(), array.shape.begin() + 1)) {
    count = array.shape[0] / want[0];
  } else {
    throw ConvertError(path + ": calibration data of shape " + npy::ShapeToString(array.shape) +
                       " does not fit input '" + input.name + "' of shape " + ShapeText(shape) +
                       ": expected " + ShapeText(shape) + " (one sample) or (N, " +
                       ShapeText(shape).substr(1));
  }
  if (count <= 0) throw ConvertError(path + ": calibration data holds no samples");
  const std::vector<uint8_t> all = ToInputBytes(array, input.type, path);
  const size_t sample_bytes = all.size() / static_cast<size_t>(count);
  std::vector<std::vector<uint8_t>> samples;
  for (int64_t s = 0; s < count; ++s) {
    const auto begin = all.begin() + static_cast<std::ptrdiff_t>(s * sample_bytes);
    samples.emplace_back(begin, begin + static_cast<std::ptrdiff_t>(sample_bytes));
  }
  return samples;
}

// Values of one tensor over all samples: its range, then (second pass) a
// histogram over that range.
struct Observer {
  float min = INFINITY;
  float max = -INFINITY;
  std::vector<double> histogram;

  void Observe(const float* values, int64_t count) {
    for (int64_t i = 0; i < count; ++i) {
      if (!std::isfinite(values[i])) continue;
      min = std::min(min, values[i]);
      max = std::max(max, values[i]);
    }
  }
  double bin_width() const { return (static_cast<double>(max) - min) / kHistogramBins; }
  void Count(const float* values, int64_t count) {
    if (histogram.empty()) histogram.assign(kHistogramBins, 0.0);
    const double width = bin_width();
    if (!(width > 0.0)) return;
    for (int64_t i = 0; i < count; ++i) {
      if (!std::isfinite(values[i])) continue;
      const int bin = static_cast<int>((values[i] - min) / width);
      histogram[std::clamp(bin, 0, kHistogramBins - 1)] += 1.0;
    }
  }
  double center(int bin) const { return min + (bin + 0.5) * bin_width(); }
};

TensorRange PercentileRange(const Observer& observer) {
  double total = 0.0;
  for (double c : observer.histogram) total += c;
  const double tail = total * kPercentileTail;
  int low = 0;
  for (double seen = 0.0; low < kHistogramBins - 1; ++low) {
    seen += observer.histogram[low];
    if (seen > tail) break;
  }
  int high = kHistogramBins - 1;
  for (double seen = 0.0; high > low; --high) {
    seen += observer.histogram[high];
    if (seen > tail) break;
  }
  const double width = observer.bin_width();
  return {static_cast<float>(observer.min + low * width),
          static_cast<float>(observer.min + (high + 1) * width)};
}

// Expected squared error of quantizing the histogram's values to `levels`
// steps over [low, high]: clipping error outside, a uniform rounding error
// (step^2 / 12) inside.
double QuantizationError(const Observer& observer, double low, double high, int levels) {
  const double step = (high - low) / levels;
  double error = 0.0;
  for (int b = 0; b < kHistogramBins; ++b) {
    const double count = observer.histogram[b];
    if (count == 0.0) continue;
    const double value = observer.center(b);
    if (value < low) {
      error += count * (low - value) * (low - value);
    } else if (value > high) {
      error += count * (value - high) * (value - high);
    } else {
      error += count * step * step / 12.0;
    }
  }
  return error;
}

TensorRange MseRange(const Observer& observer, int levels) {
  // The range quantization will use always includes 0, so candidates shrink
  // both ends towards 0 by the same factor.
  const double low = std::min(0.0, static_cast<double>(observer.min));
  const double high = std::max(0.0, static_cast<double>(observer.max));
  double best_error = QuantizationError(observer, low, high, levels);
  double best_factor = 1.0;
  constexpr int kCandidates = 200;
  for (int k = 1; k < kCandidates; ++k) {
    const double factor = 1.0 - k * (0.95 / kCandidates);
    const double error = QuantizationError(observer, low * factor, high * factor, levels);
    if (error < best_error) {
      best_error = error;
      best_factor = factor;
    }
  }
  return {static_cast<float>(low * best_factor), static_cast<float>(high * best_factor)};
}

}  // namespace

CalibrationMethod ParseCalibrationMethod(const std::string& name) {
  if (name == "minmax") return CalibrationMethod::kMinMax;
  if (name == "percentile") return CalibrationMethod::kPercentile;
  if (name == "mse") return CalibrationMethod::kMse;
  throw ConvertError("--calibration-method " + name + ": expected minmax, percentile or mse");
}

CalibrationSamples ReadCalibrationSamples(const IrGraph& graph,
                                          const std::map<std::string, std::string>& files) {
  std::vector<std::vector<std::vector<uint8_t>>> per_input(graph.inputs.size());
  std::map<std::string, std::string> remaining = files;
  for (size_t k = 0; k < graph.inputs.size(); ++k) {
    const IrTensor& input = graph.tensors[graph.inputs[k]];
    auto found = remaining.find(input.name);
    if (found == remaining.end() && graph.inputs.size() == 1) found = remaining.find("");
    if (found == remaining.end()) {
      throw ConvertError("--calibrate: no calibration data for input '" + input.name +
                         "' (give --calibrate " + input.name + "=FILE.npy)");
    }
    npy::Array array;
    std::string error;
    if (!npy::ReadFile(found->second, &array, &error)) throw ConvertError(error);
    per_input[k] = SplitSamples(array, input, found->second);
    if (per_input[k].size() != per_input[0].size()) {
      throw ConvertError("--calibrate: '" + found->second + "' holds " +
                         std::to_string(per_input[k].size()) + " samples, the first input's file " +
                         std::to_string(per_input[0].size()));
    }
    remaining.erase(found);
  }
  if (!remaining.empty()) {
    std::string names;
    for (const auto& [name, path] : remaining) names += (names.empty() ? "'" : ", '") + name + "'";
    throw ConvertError("--calibrate: the model has no input " + names);
  }
  CalibrationSamples result;
  const size_t count = per_input.empty() ? 0 : per_input[0].size();
  for (size_t s = 0; s < count; ++s) {
    std::vector<std::vector<uint8_t>> sample;
    for (auto& input : per_input) sample.push_back(std::move(input[s]));
    result.samples.push_back(std::move(sample));
  }
  return result;
}

std::map<int, TensorRange> Calibrate(const IrGraph& graph, const CalibrationSamples& samples,
                                     CalibrationMethod method, int levels,
                                     const ProgressCallback& progress) {
  if (samples.samples.empty()) throw ConvertError("calibration needs at least one sample");
  GraphRunner runner(graph);
  std::map<int, Observer> observers;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const IrTensor& tensor = graph.tensors[t];
    if (!tensor.constant && tensor.type == schema::TensorType::FLOAT32) {
      observers[static_cast<int>(t)];
    }
  }
  const bool histograms = method != CalibrationMethod::kMinMax;
  const int passes = histograms ? 2 : 1;
  const int total = passes * static_cast<int>(samples.samples.size());
  int done = 0;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& sample : samples.samples) {
      for (size_t k = 0; k < sample.size(); ++k) {
        runner.SetInput(k, sample[k].data(), sample[k].size());
      }
      runner.Invoke();
      for (auto& [tensor, observer] : observers) {
        const TensorView value = runner.Value(tensor);
        if (value.data == nullptr) continue;
        const float* data = value.data_as<const float>();
        if (pass == 0) {
          observer.Observe(data, value.num_elements());
        } else {
          observer.Count(data, value.num_elements());
        }
      }
      if (progress) progress(++done, total);
    }
  }
  std::map<int, TensorRange> ranges;
  for (auto& [tensor, observer] : observers) {
    if (observer.min > observer.max) continue;  // never computed (or never finite)
    TensorRange range{observer.min, observer.max};
    if (histograms && observer.bin_width() > 0.0) {
      range = method == CalibrationMethod::kPercentile ? PercentileRange(observer)
                                                       : MseRange(observer, levels);
    }
    ranges[tensor] = range;
  }
  return ranges;
}

}  // namespace ember::convert
