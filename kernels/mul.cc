// Mul: out = a * b with numpy broadcasting and a fused activation.
//
// Float32 and int32 (wrapping), and TFLite's int8 and int16 schemes with the
// arithmetic of TFLite Micro's reference kernel, bit for bit: the product of
// the operands minus their zero points (at most 2^16 for int8, 2^30 for
// int16) times scale_a * scale_b / output scale, plus the output zero point.
// Quantization: int8 operands per tensor with any zero points, int16
// operands symmetric; any scales. An output multiplier of 2^15 or more
// (int8; 1 or more for int16), far outside real models, can overflow the
// left-shifted product, which then wraps as TFLite's does on
// two's-complement targets.
#include "kernels/internal/binary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

Status Prepare(OpContext& context) { return PrepareArithmetic(context, Arithmetic::kMul); }

// The int8 and int16 result.
EMBER_ALWAYS_INLINE int32_t QuantizedMul(int32_t a, int32_t b,
                                        const QuantizedArithmeticParams& params) {
  return QuantizedArithmeticResult((a + params.a_offset) * (b + params.b_offset), params);
}

EMBER_HOST_SIMD_CLONES void MulInt8Run(const int8_t* a, int64_t a_stride, const int8_t* b,
                                       int64_t b_stride, int8_t* out, int32_t count,
                                       const QuantizedArithmeticParams& params) {
  RunQuantizedArithmetic(a, a_stride, b, b_stride, out, count, params, QuantizedMul);
}

EMBER_HOST_SIMD_CLONES void MulInt16Run(const int16_t* a, int64_t a_stride, const int16_t* b,
                                        int64_t b_stride, int16_t* out, int32_t count,
                                        const QuantizedArithmeticParams& params) {
  RunQuantizedArithmetic(a, a_stride, b, b_stride, out, count, params, QuantizedMul);
}

Status Eval(OpContext& context) {
  if (IsQuantizedType(context.output(0).type)) {
    return EvalQuantizedArithmetic(context, MulInt8Run, MulInt16Run);
  }
  // Int32 wraps on overflow (two's complement) instead of being undefined.
  return EvalBinary(
      context, [](float a, float b) { return a * b; },
      [](int32_t a, int32_t b) {
        return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
      });
}

}  // namespace

const Kernel kMul = {schema::OpCode::MUL, "MUL", Prepare, Eval};

}  // namespace ember::kernels
