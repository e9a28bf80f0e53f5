// Shared by the int16x8 kernel tests: the reference arithmetic of int16
// results, and the loading of the int16 TFLM cases.
//
// The cases are made by tests/kernels/testdata/cases_int16.py (see the
// README.md there). tflm_golden only feeds and returns float32 and
// int8 tensors, so those models wrap the int16 op between a QUANTIZE
// (float32 -> int16) and a DEQUANTIZE (int16 -> float32): <case>.input.npy
// holds q * input_scale for the int16 input q, <case>.golden.npy TFLM's int16
// output times the output scale, both in float32. Dividing by the scale and
// rounding gives the int16 values back exactly (the loader checks that they
// were integers to within 0.01), and the kernel tests run the middle op on
// them, rebuilt from the model's own tensors as in tflm_case.h.
//
// Also the int16 runs and checks the pooling ops' tests share
// (pool_test_util.h has the float32 and int8 ones).
#ifndef EMBER_TESTS_TESTING_INT16_TEST_UTIL_H_
#define EMBER_TESTS_TESTING_INT16_TEST_UTIL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "interpreter/kernel.h"
#include "schema/ember_generated.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/pool_test_util.h"
#include "tests/testing/tflm_case.h"

namespace ember::testing {

inline int16_t QuantizeReference16(double real, double scale) {
  // std::round rounds half away from zero.
  return static_cast<int16_t>(std::min(32767.0, std::max(-32768.0, std::round(real / scale))));
}

// Random quantization of an int16x8 op with weights, for sweeps: an input
// scale in [1e-4, 3e-4], `weight_scales` scales in [0.002, 0.02], and an
// output scale for outputs that sum `taps` products of spread 18919 *
// input_scale * 73 * weight_scale (uniform int16 and int8 values): the output
// range covers about +-3 spreads, varied so the multipliers take arbitrary
// values.
struct Int16WeightedQuantization {
  float input_scale;
  std::vector<float> weight_scales;
  float output_scale;
};

inline Int16WeightedQuantization RandomInt16WeightedQuantization(std::mt19937& rng,
                                                                 int weight_scales, double taps) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  Int16WeightedQuantization q;
  q.input_scale = 1e-4f + 2e-4f * unit(rng);
  q.weight_scales.resize(weight_scales);
  for (float& s : q.weight_scales) s = 0.002f + 0.018f * unit(rng);
  q.output_scale = static_cast<float>(6.0 * std::sqrt(taps) * 18919 * q.input_scale * 73 *
                                      q.weight_scales[0] / 65535 * (0.7 + 0.6 * unit(rng)));
  return q;
}

// Int16 results against a reference that requantizes the exact real value
// with one correct rounding: each must be within 1 (TFLite's 64-bit
// requantization rounds the multiplier to 16 bits, an error below 2^-15
// relative, under 1 at int16 magnitudes; the 32-bit one rounds twice). Counts
// the exact ones into *exact and all into *total.
inline void ExpectWithinOne16(const std::vector<int16_t>& actual,
                              const std::vector<int16_t>& expected, int* exact, int* total) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    ASSERT_LE(std::abs(actual[i] - expected[i]), 1) << "at " << i;
    if (actual[i] == expected[i]) ++*exact;
  }
  *total += static_cast<int>(actual.size());
}

// An int16 pool with input and output quantized alike (zero point 0).
inline OpTester Int16Pool(const Kernel& kernel, const std::vector<int32_t>& in_shape,
                          const std::vector<int16_t>& input, const std::vector<int32_t>& out_shape,
                          schema::OpOptionsUnion options, float scale = 0.5f) {
  OpTester test(kernel.op);
  test.InputOf<int16_t>(in_shape, input)
      .Quantize({scale}, {0})
      .Output(out_shape, schema::TensorType::INT16)
      .Quantize({scale}, {0})
      .Options(std::move(options));
  return test;
}

// An int16 pooling case: a random scale in [1e-4, 1e-3] and input over the
// whole int16 range, the output quantized like the input, run through
// `kernel`; then check(input, scale, geometry, actual).
template <typename Check>
void RunInt16PoolCase(const Kernel& kernel, const PoolCase& c, std::mt19937& rng, Check check) {
  SCOPED_TRACE(c.Describe());
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float scale = 1e-4f + 9e-4f * unit(rng);
  std::uniform_int_distribution<int> value(-32768, 32767);
  std::vector<int16_t> input(static_cast<size_t>(c.batch) * c.in_h * c.in_w * c.channels);
  for (int16_t& x : input) x = static_cast<int16_t>(value(rng));
  const ReferenceGeometry g = c.Geometry();
  OpTester test = Int16Pool(kernel, {c.batch, c.in_h, c.in_w, c.channels}, input,
                            {c.batch, g.out_h, g.out_w, c.channels}, c.Options(), scale);
  ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
  check(input, scale, g, test.OutputAs<int16_t>(0));
}

// Checks shared by both int16 pooling ops: the quantization they refuse and
// shape inference.
inline void ExpectPoolInt16ChecksQuantization(const Kernel& kernel) {
  struct Bad {
    const char* what;
    std::vector<float> output_scales;
    int64_t input_zp;
    int64_t output_zp;
    schema::TensorType output_type;
    Status status;
  };
  const Bad cases[] = {
      {"output scale differs", {0.25f}, 0, 0, schema::TensorType::INT16, Status::kInvalidModel},
      {"zero points not 0", {0.5f}, 3, 3, schema::TensorType::INT16, Status::kInvalidModel},
      {"output not quantized", {}, 0, 0, schema::TensorType::INT16, Status::kInvalidModel},
      {"int8 output", {0.5f}, 0, 0, schema::TensorType::INT8, Status::kUnsupported},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    OpTester test(kernel.op);
    test.InputOf<int16_t>({1, 2, 2, 1}, {1, 2, 3, 4}).Quantize({0.5f}, {bad.input_zp});
    test.Output({1, 1, 1, 1}, bad.output_type);
    if (!bad.output_scales.empty()) test.Quantize(bad.output_scales, {bad.output_zp});
    test.Options(PoolOptions(schema::Padding::VALID, 2, 2, 2, 2));
    EXPECT_EQ(test.Run(kernel), bad.status) << test.error();
  }
  OpTester infer = Int16Pool(kernel, {2, 5, 4, 3}, std::vector<int16_t>(120, 1), {},
                             PoolOptions(schema::Padding::SAME, 2, 2, 2, 2));
  infer.InferShapes();
  ASSERT_EQ(infer.Run(kernel), Status::kOk) << infer.error();
  EXPECT_EQ(infer.OutputShape(0), (std::vector<int32_t>{2, 3, 2, 3}));
}

struct TflmInt16Case {
  TflmCase op;  // the middle operator; its input/golden members stay empty
  std::vector<int16_t> input;
  std::vector<int16_t> golden;
  std::vector<int32_t> golden_shape;

  // Adds the op's inputs (constants stay constants; the int16 tensor without
  // data is fed the case's input) and its int16 output, with their
  // quantization.
  void AddOperands(OpTester& test) const {
    for (int32_t index : op.op_inputs) {
      const TfliteTensor& t = op.tensors.at(index);
      switch (t.type) {
        case 7:  // INT16
          if (t.data.empty()) {
            test.InputOf<int16_t>(t.shape, input);
          } else {
            test.InputOf<int16_t>(t.shape, Values<int16_t>(t.data), true);
          }
          break;
        case 9:  // INT8
          test.InputOf<int8_t>(t.shape, std::vector<int8_t>(t.data.begin(), t.data.end()), true);
          break;
        case 2:  // INT32
          test.InputOf<int32_t>(t.shape, Values<int32_t>(t.data), true);
          break;
        case 4:  // INT64
          test.InputOf<int64_t>(t.shape, Values<int64_t>(t.data), true);
          break;
        default:
          ADD_FAILURE() << "unexpected tensor type " << int{t.type};
      }
      test.Quantize(t.scales, t.zero_points, t.quantized_dimension);
    }
    const TfliteTensor& out = op.tensors.at(op.op_output);
    test.Output(out.shape, schema::TensorType::INT16)
        .Quantize(out.scales, out.zero_points, out.quantized_dimension);
  }

  template <typename T>
  static std::vector<T> Values(const std::vector<uint8_t>& bytes) {
    std::vector<T> values(bytes.size() / sizeof(T));
    std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
    return values;
  }
};

namespace tflm_case_internal {

// A float32 .npy (format 1.0, little-endian, C order).
inline bool ReadFloatNpy(const std::string& path, std::vector<float>* values,
                         std::vector<int32_t>* shape, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!ReadFile(path, &bytes) || bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6)) {
    *error = path + ": not a .npy file";
    return false;
  }
  const size_t header_size = bytes[8] | (bytes[9] << 8);
  const std::string header(bytes.begin() + 10, bytes.begin() + 10 + header_size);
  if (header.find("'descr': '<f4'") == std::string::npos ||
      header.find("'fortran_order': False") == std::string::npos) {
    *error = path + ": not a C-order float32 array: " + header;
    return false;
  }
  const size_t open = header.find("'shape': (") + 10;
  const std::string dims = header.substr(open, header.find(')', open) - open);
  shape->clear();
  for (size_t pos = 0; pos < dims.size();) {
    const size_t comma = dims.find(',', pos);
    const std::string dim = dims.substr(pos, comma == std::string::npos ? comma : comma - pos);
    if (dim.find_first_of("0123456789") != std::string::npos) shape->push_back(std::stoi(dim));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  values->resize((bytes.size() - 10 - header_size) / sizeof(float));
  std::memcpy(values->data(), bytes.data() + 10 + header_size, values->size() * sizeof(float));
  return true;
}

// The int16 values q of `values` = q * scale.
inline bool ToInt16(const std::vector<float>& values, float scale, const std::string& what,
                    std::vector<int16_t>* out, std::string* error) {
  out->clear();
  for (float value : values) {
    const double q = static_cast<double>(value) / scale;
    if (std::fabs(q - std::round(q)) > 1e-2 || std::fabs(q) > 32768) {
      *error = what + ": " + std::to_string(value) + " is not an int16 multiple of the scale";
      return false;
    }
    out->push_back(static_cast<int16_t>(std::round(q)));
  }
  return true;
}

}  // namespace tflm_case_internal

// Loads <name>.tflite (QUANTIZE, the op, DEQUANTIZE), <name>.input.npy and
// <name>.golden.npy.
inline bool LoadTflmInt16Case(const std::string& name, TflmInt16Case* out, std::string* error) {
  namespace in = tflm_case_internal;
  const std::string stem = TflmCaseDir() + name;
  TflmCase& op = out->op;
  if (!in::ReadFile(stem + ".tflite", &op.model_bytes) ||
      !flatbuffers::BufferHasIdentifier(op.model_bytes.data(), "TFL3")) {
    *error = stem + ".tflite: missing or not a TFLite model";
    return false;
  }
  // Field ids as in LoadTflmCase.
  const auto* model = flatbuffers::GetRoot<flatbuffers::Table>(op.model_bytes.data());
  const auto* codes = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 1);
  const auto* subgraphs = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 2);
  const auto* buffers = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(model, 4);
  const flatbuffers::Table* subgraph = in::TableAt(subgraphs, 0);
  const auto* tensors = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(subgraph, 0);
  const auto* operators = in::VectorField<flatbuffers::Offset<flatbuffers::Table>>(subgraph, 3);
  if (operators == nullptr || operators->size() != 3) {
    *error = stem + ".tflite: expected QUANTIZE, the op and DEQUANTIZE";
    return false;
  }
  op.tensors.clear();
  for (uint32_t i = 0; i < tensors->size(); ++i) {
    const flatbuffers::Table* t = in::TableAt(tensors, i);
    TfliteTensor tensor;
    tensor.shape = in::ToStd(in::VectorField<int32_t>(t, 0));
    tensor.type = t->GetField<int8_t>(in::Slot(1), 0);
    const uint32_t buffer = t->GetField<uint32_t>(in::Slot(2), 0);
    tensor.data = in::ToStd(in::VectorField<uint8_t>(in::TableAt(buffers, buffer), 0));
    if (const flatbuffers::Table* q = in::TableField(t, 4)) {
      tensor.scales = in::ToStd(in::VectorField<float>(q, 2));
      tensor.zero_points = in::ToStd(in::VectorField<int64_t>(q, 3));
      tensor.quantized_dimension = q->GetField<int32_t>(in::Slot(6), 0);
    }
    op.tensors.push_back(std::move(tensor));
  }
  const flatbuffers::Table* middle = in::TableAt(operators, 1);
  const flatbuffers::Table* code = in::TableAt(codes, middle->GetField<uint32_t>(in::Slot(0), 0));
  op.builtin_code = code->GetField<int32_t>(in::Slot(3), 0);
  op.op_inputs = in::ToStd(in::VectorField<int32_t>(middle, 1));
  op.op_output = in::VectorField<int32_t>(middle, 2)->Get(0);
  op.options_type = middle->GetField<uint8_t>(in::Slot(3), 0);
  op.options = in::TableField(middle, 4);

  // Tensor 1 is the int16 input the QUANTIZE writes.
  std::vector<float> input;
  std::vector<float> golden;
  std::vector<int32_t> input_shape;
  return in::ReadFloatNpy(stem + ".input.npy", &input, &input_shape, error) &&
         in::ReadFloatNpy(stem + ".golden.npy", &golden, &out->golden_shape, error) &&
         in::ToInt16(input, op.tensors.at(1).scales.at(0), stem + ".input.npy", &out->input,
                     error) &&
         in::ToInt16(golden, op.tensors.at(op.op_output).scales.at(0), stem + ".golden.npy",
                     &out->golden, error);
}

// Runs int16 case `name`, whose op must have TFLite builtin code
// `builtin_code`, through `kernel` with the options make_options(case.op)
// builds from the model's, and expects TFLM's output shape and values
// exactly.
template <typename MakeOptions>
void ExpectMatchesTflmInt16(const Kernel& kernel, int32_t builtin_code, const std::string& name,
                            MakeOptions make_options) {
  SCOPED_TRACE(name);
  TflmInt16Case golden;
  std::string error;
  ASSERT_TRUE(LoadTflmInt16Case(name, &golden, &error)) << error;
  ASSERT_EQ(golden.op.builtin_code, builtin_code) << "not a " << kernel.name << " model";
  OpTester test(kernel.op);
  golden.AddOperands(test);
  test.Options(make_options(golden.op));
  ASSERT_EQ(test.Run(kernel), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), golden.golden_shape);
  EXPECT_EQ(test.OutputAs<int16_t>(0), golden.golden);
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on an int16
// pooling case made by tests/kernels/testdata/cases_int16.py.
inline void ExpectPoolMatchesTflmInt16(const Kernel& kernel, int32_t builtin_code,
                                       const std::string& name) {
  // Field ids of TFLite's Pool2DOptions.
  enum TflitePoolOption { kPadding = 0, kStrideW, kStrideH, kFilterW, kFilterH, kActivation };
  ExpectMatchesTflmInt16(kernel, builtin_code, name, [](const TflmCase& golden) {
    return PoolOptions(PaddingFromTflite(golden.Option<int8_t>(kPadding, 0)),
                       golden.Option<int32_t>(kFilterH, 0), golden.Option<int32_t>(kFilterW, 0),
                       golden.Option<int32_t>(kStrideH, 0), golden.Option<int32_t>(kStrideW, 0),
                       ActivationFromTflite(golden.Option<int8_t>(kActivation, 0)));
  });
}

}  // namespace ember::testing

#endif  // EMBER_TESTS_TESTING_INT16_TEST_UTIL_H_
