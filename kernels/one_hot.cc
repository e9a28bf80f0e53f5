// OneHot (TensorFlow's): inputs indices (int32 or int64), depth (a constant
// int32 or int64 scalar), on_value and off_value (one element each, of the
// output's type, any type). The output is indices' shape with a new dimension
// of size depth at OneHotOptions.axis (-1: last); an element is on_value where
// its position along that dimension equals its index, off_value elsewhere.
// An index outside [0, depth) gives a row of all off_value, as in TensorFlow,
// so Eval has no data-dependent failure.
//
// Depth must be constant because it fixes the output shape. On and off values
// are copied, so a quantized output needs them quantized alike.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

constexpr int kIndices = 0;
constexpr int kDepth = 1;
constexpr int kOnValue = 2;
constexpr int kOffValue = 3;

struct OpData {
  // The output viewed as [outer, depth, inner]; indices as [outer, inner].
  int32_t outer;
  int32_t depth;
  int32_t inner;
  int32_t element_size;
};

Status ReadDepth(OpContext& context, int32_t* depth) {
  const TensorView view = context.input(kDepth);
  EMBER_CHECK_MODEL(context, context.input_is_constant(kDepth),
                    "input 1 (depth) must be constant: the output shape depends on it");
  EMBER_CHECK_MODEL(context, view.num_elements() == 1, "input 1 (depth) must hold one value, holds %s",
                    FormatInt64(view.num_elements()).chars);
  int64_t value = 0;
  if (view.type == TensorType::INT32) {
    value = view.data_as<const int32_t>()[0];
  } else {
    EMBER_CHECK_MODEL(context, view.type == TensorType::INT64,
                      "input 1 (depth) must be int32 or int64, is %s", TensorTypeName(view.type));
    value = view.data_as<const int64_t>()[0];
  }
  EMBER_CHECK_MODEL(context, value >= 0 && value <= INT32_MAX,
                    "input 1 (depth) is %s; it must be in [0, %" PRId32 "]",
                    FormatInt64(value).chars, static_cast<int32_t>(INT32_MAX));
  *depth = static_cast<int32_t>(value);
  return Status::kOk;
}

Status CheckOnOffValue(OpContext& context, int index, const char* name) {
  const TensorView value = context.input(index);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context, value.num_elements() == 1, "input %d (%s) must hold one value, holds %s",
                    index, name, FormatInt64(value.num_elements()).chars);
  EMBER_CHECK_MODEL(context, value.type == out.type, "input %d (%s) is %s but the output is %s",
                    index, name, TensorTypeName(value.type), TensorTypeName(out.type));
  return CheckCopyQuantization(context, value, name, out, "output 0");
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 4 && context.num_outputs() == 1,
                    "needs 4 inputs (indices, depth, on_value, off_value) and 1 output, has %d "
                    "and %d",
                    context.num_inputs(), context.num_outputs());
  for (int i = 0; i < 4; ++i) {
    EMBER_CHECK_MODEL(context, context.input(i).present(), "input %d is required", i);
  }
  const TensorView indices = context.input(kIndices);
  const TensorView out = context.output(0);
  EMBER_CHECK_MODEL(context,
                    indices.type == TensorType::INT32 || indices.type == TensorType::INT64,
                    "input 0 (indices) must be int32 or int64, is %s",
                    TensorTypeName(indices.type));
  EMBER_CHECK_MODEL(context, TensorTypeSize(out.type) != 0, "the output type %s is not supported",
                    TensorTypeName(out.type));
  int32_t depth = 0;
  EMBER_RETURN_IF_ERROR(ReadDepth(context, &depth));
  EMBER_RETURN_IF_ERROR(CheckOnOffValue(context, kOnValue, "on_value"));
  EMBER_RETURN_IF_ERROR(CheckOnOffValue(context, kOffValue, "off_value"));
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::OneHotOptions,
                    "options must be OneHotOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_OneHotOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : -1;
  const int32_t out_rank = indices.rank + 1;
  EMBER_CHECK_MODEL(context, out_rank <= kMaxRank,
                    "the output would be rank %" PRId32 ", above %d", out_rank, kMaxRank);
  // -1 is the new last dimension, so the axis ranges over the output's rank.
  EMBER_CHECK_MODEL(context, raw_axis >= -1 && raw_axis <= indices.rank,
                    "axis %" PRId32 " is outside [-1, %" PRId32 "] for input 0 (indices) of rank "
                    "%" PRId32,
                    raw_axis, indices.rank, indices.rank);
  const int32_t axis = raw_axis == -1 ? indices.rank : raw_axis;

  int32_t out_dims[kMaxRank];
  for (int d = 0, source = 0; d < out_rank; ++d) {
    out_dims[d] = d == axis ? depth : indices.dims[source++];
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, out_rank));

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->outer = 1;
  for (int d = 0; d < axis; ++d) data->outer *= indices.dims[d];
  data->depth = depth;
  data->inner = 1;
  for (int d = axis; d < indices.rank; ++d) data->inner *= indices.dims[d];
  data->element_size = static_cast<int32_t>(TensorTypeSize(out.type));
  EMBER_CHECK_MODEL(context,
                    data->element_size == 1 || data->element_size == 2 ||
                        data->element_size == 4 || data->element_size == 8,
                    "output type %s has no element size of 1, 2, 4 or 8 bytes",
                    TensorTypeName(out.type));
  return Status::kOk;
}

// An element of a fixed size, copied as one value.
template <size_t kSize>
struct ElementBytes {
  uint8_t bytes[kSize];
};

template <typename Element, typename Index>
void OneHotElements(const OpData& data, const Index* indices, const uint8_t* on_value,
                    const uint8_t* off_value, uint8_t* output) {
  Element on;
  Element off;
  memcpy(&on, on_value, sizeof(Element));
  memcpy(&off, off_value, sizeof(Element));
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int32_t k = 0; k < data.depth; ++k) {
      for (int32_t i = 0; i < data.inner; ++i) {
        const Index index = indices[static_cast<int64_t>(o) * data.inner + i];
        memcpy(output, index == k ? &on : &off, sizeof(Element));
        output += sizeof(Element);
      }
    }
  }
}

// The element sizes of the tensor types as fixed-size copies (a memcpy of a
// run-time size per element costs a library call each).
template <typename Index>
void OneHotTyped(const OpData& data, const Index* indices, const uint8_t* on_value,
                 const uint8_t* off_value, uint8_t* output) {
  switch (data.element_size) {
    case 1:
      OneHotElements<ElementBytes<1>>(data, indices, on_value, off_value, output);
      return;
    case 2:
      OneHotElements<ElementBytes<2>>(data, indices, on_value, off_value, output);
      return;
    case 4:
      OneHotElements<ElementBytes<4>>(data, indices, on_value, off_value, output);
      return;
    default:  // 8, as Prepare checked
      OneHotElements<ElementBytes<8>>(data, indices, on_value, off_value, output);
      return;
  }
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const TensorView indices = context.input(kIndices);
  const auto* on_value = static_cast<const uint8_t*>(context.input(kOnValue).data);
  const auto* off_value = static_cast<const uint8_t*>(context.input(kOffValue).data);
  auto* output = static_cast<uint8_t*>(context.output(0).data);
  if (indices.type == TensorType::INT64) {
    OneHotTyped(data, indices.data_as<const int64_t>(), on_value, off_value, output);
  } else {
    OneHotTyped(data, indices.data_as<const int32_t>(), on_value, off_value, output);
  }
  return Status::kOk;
}

}  // namespace

const Kernel kOneHot = {schema::OpCode::ONE_HOT, "ONE_HOT", Prepare, Eval};

}  // namespace ember::kernels
