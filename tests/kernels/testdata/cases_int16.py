"""TFLM golden cases of TFLite's int16x8 scheme (int16 activations with zero
point 0, int8 weights, int64 or int32 bias), of int16 BATCH_MATMUL (two int16
operands, zero points 0), and of int8 BATCH_MATMUL (plain single-op int8
cases, named with this module's prefix all the same).

tflm_golden reads and writes only float32 and int8 model inputs and outputs,
so each int16 case wraps its op between a QUANTIZE (float32 -> int16) and a
DEQUANTIZE (int16 -> float32): tensor 0 is a float32 input holding exactly
q * input_scale for the int16 values q, and the golden output is TFLM's int16
output times the output scale in float32. Both turn back into the int16
values exactly (round(value / scale)), which the tests do
(tests/testing/tflm_int16_case.h); the op between runs on TFLM's int16 kernel
unchanged.
"""

import json
import os
import subprocess
import tempfile

import numpy as np

from make_tflm_goldens import OPCODES, SCHEMA, Model, f32, int8


class Int16Model(Model):
    """Tensor 0 is the float32 input, tensor 1 its int16 quantization; the
    op's int16 output is dequantized into an extra float32 model output."""

    def input(self, shape, scale, q):
        """Adds tensors 0 and 1; returns the float32 values TFLM is fed."""
        assert not self.tensors
        self.tensor("input_float", shape, "FLOAT32", [], [])
        self.tensor("input", shape, "INT16", [scale], [0])
        x = q.astype(np.float32) * np.float32(scale)
        assert (np.round(x / np.float32(scale)) == q).all()
        return x

    def write(self, path, op, inputs, output, options_type, options):
        out = dict(self.tensors[output], name="output_float", type="FLOAT32", quantization={})
        tensors = self.tensors + [out]
        codes = ["QUANTIZE", op, "DEQUANTIZE"]
        model = {
            "version": 3,
            "description": "Ember int16 golden case, made by make_tflm_goldens.py",
            "operator_codes": [{
                "deprecated_builtin_code": min(OPCODES[code], 127),
                "version": 1,
                "builtin_code": code,
            } for code in codes],
            "subgraphs": [{
                "name": "main",
                "tensors": tensors,
                "inputs": [0],
                "outputs": [len(tensors) - 1],
                "operators": [
                    {"opcode_index": 0, "inputs": [0], "outputs": [1]},
                    {"opcode_index": 1, "inputs": inputs, "outputs": [output],
                     "builtin_options_type": options_type, "builtin_options": options},
                    {"opcode_index": 2, "inputs": [output], "outputs": [len(tensors) - 1]},
                ],
            }],
            "buffers": self.buffers,
        }
        with tempfile.TemporaryDirectory() as tmp:
            json_path = os.path.join(tmp, "model.json")
            with open(json_path, "w") as f:
                json.dump(model, f)
            subprocess.run(["flatc", "-b", "-o", tmp, SCHEMA, json_path], check=True)
            with open(os.path.join(tmp, "model.tflite"), "rb") as f:
                data = f.read()
        with open(path, "wb") as f:
            f.write(data)


def int16(rng, shape, low=-32768, high=32767):
    return rng.integers(low, high, size=shape, endpoint=True).astype(np.int16)


def conv16(rng, input_shape, filter_shape, channels_axis, per_channel, bias_type, out_shape,
           taps, q_max=32767):
    """Conv2D / DepthwiseConv2D / FullyConnected in the 16x8 scheme; bias_type
    is "INT64", "INT32" or None; inputs are drawn from [-q_max, q_max]."""
    model = Int16Model()
    in_scale = f32(rng.uniform(1e-4, 3e-4))
    q = int16(rng, input_shape, -q_max, q_max)
    x = model.input(input_shape, in_scale, q)
    channels = filter_shape[channels_axis]
    w = int8(rng, filter_shape, -127, 127)
    if per_channel:
        w_scales = [f32(s) for s in rng.uniform(0.002, 0.02, size=channels)]
    else:
        w_scales = [f32(rng.uniform(0.002, 0.02))]
    # Uniform int16 has std q_max / sqrt(3), int8 weights 73; the output
    # range covers about +-3 spreads of one output's sum.
    spread = np.sqrt(taps) * q_max / np.sqrt(3) * in_scale * 73 * float(np.mean(w_scales))
    out_scale = f32(6.0 * spread / 65535.0 * rng.uniform(0.9, 1.1))
    model.tensor("filter", filter_shape, "INT8", w_scales, [0] * len(w_scales),
                 channels_axis if per_channel else 0, w)
    inputs = [1, 2]
    if bias_type:
        bias_scales = [in_scale * s for s in (w_scales if per_channel else w_scales * channels)]
        dtype = np.int64 if bias_type == "INT64" else np.int32
        b = np.array([np.round(rng.normal(0, 0.5 * spread) / s) for s in bias_scales], dtype)
        model.tensor("bias", [channels], bias_type, bias_scales, [0] * channels, 0, b)
        inputs.append(3)
    output = model.tensor("output", out_shape, "INT16", [out_scale], [0])
    return model, inputs, output, x


def i16_conv2d_per_channel_bias64_relu(rng):
    # 7x7x3 -> 4 channels, 3x3 SAME stride 2, per-channel weights, int64 bias
    # (64-bit sums, the multiplier rounded to 16 bits), RELU.
    model, inputs, output, x = conv16(rng, [1, 7, 7, 3], [4, 3, 3, 3], 0, True, "INT64",
                                      [1, 4, 4, 4], 27)
    return model, "CONV_2D", inputs, output, "Conv2DOptions", {
        "padding": "SAME", "stride_w": 2, "stride_h": 2,
        "fused_activation_function": "RELU"}, x


def i16_conv2d_per_tensor_bias32_dilated(rng):
    # Batch 2, 6x7x2 -> 3 channels, 2x2 VALID, dilation (2, 1), one weight
    # scale, int32 bias (32-bit sums, the int8 requantization).
    model, inputs, output, x = conv16(rng, [2, 6, 7, 2], [3, 2, 2, 2], 0, False, "INT32",
                                      [2, 4, 6, 3], 8)
    return model, "CONV_2D", inputs, output, "Conv2DOptions", {
        "padding": "VALID", "stride_w": 1, "stride_h": 1, "dilation_h_factor": 2,
        "dilation_w_factor": 1, "fused_activation_function": "NONE"}, x


def i16_conv2d_no_bias_relu_n1_to_1(rng):
    # 5x5x4 -> 2 channels, 1x1, per-channel, no bias (32-bit sums), inputs
    # small enough that outputs spread over about +-1.6: RELU_N1_TO_1 clamps
    # some of them.
    model, inputs, output, x = conv16(rng, [1, 5, 5, 4], [2, 1, 1, 4], 0, True, None,
                                      [1, 5, 5, 2], 4, q_max=3000)
    model.tensors[output]["quantization"]["scale"] = [f32(2.0 / 32768)]
    return model, "CONV_2D", inputs, output, "Conv2DOptions", {
        "padding": "VALID", "stride_w": 1, "stride_h": 1,
        "fused_activation_function": "RELU_N1_TO_1"}, x


def i16_depthwise_conv2d_multiplier2_bias64(rng):
    # 6x5x3 -> 6 channels (depth multiplier 2), 3x3 SAME, per-channel along
    # dimension 3, int64 bias, RELU6 at an output scale where 6 is in range.
    model, inputs, output, x = conv16(rng, [1, 6, 5, 3], [1, 3, 3, 6], 3, True, "INT64",
                                      [1, 6, 5, 6], 9)
    return model, "DEPTHWISE_CONV_2D", inputs, output, "DepthwiseConv2DOptions", {
        "padding": "SAME", "stride_w": 1, "stride_h": 1, "depth_multiplier": 2,
        "fused_activation_function": "RELU6"}, x


def i16_depthwise_conv2d_per_tensor_stride2(rng):
    # 8x8x4, 3x3 VALID stride 2, one weight scale, int64 bias. (TFLM's int16
    # depthwise stops on a failed check without a bias, and reads any bias as
    # int64.)
    model, inputs, output, x = conv16(rng, [1, 8, 8, 4], [1, 3, 3, 4], 3, False, "INT64",
                                      [1, 3, 3, 4], 9)
    return model, "DEPTHWISE_CONV_2D", inputs, output, "DepthwiseConv2DOptions", {
        "padding": "VALID", "stride_w": 2, "stride_h": 2, "depth_multiplier": 1,
        "fused_activation_function": "NONE"}, x


def i16_fully_connected_per_tensor_bias64_relu(rng):
    # 3 rows of 20 features -> 6 outputs, one weight scale (its product with
    # the input scale taken in float), int64 bias, RELU.
    model, inputs, output, x = conv16(rng, [3, 20], [6, 20], 0, False, "INT64", [3, 6], 20)
    return model, "FULLY_CONNECTED", inputs, output, "FullyConnectedOptions", {
        "fused_activation_function": "RELU"}, x


def i16_fully_connected_per_channel_bias32(rng):
    # 2 rows of 16 features -> 5 outputs, a weight scale per output, int32
    # bias.
    model, inputs, output, x = conv16(rng, [2, 16], [5, 16], 0, True, "INT32", [2, 5], 16)
    return model, "FULLY_CONNECTED", inputs, output, "FullyConnectedOptions", {
        "fused_activation_function": "NONE"}, x


def i16_fully_connected_per_channel_no_bias(rng):
    # 4 rows of 12 features -> 7 outputs, per-channel, no bias.
    model, inputs, output, x = conv16(rng, [4, 12], [7, 12], 0, True, None, [4, 7], 12)
    return model, "FULLY_CONNECTED", inputs, output, "FullyConnectedOptions", {
        "fused_activation_function": "NONE"}, x


def pool16(rng, op, input_shape, out_shape, options, q_max=32767):
    model = Int16Model()
    scale = f32(rng.uniform(1e-4, 3e-4))
    x = model.input(input_shape, scale, int16(rng, input_shape, -q_max, q_max))
    output = model.tensor("output", out_shape, "INT16", [scale], [0])
    return model, op, [1], output, "Pool2DOptions", options, x


def i16_average_pool2d_same(rng):
    # 7x7x3, 3x3 SAME stride 2: windows of 4, 6 and 9 cells, sums of both
    # signs.
    return pool16(rng, "AVERAGE_POOL_2D", [1, 7, 7, 3], [1, 4, 4, 3],
                  {"padding": "SAME", "stride_w": 2, "stride_h": 2, "filter_width": 3,
                   "filter_height": 3, "fused_activation_function": "NONE"})


def i16_average_pool2d_valid_relu(rng):
    # Batch 2, 5x6x2, 2x3 VALID stride (1, 3), RELU.
    return pool16(rng, "AVERAGE_POOL_2D", [2, 5, 6, 2], [2, 4, 2, 2],
                  {"padding": "VALID", "stride_w": 3, "stride_h": 1, "filter_width": 3,
                   "filter_height": 2, "fused_activation_function": "RELU"})


def i16_max_pool2d_same_relu_n1_to_1(rng):
    # 6x5x3, 2x2 SAME stride 2; at scale ~2e-4 RELU_N1_TO_1 clamps to about
    # +-5000, inside the inputs' +-8000.
    return pool16(rng, "MAX_POOL_2D", [1, 6, 5, 3], [1, 3, 3, 3],
                  {"padding": "SAME", "stride_w": 2, "stride_h": 2, "filter_width": 2,
                   "filter_height": 2, "fused_activation_function": "RELU_N1_TO_1"}, 8000)


def softmax16(rng, shape, scale, beta, q):
    model = Int16Model()
    x = model.input(shape, scale, q)
    output = model.tensor("output", shape, "INT16", [f32(1.0 / 32768.0)], [0])
    return model, "SOFTMAX", [1], output, "SoftmaxOptions", {"beta": beta}, x


def i16_softmax_beta1(rng):
    # 4 rows of 10 over the whole int16 range at scale 5e-4 (+-16 real):
    # many differences lie beyond the exp table's -10 and saturate.
    return softmax16(rng, [4, 10], f32(5e-4), 1.0, int16(rng, [4, 10]))


def i16_softmax_beta_half_narrow(rng):
    # 3 rows of 12 in a narrow band (near-uniform outputs), scale 2e-4, beta
    # 0.5, one row with repeated maxima.
    q = int16(rng, [1, 3, 12], -8000, 8000)
    q[0, 1, [2, 5, 9]] = 8000
    return softmax16(rng, [1, 3, 12], f32(2e-4), 0.5, q)


def i16_softmax_wide_rows(rng):
    # 2 rows of 300 within 3 real units: sums of exponentials up to ~2^23,
    # so the reciprocal's normalization shifts far.
    return softmax16(rng, [2, 300], f32(1e-4), 1.0, int16(rng, [2, 300], -15000, 15000))


def batch_matmul8(rng, a_shape, b_shape, out_shape):
    """int8 BATCH_MATMUL: a is the model input, b a constant (the runner feeds
    tensor 0 only); asymmetric zero points on all three tensors."""
    model = Model()
    a_scale, a_zp = f32(rng.uniform(0.02, 0.08)), int(rng.integers(-20, 20, endpoint=True))
    b_scale, b_zp = f32(rng.uniform(0.01, 0.05)), int(rng.integers(-20, 20, endpoint=True))
    k = a_shape[-1]
    # One output sums k products of about (std 74 * a_scale) * (std 74 * b_scale).
    spread = np.sqrt(k) * 74 * a_scale * 74 * b_scale
    out_scale = f32(6.0 * spread / 255.0 * rng.uniform(0.9, 1.1))
    out_zp = int(rng.integers(-20, 20, endpoint=True))
    model.tensor("a", a_shape, "INT8", [a_scale], [a_zp])
    model.tensor("b", b_shape, "INT8", [b_scale], [b_zp], 0, int8(rng, b_shape))
    output = model.tensor("output", out_shape, "INT8", [out_scale], [out_zp])
    return model, "BATCH_MATMUL", [0, 1], output, "BatchMatMulOptions", {
        "adj_x": False, "adj_y": False}, int8(rng, a_shape)


def i16_batch_matmul_int8_broadcast(rng):
    # (Int8, despite this module's prefix.) a [2, 3, 4, 5] times b [3, 5, 6]:
    # b's batch broadcasts over a's leading 2.
    return batch_matmul8(rng, [2, 3, 4, 5], [3, 5, 6], [2, 3, 4, 6])


def i16_batch_matmul_int8_deep(rng):
    # a [3, 40] times b [40, 7]: longer sums of both signs.
    return batch_matmul8(rng, [3, 40], [40, 7], [3, 7])


def batch_matmul16(rng, a_shape, b_shape, out_shape, a, b):
    """int16 BATCH_MATMUL (TFLite's 16x8 scheme for two activations): a the
    model input, b an int16 constant, the output int16; all three symmetric
    (zero point 0), as TFLM requires."""
    model = Int16Model()
    a_scale, b_scale = f32(rng.uniform(1e-4, 3e-4)), f32(rng.uniform(1e-4, 3e-4))
    x = model.input(a_shape, a_scale, a)
    k = a_shape[-1]
    # One output sums k products of (rms a * a_scale) * (rms b * b_scale); the
    # output range covers about +-3 of those spreads.
    def rms(q):
        return float(np.sqrt(np.mean(q.astype(np.float64) ** 2)))
    spread = np.sqrt(k) * rms(a) * a_scale * rms(b) * b_scale
    out_scale = f32(6.0 * spread / 65535.0 * rng.uniform(0.9, 1.1))
    model.tensor("b", b_shape, "INT16", [b_scale], [0], 0, b)
    output = model.tensor("output", out_shape, "INT16", [out_scale], [0])
    return model, "BATCH_MATMUL", [1, 2], output, "BatchMatMulOptions", {
        "adj_x": False, "adj_y": False}, x


def i16_batch_matmul_int16_broadcast(rng):
    # a [2, 3, 4, 5] times b [3, 5, 6], over the whole int16 range: b's batch
    # broadcasts over a's leading 2.
    return batch_matmul16(rng, [2, 3, 4, 5], [3, 5, 6], [2, 3, 4, 6],
                          int16(rng, [2, 3, 4, 5]), int16(rng, [3, 5, 6]))


def i16_batch_matmul_int16_deep(rng):
    # a [3, 300] times b [300, 7], every value of magnitude 24000..32768 with
    # a random sign (and both int16 minima meeting once): products near 2^30,
    # sums of both signs far past the int32 range (spread ~1.4e10), where
    # only the 64-bit sums and their rounding to 16-bit multipliers hold.
    def near_limits(shape):
        magnitude = rng.integers(24000, 32767, size=shape, endpoint=True)
        sign = rng.choice([-1, 1], size=shape)
        return (magnitude * sign).astype(np.int16)
    a = near_limits([3, 300])
    b = near_limits([300, 7])
    a[0, 0] = b[0, 0] = -32768
    return batch_matmul16(rng, [3, 300], [300, 7], [3, 7], a, b)


CASES = [
    i16_conv2d_per_channel_bias64_relu,
    i16_conv2d_per_tensor_bias32_dilated,
    i16_conv2d_no_bias_relu_n1_to_1,
    i16_depthwise_conv2d_multiplier2_bias64,
    i16_depthwise_conv2d_per_tensor_stride2,
    i16_fully_connected_per_tensor_bias64_relu,
    i16_fully_connected_per_channel_bias32,
    i16_fully_connected_per_channel_no_bias,
    i16_average_pool2d_same,
    i16_average_pool2d_valid_relu,
    i16_max_pool2d_same_relu_n1_to_1,
    i16_softmax_beta1,
    i16_softmax_beta_half_narrow,
    i16_softmax_wide_rows,
    i16_batch_matmul_int8_broadcast,
    i16_batch_matmul_int8_deep,
    i16_batch_matmul_int16_broadcast,
    i16_batch_matmul_int16_deep,
]
