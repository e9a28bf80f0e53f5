// Decoding of ONNX TensorProtos: each storage field ONNX defines, and the
// checks that keep a malformed tensor from being read past its data.
#include "converter/onnx/model_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "converter/error.h"

namespace ember::convert {
namespace {

using ::testing::HasSubstr;

onnx::TensorProto Proto(int data_type, const std::vector<int64_t>& dims) {
  onnx::TensorProto proto;
  proto.set_name("t");
  proto.set_data_type(data_type);
  for (int64_t dim : dims) proto.add_dims(dim);
  return proto;
}

template <typename T>
std::vector<T> ValuesOf(const OnnxTensor& tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

std::string ErrorOf(const onnx::TensorProto& proto) {
  try {
    DecodeTensor(proto, "tensor 't'");
  } catch (const ConvertError& error) {
    return error.what();
  }
  return "no error";
}

TEST(OnnxModelReaderTest, DecodesTypedFields) {
  onnx::TensorProto floats = Proto(onnx::TensorProto::FLOAT, {2, 2});
  for (float value : {1.5f, -2.0f, 0.25f, 8.0f}) floats.add_float_data(value);
  const OnnxTensor decoded = DecodeTensor(floats, "floats");
  EXPECT_EQ(decoded.type, schema::TensorType::FLOAT32);
  EXPECT_EQ(decoded.shape, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(ValuesOf<float>(decoded), (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));

  onnx::TensorProto longs = Proto(onnx::TensorProto::INT64, {3});
  for (int64_t value : {int64_t{-1}, int64_t{1} << 40, int64_t{7}}) longs.add_int64_data(value);
  EXPECT_EQ(ValuesOf<int64_t>(DecodeTensor(longs, "longs")),
            (std::vector<int64_t>{-1, int64_t{1} << 40, 7}));

  // int8, uint8 and bool travel in int32_data, one value per element.
  onnx::TensorProto bytes = Proto(onnx::TensorProto::INT8, {3});
  for (int32_t value : {-128, 0, 127}) bytes.add_int32_data(value);
  EXPECT_EQ(ValuesOf<int8_t>(DecodeTensor(bytes, "bytes")), (std::vector<int8_t>{-128, 0, 127}));
  onnx::TensorProto flags = Proto(onnx::TensorProto::BOOL, {2});
  flags.add_int32_data(1);
  flags.add_int32_data(0);
  const OnnxTensor bools = DecodeTensor(flags, "flags");
  EXPECT_EQ(bools.type, schema::TensorType::BOOL);
  EXPECT_EQ(ValuesOf<uint8_t>(bools), (std::vector<uint8_t>{1, 0}));
}

TEST(OnnxModelReaderTest, DecodesRawDataAndScalars) {
  onnx::TensorProto raw = Proto(onnx::TensorProto::INT32, {2});
  const int32_t values[] = {-5, 1 << 20};
  raw.set_raw_data(std::string(reinterpret_cast<const char*>(values), sizeof(values)));
  EXPECT_EQ(ValuesOf<int32_t>(DecodeTensor(raw, "raw")), (std::vector<int32_t>{-5, 1 << 20}));

  onnx::TensorProto scalar = Proto(onnx::TensorProto::FLOAT, {});
  scalar.add_float_data(3.0f);
  const OnnxTensor decoded = DecodeTensor(scalar, "scalar");
  EXPECT_TRUE(decoded.shape.empty());
  EXPECT_EQ(ValuesOf<float>(decoded), (std::vector<float>{3.0f}));

  const OnnxTensor empty = DecodeTensor(Proto(onnx::TensorProto::FLOAT, {0, 4}), "empty");
  EXPECT_EQ(empty.shape, (std::vector<int32_t>{0, 4}));
  EXPECT_TRUE(empty.data.empty());
}

TEST(OnnxModelReaderTest, RejectsMalformedTensors) {
  onnx::TensorProto short_raw = Proto(onnx::TensorProto::FLOAT, {4});
  short_raw.set_raw_data(std::string(12, '\0'));
  EXPECT_THAT(ErrorOf(short_raw), HasSubstr("raw_data has 12 bytes, the shape needs 16"));

  onnx::TensorProto extra = Proto(onnx::TensorProto::INT64, {1});
  extra.add_int64_data(1);
  extra.add_int64_data(2);
  EXPECT_THAT(ErrorOf(extra), HasSubstr("int64_data holds 2 values, the shape needs 1"));

  onnx::TensorProto negative = Proto(onnx::TensorProto::FLOAT, {2, -1});
  EXPECT_THAT(ErrorOf(negative), HasSubstr("dimension 1 = -1"));

  onnx::TensorProto huge = Proto(onnx::TensorProto::FLOAT, {1 << 20, 1 << 20});
  EXPECT_THAT(ErrorOf(huge), HasSubstr("more than 2^31 elements"));

  onnx::TensorProto wide = Proto(onnx::TensorProto::UINT8, {1});
  wide.add_int32_data(300);
  EXPECT_THAT(ErrorOf(wide), HasSubstr("does not fit"));

  onnx::TensorProto external = Proto(onnx::TensorProto::FLOAT, {1});
  external.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_THAT(ErrorOf(external), HasSubstr("external data"));

  onnx::TensorProto segmented = Proto(onnx::TensorProto::FLOAT, {1});
  segmented.mutable_segment()->set_begin(0);
  EXPECT_THAT(ErrorOf(segmented), HasSubstr("segmented"));

  EXPECT_THAT(ErrorOf(Proto(onnx::TensorProto::DOUBLE, {1})),
              HasSubstr("DOUBLE has no Ember equivalent"));
}

TEST(OnnxModelReaderTest, NamesTypes) {
  schema::TensorType type;
  EXPECT_TRUE(EmberTypeOf(onnx::TensorProto::UINT8, &type));
  EXPECT_EQ(type, schema::TensorType::UINT8);
  EXPECT_FALSE(EmberTypeOf(onnx::TensorProto::FLOAT16, &type));
  EXPECT_FALSE(EmberTypeOf(onnx::TensorProto::UINT16, &type));
  EXPECT_EQ(OnnxTypeName(onnx::TensorProto::BFLOAT16), "BFLOAT16");
  EXPECT_EQ(OnnxTypeName(99), "type 99");
}

}  // namespace
}  // namespace ember::convert
