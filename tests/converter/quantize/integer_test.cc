// Integer quantization of IR graphs: the parameters the quantizer writes are
// checked against TFLite's int8 scheme computed here from the float weights
// and calibrated ranges, and the quantized graph's outputs against the float
// graph's within a bound derived from the output scale.
#include "converter/quantize/integer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tests/converter/quantize/quantize_test_util.h"

namespace ember::convert {
namespace {

using schema::OpCode;
using schema::TensorType;
using testing::CountOps;
using testing::Options;
using testing::Random;
using testing::RunReal;
using testing::Samples;

struct ConvGraph {
  IrGraph graph;
  std::vector<float> weights = Random(4 * 3 * 3 * 3, 1, -0.5f, 0.5f);
  std::vector<float> bias = {0.1f, -0.2f, 0.05f, 0.3f};
  int input = -1;
  int conv = -1;
  int output = -1;
};

// x [1,6,6,3] -> CONV_2D 3x3 SAME (4 channels, RELU) -> `tail` op -> y.
ConvGraph MakeConvGraph(OpCode tail) {
  ConvGraph g;
  // Channel 2's weights are 10x smaller: per-channel scales must follow.
  for (size_t i = 2 * 27; i < 3 * 27; ++i) g.weights[i] *= 0.1f;
  IrGraph& graph = g.graph;
  g.input = graph.AddTensor("x", TensorType::FLOAT32, {1, 6, 6, 3});
  const int filter = graph.AddConstantOf<float>("w", {4, 3, 3, 3}, g.weights);
  const int bias = graph.AddConstantOf<float>("b", {4}, g.bias);
  g.conv = graph.AddTensor("conv", TensorType::FLOAT32, {1, 6, 6, 4});
  schema::Conv2DOptionsT conv;
  conv.activation = schema::Activation::RELU;
  graph.AddOp(OpCode::CONV_2D, {g.input, filter, bias}, {g.conv}, Options(conv), "conv");
  g.output = graph.AddTensor("y", TensorType::FLOAT32, {1, 6, 6, 4});
  if (tail == OpCode::SOFTMAX) {
    schema::SoftmaxOptionsT softmax;
    softmax.beta = 1.0f;
    graph.AddOp(tail, {g.conv}, {g.output}, Options(softmax), "tail");
  } else {
    graph.AddOp(tail, {g.conv}, {g.output}, schema::OpOptionsUnion(), "tail");
  }
  graph.inputs = {g.input};
  graph.outputs = {g.output};
  return g;
}

std::vector<std::vector<float>> ConvSamples() {
  return {Random(108, 11, -2.0f, 2.0f), Random(108, 12, -1.0f, 3.0f), Random(108, 13)};
}

const IrOp* FindOp(const IrGraph& graph, OpCode code) {
  for (const IrOp& op : graph.ops) {
    if (!op.dead && op.code == code) return &op;
  }
  return nullptr;
}

TEST(QuantizeIntegersTest, WeightsPerChannelBiasInt32ActivationsFromRanges) {
  ConvGraph g = MakeConvGraph(OpCode::SOFTMAX);
  const auto ranges =
      Calibrate(g.graph, Samples(ConvSamples()), CalibrationMethod::kMinMax, 255, nullptr);
  IntegerQuantizeOptions options;
  const QuantizeSummary summary = QuantizeIntegers(g.graph, ranges, options);
  EXPECT_EQ(summary.integer_ops, 2);
  EXPECT_TRUE(summary.float_ops.empty());
  const IrGraph& graph = g.graph;
  const IrOp* conv = FindOp(graph, OpCode::CONV_2D);
  ASSERT_NE(conv, nullptr);

  // Input: int8 over [min(0, lo), max(0, hi)] of the calibrated input.
  const IrTensor& input = graph.tensors[conv->inputs[0]];
  ASSERT_EQ(input.type, TensorType::INT8);
  const double in_low = std::min(0.0f, ranges.at(g.input).min);
  const double in_high = std::max(0.0f, ranges.at(g.input).max);
  const double in_scale = (in_high - in_low) / 255.0;
  EXPECT_FLOAT_EQ(input.quantization.scales[0], static_cast<float>(in_scale));
  EXPECT_EQ(input.quantization.zero_points[0], std::lround(-128.0 - in_low / in_scale));

  // Weights: symmetric, scale max|w_c| / 127 per output channel.
  const IrTensor& filter = graph.tensors[conv->inputs[1]];
  ASSERT_EQ(filter.type, TensorType::INT8);
  ASSERT_EQ(filter.quantization.scales.size(), 4u);
  EXPECT_EQ(filter.quantization.axis, 0);
  for (int c = 0; c < 4; ++c) {
    float max_abs = 0.0f;
    for (int i = 0; i < 27; ++i) max_abs = std::max(max_abs, std::fabs(g.weights[c * 27 + i]));
    const float scale = filter.quantization.scales[c];
    EXPECT_FLOAT_EQ(scale, max_abs / 127.0f) << "channel " << c;
    EXPECT_EQ(filter.quantization.zero_points[c], 0);
    for (int i = 0; i < 27; ++i) {
      EXPECT_EQ(filter.as<int8_t>()[c * 27 + i], std::lround(g.weights[c * 27 + i] / scale));
    }
  }
  // Bias: int32 at input_scale * weight_scale[c] (implied, not stored).
  const IrTensor& bias = graph.tensors[conv->inputs[2]];
  ASSERT_EQ(bias.type, TensorType::INT32);
  EXPECT_TRUE(bias.quantization.empty());
  for (int c = 0; c < 4; ++c) {
    const double scale = static_cast<double>(input.quantization.scales[0]) * filter.quantization.scales[c];
    EXPECT_EQ(bias.as<int32_t>()[c], std::lround(g.bias[c] / scale));
  }
  // The conv's output: its calibrated range; Softmax's: TFLite's fixed 1/256, -128.
  const IrTensor& conv_out = graph.tensors[g.conv];
  EXPECT_EQ(conv_out.type, TensorType::INT8);
  EXPECT_FLOAT_EQ(conv_out.quantization.scales[0], ranges.at(g.conv).max / 255.0f);
  EXPECT_EQ(conv_out.quantization.zero_points[0], -128);
  const IrOp* softmax = FindOp(graph, OpCode::SOFTMAX);
  ASSERT_NE(softmax, nullptr);
  EXPECT_FLOAT_EQ(graph.tensors[softmax->outputs[0]].quantization.scales[0], 1.0f / 256);
  EXPECT_EQ(graph.tensors[softmax->outputs[0]].quantization.zero_points[0], -128);
}

TEST(QuantizeIntegersTest, FloatEdgesKeepNamesAndOutputsStayNearFloat) {
  ConvGraph g = MakeConvGraph(OpCode::SOFTMAX);
  const IrGraph float_graph = g.graph;
  const auto samples = ConvSamples();
  const auto ranges = Calibrate(g.graph, Samples(samples), CalibrationMethod::kMinMax, 255, nullptr);
  QuantizeIntegers(g.graph, ranges, IntegerQuantizeOptions());
  g.graph.Compact();
  EXPECT_EQ(g.graph.ops.front().code, OpCode::QUANTIZE);
  EXPECT_EQ(g.graph.ops.back().code, OpCode::DEQUANTIZE);
  EXPECT_EQ(g.graph.tensors[g.graph.inputs[0]].name, "x");
  EXPECT_EQ(g.graph.tensors[g.graph.outputs[0]].name, "y");
  EXPECT_EQ(g.graph.tensors[g.graph.outputs[0]].type, TensorType::FLOAT32);
  for (const auto& sample : samples) {
    const std::vector<double> expected = RunReal(float_graph, sample);
    const std::vector<double> got = RunReal(g.graph, sample);
    ASSERT_EQ(got.size(), expected.size());
    // Softmax probabilities in steps of 1/256; the conv's rounding (a few
    // steps of its scale) moves them by a few more.
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 4.0 / 256) << i;
  }
}

TEST(QuantizeIntegersTest, IntegerIoMakesTheModelsEdgesInt8) {
  ConvGraph g = MakeConvGraph(OpCode::SOFTMAX);
  const auto ranges =
      Calibrate(g.graph, Samples(ConvSamples()), CalibrationMethod::kMinMax, 255, nullptr);
  IntegerQuantizeOptions options;
  options.integer_io = true;
  QuantizeIntegers(g.graph, ranges, options);
  g.graph.Compact();
  EXPECT_EQ(CountOps(g.graph, OpCode::QUANTIZE), 0);
  EXPECT_EQ(CountOps(g.graph, OpCode::DEQUANTIZE), 0);
  EXPECT_EQ(g.graph.tensors[g.graph.inputs[0]].type, TensorType::INT8);
  EXPECT_EQ(g.graph.tensors[g.graph.inputs[0]].name, "x");
  EXPECT_EQ(g.graph.tensors[g.graph.outputs[0]].type, TensorType::INT8);
  EXPECT_EQ(g.graph.tensors[g.graph.outputs[0]].name, "y");
}

TEST(QuantizeIntegersTest, AnOpWithoutAnIntegerKernelStaysFloatBetweenDequantizeAndQuantize) {
  // x -> CONV_2D -> EXP -> CONV_2D-free tail: EXP has no int8 kernel.
  ConvGraph g = MakeConvGraph(OpCode::EXP);
  IrGraph& graph = g.graph;
  const int doubled = graph.AddTensor("z", TensorType::FLOAT32, {1, 6, 6, 4});
  graph.AddOp(OpCode::ADD, {g.output, g.output}, {doubled}, Options(schema::ArithmeticOptionsT()),
              "add");
  graph.outputs = {doubled};
  const auto ranges = Calibrate(graph, Samples(ConvSamples()), CalibrationMethod::kMinMax, 255, nullptr);
  const QuantizeSummary summary = QuantizeIntegers(graph, ranges, IntegerQuantizeOptions());
  graph.Compact();
  ASSERT_GE(summary.float_ops.size(), 1u);
  EXPECT_EQ(summary.float_ops[0].rfind("EXP 'tail'", 0), 0u) << summary.float_ops[0];
  EXPECT_EQ(graph.tensors[FindOp(graph, OpCode::EXP)->inputs[0]].type, TensorType::FLOAT32);
  EXPECT_EQ(CountOps(graph, OpCode::DEQUANTIZE), summary.float_ops.size() == 1 ? 2 : 1);
}

TEST(QuantizeIntegersTest, DataMovementOnAFloatTensorStaysFloat) {
  // EXP (float) -> RESHAPE: quantizing the reshape alone would only add a
  // Quantize and a Dequantize.
  IrGraph graph;
  const int x = graph.AddTensor("x", TensorType::FLOAT32, {2, 3});
  const int e = graph.AddTensor("e", TensorType::FLOAT32, {2, 3});
  const int y = graph.AddTensor("y", TensorType::FLOAT32, {6});
  graph.AddOp(OpCode::EXP, {x}, {e}, schema::OpOptionsUnion(), "exp");
  schema::ReshapeOptionsT reshape;
  reshape.new_shape = {6};
  graph.AddOp(OpCode::RESHAPE, {e}, {y}, Options(reshape), "reshape");
  graph.inputs = {x};
  graph.outputs = {y};
  const auto ranges = Calibrate(graph, Samples({Random(6, 3)}), CalibrationMethod::kMinMax, 255, nullptr);
  QuantizeIntegers(graph, ranges, IntegerQuantizeOptions());
  graph.Compact();
  EXPECT_EQ(CountOps(graph, OpCode::QUANTIZE), 0);
  EXPECT_EQ(CountOps(graph, OpCode::DEQUANTIZE), 0);
}

TEST(QuantizeIntegersTest, SelectAndPackOperandsShareOneQuantizationAndInfinitiesSaturate) {
  // x [2,3] -> x + x and 3 * x; SELECT(x > 0, 3x, -inf) and PACK(2x,
  // select): the int8 SELECT and PACK kernels move values without
  // requantizing, so every operand they link must get the union of the
  // ranges (here [-6, 6]); the -inf constant saturates to -128.
  IrGraph graph;
  const int x = graph.AddTensor("x", TensorType::FLOAT32, {2, 3});
  const int zero = graph.AddConstantOf<float>("zero", {}, {0.0f});
  const int three = graph.AddConstantOf<float>("three", {}, {3.0f});
  const int minus_inf = graph.AddConstantOf<float>("minus_inf", {2, 3}, std::vector<float>(6, -INFINITY));
  const int positive = graph.AddTensor("positive", TensorType::BOOL, {2, 3});
  const int tripled = graph.AddTensor("tripled", TensorType::FLOAT32, {2, 3});
  const int doubled = graph.AddTensor("doubled", TensorType::FLOAT32, {2, 3});
  const int selected = graph.AddTensor("selected", TensorType::FLOAT32, {2, 3});
  const int packed = graph.AddTensor("packed", TensorType::FLOAT32, {2, 2, 3});
  graph.AddOp(OpCode::GREATER, {x, zero}, {positive}, schema::OpOptionsUnion(), "greater");
  graph.AddOp(OpCode::MUL, {x, three}, {tripled}, Options(schema::ArithmeticOptionsT()), "mul");
  graph.AddOp(OpCode::ADD, {x, x}, {doubled}, Options(schema::ArithmeticOptionsT()), "add");
  graph.AddOp(OpCode::SELECT, {positive, tripled, minus_inf}, {selected}, schema::OpOptionsUnion(),
              "select");
  schema::PackOptionsT pack;
  pack.axis = 0;
  graph.AddOp(OpCode::PACK, {doubled, selected}, {packed}, Options(pack), "pack");
  graph.inputs = {x};
  graph.outputs = {packed};
  const auto ranges = Calibrate(graph, Samples({{-2.0f, -1.0f, 0.0f, 0.5f, 1.0f, 2.0f}}),
                                CalibrationMethod::kMinMax, 255, nullptr);
  QuantizeIntegers(graph, ranges, IntegerQuantizeOptions());
  const IrOp* select = FindOp(graph, OpCode::SELECT);
  const IrOp* stack = FindOp(graph, OpCode::PACK);
  ASSERT_NE(select, nullptr);
  ASSERT_NE(stack, nullptr);
  // Union of 2x's [-4, 4], 3x's [-6, 6] and the select's [-6, 6]; the
  // infinite constant does not widen it.
  const double scale = 12.0 / 255.0;
  const int64_t zero_point = std::lround(-128.0 + 6.0 / scale);
  for (int t : {select->inputs[1], select->inputs[2], select->outputs[0], stack->inputs[0],
                stack->inputs[1], stack->outputs[0]}) {
    const IrTensor& tensor = graph.tensors[t];
    ASSERT_EQ(tensor.type, TensorType::INT8) << tensor.name;
    EXPECT_FLOAT_EQ(tensor.quantization.scales[0], static_cast<float>(scale)) << tensor.name;
    EXPECT_EQ(tensor.quantization.zero_points[0], zero_point) << tensor.name;
  }
  const IrTensor& mask = graph.tensors[select->inputs[2]];
  ASSERT_TRUE(mask.constant);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(mask.as<int8_t>()[i], -128);
}

TEST(QuantizeIntegersTest, OpsSharingFloatWeightsShareTheQuantizedWeights) {
  // Two FULLY_CONNECTED ops on the same weights (an unrolled recurrent step
  // applies its weights once per step) at different input ranges.
  IrGraph graph;
  const std::vector<float> values = Random(4 * 3, 21, -0.5f, 0.5f);
  const int x = graph.AddTensor("x", TensorType::FLOAT32, {1, 3});
  const int weights = graph.AddConstantOf<float>("w", {4, 3}, values);
  const int bias = graph.AddConstantOf<float>("b", {4}, {0.1f, 0.2f, -0.1f, 0.0f});
  const int h1 = graph.AddTensor("h1", TensorType::FLOAT32, {1, 4});
  const int h1_head = graph.AddTensor("h1_head", TensorType::FLOAT32, {1, 3});
  const int h2 = graph.AddTensor("h2", TensorType::FLOAT32, {1, 4});
  graph.AddOp(OpCode::FULLY_CONNECTED, {x, weights, bias}, {h1},
              Options(schema::FullyConnectedOptionsT()), "fc1");
  schema::SliceOptionsT slice;
  slice.begin = {0, 0};
  slice.size = {1, 3};
  graph.AddOp(OpCode::SLICE, {h1}, {h1_head}, Options(slice), "slice");
  graph.AddOp(OpCode::FULLY_CONNECTED, {h1_head, weights, bias}, {h2},
              Options(schema::FullyConnectedOptionsT()), "fc2");
  graph.inputs = {x};
  graph.outputs = {h2};
  const auto ranges = Calibrate(graph, Samples({{1.0f, -2.0f, 3.0f}}), CalibrationMethod::kMinMax,
                                255, nullptr);
  QuantizeIntegers(graph, ranges, IntegerQuantizeOptions());
  std::vector<int> filters;
  for (const IrOp& op : graph.ops) {
    if (!op.dead && op.code == OpCode::FULLY_CONNECTED) filters.push_back(op.inputs[1]);
  }
  ASSERT_EQ(filters.size(), 2u);
  EXPECT_EQ(graph.tensors[filters[0]].type, TensorType::INT8);
  EXPECT_EQ(filters[0], filters[1]);
}

TEST(QuantizeIntegersTest, Int16x8UsesSymmetricInt16ActivationsAndInt64Bias) {
  ConvGraph g = MakeConvGraph(OpCode::RELU6);
  const auto ranges =
      Calibrate(g.graph, Samples(ConvSamples()), CalibrationMethod::kMinMax, 65535, nullptr);
  IntegerQuantizeOptions options;
  options.activations = TensorType::INT16;
  const QuantizeSummary summary = QuantizeIntegers(g.graph, ranges, options);
  const IrOp* conv = FindOp(g.graph, OpCode::CONV_2D);
  ASSERT_NE(conv, nullptr);
  ASSERT_TRUE(summary.float_ops.empty()) << summary.float_ops[0];
  ASSERT_EQ(g.graph.tensors[conv->inputs[0]].type, TensorType::INT16);
  const IrTensor& input = g.graph.tensors[conv->inputs[0]];
  const double bound = std::max(-ranges.at(g.input).min, ranges.at(g.input).max);
  EXPECT_FLOAT_EQ(input.quantization.scales[0], static_cast<float>(bound / 32767));
  EXPECT_EQ(input.quantization.zero_points[0], 0);
  EXPECT_EQ(g.graph.tensors[conv->inputs[2]].type, TensorType::INT64);
}

TEST(QuantizeWeightsToInt8Test, StoresPerChannelInt8WeightsAndKeepsFloatActivations) {
  ConvGraph g = MakeConvGraph(OpCode::RELU6);
  const IrGraph float_graph = g.graph;
  std::vector<std::string> float_ops;
  const int converted = QuantizeWeightsToInt8(g.graph, &float_ops);
  ASSERT_EQ(converted, 1) << (float_ops.empty() ? "" : float_ops[0]);
  g.graph.Compact();
  const IrOp* conv = FindOp(g.graph, OpCode::CONV_2D);
  EXPECT_EQ(g.graph.tensors[conv->inputs[0]].type, TensorType::FLOAT32);
  EXPECT_EQ(g.graph.tensors[conv->inputs[1]].type, TensorType::INT8);
  EXPECT_EQ(g.graph.tensors[conv->inputs[2]].type, TensorType::FLOAT32);
  // Each weight moves by at most half a step (max|w_c| / 254); an output sums
  // 27 products with |x| <= 2.
  double bound = 0.0;
  for (int c = 0; c < 4; ++c) {
    bound = std::max(bound, 27 * 2.0 * g.graph.tensors[conv->inputs[1]].quantization.scales[c] / 2);
  }
  const std::vector<float> x = Random(108, 21, -2.0f, 2.0f);
  const std::vector<double> expected = RunReal(float_graph, x);
  const std::vector<double> got = RunReal(g.graph, x);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], bound) << i;
}

}  // namespace
}  // namespace ember::convert
