// Sub: out = a - b with numpy broadcasting and a fused activation.
//
// Float32 and int32 (wrapping), and TFLite's int8 and int16 schemes with the
// arithmetic of TFLite Micro's reference kernel, bit for bit (see
// kernels/internal/binary.h; like TFLite Micro, Sub computes its multipliers
// from float quotients of the scales, Add in double). Quantization: int8
// operands per tensor with any zero points, int16 operands symmetric; a, b
// and the output may each have their own scale. Required: output scale
// above 2^-19 (int8) or 2^-14 (int16) times the larger input scale, as
// TFLite checks.
#include "kernels/internal/binary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareArithmetic(context, Arithmetic::kSub); }

// The int8 and int16 result.
EMBER_ALWAYS_INLINE int32_t QuantizedSub(int32_t a, int32_t b,
                                        const QuantizedArithmeticParams& params) {
  return QuantizedArithmeticResult(ScaleAddend(a, params.a_offset, params.a_scale, params) -
                                       ScaleAddend(b, params.b_offset, params.b_scale, params),
                                   params);
}

EMBER_HOST_SIMD_CLONES void SubInt8Run(const int8_t* a, int64_t a_stride, const int8_t* b,
                                       int64_t b_stride, int8_t* out, int32_t count,
                                       const QuantizedArithmeticParams& params) {
  RunQuantizedArithmetic(a, a_stride, b, b_stride, out, count, params, QuantizedSub);
}

EMBER_HOST_SIMD_CLONES void SubInt16Run(const int16_t* a, int64_t a_stride, const int16_t* b,
                                        int64_t b_stride, int16_t* out, int32_t count,
                                        const QuantizedArithmeticParams& params) {
  RunQuantizedArithmetic(a, a_stride, b, b_stride, out, count, params, QuantizedSub);
}

Status Eval(OpContext& context) {
  if (IsQuantizedType(context.output(0).type)) {
    return EvalQuantizedArithmetic(context, SubInt8Run, SubInt16Run);
  }
  // Int32 wraps on overflow (two's complement) instead of being undefined.
  return EvalBinary(
      context, [](float a, float b) { return a - b; },
      [](int32_t a, int32_t b) {
        return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
      });
}

}  // namespace

const Kernel kSub = {schema::OpCode::SUB, "SUB", Prepare, Eval};

}  // namespace ember::kernels
