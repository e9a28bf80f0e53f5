// BatchMatmul: out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]. The batch
// dims (all but the last two) broadcast numpy-style; ranks may differ.
// Adjoint flags do not exist: the converter inserts transposes instead.
//
// Int8 follows TFLite Micro's reference kernel bit for bit: a, b and the
// output int8, each quantized per tensor with its own scale and zero point
// (all free; both operands may be runtime tensors). Each output is the
// integer sum of (a - a_zero_point) * (b - b_zero_point), scaled by the
// fixed-point multiplier a_scale * b_scale / output_scale (the product taken
// in float, as TFLite does), offset by the output zero point and clamped to
// int8; there is no fused activation.
#include <inttypes.h>

#include "kernels/internal/common.h"
#include "kernels/internal/conv_shapes.h"
#include "kernels/internal/quantization.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  // Over the batch dims only; strides count whole matrices.
  BroadcastPlan batches;
  // Int8 only: minus the zero points of a (input_offset) and b, the output
  // zero point and int8 range, and the multiplier.
  Int8WeightedParams int8;
  int32_t b_offset;
  QuantizedMultiplier multiplier;
};

// The int8 quantization: a, b and the output per tensor.
Status PrepareInt8(OpContext& context, OpData* data) {
  const TensorView a = context.input(0);
  const TensorView b = context.input(1);
  const TensorView output = context.output(0);
  if (b.type != TensorType::INT8 || output.type != TensorType::INT8) {
    return EMBER_FAIL(context, Status::kUnsupported,
                      "an int8 input 0 (a) needs an int8 input 1 (b) and output, has %s and %s",
                      TensorTypeName(b.type), TensorTypeName(output.type));
  }
  QuantParams a_quant;
  QuantParams b_quant;
  QuantParams output_quant;
  EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, a, "input 0 (a)", &a_quant));
  EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, b, "input 1 (b)", &b_quant));
  EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, output, "output 0", &output_quant));
  data->int8.input_offset = -a_quant.zero_point;
  data->b_offset = -b_quant.zero_point;
  data->int8.output_zero_point = output_quant.zero_point;
  data->int8.activation_min = -128;
  data->int8.activation_max = 127;
  data->multiplier = QuantizeMultiplier(static_cast<double>(a_quant.scale * b_quant.scale) /
                                        static_cast<double>(output_quant.scale));
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

  if (a.type != TensorType::INT8) {
    EMBER_RETURN_IF_ERROR(CheckFloat(context, a, "input 0 (a)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, b, "input 1 (b)"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, output, "output 0"));
  }

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  if (a.type == TensorType::INT8) EMBER_RETURN_IF_ERROR(PrepareInt8(context, data));
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

// Row m of the output accumulates a[m, k] * (row k of b) over k: b and the
// output are walked along contiguous rows, and each output element still sums
// its products in k order.
void EvalFloat(OpContext& context, const OpData& data) {
  const TensorView a_view = context.input(0);
  const TensorView b_view = context.input(1);
  const int32_t m_size = a_view.dim(a_view.rank - 2);
  const int32_t k_size = a_view.dim(a_view.rank - 1);
  const int32_t n_size = b_view.dim(b_view.rank - 1);
  const float* a = a_view.data_as<const float>();
  const float* b = b_view.data_as<const float>();
  float* out = context.output(0).data_as<float>();
  const int32_t a_matrix = m_size * k_size;
  const int32_t b_matrix = k_size * n_size;
  const int32_t out_matrix = m_size * n_size;
  ForEachBroadcast(data.batches, [&](int64_t a_index, int64_t b_index, int64_t out_index) {
    const float* a_batch = a + static_cast<int32_t>(a_index) * a_matrix;
    const float* b_batch = b + static_cast<int32_t>(b_index) * b_matrix;
    float* out_batch = out + static_cast<int32_t>(out_index) * out_matrix;
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
  const int32_t a_offset = data.int8.input_offset;
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
    out_row[n + j] = Requantize(static_cast<int32_t>(acc[j]), data.multiplier, data.int8);
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
  const TensorView a_view = context.input(0);
  const TensorView b_view = context.input(1);
  const int32_t m_size = a_view.dim(a_view.rank - 2);
  const int32_t k_size = a_view.dim(a_view.rank - 1);
  const int32_t n_size = b_view.dim(b_view.rank - 1);
  const int8_t* a = a_view.data_as<const int8_t>();
  const int8_t* b = b_view.data_as<const int8_t>();
  int8_t* out = context.output(0).data_as<int8_t>();
  const int32_t a_matrix = m_size * k_size;
  const int32_t b_matrix = k_size * n_size;
  const int32_t out_matrix = m_size * n_size;
  const int32_t a_offset = data.int8.input_offset;
  const int32_t b_offset = data.b_offset;
  ForEachBroadcast(data.batches, [&](int64_t a_index, int64_t b_index, int64_t out_index) {
    const int8_t* a_batch = a + static_cast<int32_t>(a_index) * a_matrix;
    const int8_t* b_batch = b + static_cast<int32_t>(b_index) * b_matrix;
    int8_t* out_batch = out + static_cast<int32_t>(out_index) * out_matrix;
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
            Requantize(static_cast<int32_t>(acc), data.multiplier, data.int8);
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
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(0).type));
}

}  // namespace

const Kernel kBatchMatmul = {schema::OpCode::BATCH_MATMUL, "BATCH_MATMUL", Prepare, Eval};

}  // namespace ember::kernels
