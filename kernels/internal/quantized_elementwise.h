// Prepare-time helpers of the int8 and int16 elementwise ops (Add, Sub, Mul,
// Maximum, Minimum, Relu, Relu6, LeakyRelu, Logistic, Tanh, HardSwish):
// reading and checking their operands' quantization, and the input rescaling
// of TFLite Micro's fixed-point Logistic and Tanh (int8: a Q4.27 input for
// gemmlowp's logistic/tanh; int16: an index into a sigmoid table) with
// their shared Prepare and Eval dispatch.
//
// Conventions (TFLite's): int8 tensors are quantized per tensor with any
// zero point; int16 tensors per tensor and symmetrically (zero point 0).
#ifndef EMBER_KERNELS_INTERNAL_QUANTIZED_ELEMENTWISE_H_
#define EMBER_KERNELS_INTERNAL_QUANTIZED_ELEMENTWISE_H_

#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "kernels/internal/common.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/unary.h"

namespace ember::kernels {

inline bool IsQuantizedType(TensorType type) {
  return type == TensorType::INT8 || type == TensorType::INT16;
}

// Checks that output 0 has the fixed quantization an op's integer arithmetic
// produces (`scale_text` is how messages write `scale`, e.g. "1/256").
inline Status CheckFixedOutputQuantization(OpContext& context, float scale, const char* scale_text,
                                           int32_t zero_point, const char* op) {
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  EMBER_CHECK_MODEL(context, out.scale == scale && out.zero_point == zero_point,
                    "output 0 must have scale %s and zero point %" PRId32
                    " for %s %s, has %g and %" PRId32,
                    scale_text, zero_point, TensorTypeName(context.output(0).type), op,
                    static_cast<double>(out.scale), out.zero_point);
  return Status::kOk;
}

// Checks that input `index` (named `what`) has output 0's quantization, for
// ops whose integer results are input values (Maximum, Minimum, Relu6).
inline Status CheckSameQuantization(OpContext& context, int index, const char* what,
                                    const char* op) {
  QuantParams in;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.input(index), what, &in));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  EMBER_CHECK_MODEL(context, in.scale == out.scale && in.zero_point == out.zero_point,
                    "%s %s needs %s and output 0 quantized alike; has scale %g, zero point %" PRId32
                    " and scale %g, zero point %" PRId32,
                    TensorTypeName(context.output(0).type), op, what, static_cast<double>(in.scale),
                    in.zero_point, static_cast<double>(out.scale), out.zero_point);
  return Status::kOk;
}

// Eval of a float32, int8 or int16 elementwise op whose int8 and int16 paths
// share the op data `Data` (Relu, Relu6, LeakyRelu): `eval_int8` or
// `eval_int16` on it, or `float_function` elementwise.
template <typename Data, typename FloatFunction>
Status EvalFloatOrQuantized(OpContext& context, void (*eval_int8)(OpContext&, const Data&),
                            void (*eval_int16)(OpContext&, const Data&),
                            FloatFunction float_function) {
  switch (context.input(0).type) {
    case TensorType::INT8:
      eval_int8(context, *context.op_data_as<Data>());
      return Status::kOk;
    case TensorType::INT16:
      eval_int16(context, *context.op_data_as<Data>());
      return Status::kOk;
    default:
      break;
  }
  return EvalUnaryFloat(context, float_function);
}

// ---- Int8 Logistic and Tanh -------------------------------------------------

// The int8 input of TFLite's Logistic and Tanh as a Q4.27 fixed-point
// number: (q - zero_point) * input_scale * 2^27 is a multiplier (a Q31
// mantissa and a left shift, at least 0 for scales of at least 2^-28), and
// inputs at least `radius` from the zero point saturate the output instead
// (their Q4.27 value would reach 2^4 - 1). A left shift of 31 or more
// (scale 16 and up) leaves radius 0, so every input saturates, as in TFLite.
struct Int8SigmoidInput {
  int32_t zero_point;
  int32_t multiplier;
  int32_t left_shift;
  int32_t radius;
};

inline Int8SigmoidInput MakeInt8SigmoidInput(QuantParams input) {
  constexpr int kIntegerBits = 4;
  int exponent = 0;
  // A float scale has 24 significant bits, so the mantissa times 2^31 is an
  // integer below 2^31: no rounding, no carry into the exponent.
  const double mantissa = frexp(
      static_cast<double>(input.scale) * static_cast<double>(int64_t{1} << (31 - kIntegerBits)),
      &exponent);
  Int8SigmoidInput result;
  result.zero_point = input.zero_point;
  result.multiplier = static_cast<int32_t>(mantissa * static_cast<double>(int64_t{1} << 31));
  result.left_shift = exponent;
  // floor((2^4 - 1) * 2^27 / 2^shift), exact in integers.
  const int64_t limit = int64_t{(1 << kIntegerBits) - 1} << (31 - kIntegerBits);
  result.radius = exponent >= 31 ? 0 : static_cast<int32_t>(limit >> exponent);
  return result;
}

// The Q4.27 input of an element closer to the zero point than the radius
// (the shift cannot overflow there).
inline int32_t Int8SigmoidInputQ4(int32_t centered, const Int8SigmoidInput& in) {
  return MultiplyByQuantizedMultiplier(centered, {in.multiplier, in.left_shift});
}

// The int8 output of Logistic or Tanh at input `q`: inputs at least the
// radius from the zero point saturate to -128 or 127; `q4_27_function` maps
// the others' Q4.27 value to the output value, which is then clamped to int8.
inline int8_t Int8SigmoidOutput(int32_t q, const Int8SigmoidInput& in,
                                int32_t (*q4_27_function)(int32_t)) {
  const int32_t centered = q - in.zero_point;
  if (centered <= -in.radius) return -128;
  if (centered >= in.radius) return 127;
  const int32_t value = q4_27_function(Int8SigmoidInputQ4(centered, in));
  return static_cast<int8_t>(value > 127 ? 127 : (value < -128 ? -128 : value));
}

// An int8 op whose output depends on one input value alone, tabulated: the
// output for each of the 256 inputs, indexed by the input's bits read as
// uint8. Prepare fills it by running the op's integer arithmetic on every
// input, so Eval's one load per element gives the same bits by construction
// (gemmlowp's fixed-point tanh and logistic cost hundreds of instructions
// per element).
struct Int8Table {
  int8_t output[256];
};

inline void EvalInt8Table(OpContext& context, const Int8Table& table) {
  const TensorView input = context.input(0);
  const int8_t* x = input.data_as<const int8_t>();
  int8_t* y = context.output(0).data_as<int8_t>();
  const int64_t count = input.num_elements();
  for (int64_t i = 0; i < count; ++i) y[i] = table.output[static_cast<uint8_t>(x[i])];
}

// ---- Int16 Logistic and Tanh ------------------------------------------------

// TFLite's table of sigmoid(i / 24) in unsigned Q0.16 for i = 0..255
// (65535 for the last entry), which its int16 Logistic and Tanh interpolate
// linearly; Tanh reads it as tanh(x) = 2 sigmoid(2x) - 1. The values are
// TFLite's own, which differ from a correctly rounded sigmoid by up to 1, so
// the kernels reproduce its results bit for bit.
inline constexpr uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

// The same table in 32-bit entries for the hosts' SIMD clones, whose gathers
// read 32-bit elements (the loops then vectorize). Other targets never use
// it, so it costs them nothing.
struct SigmoidTable32 {
  uint32_t values[256];
};

constexpr SigmoidTable32 WidenSigmoidTable() {
  SigmoidTable32 table = {};
  for (int i = 0; i < 256; ++i) table.values[i] = kSigmoidTable[i];
  return table;
}

inline constexpr SigmoidTable32 kSigmoidTable32 = WidenSigmoidTable();

// Entry `index` of the table, from whichever copy suits the target.
EMBER_ALWAYS_INLINE uint32_t SigmoidTableAt(uint32_t index) {
  return kHostSimdClones ? kSigmoidTable32.values[index] : kSigmoidTable[index];
}

// The int16 input of TFLite's Logistic and Tanh rescaled to the table's
// resolution, (q * multiplier + 2^(shift-1)) >> shift: 2^-12 / 3 per unit, so
// that 2^17 units span the table's 10.67 (256 / 24).
struct Int16SigmoidInput {
  int32_t multiplier;
  int32_t right_shift;
};

// TFLite's test of a power-of-two scale: log2 in float within 1e-3 of an
// integer (stored in *log2).
inline bool IsPowerOfTwoScale(float scale, int* log2) {
  const float value = logf(scale) * (1.0f / logf(2.0f));
  const float rounded = roundf(value);
  *log2 = static_cast<int>(rounded);
  return fabsf(value - rounded) < 1e-3f;
}

// Input scale 2^-12 (and for Tanh, whose table reads at twice the input,
// also 2^-11; either within IsPowerOfTwoScale's tolerance, which ignores up
// to 0.07% of difference) is rescaled exactly by 3 (6); any other scale by
// scale * 3 * 2^12 as an integer multiplier in (2^14, 2^15) with a right
// shift, truncated, as TFLite computes it. Input scales above 32767 / 12288
// (about 2.67), where that multiplier passes 2^15 and TFLite's products
// could overflow, are refused.
inline Status MakeInt16SigmoidInput(OpContext& context, float input_scale, bool doubles_input,
                                    const char* op, Int16SigmoidInput* out) {
  int log2 = 0;
  if (IsPowerOfTwoScale(input_scale, &log2)) {
    const int shift = log2 + 12;
    if (shift == 0 || (doubles_input && shift == 1)) {
      out->multiplier = 3 << shift;
      out->right_shift = 0;
      return Status::kOk;
    }
  }
  double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  EMBER_CHECK_MODEL(context, multiplier < 32768.0,
                    "int16 %s needs an input scale of at most 32767/12288 (2.67), has %g", op,
                    static_cast<double>(input_scale));
  out->multiplier = static_cast<int32_t>(multiplier);
  out->right_shift = shift;
  return Status::kOk;
}

// Eval: the rescaled input. |q| <= 2^15 and multiplier < 2^15 keep the sum
// below 2^31; the shift of a negative value rounds toward -infinity.
inline int32_t RescaleInt16SigmoidInput(int16_t q, const Int16SigmoidInput& in) {
  const int32_t round = in.right_shift > 0 ? int32_t{1} << (in.right_shift - 1) : 0;
  return (q * in.multiplier + round) >> in.right_shift;
}

// ---- Logistic and Tanh -----------------------------------------------------

// Their op data: an int8 input's table or an int16 input's rescaling.
struct SigmoidOpData {
  Int8Table int8;
  Int16SigmoidInput int16;
};

// Prepare of Logistic and Tanh (`op`, for messages): a float32, int8 or
// int16 input; a quantized output must have the fixed quantization of the
// op's integer result (int8: `int8_scale`, written `int8_scale_text`, and
// `int8_zero_point`; int16: 2^-15 and 0). An int8 input's table holds
// Int8SigmoidOutput with the op's `int8_function` of the Q4.27 input.
// `doubles_input`: the op reads the int16 sigmoid table at twice the input
// (Tanh).
inline Status PrepareSigmoidOp(OpContext& context, float int8_scale, const char* int8_scale_text,
                               int32_t int8_zero_point, int32_t (*int8_function)(int32_t),
                               bool doubles_input, const char* op) {
  EMBER_RETURN_IF_ERROR(PrepareUnary(context, TypeBit(TensorType::FLOAT32) |
                                                  TypeBit(TensorType::INT8) |
                                                  TypeBit(TensorType::INT16)));
  const TensorView input = context.input(0);
  if (input.type == TensorType::FLOAT32) return Status::kOk;
  auto* data = context.AllocateOpData<SigmoidOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  QuantParams in;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, input, "input 0", &in));
  if (input.type == TensorType::INT8) {
    EMBER_RETURN_IF_ERROR(
        CheckFixedOutputQuantization(context, int8_scale, int8_scale_text, int8_zero_point, op));
    const Int8SigmoidInput rescaling = MakeInt8SigmoidInput(in);
    for (int32_t q = -128; q <= 127; ++q) {
      data->int8.output[static_cast<uint8_t>(q)] = Int8SigmoidOutput(q, rescaling, int8_function);
    }
    return Status::kOk;
  }
  EMBER_RETURN_IF_ERROR(CheckFixedOutputQuantization(context, 1.0f / 32768, "1/32768", 0, op));
  return MakeInt16SigmoidInput(context, in.scale, doubles_input, op, &data->int16);
}

// Eval of Logistic and Tanh: the int8 table, the op's int16 path on the op
// data, or `eval_float` over all the float elements at once (one call for
// the whole tensor, so that the op can compile its loop for the host's wider
// SIMD).
inline Status EvalSigmoidOp(OpContext& context,
                            void (*eval_int16)(OpContext&, const Int16SigmoidInput&),
                            void (*eval_float)(const float* input, int64_t count, float* output)) {
  switch (context.input(0).type) {
    case TensorType::INT8:
      EvalInt8Table(context, context.op_data_as<SigmoidOpData>()->int8);
      return Status::kOk;
    case TensorType::INT16:
      eval_int16(context, context.op_data_as<SigmoidOpData>()->int16);
      return Status::kOk;
    default:
      break;
  }
  const TensorView input = context.input(0);
  eval_float(input.data_as<const float>(), input.num_elements(),
             context.output(0).data_as<float>());
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_QUANTIZED_ELEMENTWISE_H_
