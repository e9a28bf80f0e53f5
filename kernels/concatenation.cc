// Concatenation: joins any number of inputs along ConcatenationOptions.axis
// (negative counts from the end). Data movement for any element type; the
// fused activation applies to float32 only.
//
// Quantized int8 and int16: the output may have any quantization (int8 per
// tensor; int16 per tensor with zero point 0). An input quantized exactly like the
// output is copied; any other is requantized to the output's scale and zero
// point with an integer multiplier computed in Prepare, rounding as TFLite's
// integer Requantize (its int8-to-int8 QUANTIZE) does: q_out = clamp(zp_out +
// (q_in - zp_in) * in_scale / out_scale) with TFLite's fixed-point multiply
// (see Rescale in kernels/internal/quantized_copy.h): the correctly rounded
// value or within 1 of it. TFLite Micro itself rejects concatenations whose
// input and output quantization differ; TFLite requantizes them in float
// (ties away from zero), which can differ from this by 1 at such ties.
#include <inttypes.h>
#include <string.h>

#include "kernels/internal/common.h"
#include "kernels/internal/quantized_copy.h"
#include "kernels/kernels.h"

namespace ember::kernels {
namespace {

struct OpData {
  int32_t axis;
  // Product of the dims before / after the axis, the same for every operand.
  int32_t outer;
  int32_t inner;
  int32_t element_size;
  int32_t apply_activation;
  FloatRange activation;
  // Quantized int8 and int16: 1, the output's range, and the block goes on
  // with one InputScaling per input.
  int32_t quantized;
  int32_t quantized_min;
  int32_t quantized_max;
};

struct InputScaling {
  int32_t requantize;  // 0: copied as is
  Rescale rescale;
};

InputScaling* Scalings(OpData* data) { return reinterpret_cast<InputScaling*>(data + 1); }
const InputScaling* Scalings(const OpData& data) {
  return reinterpret_cast<const InputScaling*>(&data + 1);
}

Status Prepare(OpContext& context) {
  EMBER_CHECK_MODEL(context, context.num_inputs() >= 1 && context.num_outputs() == 1,
                    "needs at least 1 input and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const TensorView first = context.input(0);
  EMBER_CHECK_MODEL(context, first.present(), "input 0 is required");
  const TensorType out_type = context.output(0).type;
  EMBER_CHECK_MODEL(context,
                    context.op().options_type() == schema::OpOptions::NONE ||
                        context.op().options_type() == schema::OpOptions::ConcatenationOptions,
                    "options must be ConcatenationOptions, found %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  const auto* options = context.op().options_as_ConcatenationOptions();
  const int32_t raw_axis = options != nullptr ? options->axis() : 0;
  const schema::Activation activation =
      options != nullptr ? options->activation() : schema::Activation::NONE;
  int32_t axis = 0;
  EMBER_CHECK_MODEL(context, NormalizeAxis(raw_axis, first.rank, &axis),
                    "axis %" PRId32 " is out of range for input rank %" PRId32, raw_axis,
                    first.rank);
  EMBER_CHECK_MODEL(context,
                    activation >= schema::Activation::MIN && activation <= schema::Activation::MAX,
                    "unknown activation %d", static_cast<int>(activation));
  EMBER_CHECK_MODEL(context,
                    activation == schema::Activation::NONE || out_type == TensorType::FLOAT32,
                    "a fused activation needs float32, the output is %s", TensorTypeName(out_type));

  // Int8 / int16 tensors without quantization are plain integers, copied.
  const bool quantized = IsInt8OrInt16(out_type) && ScaleCount(context.output(0).quantization) > 0;
  QuantParams out_quant;
  if (quantized) {
    EMBER_RETURN_IF_ERROR(
        ReadQuantizedActivation(context, context.output(0), "output 0", &out_quant));
  }
  int64_t axis_total = 0;
  for (int i = 0; i < context.num_inputs(); ++i) {
    const TensorView in = context.input(i);
    EMBER_CHECK_MODEL(context, in.present(), "input %d is required", i);
    EMBER_CHECK_MODEL(context, in.type == out_type, "input %d is %s but the output is %s", i,
                      TensorTypeName(in.type), TensorTypeName(out_type));
    if (quantized) {
      QuantParams unused;
      EMBER_RETURN_IF_ERROR(ReadQuantizedActivation(context, in, OperandName(true, i), &unused));
    } else {
      EMBER_RETURN_IF_ERROR(
          CheckCopyQuantization(context, in, OperandName(true, i), context.output(0), "output 0"));
    }
    EMBER_CHECK_MODEL(context, in.rank == first.rank,
                      "input %d must be rank %" PRId32 ", is rank %" PRId32, i, first.rank,
                      in.rank);
    for (int d = 0; d < first.rank; ++d) {
      if (d == axis) continue;
      EMBER_CHECK_MODEL(context, in.dims[d] == first.dims[d],
                        "input %d dim %d is %" PRId32 " but input 0's is %" PRId32
                        " (only axis %" PRId32 " may differ)",
                        i, d, in.dims[d], first.dims[d], axis);
    }
    axis_total += in.dims[axis];
  }
  EMBER_CHECK_MODEL(context, axis_total <= INT32_MAX,
                    "the inputs' dims along axis %" PRId32 " sum to more than %" PRId32, axis,
                    INT32_MAX);
  int32_t out_dims[kMaxRank];
  for (int d = 0; d < first.rank; ++d) out_dims[d] = first.dims[d];
  out_dims[axis] = static_cast<int32_t>(axis_total);
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, out_dims, first.rank));
  const TensorView out = context.output(0);

  const size_t bytes =
      sizeof(OpData) +
      (quantized ? static_cast<size_t>(context.num_inputs()) * sizeof(InputScaling) : 0);
  auto* data = static_cast<OpData*>(context.AllocateOpData(bytes));
  if (data == nullptr) return Status::kArenaTooSmall;
  data->axis = axis;
  data->outer = 1;
  for (int d = 0; d < axis; ++d) data->outer *= out.dims[d];
  data->inner = 1;
  for (int d = axis + 1; d < out.rank; ++d) data->inner *= out.dims[d];
  data->element_size = static_cast<int32_t>(TensorTypeSize(out.type));
  data->apply_activation = activation != schema::Activation::NONE;
  data->activation = ActivationRange(activation);
  data->quantized = quantized;
  if (quantized) {
    data->quantized_min = QuantizedMin(out_type);
    data->quantized_max = QuantizedMax(out_type);
    InputScaling* scalings = Scalings(data);
    for (int i = 0; i < context.num_inputs(); ++i) {
      const QuantParams quant = context.input(i).quant();
      scalings[i].requantize =
          quant.scale != out_quant.scale || quant.zero_point != out_quant.zero_point;
      scalings[i].rescale = MakeRescale(quant, out_quant);
    }
  }
  return Status::kOk;
}

// Requantizes `count` values of one input's chunk into the output, in a
// loop compiled for the host's wider SIMD too (a copy of the rescaling the
// stores cannot alias lets it vectorize).
template <typename T>
EMBER_ALWAYS_INLINE void RequantizeChunk(const T* src, T* dst, size_t count,
                                         const InputScaling& scaling, const OpData& data) {
  const Rescale rescale = scaling.rescale;
  const int32_t min = data.quantized_min;
  const int32_t max = data.quantized_max;
  for (size_t k = 0; k < count; ++k) {
    dst[k] = static_cast<T>(ApplyRescale(src[k], rescale, min, max));
  }
}

EMBER_HOST_SIMD_CLONES void RequantizeInt8Chunk(const int8_t* src, int8_t* dst, size_t count,
                                                const InputScaling& scaling, const OpData& data) {
  RequantizeChunk(src, dst, count, scaling, data);
}

Status Eval(OpContext& context) {
  const OpData& data = *context.op_data_as<OpData>();
  const TensorView out = context.output(0);
  const int num_inputs = context.num_inputs();
  const InputScaling* scalings = data.quantized ? Scalings(data) : nullptr;
  // Each outer slice of the output is the inputs' outer slices side by side.
  auto* dst = static_cast<uint8_t*>(out.data);
  for (int32_t o = 0; o < data.outer; ++o) {
    for (int i = 0; i < num_inputs; ++i) {
      const TensorView in = context.input(i);
      const size_t count = static_cast<size_t>(in.dims[data.axis]) * data.inner;
      const size_t chunk = count * static_cast<size_t>(data.element_size);
      const uint8_t* src = static_cast<const uint8_t*>(in.data) + o * chunk;
      if (scalings != nullptr && scalings[i].requantize) {
        if (out.type == TensorType::INT8) {
          RequantizeInt8Chunk(reinterpret_cast<const int8_t*>(src),
                              reinterpret_cast<int8_t*>(dst), count, scalings[i], data);
        } else {
          RequantizeChunk(reinterpret_cast<const int16_t*>(src), reinterpret_cast<int16_t*>(dst),
                          count, scalings[i], data);
        }
      } else {
        memcpy(dst, src, chunk);
      }
      dst += chunk;
    }
  }
  if (data.apply_activation) {
    float* values = out.data_as<float>();
    const int32_t count = static_cast<int32_t>(out.num_elements());
    for (int32_t k = 0; k < count; ++k) values[k] = Clamp(values[k], data.activation);
  }
  return Status::kOk;
}

}  // namespace

const Kernel kConcatenation = {schema::OpCode::CONCATENATION, "CONCATENATION", Prepare, Eval};

}  // namespace ember::kernels
