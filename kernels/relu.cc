// Relu: out = max(x, 0). NaN passes through, as in TensorFlow.
//
// Int8 and int16 follow TFLite Micro's reference kernel bit for bit: each
// input minus its zero point is requantized to the output (input scale /
// output scale, TFLite's fixed-point multiply), offset by the output zero
// point and clamped below at it. Int8 takes any input and output
// quantization; int16 any symmetric (zero point 0) ones.
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t input_zero_point;
  int32_t output_zero_point;
  QuantizedMultiplier multiplier;
  int32_t output_min;
  int32_t output_max;
};

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(PrepareUnary(context, TypeBit(TensorType::FLOAT32) |
                                                  TypeBit(TensorType::INT8) |
                                                  TypeBit(TensorType::INT16)));
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  QuantParams in;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0", &in));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->input_zero_point = in.zero_point;
  data->output_zero_point = out.zero_point;
  data->multiplier =
      QuantizeMultiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
  const bool int8 = input.type == TensorType::INT8;
  QuantizedActivationRange(schema::Activation::RELU, out, int8 ? -128 : -32768, int8 ? 127 : 32767,
                           &data->output_min, &data->output_max);
  return Status::kOk;
}

template <typename T>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView input = context.input(0);
  const T* x = input.data_as<const T>();
  T* y = context.output(0).data_as<T>();
  const int64_t count = input.num_elements();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t value =
        int64_t{MultiplyByQuantizedMultiplier(x[i] - data.input_zero_point, data.multiplier)} +
        data.output_zero_point;
    y[i] = static_cast<T>(value < data.output_min
                              ? data.output_min
                              : (value > data.output_max ? data.output_max : value));
  }
}

Status Eval(OpContext& context) {
  return EvalFloatOrQuantized(context, EvalQuantized<int8_t>, EvalQuantized<int16_t>,
                              [](float x) { return x < 0.0f ? 0.0f : x; });
}

}  // namespace

const Kernel kRelu = {schema::OpCode::RELU, "RELU", Prepare, Eval};

}  // namespace ember::kernels
