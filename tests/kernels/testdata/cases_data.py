"""Golden cases of the reductions, data-movement and resize ops (prefix data_).

Mean, Sum, ReduceMax, Concatenation, Pad/PadV2, ResizeBilinear,
ResizeNearestNeighbor and TransposeConv, each one int8 op as TFLite Micro
runs it. TFLite's second operands (axes, paddings, sizes, output shapes) are
constant int32 tensors; the tests turn them into Ember's options.

TFLM rejects a concatenation whose inputs are quantized differently from its
output, so Ember's requantizing concatenation is checked against TFLM's
int8-to-int8 QUANTIZE (data_concat_requant_quantize), whose integer
requantization it uses.

The data_i16_ cases are int16 (zero point 0; TransposeConv in the 16x8
scheme with an int64 bias), wrapped between a QUANTIZE and a DEQUANTIZE as
cases_int16.py describes, since tflm_golden feeds and returns only float32 and
int8 tensors.
"""

import numpy as np

from cases_int16 import Int16Model, int16
from make_tflm_goldens import Model, f32, int8, output_quant


def activation_quant(rng):
    return f32(rng.uniform(0.02, 0.08)), int(rng.integers(-10, 10, endpoint=True))


def reducer(rng, op, shape, axes, keep_dims, out_scale_factor=None, same_params=False):
    model = Model()
    in_scale, in_zp = activation_quant(rng)
    model.tensor("input", shape, "INT8", [in_scale], [in_zp])
    model.tensor("axes", [len(axes)], "INT32", [], [], 0, np.array(axes, np.int32))
    reduced = {a % len(shape) for a in axes}
    if keep_dims:
        out_shape = [1 if d in reduced else n for d, n in enumerate(shape)]
    else:
        out_shape = [n for d, n in enumerate(shape) if d not in reduced]
    if same_params:
        out_scale, out_zp = in_scale, in_zp
    else:
        out_scale = f32(in_scale * out_scale_factor)
        out_zp = int(rng.integers(-20, 20, endpoint=True))
    output = model.tensor("output", out_shape, "INT8", [out_scale], [out_zp])
    return model, op, [0, 1], output, "ReducerOptions", {"keep_dims": keep_dims}, int8(rng, shape)


def data_mean_hw_requant(rng):
    # Global average pool shape: 5x6 over H and W, keep_dims, output scale a
    # third of the input's and another zero point (the requantizing case).
    return reducer(rng, "MEAN", [1, 5, 6, 8], [1, 2], True, out_scale_factor=1.0 / 3.0)


def data_mean_same_params(rng):
    # Axes 3 and -3 of a 4-D input, no keep_dims, output quantized like the
    # input: TFLM still rescales through the 1/n-folded multiplier.
    return reducer(rng, "MEAN", [2, 3, 4, 7], [3, -3], False, same_params=True)


def data_sum_axes_0_2(rng):
    # 24 values per output; the output scale covers about +-3 sigma of sums.
    return reducer(rng, "SUM", [2, 3, 4, 5], [0, 2], False, out_scale_factor=4.0)


def data_reduce_max_axis1(rng):
    return reducer(rng, "REDUCE_MAX", [2, 4, 3, 5], [1], True, same_params=True)


def data_concat_copy(rng):
    # Axis -1 of [2, 3, 4] and a constant [2, 3, 3], quantized alike (the
    # only int8 case TFLM accepts): a plain copy.
    model = Model()
    scale, zp = activation_quant(rng)
    model.tensor("a", [2, 3, 4], "INT8", [scale], [zp])
    model.tensor("b", [2, 3, 3], "INT8", [scale], [zp], 0, int8(rng, [2, 3, 3]))
    output = model.tensor("output", [2, 3, 7], "INT8", [scale], [zp])
    return model, "CONCATENATION", [0, 1], output, "ConcatenationOptions", {
        "axis": -1, "fused_activation_function": "NONE"}, int8(rng, [2, 3, 4])


def data_concat_requant_quantize(rng):
    # Every int8 value, requantized from (0.047, -7) to (0.0611, 12) by TFLM's
    # QUANTIZE: the reference for a concatenation input quantized unlike its
    # output (the test concatenates this input with another and compares).
    model = Model()
    model.tensor("input", [4, 64], "INT8", [f32(0.047)], [-7])
    output = model.tensor("output", [4, 64], "INT8", [f32(0.0611)], [12])
    x = np.arange(-128, 128).astype(np.int8).reshape(4, 64)
    return model, "QUANTIZE", [0], output, "QuantizeOptions", {}, x


def pad_model(rng, op, constant=None):
    model = Model()
    scale, zp = activation_quant(rng)
    model.tensor("input", [1, 4, 5, 3], "INT8", [scale], [zp])
    model.tensor("paddings", [4, 2], "INT32", [], [], 0,
                 np.array([[0, 0], [1, 2], [2, 0], [0, 1]], np.int32))
    inputs = [0, 1]
    if constant is not None:
        model.tensor("constant", [], "INT8", [scale], [zp], 0, np.array(constant, np.int8))
        inputs.append(2)
    output = model.tensor("output", [1, 7, 7, 4], "INT8", [scale], [zp])
    options_type = "PadOptions" if op == "PAD" else "PadV2Options"
    return model, op, inputs, output, options_type, {}, int8(rng, [1, 4, 5, 3])


def data_pad_zero_point(rng):
    # PAD fills with the output zero point (the quantized 0).
    return pad_model(rng, "PAD")


def data_padv2_constant(rng):
    # PADV2 with the quantized constant -37.
    return pad_model(rng, "PADV2", -37)


def resize(rng, op, in_shape, out_hw, align_corners, half_pixel_centers):
    model = Model()
    scale, zp = activation_quant(rng)
    model.tensor("input", in_shape, "INT8", [scale], [zp])
    model.tensor("size", [2], "INT32", [], [], 0, np.array(out_hw, np.int32))
    out_shape = [in_shape[0], out_hw[0], out_hw[1], in_shape[3]]
    output = model.tensor("output", out_shape, "INT8", [scale], [zp])
    options_type = ("ResizeBilinearOptions" if op == "RESIZE_BILINEAR"
                    else "ResizeNearestNeighborOptions")
    return model, op, [0, 1], output, options_type, {
        "align_corners": align_corners, "half_pixel_centers": half_pixel_centers}, int8(
            rng, in_shape)


def data_resize_bilinear_up(rng):
    # 4x5 -> 7x9, neither flag: scale_10 = 585 and 569.
    return resize(rng, "RESIZE_BILINEAR", [1, 4, 5, 3], [7, 9], False, False)


def data_resize_bilinear_half_pixel(rng):
    # Batch 2, 5x4 -> 8x6 with half_pixel_centers: the first rows and columns
    # sample before pixel 0 (negative positions).
    return resize(rng, "RESIZE_BILINEAR", [2, 5, 4, 2], [8, 6], False, True)


def data_resize_bilinear_align_down(rng):
    # 7x6 -> 4x3 with align_corners (downscaling).
    return resize(rng, "RESIZE_BILINEAR", [1, 7, 6, 3], [4, 3], True, False)


def data_resize_nearest_half_pixel(rng):
    return resize(rng, "RESIZE_NEAREST_NEIGHBOR", [1, 3, 4, 2], [7, 5], False, True)


def data_resize_nearest_align(rng):
    return resize(rng, "RESIZE_NEAREST_NEIGHBOR", [2, 5, 3, 3], [3, 7], True, False)


def transpose_conv(rng, in_shape, filter_shape, out_shape, per_channel, bias, options):
    # TFLite's operands: output shape, filter, input, bias; tensor 0 must be
    # the input since it is the model's.
    model = Model()
    in_scale, in_zp = activation_quant(rng)
    model.tensor("input", in_shape, "INT8", [in_scale], [in_zp])
    model.tensor("output_shape", [4], "INT32", [], [], 0, np.array(out_shape, np.int32))
    channels = filter_shape[0]
    w = int8(rng, filter_shape, -127, 127)
    if per_channel:
        w_scales = [f32(s) for s in rng.uniform(0.002, 0.02, size=channels)]
    else:
        w_scales = [f32(rng.uniform(0.002, 0.02))]
    model.tensor("filter", filter_shape, "INT8", w_scales, [0] * len(w_scales), 0, w)
    # An output sums about kh * kw * cin / stride^2 products.
    taps = filter_shape[1] * filter_shape[2] * filter_shape[3] / (
        options["stride_h"] * options["stride_w"])
    spread = np.sqrt(taps) * 74 * in_scale * 73 * float(np.mean(w_scales))
    inputs = [1, 2, 0]
    if bias:
        bias_scales = [in_scale * s for s in (w_scales if per_channel else w_scales * channels)]
        b = np.array([np.round(rng.normal(0, 0.5 * spread) / s) for s in bias_scales], np.int32)
        model.tensor("bias", [channels], "INT32", bias_scales, [0] * channels, 0, b)
        inputs.append(3)
    out_scale, out_zp = output_quant(rng, spread)
    output = model.tensor("output", out_shape, "INT8", [out_scale], [out_zp])
    return model, "TRANSPOSE_CONV", inputs, output, "TransposeConvOptions", options, int8(
        rng, in_shape)


def data_transpose_conv_per_channel_bias(rng):
    # 4x5x3 -> 8x10x6, 3x3 SAME stride 2, per-channel weights, bias.
    return transpose_conv(rng, [1, 4, 5, 3], [6, 3, 3, 3], [1, 8, 10, 6], True, True, {
        "padding": "SAME", "stride_w": 2, "stride_h": 2, "fused_activation_function": "NONE"})


def data_transpose_conv_valid_relu(rng):
    # Batch 2, 3x4x2 -> 7x6x5, 3x3 VALID, stride (2, 1), one weight scale, no
    # bias, RELU (TFLM clamps int8 transposed convolutions too).
    return transpose_conv(rng, [2, 3, 4, 2], [5, 3, 3, 2], [2, 7, 6, 5], False, False, {
        "padding": "VALID", "stride_w": 1, "stride_h": 2, "fused_activation_function": "RELU"})


def i16_scale(rng):
    return f32(rng.uniform(1e-4, 3e-4))


def data_i16_mean_requant(rng):
    # MEAN over axes 1 and 2 of [2, 4, 5, 3], keep_dims, output scale 0.37 of
    # the input's.
    model = Int16Model()
    scale = i16_scale(rng)
    x = model.input([2, 4, 5, 3], scale, int16(rng, [2, 4, 5, 3]))
    model.tensor("axes", [2], "INT32", [], [], 0, np.array([1, 2], np.int32))
    output = model.tensor("output", [2, 1, 1, 3], "INT16", [f32(scale * 0.37)], [0])
    return model, "MEAN", [1, 2], output, "ReducerOptions", {"keep_dims": True}, x


def data_i16_sum_axis0(rng):
    # SUM over axis 0 of [6, 2, 5], inputs within +-8000 and an output scale
    # 6 times the input's.
    model = Int16Model()
    scale = i16_scale(rng)
    x = model.input([6, 2, 5], scale, int16(rng, [6, 2, 5], -8000, 8000))
    model.tensor("axes", [1], "INT32", [], [], 0, np.array([0], np.int32))
    output = model.tensor("output", [2, 5], "INT16", [f32(scale * 6)], [0])
    return model, "SUM", [1, 2], output, "ReducerOptions", {"keep_dims": False}, x


def data_i16_concat_copy(rng):
    model = Int16Model()
    scale = i16_scale(rng)
    x = model.input([2, 3, 2], scale, int16(rng, [2, 3, 2]))
    model.tensor("b", [2, 1, 2], "INT16", [scale], [0], 0, int16(rng, [2, 1, 2]))
    output = model.tensor("output", [2, 4, 2], "INT16", [scale], [0])
    return model, "CONCATENATION", [1, 2], output, "ConcatenationOptions", {
        "axis": 1, "fused_activation_function": "NONE"}, x


def data_i16_pad(rng):
    model = Int16Model()
    scale = i16_scale(rng)
    x = model.input([1, 3, 4, 2], scale, int16(rng, [1, 3, 4, 2]))
    model.tensor("paddings", [4, 2], "INT32", [], [], 0,
                 np.array([[0, 1], [2, 0], [1, 1], [0, 0]], np.int32))
    output = model.tensor("output", [2, 5, 6, 2], "INT16", [scale], [0])
    return model, "PAD", [1, 2], output, "PadOptions", {}, x


def data_i16_transpose_conv_bias64(rng):
    # 16x8: 3x4x3 -> 6x8x4, 3x3 SAME stride 2, per-channel weights, int64
    # bias, RELU.
    model = Int16Model()
    in_scale = i16_scale(rng)
    x = model.input([1, 3, 4, 3], in_scale, int16(rng, [1, 3, 4, 3]))
    model.tensor("output_shape", [4], "INT32", [], [], 0, np.array([1, 6, 8, 4], np.int32))
    w = int8(rng, [4, 3, 3, 3], -127, 127)
    w_scales = [f32(s) for s in rng.uniform(0.002, 0.02, size=4)]
    model.tensor("filter", [4, 3, 3, 3], "INT8", w_scales, [0] * 4, 0, w)
    spread = np.sqrt(27 / 4) * 32767 / np.sqrt(3) * in_scale * 73 * float(np.mean(w_scales))
    bias_scales = [in_scale * s for s in w_scales]
    b = np.array([np.round(rng.normal(0, 0.5 * spread) / s) for s in bias_scales], np.int64)
    model.tensor("bias", [4], "INT64", bias_scales, [0] * 4, 0, b)
    out_scale = f32(6.0 * spread / 65535.0 * rng.uniform(0.9, 1.1))
    output = model.tensor("output", [1, 6, 8, 4], "INT16", [out_scale], [0])
    return model, "TRANSPOSE_CONV", [2, 3, 1, 4], output, "TransposeConvOptions", {
        "padding": "SAME", "stride_w": 2, "stride_h": 2, "fused_activation_function": "RELU"}, x


CASES = [
    data_mean_hw_requant,
    data_mean_same_params,
    data_sum_axes_0_2,
    data_reduce_max_axis1,
    data_concat_copy,
    data_concat_requant_quantize,
    data_pad_zero_point,
    data_padv2_constant,
    data_resize_bilinear_up,
    data_resize_bilinear_half_pixel,
    data_resize_bilinear_align_down,
    data_resize_nearest_half_pixel,
    data_resize_nearest_align,
    data_transpose_conv_per_channel_bias,
    data_transpose_conv_valid_relu,
    data_i16_mean_requant,
    data_i16_sum_axis0,
    data_i16_concat_copy,
    data_i16_pad,
    data_i16_transpose_conv_bias64,
]
