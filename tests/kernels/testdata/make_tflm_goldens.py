#!/usr/bin/env python3
"""Regenerates the single-op int8 TFLite models and TFLM golden outputs here.

For each case below this script writes
  <case>.tflite      one int8 op (weights, bias and quantization inside),
  <case>.input.npy   its int8 input,
  <case>.golden.npy  the output of TensorFlow Lite Micro's reference kernels,
and the kernel tests run the same op through Ember and compare every value.

Needs numpy (Debian python3-numpy), flatc (Debian flatbuffers-compiler) and
the tflm_golden runner (see ../../../../shared/peers/tflm/README.md):

  /usr/bin/python3 tests/kernels/testdata/make_tflm_goldens.py [--tflm PATH]

The models are written as JSON and compiled with flatc against the importer's
TFLite schema subset (converter/tflite/tflite_schema.fbs). Each op family's
cases live in a module `cases_<family>.py` beside this script (a list named
CASES of builders; op names are the schema's BuiltinOperator names); `--only NAME` regenerates the
cases whose names start with NAME. Everything is seeded, so a rerun reproduces the files byte
for byte (given the same TFLM build).
"""

import argparse
import importlib
import json
import re
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "..", "converter", "tflite", "tflite_schema.fbs")
DEFAULT_TFLM = os.path.join(HERE, "..", "..", "..", "..", "shared", "peers", "tflm",
                            "tflm_golden")

def builtin_codes():
    """BuiltinOperator name -> value, read from the schema's enum."""
    with open(SCHEMA) as f:
        text = f.read()
    body = text[text.index("enum BuiltinOperator"):]
    body = body[:body.index("}")]
    return {name: int(value) for name, value in re.findall(r"(\w+) = (-?\d+)", body)}


OPCODES = builtin_codes()


def f32(value):
    """A float32 value as the shortest decimal that parses back to it."""
    return float(np.float32(value))


class Model:
    """One subgraph with one op; tensor 0 is the input, the last the output."""

    def __init__(self):
        self.tensors = []
        self.buffers = [{}]

    def tensor(self, name, shape, dtype, scales, zero_points, axis=0, data=None):
        buffer = 0
        if data is not None:
            buffer = len(self.buffers)
            raw = np.ascontiguousarray(data).astype(data.dtype.newbyteorder("<")).tobytes()
            self.buffers.append({"data": list(raw)})
        self.tensors.append({
            "shape": [int(d) for d in shape],
            "type": dtype,
            "buffer": buffer,
            "name": name,
            "quantization": {
                "scale": [f32(s) for s in scales],
                "zero_point": [int(z) for z in zero_points],
                "quantized_dimension": axis,
            },
        })
        return len(self.tensors) - 1

    def write(self, path, op, inputs, output, options_type, options):
        model = {
            "version": 3,
            "description": "Ember int8 golden case, made by make_tflm_goldens.py",
            "operator_codes": [{
                "deprecated_builtin_code": min(OPCODES[op], 127),
                "version": 1,
                "builtin_code": op,
            }],
            "subgraphs": [{
                "name": "main",
                "tensors": self.tensors,
                "inputs": [0],
                "outputs": [output],
                "operators": [{
                    "opcode_index": 0,
                    "inputs": inputs,
                    "outputs": [output],
                    "builtin_options_type": options_type,
                    "builtin_options": options,
                }],
            }],
            "buffers": self.buffers,
        }
        with tempfile.TemporaryDirectory() as tmp:
            stem = os.path.splitext(os.path.basename(path))[0]
            json_path = os.path.join(tmp, stem + ".json")
            with open(json_path, "w") as f:
                json.dump(model, f)
            subprocess.run(["flatc", "-b", "-o", tmp, SCHEMA, json_path], check=True)
            with open(os.path.join(tmp, stem + ".tflite"), "rb") as f:
                data = f.read()
        with open(path, "wb") as f:
            f.write(data)


def int8(rng, shape, low=-128, high=127):
    return rng.integers(low, high, size=shape, endpoint=True).astype(np.int8)


def output_quant(rng, spread):
    """Scale and zero point for outputs of roughly +-3 spread (real units)."""
    scale = 6.0 * spread / 255.0 * rng.uniform(0.9, 1.1)
    return f32(scale), int(rng.integers(-20, 20, endpoint=True))


def conv_like(rng, input_shape, filter_shape, channels_axis, per_channel, bias, out_shape,
              taps):
    """Conv2D / DepthwiseConv2D / FullyConnected with int8 weights."""
    model = Model()
    in_scale, in_zp = f32(rng.uniform(0.02, 0.08)), int(rng.integers(-10, 10, endpoint=True))
    x = int8(rng, input_shape)
    channels = filter_shape[channels_axis]
    w = int8(rng, filter_shape, -127, 127)
    if per_channel:
        w_scales = [f32(s) for s in rng.uniform(0.002, 0.02, size=channels)]
    else:
        w_scales = [f32(rng.uniform(0.002, 0.02))]
    # One output value sums `taps` products of about (std 74 * in_scale) *
    # (std 73 * w_scale); the output range covers about +-3 of those spreads.
    spread = np.sqrt(taps) * 74 * in_scale * 73 * float(np.mean(w_scales))
    out_scale, out_zp = output_quant(rng, spread)
    model.tensor("input", input_shape, "INT8", [in_scale], [in_zp])
    model.tensor("filter", filter_shape, "INT8", w_scales, [0] * len(w_scales),
                 channels_axis if per_channel else 0, w)
    inputs = [0, 1]
    if bias:
        bias_scales = [in_scale * s for s in (w_scales if per_channel else w_scales * channels)]
        b = np.array([np.round(rng.normal(0, 0.5 * spread) / s) for s in bias_scales], np.int32)
        model.tensor("bias", [channels], "INT32", bias_scales, [0] * channels, 0, b)
        inputs.append(2)
    output = model.tensor("output", out_shape, "INT8", [out_scale], [out_zp])
    return model, inputs, output, x


def make_case(name, builder, out_dir, tflm):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    model, op, inputs, output, options_type, options, x = builder(rng)
    model.write(os.path.join(out_dir, name + ".tflite"), op, inputs, output, options_type,
                options)
    input_path = os.path.join(out_dir, name + ".input.npy")
    golden_path = os.path.join(out_dir, name + ".golden.npy")
    np.save(input_path, x)
    subprocess.run([tflm, os.path.join(out_dir, name + ".tflite"), input_path, golden_path],
                   check=True, stderr=subprocess.DEVNULL)
    golden = np.load(golden_path)
    values, counts = np.unique(golden, return_counts=True)
    print(f"{name}: output {golden.shape}, {len(values)} distinct values, "
          f"min {golden.min()} max {golden.max()}, most common {values[counts.argmax()]} "
          f"x{counts.max()}")


# ---- The cases ---------------------------------------------------------------


def conv2d_per_channel_relu6(rng):
    # 9x9x3 -> 5 channels, 3x3 SAME stride 2, per-channel weights, RELU6. The
    # output range [-2.1, 6.9] straddles [0, 6] so both clamps bite.
    model, inputs, output, x = conv_like(rng, [1, 9, 9, 3], [5, 3, 3, 3], 0, True, True,
                                         [1, 5, 5, 5], 27)
    model.tensors[output]["quantization"]["scale"] = [f32(9.0 / 255.0)]
    model.tensors[output]["quantization"]["zero_point"] = [-68]
    return model, "CONV_2D", inputs, output, "Conv2DOptions", {
        "padding": "SAME", "stride_w": 2, "stride_h": 2,
        "fused_activation_function": "RELU6"}, x


def conv2d_per_tensor_dilated(rng):
    # Batch 2, 7x8x2 -> 3 channels, 2x3 VALID, dilation (2, 1), stride (1, 2),
    # one weight scale, no bias.
    model, inputs, output, x = conv_like(rng, [2, 7, 8, 2], [3, 2, 3, 2], 0, False, False,
                                         [2, 5, 3, 3], 12)
    return model, "CONV_2D", inputs, output, "Conv2DOptions", {
        "padding": "VALID", "stride_w": 2, "stride_h": 1, "dilation_h_factor": 2,
        "dilation_w_factor": 1, "fused_activation_function": "NONE"}, x


def depthwise_conv2d_multiplier2_relu(rng):
    # 6x7x3 -> 6 channels (depth multiplier 2), 3x3 SAME, per-channel along
    # dimension 3, RELU.
    model, inputs, output, x = conv_like(rng, [1, 6, 7, 3], [1, 3, 3, 6], 3, True, True,
                                         [1, 6, 7, 6], 9)
    return model, "DEPTHWISE_CONV_2D", inputs, output, "DepthwiseConv2DOptions", {
        "padding": "SAME", "stride_w": 1, "stride_h": 1, "depth_multiplier": 2,
        "fused_activation_function": "RELU"}, x


def depthwise_conv2d_stride2_valid(rng):
    # 8x8x4, 3x3 VALID stride 2, multiplier 1, per-channel, no activation.
    model, inputs, output, x = conv_like(rng, [1, 8, 8, 4], [1, 3, 3, 4], 3, True, True,
                                         [1, 3, 3, 4], 9)
    return model, "DEPTHWISE_CONV_2D", inputs, output, "DepthwiseConv2DOptions", {
        "padding": "VALID", "stride_w": 2, "stride_h": 2, "depth_multiplier": 1,
        "fused_activation_function": "NONE"}, x


def fully_connected_per_tensor_relu(rng):
    # 2 rows of 20 features -> 7 outputs, one weight scale, bias, RELU.
    model, inputs, output, x = conv_like(rng, [2, 20], [7, 20], 0, False, True, [2, 7], 20)
    return model, "FULLY_CONNECTED", inputs, output, "FullyConnectedOptions", {
        "fused_activation_function": "RELU"}, x


def fully_connected_per_channel(rng):
    # 3 rows of 16 features -> 5 outputs, a weight scale per output, bias.
    model, inputs, output, x = conv_like(rng, [3, 16], [5, 16], 0, True, True, [3, 5], 16)
    return model, "FULLY_CONNECTED", inputs, output, "FullyConnectedOptions", {
        "fused_activation_function": "NONE"}, x


def pool(rng, op, input_shape, out_shape, options):
    model = Model()
    scale, zp = f32(rng.uniform(0.02, 0.08)), int(rng.integers(-10, 10, endpoint=True))
    model.tensor("input", input_shape, "INT8", [scale], [zp])
    output = model.tensor("output", out_shape, "INT8", [scale], [zp])
    return model, op, [0], output, "Pool2DOptions", options, int8(rng, input_shape)


def average_pool2d_same(rng):
    # 7x7x5, 3x3 SAME stride 2: edge windows hold 4 or 6 cells, so the
    # rounded division sees counts other than 9 and sums of both signs.
    return pool(rng, "AVERAGE_POOL_2D", [1, 7, 7, 5], [1, 4, 4, 5],
                {"padding": "SAME", "stride_w": 2, "stride_h": 2, "filter_width": 3,
                 "filter_height": 3, "fused_activation_function": "NONE"})


def average_pool2d_valid_relu6(rng):
    # Batch 2, 5x6x3, 2x3 VALID stride (1, 3), RELU6.
    return pool(rng, "AVERAGE_POOL_2D", [2, 5, 6, 3], [2, 4, 2, 3],
                {"padding": "VALID", "stride_w": 3, "stride_h": 1, "filter_width": 3,
                 "filter_height": 2, "fused_activation_function": "RELU6"})


def max_pool2d_same_relu(rng):
    # 6x5x3, 2x2 SAME stride 2, RELU.
    return pool(rng, "MAX_POOL_2D", [1, 6, 5, 3], [1, 3, 3, 3],
                {"padding": "SAME", "stride_w": 2, "stride_h": 2, "filter_width": 2,
                 "filter_height": 2, "fused_activation_function": "RELU"})


def softmax(rng, shape, in_scale, in_zp, beta, x=None):
    model = Model()
    model.tensor("input", shape, "INT8", [in_scale], [in_zp])
    output = model.tensor("output", shape, "INT8", [1.0 / 256.0], [-128])
    if x is None:
        x = int8(rng, shape)
    return model, "SOFTMAX", [0], output, "SoftmaxOptions", {"beta": beta}, x


def softmax_beta1(rng):
    # 4 rows of 10 logits at scale 0.1: differences up to 25.5 in real units,
    # so some fall below diff_min and give exactly -128.
    return softmax(rng, [4, 10], f32(0.1), 5, 1.0)


def softmax_beta_half_narrow(rng):
    # 3 rows of 12 logits in a narrow band (closer to uniform outputs), scale
    # 0.05, beta 0.5, one row with repeated maxima.
    x = int8(rng, [1, 3, 12], -20, 20)
    x[0, 1, [2, 5, 9]] = 20
    return softmax(rng, [1, 3, 12], f32(0.05), -3, 0.5, x)


CASES = [
    conv2d_per_channel_relu6,
    conv2d_per_tensor_dilated,
    depthwise_conv2d_multiplier2_relu,
    depthwise_conv2d_stride2_valid,
    fully_connected_per_tensor_relu,
    fully_connected_per_channel,
    average_pool2d_same,
    average_pool2d_valid_relu6,
    max_pool2d_same_relu,
    softmax_beta1,
    softmax_beta_half_narrow,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tflm", default=DEFAULT_TFLM, help="path to tflm_golden")
    parser.add_argument("--out", default=HERE, help="output folder (default: here)")
    parser.add_argument("--only", default="", help="only the cases whose names start so")
    args = parser.parse_args()
    if not os.path.exists(args.tflm):
        sys.exit(f"tflm_golden not found at {args.tflm}")
    cases = list(CASES)
    sys.path.insert(0, HERE)
    for module_name in sorted(os.listdir(HERE)):
        if module_name.startswith("cases_") and module_name.endswith(".py"):
            cases += importlib.import_module(module_name[:-3]).CASES
    for case in cases:
        if case.__name__.startswith(args.only):
            make_case(case.__name__, case, args.out, args.tflm)


if __name__ == "__main__":
    main()
