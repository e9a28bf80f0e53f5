// HardSwish: out = x * relu6(x + 3) / 6.
//
// Int8 follows TFLite Micro's reference kernel bit for bit, in 16-bit
// fixed point: the input minus its zero point, times 2^7, is scaled once to
// the output scale (input scale / 128 / output scale, as a Q15 multiplier
// with a right shift) and once to a "relu-ish" gate on the scale 3 / 2^15,
// saturated to [-3, 3] and mapped to [0, 1]; their product (truncating, as
// TFLite's, to cancel the rounding bias of the first two) is shifted to the
// output and offset by its zero point. Any input quantization; the output
// scale must be above input scale / 128 (TFLite refuses a left shift
// there).
#include <stdint.h>

#include "fixedpoint/fixedpoint.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t output_multiplier;  // Q15
  int32_t output_exponent;    // <= 0
  int32_t gate_multiplier;    // Q15
  int32_t gate_exponent;
};

// A Q31 mantissa rounded to Q15, saturating just below 2^15.
int32_t ToQ15(int32_t q31) {
  if (q31 >= INT32_MAX - (1 << 15)) return INT16_MAX;
  return (q31 + (1 << 15)) >> 16;
}

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(
      PrepareUnary(context, TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT8)));
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  QuantParams in;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0", &in));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  // As TFLite: the scales in float, each quotient widened to double.
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float gate_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier output =
      QuantizeMultiplier(static_cast<double>(hires_input_scale / out.scale));
  const QuantizedMultiplier gate =
      QuantizeMultiplier(static_cast<double>(hires_input_scale / gate_scale));
  EMBER_CHECK_MODEL(context, output.shift <= 0,
                    "int8 HardSwish needs an output scale above input scale / 128; has output "
                    "scale %g, input scale %g",
                    static_cast<double>(out.scale), static_cast<double>(in.scale));
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->input_zero_point = in.zero_point;
  data->output_zero_point = out.zero_point;
  data->output_multiplier = ToQ15(output.multiplier);
  data->output_exponent = output.shift;
  data->gate_multiplier = ToQ15(gate.multiplier);
  data->gate_exponent = gate.shift;
  return Status::kOk;
}

int16_t SaturatingShiftLeft(int16_t value, int amount) {
  const int64_t shifted = int64_t{value} * (int64_t{1} << amount);
  return static_cast<int16_t>(shifted > INT16_MAX ? INT16_MAX
                                                  : (shifted < INT16_MIN ? INT16_MIN : shifted));
}

// a * b * 2 / 2^16 truncated toward zero (ARM's SQDMULH), where gemmlowp's
// rounds to nearest.
int16_t SaturatingDoublingHighMul(int16_t a, int16_t b) {
  if (a == INT16_MIN && b == INT16_MIN) return INT16_MAX;
  return static_cast<int16_t>((int32_t{a} * b) / (1 << 15));
}

int8_t HardSwishInt8(int8_t x, const OpData& data) {
  // |x - zero point| <= 255, so the input times 2^7 fits int16.
  const int16_t input = static_cast<int16_t>((x - data.input_zero_point) * (1 << 7));
  const int16_t output_multiplier = static_cast<int16_t>(data.output_multiplier);
  const int16_t on_output_scale =
      gemmlowp::SaturatingRoundingDoublingHighMul(input, output_multiplier);
  // The gate, x / 3 in Q0.15 saturated to [-1, 1]: with a left shift, all
  // but its last bit go before the multiply, so that any saturation happens
  // in the last step.
  int16_t gate = input;
  if (data.gate_exponent > 0) gate = SaturatingShiftLeft(gate, data.gate_exponent - 1);
  gate =
      gemmlowp::SaturatingRoundingDoublingHighMul(gate, static_cast<int16_t>(data.gate_multiplier));
  if (data.gate_exponent > 0) gate = SaturatingShiftLeft(gate, 1);
  if (data.gate_exponent < 0) gate = gemmlowp::RoundingDivideByPOT(gate, -data.gate_exponent);
  // From [-1, 1] to [0, 1]: (gate + 1) / 2.
  gate = static_cast<int16_t>((gate + (1 << 15)) >> 1);
  const int16_t product = SaturatingDoublingHighMul(gate, on_output_scale);
  // TFLite adds the zero point in int16, wrapping where the sum passes
  // 2^15 (only with output scales near input scale / 128).
  const int16_t shifted = gemmlowp::RoundingDivideByPOT(product, -data.output_exponent);
  const int16_t value =
      static_cast<int16_t>(static_cast<uint16_t>(shifted + data.output_zero_point));
  return static_cast<int8_t>(value > 127 ? 127 : (value < -128 ? -128 : value));
}

Status Eval(OpContext& context) {
  if (context.input(0).type == TensorType::INT8) {
    const OpData& data = *context.op_data_as<OpData>();
    const TensorView input = context.input(0);
    const int8_t* x = input.data_as<const int8_t>();
    int8_t* y = context.output(0).data_as<int8_t>();
    const int64_t count = input.num_elements();
    for (int64_t i = 0; i < count; ++i) y[i] = HardSwishInt8(x[i], data);
    return Status::kOk;
  }
  return EvalUnaryFloat(context, [](float x) {
    const float shifted = x + 3.0f;
    const float gate = shifted < 0.0f ? 0.0f : (shifted > 6.0f ? 6.0f : shifted);
    return x * gate / 6.0f;
  });
}

}  // namespace

const Kernel kHardSwish = {schema::OpCode::HARD_SWISH, "HARD_SWISH", Prepare, Eval};

}  // namespace ember::kernels
