// Calibration: reading sample files, and the three range estimators checked
// against ranges and errors computed here from the raw sample values.
#include "converter/quantize/calibrate.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "converter/error.h"
#include "tests/converter/quantize/quantize_test_util.h"
#include "tools/common/npy.h"

namespace ember::convert {
namespace {

using testing::Options;
using testing::Random;
using testing::Samples;

// x [shape] -> RELU -> y.
IrGraph ReluGraph(std::vector<int32_t> shape) {
  IrGraph graph;
  const int x = graph.AddTensor("x", schema::TensorType::FLOAT32, shape);
  const int y = graph.AddTensor("y", schema::TensorType::FLOAT32, shape);
  graph.AddOp(schema::OpCode::RELU, {x}, {y}, schema::OpOptionsUnion(), "relu");
  graph.inputs = {x};
  graph.outputs = {y};
  return graph;
}

class TempNpy {
 public:
  TempNpy(const std::vector<int64_t>& shape, const std::vector<float>& values) {
    path_ = (std::filesystem::temp_directory_path() /
             ("ember-calibrate-" + std::to_string(getpid()) + "-" + std::to_string(counter_++) +
              ".npy"))
                .string();
    npy::Array array;
    array.shape = shape;
    array.data = testing::Bytes(values);
    std::string error;
    EXPECT_TRUE(npy::WriteFile(path_, array, &error)) << error;
  }
  ~TempNpy() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

TEST(ReadCalibrationSamplesTest, OneSampleOfTheInputsShape) {
  const IrGraph graph = ReluGraph({2, 3});
  const TempNpy file({2, 3}, {1, 2, 3, 4, 5, 6});
  const CalibrationSamples samples = ReadCalibrationSamples(graph, {{"x", file.path()}});
  ASSERT_EQ(samples.samples.size(), 1u);
  EXPECT_EQ(samples.samples[0][0], testing::Bytes({1, 2, 3, 4, 5, 6}));
}

TEST(ReadCalibrationSamplesTest, LeadingSampleDimensionAndNameOptionalForOneInput) {
  const IrGraph graph = ReluGraph({2, 3});
  const TempNpy file({2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const CalibrationSamples samples = ReadCalibrationSamples(graph, {{"", file.path()}});
  ASSERT_EQ(samples.samples.size(), 2u);
  EXPECT_EQ(samples.samples[1][0], testing::Bytes({7, 8, 9, 10, 11, 12}));
}

TEST(ReadCalibrationSamplesTest, CutsAMultipleOfTheBatchIntoSamples) {
  const IrGraph graph = ReluGraph({1, 3});
  const TempNpy file({4, 3}, Random(12, 1));
  EXPECT_EQ(ReadCalibrationSamples(graph, {{"x", file.path()}}).samples.size(), 4u);
  const IrGraph batch2 = ReluGraph({2, 3});
  EXPECT_EQ(ReadCalibrationSamples(batch2, {{"x", file.path()}}).samples.size(), 2u);
}

TEST(ReadCalibrationSamplesTest, RejectsAShapeThatDoesNotFitNamingFileAndShapes) {
  const IrGraph graph = ReluGraph({2, 3});
  const TempNpy file({3, 4}, Random(12, 2));
  try {
    ReadCalibrationSamples(graph, {{"x", file.path()}});
    FAIL() << "accepted a (3, 4) file for a (2, 3) input";
  } catch (const ConvertError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(file.path()), std::string::npos) << message;
    EXPECT_NE(message.find("(3, 4)"), std::string::npos) << message;
    EXPECT_NE(message.find("(2, 3)"), std::string::npos) << message;
  }
}

TEST(ReadCalibrationSamplesTest, RejectsMissingAndUnknownInputs) {
  const IrGraph graph = ReluGraph({2, 3});
  const TempNpy file({2, 3}, Random(6, 3));
  EXPECT_THROW(ReadCalibrationSamples(graph, {}), ConvertError);
  EXPECT_THROW(ReadCalibrationSamples(graph, {{"x", file.path()}, {"z", file.path()}}),
               ConvertError);
  EXPECT_THROW(ReadCalibrationSamples(graph, {{"x", "/nonexistent/file.npy"}}), ConvertError);
  EXPECT_THROW(ParseCalibrationMethod("kl"), ConvertError);
}

TEST(CalibrateTest, MinMaxIsTheExactRangeOverAllSamples) {
  const IrGraph graph = ReluGraph({4, 5});
  const std::vector<float> a = Random(20, 4, -3.0f, 2.0f);
  const std::vector<float> b = Random(20, 5, -1.0f, 5.0f);
  const auto ranges = Calibrate(graph, Samples({a, b}), CalibrationMethod::kMinMax, 255, nullptr);
  std::vector<float> all = a;
  all.insert(all.end(), b.begin(), b.end());
  const float low = *std::min_element(all.begin(), all.end());
  const float high = *std::max_element(all.begin(), all.end());
  EXPECT_EQ(ranges.at(0).min, low);
  EXPECT_EQ(ranges.at(0).max, high);
  EXPECT_EQ(ranges.at(1).min, 0.0f);  // relu
  EXPECT_EQ(ranges.at(1).max, high);
}

TEST(CalibrateTest, ReportsProgressPerSampleAndPass) {
  const IrGraph graph = ReluGraph({8});
  std::vector<std::pair<int, int>> calls;
  Calibrate(graph, Samples({Random(8, 6), Random(8, 7), Random(8, 8)}),
            CalibrationMethod::kPercentile, 255,
            [&](int done, int total) { calls.emplace_back(done, total); });
  ASSERT_EQ(calls.size(), 6u);  // two passes over three samples
  EXPECT_EQ(calls.back(), std::make_pair(6, 6));
}

TEST(CalibrateTest, PercentileIgnoresARareOutlier) {
  const IrGraph graph = ReluGraph({100000});
  std::vector<float> values = Random(100000, 9);
  values[123] = 50.0f;
  const auto minmax = Calibrate(graph, Samples({values}), CalibrationMethod::kMinMax, 255, nullptr);
  const auto percentile =
      Calibrate(graph, Samples({values}), CalibrationMethod::kPercentile, 255, nullptr);
  EXPECT_EQ(minmax.at(0).max, 50.0f);
  // 0.01% of 100000 values is 10; only one is beyond 1, so the range ends
  // within one histogram bin (51 / 2048) of the uniform part's end.
  EXPECT_LT(percentile.at(0).max, 1.0f + 51.0f / 2048 + 1e-3f);
  EXPECT_GT(percentile.at(0).max, 0.97f);
  EXPECT_LT(percentile.at(0).min, -0.97f);
}

// Mean squared error of quantizing `values` to 255 steps over [low, high]
// (widened to hold 0), computed directly.
double ActualQuantizationMse(const std::vector<float>& values, double low, double high) {
  low = std::min(low, 0.0);
  high = std::max(high, 0.0);
  const double scale = (high - low) / 255.0;
  const double zero_point = std::round(-128.0 - low / scale);
  double sum = 0.0;
  for (float v : values) {
    const double q = std::clamp(std::round(v / scale) + zero_point, -128.0, 127.0);
    const double error = (q - zero_point) * scale - v;
    sum += error * error;
  }
  return sum / values.size();
}

TEST(CalibrateTest, MseRangeLosesLessThanMinMaxOnHeavyTails) {
  // Laplace-distributed values: a long tail that min/max must cover at the
  // cost of a coarser step for everything else. (Clipping pays off only
  // while the clipped tail is thin: a few huge outliers cost more clipped
  // than rounded, and the mse estimator then keeps them.)
  std::mt19937 rng(10);
  std::exponential_distribution<float> exponential(4.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> values(50000);
  for (float& v : values) v = sign(rng) ? exponential(rng) : -exponential(rng);
  const IrGraph graph = ReluGraph({50000});
  const auto minmax = Calibrate(graph, Samples({values}), CalibrationMethod::kMinMax, 255, nullptr);
  const auto mse = Calibrate(graph, Samples({values}), CalibrationMethod::kMse, 255, nullptr);
  EXPECT_LT(mse.at(0).max, minmax.at(0).max);
  const double minmax_error = ActualQuantizationMse(values, minmax.at(0).min, minmax.at(0).max);
  const double mse_error = ActualQuantizationMse(values, mse.at(0).min, mse.at(0).max);
  // Measured: 10% less error (the optimum for a Laplace tail is shallow).
  EXPECT_LT(mse_error, 0.95 * minmax_error) << "minmax " << minmax_error << ", mse " << mse_error;
}

}  // namespace
}  // namespace ember::convert
