// A firmware image for the test of tools/check-soft-float.py on real
// arm-none-eabi output: two kernels share a Prepare that computes in float
// (allowed: Prepare runs once); kIntegerCanary's Eval is integer-only,
// kFloatCanary's Eval multiplies in float through a helper, which the checker
// must report as Invoke -> Eval -> ScaleInFloat -> __aeabi_fmul. Linked,
// never run.
#include <stdint.h>

#include "interpreter/interpreter.h"

namespace ember::kernels {
namespace {

struct CanaryData {
  int32_t multiplier;  // scale in Q16
  float scale;
};

Status Prepare(OpContext& context) {
  CanaryData* data = context.AllocateOpData<CanaryData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->scale = context.input(0).quant().scale / context.output(0).quant().scale;
  data->multiplier = static_cast<int32_t>(data->scale * 65536.0f);
  return Status::kOk;
}

Status EvalInteger(OpContext& context) {
  const CanaryData& data = *context.op_data_as<CanaryData>();
  const TensorView input = context.input(0);
  const int8_t* in = input.data_as<const int8_t>();
  int8_t* out = context.output(0).data_as<int8_t>();
  for (int64_t i = 0; i < input.num_elements(); ++i) {
    out[i] = static_cast<int8_t>((in[i] * data.multiplier) >> 16);
  }
  return Status::kOk;
}

__attribute__((noinline)) int8_t ScaleInFloat(int8_t value, float scale) {
  return static_cast<int8_t>(static_cast<float>(value) * scale);
}

Status EvalFloat(OpContext& context) {
  const CanaryData& data = *context.op_data_as<CanaryData>();
  const TensorView input = context.input(0);
  const int8_t* in = input.data_as<const int8_t>();
  int8_t* out = context.output(0).data_as<int8_t>();
  for (int64_t i = 0; i < input.num_elements(); ++i) out[i] = ScaleInFloat(in[i], data.scale);
  return Status::kOk;
}

}  // namespace

extern const Kernel kIntegerCanary;
extern const Kernel kFloatCanary;
const Kernel kIntegerCanary = {schema::OpCode::RELU, "INTEGER_CANARY", Prepare, EvalInteger};
const Kernel kFloatCanary = {schema::OpCode::RELU6, "FLOAT_CANARY", Prepare, EvalFloat};

}  // namespace ember::kernels

int main() {
  static ember::BufferErrorReporter reporter;
  ember::OpResolver<2> resolver;
  resolver.Add(ember::kernels::kIntegerCanary);
  resolver.Add(ember::kernels::kFloatCanary);
  ember::Model model;
  ember::Interpreter interpreter(model, resolver, nullptr, 0, &reporter);
  return interpreter.Invoke() == ember::Status::kOk ? 0 : 1;
}
