// Range (TensorFlow's tf.range): inputs start, limit and delta, one value each
// (a scalar or a [1] vector, as TensorFlow accepts), all int32 or all float32;
// the output is the rank-1 sequence start, start + delta, ... up to but not
// including limit, of the inputs' type.
//
// The output's length depends on the input values and Ember's shapes are
// static, so the three inputs must be constant (model constants, or outputs
// of ops computed once at AllocateTensors); Prepare reads them, rejects what
// TensorFlow rejects (delta 0, a limit on the wrong side of start) and sets
// the length: ceil(|limit - start| / |delta|), exact in integers for int32 and
// evaluated in float for float32 as TensorFlow does. Float values are
// accumulated (start, then += delta) as TensorFlow's CPU kernel does, so the
// output matches it bit for bit rather than numpy's start + i * delta.
#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kStart = 0;
constexpr int kLimit = 1;
constexpr int kDelta = 2;

Status CheckOperand(OpContext& context, int index, const char* name, TensorType type) {
  const TensorView view = context.input(index);
  EMBER_CHECK_MODEL(context, view.num_elements() == 1 && view.rank <= 1,
                    "input %d (%s) must be a scalar, has rank %" PRId32 " and %s elements", index,
                    name, view.rank, FormatInt64(view.num_elements()).chars);
  EMBER_CHECK_MODEL(context, view.type == type, "input %d (%s) is %s but the output is %s", index,
                    name, TensorTypeName(view.type), TensorTypeName(type));
  return Status::kOk;
}

// The int32 length, exact in int64: every int32 range has at most 2^32 - 1
// elements, so nothing here overflows.
Status Int32Length(OpContext& context, int32_t* length) {
  const int64_t start = *context.input(kStart).data_as<const int32_t>();
  const int64_t limit = *context.input(kLimit).data_as<const int32_t>();
  const int64_t delta = *context.input(kDelta).data_as<const int32_t>();
  EMBER_CHECK_MODEL(context, delta != 0, "input 2 (delta) is 0");
  EMBER_CHECK_MODEL(context, delta > 0 ? start <= limit : start >= limit,
                    "start %s, limit %s and delta %s give a negative length (limit must be on "
                    "the side of start that delta steps towards)",
                    FormatInt64(start).chars, FormatInt64(limit).chars, FormatInt64(delta).chars);
  const int64_t span = limit > start ? limit - start : start - limit;
  const int64_t step = delta > 0 ? delta : -delta;
  const int64_t count = (span + step - 1) / step;
  EMBER_CHECK_MODEL(context, count <= INT32_MAX,
                    "the output would hold %s elements, above %" PRId32, FormatInt64(count).chars,
                    static_cast<int32_t>(INT32_MAX));
  *length = static_cast<int32_t>(count);
  return Status::kOk;
}

Status Float32Length(OpContext& context, int32_t* length) {
  const float start = *context.input(kStart).data_as<const float>();
  const float limit = *context.input(kLimit).data_as<const float>();
  const float delta = *context.input(kDelta).data_as<const float>();
  EMBER_CHECK_MODEL(context, isfinite(start) && isfinite(limit) && isfinite(delta),
                    "start %g, limit %g and delta %g must all be finite",
                    static_cast<double>(start), static_cast<double>(limit),
                    static_cast<double>(delta));
  EMBER_CHECK_MODEL(context, delta != 0.0f, "input 2 (delta) is 0");
  EMBER_CHECK_MODEL(context, delta > 0.0f ? start <= limit : start >= limit,
                    "start %g, limit %g and delta %g give a negative length (limit must be on "
                    "the side of start that delta steps towards)",
                    static_cast<double>(start), static_cast<double>(limit),
                    static_cast<double>(delta));
  // In float, as TensorFlow computes it; the quotient may overflow to inf.
  // INT32_MAX rounds to 2^31 as a float, so a count strictly below it fits.
  const float count = ceilf(fabsf((limit - start) / delta));
  EMBER_CHECK_MODEL(context, count < static_cast<float>(INT32_MAX),
                    "start %g, limit %g and delta %g would give %g elements, too many",
                    static_cast<double>(start), static_cast<double>(limit),
                    static_cast<double>(delta), static_cast<double>(count));
  *length = static_cast<int32_t>(count);
  return Status::kOk;
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 3 && context.num_outputs() == 1,
                    "needs 3 inputs (start, limit, delta) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  for (int i = 0; i < 3; ++i) {
    EMBER_CHECK_MODEL(context, context.input(i).present(), "input %d is required", i);
  }
  const TensorType type = context.output(0).type;
  if (type != TensorType::FLOAT32 && type != TensorType::INT32) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported (float32, int32)",
                      TensorTypeName(type));
  }
  EMBER_RETURN_IF_ERROR(CheckOperand(context, kStart, "start", type));
  EMBER_RETURN_IF_ERROR(CheckOperand(context, kLimit, "limit", type));
  EMBER_RETURN_IF_ERROR(CheckOperand(context, kDelta, "delta", type));
  EMBER_CHECK_MODEL(context,
                    context.input_is_constant(kStart) && context.input_is_constant(kLimit) &&
                        context.input_is_constant(kDelta),
                    "RANGE needs constant start/limit/delta: the output length depends on them");
  int32_t length = 0;
  EMBER_RETURN_IF_ERROR(type == TensorType::INT32 ? Int32Length(context, &length)
                                                  : Float32Length(context, &length));
  return context.SetOutputShape(0, &length, 1);
}

Status Eval(OpContext& context) {
  const TensorView out = context.output(0);
  const int64_t count = out.num_elements();
  if (out.type == TensorType::INT32) {
    const int64_t start = *context.input(kStart).data_as<const int32_t>();
    const int64_t delta = *context.input(kDelta).data_as<const int32_t>();
    int32_t* values = out.data_as<int32_t>();
    // Every value lies between start and limit, so it fits int32; only the
    // step past the last one could overflow, and it is never taken.
    for (int64_t i = 0; i < count; ++i) values[i] = static_cast<int32_t>(start + i * delta);
    return Status::kOk;
  }
  const float delta = *context.input(kDelta).data_as<const float>();
  float value = *context.input(kStart).data_as<const float>();
  float* values = out.data_as<float>();
  for (int64_t i = 0; i < count; ++i) {
    values[i] = value;
    value += delta;
  }
  return Status::kOk;
}

}  // namespace

const Kernel kRange = {schema::OpCode::RANGE, "RANGE", Prepare, Eval};

}  // namespace ember::kernels
