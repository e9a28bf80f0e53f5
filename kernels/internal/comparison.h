// The shared shape of the comparison ops (Less, LessEqual, Greater,
// GreaterEqual, Equal, NotEqual) and the binary logical ops (LogicalAnd,
// LogicalOr): two inputs broadcast (numpy rules, up to kMaxRank) to a BOOL
// output of one byte per element holding 0 or 1. Each op's file supplies
// only its predicate.
//
// Comparisons take float32, int32 and int64, and int8 or int16 when both
// inputs carry the same scale and zero point (or neither is quantized): then
// the order of the quantized values is the order of the real ones. Inputs
// quantized differently would need rescaling, which Ember does not do.
// Float comparisons follow IEEE 754: every comparison with NaN is false
// except NotEqual.
#ifndef EMBER_KERNELS_INTERNAL_COMPARISON_H_
#define EMBER_KERNELS_INTERNAL_COMPARISON_H_

#include <inttypes.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "kernels/internal/common.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/unary.h"

namespace ember::kernels {

struct ComparisonOpData {
  BroadcastPlan plan;
};

// Checks two inputs of one type among `input_types` broadcasting to one BOOL
// output and no options; sets the output shape and stores the broadcast
// plan. `op` names the op in messages.
inline Status PrepareBoolResult(OpContext& context, uint32_t input_types, const char* op) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 2 && context.num_outputs() == 1,
                    "%s needs 2 inputs and 1 output, has %d and %d", op, context.num_inputs(),
                    context.num_outputs());
  const TensorView a = context.input(0);
  const TensorView b = context.input(1);
  EMBER_CHECK_MODEL(context, a.present() && b.present(), "both inputs are required");
  EMBER_CHECK_MODEL(context, a.rank <= kMaxRank && b.rank <= kMaxRank, "rank above %d", kMaxRank);
  EMBER_CHECK_MODEL(context, a.type == b.type, "%s inputs differ in type (%s and %s)", op,
                    TensorTypeName(a.type), TensorTypeName(b.type));
  if (!TypeIn(a.type, input_types)) {
    return EMBER_FAIL(context, Status::kUnsupported, "%s does not support %s inputs", op,
                      TensorTypeName(a.type));
  }
  EMBER_CHECK_MODEL(context, context.output(0).type == TensorType::BOOL,
                    "%s output must be BOOL, is %s", op, TensorTypeName(context.output(0).type));
  EMBER_CHECK_MODEL(context, context.op().options_type() == schema::OpOptions::NONE,
                    "%s takes no options, found %s", op,
                    schema::EnumNameOpOptions(context.op().options_type()));
  int32_t dims[kMaxRank];
  int32_t rank = 0;
  EMBER_CHECK_MODEL(context, BroadcastShape(a, b, dims, &rank),
                    "%s input shapes do not broadcast (ranks %" PRId32 " and %" PRId32 ")", op,
                    a.rank, b.rank);
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, dims, rank));
  auto* data = context.AllocateOpData<ComparisonOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  EMBER_CHECK_MODEL(
      context,
      MakeBroadcastPlan(context.input(0), context.input(1), context.output(0), &data->plan),
      "%s input shapes do not broadcast to the output shape", op);
  return Status::kOk;
}

// The quantization of comparison input `index` when it has any (`*quantized`
// false, params zero, otherwise).
inline Status ReadComparisonQuantization(OpContext& context, int index, const char* what,
                                         bool* quantized, QuantParams* params) {
  const TensorView view = context.input(index);
  *quantized = ScaleCount(view.quantization) > 0;
  if (!*quantized) return Status::kOk;
  return ReadQuantizedActivation(context, view, what, params);
}

// Prepare of a comparison op (`op` names it in messages).
inline Status PrepareComparison(OpContext& context, const char* op) {
  EMBER_RETURN_IF_ERROR(PrepareBoolResult(
      context,
      TypeBit(TensorType::FLOAT32) | TypeBit(TensorType::INT32) | TypeBit(TensorType::INT64) |
          TypeBit(TensorType::INT8) | TypeBit(TensorType::INT16),
      op));
  const TensorType type = context.input(0).type;
  if (type != TensorType::INT8 && type != TensorType::INT16) return Status::kOk;
  bool a_quantized = false;
  bool b_quantized = false;
  QuantParams a;
  QuantParams b;
  EMBER_RETURN_IF_ERROR(ReadComparisonQuantization(context, 0, "input 0", &a_quantized, &a));
  EMBER_RETURN_IF_ERROR(ReadComparisonQuantization(context, 1, "input 1", &b_quantized, &b));
  if (a_quantized != b_quantized || a.scale != b.scale || a.zero_point != b.zero_point) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "%s %s needs both inputs quantized alike; has scale %g, "
                      "zero point %" PRId32 " and scale %g, zero point %" PRId32
                      " (no rescaling is done)",
                      TensorTypeName(type), op, static_cast<double>(a.scale), a.zero_point,
                      static_cast<double>(b.scale), b.zero_point);
  }
  return Status::kOk;
}

template <typename T, typename Predicate>
inline void EvalBoolResultTyped(OpContext& context, Predicate predicate) {
  const BroadcastPlan& plan = context.op_data_as<ComparisonOpData>()->plan;
  const T* a = context.input(0).data_as<T>();
  const T* b = context.input(1).data_as<T>();
  uint8_t* out = context.output(0).data_as<uint8_t>();
  ForEachBroadcast(
      plan, [&](int64_t i, int64_t j, int64_t o) { out[o] = predicate(a[i], b[j]) ? 1 : 0; });
}

// Eval of a comparison whose result for two values of one type is
// `predicate(a, b)` (a generic lambda).
template <typename Predicate>
inline Status EvalComparison(OpContext& context, Predicate predicate) {
  switch (context.input(0).type) {
    case TensorType::FLOAT32:
      EvalBoolResultTyped<float>(context, predicate);
      break;
    case TensorType::INT32:
      EvalBoolResultTyped<int32_t>(context, predicate);
      break;
    case TensorType::INT64:
      EvalBoolResultTyped<int64_t>(context, predicate);
      break;
    case TensorType::INT8:
      EvalBoolResultTyped<int8_t>(context, predicate);
      break;
    default:
      EvalBoolResultTyped<int16_t>(context, predicate);
      break;
  }
  return Status::kOk;
}

// Prepare and Eval of LogicalAnd and LogicalOr. A BOOL element is read as a
// byte and tested against 0: a C++ bool holding any byte other than 0 or 1
// (possible in model data) is undefined behaviour.
inline Status PrepareLogicalBinary(OpContext& context, const char* op) {
  return PrepareBoolResult(context, TypeBit(TensorType::BOOL), op);
}

template <typename Combine>
inline Status EvalLogicalBinary(OpContext& context, Combine combine) {
  EvalBoolResultTyped<uint8_t>(context,
                               [&](uint8_t a, uint8_t b) { return combine(a != 0, b != 0); });
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_COMPARISON_H_
