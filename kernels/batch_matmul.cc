// BatchMatmul: out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]. The batch
// dims (all but the last two) broadcast numpy-style; ranks may differ.
// Adjoint flags do not exist: the converter inserts transposes instead.
//
// The quantized paths follow TFLite Micro's reference kernel bit for bit;
// a, b and the output share one type, each quantized per tensor with its own
// scale (both operands may be runtime tensors), and the multiplier is
// a_scale * b_scale / output_scale with the product taken in float, as
// TFLite does. There is no fused activation: results clamp to the type.
//  - int8: zero points free. Each output is the integer sum of
//    (a - a_zero_point) * (b - b_zero_point) in 32 bits, scaled by the
//    fixed-point multiplier and offset by the output zero point.
//  - int16 (TFLite's 16x8 scheme applied to two activations): zero points 0.
//    The sums of a * b run in 64 bits (one product reaches 2^30, so even two
//    can leave int32) and are scaled by the multiplier rounded to 16 bits
//    (MultiplyWideByQuantizedMultiplier), as TFLite Micro's int16 kernel does.
#include <inttypes.h>

#include "kernels/internal/common.h"
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/quantization.h"
#include "kernels/internal/weighted_op.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  // Over the batch dims only; strides count whole matrices.
  BroadcastPlan batches;
  // Quantized only: minus the zero points of a (input_offset) and b, the
  // output zero point and the output type's range, and the multiplier.
  Int8WeightedParams quant;
  int32_t b_offset;
  QuantizedMultiplier multiplier;
};

// The int8 or int16 quantization: a, b and the output of a's type, per
// tensor.
Status PrepareQuantized(OpContext& context, OpData* data) {
  const TensorView a = context.input(0);
  const TensorView b = context.input(1);
  const TensorView output = context.output(0);
  if (b.type != a.type || output.type != a.type) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "an %s input 0 (a) needs an %s input 1 (b) and output, has %s and %s",
                      TensorTypeName(a.type), TensorTypeName(a.type), TensorTypeName(b.type),
                      TensorTypeName(output.type));
  }
  QuantParams a_quant;
  QuantParams b_quant;
  QuantParams output_quant;
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, a, "input 0 (a)", &a_quant));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, b, "input 1 (b)", &b_quant));
  EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, output, "output 0", &output_quant));
  const bool int16 = a.type == TensorType::INT16;
  data->quant.input_offset = -a_quant.zero_point;
  data->b_offset = -b_quant.zero_point;
  data->quant.output_zero_point = output_quant.zero_point;
  data->quant.activation_min = int16 ? -32768 : -128;
  data->quant.activation_max = int16 ? 32767 : 127;
  data->multiplier = QuantizeMultiplier(static_cast<double>(a_quant.scale * b_quant.scale) /
                                        static_cast<double>(output_quant.scale));
  EMBER_CHECK_MODEL(
      context, !int16 || data->multiplier.shift <= kMaxWideMultiplierShift,
      "a scale * b scale / output scale must be below 2^%d for int16, is %g * %g / %g",
      static_cast<int>(kMaxWideMultiplierShift), static_cast<double>(a_quant.scale),
      static_cast<double>(b_quant.scale), static_cast<double>(output_quant.scale));
  return Status::kOk;
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 2 && context.num_outputs() == 1,
                    "needs 2 inputs (a, b) and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const TensorView a = context.input(0);
  const TensorView b = context.input(1);
  EMBER_CHECK_MODEL(context, a.present() && b.present(), "inputs 0 (a) and 1 (b) are required");
  EMBER_CHECK_MODEL(context, a.rank >= 2, "input 0 (a) must have rank 2 or more, is rank %" PRId32,
                    a.rank);
  EMBER_CHECK_MODEL(context, b.rank >= 2, "input 1 (b) must have rank 2 or more, is rank %" PRId32,
                    b.rank);
  EMBER_RETURN_IF_ERROR(CheckDimsBounded(context, a, "input 0 (a)"));
  EMBER_RETURN_IF_ERROR(CheckDimsBounded(context, b, "input 1 (b)"));
  const int32_t m = a.dim(a.rank - 2);
  const int32_t k = a.dim(a.rank - 1);
  const int32_t n = b.dim(b.rank - 1);
  EMBER_CHECK_MODEL(context, b.dim(b.rank - 2) == k,
                    "input 0 (a) has %" PRId32 " columns but input 1 (b) has %" PRId32 " rows", k,
                    b.dim(b.rank - 2));

  const int rank = a.rank > b.rank ? a.rank : b.rank;
  const int batch_rank = rank - 2;
  int32_t shape[kMaxRank];
  for (int d = 0; d < batch_rank; ++d) {
    const int a_index = d - (rank - a.rank);
    const int b_index = d - (rank - b.rank);
    const int32_t a_dim = a_index >= 0 ? a.dim(a_index) : 1;
    const int32_t b_dim = b_index >= 0 ? b.dim(b_index) : 1;
    EMBER_CHECK_MODEL(context, a_dim == b_dim || a_dim == 1 || b_dim == 1,
                      "batch dims do not broadcast: input 0 (a) has %" PRId32
                      " and input 1 (b) has %" PRId32 " at output dim %d",
                      a_dim, b_dim, d);
    shape[d] = a_dim == 1 ? b_dim : a_dim;
  }
  shape[batch_rank] = m;
  shape[batch_rank + 1] = n;
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, shape, rank));
  const TensorView output = context.output(0);

  const bool quantized = a.type == TensorType::INT8 || a.type == TensorType::INT16;
  if (!quantized) {
    EMBER_RETURN_IF_ERROR(CheckFloat(context, a, "input 0 (a)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, b, "input 1 (b)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, output, "output 0"));
  }

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  if (quantized) EMBER_RETURN_IF_ERROR(PrepareQuantized(context, data));
  // Views of the leading (batch) dims: the dims arrays are shared, only the
  // ranks shrink.
  TensorView a_batch = a;
  TensorView b_batch = b;
  TensorView out_batch = output;
  a_batch.rank = a.rank - 2;
  b_batch.rank = b.rank - 2;
  out_batch.rank = batch_rank;
  EMBER_CHECK_MODEL(context, MakeBroadcastPlan(a_batch, b_batch, out_batch, &data->batches),
                    "batch dims do not broadcast to the output");
  return Status::kOk;
}

// Calls product(a, b, out, m_size, k_size, n_size) for each matrix product
// of the broadcast batch dims, with pointers to its three matrices.
template <typename T, typename Product>
void ForEachMatrixProduct(OpContext& context, const OpData& data, Product product) {
  const TensorView a_view = context.input(0);
  const TensorView b_view = context.input(1);
  const int32_t m_size = a_view.dim(a_view.rank - 2);
  const int32_t k_size = a_view.dim(a_view.rank - 1);
  const int32_t n_size = b_view.dim(b_view.rank - 1);
  const T* a = a_view.data_as<const T>();
  const T* b = b_view.data_as<const T>();
  T* out = context.output(0).data_as<T>();
  const int32_t a_matrix = m_size * k_size;
  const int32_t b_matrix = k_size * n_size;
  const int32_t out_matrix = m_size * n_size;
  ForEachBroadcast(data.batches, [&](int64_t a_index, int64_t b_index, int64_t out_index) {
    product(a + static_cast<int32_t>(a_index) * a_matrix,
            b + static_cast<int32_t>(b_index) * b_matrix,
            out + static_cast<int32_t>(out_index) * out_matrix, m_size, k_size, n_size);
  });
}

// Row m of the output accumulates a[m, k] * (row k of b) over k: b and the
// output are walked along contiguous rows, and each output element still sums
// its products in k order.
void EvalFloat(OpContext& context, const OpData& data) {
  ForEachMatrixProduct<float>(context, data, [](const float* a_batch, const float* b_batch,
                                                float* out_batch, int32_t m_size, int32_t k_size,
                                                int32_t n_size) {
    for (int32_t m = 0; m < m_size; ++m) {
      float* out_row = out_batch + m * n_size;
      for (int32_t n = 0; n < n_size; ++n) out_row[n] = 0.0f;
      const float* a_row = a_batch + m * k_size;
      for (int32_t k = 0; k < k_size; ++k) {
        const float scale = a_row[k];
        const float* b_row = b_batch + k * n_size;
        for (int32_t n = 0; n < n_size; ++n) out_row[n] += scale * b_row[n];
      }
    }
  });
}

// Outputs [n, n + count) of row m of one int8 product, count <= kInt8Columns:
// b is read along its rows, a's value spread over kInt8Columns sums on the
// stack, a loop the compiler vectorizes (the column-at-a-time loop of
// EvalInt8 reads b down a column, which does not vectorize).
constexpr int32_t kInt8Columns = 64;

EMBER_ALWAYS_INLINE void Int8RowColumns(const int8_t* a_row, const int8_t* b_batch, int32_t k_size,
                                        int32_t n_size, int32_t n, int32_t count,
                                        const OpData& data, int8_t* out_row) {
  const int32_t a_offset = data.quant.input_offset;
  const int32_t b_offset = data.b_offset;
  uint32_t acc[kInt8Columns] = {};
  for (int32_t k = 0; k < k_size; ++k) {
    const int32_t x = a_row[k] + a_offset;
    const int8_t* b_row = b_batch + k * n_size + n;
    for (int32_t j = 0; j < count; ++j) {
      acc[j] += static_cast<uint32_t>(x * (b_row[j] + b_offset));
    }
  }
  for (int32_t j = 0; j < count; ++j) {
    out_row[n + j] = Requantize(static_cast<int32_t>(acc[j]), data.multiplier, data.quant);
  }
}

// One product of an m_size x k_size and a k_size x n_size matrix in the
// chunks above, compiled for the host's wider SIMD too.
EMBER_HOST_SIMD_CLONES void Int8MatrixByColumns(const int8_t* a_batch, const int8_t* b_batch,
                                                int32_t m_size, int32_t k_size, int32_t n_size,
                                                const OpData& data, int8_t* out_batch) {
  for (int32_t m = 0; m < m_size; ++m) {
    for (int32_t n = 0; n < n_size; n += kInt8Columns) {
      const int32_t count = n_size - n < kInt8Columns ? n_size - n : kInt8Columns;
      Int8RowColumns(a_batch + m * k_size, b_batch, k_size, n_size, n, count, data,
                     out_batch + m * n_size);
    }
  }
}

// One output at a time, summing over k with b read down its column (hosts
// with SIMD clones run Int8MatrixByColumns instead: same sums, vectorized;
// scalar cores keep each sum in a register). The sums run in uint32: they
// wrap exactly like TFLite's int32 sums do on the targets it runs on,
// without signed-overflow undefined behavior, and any summation order gives
// the same bits.
void EvalInt8(OpContext& context, const OpData& data) {
  const int32_t a_offset = data.quant.input_offset;
  const int32_t b_offset = data.b_offset;
  ForEachMatrixProduct<int8_t>(context, data, [&](const int8_t* a_batch, const int8_t* b_batch,
                                                  int8_t* out_batch, int32_t m_size,
                                                  int32_t k_size, int32_t n_size) {
    if (kHostSimdClones) {
      Int8MatrixByColumns(a_batch, b_batch, m_size, k_size, n_size, data, out_batch);
      return;
    }
    for (int32_t m = 0; m < m_size; ++m) {
      const int8_t* a_row = a_batch + m * k_size;
      for (int32_t n = 0; n < n_size; ++n) {
        uint32_t acc = 0;
        for (int32_t k = 0; k < k_size; ++k) {
          acc +=
              static_cast<uint32_t>((a_row[k] + a_offset) * (b_batch[k * n_size + n] + b_offset));
        }
        out_batch[m * n_size + n] =
            Requantize(static_cast<int32_t>(acc), data.multiplier, data.quant);
      }
    }
  });
}

// Output columns summed together by EvalInt16, their 64-bit sums on the
// stack.
constexpr int32_t kInt16ColumnTile = 32;

// Adds a_row[k] * (row k of b) over k to `width` column sums, b's rows
// `n_size` apart. The products (at most 2^30) are exact in int32 and each is
// added in 64 bits, wrapping in uint64 as RequantizeSum describes; the sums
// are exact, so walking b along its rows gives TFLite's results to the bit.
EMBER_HOST_SIMD_CLONES void AccumulateInt16Columns(const int16_t* a_row, const int16_t* b,
                                                   int32_t k_size, int32_t n_size, int32_t width,
                                                   uint64_t* sums) {
  for (int32_t k = 0; k < k_size; ++k) {
    const int32_t scale = a_row[k];
    const int16_t* b_row = b + k * n_size;
    for (int32_t n = 0; n < width; ++n) {
      sums[n] += static_cast<uint64_t>(int64_t{scale * b_row[n]});
    }
  }
}

// Each output row in tiles of kInt16ColumnTile columns (the zero points are
// 0, so the operands are used as they are).
void EvalInt16(OpContext& context, const OpData& data) {
  ForEachMatrixProduct<int16_t>(context, data, [&](const int16_t* a_batch, const int16_t* b_batch,
                                                   int16_t* out_batch, int32_t m_size,
                                                   int32_t k_size, int32_t n_size) {
    for (int32_t m = 0; m < m_size; ++m) {
      const int16_t* a_row = a_batch + m * k_size;
      int16_t* out_row = out_batch + m * n_size;
      for (int32_t start = 0; start < n_size; start += kInt16ColumnTile) {
        const int32_t width = n_size - start < kInt16ColumnTile ? n_size - start : kInt16ColumnTile;
        uint64_t sums[kInt16ColumnTile] = {};
        AccumulateInt16Columns(a_row, b_batch + start, k_size, n_size, width, sums);
        for (int32_t n = 0; n < width; ++n) {
          out_row[start + n] = RequantizeSum<int16_t>(sums[n], data.multiplier, data.quant);
        }
      }
    }
  });
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  switch (context.input(0).type) {
    case TensorType::FLOAT32:
      EvalFloat(context, data);
      return Status::kOk;
    case TensorType::INT8:
      EvalInt8(context, data);
      return Status::kOk;
    case TensorType::INT16:
      EvalInt16(context, data);
      return Status::kOk;
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(0).type));
}

}  // namespace

const Kernel kBatchMatmul = {schema::OpCode::BATCH_MATMUL, "BATCH_MATMUL", Prepare, Eval};

}  // namespace ember::kernels
