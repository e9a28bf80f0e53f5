// Dynamic batch in the converter (converter/batch_dims.h): marking from two
// lowerings on small IR graphs, and real frozen graphs from the shared test
// data converted at batch 4 and run at every batch 1..4 in the batch-4 plan.
#include "converter/batch_dims.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "converter/convert.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/npy.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// ---- Marking two IR graphs --------------------------------------------------

// x [batch, 3] -> Reshape(new_shape [batch * 3]) -> flat -> Add(flat, rows)
// -> out, with `rows` a constant of batch * 3 values counting up from 0.
IrGraph ReshapeAddGraph(int32_t batch) {
  IrGraph graph;
  const int x = graph.AddTensor("x", schema::TensorType::FLOAT32, {batch, 3});
  const int flat = graph.AddTensor("flat", schema::TensorType::FLOAT32, {batch * 3});
  std::vector<float> values(static_cast<size_t>(batch * 3));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  const int rows = graph.AddConstantOf<float>("rows", {batch * 3}, values);
  const int out = graph.AddTensor("out", schema::TensorType::FLOAT32, {batch * 3});
  schema::ReshapeOptionsT reshape;
  reshape.new_shape = {batch * 3};
  graph.AddOp(schema::OpCode::RESHAPE, {x}, {flat}, Options(reshape), "reshape");
  graph.AddOp(schema::OpCode::ADD, {flat, rows}, {out}, Options(schema::ArithmeticOptionsT()),
              "add");
  graph.inputs = {x};
  graph.outputs = {out};
  return graph;
}

TEST(MarkBatchDimsTest, MarksWhatFollowsTheBatchAndInfersTheReshape) {
  IrGraph graph = ReshapeAddGraph(4);
  ASSERT_EQ(MarkBatchDims(graph, 4, ReshapeAddGraph(5), 5), "");
  EXPECT_EQ(graph.max_batch, 4);
  for (const IrTensor& tensor : graph.tensors) EXPECT_EQ(tensor.batch_dim, 0) << tensor.name;
  EXPECT_EQ(graph.ops[0].options.AsReshapeOptions()->new_shape, std::vector<int32_t>{-1});
  EXPECT_EQ(CommonInputBatch(graph), 4);
}

TEST(MarkBatchDimsTest, OptionOtherThanNewShapeTurnsItOff) {
  auto graph_at = [](int32_t batch) {
    IrGraph graph = ReshapeAddGraph(batch);
    schema::ConcatenationOptionsT concatenation;
    concatenation.axis = batch;
    graph.ops[1].options = Options(concatenation);
    return graph;
  };
  IrGraph graph = graph_at(4);
  EXPECT_EQ(MarkBatchDims(graph, 4, graph_at(5), 5),
            "dynamic batch off: op 1 (ADD) options (ConcatenationOptions) depend on the batch");
  EXPECT_EQ(graph.max_batch, 0);
  for (const IrTensor& tensor : graph.tensors) EXPECT_EQ(tensor.batch_dim, -1);
  EXPECT_EQ(graph.ops[0].options.AsReshapeOptions()->new_shape, std::vector<int32_t>{12});
}

TEST(MarkBatchDimsTest, ConstantWhoseFirstRowsChangeTurnsItOff) {
  IrGraph graph = ReshapeAddGraph(4);
  IrGraph other = ReshapeAddGraph(5);
  other.tensors[2].mutable_as<float>()[0] = 7.0f;
  EXPECT_EQ(MarkBatchDims(graph, 4, other, 5),
            "dynamic batch off: tensor 2 'rows' (constant): its first rows depend on the batch");
}

TEST(MarkBatchDimsTest, SizeNotProportionalToTheBatchTurnsItOff) {
  IrGraph graph = ReshapeAddGraph(4);
  IrGraph other = ReshapeAddGraph(5);
  // 13 is 12 + 1, not 5 * 3: the size grows with the batch but not in rows.
  other.tensors[3].shape = {13};
  EXPECT_THAT(MarkBatchDims(graph, 4, other, 5),
              HasSubstr("tensor 3 'out' is [12] at batch 4 and [13] at batch 5: dimension 0 "
                        "is not a multiple of the batch"));
}

TEST(MarkBatchDimsTest, TwoDimensionsFollowingTheBatchTurnItOff) {
  IrGraph graph = ReshapeAddGraph(4);
  IrGraph other = ReshapeAddGraph(5);
  graph.tensors[0].shape = {4, 4};
  other.tensors[0].shape = {5, 5};
  EXPECT_THAT(MarkBatchDims(graph, 4, other, 5),
              HasSubstr("tensor 0 'x' is [4, 4] at batch 4 and [5, 5] at batch 5: more than one "
                        "dimension follows the batch"));
}

// ---- Real graphs: converted at batch 4, run at every batch -----------------

namespace fs = std::filesystem;

const fs::path kTfData = fs::path(EMBER_SHARED_DIR) / "testdata" / "tf";

std::vector<float> ReadFloats(const fs::path& path) {
  npy::Array array;
  std::vector<float> values;
  std::string error;
  EXPECT_TRUE(npy::ReadFile(path.string(), &array, &error) &&
              npy::ToFloat32(array, &values, &error))
      << error;
  return values;
}

struct BatchCase {
  std::string model;
  std::string input;
  std::vector<int32_t> row_shape;  // one row of the input, without the batch
  std::vector<std::string> outputs;  // names; the reference file replaces '/' with '_'
  bool cut_at_input;
  // The case's tolerance from cases.tsv (TensorFlow's outputs vs Ember's).
  double rtol;
  double atol;
};

void PrintTo(const BatchCase& c, std::ostream* os) { *os << c.model; }

class ConvertedBatchTest : public ::testing::TestWithParam<BatchCase> {};

// The batch-4 input: the two cases' inputs, then two rows derived from them
// (so no two rows are alike).
std::vector<float> BatchInput(const BatchCase& c) {
  const fs::path inputs = kTfData / "inputs";
  const std::vector<float> first = ReadFloats(inputs / (c.model + ".0." + c.input + ".npy"));
  const std::vector<float> second = ReadFloats(inputs / (c.model + ".1." + c.input + ".npy"));
  std::vector<float> rows = first;
  rows.insert(rows.end(), second.begin(), second.end());
  for (float v : second) rows.push_back(0.5f * v);
  for (float v : first) rows.push_back(-v);
  return rows;
}

std::vector<float> RunRows(Interpreter& interpreter, const std::vector<float>& input,
                           int32_t rows, size_t output) {
  const TensorView in = interpreter.input(0);
  EXPECT_EQ(in.dims[0], rows);
  std::memcpy(in.data, input.data(), in.bytes());
  EXPECT_EQ(interpreter.Invoke(), Status::kOk);
  const TensorView out = interpreter.output(output);
  EXPECT_EQ(out.dims[0], rows);
  return std::vector<float>(out.data_as<float>(), out.data_as<float>() + out.num_elements());
}

TEST_P(ConvertedBatchTest, EveryBatchGivesTheRowsOfTheBatchFourRun) {
  const BatchCase& c = GetParam();
  const fs::path model_path = kTfData / "models" / (c.model + ".pb");
  if (!fs::exists(model_path)) GTEST_SKIP() << model_path << " not found";
  ConvertOptions options;
  if (c.cut_at_input) options.inputs = {c.input};
  options.outputs = c.outputs;
  std::vector<int32_t> shape = {4};
  shape.insert(shape.end(), c.row_shape.begin(), c.row_shape.end());
  options.input_shapes[c.input] = shape;
  const ConvertResult converted = ConvertTensorFlow(model_path.string(), options);
  EXPECT_THAT(converted.report.notes, Contains("dynamic batch: 1..4"));

  const AlignedBuffer bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model model;
  ASSERT_EQ(Model::Load(bytes.data(), bytes.size(), &reporter, &model), Status::kOk)
      << reporter.message;
  EXPECT_EQ(model.root().max_batch(), 4);
  OpResolver<256> resolver;
  ASSERT_EQ(kernels::RegisterAllKernels(resolver), Status::kOk);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;
  EXPECT_TRUE(interpreter.used_file_plan());

  const std::vector<float> input = BatchInput(c);
  for (size_t k = 0; k < c.outputs.size(); ++k) {
    const int output = interpreter.FindOutput(c.outputs[k].c_str());
    ASSERT_GE(output, 0) << c.outputs[k];
    ASSERT_EQ(interpreter.SetBatchSize(4), Status::kOk) << reporter.message;
    const std::vector<float> full = RunRows(interpreter, input, 4, output);
    const size_t row = full.size() / 4;
    // Rows 0 and 1 are the shared cases: TensorFlow's outputs, within the
    // case's tolerance.
    std::string file = c.outputs[k];
    std::replace(file.begin(), file.end(), '/', '_');
    for (int r = 0; r < 2; ++r) {
      const std::vector<float> reference =
          ReadFloats(kTfData / "outputs" / (c.model + "." + std::to_string(r)) / (file + ".npy"));
      ASSERT_EQ(reference.size(), row);
      for (size_t i = 0; i < row; ++i) {
        EXPECT_NEAR(full[r * row + i], reference[i], c.atol + c.rtol * std::fabs(reference[i]))
            << c.outputs[k] << " row " << r << " entry " << i;
      }
    }
    // Each smaller batch, in the same arena, gives the batch-4 run's rows:
    // the same kernels on the same values row by row, so the same bits.
    for (int32_t rows : {1, 2, 3, 2, 1}) {
      ASSERT_EQ(interpreter.SetBatchSize(rows), Status::kOk) << reporter.message;
      const std::vector<float> part = RunRows(interpreter, input, rows, output);
      ASSERT_EQ(part.size(), row * static_cast<size_t>(rows));
      EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin()))
          << c.outputs[k] << " at batch " << rows;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    SharedTfGraphs, ConvertedBatchTest,
    ::testing::Values(
        BatchCase{"kws_cnn_s", "Mfcc", {49, 10}, {"labels_softmax", "add_4"}, true, 1e-4, 1e-5},
        BatchCase{"kws_dnn_s", "Mfcc", {25, 10}, {"labels_softmax", "add"}, true, 1e-4, 1e-5},
        BatchCase{"tfonnx_fc_layers", "X", {784}, {"output"}, false, 1e-4, 1e-5}),
    [](const ::testing::TestParamInfo<BatchCase>& info) { return info.param.model; });

}  // namespace
}  // namespace ember::convert
