// ArgMax and ArgMin: the index of the largest (smallest) value along one axis,
// for float32, int32, int8 and int16 inputs, written as int32 or int64 (the
// output tensor's type).
//
// The axis comes from ArgMinMaxOptions.axis, or from a constant second input
// (TensorFlow passes it as a tensor). Equal values give the first index, as in
// TensorFlow and ONNX, unless select_last_index asks for the last (ONNX).
// Int8 and int16 compare raw stored values: an affine map with a positive
// scale keeps the order, so the scale and zero point do not matter. A NaN
// compares neither greater nor smaller: a NaN first along the axis stays the
// answer, a NaN anywhere else is passed over.
#ifndef EMBER_KERNELS_INTERNAL_ARG_MIN_MAX_H_
#define EMBER_KERNELS_INTERNAL_ARG_MIN_MAX_H_

#include <inttypes.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "kernels/internal/common.h"

namespace ember::kernels {

enum class ArgPick : uint8_t { kMax, kMin };

struct ArgMinMaxOpData {
  // The input viewed as [outer, axis_size, inner].
  int32_t outer;
  int32_t axis_size;
  int32_t inner;
  bool select_last_index;
};

// Reads the axis from the constant second input (a scalar or one element,
// int32 or int64) into `raw_axis`.
inline Status ReadArgMinMaxAxisInput(OpContext& context, int32_t* raw_axis) {
  const TensorView axis = context.input(1);
  EMBER_CHECK_MODEL(context, axis.present(), "input 1 (axis) is absent");
  EMBER_CHECK_MODEL(context, context.input_is_constant(1),
                    "input 1 (axis) must be constant: the output shape depends on it");
  EMBER_CHECK_MODEL(context, axis.num_elements() == 1,
                    "input 1 (axis) must hold one value, holds %s",
                    FormatInt64(axis.num_elements()).chars);
  if (axis.type == TensorType::INT32) {
    *raw_axis = axis.data_as<const int32_t>()[0];
    return Status::kOk;
  }
  EMBER_CHECK_MODEL(context, axis.type == TensorType::INT64,
                    "input 1 (axis) must be int32 or int64, is %s", TensorTypeName(axis.type));
  const int64_t value = axis.data_as<const int64_t>()[0];
  EMBER_CHECK_MODEL(context, value >= -kMaxRank && value < kMaxRank,
                    "input 1 (axis) is %s, outside [-%d, %d)", FormatInt64(value).chars, kMaxRank,
                    kMaxRank);
  *raw_axis = static_cast<int32_t>(value);
  return Status::kOk;
}

inline Status PrepareArgMinMax(OpContext& context) {
  EMBER_CHECK_MODEL(context,
                    (context.num_inputs() == 1 || context.num_inputs() == 2) &&
                        context.num_outputs() == 1,
                    "needs 1 or 2 inputs (input, optional constant axis) and 1 output, has %d "
                    "and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  if (in.type != TensorType::FLOAT32 && in.type != TensorType::INT32 &&
      in.type != TensorType::INT8 && in.type != TensorType::INT16) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "input 0 is %s; float32, int32, int8 and int16 are supported",
                      TensorTypeName(in.type));
  }
  EMBER_CHECK_MODEL(context, out.type == TensorType::INT32 || out.type == TensorType::INT64,
                    "the output must be int32 or int64, is %s", TensorTypeName(out.type));
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::ArgMinMaxOptions,
                    "options must be ArgMinMaxOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_ArgMinMaxOptions();
  int32_t raw_axis = options != nullptr ? options->axis() : 0;
  if (context.num_inputs() == 2) EMBER_RETURN_IF_ERROR(ReadArgMinMaxAxisInput(context, &raw_axis));
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, in.rank, &axis),
                    "axis %" PRId32 " is out of range for input 0 of rank %" PRId32, raw_axis,
                    in.rank);
  // An empty axis has no index to give.
  EMBER_CHECK_MODEL(context, in.dims[axis] > 0, "input 0 has no elements along axis %" PRId32,
                    axis);
  const bool keep_dims = options != nullptr && options->keep_dims();
  int32_t out_dims[kMaxRank];
  int32_t out_rank = 0;
  for (int d = 0; d < in.rank; ++d) {
    if (d != axis) {
      out_dims[out_rank++] = in.dims[d];
    } else if (keep_dims) {
      out_dims[out_rank++] = 1;
    }
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, out_rank));

  auto* data = context.AllocateOpData<ArgMinMaxOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->outer = 1;
  for (int d = 0; d < axis; ++d) data->outer *= in.dims[d];
  data->axis_size = in.dims[axis];
  data->inner = 1;
  for (int d = axis + 1; d < in.rank; ++d) data->inner *= in.dims[d];
  data->select_last_index = options != nullptr && options->select_last_index();
  return Status::kOk;
}

// True when `candidate` replaces `best`: strictly better keeps the first of
// equal values, better-or-equal takes the last.
template <typename T>
inline bool ArgReplaces(ArgPick pick, bool select_last_index, T candidate, T best) {
  if (pick == ArgPick::kMax) return select_last_index ? candidate >= best : candidate > best;
  return select_last_index ? candidate <= best : candidate < best;
}

template <typename T, typename Index>
inline void ArgMinMaxTyped(const ArgMinMaxOpData& data, ArgPick pick, const T* input,
                           Index* output) {
  for (int32_t o = 0; o < data.outer; ++o) {
    const T* slab = input + static_cast<int64_t>(o) * data.axis_size * data.inner;
    for (int32_t i = 0; i < data.inner; ++i) {
      T best = slab[i];
      int32_t best_index = 0;
      for (int32_t k = 1; k < data.axis_size; ++k) {
        const T candidate = slab[static_cast<int64_t>(k) * data.inner + i];
        if (ArgReplaces(pick, data.select_last_index, candidate, best)) {
          best = candidate;
          best_index = k;
        }
      }
      output[static_cast<int64_t>(o) * data.inner + i] = static_cast<Index>(best_index);
    }
  }
}

template <typename T>
inline void ArgMinMaxToOutput(const ArgMinMaxOpData& data, ArgPick pick, const TensorView& in,
                              const TensorView& out) {
  if (out.type == TensorType::INT64) {
    ArgMinMaxTyped(data, pick, in.data_as<const T>(), out.data_as<int64_t>());
  } else {
    ArgMinMaxTyped(data, pick, in.data_as<const T>(), out.data_as<int32_t>());
  }
}

inline Status EvalArgMinMax(OpContext& context, ArgPick pick) {
  const ArgMinMaxOpData& data = *context.op_data_as<ArgMinMaxOpData>();
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  switch (in.type) {
    case TensorType::FLOAT32:
      ArgMinMaxToOutput<float>(data, pick, in, out);
      break;
    case TensorType::INT8:
      ArgMinMaxToOutput<int8_t>(data, pick, in, out);
      break;
    case TensorType::INT16:
      ArgMinMaxToOutput<int16_t>(data, pick, in, out);
      break;
    default:
      ArgMinMaxToOutput<int32_t>(data, pick, in, out);
      break;
  }
  return Status::kOk;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_ARG_MIN_MAX_H_
