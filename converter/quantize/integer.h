// Integer quantization of a float IR graph.
//
// Full integer (`--quantize int8`, `--quantize int16x8`), following the int8
// scheme TensorFlow Lite documents (real = scale * (q - zero_point)):
//  - weights of Conv2D, DepthwiseConv2D, FullyConnected and TransposeConv:
//    int8, symmetric, one scale per output channel, in [-127, 127];
//  - their bias: int32 (int64 for int16x8) with scale input_scale *
//    weight_scale[c] and zero point 0;
//  - activations: int8 per tensor, asymmetric, over the calibrated range
//    widened to include 0; int16 symmetric (zero point 0) for int16x8;
//  - other float constants: per tensor like an activation over their values.
// Some kernels fix their output's quantization (Softmax and Logistic int8:
// 1/256 and -128; Tanh int8: 1/128 and 0) and the data-movement ops, pools and
// Pad keep their input's, as the kernels require.
//
// Each op is offered to its kernel in integer form (the kernel's own Prepare
// decides); an op no integer kernel accepts stays float, with Dequantize
// before and Quantize after it, and is listed in the summary, so conversion
// never fails for a missing integer kernel.
//
// Dynamic range (`--quantize int8-weights`): only the weights of Conv2D,
// DepthwiseConv2D and FullyConnected become int8 (per output channel);
// activations stay float and the kernels read the int8 weights directly.
#ifndef EMBER_CONVERTER_QUANTIZE_INTEGER_H_
#define EMBER_CONVERTER_QUANTIZE_INTEGER_H_

#include <map>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/quantize/calibrate.h"

namespace ember::convert {

struct IntegerQuantizeOptions {
  // INT8 or INT16: the type of the activations.
  schema::TensorType activations = schema::TensorType::INT8;
  // Model inputs and outputs in the activation type instead of float.
  bool integer_io = false;
};

struct QuantizeSummary {
  int integer_ops = 0;
  // "OP: reason" for every op kept in float, in graph order.
  std::vector<std::string> float_ops;
};

// Rewrites `graph` (whose tensor indices `ranges` refers to) into integer
// form. Tensors keep their indices (a quantized activation is retyped in
// place); new tensors and ops are appended, and the graph is not compacted, so
// the caller can still compare tensor t before and after.
QuantizeSummary QuantizeIntegers(IrGraph& graph, const std::map<int, TensorRange>& ranges,
                                 const IntegerQuantizeOptions& options);

// Dynamic range quantization of the weights. Returns the number of weight
// tensors converted.
int QuantizeWeightsToInt8(IrGraph& graph, std::vector<std::string>* float_ops);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_QUANTIZE_INTEGER_H_
