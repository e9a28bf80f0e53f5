// StridedSlice with TensorFlow's semantics; begin, end, strides and the five
// masks come from StridedSliceOptions. Pure data movement, so any element type;
// a quantized output must be quantized exactly like the input.
//
// The options form a "sparse" spec, one entry per index expression as in
// x[1:3, ..., tf.newaxis, 2]. Prepare expands it to a "dense" spec with one
// entry per input dim:
//  - The ellipsis entry (the first set bit of ellipsis_mask) stands for as many
//    full ranges (0:dim:1) as needed so the remaining entries reach the last
//    dims; with no ellipsis, one is implied after the last entry.
//  - A new_axis entry consumes no input dim; it adds a size-1 output dim.
//  - Every other entry covers the next input dim. begin_mask / end_mask bits
//    mean "from the start" / "to the end" in the stride's direction; otherwise
//    a negative index counts from the end and is then clamped to [0, dim] for a
//    positive stride, [-1, dim - 1] for a negative one (-1 being one before the
//    first element when walking backwards).
//  - A shrink_axis entry takes the single element at begin (which must be in
//    range) and drops the dim from the output; it ignores end and the masks.
// The dim's length is ceil((end - begin) / stride), or 0 when the interval
// points the other way.
#include <inttypes.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/internal/strided_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t rank;
  // Per input dim: elements taken, and the element offset of one step.
  int32_t counts[kMaxRank];
  int32_t steps[kMaxRank];
  // Element offset of the first element taken.
  int32_t start;
  int32_t out_count;
  int32_t element_size;
};

inline bool Bit(int32_t mask, int i) { return ((static_cast<uint32_t>(mask) >> i) & 1u) != 0; }

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input (begin, end and strides come from StridedSliceOptions) and 1 "
                    "output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView declared = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == declared.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(declared.type));
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", declared, "output 0"));
  const auto* options = context.op().options_as_StridedSliceOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "StridedSliceOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const uint32_t entries = options->begin() == nullptr ? 0 : options->begin()->size();
  const uint32_t end_entries = options->end() == nullptr ? 0 : options->end()->size();
  const uint32_t stride_entries = options->strides() == nullptr ? 0 : options->strides()->size();
  EMBER_CHECK_MODEL(context, end_entries == entries && stride_entries == entries,
                    "begin, end and strides must have one length, have %" PRIu32 ", %" PRIu32
                    " and %" PRIu32,
                    entries, end_entries, stride_entries);
  // Masks are int32 bit sets, so at most 31 entries are addressable; the
  // output rank bounds real specs far below that.
  EMBER_CHECK_MODEL(context, entries <= 31,
                    "begin has %" PRIu32 " entries, at most 31 are supported", entries);
  const int32_t sparse_count = static_cast<int32_t>(entries);
  const int32_t begin_mask = options->begin_mask();
  const int32_t end_mask = options->end_mask();
  const int32_t ellipsis_mask = options->ellipsis_mask();
  const int32_t new_axis_mask = options->new_axis_mask();
  const int32_t shrink_mask = options->shrink_axis_mask();
  const uint32_t valid_bits = entries == 31 ? 0x7FFFFFFFu : (1u << entries) - 1u;
  EMBER_CHECK_MODEL(context,
                    ((static_cast<uint32_t>(begin_mask) | static_cast<uint32_t>(end_mask) |
                      static_cast<uint32_t>(ellipsis_mask) | static_cast<uint32_t>(new_axis_mask) |
                      static_cast<uint32_t>(shrink_mask)) &
                     ~valid_bits) == 0,
                    "a mask sets a bit beyond the %" PRIu32 " entries of begin", entries);
  int ellipsis = -1;
  for (int i = 0; i < sparse_count; ++i) {
    if (!Bit(ellipsis_mask, i)) continue;
    EMBER_CHECK_MODEL(context, ellipsis < 0, "ellipsis_mask sets more than one bit (%d and %d)",
                      ellipsis, i);
    ellipsis = i;
  }

  // Input dims the entries after the ellipsis cover, so the ellipsis knows how
  // many to fill. Without an ellipsis every entry is "before" the implied one.
  int32_t covered_after = 0;
  int32_t covered_total = 0;
  for (int i = 0; i < sparse_count; ++i) {
    if (i == ellipsis || Bit(new_axis_mask, i)) continue;
    ++covered_total;
    if (ellipsis >= 0 && i > ellipsis) ++covered_after;
  }
  EMBER_CHECK_MODEL(context, covered_total <= in.rank,
                    "the spec indexes %" PRId32 " dims but input 0 has rank %" PRId32,
                    covered_total, in.rank);

  // Walk the sparse spec, producing each input dim's range and the output
  // shape (new axes, kept dims; shrunk dims vanish).
  int32_t begins[kMaxRank];
  int32_t strides[kMaxRank];
  int32_t counts[kMaxRank];
  int32_t out_dims[kMaxRank];
  int32_t out_rank = 0;
  int32_t dim = 0;
  auto full_range = [&](int32_t d) {
    begins[d] = 0;
    strides[d] = 1;
    counts[d] = in.dims[d];
  };
  auto add_output_dim = [&](int32_t size) -> bool {
    if (out_rank >= kMaxRank) return false;
    out_dims[out_rank++] = size;
    return true;
  };
  for (int i = 0; i < sparse_count; ++i) {
    if (i == ellipsis) {
      const int32_t stop = in.rank - covered_after;
      for (; dim < stop; ++dim) {
        full_range(dim);
        EMBER_CHECK_MODEL(context, add_output_dim(in.dims[dim]), "the output would exceed rank %d",
                          kMaxRank);
      }
      continue;
    }
    if (Bit(new_axis_mask, i)) {
      EMBER_CHECK_MODEL(context, add_output_dim(1), "the output would exceed rank %d", kMaxRank);
      continue;
    }
    const int32_t size = in.dims[dim];
    const int32_t begin = options->begin()->Get(static_cast<uint32_t>(i));
    const int32_t end = options->end()->Get(static_cast<uint32_t>(i));
    const int32_t stride = options->strides()->Get(static_cast<uint32_t>(i));
    EMBER_CHECK_MODEL(context, stride != 0, "strides[%d] is 0", i);
    if (Bit(shrink_mask, i)) {
      EMBER_CHECK_MODEL(context, stride > 0,
                        "strides[%d] = %" PRId32 ": a shrink_axis entry needs a positive stride", i,
                        stride);
      const int64_t index = begin < 0 ? int64_t{begin} + size : begin;
      EMBER_CHECK_MODEL(context, index >= 0 && index < size,
                        "begin[%d] = %" PRId32 " is out of range for input dim %" PRId32
                        " of size %" PRId32,
                        i, begin, dim, size);
      begins[dim] = static_cast<int32_t>(index);
      strides[dim] = 1;
      counts[dim] = 1;
      ++dim;
      continue;
    }
    // Bounds of the index range in the stride's direction.
    const int64_t low = stride > 0 ? 0 : -1;
    const int64_t high = stride > 0 ? size : int64_t{size} - 1;
    auto resolve = [&](int32_t value, bool masked, bool is_end) -> int64_t {
      if (masked) return (stride > 0) == is_end ? high : low;
      const int64_t forward = value < 0 ? int64_t{value} + size : value;
      return forward < low ? low : (forward > high ? high : forward);
    };
    const int64_t first = resolve(begin, Bit(begin_mask, i), false);
    const int64_t last = resolve(end, Bit(end_mask, i), true);
    const int64_t span = last - first;
    int64_t count = 0;
    if (span != 0 && (span < 0) == (stride < 0)) {
      count = span / stride + (span % stride != 0 ? 1 : 0);
    }
    begins[dim] = static_cast<int32_t>(first);
    strides[dim] = stride;
    counts[dim] = static_cast<int32_t>(count);
    EMBER_CHECK_MODEL(context, add_output_dim(counts[dim]), "the output would exceed rank %d",
                      kMaxRank);
    ++dim;
  }
  // The implied trailing ellipsis.
  for (; dim < in.rank; ++dim) {
    full_range(dim);
    EMBER_CHECK_MODEL(context, add_output_dim(in.dims[dim]), "the output would exceed rank %d",
                      kMaxRank);
  }

  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, out_rank));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->rank = in.rank;
  data->start = 0;
  int32_t in_stride = 1;
  for (int d = in.rank - 1; d >= 0; --d) {
    data->counts[d] = counts[d];
    data->steps[d] = strides[d] * in_stride;
    // A dim with nothing taken may start outside the input; the loop never
    // reads there, and leaving it out keeps start inside the buffer.
    if (counts[d] > 0) data->start += begins[d] * in_stride;
    in_stride *= in.dims[d];
  }
  data->out_count = static_cast<int32_t>(context.output(0).num_elements());
  data->element_size = static_cast<int32_t>(TensorTypeSize(in.type));
  return Status::kOk;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  StridedCopy(data.rank, data.start, data.counts, data.steps, data.out_count, data.element_size,
              context.input(0).data, context.output(0).data);
  return Status::kOk;
}

}  // namespace

const Kernel kStridedSlice = {schema::OpCode::STRIDED_SLICE, "STRIDED_SLICE", Prepare, Eval};

}  // namespace ember::kernels
