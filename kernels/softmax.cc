// Softmax over the last axis: out_i = e^(beta * x_i) / sum_j e^(beta * x_j).
//
// Int8 (int8 in, int8 out at TFLite's fixed scale 1/256 and zero point -128)
// follows TFLite Micro's reference kernel bit for bit, in integers only:
// each difference from the row's maximum is scaled by beta * input_scale
// into a Q5.26 fixed-point number, exponentiated with gemmlowp's
// exp_on_negative_values, summed in Q12.19, and each exponential is
// multiplied by the sum's reciprocal (gemmlowp's one_over_one_plus_x).
// Differences below diff_min, whose exponentials are negligible, give -128.
// The differences of int8 values are 0..255 apart, so Prepare tabulates
// their exponentials (the same gemmlowp arithmetic, run once per
// difference) and Eval reads them.
//
// Int16 (int16 in, int16 out) follows TFLite Micro's reference kernel bit for
// bit. It requires the input quantized per tensor with zero point 0 (its
// scale free) and the output with zero point 0 and scale 1/32768 (within
// TFLite Micro's tolerance of 0.1%), and beta * input_scale in [0, 5]: each
// difference from the row's maximum is scaled by beta * input_scale * 65535
// / 10 (a real difference of -10 to -65535) and looked up, interpolating, in
// a 513-entry table of e^x over [-10, 0] (larger differences read e^-10); the
// sum's reciprocal comes from a table of 1 / (1 + x), and each output is the
// product rounded to Q0.15. Prepare builds both tables in float, as TFLite
// Micro does, into the op data.
#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "fixedpoint/fixedpoint.h"
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/float_math.h"
#include "kernels/internal/integer_only.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

// Integer bits of the scaled differences (Q5.26) and of the sum of
// exponentials (Q12.19), as in TFLite.
constexpr int kScaledDiffIntegerBits = 5;
constexpr int kAccumulationIntegerBits = 12;

struct OpData {
  int64_t rows;
  int32_t depth;
  float beta;
  // Int8: beta * input_scale * 2^(31 - kScaledDiffIntegerBits) as a Q31
  // mantissa and a left shift, and the smallest difference from the row's
  // maximum that contributes. Int16: beta * input_scale * 65535 / 10 as a
  // Q31 mantissa and a shift (negative: right).
  int32_t input_multiplier;
  int32_t input_left_shift;
  int32_t diff_min;
};

// Int8 op data: OpData, then e^(beta * input_scale * -d) in Q0.31 for each
// difference d = max - x of 0..255, 0 where -d is below diff_min (an
// exponential of 0 contributes nothing to the sum and gives -128 as well).
constexpr int kInt8Differences = 256;

struct Int8OpData {
  OpData data;
  int32_t exp_table[kInt8Differences];
};

// Int16 op data: OpData, then TFLite's two interpolation tables over
// [-32768, 32767] in 512 steps (plus the end point), output in Q0.15.
constexpr int kInt16TableSize = 513;

struct Int16OpData {
  OpData data;
  int16_t exp_table[kInt16TableSize];                  // e^x for x in [-10, 0]
  int16_t one_over_one_plus_x_table[kInt16TableSize];  // 1 / (1 + x) for x in [0, 1]
};

// The largest depth whose exponentials (each at most 32767) sum within int32.
constexpr int32_t kMaxInt16Depth = 65536;

using ScaledDiff = gemmlowp::FixedPoint<int32_t, kScaledDiffIntegerBits>;
using Unit = gemmlowp::FixedPoint<int32_t, 0>;

// e^(beta * input_scale * diff) in Q0.31 for diff in [diff_min, 0]. The left
// shift cannot overflow: |diff| * 2^shift <= 31 * 2^26 by diff_min.
Unit ExpOfDifference(int32_t diff, const OpData& data) {
  const int32_t shifted =
      static_cast<int32_t>(static_cast<uint32_t>(diff) << data.input_left_shift);
  return gemmlowp::exp_on_negative_values(ScaledDiff::FromRaw(
      gemmlowp::SaturatingRoundingDoublingHighMul(shifted, data.input_multiplier)));
}

// TFLite's int8 softmax parameters: beta * input_scale * 2^26 as a
// multiplier greater than one (TFLite Micro stops on a failed check
// otherwise). From 2^29 up (beta * input_scale >= 8, far outside real
// models) rounding can reach TFLite's shift of 31, where QuantizeMultiplier
// saturates at 30; that range is refused rather than computed differently.
Status PrepareInt8(OpContext& context, float beta, OpData* data) {
  const schema::Quantization* q = context.input(0).quantization;
  const uint32_t scales = ScaleCount(q);
  EMBER_CHECK_MODEL(context, scales == 1,
                    "input 0 is int8 and needs 1 quantization scale, has %" PRIu32, scales);
  const float input_scale = q->scale()->Get(0);
  EMBER_CHECK_MODEL(context, isfinite(input_scale) && input_scale > 0.0f,
                    "input 0 has quantization scale %g; it must be finite and positive",
                    static_cast<double>(input_scale));
  const QuantParams output = context.output(0).quant();
  const uint32_t output_scales = ScaleCount(context.output(0).quantization);
  EMBER_CHECK_MODEL(context,
                    output_scales == 1 && output.scale == 1.0f / 256 && output.zero_point == -128,
                    "an int8 softmax output must be quantized with scale 1/256 and zero point "
                    "-128, has scale %g, zero point %" PRId32,
                    static_cast<double>(output.scale), output.zero_point);
  // beta * input_scale * 2^26, exactly (TFLite computes it in double).
  const DoubleParts real =
      beta > 0.0f ? RatioAsDouble(beta, input_scale, 1.0f / (1 << (31 - kScaledDiffIntegerBits)))
                  : DoubleParts{0, 0};
  const bool above_one =
      real.exponent > 1 || (real.exponent == 1 && real.significand > (uint64_t{1} << 52));
  if (!(real.significand != 0 && above_one && real.exponent <= 29)) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "int8 softmax needs beta * input scale in (2^-26, 8), has %g * %g",
                      static_cast<double>(beta), static_cast<double>(input_scale));
  }
  const QuantizedMultiplier multiplier = QuantizeMultiplier(real);
  data->input_multiplier = multiplier.multiplier;
  data->input_left_shift = multiplier.shift;
  // The largest difference magnitude whose rescaled value still fits Q5.26:
  // floor((2^5 - 1) * 2^26 / 2^shift).
  const int64_t radius =
      (int64_t{(1 << kScaledDiffIntegerBits) - 1} << (31 - kScaledDiffIntegerBits)) >>
      multiplier.shift;
  data->diff_min = -static_cast<int32_t>(radius);
  int32_t* exp_table = reinterpret_cast<Int8OpData*>(data)->exp_table;
  for (int32_t d = 0; d < kInt8Differences; ++d) {
    exp_table[d] = -d >= data->diff_min ? ExpOfDifference(-d, *data).raw() : 0;
  }
  return Status::kOk;
}

// Fills `table` with func over [input_min, input_max] in TFLite's int16 table
// format: 512 samples scaled from [-1, 1] to int16, each nudged by half the
// error of interpolating at its interval's midpoint, and the end point. The
// float arithmetic is TFLite Micro's, step for step, so the tables match it.
void FillInt16Table(float (*func)(float), float input_min, float input_max, int16_t* table) {
  const int steps = kInt16TableSize - 1;
  const float step = (input_max - input_min) / static_cast<float>(steps);
  const float half_step = step / 2;
  const float scale = 65536.0f / 2.0f;  // [-1, 1] onto the int16 range
  auto clamp = [](float value) {
    return static_cast<int16_t>(value < -32768.0f ? -32768.0f
                                                  : (value > 32767.0f ? 32767.0f : value));
  };
  for (int i = 0; i < steps; ++i) {
    const float value = func(input_min + static_cast<float>(i) * step);
    const float midpoint = func(input_min + static_cast<float>(i) * step + half_step);
    const float next = func(input_min + static_cast<float>(i + 1) * step);
    const float sample = roundf(value * scale);
    const float interpolated = roundf((next * scale + roundf(value * scale)) / 2);
    const float error = interpolated - roundf(midpoint * scale);
    table[i] = clamp(sample - roundf(error / 2));
  }
  table[steps] = clamp(roundf(func(input_max) * scale));
}

float Exp(float x) { return expf(x); }
float OneOverOnePlus(float x) { return 1.0f / (1.0f + x); }

Status PrepareInt16(OpContext& context, float beta, OpData* data) {
  const TensorView in = context.input(0);
  QuantParams input;
  EMBER_RETURN_IF_ERROR(ReadInt16Quantization(context, in, "input 0", &input));
  const QuantParams output = context.output(0).quant();
  const uint32_t output_scales = ScaleCount(context.output(0).quantization);
  const double scale_error = fabs(static_cast<double>(output.scale) - 1.0 / 32768);
  EMBER_CHECK_MODEL(context,
                    output_scales == 1 && scale_error <= 0.001 / 32768 && output.zero_point == 0,
                    "an int16 softmax output must be quantized with scale 1/32768 and zero point "
                    "0, has scale %g, zero point %" PRId32,
                    static_cast<double>(output.scale), output.zero_point);
  EMBER_CHECK_MODEL(context, data->depth <= kMaxInt16Depth,
                    "int16 softmax rows hold at most %" PRId32 " values, has %" PRId32,
                    kMaxInt16Depth, data->depth);
  // TFLite left-shifts differences (down to -65535) by the multiplier's
  // exponent, which must stay within int32: below 2^15, beta * input scale
  // up to 2^15 * 10 / 65535 = 5.00008.
  const double real =
      static_cast<double>(input.scale) * static_cast<double>(beta) / (10.0 / 65535.0);
  const QuantizedMultiplier multiplier =
      beta >= 0.0f ? QuantizeMultiplier(real) : QuantizedMultiplier{};
  if (beta < 0.0f || multiplier.shift > 15) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "int16 softmax needs beta * input scale in [0, 5], has %g * %g",
                      static_cast<double>(beta), static_cast<double>(input.scale));
  }
  data->input_multiplier = multiplier.multiplier;
  data->input_left_shift = multiplier.shift;
  auto* tables = reinterpret_cast<Int16OpData*>(data);
  FillInt16Table(Exp, -10.0f, 0.0f, tables->exp_table);
  FillInt16Table(OneOverOnePlus, 0.0f, 1.0f, tables->one_over_one_plus_x_table);
  return Status::kOk;
}

// kSchemes: every type, or int8 alone (integer_only.h).
template <TypeSchemes kSchemes = TypeSchemes::kAll>
Status PrepareOp(OpContext& context) {
  constexpr bool kInt8Only = kSchemes == TypeSchemes::kInt8;
  EMBER_RETURN_IF_ERROR(PrepareUnary(
      context, kInt8Only ? TypeBit(TensorType::INT8)
                         : TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT8) |
                               TypeBit(TensorType::INT16)));
  const TensorView in = context.input(0);
  EMBER_CHECK_MODEL(context, in.rank >= 1, "input 0 must have rank >= 1, is rank 0");
  const schema::OpOptions options_type = context.op().options_type();
  EMBER_CHECK_MODEL(
      context,
      options_type == schema::OpOptions::NONE || options_type == schema::OpOptions::SoftmaxOptions,
      "options must be SoftmaxOptions, are %s", schema::EnumNameOpOptions(options_type));
  // Absent options mean the schema defaults, as for any flatbuffer table.
  const auto* options = context.op().options_as_SoftmaxOptions();
  const float beta = options != nullptr ? options->beta() : schema::SoftmaxOptionsT().beta;
  EMBER_CHECK_MODEL(context, isfinite(beta), "option beta must be finite");
  const bool int16 = !kInt8Only && in.type == TensorType::INT16;
  const size_t size = int16                           ? sizeof(Int16OpData)
                      : in.type == TensorType::INT8 ? sizeof(Int8OpData)
                                                    : sizeof(OpData);
  auto* data = static_cast<OpData*>(context.AllocateOpData(size));
  if (data == nullptr) return Status::kArenaTooSmall;
  data->depth = in.dims[in.rank - 1];
  data->rows = data->depth == 0 ? 0 : in.num_elements() / data->depth;
  data->beta = beta;
  if (in.type == TensorType::INT8) EMBER_RETURN_IF_ERROR(PrepareInt8(context, beta, data));
  if (int16) EMBER_RETURN_IF_ERROR(PrepareInt16(context, beta, data));
  return Status::kOk;
}

Status Prepare(OpContext& context) { return PrepareOp(context); }

// The rows of a float softmax, compiled for the host's wider SIMD too: the
// exponentials (float_math.h) vectorize; the sum stays a separate loop in
// index order, so its rounding does not depend on the vector width.
EMBER_HOST_SIMD_CLONES void SoftmaxFloatRows(const float* input, int64_t rows, int32_t depth,
                                             float beta, float* output) {
  for (int64_t row = 0; row < rows; ++row) {
    const float* x = input + row * depth;
    float* y = output + row * depth;
    // Shifting by the largest beta * x (not the largest x, which is wrong for a
    // negative beta) keeps every exponent <= 0: no overflow, and the largest
    // term is exactly 1 so the sum is at least 1.
    float shift = beta * x[0];
    for (int32_t i = 1; i < depth; ++i) shift = fmaxf(shift, beta * x[i]);
    for (int32_t i = 0; i < depth; ++i) y[i] = ExpFloat(beta * x[i] - shift);
    float sum = 0.0f;
    for (int32_t i = 0; i < depth; ++i) sum += y[i];
    const float scale = 1.0f / sum;
    for (int32_t i = 0; i < depth; ++i) y[i] *= scale;
  }
}

void EvalFloat(OpContext& context, const OpData& data) {
  SoftmaxFloatRows(context.input(0).data_as<const float>(), data.rows, data.depth, data.beta,
                   context.output(0).data_as<float>());
}

void EvalInt8(OpContext& context, const Int8OpData& tables) {
  const OpData& data = tables.data;
  const int32_t* exp_table = tables.exp_table;
  const int8_t* input = context.input(0).data_as<const int8_t>();
  int8_t* output = context.output(0).data_as<int8_t>();
  const int32_t depth = data.depth;
  for (int64_t row = 0; row < data.rows; ++row) {
    const int8_t* x = input + row * depth;
    int8_t* y = output + row * depth;
    int32_t max = x[0];
    for (int32_t i = 1; i < depth; ++i) max = x[i] > max ? x[i] : max;
    // Each term is at most 2^19 (1.0 in Q12.19); 64 bits hold any row.
    int64_t sum = 0;
    for (int32_t i = 0; i < depth; ++i) {
      const Unit exp = Unit::FromRaw(exp_table[max - x[i]]);
      sum += gemmlowp::Rescale<kAccumulationIntegerBits>(exp).raw();
    }
    // TFLite scales by the reciprocal of the sum normalized to [1, 2), then
    // shifts right by 23 plus the sum's bits above 1.0 (its exponent check
    // fails, aborting, from a sum of 512 up). At such sums every probability
    // is below 1/512, and the same arithmetic, which rounds it to 0 before
    // the zero point, gives -128 throughout.
    if (sum >= (int64_t{1} << 28)) {
      for (int32_t i = 0; i < depth; ++i) y[i] = -128;
      continue;
    }
    const uint32_t sum_bits = static_cast<uint32_t>(sum);
    const int headroom = __builtin_clz(sum_bits);
    const int bits_over_unit = kAccumulationIntegerBits - headroom;
    const Unit reciprocal = gemmlowp::one_over_one_plus_x_for_x_in_0_1(
        Unit::FromRaw(static_cast<int32_t>((sum_bits << headroom) - (uint32_t{1} << 31))));
    const int exponent = bits_over_unit + 31 - 8;
    for (int32_t i = 0; i < depth; ++i) {
      const Unit exp = Unit::FromRaw(exp_table[max - x[i]]);
      const int32_t scaled = gemmlowp::RoundingDivideByPOT((reciprocal * exp).raw(), exponent);
      const int32_t value = scaled - 128;
      y[i] = static_cast<int8_t>(value > 127 ? 127 : value);
    }
  }
}

// TFLite's int16 table lookup: the top 9 bits of x + 32768 pick the
// interval, the low 7 interpolate linearly (rounding half up).
int16_t LookUp(int32_t x, const int16_t* table) {
  const int32_t index = 256 + (x >> 7);
  const int32_t offset = x & 0x7f;
  const int16_t base = table[index];
  const int16_t slope = static_cast<int16_t>(table[index + 1] - base);
  return static_cast<int16_t>(base + ((slope * offset + 64) >> 7));
}

int32_t SaturateToInt16(int32_t x) { return x < -32768 ? -32768 : (x > 32767 ? 32767 : x); }

// The exponentials are kept in the output row until the sum is known. The
// sum of a row is at least e^0 (about 32767) and, by kMaxInt16Depth, below
// 2^31, so its leading zeros are 1..17.
void EvalInt16(OpContext& context, const Int16OpData& tables) {
  const OpData& data = tables.data;
  const int16_t* input = context.input(0).data_as<const int16_t>();
  int16_t* output = context.output(0).data_as<int16_t>();
  const int32_t depth = data.depth;
  const QuantizedMultiplier multiplier = {data.input_multiplier, data.input_left_shift};
  for (int64_t row = 0; row < data.rows; ++row) {
    const int16_t* x = input + row * depth;
    int16_t* y = output + row * depth;
    int32_t max = x[0];
    for (int32_t i = 1; i < depth; ++i) max = x[i] > max ? x[i] : max;
    int32_t sum = 0;
    for (int32_t i = 0; i < depth; ++i) {
      // Scaled so that -65535 is a real -10, recentred onto the table's
      // [-32768, 32767].
      const int32_t scaled = MultiplyByQuantizedMultiplier(x[i] - max, multiplier);
      y[i] = LookUp(SaturateToInt16(scaled + 32767), tables.exp_table);
      sum += y[i];
    }
    // The sum normalized to [2^16, 2^17) is 1 + t for t in [0, 1) in Q16;
    // recentred onto the table's range it gives 1 / (1 + t) in Q0.15.
    const int leading_zeros = __builtin_clz(static_cast<uint32_t>(sum));
    const int32_t normalized = static_cast<int32_t>(
        ((static_cast<int64_t>(sum) << (leading_zeros - 1)) + (1 << 13)) >> 14);
    const int16_t reciprocal = LookUp(SaturateToInt16(normalized - (1 << 15) - (1 << 16)),
                                      tables.one_over_one_plus_x_table);
    const int right_shift = 31 - leading_zeros;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int32_t i = 0; i < depth; ++i) {
      const int64_t value = (int64_t{y[i]} * reciprocal + round) >> right_shift;
      y[i] = static_cast<int16_t>(value < 0 ? 0 : (value > 32767 ? 32767 : value));
    }
  }
}

Status Eval(OpContext& context) {
  if (context.input(0).type == TensorType::INT16) {
    EvalInt16(context, *context.op_data_as<Int16OpData>());
    return Status::kOk;
  }
  return EvalFloat32OrInt8(context, EvalFloat, EvalInt8);
}

Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8Only(OpContext& context) { return PrepareOp<TypeSchemes::kInt8>(context); }

Status EvalInt8Only(OpContext& context) {
  EvalInt8(context, *context.op_data_as<Int8OpData>());
  return Status::kOk;
}

Status EvalInteger(OpContext& context) {
  if (context.input(0).type == TensorType::INT16) {
    EvalInt16(context, *context.op_data_as<Int16OpData>());
  } else {
    EvalInt8(context, *context.op_data_as<Int8OpData>());
  }
  return Status::kOk;
}

}  // namespace

const Kernel kSoftmax = {schema::OpCode::SOFTMAX, "SOFTMAX", Prepare, Eval};
const Kernel kSoftmaxInteger = {schema::OpCode::SOFTMAX, "SOFTMAX", PrepareInteger, EvalInteger};
const Kernel kSoftmaxInt8 = {schema::OpCode::SOFTMAX, "SOFTMAX", PrepareInt8Only, EvalInt8Only};

}  // namespace ember::kernels
