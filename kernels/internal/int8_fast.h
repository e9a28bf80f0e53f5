// Building blocks of the int8 fast paths of the ops with weights (Conv2D,
// DepthwiseConv2D, FullyConnected; weighted_op.h). Each op keeps its
// reference loop (TFLite Micro's, written out plainly) and picks the fast
// path in Prepare; both give the same bits.
//
// The algebra. TFLite Micro sums w * (x + input_offset) over the taps of a
// window that fall inside the image, adds the bias and requantizes. The sums
// wrap in 32 bits (RequantizeSum in weighted_op.h), so regrouping them is
// exact:
//
//   bias + sum w * (x + input_offset) = (bias + input_offset * sum w) + sum w * x
//
// For a window wholly inside the image (and for FullyConnected with more
// than one row) sum w runs over all the channel's weights: the fast paths
// take it once per output channel and Eval, fold it into the bias, and the
// inner loops multiply raw int8 values. Windows that cross the padding keep
// the offset per element over their in-image taps (a padded cell is a real
// 0, not the zero point), as does a single FullyConnected row (summing the
// weights would cost as much). Nothing is kept between Evals, so the fast
// paths need no more arena than the reference ones.
//
// Folding saves an add and a sign extension per input value in the inner
// loops of scalar cores (KWS on a Cortex-M4: 19% fewer instructions than
// without it). GCC's x86 vectorizer handles the per-element offset better
// (int16 products become pmaddwd, int8 ones do not), so x86 hosts give up
// some of their speed here (KWS: 23% more instructions than with the offset
// everywhere): the cores the runtime is for come first. bench/INT8_KERNELS.md
// has the numbers. FullyConnected, where the batched rows of recurrent models
// spend their time, adds the offset per element on hosts with SIMD clones
// (kFoldInputOffset in fully_connected.cc).
//
// Blocking. The loops run over output channels in blocks of kInt8Block with
// the pixels (or rows) inside: the block's folded biases and requantization
// constants are computed once, each input value loaded feeds kInt8Block
// scalar accumulators, and the weights run contiguously (a filter row
// kw * Cin long in Conv2D, a weight row in FullyConnected). The block is
// what the registers of a Cortex-M hold; on bigger cores compilers
// vectorize the same loops. DepthwiseConv2D runs chunks of 8 channels.
//
// Requantization. ScaleInt8Sum is TFLite's MultiplyByQuantizedMultiplier
// rewritten as a single rounding of a 64-bit product with per-channel
// constants (the derivation is beside it); the tests compare the two over
// the whole range of sums and shifts.
//
// This header needs no gemmlowp (the tests include it): multipliers come in
// as QuantizedMultiplier's two fields.
#ifndef EMBER_KERNELS_INTERNAL_INT8_FAST_H_
#define EMBER_KERNELS_INTERNAL_INT8_FAST_H_

#include <stdint.h>

#include "interpreter/kernel.h"

// EMBER_INT8_FAST_PATHS=0 builds the ops with their reference loops only:
// the same results from less code (about 19 KB less for the three ops at
// -O3 on a Cortex-M4F), at about 3x the instructions (bench/INT8_KERNELS.md).
#ifndef EMBER_INT8_FAST_PATHS
#define EMBER_INT8_FAST_PATHS 1
#endif

namespace ember::kernels {

constexpr bool kInt8FastPaths = EMBER_INT8_FAST_PATHS;

// Output channels per block (accumulators in the inner loops) of Conv2D and
// FullyConnected: 4, but 2 on ARMv6-M (Cortex-M0/M0+/M1), whose 8 low
// registers do not hold 4 accumulators with their weight pointers (GCC's
// inner loop there: 7.5 instructions per multiply-add with 4, 5 with 2).
// Channels left over run in a block of 2, then singly.
#if defined(__ARM_ARCH_6M__)
constexpr int kInt8Block = 2;
#else
constexpr int kInt8Block = 4;
#endif

// One channel's multiplier, ready for ScaleInt8Sum.
struct Int8Scale {
  int64_t round;         // 2^30, plus 2^(30 + right shift) with a right shift
  int64_t negative_fix;  // 2^31 with a right shift, else 0
  int32_t multiplier;    // Q31 mantissa
  int32_t left_shift;
  int32_t total_shift;  // 31 + right shift
};

// From a QuantizedMultiplier's multiplier (a Q31 mantissa, or 0) and shift
// (-31..30).
inline Int8Scale MakeInt8Scale(int32_t multiplier, int32_t shift) {
  const int32_t right_shift = shift > 0 ? 0 : -shift;
  Int8Scale s;
  s.round = (int64_t{1} << 30) + (right_shift > 0 ? int64_t{1} << (30 + right_shift) : 0);
  s.negative_fix = right_shift > 0 ? int64_t{1} << 31 : 0;
  s.multiplier = multiplier;
  s.left_shift = shift > 0 ? shift : 0;
  s.total_shift = 31 + right_shift;
  return s;
}

// MultiplyByQuantizedMultiplier(sum, m), bit for bit, as one rounding of the
// 64-bit product p = (sum << left_shift) * multiplier:
//
//  - gemmlowp's SaturatingRoundingDoublingHighMul adds a nudge to p and
//    divides by 2^31 truncating toward zero; the nudge is 2^30 for p >= 0,
//    giving h = floor((p + 2^30) / 2^31), and 1 - 2^30 for p < 0, where
//    truncating the negative (p + 1 - 2^30) / 2^31 rounds up, and
//    ceil(n / 2^31) = floor((n + 2^31 - 1) / 2^31) gives the same h. Its
//    saturating case (both operands INT32_MIN) cannot occur: multipliers
//    are not negative.
//  - RoundingDivideByPOT(h, r) (half away from zero) is
//    floor((h + 2^(r-1) - [h < 0]) / 2^r) for r >= 1, and h < 0 exactly
//    when p < -2^30.
//  - floor((floor(a / 2^31) + c) / 2^r) = floor((a + c * 2^31) / 2^(31 + r))
//    for an integer c, so both are one floor of p + round - [p < -2^30] *
//    negative_fix by 2^total_shift. |p| < 2^62 and round <= 2^30 + 2^61,
//    so nothing overflows.
inline int32_t ScaleInt8Sum(uint32_t sum, const Int8Scale& s) {
  const int32_t shifted = static_cast<int32_t>(sum << s.left_shift);
  const int64_t product = int64_t{shifted} * s.multiplier;
  const int64_t fix = product < -(int64_t{1} << 30) ? s.negative_fix : 0;
  return static_cast<int32_t>((product + s.round - fix) >> s.total_shift);
}

// The output zero point and the activation range, the range taken before
// adding the zero point so nothing overflows: clamping v + zp to [min, max]
// is clamping v to [min - zp, max - zp], then adding zp.
struct Int8OutputStage {
  int32_t zero_point;
  int32_t low;
  int32_t high;
};

inline Int8OutputStage MakeInt8OutputStage(int32_t zero_point, int32_t activation_min,
                                           int32_t activation_max) {
  return {zero_point, activation_min - zero_point, activation_max - zero_point};
}

// Requantize(sum, ...) of quantization.h.
inline int8_t RequantizeInt8(uint32_t sum, const Int8Scale& scale, const Int8OutputStage& out) {
  int32_t value = ScaleInt8Sum(sum, scale);
  value = value < out.low ? out.low : (value > out.high ? out.high : value);
  return static_cast<int8_t>(value + out.zero_point);
}

// On ARMv6-M the dot products below stay out of line: inlined into the loops
// around them, GCC runs out of the 8 low registers and spills their
// pointers (7.5 instructions per multiply-add instead of 5).
#if defined(__ARM_ARCH_6M__) && defined(__GNUC__)
#define EMBER_INT8_DOTS_ATTRIBUTES __attribute__((noinline))
#else
#define EMBER_INT8_DOTS_ATTRIBUTES
#endif

// acc[j] += sum over i < n of (x[i] + offset) * w[j * w_stride + i], for
// j < kBlock (4, 2 or 1), in wrapping 32-bit arithmetic. Without
// kOffset the offset is 0 and not added. x[i] + offset lies in
// [-255, 255]; taken as int16 it lets compilers vectorize the products as
// 16-bit multiply-adds (x86's pmaddwd).
template <int kBlock, bool kOffset>
EMBER_INT8_DOTS_ATTRIBUTES inline void AccumulateInt8Dots(const int8_t* x, const int8_t* w, int32_t w_stride, int32_t n,
                               int32_t offset, uint32_t* acc) {
  static_assert(kBlock == 4 || kBlock == 2 || kBlock == 1, "blocks of 4, 2 or 1");
  if constexpr (kBlock == 4) {
    const int8_t* w0 = w;
    const int8_t* w1 = w0 + w_stride;
    const int8_t* w2 = w1 + w_stride;
    const int8_t* w3 = w2 + w_stride;
    uint32_t a0 = acc[0];
    uint32_t a1 = acc[1];
    uint32_t a2 = acc[2];
    uint32_t a3 = acc[3];
    for (int32_t i = 0; i < n; ++i) {
      const int16_t xi = kOffset ? static_cast<int16_t>(x[i] + offset) : x[i];
      a0 += static_cast<uint32_t>(xi * w0[i]);
      a1 += static_cast<uint32_t>(xi * w1[i]);
      a2 += static_cast<uint32_t>(xi * w2[i]);
      a3 += static_cast<uint32_t>(xi * w3[i]);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
  } else if constexpr (kBlock == 2) {
    const int8_t* w0 = w;
    const int8_t* w1 = w0 + w_stride;
    uint32_t a0 = acc[0];
    uint32_t a1 = acc[1];
    for (int32_t i = 0; i < n; ++i) {
      const int16_t xi = kOffset ? static_cast<int16_t>(x[i] + offset) : x[i];
      a0 += static_cast<uint32_t>(xi * w0[i]);
      a1 += static_cast<uint32_t>(xi * w1[i]);
    }
    acc[0] = a0;
    acc[1] = a1;
  } else {
    (void)w_stride;
    uint32_t a0 = acc[0];
    for (int32_t i = 0; i < n; ++i) {
      const int16_t xi = kOffset ? static_cast<int16_t>(x[i] + offset) : x[i];
      a0 += static_cast<uint32_t>(xi * w[i]);
    }
    acc[0] = a0;
  }
}

// sums[j] = the sum of w[j * w_stride + i] over i < n, for j < kBlock.
template <int kBlock>
inline void SumInt8Rows(const int8_t* w, int32_t w_stride, int32_t n, uint32_t* sums) {
  for (int j = 0; j < kBlock; ++j) {
    const int8_t* row = w + j * w_stride;
    uint32_t sum = 0;
    for (int32_t i = 0; i < n; ++i) sum += static_cast<uint32_t>(int32_t{row[i]});
    sums[j] = sum;
  }
}

// The outputs [begin, end) along one axis whose windows lie wholly inside
// the input: start = o * stride - pad >= 0 and start + (taps - 1) * dilation
// <= size - 1.
struct InteriorRange {
  int32_t begin;
  int32_t end;
};

inline InteriorRange ComputeInteriorRange(int32_t outputs, int32_t size, int32_t taps,
                                          int32_t stride, int32_t dilation, int32_t pad) {
  // pad >= 0, stride >= 1 and taps >= 1 (Prepare's checks).
  const int64_t first = (int64_t{pad} + stride - 1) / stride;
  const int64_t last_start = int64_t{size} - 1 - int64_t{taps - 1} * dilation + pad;
  const int64_t end = last_start < 0 ? 0 : last_start / stride + 1;
  InteriorRange range;
  range.end = static_cast<int32_t>(end < outputs ? end : outputs);
  range.begin = static_cast<int32_t>(first < range.end ? first : range.end);
  return range;
}

// The taps [*begin, *end) of a window starting at `start` whose cells
// start + k * dilation fall inside [0, size): conv_shapes.h's ValidTaps,
// without divisions when dilation is 1.
inline void ValidTapRange(int32_t start, int32_t size, int32_t taps, int32_t dilation,
                          int32_t* begin, int32_t* end) {
  int32_t first = 0;
  int32_t last = 0;
  if (dilation == 1) {
    first = start < 0 ? -start : 0;
    last = size - start;
  } else {
    first = start < 0 ? (-start + dilation - 1) / dilation : 0;
    last = start >= size ? 0 : (size - start + dilation - 1) / dilation;
  }
  if (last > taps) last = taps;
  if (last < 0) last = 0;
  if (first > last) first = last;
  *begin = first;
  *end = last;
}

// For tests: the Prepare of each op with its int8 fast path switched off
// (the reference loop runs), to compare the two paths bit for bit with a
// Kernel {kConv2d.op, kConv2d.name, PrepareConv2dInt8Reference, kConv2d.eval}.
Status PrepareConv2dInt8Reference(OpContext& context);
Status PrepareDepthwiseConv2dInt8Reference(OpContext& context);
Status PrepareFullyConnectedInt8Reference(OpContext& context);

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_INT8_FAST_H_
