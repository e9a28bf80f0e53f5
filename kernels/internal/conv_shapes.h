// Shared by the windowed ops (Conv2D, DepthwiseConv2D, TransposeConv,
// MaxPool2D, AveragePool2D) and the matrix ops (FullyConnected, BatchMatmul):
// checks of padding/stride/activation options and of the window geometry the
// output shapes are computed from; the walk over output pixels with their
// windows clipped to the image and the blocked dot product their loops use;
// the Prepare of both pooling ops, float32, int8 and int16.
//
// The bounds enforced here are what lets Eval do all index arithmetic in
// int32 (also on 32-bit targets): every dimension product, every window
// position `out * stride - pad + k * dilation` and every padded extent stays
// below 2^31. They are far beyond any real model, so rejecting past them
// costs nothing.
#ifndef EMBER_KERNELS_INTERNAL_CONV_SHAPES_H_
#define EMBER_KERNELS_INTERNAL_CONV_SHAPES_H_

#include <inttypes.h>
#include <math.h>
#include <stdint.h>

#include "interpreter/kernel.h"
#include "interpreter/tensor.h"
#include "kernels/internal/common.h"
#include "kernels/internal/integer_only.h"
#include "kernels/internal/quantization.h"
#include "schema/ember_generated.h"

namespace ember::kernels {

// Bound on a tensor's dimension product (zero dims counted as one) and on a
// spatial input size; the same as the model loader's element bound.
constexpr int64_t kMaxDimProduct = int64_t{1} << 29;
// Bound on strides, dilated window extents and explicit paddings.
constexpr int32_t kMaxWindowValue = int32_t{1} << 28;

// Rejects a tensor whose dims multiply (zero dims counted as one) past
// kMaxDimProduct. The loader bounds only the element count, which a single
// zero dim makes 0 whatever the other dims are; index arithmetic over the
// other dims must still fit.
inline Status CheckDimsBounded(OpContext& context, const TensorView& view, const char* what) {
  int64_t product = 1;
  for (int i = 0; i < view.rank; ++i) {
    product *= view.dims[i] > 1 ? view.dims[i] : 1;
    EMBER_CHECK_MODEL(context, product <= kMaxDimProduct,
                      "%s: dims multiply past %d (dims of 0 counted as 1)", what,
                      static_cast<int>(kMaxDimProduct));
  }
  return Status::kOk;
}

inline Status CheckRank(OpContext& context, const TensorView& view, int rank, const char* what) {
  EMBER_CHECK_MODEL(context, view.present(), "%s is required", what);
  EMBER_CHECK_MODEL(context, view.rank == rank, "%s must be rank %d, is rank %" PRId32, what, rank,
                    view.rank);
  return CheckDimsBounded(context, view, what);
}

inline Status ReadActivation(OpContext& context, schema::Activation activation, FloatRange* range) {
  const int value = static_cast<int>(activation);
  EMBER_CHECK_MODEL(context,
                    value >= static_cast<int>(schema::Activation::MIN) &&
                        value <= static_cast<int>(schema::Activation::MAX),
                    "option activation = %d is not a known activation", value);
  *range = ActivationRange(activation);
  return Status::kOk;
}

// Padding mode plus explicit amounts (top, bottom, left, right; zeros unless
// EXPLICIT).
struct Padding2D {
  schema::Padding mode;
  int32_t explicit_values[4];
};

inline Status ReadPadding(OpContext& context, schema::Padding mode,
                          const flatbuffers::Vector<int32_t>* explicit_padding, Padding2D* out) {
  const int value = static_cast<int>(mode);
  EMBER_CHECK_MODEL(context,
                    value >= static_cast<int>(schema::Padding::MIN) &&
                        value <= static_cast<int>(schema::Padding::MAX),
                    "option padding = %d is not SAME, VALID or EXPLICIT", value);
  out->mode = mode;
  const uint32_t count = explicit_padding == nullptr ? 0 : explicit_padding->size();
  // A converter that fills explicit_padding for SAME/VALID has a bug whose
  // intent is unclear; refuse rather than guess which one to honor.
  EMBER_CHECK_MODEL(context, mode == schema::Padding::EXPLICIT || count == 0,
                    "option explicit_padding is set but padding is %s, not EXPLICIT",
                    schema::EnumNamePadding(mode));
  EMBER_CHECK_MODEL(context,
                    (mode != schema::Padding::EXPLICIT || count != 0) &&
                        ReadExplicitPadding(explicit_padding, out->explicit_values),
                    "EXPLICIT padding needs explicit_padding = [top, bottom, left, right], "
                    "has %" PRIu32 " values",
                    count);
  for (int i = 0; i < 4; ++i) {
    EMBER_CHECK_MODEL(context,
                      out->explicit_values[i] >= 0 && out->explicit_values[i] <= kMaxWindowValue,
                      "option explicit_padding[%d] = %" PRId32 " is out of range (0..%" PRId32 ")",
                      i, out->explicit_values[i], kMaxWindowValue);
  }
  return Status::kOk;
}

// Output size and leading padding along height (axis 0) or width (axis 1) of
// a window of `filter` taps, `dilation` apart, moved by `stride` over `input`
// cells.
inline Status ComputeWindow(OpContext& context, int axis, int32_t input, int32_t filter,
                            int32_t stride, int32_t dilation, const Padding2D& padding,
                            WindowDim* out) {
  const char name = axis == 0 ? 'h' : 'w';
  EMBER_CHECK_MODEL(context, stride >= 1 && stride <= kMaxWindowValue,
                    "option stride_%c = %" PRId32 " is out of range (1..%" PRId32 ")", name, stride,
                    kMaxWindowValue);
  EMBER_CHECK_MODEL(context, dilation >= 1 && dilation <= kMaxWindowValue,
                    "option dilation_%c = %" PRId32 " is out of range (1..%" PRId32 ")", name,
                    dilation, kMaxWindowValue);
  EMBER_CHECK_MODEL(context, filter >= 1, "filter %s is %" PRId32 ", must be at least 1",
                    axis == 0 ? "height" : "width", filter);
  EMBER_CHECK_MODEL(context, input >= 0 && input <= kMaxDimProduct,
                    "input %s %" PRId32 " is out of range", axis == 0 ? "height" : "width", input);
  const int64_t extent = int64_t{dilation} * (filter - 1) + 1;
  EMBER_CHECK_MODEL(context, extent <= kMaxWindowValue,
                    "window %c with filter %" PRId32 " and dilation %" PRId32
                    " spans more than %" PRId32 " cells",
                    name, filter, dilation, kMaxWindowValue);
  const int32_t before = padding.explicit_values[axis * 2];
  const int32_t after = padding.explicit_values[axis * 2 + 1];
  EMBER_CHECK_MODEL(
      context, ComputeWindowDim(input, filter, stride, dilation, padding.mode, before, after, out),
      "window %c: invalid geometry", name);
  return Status::kOk;
}

// The type check of float32-only ops and of the float32 path of ops that
// dispatch int8 inputs elsewhere.
inline Status CheckFloat(OpContext& context, const TensorView& view, const char* what) {
  if (!view.present() || view.type == TensorType::FLOAT32) return Status::kOk;
  return EMBER_FAIL(context, Status::kUnsupported, "%s has type %s; only float32 is supported",
                    what, TensorTypeName(view.type));
}

// Adds to acc[j] the dot product of `size` inputs with the weight run
// starting at weights + j * weight_stride, for j < kBlock. Several output
// channels at once give independent accumulators (hiding float add latency)
// that share each input load; each sum still adds its products in index
// order, like a plain loop. Weights are float32, or int8 for the hybrid
// paths, which multiply by the quantized values as they are (exactly
// representable in float) and leave the scale to the caller.
template <int kBlock, typename Weight>
inline void AccumulateDots(const float* input, const Weight* weights, int32_t weight_stride,
                           int32_t size, float* acc) {
  float sums[kBlock];
  for (int j = 0; j < kBlock; ++j) sums[j] = acc[j];
  for (int32_t i = 0; i < size; ++i) {
    const float x = input[i];
    for (int j = 0; j < kBlock; ++j) {
      sums[j] += x * static_cast<float>(weights[j * weight_stride + i]);
    }
  }
  for (int j = 0; j < kBlock; ++j) acc[j] = sums[j];
}

// AccumulateDots for long rows (fully connected layers), for kRows input
// rows (input + r * input_stride) at once, each sharing the weight loads:
// each dot product is split over kLanes interleaved partial sums, added up
// at the end. The partial sums are independent, so the compiler keeps them in
// SIMD lanes (4-8 products per instruction instead of one); the sum is a
// different rounding of the same products than index order gives.
// acc[r * acc_stride + j] receives row r's dot product with weight run j.
// The lane loop is outside the row and weight-run loops so that the compiler
// vectorizes it as one loop whose kRows * kBlock sums stay in registers; with
// the lane loop innermost, GCC kept them in memory (a store and a reload per
// product, about 7 times slower).
template <int kRows, int kBlock, typename Weight>
EMBER_ALWAYS_INLINE void AccumulateDotsInLanes(const float* input, int32_t input_stride, const Weight* weights,
                                  int32_t weight_stride, int32_t size, float* acc,
                                  int32_t acc_stride) {
  constexpr int kLanes = 8;
  float lanes[kRows][kBlock][kLanes] = {};
  int32_t i = 0;
  for (; i + kLanes <= size; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      for (int j = 0; j < kBlock; ++j) {
        const float w = static_cast<float>(weights[j * weight_stride + i + l]);
        for (int r = 0; r < kRows; ++r) lanes[r][j][l] += input[r * input_stride + i + l] * w;
      }
    }
  }
  // Each sum adds its lanes in lane order, then the products past the last
  // full run in index order; with the lane and index loops outermost the
  // kRows * kBlock sums are added side by side in vector registers.
  float sums[kRows][kBlock] = {};
  for (int l = 0; l < kLanes; ++l) {
    for (int r = 0; r < kRows; ++r) {
      for (int j = 0; j < kBlock; ++j) sums[r][j] += lanes[r][j][l];
    }
  }
  for (int32_t k = i; k < size; ++k) {
    for (int j = 0; j < kBlock; ++j) {
      const float w = static_cast<float>(weights[j * weight_stride + k]);
      for (int r = 0; r < kRows; ++r) sums[r][j] += input[r * input_stride + k] * w;
    }
  }
  for (int r = 0; r < kRows; ++r) {
    for (int j = 0; j < kBlock; ++j) acc[r * acc_stride + j] += sums[r][j];
  }
}

// The taps [*begin, *end) of a window starting at `start` (may be negative)
// whose cells start + k * dilation fall inside [0, size).
inline void ValidTaps(int32_t start, int32_t size, int32_t taps, int32_t dilation, int32_t* begin,
                      int32_t* end) {
  int32_t first = start < 0 ? (-start + dilation - 1) / dilation : 0;
  int32_t last = start >= size ? 0 : (size - start + dilation - 1) / dilation;
  if (last > taps) last = taps;
  if (first > last) first = last;
  *begin = first;
  *end = last;
}

// A window of filter_h x filter_w taps, dilation apart, moved by stride over
// an image padded by pad_top and pad_left.
struct Window2D {
  int32_t filter_h;
  int32_t filter_w;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
};

// Where the window of one output pixel lies.
struct WindowPosition {
  int32_t batch;
  int32_t pixel;  // the output pixel's index over [N, H_out, W_out]
  int32_t y0;     // image row and column of tap (0, 0), negative in the padding
  int32_t x0;
  // The taps [ky_begin, ky_end) x [kx_begin, kx_end) lie inside the image.
  int32_t ky_begin;
  int32_t ky_end;
  int32_t kx_begin;
  int32_t kx_end;
};

// Calls fn(position) for every pixel of an [N, H_out, W_out, C_out] output,
// in order, with `window` moved over an [N, H, W, C] input.
template <typename Fn>
void ForEachWindow(const TensorView& input, const TensorView& output, const Window2D& window,
                   Fn fn) {
  const int32_t batches = input.dim(0);
  const int32_t in_h = input.dim(1);
  const int32_t in_w = input.dim(2);
  const int32_t out_h = output.dim(1);
  const int32_t out_w = output.dim(2);
  WindowPosition p;
  p.pixel = 0;
  for (p.batch = 0; p.batch < batches; ++p.batch) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      p.y0 = oy * window.stride_h - window.pad_top;
      ValidTaps(p.y0, in_h, window.filter_h, window.dilation_h, &p.ky_begin, &p.ky_end);
      for (int32_t ox = 0; ox < out_w; ++ox, ++p.pixel) {
        p.x0 = ox * window.stride_w - window.pad_left;
        ValidTaps(p.x0, in_w, window.filter_w, window.dilation_w, &p.kx_begin, &p.kx_end);
        fn(static_cast<const WindowPosition&>(p));
      }
    }
  }
}

// Geometry of MaxPool2D / AveragePool2D, stored as their float op data.
struct Pool2DParams {
  int32_t stride_h;
  int32_t stride_w;
  int32_t filter_h;
  int32_t filter_w;
  int32_t pad_top;
  int32_t pad_left;
  FloatRange activation;
};

// Their int8 and int16 op data: the input and output share one
// quantization, so only the activation's quantized range is added.
struct QuantizedPool2DParams {
  Pool2DParams params;
  int32_t activation_min;
  int32_t activation_max;
};

inline Window2D PoolWindow(const Pool2DParams& params) {
  return {params.filter_h, params.filter_w, params.stride_h, params.stride_w, 1, 1,
          params.pad_top,  params.pad_left};
}

// Bound on the cells of an int8 window whose values are summed (the average):
// 2^24 values of magnitude up to 128 sum within int32, as TFLite's sum must.
constexpr int64_t kMaxInt8WindowCells = int64_t{1} << 24;
// The same for int16: 2^16 values of magnitude up to 2^15.
constexpr int64_t kMaxInt16WindowCells = int64_t{1} << 16;

// Both need every window to hold at least one input cell (the average
// divides by that count). Windows are contiguous, so checking the first
// window's end and the last window's start is enough; only explicit padding
// wider than the window can fail it.
inline Status CheckPoolWindowsCovered(OpContext& context, int axis, int32_t input, int32_t filter,
                                      int32_t stride, const WindowDim& window) {
  if (window.output == 0) return Status::kOk;
  const int64_t last_start = int64_t{window.output - 1} * stride - window.pad_before;
  EMBER_CHECK_MODEL(context, window.pad_before < filter && last_start < input,
                    "padding leaves pooling windows along %s with no input cell (input %" PRId32
                    ", filter %" PRId32 ", stride %" PRId32 ", padding before %" PRId32 ")",
                    axis == 0 ? "height" : "width", input, filter, stride, window.pad_before);
  return Status::kOk;
}

// Prepare of both pooling ops: one [N, H, W, C] input, Pool2DOptions; sets
// the output shape [N, H_out, W_out, C], allocates and fills the op data
// (Pool2DParams for float32, QuantizedPool2DParams for int8 and int16). A
// quantized output must share the input's quantization (int16 with zero
// point 0): the kernels do not requantize, and TFLite Micro demands the same.
// `sums_windows`: the op sums quantized windows in int32, which bounds their
// cells by kMaxInt8WindowCells or kMaxInt16WindowCells. kSchemes: every
// type, or int8 alone (integer_only.h).
template <TypeSchemes kSchemes = TypeSchemes::kAll>
Status PreparePool2D(OpContext& context, bool sums_windows) {
  EMBER_CHECK_MODEL(context, context.num_inputs() == 1 && context.num_outputs() == 1,
                    "needs 1 input and 1 output, has %d and %d", context.num_inputs(),
                    context.num_outputs());
  const TensorView input = context.input(0);
  EMBER_RETURN_IF_ERROR(CheckRank(context, input, 4, "input 0"));
  constexpr bool kInt8Only = kSchemes == TypeSchemes::kInt8;
  if (kInt8Only && input.type != TensorType::INT8) return FailNotInt8(context, input.type);
  const bool int8 = kInt8Only || input.type == TensorType::INT8;
  const bool int16 = !kInt8Only && input.type == TensorType::INT16;
  const auto* options = context.op().options_as_Pool2DOptions();
  EMBER_CHECK_MODEL(context, options != nullptr, "options must be Pool2DOptions, are %s",
                    schema::EnumNameOpOptions(context.op().options_type()));
  EMBER_CHECK_MODEL(context, options->filter_h() >= 1 && options->filter_w() >= 1,
                    "options filter_h = %" PRId32 " and filter_w = %" PRId32 " must be at least 1",
                    options->filter_h(), options->filter_w());
  if (sums_windows && (int8 || int16)) {
    const int64_t cells = int64_t{options->filter_h()} * options->filter_w();
    EMBER_CHECK_MODEL(context, cells <= (int8 ? kMaxInt8WindowCells : kMaxInt16WindowCells),
                      "an %s pooling window of %" PRId32 " x %" PRId32 " cells is larger than 2^%d",
                      int8 ? "int8" : "int16", options->filter_h(), options->filter_w(),
                      int8 ? 24 : 16);
  }
  Padding2D padding = {};
  EMBER_RETURN_IF_ERROR(
      ReadPadding(context, options->padding(), options->explicit_padding(), &padding));
  WindowDim rows = {};
  WindowDim cols = {};
  EMBER_RETURN_IF_ERROR(ComputeWindow(context, 0, input.dim(1), options->filter_h(),
                                      options->stride_h(), 1, padding, &rows));
  EMBER_RETURN_IF_ERROR(ComputeWindow(context, 1, input.dim(2), options->filter_w(),
                                      options->stride_w(), 1, padding, &cols));
  EMBER_RETURN_IF_ERROR(CheckPoolWindowsCovered(context, 0, input.dim(1), options->filter_h(),
                                                options->stride_h(), rows));
  EMBER_RETURN_IF_ERROR(CheckPoolWindowsCovered(context, 1, input.dim(2), options->filter_w(),
                                                options->stride_w(), cols));
  FloatRange activation = {};
  EMBER_RETURN_IF_ERROR(ReadActivation(context, options->activation(), &activation));
  const int32_t shape[4] = {input.dim(0), rows.output, cols.output, input.dim(3)};
  EMBER_RETURN_IF_ERROR(context.SetOutputShape(0, shape, 4));
  const TensorView output = context.output(0);

  Pool2DParams* params = nullptr;
  if (int8 || int16) {
    if (output.type != input.type) {
      return EMBER_FAIL(context, Status::kUnsupported, "an %s input needs an %s output, has %s",
                        TensorTypeName(input.type), TensorTypeName(input.type),
                        TensorTypeName(output.type));
    }
    QuantParams quant;
    QuantParams output_quant;
    if (int8) {
      EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, input, "input 0", &quant));
      EMBER_RETURN_IF_ERROR(ReadInt8Quantization(context, output, "output 0", &output_quant));
    } else {
      EMBER_RETURN_IF_ERROR(ReadInt16Quantization(context, input, "input 0", &quant));
      EMBER_RETURN_IF_ERROR(ReadInt16Quantization(context, output, "output 0", &output_quant));
    }
    EMBER_CHECK_MODEL(context,
                      fabs(static_cast<double>(quant.scale) - output_quant.scale) <= 1e-6 &&
                          quant.zero_point == output_quant.zero_point,
                      "input 0 (scale %g, zero point %" PRId32
                      ") and output 0 (scale %g, zero point %" PRId32
                      ") must share one quantization",
                      static_cast<double>(quant.scale), quant.zero_point,
                      static_cast<double>(output_quant.scale), output_quant.zero_point);
    auto* data = context.AllocateOpData<QuantizedPool2DParams>();
    if (data == nullptr) return Status::kArenaTooSmall;
    QuantizedActivationRange(options->activation(), output_quant, int8 ? -128 : -32768,
                             int8 ? 127 : 32767, &data->activation_min, &data->activation_max);
    params = &data->params;
  } else {
    EMBER_RETURN_IF_ERROR(CheckFloat(context, input, "input 0"));
    EMBER_RETURN_IF_ERROR(CheckFloat(context, output, "output 0"));
    params = context.AllocateOpData<Pool2DParams>();
    if (params == nullptr) return Status::kArenaTooSmall;
  }
  params->stride_h = options->stride_h();
  params->stride_w = options->stride_w();
  params->filter_h = options->filter_h();
  params->filter_w = options->filter_w();
  params->pad_top = rows.pad_before;
  params->pad_left = cols.pad_before;
  params->activation = activation;
  return Status::kOk;
}

// Eval of both pooling ops, given the op's int8 and int16 paths.
using QuantizedPool2DEval = void (*)(OpContext&, const QuantizedPool2DParams&);

// Integer-only Eval (input 0 is int8 or int16, as PrepareIntegerOnly
// ensures): takes no float path, so none is linked.
inline Status EvalQuantizedPool2D(OpContext& context, QuantizedPool2DEval eval_int8,
                                  QuantizedPool2DEval eval_int16) {
  const QuantizedPool2DParams& data = *context.op_data_as<QuantizedPool2DParams>();
  if (context.input(0).type == TensorType::INT16) {
    eval_int16(context, data);
  } else {
    eval_int8(context, data);
  }
  return Status::kOk;
}

// Full Eval: the float32 path or EvalQuantizedPool2D, by input 0's type.
inline Status EvalPool2D(OpContext& context, void (*eval_float)(OpContext&, const Pool2DParams&),
                         QuantizedPool2DEval eval_int8, QuantizedPool2DEval eval_int16) {
  switch (context.input(0).type) {
    case TensorType::FLOAT32:
      eval_float(context, *context.op_data_as<Pool2DParams>());
      return Status::kOk;
    case TensorType::INT8:
    case TensorType::INT16:
      return EvalQuantizedPool2D(context, eval_int8, eval_int16);
    default:
      break;
  }
  return EMBER_FAIL(context, Status::kUnsupported, "input type %s is not supported",
                    TensorTypeName(context.input(0).type));
}

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_INTERNAL_CONV_SHAPES_H_
