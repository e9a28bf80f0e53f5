// FullyConnected: out[r, o] = sum_i in[r, i] * weights[o, i] + bias[o], with a
// fused activation. The input [..., in] is read as [rows, in] (rows =
// elements / in); the output is [rows, out], or [..., out] with keep_num_dims.
//
// Type schemes (see weighted_op.h): float32; hybrid (float32 input, bias and
// output, int8 weights quantized symmetrically per output along dimension 0
// or per tensor: the sums of x * w_q run in float and are scaled per output,
// more accurate than TFLite's hybrid kernel, which quantizes the input); int8
// and int16x8, which follow TFLite Micro's reference kernels bit for bit.
//
// Int8: int8 input and output quantized per tensor (scales and zero points
// free), int8 weights quantized symmetrically per tensor or per output
// (along dimension 0), int32 bias. Each output is the integer sum of
// w * (x - input_zero_point) plus the bias, scaled by a fixed-point
// multiplier, offset by the output zero point and clamped to the fused
// activation's quantized range. EvalQuantized is the reference loop; int8
// runs EvalInt8Fast instead, same bits in a fraction of the instructions
// (int8_fast.h: dot products of 4 weight rows at a time).
//
// Int16x8: int16 input and output quantized per tensor with zero point 0
// (scales free), the weights as for int8, an int64 bias or none (64-bit
// sums) or an int32 bias (32-bit sums). Each output is the sum of w * x plus
// the bias, scaled as weighted_op.h describes and clamped to the activation's
// range. With 64-bit sums input scale * weight scale / output scale must be
// below 2^7.
#include <inttypes.h>

#include <type_traits>

#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/int8_fast.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/integer_only.h"
#include "kernels/internal/weighted_op.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kInput = 0;
constexpr int kWeights = 1;
constexpr int kBias = 2;

constexpr WeightsInfo kWeightsInfo = {"weights", "input 1 (weights)", "int8 weights", "output",
                                      "input 1 (weights)", "outputs (dim 0)",
                                      0,  // per-channel weight scales run along the outputs
                                      // Like TFLite Micro, with per-tensor weights the scale
                                      // product is taken in float first.
                                      true, false};  // int16: 32-bit sums with an int32 bias

struct OpData {
  int32_t rows;
  FloatRange activation;
  Int8WeightedParams quant;
  int32_t wide_sums;
  int32_t int8_fast;  // int8: 1 runs EvalInt8Fast, 0 the reference loop
  // int16 with 64-bit sums: 1 when every sum is known to stay within the
  // 2^47 that the wide requantization clamps to (EvalInt16Fast then skips
  // its clamps).
  int32_t bounded_wide_sums;
  // Followed in the same block by the multipliers (int8, int16) or the
  // weight scales (hybrid).
};

// True when the bias is absent, or constant with every value of magnitude
// below `bound`.
bool BiasesBelow(OpContext& context, int64_t bound) {
  const TensorView bias = context.input(kBias);
  if (!bias.present()) return true;
  if (!context.input_is_constant(kBias)) return false;
  for (int64_t i = 0; i < bias.num_elements(); ++i) {
    const int64_t value = bias.type == TensorType::INT64 ? bias.data_as<const int64_t>()[i]
                                                         : bias.data_as<const int32_t>()[i];
    if (value >= bound || value <= -bound) return false;
  }
  return true;
}

template <TypeSchemes kSchemes = TypeSchemes::kAll>
Status PrepareOp(OpContext& context, bool int8_fast) {
  EMBER_RETURN_IF_ERROR(CheckWeightedOperandCounts(context, kWeightsInfo));
  const TensorView input = context.input(kInput);
  const TensorView weights = context.input(kWeights);
  const TensorView bias = context.input(kBias);
  EMBER_CHECK_MODEL(context, input.present(), "input 0 (input) is required");
  EMBER_CHECK_MODEL(context, input.rank >= 1,
                    "input 0 (input) must have rank 1 or more, is rank 0");
  EMBER_RETURN_IF_ERROR(CheckDimsBounded(context, input, "input 0 (input)"));
  EMBER_RETURN_IF_ERROR(CheckRank(context, weights, 2, "input 1 (weights)"));
  const int32_t out_features = weights.dim(0);
  const int32_t in_features = weights.dim(1);
  EMBER_CHECK_MODEL(context, in_features >= 1,
                    "input 1 (weights) must have at least 1 input feature (dim 1), has %" PRId32,
                    in_features);
  EMBER_RETURN_IF_ERROR(CheckWeightedBias(context, bias, out_features, kWeightsInfo));
  const auto* options = context.op().options_as_FullyConnectedOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "options must be FullyConnectedOptions, are %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  FloatRange activation = {};
  EMBER_RETURN_IF_ERROR(ReadActivation(context, options->activation(), &activation));

  const int64_t elements = input.num_elements();
  EMBER_CHECK_MODEL(context, elements % in_features == 0,
                    "input 0 (input) has %" PRId32 " elements, not a multiple of the %" PRId32
                    " input features of input 1 (weights)",
                    static_cast<int32_t>(elements), in_features);
  const int32_t rows = static_cast<int32_t>(elements / in_features);
  int32_t shape[kMaxRank];
  int shape_rank;
  if (options->keep_num_dims()) {
    const int last = input.rank - 1;
    EMBER_CHECK_MODEL(context, input.dim(last) == in_features,
                      "with keep_num_dims, the last dim of input 0 (%" PRId32
                      ") must equal the input features of input 1 (weights) (%" PRId32 ")",
                      input.dim(last), in_features);
    for (int i = 0; i < last; ++i) shape[i] = input.dim(i);
    shape[last] = out_features;
    shape_rank = input.rank;
  } else {
    shape[0] = rows;
    shape[1] = out_features;
    shape_rank = 2;
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, shape, shape_rank));

  OpData* data = nullptr;
  EMBER_RETURN_IF_ERROR(
      PrepareWeightedOpData<kSchemes>(context, options->activation(), kWeightsInfo, &data));
  data->rows = rows;
  data->activation = activation;
  data->int8_fast = kInt8FastPaths && int8_fast && input.type == TensorType::INT8 ? 1 : 0;
  // Products of int16 and int8 values are below 2^22 in magnitude: with
  // fewer than 2^24 of them and constant biases below 2^46, every sum stays
  // within 2^47.
  data->bounded_wide_sums = kSchemes != TypeSchemes::kInt8 && input.type == TensorType::INT16 &&
                                    data->wide_sums &&
                                    in_features < (int32_t{1} << 24) &&
                                    BiasesBelow(context, int64_t{1} << 46)
                                ? 1
                                : 0;
  return Status::kOk;
}

Status Prepare(OpContext& context) { return PrepareOp(context, true); }

// Adds to out (rows x out_features) the dot products of every input row with
// every weight row: two rows and four outputs at a time share their loads.
// The outputs are the outer loop so that one block of weight rows is read
// from memory once and then from L1 for every input row (the model's weights
// are larger than L2; the input rows are small and stay cached).
template <int kBlock, typename Weight>
EMBER_ALWAYS_INLINE void AccumulateOutputBlock(const float* in, const Weight* weights,
                                               int32_t rows, int32_t in_features,
                                               int32_t out_features, float* out) {
  int32_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    AccumulateDotsInLanes<2, kBlock>(in + r * in_features, in_features, weights, in_features,
                                     in_features, out + r * out_features, out_features);
  }
  if (r < rows) {
    AccumulateDotsInLanes<1, kBlock>(in + r * in_features, in_features, weights, in_features,
                                     in_features, out + r * out_features, out_features);
  }
}

template <typename Weight>
EMBER_ALWAYS_INLINE void AccumulateRowDotsFor(const float* in, const Weight* weights, int32_t rows,
                                              int32_t in_features, int32_t out_features,
                                              float* out) {
  int32_t next = 0;
  for (; next + 4 <= out_features; next += 4) {
    AccumulateOutputBlock<4>(in, weights + next * in_features, rows, in_features, out_features,
                             out + next);
  }
  for (; next < out_features; ++next) {
    AccumulateOutputBlock<1>(in, weights + next * in_features, rows, in_features, out_features,
                             out + next);
  }
}

// The two weight types, each compiled for the host's wider SIMD too (see
// EMBER_HOST_SIMD_CLONES).
EMBER_HOST_SIMD_CLONES void AccumulateRowDots(const float* in, const float* weights, int32_t rows,
                                              int32_t in_features, int32_t out_features,
                                              float* out) {
  AccumulateRowDotsFor(in, weights, rows, in_features, out_features, out);
}

EMBER_HOST_SIMD_CLONES void AccumulateRowDots(const float* in, const int8_t* weights, int32_t rows,
                                              int32_t in_features, int32_t out_features,
                                              float* out) {
  AccumulateRowDotsFor(in, weights, rows, in_features, out_features, out);
}

// Weights are stored [out, in], so each output is a dot product of two
// contiguous rows. Float32
// weights (scales == nullptr) start the sums at the bias; hybrid ones
// (Weight int8_t) scale each sum by its output's scales[o * scale_stride],
// then add the bias.
template <typename Weight>
void EvalFloatOutput(OpContext& context, const OpData& data, const float* scales) {
  const TensorView weights_view = context.input(kWeights);
  const TensorView bias_view = context.input(kBias);
  const int32_t out_features = weights_view.dim(0);
  const int32_t in_features = weights_view.dim(1);
  const int32_t scale_stride = data.quant.multiplier_stride;
  const float* in = context.input(kInput).data_as<const float>();
  const Weight* weights = weights_view.data_as<const Weight>();
  const float* bias = bias_view.present() ? bias_view.data_as<const float>() : nullptr;
  float* out = context.output(0).data_as<float>();
  for (int32_t r = 0; r < data.rows; ++r) {
    float* out_row = out + r * out_features;
    for (int32_t o = 0; o < out_features; ++o) {
      out_row[o] = bias != nullptr && scales == nullptr ? bias[o] : 0.0f;
    }
  }
  AccumulateRowDots(in, weights, data.rows, in_features, out_features, out);
  for (int32_t r = 0; r < data.rows; ++r) {
    float* out_row = out + r * out_features;
    if (scales != nullptr) {
      for (int32_t o = 0; o < out_features; ++o) {
        out_row[o] = out_row[o] * scales[o * scale_stride] + (bias != nullptr ? bias[o] : 0.0f);
      }
    }
    for (int32_t o = 0; o < out_features; ++o) out_row[o] = Clamp(out_row[o], data.activation);
  }
}

void EvalFloat(OpContext& context, const OpData& data) {
  EvalFloatOutput<float>(context, data, nullptr);
}

void EvalHybrid(OpContext& context, const OpData& data) {
  EvalFloatOutput<int8_t>(context, data, WeightScales(data));
}

// The int8 (In int8_t, Bias int32_t, Sum uint32_t) and int16x8 (In int16_t,
// with int32 or int64 bias and sums) paths: TFLite's integer sums, wrapping
// as RequantizeSum describes, then its requantization.
template <typename In, typename Bias, typename Sum>
void EvalQuantized(OpContext& context, const OpData& data) {
  const TensorView weights_view = context.input(kWeights);
  const TensorView bias_view = context.input(kBias);
  const int32_t out_features = weights_view.dim(0);
  const int32_t in_features = weights_view.dim(1);
  const In* in = context.input(kInput).data_as<const In>();
  const int8_t* weights = weights_view.data_as<const int8_t>();
  const Bias* bias = bias_view.present() ? bias_view.data_as<const Bias>() : nullptr;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  const int32_t input_offset = data.quant.input_offset;
  In* out = context.output(0).data_as<In>();
  for (int32_t r = 0; r < data.rows; ++r) {
    const In* in_row = in + r * in_features;
    for (int32_t o = 0; o < out_features; ++o) {
      const int8_t* weight_row = weights + o * in_features;
      Sum acc = bias != nullptr ? static_cast<Sum>(bias[o]) : 0;
      for (int32_t i = 0; i < in_features; ++i) {
        acc += static_cast<Sum>(weight_row[i] * (in_row[i] + input_offset));
      }
      out[r * out_features + o] =
          RequantizeSum<In>(acc, multipliers[o * data.quant.multiplier_stride], data.quant);
    }
  }
}

// ---- The int8 fast path (int8_fast.h) ----------------------------------------

// Outputs [o, o + kBlock) of every row: dot products of the input row with
// kBlock contiguous weight rows. With more than one row the input offset is
// folded into the bias once; a single row adds it per input element, which
// costs no more than summing the weights would. Hosts with SIMD clones (x86)
// add it per element always: GCC proves raw int8 products fit 16 bits and
// multiplies them so, widening each product to add it (7 instructions per
// 16 products with AVX2), while offset inputs keep 32-bit products, which
// become 16-bit multiply-adds (vpmaddwd: 2 instructions per 16).
//
// Those hosts also keep the last inputs of a row out of the scalar loop the
// compiler leaves after its vectors: the row runs in whole multiples of
// kVectorTail values, and its last kVectorTail values once more against a
// copy of the block's weights that holds 0 where the multiples already
// counted them. The extra products are 0, so the sums are the same.
//
// And they run blocks of 4 channels two rows at a time: each weight vector
// loaded and widened once feeds both rows' sums (8 accumulators, which the
// 16 vector registers hold; scalar cores would spill them).
constexpr bool kFoldInputOffset = !kHostSimdClones;
constexpr int32_t kVectorTail = 32;

// AccumulateInt8Dots<4, true> for rows x0 and x1 at once, into acc0 and acc1.
EMBER_ALWAYS_INLINE void AccumulateInt8DotsTwoRows(const int8_t* x0, const int8_t* x1,
                                                   const int8_t* w, int32_t w_stride, int32_t n,
                                                   int32_t offset, uint32_t* acc0,
                                                   uint32_t* acc1) {
  const int8_t* w0 = w;
  const int8_t* w1 = w0 + w_stride;
  const int8_t* w2 = w1 + w_stride;
  const int8_t* w3 = w2 + w_stride;
  uint32_t a0 = acc0[0], a1 = acc0[1], a2 = acc0[2], a3 = acc0[3];
  uint32_t b0 = acc1[0], b1 = acc1[1], b2 = acc1[2], b3 = acc1[3];
  for (int32_t i = 0; i < n; ++i) {
    const int16_t u = static_cast<int16_t>(x0[i] + offset);
    const int16_t v = static_cast<int16_t>(x1[i] + offset);
    a0 += static_cast<uint32_t>(u * w0[i]);
    a1 += static_cast<uint32_t>(u * w1[i]);
    a2 += static_cast<uint32_t>(u * w2[i]);
    a3 += static_cast<uint32_t>(u * w3[i]);
    b0 += static_cast<uint32_t>(v * w0[i]);
    b1 += static_cast<uint32_t>(v * w1[i]);
    b2 += static_cast<uint32_t>(v * w2[i]);
    b3 += static_cast<uint32_t>(v * w3[i]);
  }
  acc0[0] = a0, acc0[1] = a1, acc0[2] = a2, acc0[3] = a3;
  acc1[0] = b0, acc1[1] = b1, acc1[2] = b2, acc1[3] = b3;
}

template <int kBlock>
EMBER_ALWAYS_INLINE void FullyConnectedInt8Block(const OpData& data, const int8_t* in,
                                                 const int8_t* weights, const int32_t* bias,
                                                 int32_t in_features, int32_t out_features,
                                                 int32_t o, int8_t* out) {
  const int8_t* weight_rows = weights + o * in_features;
  const int32_t offset = data.quant.input_offset;
  const bool fold = kFoldInputOffset && data.rows > 1;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  uint32_t sums[kBlock] = {};
  if (fold) SumInt8Rows<kBlock>(weight_rows, in_features, in_features, sums);
  uint32_t start[kBlock];
  Int8Scale scales[kBlock];
  for (int j = 0; j < kBlock; ++j) {
    start[j] = (bias != nullptr ? static_cast<uint32_t>(bias[o + j]) : 0) +
               static_cast<uint32_t>(offset) * sums[j];
    const QuantizedMultiplier& multiplier = multipliers[(o + j) * data.quant.multiplier_stride];
    scales[j] = MakeInt8Scale(multiplier.multiplier, multiplier.shift);
  }
  const Int8OutputStage stage = MakeInt8OutputStage(
      data.quant.output_zero_point, data.quant.activation_min, data.quant.activation_max);
  const int32_t left_over = in_features % kVectorTail;
  const bool vector_tail = kHostSimdClones && !fold && in_features > kVectorTail && left_over != 0;
  const int32_t whole = vector_tail ? in_features - left_over : in_features;
  int8_t tail_weights[kBlock * kVectorTail];
  if (vector_tail) {
    const int32_t counted = kVectorTail - left_over;
    for (int j = 0; j < kBlock; ++j) {
      const int8_t* row_end = weight_rows + j * in_features + in_features;
      for (int32_t k = 0; k < kVectorTail; ++k) {
        tail_weights[j * kVectorTail + k] = k < counted ? 0 : row_end[k - kVectorTail];
      }
    }
  }
  int32_t r = 0;
  if constexpr (kHostSimdClones && kBlock == 4) {
    for (; r + 2 <= data.rows; r += 2) {
      uint32_t acc0[kBlock];
      uint32_t acc1[kBlock];
      for (int j = 0; j < kBlock; ++j) acc0[j] = acc1[j] = start[j];
      const int8_t* in0 = in + r * in_features;
      const int8_t* in1 = in0 + in_features;
      AccumulateInt8DotsTwoRows(in0, in1, weight_rows, in_features, whole, offset, acc0, acc1);
      if (vector_tail) {
        AccumulateInt8DotsTwoRows(in0 + in_features - kVectorTail, in1 + in_features - kVectorTail,
                                  tail_weights, kVectorTail, kVectorTail, offset, acc0, acc1);
      }
      int8_t* out0 = out + r * out_features + o;
      int8_t* out1 = out0 + out_features;
      for (int j = 0; j < kBlock; ++j) {
        out0[j] = RequantizeInt8(acc0[j], scales[j], stage);
        out1[j] = RequantizeInt8(acc1[j], scales[j], stage);
      }
    }
  }
  for (; r < data.rows; ++r) {
    uint32_t acc[kBlock];
    for (int j = 0; j < kBlock; ++j) acc[j] = start[j];
    const int8_t* in_row = in + r * in_features;
    if (fold) {
      AccumulateInt8Dots<kBlock, false>(in_row, weight_rows, in_features, in_features, 0, acc);
    } else {
      AccumulateInt8Dots<kBlock, true>(in_row, weight_rows, in_features, whole, offset, acc);
      if (vector_tail) {
        AccumulateInt8Dots<kBlock, true>(in_row + in_features - kVectorTail, tail_weights,
                                         kVectorTail, kVectorTail, offset, acc);
      }
    }
    int8_t* out_row = out + r * out_features + o;
    for (int j = 0; j < kBlock; ++j) out_row[j] = RequantizeInt8(acc[j], scales[j], stage);
  }
}

// Compiled for the host's wider SIMD too (EMBER_HOST_SIMD_CLONES): AVX2
// widens 16 int8 values in one instruction and multiplies-adds 16 int16
// pairs in another (SSE2: 8, after unpacking and shifting to widen).
EMBER_HOST_SIMD_CLONES void EvalInt8Fast(OpContext& context, const OpData& data) {
  const TensorView weights_view = context.input(kWeights);
  const TensorView bias_view = context.input(kBias);
  const int32_t out_features = weights_view.dim(0);
  const int32_t in_features = weights_view.dim(1);
  const int8_t* in = context.input(kInput).data_as<const int8_t>();
  const int8_t* weights = weights_view.data_as<const int8_t>();
  const int32_t* bias = bias_view.present() ? bias_view.data_as<const int32_t>() : nullptr;
  int8_t* out = context.output(0).data_as<int8_t>();
  int32_t o = 0;
  for (; o + kInt8Block <= out_features; o += kInt8Block) {
    FullyConnectedInt8Block<kInt8Block>(data, in, weights, bias, in_features, out_features, o, out);
  }
  if (kInt8Block > 2 && o + 2 <= out_features) {
    FullyConnectedInt8Block<2>(data, in, weights, bias, in_features, out_features, o, out);
    o += 2;
  }
  if (o < out_features) {
    FullyConnectedInt8Block<1>(data, in, weights, bias, in_features, out_features, o, out);
  }
}

void EvalInt8(OpContext& context, const OpData& data) {
  if (kInt8FastPaths && data.int8_fast) {
    EvalInt8Fast(context, data);
  } else {
    EvalQuantized<int8_t, int32_t, uint32_t>(context, data);
  }
}

// ---- The int16x8 fast path ---------------------------------------------------

// Products of an int16 input and an int8 weight are at most 2^15 * 2^7 in
// magnitude, so 512 of them sum in int32 without overflow: each run of 512
// is summed in 32 bits (which vectorizes) and the runs in 64. The sum is
// exact, so the result is the reference loop's to the bit.
constexpr int32_t kExactInt16Run = 512;

// The dot products of kInputs input rows with kRows consecutive weight rows
// (each weight read serves every input row), added to
// sums[input * stride + row].
template <int kInputs, int kRows>
EMBER_ALWAYS_INLINE void AccumulateInt16Dots(const int16_t* in, const int8_t* weights,
                                             int32_t count, int64_t* sums, int32_t stride) {
  for (int32_t start = 0; start < count; start += kExactInt16Run) {
    const int32_t end = count - start < kExactInt16Run ? count : start + kExactInt16Run;
    int32_t run[kInputs][kRows] = {};
    for (int32_t i = start; i < end; ++i) {
      for (int k = 0; k < kRows; ++k) {
        const int32_t w = weights[k * count + i];
        for (int r = 0; r < kInputs; ++r) run[r][k] += int32_t{in[r * count + i]} * w;
      }
    }
    for (int r = 0; r < kInputs; ++r) {
      for (int k = 0; k < kRows; ++k) sums[r * stride + k] += run[r][k];
    }
  }
}

// The sums of every output of kInputs consecutive input rows, four weight
// rows at a time; row r's sums start at sums + r * stride.
template <int kInputs>
EMBER_ALWAYS_INLINE void Int16RowSumsFor(const int16_t* in, const int8_t* weights,
                                         int32_t in_features, int32_t out_features, int64_t* sums,
                                         int32_t stride) {
  int32_t o = 0;
  for (; o + 4 <= out_features; o += 4) {
    AccumulateInt16Dots<kInputs, 4>(in, weights + o * in_features, in_features, sums + o, stride);
  }
  for (; o < out_features; ++o) {
    AccumulateInt16Dots<kInputs, 1>(in, weights + o * in_features, in_features, sums + o, stride);
  }
}

EMBER_HOST_SIMD_CLONES void Int16RowSums(const int16_t* in, const int8_t* weights, int32_t rows,
                                         int32_t in_features, int32_t out_features, int64_t* sums,
                                         int32_t stride) {
  int32_t r = 0;
  for (; r + 2 <= rows; r += 2) {
    Int16RowSumsFor<2>(in + r * in_features, weights, in_features, out_features, sums + r * stride,
                       stride);
  }
  if (r < rows) {
    Int16RowSumsFor<1>(in + r * in_features, weights, in_features, out_features, sums + r * stride,
                       stride);
  }
}

// EvalQuantized's int16 sums (the input zero point is 0) from Int16RowSums,
// in blocks of outputs; the wrapping Sum type keeps the reference's
// arithmetic modulo its width.
template <typename Bias, typename Sum>
void EvalInt16Fast(OpContext& context, const OpData& data) {
  const TensorView weights_view = context.input(kWeights);
  const TensorView bias_view = context.input(kBias);
  const int32_t out_features = weights_view.dim(0);
  const int32_t in_features = weights_view.dim(1);
  const int16_t* in = context.input(kInput).data_as<const int16_t>();
  const int8_t* weights = weights_view.data_as<const int8_t>();
  const Bias* bias = bias_view.present() ? bias_view.data_as<const Bias>() : nullptr;
  const QuantizedMultiplier* multipliers = WeightMultipliers(data);
  int16_t* out = context.output(0).data_as<int16_t>();
  // A block of outputs at a time over all rows: its weights stay in cache,
  // and its biases and multipliers are read once.
  constexpr int32_t kOutputBlock = 64;
  constexpr int32_t kRowBlock = 8;
  int64_t sums[kRowBlock * kOutputBlock];
  Sum biases[kOutputBlock];
  // 64-bit sums take their multipliers reduced once (WideMultiplier).
  using Multiplier = std::conditional_t<sizeof(Sum) == 8, WideMultiplier, QuantizedMultiplier>;
  Multiplier block_multipliers[kOutputBlock];
  for (int32_t first = 0; first < out_features; first += kOutputBlock) {
    const int32_t block = out_features - first < kOutputBlock ? out_features - first : kOutputBlock;
    for (int32_t k = 0; k < block; ++k) {
      biases[k] = bias != nullptr ? static_cast<Sum>(bias[first + k]) : 0;
      const QuantizedMultiplier multiplier = multipliers[(first + k) * data.quant.multiplier_stride];
      if constexpr (sizeof(Sum) == 8) {
        block_multipliers[k] = ReduceWideMultiplier(multiplier);
      } else {
        block_multipliers[k] = multiplier;
      }
    }
    for (int32_t r0 = 0; r0 < data.rows; r0 += kRowBlock) {
      const int32_t rows = data.rows - r0 < kRowBlock ? data.rows - r0 : kRowBlock;
      for (int32_t k = 0; k < rows * kOutputBlock; ++k) sums[k] = 0;
      Int16RowSums(in + r0 * in_features, weights + first * in_features, rows, in_features, block,
                   sums, kOutputBlock);
      for (int32_t r = 0; r < rows; ++r) {
        int16_t* out_row = out + (r0 + r) * out_features + first;
        const int64_t* row_sums = sums + r * kOutputBlock;
        if constexpr (sizeof(Sum) == 8) {
          if (data.bounded_wide_sums) {
            for (int32_t k = 0; k < block; ++k) {
              out_row[k] = RequantizeBoundedWideSum<int16_t>(
                  static_cast<int64_t>(biases[k]) + row_sums[k], block_multipliers[k], data.quant);
            }
            continue;
          }
        }
        for (int32_t k = 0; k < block; ++k) {
          out_row[k] = RequantizeSum<int16_t>(biases[k] + static_cast<Sum>(row_sums[k]),
                                              block_multipliers[k], data.quant);
        }
      }
    }
  }
}

void EvalInt16(OpContext& context, const OpData& data) {
  if (data.wide_sums) {
    EvalInt16Fast<int64_t, uint64_t>(context, data);
  } else {
    EvalInt16Fast<int32_t, uint32_t>(context, data);
  }
}

Status Eval(OpContext& context) {
  return EvalWeighted<OpData>(context, {EvalFloat, EvalHybrid, EvalInt8, EvalInt16});
}


Status PrepareInteger(OpContext& context) { return PrepareIntegerOnly(context, Prepare); }

Status PrepareInt8(OpContext& context) { return PrepareOp<TypeSchemes::kInt8>(context, true); }

Status EvalInteger(OpContext& context) {
  return EvalWeightedInteger<OpData>(context, EvalInt8, EvalInt16);
}

}  // namespace

const Kernel kFullyConnected = {schema::OpCode::FULLY_CONNECTED, "FULLY_CONNECTED", Prepare, Eval};
const Kernel kFullyConnectedInteger = {schema::OpCode::FULLY_CONNECTED, "FULLY_CONNECTED", PrepareInteger, EvalInteger};
const Kernel kFullyConnectedInt8 = {schema::OpCode::FULLY_CONNECTED, "FULLY_CONNECTED",
                                    PrepareInt8, EvalWeightedInt8<OpData, EvalInt8>};

Status PrepareFullyConnectedInt8Reference(OpContext& context) { return PrepareOp(context, false); }

}  // namespace ember::kernels
