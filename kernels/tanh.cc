// Tanh: out = tanh(x).
//
// Int8 and int16 follow TFLite Micro's reference kernels bit for bit, in
// integers only:
//  - int8: any input quantization; the output must have scale 1/128 and zero
//    point 0 (TFLite Micro assumes it without checking). The input is
//    rescaled to Q4.27 and passed to gemmlowp's fixed-point tanh; inputs
//    whose magnitude would reach 15 saturate to -128 or 127.
//  - int16: input and output symmetric (zero point 0), the output at scale
//    2^-15; input scales up to 32767/12288 (about 2.67). The input is
//    rescaled to 2^-12 / 3 per unit and the result interpolated linearly in
//    TFLite's sigmoid table read at twice the input (tanh(x) =
//    2 sigmoid(2x) - 1); inputs of magnitude 5.3125 and more saturate (to
//    -32767 and 32767).

#include "fixedpoint/fixedpoint.h"
#include "kernels/internal/float_math.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

// gemmlowp's tanh of the Q4.27 input is in Q0.31; 2^-7 steps are the
// output's.
int32_t Int8TanhOfQ4(int32_t q4_27) {
  const int32_t q31 = gemmlowp::tanh(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(q4_27)).raw();
  return gemmlowp::RoundingDivideByPOT(q31, 31 - 7);
}

Status Prepare(OpContext& context) {
  return PrepareSigmoidOp(context, 1.0f / 128, "1/128", 0, Int8TanhOfQ4, /*doubles_input=*/true,
                          "Tanh");
}

// The rescaled input's magnitude indexes the table in steps of 2^8 (1/48 in
// real units, the table's 1/24 at twice the input) with 8 bits of
// interpolation; 2 sigmoid - 1 of the Q0.16 value, mirrored for negative
// inputs, is rounded to Q0.15 (the shift of a negative sum rounds toward
// -infinity).
EMBER_HOST_SIMD_CLONES void TanhInt16Run(const int16_t* x, int64_t count, Int16SigmoidInput in,
                                 int16_t* y) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value = RescaleInt16SigmoidInput(x[i], in);
    const uint32_t magnitude = static_cast<uint32_t>(value < 0 ? -value : value);
    const uint32_t index = magnitude >> 8;
    // Branch-free, the table read at a valid index either way, so that the
    // loop vectorizes; saturated inputs then take the table's end.
    const uint32_t at = index < 255 ? index : 254;
    const uint32_t low = SigmoidTableAt(at);
    const uint32_t high = SigmoidTableAt(at + 1);
    const int32_t interpolated =
        static_cast<int32_t>((low << 8) + (magnitude & 0xFF) * (high - low));
    int32_t q24 = index >= 255 ? int32_t{0xFFFF} << 8 : interpolated;
    q24 = value >= 0 ? q24 - (1 << 23) + (1 << 7) : -q24 + (1 << 23) + (1 << 7) - 1;
    y[i] = static_cast<int16_t>(q24 >> 8);
  }
}
void EvalInt16(OpContext& context, const Int16SigmoidInput& in) {
  const TensorView input = context.input(0);
  TanhInt16Run(input.data_as<const int16_t>(), input.num_elements(), in,
     context.output(0).data_as<int16_t>());
}

// Float tanh (float_math.h) over the tensor, compiled for the host's wider
// SIMD too: most of a recurrent model's tanh calls come in long runs (every
// gate of every row; attention scores).
EMBER_HOST_SIMD_CLONES void EvalFloat(const float* input, int64_t count, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = TanhFloat(input[i]);
}

Status Eval(OpContext& context) {
  return EvalSigmoidOp(context, EvalInt16, EvalFloat);
}

}  // namespace

const Kernel kTanh = {schema::OpCode::TANH, "TANH", Prepare, Eval};

}  // namespace ember::kernels
