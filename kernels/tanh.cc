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
#include <math.h>

#include "fixedpoint/fixedpoint.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  Int8SigmoidInput int8;
  Int16SigmoidInput int16;
};

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(PrepareUnary(context, TypeBit(TensorType::FLOAT32) |
                                                  TypeBit(TensorType::INT8) |
                                                  TypeBit(TensorType::INT16)));
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  QuantParams in;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0", &in));
  if (input.type == TensorType::INT8) {
    EMBER_RETURN_IF_ERROR(CheckFixedOutputQuantization(context, 1.0f / 128, "1/128", 0, "Tanh"));
    data->int8 = MakeInt8SigmoidInput(in);
    return Status::kOk;
  }
  EMBER_RETURN_IF_ERROR(CheckFixedOutputQuantization(context, 1.0f / 32768, "1/32768", 0, "Tanh"));
  return MakeInt16SigmoidInput(context, in.scale, /*doubles_input=*/true, "Tanh", &data->int16);
}

// gemmlowp's tanh of the Q4.27 input is in Q0.31; 2^-7 steps are the
// output's.
void EvalInt8(OpContext& context, const Int8SigmoidInput& in) {
  const TensorView input = context.input(0);
  const int8_t* x = input.data_as<const int8_t>();
  int8_t* y = context.output(0).data_as<int8_t>();
  const int64_t count = input.num_elements();
  for (int64_t i = 0; i < count; ++i) {
    const int32_t centered = x[i] - in.zero_point;
    if (centered <= -in.radius) {
      y[i] = -128;
    } else if (centered >= in.radius) {
      y[i] = 127;
    } else {
      const int32_t q31 = gemmlowp::tanh(gemmlowp::FixedPoint<int32_t, 4>::FromRaw(
                                             Int8SigmoidInputQ4(centered, in)))
                              .raw();
      const int32_t value = gemmlowp::RoundingDivideByPOT(q31, 31 - 7);
      y[i] = static_cast<int8_t>(value > 127 ? 127 : (value < -128 ? -128 : value));
    }
  }
}

// The rescaled input's magnitude indexes the table in steps of 2^8 (1/48 in
// real units, the table's 1/24 at twice the input) with 8 bits of
// interpolation; 2 sigmoid - 1 of the Q0.16 value, mirrored for negative
// inputs, is rounded to Q0.15 (the shift of a negative sum rounds toward
// -infinity).
void EvalInt16(OpContext& context, const Int16SigmoidInput& in) {
  const TensorView input = context.input(0);
  const int16_t* x = input.data_as<const int16_t>();
  int16_t* y = context.output(0).data_as<int16_t>();
  const int64_t count = input.num_elements();
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value = RescaleInt16SigmoidInput(x[i], in);
    const uint32_t magnitude = static_cast<uint32_t>(value < 0 ? -value : value);
    const uint32_t index = magnitude >> 8;
    int32_t q24;
    if (index >= 255) {
      q24 = int32_t{0xFFFF} << 8;
    } else {
      const uint32_t low = kSigmoidTable[index];
      const uint32_t high = kSigmoidTable[index + 1];
      q24 = static_cast<int32_t>((low << 8) + (magnitude & 0xFF) * (high - low));
    }
    q24 = value >= 0 ? q24 - (1 << 23) + (1 << 7) : -q24 + (1 << 23) + (1 << 7) - 1;
    y[i] = static_cast<int16_t>(q24 >> 8);
  }
}

Status Eval(OpContext& context) {
  switch (context.input(0).type) {
    case TensorType::INT8:
      EvalInt8(context, context.op_data_as<OpData>()->int8);
      return Status::kOk;
    case TensorType::INT16:
      EvalInt16(context, context.op_data_as<OpData>()->int16);
      return Status::kOk;
    default:
      break;
  }
  return EvalUnaryFloat(context, [](float x) { return tanhf(x); });
}

}  // namespace

const Kernel kTanh = {schema::OpCode::TANH, "TANH", Prepare, Eval};

}  // namespace ember::kernels
