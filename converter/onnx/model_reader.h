// Reading ONNX protobufs from untrusted bytes: whole models (model.onnx) and
// single tensors (the TensorProto files of ONNX's backend test data, and
// initializers inside a model). Everything here checks sizes and counts
// against each other before touching data, and reports a malformed input by
// throwing ConvertError with the tensor or file at fault.
#ifndef EMBER_CONVERTER_ONNX_MODEL_READER_H_
#define EMBER_CONVERTER_ONNX_MODEL_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "converter/onnx/onnx.pb.h"
#include "schema/ember_generated.h"

namespace ember::convert {

// The name of ONNX element type `data_type` (TensorProto.DataType), e.g.
// "FLOAT16", or "type N" for a value ONNX does not define.
std::string OnnxTypeName(int32_t data_type);

// Ember's tensor type for ONNX element type `data_type`; false when Ember has
// none (float16, double, strings, unsigned types above 8 bits, complex,
// bfloat16).
bool EmberTypeOf(int32_t data_type, schema::TensorType* type);

// A decoded TensorProto: Ember type, shape and little-endian C-order bytes.
struct OnnxTensor {
  std::string name;
  schema::TensorType type = schema::TensorType::FLOAT32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;
};

// Decodes `proto`, whose element type must be one EmberTypeOf accepts (the
// caller checks it first, to report other types as unsupported). Values may
// be in raw_data or in the typed field ONNX assigns to the type. `what` names
// the tensor in messages. Throws ConvertError for a negative or oversized
// dimension, a value count that does not match the shape, segmented tensors
// and external data (the bytes live in another file).
OnnxTensor DecodeTensor(const onnx::TensorProto& proto, const std::string& what);

// Parses a model from `bytes`; `what` names it in messages.
onnx::ModelProto ParseModel(const std::vector<uint8_t>& bytes, const std::string& what);


// Reads a serialized TensorProto file (the backend tests' input_N.pb and
// output_N.pb).
onnx::TensorProto ReadTensorFile(const std::string& path);

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_ONNX_MODEL_READER_H_
