"""Goldens of the elementwise ops: ADD, SUB, MUL, MAXIMUM, MINIMUM, LOGISTIC,
TANH, RELU, RELU6, LEAKY_RELU and HARD_SWISH in int8 (cases named ew_*) and
int16 (ew_i16_*, wrapped between QUANTIZE and DEQUANTIZE as the cases of
cases_int16.py are, since tflm_golden feeds and returns only float32 and int8
tensors).

The second operand of a binary op is a constant in the model (tflm_golden
feeds only tensor 0); putting it first in the op's inputs exercises the
other operand order. The int8 unary cases feed all 256 int8 values.
"""

import json
import sys

import numpy as np

import cases_int16
import make_tflm_goldens as goldens
from make_tflm_goldens import f32, int8


class _DumpWithoutOptions:
    """json as the Model classes use it, dropping the builtin options of an
    op whose options type is None (TFLite writes no options for RELU,
    LOGISTIC, ...), which their write() cannot express."""

    @staticmethod
    def dump(model, f):
        for op in model["subgraphs"][0]["operators"]:
            if "builtin_options_type" in op and op["builtin_options_type"] is None:
                del op["builtin_options_type"]
                del op["builtin_options"]
        json.dump(model, f)


def _allowing_no_options(base):
    """`base` (a Model class) whose write() also takes options_type None."""
    module = sys.modules[base.__module__]

    class Wrapped(base):
        def write(self, path, op, inputs, output, options_type, options):
            module.json = _DumpWithoutOptions
            try:
                super().write(path, op, inputs, output, options_type, options)
            finally:
                module.json = json

    return Wrapped


Model = _allowing_no_options(goldens.Model)
Int16Model = _allowing_no_options(cases_int16.Int16Model)


def quant(rng, low, high, zp_spread=20):
    scale = f32(rng.uniform(low, high))
    return scale, int(rng.integers(-zp_spread, zp_spread, endpoint=True))


def all_int8(rng, shape):
    """Every int8 value once, shuffled (the shape holds 256 elements)."""
    return rng.permutation(np.arange(-128, 128)).astype(np.int8).reshape(shape)


# ---- Binary ops ----------------------------------------------------------------


def arithmetic(rng, op, options_type, activation, input_shape, const_shape, out_shape,
               in_scales, const_scales, out_scale, const_first=False):
    model = Model()
    in_q = quant(rng, *in_scales)
    const_q = quant(rng, *const_scales)
    out_q = (f32(out_scale * rng.uniform(0.9, 1.1)), int(rng.integers(-20, 20, endpoint=True)))
    model.tensor("input", input_shape, "INT8", [in_q[0]], [in_q[1]])
    model.tensor("constant", const_shape, "INT8", [const_q[0]], [const_q[1]],
                 data=int8(rng, const_shape))
    output = model.tensor("output", out_shape, "INT8", [out_q[0]], [out_q[1]])
    inputs = [1, 0] if const_first else [0, 1]
    return (model, op, inputs, output, options_type, {"fused_activation_function": activation},
            int8(rng, input_shape))


def ew_add_broadcast_relu(rng):
    # [2, 3, 4] + [4], input scale about 3x the constant's, RELU.
    return arithmetic(rng, "ADD", "AddOptions", "RELU", [2, 3, 4], [4], [2, 3, 4],
                      (0.05, 0.06), (0.015, 0.02), 0.07)


def ew_add_same_shape_saturating(rng):
    # Same shapes, the constant first; the output scale covers about half of
    # the sums' range, so both ends saturate.
    return arithmetic(rng, "ADD", "AddOptions", "NONE", [1, 5, 6], [1, 5, 6], [1, 5, 6],
                      (0.02, 0.03), (0.03, 0.04), 0.03, const_first=True)


def ew_add_rank5_relu_n1_to_1(rng):
    # Rank-5 broadcast from both sides, RELU_N1_TO_1 (output range +-1.6).
    return arithmetic(rng, "ADD", "AddOptions", "RELU_N1_TO_1", [2, 1, 3, 1, 2],
                      [1, 2, 1, 2, 1], [2, 2, 3, 2, 2], (0.008, 0.01), (0.005, 0.006), 0.0125)


def ew_sub_broadcast_relu6(rng):
    # [2, 4, 3] - [2, 1, 3], RELU6 (differences span about +-9).
    return arithmetic(rng, "SUB", "SubOptions", "RELU6", [2, 4, 3], [2, 1, 3], [2, 4, 3],
                      (0.03, 0.04), (0.03, 0.04), 0.04)


def ew_sub_constant_minus_input(rng):
    # constant [1, 5] - input [3, 1]: the broadcast input is the subtrahend,
    # scales an order of magnitude apart.
    return arithmetic(rng, "SUB", "SubOptions", "NONE", [3, 1], [1, 5], [3, 5],
                      (0.004, 0.005), (0.04, 0.05), 0.05, const_first=True)


def pairs(op, options_type, scales, zero_points, a, b):
    """Elementwise pairs (a[i], b[i]) at the given quantizations (input,
    constant, output)."""
    model = Model()
    model.tensor("input", [len(a)], "INT8", [f32(scales[0])], [zero_points[0]])
    model.tensor("constant", [len(b)], "INT8", [f32(scales[1])], [zero_points[1]],
                 data=np.array(b, np.int8))
    output = model.tensor("output", [len(a)], "INT8", [f32(scales[2])], [zero_points[2]])
    return (model, op, [0, 1], output, options_type, {"fused_activation_function": "NONE"},
            np.array(a, np.int8))


def ew_sub_float_multipliers(rng):
    # TFLM's Sub divides the float scales in float before widening to double;
    # at these scales the multipliers come out differently from the double
    # quotients (Add's), and these six of the 65536 input pairs land one step
    # apart: {-45, 111, -75, 81, -105, 51} where double quotients give each
    # one less (found by emulating both).
    return pairs("SUB", "SubOptions", (0.04815119132399559, 0.06725668907165527,
                                       0.028249414637684822), (-10, -12, 18),
                 [-76, -13, -7, 56, 62, 125], [-33, -53, 29, 9, 91, 71])


def ew_add_double_multipliers(rng):
    # The converse for Add, whose quotients are double: {-59, -16, 26, 69},
    # where float quotients would give each one more.
    return pairs("ADD", "AddOptions", (0.08825992792844772, 0.06412757188081741,
                                       0.11263540387153625), (-20, 15, 5),
                 [-50, -30, -10, 10], [-57, -9, 39, 87])


def ew_mul_broadcast(rng):
    # [2, 3, 5] * [3, 1]: products up to about 16, output scale 0.1.
    return arithmetic(rng, "MUL", "MulOptions", "NONE", [2, 3, 5], [3, 1], [2, 3, 5],
                      (0.03, 0.035), (0.03, 0.035), 0.1)


def ew_mul_scalar_relu(rng):
    # A rank-0 constant times a [4, 8] input, RELU, with a multiplier of
    # about 1.5 (a left shift): the constant is quantized 1 with zero point 0
    # so that inputs within 85 of their zero point do not saturate.
    model, op, inputs, output, options_type, options, x = arithmetic(
        rng, "MUL", "MulOptions", "RELU", [4, 8], [], [4, 8], (0.05, 0.06), (0.05, 0.06), 0.002)
    model.tensors[1]["quantization"]["zero_point"] = [0]
    model.buffers[model.tensors[1]["buffer"]]["data"] = [1]
    return model, op, inputs, output, options_type, options, x


def min_max(rng, op, input_shape, const_shape, out_shape):
    model = Model()
    scale, zp = quant(rng, 0.02, 0.05)
    model.tensor("input", input_shape, "INT8", [scale], [zp])
    model.tensor("constant", const_shape, "INT8", [scale], [zp], data=int8(rng, const_shape))
    output = model.tensor("output", out_shape, "INT8", [scale], [zp])
    return model, op, [0, 1], output, "MaximumMinimumOptions", {}, int8(rng, input_shape)


def ew_maximum_broadcast(rng):
    return min_max(rng, "MAXIMUM", [2, 3, 4], [3, 1], [2, 3, 4])


def ew_minimum_broadcast(rng):
    return min_max(rng, "MINIMUM", [3, 1, 5], [1, 4, 1], [3, 4, 5])


# ---- Unary ops -----------------------------------------------------------------


def unary(rng, op, in_q, out_q, options_type=None, options=None):
    model = Model()
    model.tensor("input", [4, 64], "INT8", [f32(in_q[0])], [in_q[1]])
    output = model.tensor("output", [4, 64], "INT8", [f32(out_q[0])], [out_q[1]])
    return model, op, [0], output, options_type, options, all_int8(rng, [4, 64])


def ew_logistic(rng):
    # Input range about +-10 (zero point off center): the fixed-point
    # logistic over most of it, saturation at the ends.
    return unary(rng, "LOGISTIC", (0.08, -7), (1.0 / 256, -128))


def ew_logistic_wide(rng):
    # Scale 0.25: inputs beyond the radius (|x| >= 15) saturate.
    return unary(rng, "LOGISTIC", (0.25, 12), (1.0 / 256, -128))


def ew_tanh(rng):
    return unary(rng, "TANH", (0.03, 4), (1.0 / 128, 0))


def ew_tanh_wide(rng):
    return unary(rng, "TANH", (0.15, -20), (1.0 / 128, 0))


def ew_relu_requantize(rng):
    # Different input and output quantization: the output spends its range on
    # the non-negative half.
    return unary(rng, "RELU", (0.05, -10), (0.03, -128))


def ew_relu6(rng):
    # Input and output quantized alike (TFLM requires it); 6 is quantized
    # 120, inside the range, so both clamps bite.
    return unary(rng, "RELU6", (0.04, -30), (0.04, -30))


def ew_leaky_relu(rng):
    return unary(rng, "LEAKY_RELU", (0.05, 8), (0.04, -40), "LeakyReluOptions", {"alpha": 0.2})


def ew_leaky_relu_alpha_above_one(rng):
    return unary(rng, "LEAKY_RELU", (0.02, -3), (0.05, 60), "LeakyReluOptions", {"alpha": 1.7})


def ew_hard_swish(rng):
    # Input range about +-5 (gate exponent above 0), output covering [-0.4, 5].
    return unary(rng, "HARD_SWISH", (0.04, 5), (0.025, -112))


def ew_hard_swish_fine_input(rng):
    # A fine input scale (gate exponent below 0): inputs within +-0.7.
    return unary(rng, "HARD_SWISH", (0.005, -2), (0.004, -30))


# ---- Int16 ---------------------------------------------------------------------
#
# Tensor 0 is the float32 model input, tensor 1 the int16 op input.


def int16_values(rng, shape, bound=32767):
    return cases_int16.int16(rng, shape, -bound, bound)


def arithmetic16(rng, op, options_type, activation, input_shape, const_shape, out_shape,
                 in_scale, const_scale, out_scale):
    model = Int16Model()
    x = model.input(input_shape, f32(in_scale), int16_values(rng, input_shape))
    model.tensor("constant", const_shape, "INT16", [f32(const_scale)], [0],
                 data=int16_values(rng, const_shape))
    output = model.tensor("output", out_shape, "INT16", [f32(out_scale)], [0])
    return (model, op, [1, 2], output, options_type, {"fused_activation_function": activation},
            x)


def ew_i16_add_broadcast(rng):
    # [2, 3, 4] + [3, 1] at scales 3e-4 and 1e-4 (+-9.8 and +-3.3).
    return arithmetic16(rng, "ADD", "AddOptions", "NONE", [2, 3, 4], [3, 1], [2, 3, 4],
                        3e-4, 1e-4, 3.5e-4)


def ew_i16_add_relu6_saturating(rng):
    # Sums up to +-13 into an output of +-8: RELU6 and saturation.
    return arithmetic16(rng, "ADD", "AddOptions", "RELU6", [4, 16], [4, 16], [4, 16],
                        2e-4, 2e-4, 2.44e-4)


def ew_i16_sub_broadcast(rng):
    return arithmetic16(rng, "SUB", "SubOptions", "NONE", [3, 2, 5], [2, 1], [3, 2, 5],
                        1.5e-4, 2.5e-4, 3e-4)


def ew_i16_mul_broadcast(rng):
    # Products up to about +-40 into an output of +-45.
    return arithmetic16(rng, "MUL", "MulOptions", "NONE", [2, 4, 3], [3], [2, 4, 3],
                        2e-4, 2e-4, 1.4e-3)


def unary16(rng, op, in_scale, out_scale, options_type=None, options=None, shape=(8, 64)):
    model = Int16Model()
    x = model.input(list(shape), f32(in_scale), int16_values(rng, shape))
    output = model.tensor("output", list(shape), "INT16", [f32(out_scale)], [0])
    return model, op, [1], output, options_type, options, x


def ew_i16_logistic_pot(rng):
    # Input scale 2^-12 (+-8), which TFLite rescales by 3 exactly.
    return unary16(rng, "LOGISTIC", 2.0 ** -12, 2.0 ** -15)


def ew_i16_logistic(rng):
    # Input scale 4e-4 (+-13): a truncated multiplier, and saturation
    # beyond 10.625.
    return unary16(rng, "LOGISTIC", 4e-4, 2.0 ** -15)


def ew_i16_logistic_near_pot(rng):
    # Input scale 2^-12 * 1.0004: within TFLite's 1e-3 (in log2) of a power of
    # two, so still rescaled by exactly 3, not by its own multiplier.
    return unary16(rng, "LOGISTIC", 2.0 ** -12 * 1.0004, 2.0 ** -15)


def ew_i16_tanh_near_pot(rng):
    # Input scale 2^-11 * 0.9995, rescaled by exactly 6.
    return unary16(rng, "TANH", 2.0 ** -11 * 0.9995, 2.0 ** -15)


def ew_i16_tanh_pot(rng):
    # Input scale 2^-11 (+-16), which TFLite rescales by 6 exactly.
    return unary16(rng, "TANH", 2.0 ** -11, 2.0 ** -15)


def ew_i16_tanh(rng):
    return unary16(rng, "TANH", 1.3e-4, 2.0 ** -15)


def ew_i16_relu_requantize(rng):
    return unary16(rng, "RELU", 3e-4, 2e-4)


def ew_i16_leaky_relu(rng):
    return unary16(rng, "LEAKY_RELU", 2e-4, 2.5e-4, "LeakyReluOptions", {"alpha": 0.3})


CASES = [
    ew_add_broadcast_relu,
    ew_add_same_shape_saturating,
    ew_add_rank5_relu_n1_to_1,
    ew_sub_broadcast_relu6,
    ew_sub_constant_minus_input,
    ew_sub_float_multipliers,
    ew_add_double_multipliers,
    ew_mul_broadcast,
    ew_mul_scalar_relu,
    ew_maximum_broadcast,
    ew_minimum_broadcast,
    ew_logistic,
    ew_logistic_wide,
    ew_tanh,
    ew_tanh_wide,
    ew_relu_requantize,
    ew_relu6,
    ew_leaky_relu,
    ew_leaky_relu_alpha_above_one,
    ew_hard_swish,
    ew_hard_swish_fine_input,
    ew_i16_add_broadcast,
    ew_i16_add_relu6_saturating,
    ew_i16_sub_broadcast,
    ew_i16_mul_broadcast,
    ew_i16_logistic_pot,
    ew_i16_logistic,
    ew_i16_logistic_near_pot,
    ew_i16_tanh_pot,
    ew_i16_tanh,
    ew_i16_tanh_near_pot,
    ew_i16_relu_requantize,
    ew_i16_leaky_relu,
]
