// Unit tests of the ONNX importer on models built here: where activations
// live (channels-last inside, NCHW or NHWC at the edges), how attributes map
// to Ember's options, and how unsupported or malformed models are reported.
//
// Ground truth for numbers: multi-node graphs are compared with the same
// nodes converted and run one at a time (each then has its own NCHW edges,
// so no layout is carried between nodes; single nodes are what ONNX's backend
// node tests check against ONNX's reference), and grouped convolutions, which
// those tests lack, with a plain loop written from the operator's definition.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "converter/ir/graph.h"
#include "tests/converter/onnx/onnx_test_util.h"

namespace ember::convert {
namespace {

using testing::FloatTensor;
using ::testing::HasSubstr;
using testing::OnnxBuilder;
using testing::Pattern;
using testing::RunConverted;
using testing::SetFloat;
using testing::SetInt;
using testing::SetInts;
using testing::SetString;

std::vector<int64_t> Dims(const std::vector<int32_t>& shape) {
  return std::vector<int64_t>(shape.begin(), shape.end());
}

FloatTensor MakeTensor(std::vector<int32_t> shape, uint32_t seed) {
  size_t count = 1;
  for (int32_t d : shape) count *= static_cast<size_t>(d);
  return {shape, Pattern(count, seed)};
}

// NCHW -> NHWC of a 4-D tensor.
FloatTensor ToNhwc(const FloatTensor& x) {
  const int n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
  FloatTensor y{{n, h, w, c}, std::vector<float>(x.values.size())};
  for (int b = 0; b < n; ++b) {
    for (int k = 0; k < c; ++k) {
      for (int i = 0; i < h; ++i) {
        for (int j = 0; j < w; ++j) {
          y.values[((b * h + i) * w + j) * c + k] = x.values[((b * c + k) * h + i) * w + j];
        }
      }
    }
  }
  return y;
}

void ExpectNear(const FloatTensor& got, const FloatTensor& want, const std::string& what) {
  ASSERT_EQ(got.shape, want.shape) << what;
  for (size_t i = 0; i < want.values.size(); ++i) {
    // Both sides run Ember's float kernels on the same data; only the order
    // of float operations may differ.
    ASSERT_NEAR(got.values[i], want.values[i], 1e-5f + 1e-5f * std::fabs(want.values[i]))
        << what << "[" << i << "]";
  }
}

// Runs every node of `model` as a model of its own, inputs past the first
// frozen into constants; returns every value by name.
std::map<std::string, FloatTensor> RunNodeByNode(const onnx::ModelProto& model,
                                                 const std::string& input,
                                                 const FloatTensor& value) {
  std::map<std::string, FloatTensor> values = {{input, value}};
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const onnx::TensorProto& tensor : model.graph().initializer())
    initializers[tensor.name()] = &tensor;
  for (const onnx::NodeProto& node : model.graph().node()) {
    OnnxBuilder single(static_cast<int>(model.opset_import(0).version()));
    const FloatTensor first = values.at(node.input(0));
    single.Input(node.input(0), Dims(first.shape));
    for (int k = 1; k < node.input_size(); ++k) {
      const std::string& name = node.input(k);
      if (name.empty()) continue;
      if (initializers.count(name) != 0) {
        *single.model().mutable_graph()->add_initializer() = *initializers[name];
      } else {
        single.Floats(name, Dims(values.at(name).shape), values.at(name).values);
      }
    }
    *single.model().mutable_graph()->add_node() = node;
    for (const std::string& output : node.output()) single.Output(output);
    const ConvertResult converted = ConvertOnnxModel(single.model(), node.name(), ConvertOptions());
    for (const auto& [name, tensor] : RunConverted(converted, {first})) values[name] = tensor;
  }
  return values;
}

int OpCount(const ConvertResult& converted, const std::string& op) {
  const auto found = converted.report.op_histogram.find(op);
  return found == converted.report.op_histogram.end() ? 0 : found->second;
}

// Conv, Relu, MaxPool, a broadcast Add, a 1x1 Conv, Concat over channels,
// Softmax over channels, a mean over H and W without keepdims, and an
// explicit NCHW -> NHWC transpose.
onnx::ModelProto LayoutModel() {
  OnnxBuilder b(13);
  b.Input("x", {1, 3, 6, 6});
  b.Floats("w1", {4, 3, 3, 3}, Pattern(108, 1)).Floats("b1", {4}, Pattern(4, 2));
  SetInts(b.Node("Conv", {"x", "w1", "b1"}, {"c1"}), "pads", {1, 1, 1, 1});
  b.Node("Relu", {"c1"}, {"r1"});
  onnx::NodeProto& pool = b.Node("MaxPool", {"r1"}, {"p1"});
  SetInts(pool, "kernel_shape", {2, 2});
  SetInts(pool, "strides", {2, 2});
  b.Floats("shift", {4, 1, 1}, Pattern(4, 3));
  b.Node("Add", {"p1", "shift"}, {"a1"});
  b.Floats("w2", {4, 4, 1, 1}, Pattern(16, 4));
  b.Node("Conv", {"a1", "w2"}, {"c2"});
  SetInt(b.Node("Concat", {"a1", "c2"}, {"features"}), "axis", 1);
  SetInt(b.Node("Softmax", {"features"}, {"probabilities"}), "axis", 1);
  onnx::NodeProto& mean = b.Node("ReduceMean", {"probabilities"}, {"pooled"});
  SetInts(mean, "axes", {2, 3});
  SetInt(mean, "keepdims", 0);
  SetInts(b.Node("Transpose", {"features"}, {"nhwc"}), "perm", {0, 2, 3, 1});
  b.Output("pooled").Output("features").Output("nhwc");
  return b.model();
}

TEST(OnnxLayoutTest, ActivationsStayChannelsLastBetweenTheEdges) {
  const onnx::ModelProto model = LayoutModel();
  const ConvertResult converted = ConvertOnnxModel(model, "layout", ConvertOptions());
  // One transpose for input x, one for the NCHW output "features"; the
  // explicit NCHW -> NHWC transpose is the channels-last form itself.
  EXPECT_EQ(OpCount(converted, "TRANSPOSE"), 2);
  EXPECT_EQ(OpCount(converted, "SOFTMAX"), 1);
  const FloatTensor x = MakeTensor({1, 3, 6, 6}, 7);
  const auto got = RunConverted(converted, {x});
  const auto want = RunNodeByNode(model, "x", x);
  for (const char* name : {"pooled", "features", "nhwc"})
    ExpectNear(got.at(name), want.at(name), name);
  EXPECT_EQ(got.at("pooled").shape, (std::vector<int32_t>{1, 8}));
  EXPECT_EQ(got.at("nhwc").shape, (std::vector<int32_t>{1, 3, 3, 8}));
}

TEST(OnnxLayoutTest, NhwcInputsAndOutputsDropTheEdgeTransposes) {
  const onnx::ModelProto model = LayoutModel();
  ConvertOptions options;
  options.channels_last_io = true;
  const ConvertResult converted = ConvertOnnxModel(model, "layout", options);
  // Every 4-D input and output is read as NCHW and given NHWC, also "nhwc",
  // which the model made NHWC itself: its one transpose is the only one.
  EXPECT_EQ(OpCount(converted, "TRANSPOSE"), 1);
  const FloatTensor x = MakeTensor({1, 3, 6, 6}, 7);
  const auto got = RunConverted(converted, {ToNhwc(x)});
  const auto want = RunNodeByNode(model, "x", x);
  ExpectNear(got.at("features"), ToNhwc(want.at("features")), "features");
  ExpectNear(got.at("nhwc"), ToNhwc(want.at("nhwc")), "nhwc");
  ExpectNear(got.at("pooled"), want.at("pooled"), "pooled");
}

TEST(OnnxLayoutTest, ClassifierHeadReadsChannelsLastWithoutTransposes) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 5, 5});
  b.Floats("w", {4, 2, 3, 3}, Pattern(72, 11));
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("GlobalAveragePool", {"c"}, {"g"});
  b.Node("Flatten", {"g"}, {"f"});
  b.Floats("fc", {4, 5}, Pattern(20, 12)).Floats("bias", {5}, Pattern(5, 13));
  b.Node("Gemm", {"f", "fc", "bias"}, {"logits"});
  b.Output("logits");
  const ConvertResult converted = ConvertOnnxModel(b.model(), "head", ConvertOptions());
  // [1, 1, 1, C] -> [1, C] moves only size-1 dims: a reshape, not a transpose.
  EXPECT_EQ(OpCount(converted, "TRANSPOSE"), 1);
  EXPECT_EQ(OpCount(converted, "FULLY_CONNECTED"), 1);
  const FloatTensor x = MakeTensor({1, 2, 5, 5}, 14);
  ExpectNear(RunConverted(converted, {x}).at("logits"),
             RunNodeByNode(b.model(), "x", x).at("logits"), "logits");
}

TEST(OnnxLayoutTest, BatchNormalizationAndReluFoldIntoTheConvolution) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 5, 5});
  b.Floats("w", {3, 2, 3, 3}, Pattern(54, 41)).Floats("bias", {3}, Pattern(3, 42));
  b.Floats("gamma", {3}, Pattern(3, 43)).Floats("beta", {3}, Pattern(3, 44));
  b.Floats("mean", {3}, Pattern(3, 45)).Floats("var", {3}, {0.5f, 1.5f, 2.0f});
  b.Node("Conv", {"x", "w", "bias"}, {"c"});
  b.Node("BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, {"n"});
  b.Node("Relu", {"n"}, {"y"});
  b.Output("y");
  const ConvertResult converted = ConvertOnnxModel(b.model(), "conv_bn", ConvertOptions());
  EXPECT_EQ(converted.report.op_histogram,
            (std::map<std::string, int>{{"CONV_2D", 1}, {"TRANSPOSE", 2}}));
  const FloatTensor x = MakeTensor({1, 2, 5, 5}, 46);
  ExpectNear(RunConverted(converted, {x}).at("y"), RunNodeByNode(b.model(), "x", x).at("y"), "y");
}

// ONNX Conv by its definition: NCHW, cross-correlation, zero padding
// (top, left, bottom, right), one stride, `group` groups, no bias.
FloatTensor ReferenceConv(const FloatTensor& x, const FloatTensor& w, int group, int stride,
                          std::array<int, 4> pads) {
  const int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
  const int m = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
  const int oh = (h + pads[0] + pads[2] - kh) / stride + 1;
  const int ow = (wd + pads[1] + pads[3] - kw) / stride + 1;
  FloatTensor y{{n, m, oh, ow}, std::vector<float>(static_cast<size_t>(n) * m * oh * ow, 0.0f)};
  for (int b = 0; b < n; ++b) {
    for (int o = 0; o < m; ++o) {
      const int g = o / (m / group);
      for (int i = 0; i < oh; ++i) {
        for (int j = 0; j < ow; ++j) {
          double sum = 0;
          for (int k = 0; k < cg; ++k) {
            for (int u = 0; u < kh; ++u) {
              for (int v = 0; v < kw; ++v) {
                const int yy = i * stride - pads[0] + u;
                const int xx = j * stride - pads[1] + v;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                sum += static_cast<double>(x.values[((b * c + g * cg + k) * h + yy) * wd + xx]) *
                       w.values[((o * cg + k) * kh + u) * kw + v];
              }
            }
          }
          y.values[((b * m + o) * oh + i) * ow + j] = static_cast<float>(sum);
        }
      }
    }
  }
  return y;
}

struct ConvCase {
  std::vector<int32_t> x_shape;
  std::vector<int32_t> w_shape;
  int group;
  int stride;
  std::string auto_pad;     // "" for explicit pads
  std::array<int, 4> pads;  // top, left, bottom, right (the reference's)
};

ConvertResult ConvertConv(const ConvCase& c, const FloatTensor& w) {
  OnnxBuilder b(13);
  b.Input("x", Dims(c.x_shape));
  b.Floats("w", Dims(c.w_shape), w.values);
  onnx::NodeProto& conv = b.Node("Conv", {"x", "w"}, {"y"});
  SetInt(conv, "group", c.group);
  SetInts(conv, "strides", {c.stride, c.stride});
  if (c.auto_pad.empty()) {
    SetInts(conv, "pads", {c.pads[0], c.pads[1], c.pads[2], c.pads[3]});
  } else {
    SetString(conv, "auto_pad", c.auto_pad);
  }
  b.Output("y");
  return ConvertOnnxModel(b.model(), "conv", ConvertOptions());
}

TEST(OnnxConvTest, GroupsBecomeOneConvPerGroup) {
  const ConvCase c{{1, 4, 7, 7}, {6, 2, 3, 3}, 2, 2, "", {1, 0, 1, 1}};
  const FloatTensor w = MakeTensor(c.w_shape, 21);
  const ConvertResult converted = ConvertConv(c, w);
  EXPECT_EQ(OpCount(converted, "CONV_2D"), 2);
  EXPECT_EQ(OpCount(converted, "SPLIT"), 1);  // the input's; the weights' is folded
  EXPECT_EQ(OpCount(converted, "CONCATENATION"), 1);
  const FloatTensor x = MakeTensor(c.x_shape, 22);
  ExpectNear(RunConverted(converted, {x}).at("y"), ReferenceConv(x, w, c.group, c.stride, c.pads),
             "y");
}

TEST(OnnxConvTest, GroupsEqualToChannelsAreDepthwise) {
  const ConvCase c{{1, 3, 6, 6}, {6, 1, 3, 3}, 3, 1, "", {1, 1, 1, 1}};
  const FloatTensor w = MakeTensor(c.w_shape, 23);
  const ConvertResult converted = ConvertConv(c, w);
  EXPECT_EQ(OpCount(converted, "DEPTHWISE_CONV_2D"), 1);
  EXPECT_EQ(OpCount(converted, "CONV_2D"), 0);
  const FloatTensor x = MakeTensor(c.x_shape, 24);
  ExpectNear(RunConverted(converted, {x}).at("y"), ReferenceConv(x, w, c.group, c.stride, c.pads),
             "y");
}

TEST(OnnxConvTest, SameLowerPadsBeforeAsExplicitPadding) {
  // Kernel 2, stride 1: one cell of padding, which SAME_LOWER puts first.
  const ConvCase c{{1, 2, 5, 5}, {3, 2, 2, 2}, 1, 1, "SAME_LOWER", {1, 1, 0, 0}};
  const FloatTensor w = MakeTensor(c.w_shape, 25);
  const ConvertResult converted = ConvertConv(c, w);
  const FloatTensor x = MakeTensor(c.x_shape, 26);
  ExpectNear(RunConverted(converted, {x}).at("y"), ReferenceConv(x, w, c.group, c.stride, c.pads),
             "y");

  OnnxBuilder b(13);
  b.Input("x", {1, 2, 5, 5}).Floats("w", {3, 2, 2, 2}, w.values);
  SetString(b.Node("Conv", {"x", "w"}, {"y"}), "auto_pad", "SAME_LOWER");
  b.Output("y");
  ConvertReport report;
  const IrGraph graph = ImportOnnx(b.model(), ConvertOptions(), &report);
  const IrOp* conv = nullptr;
  for (const IrOp& op : graph.ops) {
    if (op.code == schema::OpCode::CONV_2D) conv = &op;
  }
  ASSERT_NE(conv, nullptr);
  const auto* options = conv->options.AsConv2DOptions();
  EXPECT_EQ(options->padding, schema::Padding::EXPLICIT);
  EXPECT_EQ(options->explicit_padding, (std::vector<int32_t>{1, 0, 1, 0}));
}

TEST(OnnxPoolTest, CountIncludePadPadsWithZerosFirst) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4});
  onnx::NodeProto& pool = b.Node("AveragePool", {"x"}, {"y"});
  SetInts(pool, "kernel_shape", {3, 3});
  SetInts(pool, "pads", {1, 1, 1, 1});
  SetInt(pool, "count_include_pad", 1);
  b.Output("y");
  ConvertReport report;
  const IrGraph graph = ImportOnnx(b.model(), ConvertOptions(), &report);
  std::vector<schema::OpCode> codes;
  for (const IrOp& op : graph.ops) {
    if (op.code != schema::OpCode::TRANSPOSE) codes.push_back(op.code);
  }
  EXPECT_EQ(codes,
            (std::vector<schema::OpCode>{schema::OpCode::PAD, schema::OpCode::AVERAGE_POOL_2D}));
  for (const IrOp& op : graph.ops) {
    if (op.code == schema::OpCode::AVERAGE_POOL_2D) {
      EXPECT_EQ(op.options.AsPool2DOptions()->padding, schema::Padding::VALID);
    }
  }
}

TEST(OnnxImportTest, ConcatAxisFollowsTheChannelsLastInputs) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 3, 3});
  b.Floats("w", {2, 2, 1, 1}, Pattern(4, 31));
  b.Node("Conv", {"x", "w"}, {"c"});
  b.Node("Relu", {"c"}, {"r"});
  SetInt(b.Node("Concat", {"c", "r"}, {"y"}), "axis", -3);
  b.Output("y");
  ConvertReport report;
  const IrGraph graph = ImportOnnx(b.model(), ConvertOptions(), &report);
  int concatenations = 0;
  for (const IrOp& op : graph.ops) {
    if (op.code != schema::OpCode::CONCATENATION) continue;
    ++concatenations;
    EXPECT_EQ(op.options.AsConcatenationOptions()->axis, 3);
  }
  EXPECT_EQ(concatenations, 1);
}

TEST(OnnxImportTest, SymbolicDimsBecomeOneWithANote) {
  OnnxBuilder b(13);
  b.Input("x", {-1, 3});
  b.Node("Relu", {"x"}, {"y"});
  b.Output("y");
  ConvertReport report;
  IrGraph graph = ImportOnnx(b.model(), ConvertOptions(), &report);
  EXPECT_EQ(graph.tensors[graph.inputs[0]].shape, (std::vector<int32_t>{1, 3}));
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_THAT(report.notes[0], HasSubstr("symbolic"));

  ConvertOptions options;
  options.input_shapes["x"] = {4, 3};
  graph = ImportOnnx(b.model(), options, &report);
  EXPECT_EQ(graph.tensors[graph.inputs[0]].shape, (std::vector<int32_t>{4, 3}));
}

TEST(OnnxImportTest, InputsAndOutputsCutTheGraph) {
  OnnxBuilder b(13);
  b.Input("x", {2, 3});
  b.Node("Relu", {"x"}, {"r"});
  b.Node("Sigmoid", {"r"}, {"s"});
  b.Node("Acos", {"x"}, {"unused"});  // needed by no output: not reported
  b.Output("s");
  onnx::ValueInfoProto* info = b.model().mutable_graph()->add_value_info();
  info->set_name("r");
  info->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  ConvertOptions options;
  options.inputs = {"r"};
  options.input_shapes["r"] = {4, 3};
  const ConvertResult from_r = ConvertOnnxModel(b.model(), "cut", options);
  EXPECT_EQ(from_r.report.op_histogram, (std::map<std::string, int>{{"LOGISTIC", 1}}));
  options = ConvertOptions();
  options.outputs = {"r"};
  const ConvertResult to_r = ConvertOnnxModel(b.model(), "cut", options);
  EXPECT_EQ(to_r.report.op_histogram, (std::map<std::string, int>{{"RELU", 1}}));
  options.input_shapes["typo"] = {1};
  EXPECT_THROW(ConvertOnnxModel(b.model(), "cut", options), ConvertError);
}

TEST(OnnxImportTest, AConstantOutputBesideComputedOnesIsKept) {
  OnnxBuilder b(13);
  b.Input("x", {2, 3});
  b.Node("Relu", {"x"}, {"r"});
  b.Node("Shape", {"x"}, {"shape"});
  b.Output("r").Output("shape");
  const ConvertResult converted = ConvertOnnxModel(b.model(), "mixed", ConvertOptions());
  const FloatTensor x{{2, 3}, {-1, 2, -3, 4, -5, 6}};
  const auto outputs = RunConverted(converted, {x});
  EXPECT_EQ(outputs.at("r").values, (std::vector<float>{0, 2, 0, 4, 0, 6}));
  EXPECT_EQ(outputs.at("shape").shape, (std::vector<int32_t>{2}));  // int64 [2, 3]
}

TEST(OnnxImportTest, AnInputListedAsAnOutputKeepsItsName) {
  OnnxBuilder b(13);
  b.Input("x", {3});
  b.Node("Relu", {"x"}, {"y"});
  b.Output("y").Output("x");
  const ConvertResult converted = ConvertOnnxModel(b.model(), "echo", ConvertOptions());
  const FloatTensor x{{3}, {-1, 0.5f, 2}};
  const AlignedBuffer model_bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model model;
  ASSERT_EQ(Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model), Status::kOk);
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk);
  EXPECT_EQ(interpreter.FindInput("x"), 0);
  EXPECT_EQ(interpreter.FindOutput("x"), 1);
  const auto outputs = RunConverted(converted, {x});
  EXPECT_EQ(outputs.at("x").values, x.values);
  EXPECT_EQ(outputs.at("y").values, (std::vector<float>{0, 0.5f, 2}));
}

// ---- unsupported and malformed models ----

TEST(OnnxErrorsTest, UnsupportedOpsAttributesAndTypesAreListedTogether) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4}).Input("bytes", {4}, onnx::TensorProto::UINT8);
  b.Node("Acos", {"x"}, {"a"});
  b.Node("Ceil", {"a"}, {"f"});  // downstream of Acos: not reported again
  SetFloat(b.Node("Relu", {"x"}, {"r"}), "slope", 0.5f);
  b.Node("Add", {"bytes", "bytes"}, {"sum"});
  b.Output("f").Output("r").Output("sum");
  ConvertReport report;
  try {
    ImportOnnx(b.model(), ConvertOptions(), &report);
    FAIL() << "expected OnnxUnsupportedError";
  } catch (const OnnxUnsupportedError& error) {
    const std::vector<OnnxUnsupported>& features = error.features();
    ASSERT_EQ(features.size(), 4u);
    EXPECT_EQ(features[0].op_type, "Acos");
    EXPECT_EQ(features[0].node, "a_node");
    EXPECT_EQ(features[1].op_type, "Ceil");
    EXPECT_EQ(features[2].op_type, "Relu");
    EXPECT_THAT(features[2].reason, HasSubstr("attribute 'slope'"));
    EXPECT_EQ(features[3].op_type, "Add");
    EXPECT_THAT(features[3].reason, HasSubstr("uint8"));
    EXPECT_THAT(std::string(error.what()), HasSubstr("unsupported ops:"));
    // The CLI's exit code 2 comes from this base class.
    EXPECT_NE(dynamic_cast<const UnsupportedOpsError*>(&error), nullptr);
  }
}

TEST(OnnxErrorsTest, WeightsComputedAtRunTimeAreUnsupported) {
  OnnxBuilder b(13);
  b.Input("x", {1, 2, 4, 4}).Input("w", {2, 2, 1, 1});
  b.Node("Conv", {"x", "w"}, {"y"});
  b.Output("y");
  ConvertReport report;
  try {
    ImportOnnx(b.model(), ConvertOptions(), &report);
    FAIL() << "expected OnnxUnsupportedError";
  } catch (const OnnxUnsupportedError& error) {
    ASSERT_EQ(error.features().size(), 1u);
    EXPECT_THAT(error.features()[0].reason, HasSubstr("weights computed at run time"));
  }
}

TEST(OnnxErrorsTest, ConstantOutputsAreUnsupported) {
  OnnxBuilder b(13);
  b.Input("x", {2, 3});
  b.Node("Shape", {"x"}, {"shape"});
  b.Output("shape");
  ConvertReport report;
  EXPECT_THROW(ImportOnnx(b.model(), ConvertOptions(), &report), OnnxUnsupportedError);
}

template <typename Fn>
std::string ConvertErrorOf(Fn fn) {
  try {
    fn();
  } catch (const OnnxUnsupportedError& error) {
    return std::string("unsupported: ") + error.what();
  } catch (const ConvertError& error) {
    return error.what();
  }
  return "no error";
}

TEST(OnnxErrorsTest, MalformedModelsAreConvertErrors) {
  ConvertReport report;
  EXPECT_THAT(ConvertErrorOf([] {
                ParseModel({0xff, 0xff, 0xff, 0x0f}, "junk");
              }),
              HasSubstr("not a valid ONNX model"));

  OnnxBuilder undefined(13);
  undefined.Input("x", {2});
  undefined.Node("Add", {"x", "missing"}, {"y"});
  undefined.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(undefined.model(), ConvertOptions(), &report); }),
              HasSubstr("'missing'"));

  OnnxBuilder short_data(13);
  short_data.Input("x", {2, 2}).Floats("c", {2, 2}, {1, 2, 3});
  short_data.Node("Add", {"x", "c"}, {"y"});
  short_data.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(short_data.model(), ConvertOptions(), &report); }),
              HasSubstr("float_data holds 3 values, the shape needs 4"));

  OnnxBuilder external(13);
  external.Input("x", {2}).Floats("c", {2}, {1, 2});
  external.model().mutable_graph()->mutable_initializer(0)->set_data_location(
      onnx::TensorProto::EXTERNAL);
  external.Node("Add", {"x", "c"}, {"y"});
  external.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(external.model(), ConvertOptions(), &report); }),
              HasSubstr("external data"));

  OnnxBuilder gather(13);
  gather.Input("x", {3, 2}).Int64s("i", {2}, {0, 3});
  gather.Node("Gather", {"x", "i"}, {"y"});
  gather.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(gather.model(), ConvertOptions(), &report); }),
              HasSubstr("index 3 is out of range"));

  OnnxBuilder reshape(13);
  reshape.Input("x", {3, 2}).Int64s("s", {2}, {4, 2});
  reshape.Node("Reshape", {"x", "s"}, {"y"});
  reshape.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(reshape.model(), ConvertOptions(), &report); }),
              HasSubstr("element count"));

  OnnxBuilder no_opset(13);
  no_opset.model().clear_opset_import();
  no_opset.Input("x", {2});
  no_opset.Node("Relu", {"x"}, {"y"});
  no_opset.Output("y");
  EXPECT_THAT(ConvertErrorOf([&] { ImportOnnx(no_opset.model(), ConvertOptions(), &report); }),
              HasSubstr("opset_import"));
}

TEST(OnnxErrorsTest, CorruptedModelsAreRejectedWithoutCrashing) {
  // Every byte of a valid model flipped in turn, and the file cut at many
  // lengths: each variant converts or fails with a ConvertError; any other
  // exception (or a crash) fails the test.
  std::string bytes;
  ASSERT_TRUE(LayoutModel().SerializeToString(&bytes));
  int converted = 0;
  int rejected = 0;
  auto attempt = [&](const std::vector<uint8_t>& data) {
    try {
      ConvertOnnxModel(ParseModel(data, "corrupt"), "corrupt", ConvertOptions());
      ++converted;
    } catch (const ConvertError&) {
      ++rejected;
    } catch (const std::exception& error) {
      ADD_FAILURE() << "not a ConvertError: " << error.what();
    }
  };
  const size_t step = std::max<size_t>(1, bytes.size() / 300);
  for (size_t i = 0; i < bytes.size(); i += step) {
    std::vector<uint8_t> flipped(bytes.begin(), bytes.end());
    flipped[i] ^= 0xA5;
    attempt(flipped);
    attempt(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(i)));
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(converted + rejected, 500);
}

// ---- the pipeline's dispatch ----

TEST(OnnxDispatchTest, ConvertModelRecognizesOnnxFiles) {
  OnnxBuilder b(13);
  b.Input("x", {1, 4});
  b.Node("Sigmoid", {"x"}, {"y"});
  b.Output("y");
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / "ember_onnx_dispatch_test";
  std::filesystem::create_directories(folder);
  for (const char* name : {"model.onnx", "model.bin"}) {
    const std::string path = (folder / name).string();
    std::ofstream(path, std::ios::binary) << b.model().SerializeAsString();
    const ConvertResult result = ConvertModel(path, ConvertOptions());
    EXPECT_THAT(result.report.source_format, HasSubstr("ONNX (opset 13")) << name;
    EXPECT_EQ(result.report.op_histogram.at("LOGISTIC"), 1) << name;
  }
  // A GraphDef (field 1, a message) with --io-layout nhwc.
  const std::string graph_def = (folder / "graph.pb").string();
  std::ofstream(graph_def, std::ios::binary) << std::string("\x0a\x00", 2);
  ConvertOptions options;
  options.channels_last_io = true;
  EXPECT_THAT(ConvertErrorOf([&] { ConvertModel(graph_def, options); }),
              HasSubstr("ONNX models only"));
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace ember::convert
