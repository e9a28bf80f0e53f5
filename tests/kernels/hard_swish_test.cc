#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_elementwise_test_util.h"
#include "tests/testing/tflm_case.h"
#include "tests/testing/unary_op_test_util.h"

namespace ember {
namespace {

using testing::ExpectMatchesReferenceOverShapes;
using testing::OpTester;
using testing::Quant;

TEST(HardSwishTest, HandValues) {
  // x * relu6(x + 3) / 6: 0 for x <= -3, x for x >= 3; -1.5 * 1.5 / 6 =
  // -0.375, 1.5 * 4.5 / 6 = 1.125.
  OpTester test(schema::OpCode::HARD_SWISH);
  test.Input({7}, {-4, -3, -1.5f, 0, 1.5f, 3, 4}).Output({7});
  ASSERT_EQ(test.Run(kernels::kHardSwish), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0, -0.375f, 0, 1.125f, 3, 4}));
}

TEST(HardSwishTest, Scalar) {
  OpTester test(schema::OpCode::HARD_SWISH);
  test.Input({}, {-1.5f}).Output({});
  ASSERT_EQ(test.Run(kernels::kHardSwish), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{-0.375f}));
}

// Tolerance: the kernel rounds three times (x + 3, the product, the division
// by 6), each within 2^-24 relative, where the double reference rounds once:
// rtol 3e-7; atol 1e-7 for outputs near 0, where x + 3 cancels.
TEST(HardSwishTest, MatchesReferenceOverShapes) {
  ExpectMatchesReferenceOverShapes(
      schema::OpCode::HARD_SWISH, kernels::kHardSwish, 7, -6, 6,
      [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; }, 1e-7f, 3e-7f);
}

TEST(HardSwishTest, RejectsMalformedModels) {
  testing::ExpectRejectsMalformedQuantizableUnary(kernels::kHardSwish);
}

// ---- Int8 ---------------------------------------------------------------------

TEST(HardSwishTest, Int8HandValues) {
  // Scale 0.05 in and out, zero points 0. TFLite works on x * 2^7 (2560 for
  // x = 1, q = 20): the output multiplier (0.05 / 128) / 0.05 = 2^-7 is Q15
  // 16384 with exponent -6, giving 1280; the gate multiplier
  // (0.05 / 128) / (3 / 2^15) = 4.267 is Q15 17476 with exponent 3:
  // 2560 << 2 = 10240, times 17476 / 2^15 -> 5461, << 1 -> 10922 (x / 3 in
  // Q15), mapped to (10922 + 2^15) / 2 = 21845 (2/3). 21845 * 1280 / 2^15
  // truncates to 853, and 853 / 2^6 rounds to 13: 1 * 4 / 6 = 0.667 is 13.3
  // steps. For x = -1 the same steps give 10923 (1/3), -426 and -7 (-0.333
  // is -6.7 steps); x = +-5 saturates the gate to 1 and 0: 100 and 0.
  const std::vector<int8_t> output = testing::RunQuantizedUnary<int8_t>(
      kernels::kHardSwish, {0, 20, -20, 100, -100}, {0.05f, 0}, {0.05f, 0});
  EXPECT_EQ(output, (std::vector<int8_t>{0, 13, -7, 100, 0}));
}

// Every int8 input at several quantizations against the double hard swish
// rounded once. TFLite computes in 16 bits: Q15 multipliers (2^-15
// relative), the gate in Q15 and a truncating product, so results may land
// one step away from the correctly rounded value: within 1, most exact.
TEST(HardSwishTest, Int8AllInputsMatchReference) {
  const auto hard_swish = [](double x) { return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; };
  const std::pair<Quant, Quant> cases[] = {{{0.04f, 5}, {0.025f, -112}},
                                           {{0.005f, -2}, {0.004f, -30}},
                                           {{0.1f, 0}, {0.08f, -100}},
                                           {{0.05f, 0}, {0.05f, 0}}};
  int exact = 0;
  int total = 0;
  for (const auto& [in, out] : cases) {
    SCOPED_TRACE("input scale " + std::to_string(in.scale));
    const std::vector<int8_t> input = testing::AllInt8();
    testing::ExpectWithin(testing::RunQuantizedUnary<int8_t>(kernels::kHardSwish, input, in, out),
                          testing::QuantizedReference<int8_t>(input, in, out, hard_swish), 1,
                          &exact, &total);
  }
  EXPECT_GE(exact * 100, total * 90) << exact << " of " << total << " exact";
}

// Bit-exact against TensorFlow Lite Micro's reference kernel on models made
// by tests/kernels/testdata/make_tflm_goldens.py (cases_elementwise.py).
TEST(HardSwishTest, Int8MatchesTflm) {
  for (const char* name : {"ew_hard_swish", "ew_hard_swish_fine_input"}) {
    testing::ExpectMatchesTflm(kernels::kHardSwish, 117, name, testing::NoOptions);
  }
}

TEST(HardSwishTest, RejectsBadQuantization) {
  // The output multiplier input_scale / 128 / output_scale must be below 1.
  for (float output_scale : {1.0f / 128, 1.0f / 256}) {
    OpTester test(schema::OpCode::HARD_SWISH);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({1.0f}, {0})
        .Output({2}, schema::TensorType::INT8)
        .Quantize({output_scale}, {0});
    EXPECT_EQ(test.Run(kernels::kHardSwish), Status::kInvalidModel) << output_scale;
  }
  {
    OpTester test(schema::OpCode::HARD_SWISH);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.1f}, {0})
        .Output({2}, schema::TensorType::INT16)
        .Quantize({0.1f}, {0});
    EXPECT_EQ(test.Run(kernels::kHardSwish), Status::kUnsupported) << "int16";
  }
}

}  // namespace
}  // namespace ember
