#include "converter/onnx/model_reader.h"

#include <climits>
#include <cstring>

#include "converter/error.h"
#include "converter/read_file.h"
#include "interpreter/tensor.h"

namespace ember::convert {
namespace {

using schema::TensorType;

// Narrows the int32_data of a small integer type, rejecting values the type
// cannot hold: such a file was not written by an ONNX exporter.
template <typename T>
void NarrowInt32Data(const onnx::TensorProto& proto, const std::string& what, uint8_t* out) {
  for (int i = 0; i < proto.int32_data_size(); ++i) {
    const int32_t value = proto.int32_data(i);
    const T narrow = static_cast<T>(value);
    if (static_cast<int32_t>(narrow) != value) {
      throw ConvertError(what + ": int32_data[" + std::to_string(i) +
                         "] = " + std::to_string(value) + " does not fit its element type");
    }
    std::memcpy(out + i * sizeof(T), &narrow, sizeof(T));
  }
}

}  // namespace

std::string OnnxTypeName(int32_t data_type) {
  if (onnx::TensorProto_DataType_IsValid(data_type)) {
    return onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(data_type));
  }
  return "type " + std::to_string(data_type);
}

bool EmberTypeOf(int32_t data_type, TensorType* type) {
  switch (data_type) {
    case onnx::TensorProto::FLOAT:
      *type = TensorType::FLOAT32;
      return true;
    case onnx::TensorProto::UINT8:
      *type = TensorType::UINT8;
      return true;
    case onnx::TensorProto::INT8:
      *type = TensorType::INT8;
      return true;
    case onnx::TensorProto::INT16:
      *type = TensorType::INT16;
      return true;
    case onnx::TensorProto::INT32:
      *type = TensorType::INT32;
      return true;
    case onnx::TensorProto::INT64:
      *type = TensorType::INT64;
      return true;
    case onnx::TensorProto::BOOL:
      *type = TensorType::BOOL;
      return true;
    default:
      return false;
  }
}

OnnxTensor DecodeTensor(const onnx::TensorProto& proto, const std::string& what) {
  OnnxTensor tensor;
  tensor.name = proto.name();
  if (!EmberTypeOf(proto.data_type(), &tensor.type)) {
    throw ConvertError(what + ": element type " + OnnxTypeName(proto.data_type()) +
                       " has no Ember equivalent");
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    throw ConvertError(what +
                       ": its data is stored outside the model (external data); "
                       "ember-convert reads single-file models only");
  }
  if (proto.has_segment()) {
    throw ConvertError(what + ": segmented tensors are not supported");
  }
  int64_t count = 1;
  for (int d = 0; d < proto.dims_size(); ++d) {
    const int64_t dim = proto.dims(d);
    if (dim < 0 || dim > INT32_MAX) {
      throw ConvertError(what + ": dimension " + std::to_string(d) + " = " + std::to_string(dim) +
                         " is out of range");
    }
    tensor.shape.push_back(static_cast<int32_t>(dim));
    count *= dim;
    if (count > INT32_MAX) throw ConvertError(what + ": more than 2^31 elements");
  }
  const size_t element_size = TensorTypeSize(tensor.type);
  const size_t bytes = static_cast<size_t>(count) * element_size;
  // Sizes are checked against the data present before anything is
  // allocated, so a tensor claiming a huge shape costs nothing.
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes) {
      throw ConvertError(what + ": raw_data has " + std::to_string(proto.raw_data().size()) +
                         " bytes, the shape needs " + std::to_string(bytes));
    }
    // ONNX stores raw_data little-endian, as every target Ember runs on is.
    tensor.data.assign(proto.raw_data().begin(), proto.raw_data().end());
    return tensor;
  }
  // ONNX keeps float and int64 values in fields of their own, the smaller
  // integer types one per int32.
  const char* field = "int32_data";
  int64_t present = proto.int32_data_size();
  if (tensor.type == TensorType::FLOAT32) {
    field = "float_data";
    present = proto.float_data_size();
  } else if (tensor.type == TensorType::INT64) {
    field = "int64_data";
    present = proto.int64_data_size();
  }
  if (present != count) {
    throw ConvertError(what + ": " + field + " holds " + std::to_string(present) +
                       " values, the shape needs " + std::to_string(count));
  }
  tensor.data.resize(bytes);
  switch (tensor.type) {
    case TensorType::FLOAT32:
      if (bytes > 0) std::memcpy(tensor.data.data(), proto.float_data().data(), bytes);
      break;
    case TensorType::INT64:
      if (bytes > 0) std::memcpy(tensor.data.data(), proto.int64_data().data(), bytes);
      break;
    case TensorType::INT32:
      if (bytes > 0) std::memcpy(tensor.data.data(), proto.int32_data().data(), bytes);
      break;
    case TensorType::INT16:
      NarrowInt32Data<int16_t>(proto, what, tensor.data.data());
      break;
    case TensorType::INT8:
      NarrowInt32Data<int8_t>(proto, what, tensor.data.data());
      break;
    case TensorType::UINT8:
    case TensorType::BOOL:
      NarrowInt32Data<uint8_t>(proto, what, tensor.data.data());
      break;
    default:
      throw ConvertError(what + ": element type " + OnnxTypeName(proto.data_type()) +
                         " has no Ember equivalent");
  }
  return tensor;
}

onnx::ModelProto ParseModel(const std::vector<uint8_t>& bytes, const std::string& what) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    throw ConvertError(what + ": larger than 2 GiB, which one protobuf message cannot be");
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw ConvertError(what + ": not a valid ONNX model (protobuf parsing failed)");
  }
  if (!model.has_graph()) throw ConvertError(what + ": the ONNX model has no graph");
  return model;
}

onnx::TensorProto ReadTensorFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    throw ConvertError("'" + path + "': larger than 2 GiB");
  }
  onnx::TensorProto tensor;
  if (!tensor.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw ConvertError("'" + path + "': not a serialized ONNX TensorProto");
  }
  return tensor;
}

}  // namespace ember::convert
