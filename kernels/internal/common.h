// Helpers shared by several kernels: fused activations, convolution-style
// output sizes and padding, broadcasting and shape checks. Header-only so each
// kernel pulls in only what it uses.
#ifndef EMBER_KERNELS_INTERNAL_COMMON_H_
#define EMBER_KERNELS_INTERNAL_COMMON_H_

#include <math.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "schema/ember_generated.h"

namespace ember::kernels {

struct FloatRange {
  float min;
  float max;
};

inline FloatRange ActivationRange(schema::Activation activation) {
  switch (activation) {
    case schema::Activation::RELU: return {0.0f, INFINITY};
    case schema::Activation::RELU6: return {0.0f, 6.0f};
    case schema::Activation::RELU_N1_TO_1: return {-1.0f, 1.0f};
    case schema::Activation::NONE: break;
  }
  return {-INFINITY, INFINITY};
}

// Marks a float hot loop to be compiled twice on x86-64 hosts with GCC: for
// AVX2 and for the baseline, the dynamic loader picking the one the CPU
// runs. Other targets (and clang) get the one build their flags ask for.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define EMBER_HOST_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
constexpr bool kHostSimdClones = true;
#else
#define EMBER_HOST_SIMD_CLONES
constexpr bool kHostSimdClones = false;
#endif
// For the loops a EMBER_HOST_SIMD_CLONES function calls: inlined, they are
// compiled for each clone's instruction set.
#if defined(__GNUC__)
#define EMBER_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define EMBER_ALWAYS_INLINE inline
#endif

inline float Clamp(float value, FloatRange range) {
  return value < range.min ? range.min : (value > range.max ? range.max : value);
}

// Output size and leading padding of one spatial dimension of a windowed op
// (TensorFlow's SAME/VALID rules, or explicit padding).
struct WindowDim {
  int32_t output;
  int32_t pad_before;
};

inline bool ComputeWindowDim(int32_t input, int32_t filter, int32_t stride, int32_t dilation,
                             schema::Padding padding, int32_t explicit_before,
                             int32_t explicit_after, WindowDim* out) {
  if (stride <= 0 || dilation <= 0 || filter <= 0 || input < 0) return false;
  const int64_t effective = int64_t{dilation} * (filter - 1) + 1;
  switch (padding) {
    case schema::Padding::SAME: {
      const int64_t output = (int64_t{input} + stride - 1) / stride;
      const int64_t needed = (output - 1) * stride + effective - input;
      out->output = static_cast<int32_t>(output);
      out->pad_before = static_cast<int32_t>(needed > 0 ? needed / 2 : 0);
      return true;
    }
    case schema::Padding::VALID: {
      const int64_t span = int64_t{input} - effective + 1;
      out->output = static_cast<int32_t>(span <= 0 ? 0 : (span + stride - 1) / stride);
      out->pad_before = 0;
      return true;
    }
    case schema::Padding::EXPLICIT: {
      if (explicit_before < 0 || explicit_after < 0) return false;
      const int64_t span = int64_t{input} + explicit_before + explicit_after - effective + 1;
      out->output = static_cast<int32_t>(span <= 0 ? 0 : (span + stride - 1) / stride);
      out->pad_before = explicit_before;
      return true;
    }
  }
  return false;
}

// Reads explicit padding (top, bottom, left, right) from an options vector;
// zeros when absent. An empty vector counts as absent: a flatbuffers writer
// may store an unset list as empty instead of leaving it out. Returns false
// for any length other than 0 or 4.
inline bool ReadExplicitPadding(const flatbuffers::Vector<int32_t>* values, int32_t out[4]) {
  for (int i = 0; i < 4; ++i) out[i] = 0;
  if (values == nullptr || values->size() == 0) return true;
  if (values->size() != 4) return false;
  for (int i = 0; i < 4; ++i) out[i] = values->Get(static_cast<uint32_t>(i));
  return true;
}

inline bool HasShape(const TensorView& view, int rank) { return view.present() && view.rank == rank; }

// Walks a broadcast of kOperands inputs to an output of up to kMaxRank dims.
// The input strides are 0 along broadcast dimensions, so one loop serves all
// shapes.
template <int kOperands>
struct BroadcastPlanOf {
  int32_t rank;
  int32_t dims[kMaxRank];
  int64_t strides[kOperands][kMaxRank];
};
// Binary ops (two inputs), the common case.
using BroadcastPlan = BroadcastPlanOf<2>;

// Fills `plan` for `inputs` and output `out` (numpy rules, aligned at the
// trailing dimension). Returns false if the shapes do not broadcast to out.
template <int kOperands>
inline bool MakeBroadcastPlan(const TensorView (&inputs)[kOperands], const TensorView& out,
                              BroadcastPlanOf<kOperands>* plan) {
  for (const TensorView& input : inputs) {
    if (input.rank > out.rank) return false;
  }
  plan->rank = out.rank;
  int64_t strides[kOperands];
  for (int64_t& stride : strides) stride = 1;
  for (int d = out.rank - 1; d >= 0; --d) {
    const int32_t o_dim = out.dims[d];
    bool some_input_spans = o_dim == 1;
    for (int k = 0; k < kOperands; ++k) {
      const int index = d - (out.rank - inputs[k].rank);
      const int32_t dim = index >= 0 ? inputs[k].dims[index] : 1;
      if (dim != o_dim && dim != 1) return false;
      some_input_spans = some_input_spans || dim == o_dim;
      plan->strides[k][d] = dim == 1 ? 0 : strides[k];
      strides[k] *= dim;
    }
    if (!some_input_spans) return false;
    plan->dims[d] = o_dim;
  }
  return true;
}

inline bool MakeBroadcastPlan(const TensorView& a, const TensorView& b, const TensorView& out,
                              BroadcastPlan* plan) {
  const TensorView inputs[2] = {a, b};
  return MakeBroadcastPlan(inputs, out, plan);
}

// The numpy broadcast of the inputs' shapes; false if they do not broadcast.
template <int kOperands>
inline bool BroadcastShape(const TensorView (&inputs)[kOperands], int32_t* dims, int32_t* rank) {
  *rank = 0;
  for (const TensorView& input : inputs) *rank = input.rank > *rank ? input.rank : *rank;
  for (int d = 0; d < *rank; ++d) {
    dims[d] = 1;
    for (const TensorView& input : inputs) {
      const int index = d - (*rank - input.rank);
      const int32_t dim = index >= 0 ? input.dims[index] : 1;
      if (dim == 1) continue;
      if (dims[d] != 1 && dims[d] != dim) return false;
      dims[d] = dim;
    }
  }
  return true;
}

inline bool BroadcastShape(const TensorView& a, const TensorView& b, int32_t* dims,
                           int32_t* rank) {
  const TensorView inputs[2] = {a, b};
  return BroadcastShape(inputs, dims, rank);
}

// Calls fn(input indices..., out_index) for every output element, in order.
template <int kOperands, typename Fn>
inline void ForEachBroadcast(const BroadcastPlanOf<kOperands>& plan, Fn fn) {
  static_assert(kOperands == 2 || kOperands == 3, "binary or ternary broadcasts");
  int64_t total = 1;
  for (int d = 0; d < plan.rank; ++d) total *= plan.dims[d];
  if (total == 0) return;
  // The innermost dimension runs as a plain counted loop (the operands'
  // strides there are 0 or 1); the carry walk only moves between rows.
  const int inner = plan.rank - 1;
  const int32_t run = inner >= 0 ? plan.dims[inner] : 1;
  int64_t run_strides[kOperands];
  for (int k = 0; k < kOperands; ++k) run_strides[k] = inner >= 0 ? plan.strides[k][inner] : 0;
  int32_t index[kMaxRank] = {0};
  int64_t offsets[kOperands] = {0};
  // Binary runs are mostly contiguous in both operands (same shapes, or a
  // broadcast along an outer dimension): those get a loop with constant
  // strides, which the compiler vectorizes. (Loops for one operand repeated
  // too would cost about 1 KB of code per op on a Cortex-M for little gain.)
  const bool both_contiguous = kOperands == 2 && run_strides[0] == 1 && run_strides[1] == 1;
  for (int64_t out_index = 0; out_index < total; out_index += run) {
    if constexpr (kOperands == 2) {
      if (both_contiguous) {
        for (int32_t i = 0; i < run; ++i) fn(offsets[0] + i, offsets[1] + i, out_index + i);
      } else {
        for (int32_t i = 0; i < run; ++i) {
          fn(offsets[0] + i * run_strides[0], offsets[1] + i * run_strides[1], out_index + i);
        }
      }
    } else {
      for (int32_t i = 0; i < run; ++i) {
        fn(offsets[0] + i * run_strides[0], offsets[1] + i * run_strides[1],
           offsets[2] + i * run_strides[2], out_index + i);
      }
    }
    for (int d = inner - 1; d >= 0; --d) {
      ++index[d];
      for (int k = 0; k < kOperands; ++k) offsets[k] += plan.strides[k][d];
      if (index[d] < plan.dims[d]) break;
      for (int k = 0; k < kOperands; ++k) offsets[k] -= plan.strides[k][d] * plan.dims[d];
      index[d] = 0;
    }
  }
}

// ForEachBroadcast of two operands a run at a time: fn(a_index, a_stride,
// b_index, b_stride, out_index, count) for each run of the innermost
// dimension (strides 0 or 1), in order, for loops that want a run whole
// (to vectorize it).
template <typename Fn>
inline void ForEachBroadcastRun(const BroadcastPlanOf<2>& plan, Fn fn) {
  int64_t total = 1;
  for (int d = 0; d < plan.rank; ++d) total *= plan.dims[d];
  if (total == 0) return;
  const int inner = plan.rank - 1;
  const int32_t run = inner >= 0 ? plan.dims[inner] : 1;
  const int64_t a_stride = inner >= 0 ? plan.strides[0][inner] : 0;
  const int64_t b_stride = inner >= 0 ? plan.strides[1][inner] : 0;
  int32_t index[kMaxRank] = {0};
  int64_t offsets[2] = {0, 0};
  for (int64_t out_index = 0; out_index < total; out_index += run) {
    fn(offsets[0], a_stride, offsets[1], b_stride, out_index, run);
    for (int d = inner - 1; d >= 0; --d) {
      ++index[d];
      for (int k = 0; k < 2; ++k) offsets[k] += plan.strides[k][d];
      if (index[d] < plan.dims[d]) break;
      for (int k = 0; k < 2; ++k) offsets[k] -= plan.strides[k][d] * plan.dims[d];
      index[d] = 0;
    }
  }
}

// Normalizes a possibly negative axis against `rank`; false if out of range.
inline bool NormalizeAxis(int32_t axis, int32_t rank, int32_t* out) {
  if (axis < -rank || axis >= rank) return false;
  *out = axis < 0 ? axis + rank : axis;
  return true;
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_COMMON_H_
