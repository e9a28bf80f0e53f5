// Pad: surrounds the input with PadOptions.constant_value; paddings holds a
// (before, after) pair per input dim. Pure data movement, so any element type:
// the pad value is encoded once in Prepare as the bytes of one element.
//
// Int8 and int16 (quantized per tensor; int16 with zero point 0): the output
// must be quantized exactly like the input, since values are copied. The pad
// value is constant_value quantized with the output's parameters,
// clamp(round(constant_value / scale) + zero_point), rounding half away from
// zero: 0 (TFLite's PAD) gives the zero point, and a PADV2 constant that was
// itself a quantized value q gives back q. This is what TFLite Micro pads
// with; it does not check the input's quantization, Ember rejects a mismatch.
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t rank;
  int32_t in_dims[kMaxRank];
  int32_t out_strides[kMaxRank];
  int32_t before[kMaxRank];
  int32_t out_count;
  int32_t element_size;
  // One output element holding the pad value (up to 8 bytes).
  int32_t pad_value[2];
};

// Encodes `value` as an element of `out`'s type. Integer tensors that are
// quantized take the quantized value (saturating, as quantization does); plain
// integers must hold the value exactly.
Status EncodePadValue(OpContext& context, float value, const TensorView& out, OpData* data) {
  const QuantParams quant = out.quant();
  double integral = value;
  double low = 0.0;
  double high = 0.0;
  switch (out.type) {
    case TensorType::FLOAT32:
      memcpy(data->pad_value, &value, sizeof(value));
      return Status::kOk;
    case TensorType::INT8:
      low = -128.0;
      high = 127.0;
      break;
    case TensorType::UINT8:
      low = 0.0;
      high = 255.0;
      break;
    case TensorType::INT16:
      low = -32768.0;
      high = 32767.0;
      break;
    case TensorType::INT32:
      low = -2147483648.0;
      high = 2147483647.0;
      break;
    case TensorType::INT64:
      low = -9223372036854775808.0;
      high = 9223372036854774784.0;
      break;
    case TensorType::FLOAT16:
    case TensorType::BOOL:
      // Zero is all-zero bytes in both; other values have no use here yet.
      if (value != 0.0f) {
        return EMBER_FAIL(context, Status::kUnsupported,
                          "constant_value %g on a %s tensor is not supported (only 0)",
                          static_cast<double>(value), TensorTypeName(out.type));
      }
      return Status::kOk;
  }
  if (quant.scale > 0.0f) {
    integral = round(static_cast<double>(value) / quant.scale) + quant.zero_point;
    integral = integral < low ? low : (integral > high ? high : integral);
  }
  EMBER_CHECK_MODEL(context, integral == floor(integral) && integral >= low && integral <= high,
                    "constant_value %g is not representable as %s", static_cast<double>(value),
                    TensorTypeName(out.type));
  switch (out.type) {
    case TensorType::INT8: {
      const int8_t v = static_cast<int8_t>(integral);
      memcpy(data->pad_value, &v, sizeof(v));
      break;
    }
    case TensorType::UINT8: {
      const uint8_t v = static_cast<uint8_t>(integral);
      memcpy(data->pad_value, &v, sizeof(v));
      break;
    }
    case TensorType::INT16: {
      const int16_t v = static_cast<int16_t>(integral);
      memcpy(data->pad_value, &v, sizeof(v));
      break;
    }
    case TensorType::INT32: {
      const int32_t v = static_cast<int32_t>(integral);
      memcpy(data->pad_value, &v, sizeof(v));
      break;
    }
    default: {
      const int64_t v = static_cast<int64_t>(integral);
      memcpy(data->pad_value, &v, sizeof(v));
      break;
    }
  }
  return Status::kOk;
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input (paddings come from PadOptions) and 1 output, has %d and %d",
                    context.num_inputs(), context.num_outputs());
  const TensorView in = context.input(0);
  const TensorView declared = context.output(0);
  EMBER_CHECK_MODEL(context, in.present(), "input 0 is required");
  EMBER_CHECK_MODEL(context, in.type == declared.type, "input 0 is %s but the output is %s",
                    TensorTypeName(in.type), TensorTypeName(declared.type));
  if (IsInt8OrInt16(in.type) && ScaleCount(declared.quantization) > 0) {
    QuantParams unused;
    EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, declared, "output 0", &unused));
  }
  EMBER_RETURN_IF_ERROR(CheckCopyQuantization(context, in, "input 0", declared, "output 0"));
  const auto* options = context.op().options_as_PadOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "PadOptions are required, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* paddings = options->paddings();
  const uint32_t pairs = paddings == nullptr ? 0 : paddings->size();
  EMBER_CHECK_MODEL(context, pairs == 2u * static_cast<uint32_t>(in.rank),
                    "paddings must hold 2 entries per input dim (%" PRId32 "), holds %" PRIu32,
                    2 * in.rank, pairs);

  int32_t out_dims[kMaxRank];
  for (int d = 0; d < in.rank; ++d) {
    const int32_t before = paddings->Get(2 * d);
    const int32_t after = paddings->Get(2 * d + 1);
    EMBER_CHECK_MODEL(context, before >= 0 && after >= 0,
                      "paddings for dim %d (%" PRId32 ", %" PRId32 ") must not be negative", d,
                      before, after);
    const int64_t size = int64_t{in.dims[d]} + before + after;
    EMBER_CHECK_MODEL(context, size <= INT32_MAX, "padded dim %d (%s) is too large", d,
                      FormatInt64(size).chars);
    out_dims[d] = static_cast<int32_t>(size);
  }
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, in.rank));
  const TensorView out = context.output(0);

  auto* data = context.AllocateOpData<OpData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->rank = in.rank;
  data->out_count = static_cast<int32_t>(out.num_elements());
  int32_t stride = 1;
  for (int d = in.rank - 1; d >= 0; --d) {
    data->in_dims[d] = in.dims[d];
    data->before[d] = paddings->Get(2 * d);
    data->out_strides[d] = stride;
    // An empty output bounds no partial product of its dims; it is never
    // written, so its strides need not be right, only not overflow.
    if (data->out_count > 0) stride *= out.dims[d];
  }
  data->element_size = static_cast<int32_t>(TensorTypeSize(out.type));
  return EncodePadValue(context, options->constant_value(), out, data);
}

template <typename T>
void Fill(void* out, int32_t count, const void* value) {
  T element;
  memcpy(&element, value, sizeof(T));
  T* dst = static_cast<T*>(out);
  for (int32_t i = 0; i < count; ++i) dst[i] = element;
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  if (data.out_count == 0) return Status::kOk;
  const TensorView in = context.input(0);
  const TensorView out = context.output(0);
  switch (data.element_size) {
    case 1:
      Fill<uint8_t>(out.data, data.out_count, data.pad_value);
      break;
    case 2:
      Fill<uint16_t>(out.data, data.out_count, data.pad_value);
      break;
    case 4:
      Fill<uint32_t>(out.data, data.out_count, data.pad_value);
      break;
    default:
      Fill<uint64_t>(out.data, data.out_count, data.pad_value);
      break;
  }
  const size_t element_size = static_cast<size_t>(data.element_size);
  if (data.rank == 0) {
    memcpy(out.data, in.data, element_size);
    return Status::kOk;
  }
  // Copy the input row by row (the last dim is contiguous on both sides) to
  // its place inside the padded output.
  const int last = data.rank - 1;
  const size_t row_bytes = static_cast<size_t>(data.in_dims[last]) * element_size;
  int32_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= data.in_dims[d];
  int32_t index[kMaxRank] = {0};
  int32_t out_offset = data.before[last];
  for (int d = 0; d < last; ++d) out_offset += data.before[d] * data.out_strides[d];
  const auto* src = static_cast<const uint8_t*>(in.data);
  auto* dst = static_cast<uint8_t*>(out.data);
  for (int32_t r = 0; r < rows; ++r) {
    memcpy(dst + static_cast<size_t>(out_offset) * element_size, src, row_bytes);
    src += row_bytes;
    for (int d = last - 1; d >= 0; --d) {
      out_offset += data.out_strides[d];
      if (++index[d] < data.in_dims[d]) break;
      out_offset -= data.out_strides[d] * data.in_dims[d];
      index[d] = 0;
    }
  }
  return Status::kOk;
}

}  // namespace

const Kernel kPad = {schema::OpCode::PAD, "PAD", Prepare, Eval};

}  // namespace ember::kernels
