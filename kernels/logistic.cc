// Logistic (sigmoid): out = 1 / (1 + e^-x).
//
// Int8 and int16 follow TFLite Micro's reference kernels bit for bit, in
// integers only:
//  - int8: any input quantization; the output must have scale 1/256 and zero
//    point -128. The input is rescaled to Q4.27 and passed to gemmlowp's
//    fixed-point logistic; inputs whose magnitude would reach 15 saturate to
//    -128 or 127.
//  - int16: input and output symmetric (zero point 0), the output at scale
//    2^-15; input scales up to 32767/12288 (about 2.67). The input is
//    rescaled to 2^-12 / 3 per unit and the result interpolated linearly in
//    TFLite's 256-entry sigmoid table; inputs of magnitude 10.625 and more
//    saturate (to 1 and 32767: TFLite's negative saturation is not 0).

#include "fixedpoint/fixedpoint.h"
#include "kernels/internal/float_math.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

// gemmlowp's logistic of the Q4.27 input is in Q0.31; 2^-8 steps are the
// output's, offset by its zero point -128.
int32_t Int8LogisticOfQ4(int32_t q4_27) {
  const int32_t q31 = gemmlowp::logistic(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(q4_27)).raw();
  return gemmlowp::RoundingDivideByPOT(q31, 31 - 8) - 128;
}

Status Prepare(OpContext& context) {
  return PrepareSigmoidOp(context, 1.0f / 256, "1/256", -128, Int8LogisticOfQ4,
                          /*doubles_input=*/false, "Logistic");
}

// The rescaled input's magnitude indexes the table in steps of 2^9 (1/24 in
// real units) with 9 bits of interpolation; the Q0.16 result, mirrored for
// negative inputs (sigmoid(-x) = 1 - sigmoid(x)), is rounded to Q0.15.
EMBER_HOST_SIMD_CLONES void LogisticInt16Run(const int16_t* x, int64_t count, Int16SigmoidInput in,
                                 int16_t* y) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value = RescaleInt16SigmoidInput(x[i], in);
    const uint32_t magnitude = static_cast<uint32_t>(value < 0 ? -value : value);
    const uint32_t index = magnitude >> 9;
    // Branch-free, the table read at a valid index either way, so that the
    // loop vectorizes; saturated inputs then take the saturated value.
    const uint32_t at = index < 255 ? index : 254;
    const uint32_t low = SigmoidTableAt(at);
    const uint32_t high = SigmoidTableAt(at + 1);
    const uint32_t interpolated = (low << 9) + (magnitude & 0x1FF) * (high - low);
    uint32_t q25 = index >= 255 ? uint32_t{0x7FFF} << 10 : interpolated;
    q25 = value >= 0 ? q25 + (1u << 9) : (1u << 25) - q25 + (1u << 9) - 1;
    y[i] = static_cast<int16_t>(q25 >> 10);
  }
}
void EvalInt16(OpContext& context, const Int16SigmoidInput& in) {
  const TensorView input = context.input(0);
  LogisticInt16Run(input.data_as<const int16_t>(), input.num_elements(), in,
     context.output(0).data_as<int16_t>());
}

// Float sigmoid (float_math.h) over the tensor, compiled for the host's wider
// SIMD too (every gate of a recurrent model's every step).
EMBER_HOST_SIMD_CLONES void EvalFloat(const float* input, int64_t count, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = SigmoidFloat(input[i]);
}

Status Eval(OpContext& context) { return EvalSigmoidOp(context, EvalInt16, EvalFloat); }

}  // namespace

const Kernel kLogistic = {schema::OpCode::LOGISTIC, "LOGISTIC", Prepare, Eval};

}  // namespace ember::kernels
