// The ONNX front end of the converter: maps an ONNX model's main graph onto
// the Ember IR (docs/onnx.md).
//
// Layout: ONNX activations are NCHW (channels second), Ember's kernels are
// NHWC. The importer keeps every value in whichever layout its producer made
// it, and converts at the consumer only when the consumer needs the other:
// convolutions, pools, normalizations and resizes work channels-last;
// elementwise ops, concatenation, slicing, padding, reductions and softmax
// follow their inputs and remap their axes; reshapes and other shape ops work
// in the source layout. So a chain of NCHW ops stays NHWC inside, and only the
// model's inputs and outputs get transposes, unless `channels_last_io` asks
// for NHWC there too.
//
// Unsupported ops, attributes and element types are collected over the whole
// graph and reported together (OnnxUnsupportedError); a malformed model
// (bad indices, inconsistent shapes, undecodable tensors) is a ConvertError.
#ifndef EMBER_CONVERTER_ONNX_IMPORT_H_
#define EMBER_CONVERTER_ONNX_IMPORT_H_

#include <string>
#include <vector>

#include "converter/convert.h"
#include "converter/error.h"
#include "converter/ir/graph.h"
#include "converter/onnx/onnx.pb.h"

namespace ember::convert {

// One reason a model cannot be converted: the op type (or "graph input"),
// the node (its name, or its first output's), and what Ember lacks.
struct OnnxUnsupported {
  std::string op_type;
  std::string node;
  std::string reason;
};

// Everything in the graph Ember cannot map. The message lists each reason
// once with the nodes it applies to; `features` keeps them apart for callers
// that count them (the backend-test harness).
class OnnxUnsupportedError : public UnsupportedOpsError {
 public:
  explicit OnnxUnsupportedError(std::vector<OnnxUnsupported> features);
  const std::vector<OnnxUnsupported>& features() const { return features_; }

 private:
  std::vector<OnnxUnsupported> features_;
};

// Maps `model` to the IR. Model inputs are the graph's inputs that have no
// initializer (or the values `options.inputs` names, cutting the graph
// there), outputs the graph's outputs (or `options.outputs`). Dimensions the
// model leaves symbolic become 1 (noted) unless `options.input_shapes` gives
// the input's shape, always in the model's own layout. Fills `report`'s
// source fields, steps and notes.
IrGraph ImportOnnx(const onnx::ModelProto& model, const ConvertOptions& options,
                   ConvertReport* report);

// Import, the Ember IR passes, memory planning and serialization of an
// already parsed model; `name` goes into the model's description.
ConvertResult ConvertOnnxModel(const onnx::ModelProto& model, const std::string& name,
                               const ConvertOptions& options);

// Converts the .onnx file at `path`, with the contract of ConvertTensorFlow.
ConvertResult ConvertOnnx(const std::string& path, const ConvertOptions& options);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_ONNX_IMPORT_H_
