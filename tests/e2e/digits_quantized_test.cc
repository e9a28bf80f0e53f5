// The digits demo's accuracy claim: converted in every quantization mode and
// run on the 360 held-out images, the model's accuracy against the true labels
// stays within a bound of the float model's (int8: the 1 percentage point
// people quote for post-training quantization). Calibration uses training
// images only (examples/digits/calibration_images.npy).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "converter/convert.h"
#include "interpreter/interpreter.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/npy.h"
#include "tools/common/string_error_reporter.h"

namespace ember {
namespace {

const std::string kDigits = std::string(EMBER_SOURCE_DIR) + "/examples/digits/";

// Percentage of test images whose argmax matches the label.
double Accuracy(const std::string& mode) {
  convert::ConvertOptions options;
  options.input_shapes["input"] = {360, 8, 8, 1};
  options.outputs = {"probabilities"};
  options.quantize = mode;
  if (mode == "int8" || mode == "int16x8") {
    options.calibration["input"] = kDigits + "calibration_images.npy";
  }
  const convert::ConvertResult converted = convert::ConvertModel(kDigits + "digits.pb", options);
  const AlignedBuffer bytes(converted.model.data(), converted.model.size());
  StringErrorReporter reporter;
  Model model;
  EXPECT_EQ(Model::Load(bytes.data(), bytes.size(), &reporter, &model), Status::kOk);
  OpResolver<256> resolver;
  kernels::RegisterAllKernels(resolver);
  AlignedBuffer arena(converted.arena_bytes);
  Interpreter interpreter(model, resolver, arena.data(), arena.size(), &reporter);
  EXPECT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;

  npy::Array images, labels;
  std::string error;
  EXPECT_TRUE(npy::ReadFile(kDigits + "test_images.npy", &images, &error)) << error;
  EXPECT_TRUE(npy::ReadFile(kDigits + "test_labels.npy", &labels, &error)) << error;
  TensorView input = interpreter.input(0);
  EXPECT_EQ(input.bytes(), images.data.size());
  std::memcpy(input.data, images.data.data(), images.data.size());
  EXPECT_EQ(interpreter.Invoke(), Status::kOk) << reporter.message;
  const TensorView output = interpreter.output(0);
  EXPECT_EQ(output.type, TensorType::FLOAT32);
  const float* probabilities = output.data_as<float>();
  const auto* truth = reinterpret_cast<const int32_t*>(labels.data.data());
  int correct = 0;
  for (int i = 0; i < 360; ++i) {
    const float* row = probabilities + 10 * i;
    correct += std::max_element(row, row + 10) - row == truth[i];
  }
  return 100.0 * correct / 360;
}

TEST(DigitsQuantizedTest, EveryModeKeepsTheFloatAccuracy) {
  const double float_accuracy = Accuracy("");
  EXPECT_GE(float_accuracy, 96.0);  // the training script's own floor
  // Weight-only modes perturb weights by at most half a step: no image may
  // change class beyond one (0.28 points).
  EXPECT_GE(Accuracy("fp16"), float_accuracy - 0.3);
  EXPECT_GE(Accuracy("int8-weights"), float_accuracy - 0.3);
  EXPECT_GE(Accuracy("int16x8"), float_accuracy - 0.3);
  // Full int8: the usual post-training bound is 1 point; measured 0.
  EXPECT_GE(Accuracy("int8"), float_accuracy - 1.0);
}

}  // namespace
}  // namespace ember
