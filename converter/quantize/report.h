// How much a quantized graph loses against its float original, layer by
// layer, on the calibration samples (`ember-convert --report`).
//
// A tensor keeps its index through quantization (converter/quantize/
// integer.h), so tensor t of both graphs holds the same value: float in one,
// int8/int16 (dequantized here) or float in the other. SQNR is
// 10 log10(sum x^2 / sum (x - x')^2) over every element of every sample.
// Each layer also gets the SQNR its own encoding alone would cost (the float
// values rounded to its scale and zero point), so a table row tells whether
// a layer's range is the problem or the error arrives from upstream.
#ifndef EMBER_CONVERTER_QUANTIZE_REPORT_H_
#define EMBER_CONVERTER_QUANTIZE_REPORT_H_

#include <cmath>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/quantize/calibrate.h"

namespace ember::convert {

struct LayerError {
  std::string tensor;
  std::string op;    // the op computing it, e.g. "CONV_2D"
  std::string type;  // its type in the quantized graph
  double sqnr_db = 0.0;
  // SQNR of rounding the float values to this tensor's own quantization
  // alone (inf for a float tensor): the part of the loss this layer's
  // encoding causes, against sqnr_db's loss accumulated from every layer.
  double rounding_sqnr_db = INFINITY;
};

struct OutputError {
  std::string name;
  double sqnr_db = 0.0;
  double max_abs_error = 0.0;
  double rms_error = 0.0;
  // max - min of the float output, to read the errors against.
  double float_range = 0.0;
};

struct QuantizationReport {
  int samples = 0;
  // Worst (lowest SQNR) first.
  std::vector<LayerError> layers;
  std::vector<OutputError> outputs;
};

// Runs both graphs on every sample. `quantized` may be uncompacted (as
// QuantizeIntegers leaves it) or not rewritten at all beyond its weights.
QuantizationReport CompareQuantized(const IrGraph& float_graph, const IrGraph& quantized,
                                    const CalibrationSamples& samples);

// The report as a text table.
std::string FormatQuantizationReport(const QuantizationReport& report);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_QUANTIZE_REPORT_H_
