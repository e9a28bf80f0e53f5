// The --report comparison: SQNR and output errors against values computed
// here from two independent interpreter runs.
#include "converter/quantize/report.h"

#include <gtest/gtest.h>

#include <cmath>

#include "converter/quantize/integer.h"
#include "tests/converter/quantize/quantize_test_util.h"

namespace ember::convert {
namespace {

using schema::OpCode;
using schema::TensorType;
using testing::Options;
using testing::Random;
using testing::RunReal;
using testing::Samples;

// x [4, 8] -> FULLY_CONNECTED (5 outputs) -> y.
IrGraph DenseGraph() {
  IrGraph graph;
  const int x = graph.AddTensor("x", TensorType::FLOAT32, {4, 8});
  const int w = graph.AddConstantOf<float>("w", {5, 8}, Random(40, 1));
  const int b = graph.AddConstantOf<float>("b", {5}, Random(5, 2));
  const int y = graph.AddTensor("y", TensorType::FLOAT32, {4, 5});
  graph.AddOp(OpCode::FULLY_CONNECTED, {x, w, b}, {y}, Options(schema::FullyConnectedOptionsT()),
              "dense");
  graph.inputs = {x};
  graph.outputs = {y};
  return graph;
}

TEST(CompareQuantizedTest, AGraphAgainstItselfHasNoError) {
  const IrGraph graph = DenseGraph();
  const QuantizationReport report =
      CompareQuantized(graph, graph, Samples({Random(32, 3), Random(32, 4)}));
  EXPECT_EQ(report.samples, 2);
  ASSERT_EQ(report.layers.size(), 1u);
  EXPECT_TRUE(std::isinf(report.layers[0].sqnr_db));
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_EQ(report.outputs[0].max_abs_error, 0.0);
  EXPECT_NE(FormatQuantizationReport(report).find("inf"), std::string::npos);
}

TEST(CompareQuantizedTest, OutputErrorsMatchIndependentRuns) {
  const IrGraph float_graph = DenseGraph();
  IrGraph quantized = float_graph;
  const std::vector<std::vector<float>> inputs = {Random(32, 5, -2, 2), Random(32, 6, -2, 2)};
  const auto ranges = Calibrate(quantized, Samples(inputs), CalibrationMethod::kMinMax, 255, nullptr);
  QuantizeIntegers(quantized, ranges, IntegerQuantizeOptions());
  const QuantizationReport report = CompareQuantized(float_graph, quantized, Samples(inputs));

  double signal = 0.0, noise = 0.0, max_abs = 0.0;
  for (const auto& input : inputs) {
    const std::vector<double> expected = RunReal(float_graph, input);
    const std::vector<double> got = RunReal(quantized, input);
    for (size_t i = 0; i < got.size(); ++i) {
      signal += expected[i] * expected[i];
      noise += (got[i] - expected[i]) * (got[i] - expected[i]);
      max_abs = std::max(max_abs, std::fabs(got[i] - expected[i]));
    }
  }
  ASSERT_EQ(report.outputs.size(), 1u);
  EXPECT_GT(max_abs, 0.0);
  EXPECT_NEAR(report.outputs[0].max_abs_error, max_abs, 1e-6);
  EXPECT_NEAR(report.outputs[0].sqnr_db, 10 * std::log10(signal / noise), 1e-3);
  // The dense layer's own tensor is the output's value before Dequantize.
  ASSERT_EQ(report.layers.size(), 1u);
  EXPECT_EQ(report.layers[0].tensor, "y");
  EXPECT_EQ(report.layers[0].type, "INT8");
  EXPECT_NEAR(report.layers[0].sqnr_db, report.outputs[0].sqnr_db, 1e-3);
  // Rounding the float output to its own int8 grid loses less than the
  // whole int8 computation (which adds the input's and weights' rounding).
  EXPECT_GT(report.layers[0].rounding_sqnr_db, report.layers[0].sqnr_db);
}

TEST(FormatQuantizationReportTest, ListsTheWorstLayerFirst) {
  QuantizationReport report;
  report.samples = 1;
  report.layers = {{"bad", "CONV_2D", "INT8", 12.5, 30.0}, {"good", "RELU", "INT8", 40.0, 41.0}};
  report.outputs = {{"out", 30.0, 0.1, 0.01, 2.0}};
  const std::string text = FormatQuantizationReport(report);
  EXPECT_LT(text.find("bad"), text.find("good"));
  EXPECT_NE(text.find("12.5"), std::string::npos);
  EXPECT_NE(text.find("end-to-end"), std::string::npos);
}

}  // namespace
}  // namespace ember::convert
