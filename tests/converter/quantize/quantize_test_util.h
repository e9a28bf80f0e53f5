// Small IR graphs and runs for the quantizer tests.
#ifndef EMBER_TESTS_CONVERTER_QUANTIZE_QUANTIZE_TEST_UTIL_H_
#define EMBER_TESTS_CONVERTER_QUANTIZE_QUANTIZE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "converter/memory_plan.h"
#include "converter/quantize/calibrate.h"
#include "interpreter/interpreter.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert::testing {

template <typename T>
schema::OpOptionsUnion Options(T value) {
  schema::OpOptionsUnion options;
  options.Set(std::move(value));
  return options;
}

inline std::vector<float> Random(size_t count, uint32_t seed, float low = -1.0f,
                                 float high = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

inline std::vector<uint8_t> Bytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// One-input samples.
inline CalibrationSamples Samples(const std::vector<std::vector<float>>& inputs) {
  CalibrationSamples samples;
  for (const auto& input : inputs) samples.samples.push_back({Bytes(input)});
  return samples;
}

// Runs `graph` through the interpreter (a path independent of the
// converter's GraphRunner) on one input given as real values and returns
// output 0 as real values: integer inputs are quantized and integer outputs
// dequantized with the tensors' own parameters.
inline std::vector<double> RunReal(const IrGraph& graph, const std::vector<float>& input) {
  schema::ModelT model = graph.ToModel("test");
  AttachMemoryPlan(model);
  const std::vector<uint8_t> bytes = SerializeModel(model);
  const AlignedBuffer aligned(bytes.data(), bytes.size());
  StringErrorReporter reporter;
  Model view;
  EXPECT_EQ(Model::Load(aligned.data(), aligned.size(), &reporter, &view), Status::kOk)
      << reporter.message;
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(model.plan->arena_bytes);
  Interpreter interpreter(view, resolver, arena.data(), arena.size(), &reporter);
  EXPECT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;
  const IrTensor& in = graph.tensors[graph.inputs[0]];
  TensorView in_view = interpreter.input(0);
  for (size_t i = 0; i < input.size(); ++i) {
    if (in.type == schema::TensorType::INT8) {
      const double q = std::round(input[i] / in.quantization.scales[0]) + in.quantization.zero_points[0];
      in_view.data_as<int8_t>()[i] = static_cast<int8_t>(std::fmin(127, std::fmax(-128, q)));
    } else {
      in_view.data_as<float>()[i] = input[i];
    }
  }
  EXPECT_EQ(interpreter.Invoke(), Status::kOk) << reporter.message;
  const TensorView out = interpreter.output(0);
  const IrTensor& out_tensor = graph.tensors[graph.outputs[0]];
  std::vector<double> result;
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    if (out.type == schema::TensorType::INT8) {
      result.push_back(out_tensor.quantization.scales[0] *
                       (out.data_as<int8_t>()[i] - out_tensor.quantization.zero_points[0]));
    } else {
      result.push_back(out.data_as<float>()[i]);
    }
  }
  return result;
}

// Live ops of `code`.
inline int CountOps(const IrGraph& graph, schema::OpCode code) {
  int count = 0;
  for (const IrOp& op : graph.ops) count += !op.dead && op.code == code;
  return count;
}

}  // namespace ember::convert::testing

#endif  // EMBER_TESTS_CONVERTER_QUANTIZE_QUANTIZE_TEST_UTIL_H_
