// LeakyRelu: out = x for x >= 0, alpha * x otherwise.
//
// Int8 and int16 follow TFLite Micro's reference kernel bit for bit: each
// input minus its zero point is requantized to the output with the
// multiplier input scale / output scale (inputs at or above the zero point)
// or input scale * alpha / output scale (below it), both quotients rounded
// in float as TFLite computes them, then offset by the output zero point and
// saturated. Int8 takes any input and output quantization, int16 any
// symmetric (zero point 0) ones. A negative alpha is refused for them:
// TFLite Micro's releases round its negative multiplier differently.
#include <math.h>

#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  float alpha;
  int32_t input_zero_point;
  int32_t output_zero_point;
  QuantizedMultiplier identity;
  QuantizedMultiplier negative;
};

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(PrepareUnary(context, TypeBit(TensorType::FLOAT32) |
                                                  TypeBit(TensorType::INT8) |
                                                  TypeBit(TensorType::INT16)));
  const schema::OpOptions options_type = context.op().options_type();
  EMBER_CHECK_MODEL(context,
                    options_type == schema::OpOptions::NONE ||
                        options_type == schema::OpOptions::LeakyReluOptions,
                    "options must be LeakyReluOptions, are %s",
                    schema::EnumNameOpOptions(options_type));
  // Absent options mean the schema defaults, as for any flatbuffer table.
  const auto* options = context.op().options_as_LeakyReluOptions();
  const float alpha = options != nullptr ? options->alpha() : schema::LeakyReluOptionsT().alpha;
  EMBER_CHECK_MODEL(context, isfinite(alpha), "option alpha must be finite");
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->alpha = alpha;
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  if (alpha < 0.0f) {
    return EMBER_FAIL(context, Status::kUnsupported, "%s LeakyRelu needs alpha >= 0, has %g",
                      TensorTypeName(input.type), static_cast<double>(alpha));
  }
  QuantParams in;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0", &in));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  data->input_zero_point = in.zero_point;
  data->output_zero_point = out.zero_point;
  data->identity = QuantizeMultiplier(static_cast<double>(in.scale / out.scale));
  data->negative = QuantizeMultiplier(static_cast<double>(in.scale * alpha / out.scale));
  return Status::kOk;
}

template <typename T, int32_t kMin, int32_t kMax>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView input = context.input(0);
  const T* x = input.data_as<const T>();
  T* y = context.output(0).data_as<T>();
  const int64_t count = input.num_elements();
  for (int64_t i = 0; i < count; ++i) {
    const int32_t centered = x[i] - data.input_zero_point;
    const int64_t value = int64_t{MultiplyByQuantizedMultiplier(
                              centered, centered >= 0 ? data.identity : data.negative)} +
                          data.output_zero_point;
    y[i] = static_cast<T>(value < kMin ? kMin : (value > kMax ? kMax : value));
  }
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  return EvalFloatOrQuantized(context, EvalQuantized<int8_t, -128, 127>,
                              EvalQuantized<int16_t, -32768, 32767>,
                              [&data](float x) { return x >= 0.0f ? x : data.alpha * x; });
}

}  // namespace

const Kernel kLeakyRelu = {schema::OpCode::LEAKY_RELU, "LEAKY_RELU", Prepare, Eval};

}  // namespace ember::kernels
