// ReverseSequence (TensorFlow's tf.reverse_sequence): inputs input and
// seq_lengths (int32 or int64, one entry per slice along
// ReverseSequenceOptions.batch_dim). In slice b, the first seq_lengths[b]
// elements along seq_dim are reversed and the rest copied unchanged; the output
// has the input's shape.
//
// Pure data movement, so any fixed-size element type the copy kernels take; a
// quantized output must be quantized exactly like the input. The lengths are
// data, so Eval checks each is within [0, size along seq_dim] before it moves
// anything.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/internal/unary.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kInput = 0;
constexpr int kSeqLengths = 1;

constexpr uint32_t kReverseSequenceTypes = TypeBit(TensorType::FLOAT32) |
                                           TypeBit(TensorType::INT8) | TypeBit(TensorType::INT16) |
                                           TypeBit(TensorType::INT32) | TypeBit(TensorType::INT64) |
                                           TypeBit(TensorType::UINT8) | TypeBit(TensorType::BOOL);

struct OpData {
  // The input viewed as [outer, first, middle, second, inner], where first and
  // second are seq_dim and batch_dim in the order they appear.
  int32_t outer;
  int32_t first;
  int32_t middle;
  int32_t second;
  int32_t inner_bytes;
  bool seq_is_first;
  int32_t seq_dim;
  int32_t seq_size;
  int32_t batch_size;
};

Status ReadAxes(OpContext& context, int32_t rank, int32_t* seq_dim, int32_t* batch_dim) {
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::ReverseSequenceOptions,
                    "ReverseSequenceOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_ReverseSequenceOptions();
  EMBER_CHECK_MODEL(context, NormalizeAxis(options->seq_dim(), rank, seq_dim),
                    "seq_dim %" PRId32 " is out of range for input 0 of rank %" PRId32,
                    options->seq_dim(), rank);
  EMBER_CHECK_MODEL(context, NormalizeAxis(options->batch_dim(), rank, batch_dim),
                    "batch_dim %" PRId32 " is out of range for input 0 of rank %" PRId32,
                    options->batch_dim(), rank);
  EMBER_CHECK_MODEL(context, *seq_dim != *batch_dim,
                    "seq_dim and batch_dim must differ, both are dim %" PRId32, *seq_dim);
  return Status::kOk;
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 2 && context.num_outputs() == 1,
                    "needs 2 inputs (input, seq_lengths) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(kInput);
  const TensorView lengths = context.input(kSeqLengths);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, in.present() && lengths.present(),
                    "inputs 0 (input) and 1 (seq_lengths) are required");
  EMBER_CHECK_MODEL(context, in.type == out.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(out.type));
  if (!TypeIn(in.type, kReverseSequenceTypes)) {
    return EMBER_FAIL(context, Status::kUnsupported, "type %s is not supported",
                      TensorTypeName(in.type));
  }
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", out, "output 0"));
  EMBER_CHECK_MODEL(context, lengths.type == TensorType::INT32 || lengths.type == TensorType::INT64,
                    "input 1 (seq_lengths) must be int32 or int64, is %s",
                    TensorTypeName(lengths.type));

  int32_t seq_dim = 0;
  int32_t batch_dim = 0;
  EMBER_RETURN_IF_ERROR(ReadAxes(context, in.rank, &seq_dim, &batch_dim));
  EMBER_CHECK_MODEL(
      context, lengths.rank == 1 && lengths.dims[0] == in.dims[batch_dim],
      "input 1 (seq_lengths) must have shape [%" PRId32 "] (input 0's size along batch_dim %" PRId32
      "), has rank %" PRId32 " and %s elements",
      in.dims[batch_dim], batch_dim, lengths.rank, FormatInt64(lengths.num_elements()).chars);
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, in.dims, in.rank));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  const int32_t first_dim = seq_dim < batch_dim ? seq_dim : batch_dim;
  const int32_t second_dim = seq_dim < batch_dim ? batch_dim : seq_dim;
  data->outer = 1;
  for (int d = 0; d < first_dim; ++d) data->outer *= in.dims[d];
  data->first = in.dims[first_dim];
  data->middle = 1;
  for (int d = first_dim + 1; d < second_dim; ++d) data->middle *= in.dims[d];
  data->second = in.dims[second_dim];
  data->inner_bytes = static_cast<int32_t>(TensorTypeSize(in.type));
  for (int d = second_dim + 1; d < in.rank; ++d) data->inner_bytes *= in.dims[d];
  data->seq_is_first = seq_dim < batch_dim;
  data->seq_dim = seq_dim;
  data->seq_size = in.dims[seq_dim];
  data->batch_size = in.dims[batch_dim];
  return Status::kOk;
}

template <typename Length>
Status ReverseTyped(OpContext& context, const OpData& data) {
  const Length* lengths = context.input(kSeqLengths).data_as<const Length>();
  for (int32_t b = 0; b < data.batch_size; ++b) {
    if (lengths[b] < 0 || lengths[b] > data.seq_size) {
      return EMBER_FAIL(context, Status::kEvalError,
                        "input 1 (seq_lengths)[%" PRId32 "] = %s is outside [0, %" PRId32
                        "] (input 0's size along seq_dim %" PRId32 ")",
                        b, FormatInt64(lengths[b]).chars, data.seq_size, data.seq_dim);
    }
  }
  const auto* src = static_cast<const uint8_t*>(context.input(kInput).data);
  auto* dst = static_cast<uint8_t*>(context.output(0).data);
  const size_t slice_bytes = static_cast<size_t>(data.inner_bytes);
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int32_t i = 0; i < data.first; ++i) {
      for (int32_t m = 0; m < data.middle; ++m) {
        for (int32_t j = 0; j < data.second; ++j) {
          const int32_t batch = data.seq_is_first ? j : i;
          const int32_t seq = data.seq_is_first ? i : j;
          const auto length = static_cast<int32_t>(lengths[batch]);
          const int32_t source_seq = seq < length ? length - 1 - seq : seq;
          const int32_t source_i = data.seq_is_first ? source_seq : i;
          const int32_t source_j = data.seq_is_first ? j : source_seq;
          const size_t source =
              ((static_cast<size_t>(o) * data.first + source_i) * data.middle + m) * data.second +
              source_j;
          memcpy(dst, src + source * slice_bytes, slice_bytes);
          dst += slice_bytes;
        }
      }
    }
  }
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  if (context.input(kSeqLengths).type == TensorType::INT32) {
    return ReverseTyped<int32_t>(context, data);
  }
  return ReverseTyped<int64_t>(context, data);
}

}  // namespace

const Kernel kReverseSequence = {schema::OpCode::REVERSE_SEQUENCE, "REVERSE_SEQUENCE", Prepare,
                                 Eval};

}  // namespace ember::kernels
