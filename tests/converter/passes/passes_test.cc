// Tests of the Ember-level passes. Each builds a small IR graph, runs it
// through the interpreter before and after the pass (the kernels are tested
// on their own), and checks both the rewrite and that outputs are unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "converter/ir/graph.h"
#include "converter/memory_plan.h"
#include "converter/passes/passes.h"
#include "interpreter/interpreter.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {
namespace {

template <typename T>
schema::OpOptionsUnion Options(T value) {
  schema::OpOptionsUnion options;
  options.Set(std::move(value));
  return options;
}

std::vector<float> Random(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(rng);
  return values;
}

// Runs the graph on `input` and returns output 0.
std::vector<float> RunGraph(const IrGraph& graph, const std::vector<float>& input) {
  schema::ModelT model = graph.ToModel("test");
  AttachMemoryPlan(model);
  const std::vector<uint8_t> bytes = SerializeModel(model);
  const AlignedBuffer aligned(bytes.data(), bytes.size());
  StringErrorReporter reporter;
  Model view;
  EXPECT_EQ(Model::Load(aligned.data(), aligned.size(), &reporter, &view), Status::kOk) << reporter.message;
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(model.plan->arena_bytes);
  Interpreter interpreter(view, resolver, arena.data(), arena.size(), &reporter);
  EXPECT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;
  std::memcpy(interpreter.input(0).data, input.data(), input.size() * sizeof(float));
  EXPECT_EQ(interpreter.Invoke(), Status::kOk) << reporter.message;
  const TensorView out = interpreter.output(0);
  return std::vector<float>(out.data_as<float>(), out.data_as<float>() + out.num_elements());
}

void ExpectNear(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tolerance) << "element " << i;
}

TEST(FoldAffineTest, FoldsBatchNormIntoConvAndKeepsOutputs) {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {1, 5, 5, 3});
  const int filter = graph.AddConstantOf<float>("w", {4, 3, 3, 3}, Random(108, 1));
  const int conv_out = graph.AddTensor("conv", schema::TensorType::FLOAT32, {1, 5, 5, 4});
  schema::Conv2DOptionsT conv;
  graph.AddOp(schema::OpCode::CONV_2D, {input, filter, -1}, {conv_out}, Options(conv), "conv");
  const int scale = graph.AddConstantOf<float>("scale", {4}, {0.5f, -2.0f, 1.5f, 3.0f});
  const int scaled = graph.AddTensor("scaled", schema::TensorType::FLOAT32, {1, 5, 5, 4});
  graph.AddOp(schema::OpCode::MUL, {conv_out, scale}, {scaled}, Options(schema::ArithmeticOptionsT()), "mul");
  const int offset = graph.AddConstantOf<float>("offset", {1, 1, 1, 4}, {0.1f, 0.2f, -0.3f, 0.4f});
  const int shifted = graph.AddTensor("y", schema::TensorType::FLOAT32, {1, 5, 5, 4});
  graph.AddOp(schema::OpCode::ADD, {scaled, offset}, {shifted}, Options(schema::ArithmeticOptionsT()), "add");
  graph.inputs = {input};
  graph.outputs = {shifted};

  const std::vector<float> x = Random(75, 2);
  const std::vector<float> before = RunGraph(graph, x);
  EXPECT_EQ(FoldAffineIntoWeights(graph), 2);
  ASSERT_EQ(graph.live_op_count(), 1u);
  EXPECT_EQ(graph.ops[0].code, schema::OpCode::CONV_2D);
  EXPECT_EQ(graph.tensors[graph.outputs[0]].name, "y");
  ExpectNear(RunGraph(graph, x), before, 1e-5f);
}

TEST(FoldAffineTest, LeavesMulWithSecondConsumerAlone) {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {1, 4});
  const int weights = graph.AddConstantOf<float>("w", {2, 4}, Random(8, 3));
  const int fc_out = graph.AddTensor("fc", schema::TensorType::FLOAT32, {1, 2});
  graph.AddOp(schema::OpCode::FULLY_CONNECTED, {input, weights, -1}, {fc_out},
              Options(schema::FullyConnectedOptionsT()), "fc");
  const int scale = graph.AddConstantOf<float>("s", {2}, {2.0f, 3.0f});
  const int product = graph.AddTensor("y", schema::TensorType::FLOAT32, {1, 2});
  graph.AddOp(schema::OpCode::MUL, {fc_out, scale}, {product}, Options(schema::ArithmeticOptionsT()), "mul");
  graph.inputs = {input};
  graph.outputs = {product, fc_out};
  EXPECT_EQ(FoldAffineIntoWeights(graph), 0);
  EXPECT_EQ(graph.live_op_count(), 2u);
}

TEST(FuseActivationsTest, Relu6AsMinimumOfReluFusesIntoConv) {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {1, 4, 4, 2});
  const int filter = graph.AddConstantOf<float>("w", {3, 1, 1, 2}, {4, -4, 3, 2, -5, 1});
  const int conv_out = graph.AddTensor("conv", schema::TensorType::FLOAT32, {1, 4, 4, 3});
  graph.AddOp(schema::OpCode::CONV_2D, {input, filter, -1}, {conv_out}, Options(schema::Conv2DOptionsT()), "conv");
  const int relu_out = graph.AddTensor("relu", schema::TensorType::FLOAT32, {1, 4, 4, 3});
  graph.AddOp(schema::OpCode::RELU, {conv_out}, {relu_out}, {}, "relu");
  const int six = graph.AddConstantOf<float>("six", {}, {6.0f});
  const int clamped = graph.AddTensor("y", schema::TensorType::FLOAT32, {1, 4, 4, 3});
  graph.AddOp(schema::OpCode::MINIMUM, {relu_out, six}, {clamped}, {}, "min");
  graph.inputs = {input};
  graph.outputs = {clamped};

  std::vector<float> x = Random(32, 4);
  for (float& v : x) v *= 4.0f;  // reach both clamps
  const std::vector<float> before = RunGraph(graph, x);
  EXPECT_GT(FuseActivations(graph), 0);
  ASSERT_EQ(graph.live_op_count(), 1u);
  EXPECT_EQ(graph.ops[0].options.AsConv2DOptions()->activation, schema::Activation::RELU6);
  ExpectNear(RunGraph(graph, x), before, 1e-6f);
}

TEST(CancelTransposesTest, RemovesInversePairs) {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {1, 2, 3, 4});
  const int nchw = graph.AddTensor("nchw", schema::TensorType::FLOAT32, {1, 4, 2, 3});
  schema::TransposeOptionsT to_nchw;
  to_nchw.perm = {0, 3, 1, 2};
  graph.AddOp(schema::OpCode::TRANSPOSE, {input}, {nchw}, Options(to_nchw), "t1");
  const int back = graph.AddTensor("back", schema::TensorType::FLOAT32, {1, 2, 3, 4});
  schema::TransposeOptionsT to_nhwc;
  to_nhwc.perm = {0, 2, 3, 1};
  graph.AddOp(schema::OpCode::TRANSPOSE, {nchw}, {back}, Options(to_nhwc), "t2");
  const int out = graph.AddTensor("y", schema::TensorType::FLOAT32, {1, 2, 3, 4});
  graph.AddOp(schema::OpCode::RELU, {back}, {out}, {}, "relu");
  graph.inputs = {input};
  graph.outputs = {out};
  EXPECT_EQ(CancelTransposes(graph), 1);
  ASSERT_EQ(graph.live_op_count(), 1u);
  EXPECT_EQ(graph.ops[0].code, schema::OpCode::RELU);
  EXPECT_EQ(graph.ops[0].inputs[0], graph.inputs[0]);
}

TEST(MergeDuplicateOpsTest, MergesEqualConstantsAndOps) {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {3});
  const int c1 = graph.AddConstantOf<float>("c1", {3}, {1, 2, 3});
  const int c2 = graph.AddConstantOf<float>("c2", {3}, {1, 2, 3});
  const int a = graph.AddTensor("a", schema::TensorType::FLOAT32, {3});
  const int b = graph.AddTensor("b", schema::TensorType::FLOAT32, {3});
  graph.AddOp(schema::OpCode::ADD, {input, c1}, {a}, Options(schema::ArithmeticOptionsT()), "add1");
  graph.AddOp(schema::OpCode::ADD, {input, c2}, {b}, Options(schema::ArithmeticOptionsT()), "add2");
  const int out = graph.AddTensor("y", schema::TensorType::FLOAT32, {3});
  graph.AddOp(schema::OpCode::MUL, {a, b}, {out}, Options(schema::ArithmeticOptionsT()), "mul");
  graph.inputs = {input};
  graph.outputs = {out};
  const std::vector<float> before = RunGraph(graph, {1, 2, 3});
  EXPECT_EQ(MergeDuplicateOps(graph), 1);
  EXPECT_EQ(graph.live_op_count(), 2u);
  ExpectNear(RunGraph(graph, {1, 2, 3}), before, 0.0f);
}

// x [3, 2, 4] -> UNPACK -> TANH each -> PACK (axis 0, [3, 2, 4]) -> TRANSPOSE
// [2, 3, 4] -> RESHAPE [6, 4] -> FULLY_CONNECTED (4 -> 5) -> RESHAPE [2, 3, 5]
// -> ADD bias [5]: a dense layer over every step of an unrolled loop, as
// TensorFlow's tensordot writes it.
IrGraph PackedStepsGraph() {
  IrGraph graph;
  const int input = graph.AddTensor("x", schema::TensorType::FLOAT32, {3, 2, 4});
  std::vector<int> steps, squashed;
  for (int k = 0; k < 3; ++k) {
    steps.push_back(graph.AddTensor("step" + std::to_string(k), schema::TensorType::FLOAT32, {2, 4}));
    squashed.push_back(graph.AddTensor("tanh" + std::to_string(k), schema::TensorType::FLOAT32, {2, 4}));
  }
  schema::PackOptionsT axis0;
  axis0.axis = 0;
  graph.AddOp(schema::OpCode::UNPACK, {input}, steps, Options(axis0), "unpack");
  for (int k = 0; k < 3; ++k) graph.AddOp(schema::OpCode::TANH, {steps[k]}, {squashed[k]}, {}, "tanh");
  const int packed = graph.AddTensor("packed", schema::TensorType::FLOAT32, {3, 2, 4});
  graph.AddOp(schema::OpCode::PACK, squashed, {packed}, Options(axis0), "pack");
  const int batch_major = graph.AddTensor("batch_major", schema::TensorType::FLOAT32, {2, 3, 4});
  schema::TransposeOptionsT swap;
  swap.perm = {1, 0, 2};
  graph.AddOp(schema::OpCode::TRANSPOSE, {packed}, {batch_major}, Options(swap), "transpose");
  const int flat = graph.AddTensor("flat", schema::TensorType::FLOAT32, {6, 4});
  schema::ReshapeOptionsT to_rows;
  to_rows.new_shape = {6, 4};
  graph.AddOp(schema::OpCode::RESHAPE, {batch_major}, {flat}, Options(to_rows), "flatten");
  const int weights = graph.AddConstantOf<float>("w", {5, 4}, Random(20, 5));
  const int dense = graph.AddTensor("dense", schema::TensorType::FLOAT32, {6, 5});
  graph.AddOp(schema::OpCode::FULLY_CONNECTED, {flat, weights, -1}, {dense},
              Options(schema::FullyConnectedOptionsT()), "dense");
  const int restored = graph.AddTensor("restored", schema::TensorType::FLOAT32, {2, 3, 5});
  schema::ReshapeOptionsT back;
  back.new_shape = {2, 3, 5};
  graph.AddOp(schema::OpCode::RESHAPE, {dense}, {restored}, Options(back), "unflatten");
  const int bias = graph.AddConstantOf<float>("b", {5}, Random(5, 6));
  const int out = graph.AddTensor("y", schema::TensorType::FLOAT32, {2, 3, 5});
  graph.AddOp(schema::OpCode::ADD, {restored, bias}, {out}, Options(schema::ArithmeticOptionsT()),
              "bias");
  graph.inputs = {input};
  graph.outputs = {out};
  return graph;
}

TEST(SinkPacksTest, DenseLayerOverPackedStepsBecomesOnePerStepAndKeepsOutputs) {
  IrGraph graph = PackedStepsGraph();
  const std::vector<float> x = Random(24, 4);
  const std::vector<float> before = RunGraph(graph, x);
  EXPECT_EQ(SinkPacks(graph), 3);  // through the transpose, the dense sandwich, the bias
  graph.Compact();
  // The output is now a pack (axis 1) of one dense layer and one bias add per step.
  const int producer = graph.Producer(graph.outputs[0]);
  ASSERT_GE(producer, 0);
  EXPECT_EQ(graph.ops[producer].code, schema::OpCode::PACK);
  EXPECT_EQ(graph.ops[producer].options.AsPackOptions()->axis, 1);
  int dense = 0, transposes = 0;
  for (const IrOp& op : graph.ops) {
    dense += op.code == schema::OpCode::FULLY_CONNECTED;
    transposes += op.code == schema::OpCode::TRANSPOSE;
  }
  EXPECT_EQ(dense, 3);
  EXPECT_EQ(transposes, 0);
  // Each output row is the same dot products in the same order.
  ExpectNear(RunGraph(graph, x), before, 0.0f);
}

TEST(SinkPacksTest, LeavesAReductionOverThePackedAxisAlone) {
  IrGraph graph;
  const int a = graph.AddTensor("a", schema::TensorType::FLOAT32, {2, 4});
  const int b = graph.AddTensor("b", schema::TensorType::FLOAT32, {2, 4});
  const int packed = graph.AddTensor("packed", schema::TensorType::FLOAT32, {2, 2, 4});
  schema::PackOptionsT axis0;
  axis0.axis = 0;
  graph.AddOp(schema::OpCode::PACK, {a, b}, {packed}, Options(axis0), "pack");
  const int best = graph.AddTensor("best", schema::TensorType::INT32, {2, 4});
  schema::ArgMinMaxOptionsT over_steps;
  over_steps.axis = 0;
  graph.AddOp(schema::OpCode::ARG_MAX, {packed}, {best}, Options(over_steps), "argmax");
  graph.inputs = {a, b};
  graph.outputs = {best};
  EXPECT_EQ(SinkPacks(graph), 0);
}

// x [2, 6]; a = TANH(x); inner = CONCAT(x, a) [2, 12]; cat = CONCAT(a,
// zeros [2, 3], inner) [2, 21]; y = RELU(FC(cat, W [4, 21], b)): a recurrent
// cell's [input, state] concatenation, nested the way an attention wrapper
// nests it, with a zero initial state.
struct ConcatDenseGraph {
  IrGraph graph;
  std::vector<float> weights = Random(4 * 21, 11);
  std::vector<float> bias = Random(4, 12);
};

ConcatDenseGraph MakeConcatDenseGraph() {
  ConcatDenseGraph made;
  IrGraph& graph = made.graph;
  const int x = graph.AddTensor("x", schema::TensorType::FLOAT32, {2, 6});
  const int a = graph.AddTensor("a", schema::TensorType::FLOAT32, {2, 6});
  graph.AddOp(schema::OpCode::TANH, {x}, {a}, {}, "tanh");
  schema::ConcatenationOptionsT features;
  features.axis = 1;
  const int inner = graph.AddTensor("inner", schema::TensorType::FLOAT32, {2, 12});
  graph.AddOp(schema::OpCode::CONCATENATION, {x, a}, {inner}, Options(features), "inner");
  const int zeros = graph.AddConstantOf<float>("zeros", {2, 3}, std::vector<float>(6, 0.0f));
  const int cat = graph.AddTensor("cat", schema::TensorType::FLOAT32, {2, 21});
  graph.AddOp(schema::OpCode::CONCATENATION, {a, zeros, inner}, {cat}, Options(features), "cat");
  const int w = graph.AddConstantOf<float>("w", {4, 21}, made.weights);
  const int b = graph.AddConstantOf<float>("b", {4}, made.bias);
  const int y = graph.AddTensor("y", schema::TensorType::FLOAT32, {2, 4});
  schema::FullyConnectedOptionsT relu;
  relu.activation = schema::Activation::RELU;
  graph.AddOp(schema::OpCode::FULLY_CONNECTED, {cat, w, b}, {y}, Options(relu), "dense");
  graph.inputs = {x};
  graph.outputs = {y};
  return made;
}

TEST(SplitConcatDenseTest, OneDenseLayerPerOperandSumsToTheSameOutput) {
  ConcatDenseGraph made = MakeConcatDenseGraph();
  const std::vector<float> x = Random(12, 13);
  // The layer computed directly from its definition.
  std::vector<float> expected;
  for (int row = 0; row < 2; ++row) {
    std::vector<float> cat;
    for (int i = 0; i < 6; ++i) cat.push_back(std::tanh(x[row * 6 + i]));
    cat.insert(cat.end(), {0.0f, 0.0f, 0.0f});
    for (int i = 0; i < 6; ++i) cat.push_back(x[row * 6 + i]);
    for (int i = 0; i < 6; ++i) cat.push_back(std::tanh(x[row * 6 + i]));
    for (int o = 0; o < 4; ++o) {
      float sum = made.bias[o];
      for (int i = 0; i < 21; ++i) sum += cat[i] * made.weights[o * 21 + i];
      expected.push_back(std::max(sum, 0.0f));
    }
  }
  IrGraph& graph = made.graph;
  EXPECT_EQ(SplitConcatDense(graph), 1);
  // Operands a, x, a (the zero block adds nothing): three dense layers with
  // their own column blocks of W, two adds, the ReLU on the last add.
  int dense = 0, adds = 0, concats = 0;
  for (const IrOp& op : graph.ops) {
    if (op.dead) continue;
    dense += op.code == schema::OpCode::FULLY_CONNECTED;
    adds += op.code == schema::OpCode::ADD;
    concats += op.code == schema::OpCode::CONCATENATION;
    if (op.code == schema::OpCode::FULLY_CONNECTED) {
      EXPECT_EQ(graph.tensors[op.inputs[1]].shape, (std::vector<int32_t>{4, 6}));
    }
  }
  EXPECT_EQ(dense, 3);
  EXPECT_EQ(adds, 2);
  EXPECT_EQ(concats, 0);
  const int last = graph.Producer(graph.outputs[0]);
  ASSERT_GE(last, 0);
  EXPECT_EQ(graph.ops[last].code, schema::OpCode::ADD);
  EXPECT_EQ(graph.ops[last].options.AsArithmeticOptions()->activation, schema::Activation::RELU);
  ExpectNear(RunGraph(graph, x), expected, 1e-5f);
}

TEST(SplitConcatDenseTest, LeavesAConcatenationAlongRowsAlone) {
  IrGraph graph;
  const int x = graph.AddTensor("x", schema::TensorType::FLOAT32, {1, 4});
  const int rows = graph.AddTensor("rows", schema::TensorType::FLOAT32, {2, 4});
  schema::ConcatenationOptionsT along_rows;
  along_rows.axis = 0;
  graph.AddOp(schema::OpCode::CONCATENATION, {x, x}, {rows}, Options(along_rows), "rows");
  const int w = graph.AddConstantOf<float>("w", {3, 4}, Random(12, 14));
  const int y = graph.AddTensor("y", schema::TensorType::FLOAT32, {2, 3});
  graph.AddOp(schema::OpCode::FULLY_CONNECTED, {rows, w, -1}, {y},
              Options(schema::FullyConnectedOptionsT()), "dense");
  graph.inputs = {x};
  graph.outputs = {y};
  EXPECT_EQ(SplitConcatDense(graph), 0);
}

}  // namespace
}  // namespace ember::convert
