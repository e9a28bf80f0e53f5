// Relu6: out = min(max(x, 0), 6). NaN passes through, as in TensorFlow.
//
// Int8 and int16 follow TFLite Micro's reference kernel bit for bit: the
// input is clamped to [zero point, quantized 6] in its own quantization and
// stored as it is. TFLite Micro does not requantize, so the output must be
// quantized exactly as the input (int16: zero point 0); any such
// quantization.
#include <math.h>

#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_elementwise.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t zero;
  int32_t six;
};

Status Prepare(OpContext& context) {
  EMBER_RETURN_IF_ERROR(PrepareUnary(context, TypeBit(TensorType::FLOAT32) |
                                                  TypeBit(TensorType::INT8) |
                                                  TypeBit(TensorType::INT16)));
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  EMBER_RETURN_IF_ERROR(CheckSameQuantization(context, 0, "input 0", "Relu6"));
  const QuantParams in = input.quant();
  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  // TFLite rounds 6 / scale in float (at most 6 * 2^28 by the bound on
  // scales) and saturates to the type.
  const double six = static_cast<double>(roundf(6.0f / in.scale)) + in.zero_point;
  const double type_max = input.type == TensorType::INT8 ? 127.0 : 32767.0;
  data->zero = in.zero_point;
  data->six = static_cast<int32_t>(six < type_max ? six : type_max);
  return Status::kOk;
}

template <typename T>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView input = context.input(0);
  const T* x = input.data_as<const T>();
  T* y = context.output(0).data_as<T>();
  const int64_t count = input.num_elements();
  const T zero = static_cast<T>(data.zero);
  const T six = static_cast<T>(data.six);
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] > six ? six : (x[i] < zero ? zero : x[i]);
}

Status Eval(OpContext& context) {
  return EvalFloatOrQuantized(context, EvalQuantized<int8_t>, EvalQuantized<int16_t>,
                              [](float x) { return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x); });
}

}  // namespace

const Kernel kRelu6 = {schema::OpCode::RELU6, "RELU6", Prepare, Eval};

}  // namespace ember::kernels
