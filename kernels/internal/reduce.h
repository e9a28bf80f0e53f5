// The shared shape of the reductions (Mean, Sum, ReduceMax): axes from
// ReducerOptions (negative or repeated axes allowed, none = identity copy),
// keep_dims, the output shape, and a plan that maps every input element
// to the output element it folds into. Each op's file supplies the initial
// value, the combining step and any final scaling.
//
// Float reductions accumulate in float, in input order, directly in the output
// buffer, so they need no scratch; the price is rounding error that grows with
// the number of elements folded (about n * 2^-24 relative in the worst case),
// which is what a float32 model gets from other runtimes too.
//
// Int8 and int16 Mean and Sum follow TFLite Micro's QuantizedMeanOrSum bit for
// bit: the raw stored values are summed in int32 (wrapping, in a scratch
// buffer of one int32 per output), the sum is shifted to the input's zero
// point (sum - n * zp_in, wrapping too), and scaled to the output with the
// multiplier in_scale / out_scale (split in Prepare, in double). Mean folds
// 1/n into that multiplier in Prepare exactly as TFLite does: with
// k = min(floor(log2 n), 32, 31 + exponent) the mantissa becomes
// (mantissa << k) / n (truncating) and the exponent exponent - k. The result
// takes TFLite's fixed-point multiply (see Rescale in quantized_copy.h), the
// output zero point and a clamp: within 1 of the correctly rounded mean or
// sum (the truncated 1/n multiplier errs by under 2^-29 relative). TFLite
// uses this one path whether or not the input and output share their
// quantization (also for 4-D means over H and W).
#ifndef EMBER_KERNELS_INTERNAL_REDUCE_H_
#define EMBER_KERNELS_INTERNAL_REDUCE_H_

#include <inttypes.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "kernels/internal/common.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/quantized_copy.h"

namespace ember::kernels {

struct ReducePlan {
  int32_t rank;
  int32_t dims[kMaxRank];
  // Step in the output per step along each input dim; 0 along reduced axes.
  int32_t out_strides[kMaxRank];
  int32_t input_count;
  int32_t output_count;
  // Input elements folded into each output element (0 for an empty axis).
  int32_t reduced_count;
};

// Op data of every reduction: the plan, and for int8 / int16 Mean and Sum
// the rescaling of the sums and the scratch buffer index of the int32 sums.
struct ReduceOpData {
  ReducePlan plan;
  QuantizedMultiplier multiplier;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t sums_scratch;
};

// The element types a reduction accepts besides float32.
struct ReduceTypes {
  bool int32;
  bool int8;
  bool int16;
};

// Validates one input reduced to one output of the same type, sets the output
// shape (reducing every dim without keep_dims gives a scalar), allocates the
// op data and fills its plan. `types` lists the types admitted besides
// float32 (int32 for shape arithmetic); int8 and int16 tensors must carry
// valid activation quantization (per tensor; int16 with zero point 0).
inline Status PrepareReduce(OpContext& context, ReduceTypes types, ReduceOpData** data_out) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input and 1 output (axes come from ReducerOptions), has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  const TensorType out_type = context.output(0).type;
  EMBER_CHECK_MODEL(context, in.type == out_type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out_type));
  const bool supported =
      in.type == TensorType::FLOAT32 || (types.int32 && in.type == TensorType::INT32) ||
      (types.int8 && in.type == TensorType::INT8) || (types.int16 && in.type == TensorType::INT16);
  if (!supported) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported",
                      TensorTypeName(in.type));
  }
  if (IsInt8OrInt16(in.type)) {
    QuantParams unused;
    EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, in, "input 0", &unused));
    EMBER_RETURN_IF_ERROR(
        ReadQuantizedActivation(context, context.output(0), "output 0", &unused));
  }
  const auto* options = context.op().options_as_ReducerOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "ReducerOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));

  bool reduced[kMaxRank] = {false};
  if (options->axes() != nullptr) {
    for (uint32_t i = 0; i < options->axes()->size(); ++i) {
      const int32_t axis = options->axes()->Get(i);
      int32_t normalized = 0;
      EMBER_CHECK_MODEL(context, NormalizeAxis(axis, in.rank, &normalized),
                        "axes[%" PRIu32 "] = %" PRId32 " is out of range for input rank %" PRId32,
                        i, axis, in.rank);
      reduced[normalized] = true;
    }
  }
  const bool keep_dims = options->keep_dims();

  int32_t out_dims[kMaxRank];
  int32_t out_rank = 0;
  for (int d = 0; d < in.rank; ++d) {
    if (!reduced[d]) {
      out_dims[out_rank++] = in.dims[d];
    } else if (keep_dims) {
      out_dims[out_rank++] = 1;
    }
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, out_rank));
  const TensorView out = context.output(0);

  auto* data = context.AllocateOpData<ReduceOpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  ReducePlan* plan = &data->plan;
  plan->rank = in.rank;
  plan->reduced_count = 1;
  int32_t out_stride = 1;
  for (int d = in.rank - 1; d >= 0; --d) {
    plan->dims[d] = in.dims[d];
    if (reduced[d]) {
      plan->out_strides[d] = 0;
      plan->reduced_count *= in.dims[d];
    } else {
      plan->out_strides[d] = out_stride;
      out_stride *= in.dims[d];
    }
  }
  plan->input_count = static_cast<int32_t>(in.num_elements());
  plan->output_count = static_cast<int32_t>(out.num_elements());
  *data_out = data;
  return Status::kOk;
}

// For int8 / int16 Mean (`mean`) and Sum, after PrepareReduce: the rescaling
// of the sums (see the top of this file) and their scratch buffer.
inline Status PrepareQuantizedMeanOrSum(OpContext& context, bool mean, ReduceOpData* data) {
  QuantParams in;
  QuantParams out;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.input(0), "input 0", &in));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, context.output(0), "output 0", &out));
  QuantizedMultiplier m =
      QuantizeMultiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
  const int64_t n = data->plan.reduced_count;
  if (mean && n > 0) {
    int32_t k = 0;
    while ((n >> (k + 1)) != 0) ++k;  // floor(log2 n)
    if (k > 32) k = 32;
    if (k > 31 + m.shift) k = 31 + m.shift;
    m.multiplier = static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << k) / n);
    m.shift -= k;
  }
  data->multiplier = m;
  data->input_zero_point = in.zero_point;
  data->output_zero_point = out.zero_point;
  int index = 0;
  EMBER_RETURN_IF_ERROR(context.RequestScratch(
      static_cast<size_t>(data->plan.output_count) * sizeof(int32_t), &index));
  data->sums_scratch = index;
  return Status::kOk;
}

// The number of input elements per output element if the plan reduces
// exactly the innermost axes (each output then folds one contiguous run of
// the input), else 0.
inline int32_t TrailingRunLength(const ReducePlan& plan) {
  int d = plan.rank - 1;
  int32_t run = 1;
  for (; d >= 0 && plan.out_strides[d] == 0; --d) run *= plan.dims[d];
  for (; d >= 0; --d) {
    if (plan.out_strides[d] == 0) return 0;
  }
  return run;
}

// Folds each run of `run` inputs into its output, four outputs at a time:
// each output's fold is the same in-order chain, and the four independent
// chains overlap in the pipeline.
template <typename In, typename Acc, typename Combine>
inline void ReduceRunsInto(const In* in, int32_t outputs, int32_t run, Acc* out, Acc init,
                           Combine combine) {
  constexpr int kChains = 4;
  int32_t o = 0;
  for (; o + kChains <= outputs; o += kChains) {
    Acc acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = init;
    const In* first = in + static_cast<int64_t>(o) * run;
    for (int32_t k = 0; k < run; ++k) {
      for (int c = 0; c < kChains; ++c) acc[c] = combine(acc[c], first[c * run + k]);
    }
    for (int c = 0; c < kChains; ++c) out[o + c] = acc[c];
  }
  for (; o < outputs; ++o) {
    Acc acc = init;
    const In* first = in + static_cast<int64_t>(o) * run;
    for (int32_t k = 0; k < run; ++k) acc = combine(acc, first[k]);
    out[o] = acc;
  }
}

// Sets every output element to `init`, then folds each input element into its
// output element with acc = combine(acc, value), in input order. A plan that
// reduces exactly the innermost axes folds each output's contiguous run
// (ReduceRunsInto); otherwise the innermost dim runs as a plain loop, folded
// into one output element when it is reduced and elementwise into a run of
// outputs when it is not, and the carry walk moves between runs only.
template <typename In, typename Acc, typename Combine>
inline void ReduceInto(const ReducePlan& plan, const In* in, Acc* out, Acc init, Combine combine) {
  const int32_t trailing_run = plan.input_count == 0 ? 0 : TrailingRunLength(plan);
  if (trailing_run > 0) {
    ReduceRunsInto(in, plan.output_count, trailing_run, out, init, combine);
    return;
  }
  for (int32_t o = 0; o < plan.output_count; ++o) out[o] = init;
  if (plan.input_count == 0) return;
  const int inner = plan.rank - 1;
  const int32_t run = inner >= 0 ? plan.dims[inner] : 1;
  const bool run_reduced = inner >= 0 && plan.out_strides[inner] == 0;
  int32_t index[kMaxRank] = {0};
  int32_t out_index = 0;
  for (int32_t i = 0; i < plan.input_count; i += run) {
    const In* in_run = in + i;
    if (run_reduced) {
      Acc acc = out[out_index];
      for (int32_t k = 0; k < run; ++k) acc = combine(acc, in_run[k]);
      out[out_index] = acc;
    } else {
      Acc* out_run = out + out_index;
      for (int32_t k = 0; k < run; ++k) out_run[k] = combine(out_run[k], in_run[k]);
    }
    for (int d = inner - 1; d >= 0; --d) {
      out_index += plan.out_strides[d];
      if (++index[d] < plan.dims[d]) break;
      out_index -= plan.out_strides[d] * plan.dims[d];
      index[d] = 0;
    }
  }
}

// Eval of int8 / int16 Mean and Sum (T is the element type).
template <typename T>
inline void EvalQuantizedMeanOrSum(OpContext& context, const ReduceOpData& data) {
  const ReducePlan& plan = data.plan;
  T* out = context.output(0).data_as<T>();
  // Like TFLite, an empty reduction (or input) leaves zeros, not the zero
  // point.
  if (plan.reduced_count == 0 || plan.input_count == 0) {
    for (int32_t o = 0; o < plan.output_count; ++o) out[o] = 0;
    return;
  }
  // Unsigned sums wrap like TFLite's int32 ones do, without undefined
  // behavior.
  auto* sums = static_cast<uint32_t*>(context.scratch(data.sums_scratch));
  ReduceInto<T, uint32_t>(plan, context.input(0).data_as<const T>(), sums, 0u,
                          [](uint32_t acc, T value) {
                            return acc + static_cast<uint32_t>(static_cast<int32_t>(value));
                          });
  const uint32_t offset =
      static_cast<uint32_t>(data.input_zero_point) * static_cast<uint32_t>(plan.reduced_count);
  const int32_t min = sizeof(T) == 1 ? -128 : -32768;
  const int32_t max = sizeof(T) == 1 ? 127 : 32767;
  for (int32_t o = 0; o < plan.output_count; ++o) {
    const int32_t centered = static_cast<int32_t>(sums[o] - offset);
    const int64_t value =
        int64_t{MultiplyByQuantizedMultiplier(centered, data.multiplier)} + data.output_zero_point;
    out[o] = static_cast<T>(value < min ? min : (value > max ? max : value));
  }
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_REDUCE_H_
