// Calibration for full-integer quantization: runs the float graph on sample
// inputs and estimates, for every float activation tensor, the real range
// [min, max] its int8 (or int16) encoding should cover.
//
// Range estimators (--calibration-method):
//  - minmax: the smallest and largest value seen (TFLite's default).
//  - percentile: drops the most extreme 0.01% of values on each side, so a
//    few outliers do not stretch the scale of every other value.
//  - mse: the clipping range that minimizes the expected squared error of
//    the quantized tensor (rounding inside the range plus clipping outside),
//    searched over a histogram of the values.
// The last two make a second pass over the data to fill histograms of 2048
// bins over each tensor's [min, max].
#ifndef EMBER_CONVERTER_QUANTIZE_CALIBRATE_H_
#define EMBER_CONVERTER_QUANTIZE_CALIBRATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace ember::convert {

enum class CalibrationMethod { kMinMax, kPercentile, kMse };

// Parses "minmax", "percentile" or "mse"; throws ConvertError otherwise.
CalibrationMethod ParseCalibrationMethod(const std::string& name);

// Sample inputs: samples[s][k] holds the bytes of graph input k of sample s,
// in the input's own type.
struct CalibrationSamples {
  std::vector<std::vector<std::vector<uint8_t>>> samples;
};

// Reads the calibration files: `files` maps a graph input's name ("" when the
// graph has one input) to a .npy file holding one sample (the input's shape)
// or N samples (N followed by the input's shape). An array with the input's
// rank whose leading dimension is a multiple k of the input's (the rest
// equal) is cut into k samples along it: batch-1 models take [N, ...] files. Every
// input needs a file, and all files the same number of samples. Throws
// ConvertError naming the file and the shapes.
CalibrationSamples ReadCalibrationSamples(const IrGraph& graph,
                                          const std::map<std::string, std::string>& files);

struct TensorRange {
  float min = 0.0f;
  float max = 0.0f;
};

// Called after each sample of each pass with (done, total).
using ProgressCallback = std::function<void(int done, int total)>;

// Ranges of every non-constant float tensor of `graph`, by tensor index.
// `levels` is the number of quantization steps the ranges are for (255 for
// int8, 65535 for int16), which the mse estimator needs.
std::map<int, TensorRange> Calibrate(const IrGraph& graph, const CalibrationSamples& samples,
                                     CalibrationMethod method, int levels,
                                     const ProgressCallback& progress);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_QUANTIZE_CALIBRATE_H_
