#!/usr/bin/python3
"""Writes the test data of lower_test.cc: one small frozen GraphDef per case.

For every case this writes into testdata/:
  CASE.pb                  the graph
  CASE.input.NAME.npy      a random input per placeholder (seeded by the case name)
  CASE.expected.NAME.npy   the expected value of each output
and cases.tsv listing them with the tolerance the test applies.

Expected values come from tfref (TensorFlow.js executing the same GraphDef
with TF semantics), which shares no code with Ember. Where tfjs cannot run a
graph with TF semantics, the case computes them instead with an independent
numpy float64 implementation below; the case says why.

    make_graphs.py --tfref DIR [--only CASE...]

DIR is a copy of tfref with `npm ci` done. --only rewrites just those cases'
files (cases.tsv is always rewritten whole).

Names in files replace characters outside [A-Za-z0-9_.-] with '_' (so
"split:1" is stored as "split_1").
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
OUT_DIR = os.path.join(HERE, "testdata")

# float32 (Ember) against float32 (tfjs) or float64 (numpy) for ops whose
# result is a short computation on each element.
F32 = "rtol=1e-5,atol=1e-6"
# Ops that only move, select or compare values must reproduce them bit for bit.
EXACT = "exact"
# Sums of products (convolutions, matmuls, and batch norms folded into
# weights): float32 rounding depends on the summation order, and its error
# scales with sum(|terms|), not with |result|, so outputs that cancel to near
# zero need an absolute margin: about sqrt(n) * eps * sum(|terms|) ~ 5e-6 for
# n <= 36 terms and sum(|terms|) <= ~60 here (seen: <= 1.5e-6).
SUMS = "rtol=1e-5,atol=5e-6"

pb2 = None  # graph_def_pb2, compiled from converter/tf/graph_def.proto at run time


def load_protos(tmp):
    """Compiles Ember's GraphDef subset (TF's field numbers) into `tmp`."""
    global pb2
    proto_dir = os.path.join(REPO, "converter", "tf")
    subprocess.run(["protoc", "--proto_path=" + proto_dir, "--python_out=" + tmp,
                    os.path.join(proto_dir, "graph_def.proto")], check=True)
    sys.path.insert(0, tmp)
    import graph_def_pb2
    pb2 = graph_def_pb2


class DType(int):
    """A TF DataType attr value (an int subclass, so attrs can tell it apart)."""


DT_FLOAT = DType(1)
DT_INT32 = DType(3)
NP_TO_DT = {np.dtype(np.float32): DT_FLOAT, np.dtype(np.int32): DT_INT32}


def set_attr(value, attr):
    # bool before int: bool is an int subclass.
    if isinstance(value, bool):
        attr.b = value
    elif isinstance(value, DType):
        attr.type = int(value)
    elif isinstance(value, int):
        attr.i = value
    elif isinstance(value, float):
        attr.f = value
    elif isinstance(value, str):
        attr.s = value.encode()
    elif isinstance(value, list) and all(isinstance(v, int) for v in value):
        attr.list.SetInParent()  # an empty list is still a present attr
        attr.list.i.extend(value)
    else:
        raise TypeError("unsupported attr value %r" % (value,))


def safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


class Case:
    """One graph with its inputs, outputs and tolerance."""

    def __init__(self, name, tolerance=F32):
        self.name = name
        self.tolerance = tolerance
        self.graph = pb2.GraphDef()
        self.inputs = {}          # placeholder name -> array
        self.outputs = []         # tensor names
        self.numpy_reference = None  # f(inputs) -> {output: array}, when tfjs cannot be used
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))

    def op(self, name, op, inputs=(), **attrs):
        node = self.graph.node.add()
        node.name = name
        node.op = op
        node.input.extend(inputs)
        for key, value in attrs.items():
            set_attr(value, node.attr[key])
        return name

    def input(self, name, shape, low=-1.0, high=1.0, dtype=np.float32):
        if dtype == np.int32:
            value = self.rng.integers(low, high, size=shape, dtype=np.int32)
        else:
            value = self.rng.uniform(low, high, size=shape).astype(np.float32)
        self.inputs[name] = value
        node = self.graph.node.add()
        node.name = name
        node.op = "Placeholder"
        node.attr["dtype"].type = int(NP_TO_DT[np.dtype(dtype)])
        dims = node.attr["shape"].shape
        for size in shape:
            dims.dim.add().size = size
        return name

    def const(self, name, value):
        value = np.asarray(value)
        tensor = self._const_node(name, NP_TO_DT[value.dtype], value.shape)
        tensor.tensor_content = value.astype(value.dtype.newbyteorder("<")).tobytes()
        return name

    def splat(self, name, shape, value):
        """A float Const stored as a single float_val that fills the whole shape."""
        self._const_node(name, DT_FLOAT, shape).float_val.append(value)
        return name

    def weights(self, name, shape, scale=1.0, low=None):
        low = -scale if low is None else low
        return self.const(name, self.rng.uniform(low, scale, size=shape).astype(np.float32))

    def value_of(self, name):
        """The value of a float Const node (for numpy references)."""
        for node in self.graph.node:
            if node.name == name:
                tensor = node.attr["value"].tensor
                shape = [d.size for d in tensor.tensor_shape.dim]
                return np.frombuffer(tensor.tensor_content, dtype="<f4").reshape(shape)
        raise KeyError(name)

    def _const_node(self, name, dtype, shape):
        node = self.graph.node.add()
        node.name = name
        node.op = "Const"
        node.attr["dtype"].type = int(dtype)
        tensor = node.attr["value"].tensor
        tensor.dtype = int(dtype)
        tensor.tensor_shape.SetInParent()
        for size in shape:
            tensor.tensor_shape.dim.add().size = size
        return tensor


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------------------
# Independent float64 numpy implementations, for graphs tfjs runs without TF
# semantics (see the cases that use them).

def same_pads(size, kernel, stride, dilation):
    """TF SAME padding: output ceil(size / stride), the odd pixel at the end."""
    extent = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


def np_conv2d_nhwc(x, w, strides, padding, dilations=(1, 1)):
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    kh, kw = w.shape[:2]
    if padding == "SAME":
        pads = [same_pads(x.shape[1 + i], w.shape[i], strides[i], dilations[i]) for i in (0, 1)]
    else:
        pads = [(0, 0), (0, 0)]
    xp = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    out_h = (xp.shape[1] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    out_w = (xp.shape[2] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    out = np.zeros((x.shape[0], out_h, out_w, w.shape[3]))
    for i in range(kh):
        for j in range(kw):
            top, left = i * dilations[0], j * dilations[1]
            patch = xp[:, top:top + (out_h - 1) * strides[0] + 1:strides[0],
                       left:left + (out_w - 1) * strides[1] + 1:strides[1], :]
            out += patch @ w[i, j]
    return out


def np_pool_nhwc(x, ksize, strides, padding, kind):
    """Max/average pool; SAME padding cells are excluded, as in TF."""
    x = x.astype(np.float64)
    if padding == "SAME":
        pads = [same_pads(x.shape[1 + i], ksize[i], strides[i], 1) for i in (0, 1)]
    else:
        pads = [(0, 0), (0, 0)]
    xp = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)], constant_values=np.nan)
    out_h = (xp.shape[1] - ksize[0]) // strides[0] + 1
    out_w = (xp.shape[2] - ksize[1]) // strides[1] + 1
    windows = [xp[:, i:i + (out_h - 1) * strides[0] + 1:strides[0],
                  j:j + (out_w - 1) * strides[1] + 1:strides[1], :]
               for i in range(ksize[0]) for j in range(ksize[1])]
    reduce = np.nanmax if kind == "max" else np.nanmean
    return reduce(np.stack(windows), axis=0)


def to_nhwc(x):
    return np.transpose(x, (0, 2, 3, 1))


def to_nchw(x):
    return np.transpose(x, (0, 3, 1, 2))


# ---------------------------------------------------------------------------
# Convolutions

def conv_case(name, in_shape, filter_shape, strides, padding, dilations=(1, 1), **extra):
    c = Case(name, SUMS)
    x = c.input("x", in_shape)
    w = c.weights("w", filter_shape)
    c.outputs = [c.op("conv", "Conv2D", [x, w], T=DT_FLOAT, padding=padding,
                      strides=[1, strides[0], strides[1], 1],
                      dilations=[1, dilations[0], dilations[1], 1], data_format="NHWC", **extra)]
    return c


@case
def conv2d_same():
    return conv_case("conv2d_same", [1, 5, 5, 3], [3, 3, 3, 4], (1, 1), "SAME")


@case
def conv2d_valid():
    return conv_case("conv2d_valid", [2, 5, 6, 3], [3, 2, 3, 4], (1, 1), "VALID")


@case
def conv2d_same_stride2():
    # Even input with stride 2: TF pads the odd pixel at the bottom/right.
    return conv_case("conv2d_same_stride2", [1, 6, 6, 2], [3, 3, 2, 3], (2, 2), "SAME")


@case
def conv2d_valid_stride2():
    return conv_case("conv2d_valid_stride2", [1, 7, 8, 3], [3, 3, 3, 2], (2, 2), "VALID")


@case
def conv2d_same_dilation2():
    return conv_case("conv2d_same_dilation2", [1, 7, 7, 2], [3, 3, 2, 3], (1, 1), "SAME", (2, 2))


@case
def conv2d_valid_dilation2():
    return conv_case("conv2d_valid_dilation2", [1, 7, 8, 2], [2, 3, 2, 3], (1, 1), "VALID", (2, 2))


@case
def conv2d_explicit_padding():
    return conv_case("conv2d_explicit_padding", [1, 5, 5, 2], [3, 3, 2, 3], (2, 2), "EXPLICIT",
                     explicit_paddings=[0, 0, 1, 2, 0, 1, 0, 0])


@case
def conv2d_nchw():
    # tfjs runs NCHW Conv2D with strides/dilations read from the NHWC
    # positions [1] and [2] (convolution_executor.js), which is wrong for
    # strides [1, 1, 2, 2]; so numpy float64 computes the reference.
    c = Case("conv2d_nchw", SUMS)
    x = c.input("x", [1, 3, 7, 6])
    w = c.weights("w", [3, 3, 3, 4])
    c.outputs = [c.op("conv", "Conv2D", [x, w], T=DT_FLOAT, padding="SAME",
                      strides=[1, 1, 2, 2], dilations=[1, 1, 1, 1], data_format="NCHW")]
    c.numpy_reference = lambda inputs: {"conv": to_nchw(np_conv2d_nhwc(
        to_nhwc(inputs["x"]), c.value_of("w"), (2, 2), "SAME"))}
    return c


@case
def conv2d_nchw_chain():
    # NCHW Conv2D -> BiasAdd -> Relu -> Conv2D: the converter must keep only
    # the transposes at the graph's input and output (checked by the test).
    # numpy reference: tfjs ignores BiasAdd's data_format and reads NCHW
    # strides from the wrong positions.
    c = Case("conv2d_nchw_chain", SUMS)
    x = c.input("x", [1, 2, 6, 6])
    w1 = c.weights("w1", [3, 3, 2, 4])
    b1 = c.weights("b1", [4])
    w2 = c.weights("w2", [2, 2, 4, 3], scale=0.5)
    conv1 = c.op("conv1", "Conv2D", [x, w1], T=DT_FLOAT, padding="SAME", strides=[1, 1, 1, 1],
                 dilations=[1, 1, 1, 1], data_format="NCHW")
    bias = c.op("bias", "BiasAdd", [conv1, b1], T=DT_FLOAT, data_format="NCHW")
    relu = c.op("relu", "Relu", [bias], T=DT_FLOAT)
    c.outputs = [c.op("conv2", "Conv2D", [relu, w2], T=DT_FLOAT, padding="VALID",
                      strides=[1, 1, 2, 2], dilations=[1, 1, 1, 1], data_format="NCHW")]

    def reference(inputs):
        h = np_conv2d_nhwc(to_nhwc(inputs["x"]), c.value_of("w1"), (1, 1), "SAME")
        h = np.maximum(h + c.value_of("b1"), 0)
        return {"conv2": to_nchw(np_conv2d_nhwc(h, c.value_of("w2"), (2, 2), "VALID"))}
    c.numpy_reference = reference
    return c


@case
def conv2d_bias_relu():
    # The test also checks that this becomes one CONV_2D with fused RELU.
    c = Case("conv2d_bias_relu", SUMS)
    x = c.input("x", [1, 5, 5, 3])
    w = c.weights("w", [3, 3, 3, 4])
    b = c.weights("b", [4])
    conv = c.op("conv", "Conv2D", [x, w], T=DT_FLOAT, padding="SAME", strides=[1, 1, 1, 1],
                dilations=[1, 1, 1, 1], data_format="NHWC")
    bias = c.op("bias", "BiasAdd", [conv, b], T=DT_FLOAT, data_format="NHWC")
    c.outputs = [c.op("relu", "Relu", [bias], T=DT_FLOAT)]
    return c


@case
def conv2d_fused_batchnorm():
    # The test also checks that the batch norm folds into the convolution.
    c = Case("conv2d_fused_batchnorm", SUMS)
    x = c.input("x", [1, 5, 5, 2])
    w = c.weights("w", [3, 3, 2, 3])
    conv = c.op("conv", "Conv2D", [x, w], T=DT_FLOAT, padding="VALID", strides=[1, 1, 1, 1],
                dilations=[1, 1, 1, 1], data_format="NHWC")
    params = [c.weights("gamma", [3], low=0.5, scale=1.5), c.weights("beta", [3]),
              c.weights("mean", [3]), c.weights("variance", [3], low=0.5, scale=2.0)]
    c.outputs = [c.op("bn", "FusedBatchNormV3", [conv] + params, T=DT_FLOAT, U=DT_FLOAT,
                      epsilon=0.001, is_training=False, data_format="NHWC")]
    return c


@case
def const_splat_batchnorm_fold():
    # tf.layers.batch_normalization as TF1 freezes it: gamma is one float_val
    # broadcast over the shape, and the norm is Rsqrt/Mul/Sub/Add ops that the
    # converter folds into the convolution (the test checks one op remains).
    c = Case("const_splat_batchnorm_fold", SUMS)
    x = c.input("x", [1, 5, 5, 3])
    w = c.weights("w", [3, 3, 3, 4])
    conv = c.op("conv", "Conv2D", [x, w], T=DT_FLOAT, padding="SAME", strides=[1, 1, 1, 1],
                dilations=[1, 1, 1, 1], data_format="NHWC")
    gamma = c.splat("bn/gamma", [4], 1.5)
    beta = c.weights("bn/beta", [4])
    mean = c.weights("bn/moving_mean", [4])
    variance = c.weights("bn/moving_variance", [4], low=0.5, scale=2.0)
    eps = c.const("bn/epsilon", np.float32(1e-3))
    var_eps = c.op("bn/add", "AddV2", [variance, eps], T=DT_FLOAT)
    inv_std = c.op("bn/Rsqrt", "Rsqrt", [var_eps], T=DT_FLOAT)
    scale = c.op("bn/mul", "Mul", [inv_std, gamma], T=DT_FLOAT)
    scaled = c.op("bn/mul_1", "Mul", [conv, scale], T=DT_FLOAT)
    mean_scaled = c.op("bn/mul_2", "Mul", [mean, scale], T=DT_FLOAT)
    offset = c.op("bn/sub", "Sub", [beta, mean_scaled], T=DT_FLOAT)
    c.outputs = [c.op("bn/add_1", "AddV2", [scaled, offset], T=DT_FLOAT)]
    return c


def depthwise_case(name, in_shape, filter_shape, strides, padding, dilations=(1, 1)):
    c = Case(name, SUMS)
    x = c.input("x", in_shape)
    w = c.weights("w", filter_shape)
    c.outputs = [c.op("dw", "DepthwiseConv2dNative", [x, w], T=DT_FLOAT, padding=padding,
                      strides=[1, strides[0], strides[1], 1],
                      dilations=[1, dilations[0], dilations[1], 1], data_format="NHWC")]
    return c


@case
def depthwise_same_multiplier2():
    return depthwise_case("depthwise_same_multiplier2", [1, 5, 5, 3], [3, 3, 3, 2], (1, 1), "SAME")


@case
def depthwise_valid_stride2_multiplier2():
    return depthwise_case("depthwise_valid_stride2_multiplier2", [1, 7, 6, 2], [3, 3, 2, 2],
                          (2, 2), "VALID")


@case
def depthwise_same_stride2():
    return depthwise_case("depthwise_same_stride2", [1, 6, 6, 4], [3, 3, 4, 1], (2, 2), "SAME")


@case
def depthwise_same_dilation2():
    return depthwise_case("depthwise_same_dilation2", [1, 7, 7, 2], [3, 3, 2, 2], (1, 1), "SAME",
                          (2, 2))


# ---------------------------------------------------------------------------
# Matrix products

def matmul_case(name, a_shape, b_shape, const_b, transpose_a=False, transpose_b=False):
    c = Case(name, SUMS)
    a = c.input("a", a_shape)
    b = c.weights("b", b_shape) if const_b else c.input("b", b_shape)
    c.outputs = [c.op("matmul", "MatMul", [a, b], T=DT_FLOAT, transpose_a=transpose_a,
                      transpose_b=transpose_b)]
    return c


@case
def matmul_const():
    return matmul_case("matmul_const", [3, 4], [4, 5], const_b=True)


@case
def matmul_const_transpose_a():
    return matmul_case("matmul_const_transpose_a", [4, 3], [4, 5], const_b=True, transpose_a=True)


@case
def matmul_const_transpose_b():
    return matmul_case("matmul_const_transpose_b", [3, 4], [5, 4], const_b=True, transpose_b=True)


@case
def matmul_const_transpose_ab():
    return matmul_case("matmul_const_transpose_ab", [4, 3], [5, 4], const_b=True,
                       transpose_a=True, transpose_b=True)


@case
def matmul_input():
    return matmul_case("matmul_input", [3, 4], [4, 5], const_b=False)


@case
def matmul_input_transpose_a():
    return matmul_case("matmul_input_transpose_a", [4, 3], [4, 5], const_b=False, transpose_a=True)


@case
def matmul_input_transpose_b():
    return matmul_case("matmul_input_transpose_b", [3, 4], [5, 4], const_b=False, transpose_b=True)


def batch_matmul_case(name, a_shape, b_shape, const_b=False, adj_x=False, adj_y=False):
    c = Case(name, SUMS)
    a = c.input("a", a_shape)
    b = c.weights("b", b_shape) if const_b else c.input("b", b_shape)
    c.outputs = [c.op("bmm", "BatchMatMulV2", [a, b], T=DT_FLOAT, adj_x=adj_x, adj_y=adj_y)]
    return c


@case
def batch_matmul():
    return batch_matmul_case("batch_matmul", [2, 3, 4], [2, 4, 5])


@case
def batch_matmul_adj_x():
    return batch_matmul_case("batch_matmul_adj_x", [2, 4, 3], [2, 4, 5], adj_x=True)


@case
def batch_matmul_adj_y():
    return batch_matmul_case("batch_matmul_adj_y", [2, 3, 4], [2, 5, 4], adj_y=True)


@case
def batch_matmul_adj_xy():
    return batch_matmul_case("batch_matmul_adj_xy", [2, 4, 3], [2, 5, 4], adj_x=True, adj_y=True)


@case
def batch_matmul_broadcast():
    # Both operands broadcast their batch dims ([2, 1] with [3]). tfjs's cpu
    # BatchMatMul computes max(batch) matrices instead of their broadcast
    # product (18 values for a [2, 3, 3, 2] result), so numpy computes the
    # reference.
    c = batch_matmul_case("batch_matmul_broadcast", [2, 1, 3, 4], [3, 4, 2])
    c.numpy_reference = lambda inputs: {
        "bmm": np.matmul(inputs["a"].astype(np.float64), inputs["b"].astype(np.float64))}
    return c


@case
def batch_matmul_broadcast_const_rank2():
    return batch_matmul_case("batch_matmul_broadcast_const_rank2", [2, 3, 4], [4, 5], const_b=True)


# ---------------------------------------------------------------------------
# Element-wise

@case
def bias_add():
    c = Case("bias_add")
    x = c.input("x", [2, 3, 4])
    b = c.weights("b", [4])
    c.outputs = [c.op("bias", "BiasAdd", [x, b], T=DT_FLOAT, data_format="NHWC")]
    return c


@case
def bias_add_nchw():
    # tfjs adds the bias with numpy broadcasting (along the last axis)
    # whatever data_format says, so numpy computes the reference.
    c = Case("bias_add_nchw")
    x = c.input("x", [2, 3, 4, 5])
    b = c.weights("b", [3])
    c.outputs = [c.op("bias", "BiasAdd", [x, b], T=DT_FLOAT, data_format="NCHW")]
    c.numpy_reference = lambda inputs: {
        "bias": inputs["x"].astype(np.float64) + c.value_of("b").reshape(3, 1, 1)}
    return c


def binary_case(name, op, a_shape, b_shape, const_b=False, low=-1.0, high=1.0, b_low=-1.0,
                b_high=1.0, tolerance=F32):
    c = Case(name, tolerance)
    a = c.input("a", a_shape, low, high)
    if const_b:
        b = c.weights("b", b_shape, low=b_low, scale=b_high)
    else:
        b = c.input("b", b_shape, b_low, b_high)
    c.outputs = [c.op(op.lower(), op, [a, b], T=DT_FLOAT)]
    return c


@case
def add_broadcast_vector():
    return binary_case("add_broadcast_vector", "Add", [2, 3, 4], [4])


@case
def add_v2_broadcast_both():
    # Both operands broadcast: [2, 1, 4] + [3, 1] -> [2, 3, 4].
    return binary_case("add_v2_broadcast_both", "AddV2", [2, 1, 4], [3, 1])


@case
def add_v2_broadcast_rank4():
    return binary_case("add_v2_broadcast_rank4", "AddV2", [2, 1, 3, 1], [1, 4, 1, 5])


@case
def sub_broadcast():
    return binary_case("sub_broadcast", "Sub", [2, 3, 4], [3, 1])


@case
def sub_const_first():
    # A constant minuend exercises operand order (Sub is not commutative).
    c = Case("sub_const_first")
    b = c.weights("a", [4])
    x = c.input("x", [2, 3, 4])
    c.outputs = [c.op("sub", "Sub", [b, x], T=DT_FLOAT)]
    return c


@case
def mul_scalar_const():
    c = Case("mul_scalar_const")
    x = c.input("x", [2, 3, 4])
    s = c.const("s", np.float32(-1.75))
    c.outputs = [c.op("mul", "Mul", [x, s], T=DT_FLOAT)]
    return c


@case
def mul_broadcast():
    return binary_case("mul_broadcast", "Mul", [3, 1, 5], [4, 1])


@case
def real_div_broadcast():
    # Divisors kept away from zero.
    return binary_case("real_div_broadcast", "RealDiv", [2, 3, 4], [3, 1], b_low=0.5, b_high=2.0)


@case
def real_div_const_first():
    c = Case("real_div_const_first")
    a = c.weights("a", [4], low=1.0, scale=3.0)
    x = c.input("x", [2, 4], 0.5, 2.0)
    c.outputs = [c.op("div", "RealDiv", [a, x], T=DT_FLOAT)]
    return c


@case
def maximum_broadcast():
    return binary_case("maximum_broadcast", "Maximum", [2, 3, 4], [1, 3, 1], tolerance=EXACT)


@case
def minimum_broadcast_const():
    return binary_case("minimum_broadcast_const", "Minimum", [2, 3, 4], [4], const_b=True,
                       tolerance=EXACT)


# The comparison, logical and select ops meet here with float inputs and
# outputs, their BOOL values staying inside the graph. numpy computes the
# references: they are where() over comparisons, and tfjs's Select does not
# take TF1's rank-1 row condition.
@case
def select_v2_less_broadcast():
    c = Case("select_v2_less_broadcast", EXACT)
    x = c.input("x", [2, 3, 4])
    y = c.input("y", [3, 1])
    less = c.op("less", "Less", [x, y], T=DT_FLOAT)
    c.outputs = [c.op("select", "SelectV2", [less, x, y], T=DT_FLOAT)]
    c.numpy_reference = lambda inputs: {
        "select": np.where(inputs["x"] < inputs["y"], inputs["x"], inputs["y"])}
    return c


@case
def select_rank1_condition_picks_rows():
    # TF1 Select: a [4] condition picks whole rows of [4, 3] operands.
    c = Case("select_rank1_condition_picks_rows", EXACT)
    v = c.input("v", [4])
    x = c.input("x", [4, 3])
    y = c.input("y", [4, 3])
    greater = c.op("greater", "Greater", [v, c.const("zero", np.float32(0))], T=DT_FLOAT)
    c.outputs = [c.op("select", "Select", [greater, x, y], T=DT_FLOAT)]
    c.numpy_reference = lambda inputs: {
        "select": np.where((inputs["v"] > 0)[:, None], inputs["x"], inputs["y"])}
    return c


@case
def comparisons_and_logic():
    # Equal(x, Maximum(x, z)) holds exactly where x >= z, so Equal sees both
    # answers on random floats.
    c = Case("comparisons_and_logic", EXACT)
    x = c.input("x", [2, 3, 4])
    z = c.input("z", [3, 4])
    half = c.const("half", np.float32(0.5))
    zero = c.const("zero", np.float32(0))
    at_least = c.op("greater_equal", "GreaterEqual", [x, z], T=DT_FLOAT)
    equal = c.op("equal", "Equal", [x, c.op("max", "Maximum", [x, z], T=DT_FLOAT)], T=DT_FLOAT)
    not_below = c.op("not_below", "LogicalNot", [c.op("less_half", "Less", [x, half], T=DT_FLOAT)])
    differ = c.op("not_equal", "NotEqual", [z, x], T=DT_FLOAT)
    non_positive = c.op("less_equal", "LessEqual", [z, zero], T=DT_FLOAT)
    either = c.op("or1", "LogicalOr", [c.op("and1", "LogicalAnd", [at_least, equal]),
                                       c.op("and2", "LogicalAnd", [not_below, differ])])
    condition = c.op("or2", "LogicalOr", [either, non_positive])
    c.outputs = [c.op("select", "SelectV2", [condition, x, z], T=DT_FLOAT)]

    def reference(inputs):
        x, z = inputs["x"], inputs["z"]
        condition = ((x >= z) & (x == np.maximum(x, z))) | (~(x < 0.5) & (z != x)) | (z <= 0)
        return {"select": np.where(condition, x, z)}
    c.numpy_reference = reference
    return c


@case
def squared_difference_broadcast():
    return binary_case("squared_difference_broadcast", "SquaredDifference", [2, 3, 4], [4])


def unary_case(name, op, low=-3.0, high=3.0, tolerance=F32, **attrs):
    c = Case(name, tolerance)
    x = c.input("x", [2, 3, 5], low, high)
    c.outputs = [c.op(op.lower(), op, [x], T=DT_FLOAT, **attrs)]
    return c


@case
def relu():
    return unary_case("relu", "Relu", tolerance=EXACT)


@case
def relu6():
    return unary_case("relu6", "Relu6", -8.0, 8.0, tolerance=EXACT)


@case
def sigmoid():
    return unary_case("sigmoid", "Sigmoid", -6.0, 6.0)


@case
def tanh():
    return unary_case("tanh", "Tanh")


@case
def elu():
    return unary_case("elu", "Elu")


@case
def leaky_relu():
    return unary_case("leaky_relu", "LeakyRelu", alpha=0.1)


@case
def leaky_relu_default_alpha():
    # No alpha attr: TF's default is 0.2.
    return unary_case("leaky_relu_default_alpha", "LeakyRelu")


@case
def rsqrt():
    return unary_case("rsqrt", "Rsqrt", 0.1, 4.0)


@case
def sqrt():
    return unary_case("sqrt", "Sqrt", 0.0, 4.0)


@case
def exp():
    return unary_case("exp", "Exp")


@case
def neg():
    return unary_case("neg", "Neg", tolerance=EXACT)


@case
def softmax_rank2():
    c = Case("softmax_rank2")
    x = c.input("x", [3, 7], -4.0, 4.0)
    c.outputs = [c.op("softmax", "Softmax", [x], T=DT_FLOAT)]
    return c


@case
def softmax_rank3():
    c = Case("softmax_rank3")
    x = c.input("x", [2, 3, 5], -4.0, 4.0)
    c.outputs = [c.op("softmax", "Softmax", [x], T=DT_FLOAT)]
    return c


# ---------------------------------------------------------------------------
# Pooling and normalization

def pool_case(name, op, in_shape, ksize, strides, padding):
    c = Case(name, EXACT if op == "MaxPool" else F32)
    x = c.input("x", in_shape)
    c.outputs = [c.op("pool", op, [x], T=DT_FLOAT, ksize=[1, ksize, ksize, 1],
                      strides=[1, strides, strides, 1], padding=padding, data_format="NHWC")]
    return c


@case
def max_pool_same_stride2():
    return pool_case("max_pool_same_stride2", "MaxPool", [1, 6, 6, 3], 3, 2, "SAME")


@case
def max_pool_valid_stride2():
    return pool_case("max_pool_valid_stride2", "MaxPool", [2, 7, 7, 2], 3, 2, "VALID")


@case
def max_pool_same_odd():
    return pool_case("max_pool_same_odd", "MaxPool", [1, 5, 7, 2], 2, 2, "SAME")


@case
def avg_pool_same_stride2():
    # SAME padding: TF averages over the valid cells only.
    return pool_case("avg_pool_same_stride2", "AvgPool", [1, 6, 6, 3], 3, 2, "SAME")


@case
def avg_pool_valid_stride2():
    return pool_case("avg_pool_valid_stride2", "AvgPool", [2, 7, 7, 2], 3, 2, "VALID")


@case
def avg_pool_same_odd():
    return pool_case("avg_pool_same_odd", "AvgPool", [1, 5, 7, 2], 2, 2, "SAME")


@case
def max_pool_nchw():
    # tfjs ignores the pools' data_format, so numpy computes the reference.
    c = Case("max_pool_nchw", EXACT)
    c.input("x", [1, 3, 5, 6])
    c.outputs = [c.op("pool", "MaxPool", ["x"], T=DT_FLOAT, ksize=[1, 1, 3, 3],
                      strides=[1, 1, 2, 2], padding="SAME", data_format="NCHW")]
    c.numpy_reference = lambda inputs: {
        "pool": to_nchw(np_pool_nhwc(to_nhwc(inputs["x"]), (3, 3), (2, 2), "SAME", "max"))}
    return c


@case
def avg_pool_nchw():
    # tfjs ignores the pools' data_format, so numpy computes the reference.
    c = Case("avg_pool_nchw")
    c.input("x", [1, 3, 5, 6])
    c.outputs = [c.op("pool", "AvgPool", ["x"], T=DT_FLOAT, ksize=[1, 1, 2, 3],
                      strides=[1, 1, 2, 1], padding="SAME", data_format="NCHW")]
    c.numpy_reference = lambda inputs: {
        "pool": to_nchw(np_pool_nhwc(to_nhwc(inputs["x"]), (2, 3), (2, 1), "SAME", "avg"))}
    return c


def batchnorm_params(c, channels):
    return [c.weights("gamma", [channels], low=0.5, scale=1.5), c.weights("beta", [channels]),
            c.weights("mean", [channels]), c.weights("variance", [channels], low=0.5, scale=2.0)]


def np_batchnorm(c, x, epsilon):
    gamma, beta, mean, variance = (c.value_of(n).astype(np.float64)
                                   for n in ("gamma", "beta", "mean", "variance"))
    return (x.astype(np.float64) - mean) / np.sqrt(variance + epsilon) * gamma + beta


@case
def fused_batchnorm_v3():
    c = Case("fused_batchnorm_v3")
    x = c.input("x", [2, 3, 4, 3])
    c.outputs = [c.op("bn", "FusedBatchNormV3", [x] + batchnorm_params(c, 3), T=DT_FLOAT,
                      U=DT_FLOAT, epsilon=0.001, is_training=False, data_format="NHWC")]
    return c


@case
def fused_batchnorm_v3_nchw():
    # tfjs's batchNorm ignores data_format (normalizes the last axis), so
    # numpy computes the reference.
    c = Case("fused_batchnorm_v3_nchw")
    c.input("x", [2, 3, 4, 5])
    c.outputs = [c.op("bn", "FusedBatchNormV3", ["x"] + batchnorm_params(c, 3), T=DT_FLOAT,
                      U=DT_FLOAT, epsilon=0.01, is_training=False, data_format="NCHW")]
    c.numpy_reference = lambda inputs: {
        "bn": to_nchw(np_batchnorm(c, to_nhwc(inputs["x"]), 0.01))}
    return c


# ---------------------------------------------------------------------------
# Shapes and data movement (exact: values are only copied)

def movement_case(name, in_shape, build):
    """`build(c, x)` adds the ops after input x and returns the outputs."""
    c = Case(name, EXACT)
    x = c.input("x", in_shape)
    c.outputs = build(c, x)
    return c


def int32(values):
    return np.asarray(values, dtype=np.int32)


@case
def reshape_minus_one():
    return movement_case("reshape_minus_one", [2, 3, 4], lambda c, x: [
        c.op("reshape", "Reshape", [x, c.const("shape", int32([-1, 4]))], T=DT_FLOAT,
             Tshape=DT_INT32)])


@case
def reshape_minus_one_middle():
    return movement_case("reshape_minus_one_middle", [2, 3, 4], lambda c, x: [
        c.op("reshape", "Reshape", [x, c.const("shape", int32([2, -1, 2, 1]))], T=DT_FLOAT,
             Tshape=DT_INT32)])


@case
def squeeze_dims():
    return movement_case("squeeze_dims", [1, 3, 1, 4], lambda c, x: [
        c.op("squeeze", "Squeeze", [x], T=DT_FLOAT, squeeze_dims=[2])])


@case
def squeeze_negative_dim():
    return movement_case("squeeze_negative_dim", [2, 3, 1], lambda c, x: [
        c.op("squeeze", "Squeeze", [x], T=DT_FLOAT, squeeze_dims=[-1])])


@case
def squeeze_all():
    return movement_case("squeeze_all", [1, 3, 1, 4], lambda c, x: [
        c.op("squeeze", "Squeeze", [x], T=DT_FLOAT, squeeze_dims=[])])


@case
def expand_dims():
    return movement_case("expand_dims", [2, 3], lambda c, x: [
        c.op("expand", "ExpandDims", [x, c.const("axis", np.int32(1))], T=DT_FLOAT,
             Tdim=DT_INT32)])


@case
def expand_dims_negative():
    return movement_case("expand_dims_negative", [2, 3], lambda c, x: [
        c.op("expand", "ExpandDims", [x, c.const("axis", np.int32(-1))], T=DT_FLOAT,
             Tdim=DT_INT32)])


@case
def concat_v2_negative_axis():
    def build(c, x):
        y = c.input("y", [2, 3, 1])
        z = c.weights("z", [2, 3, 3])
        return [c.op("concat", "ConcatV2", [x, y, z, c.const("axis", np.int32(-1))],
                     T=DT_FLOAT, N=3, Tidx=DT_INT32)]
    return movement_case("concat_v2_negative_axis", [2, 3, 2], build)


@case
def concat_v2_axis0():
    def build(c, x):
        y = c.input("y", [1, 3])
        return [c.op("concat", "ConcatV2", [x, y, c.const("axis", np.int32(0))],
                     T=DT_FLOAT, N=2, Tidx=DT_INT32)]
    return movement_case("concat_v2_axis0", [2, 3], build)


@case
def split():
    def build(c, x):
        c.op("split", "Split", [c.const("axis", np.int32(1)), x], T=DT_FLOAT, num_split=3)
        return ["split", "split:1", "split:2"]
    return movement_case("split", [2, 6, 2], build)


@case
def split_negative_axis():
    def build(c, x):
        c.op("split", "Split", [c.const("axis", np.int32(-1)), x], T=DT_FLOAT, num_split=2)
        return ["split", "split:1"]
    return movement_case("split_negative_axis", [3, 4], build)


@case
def split_v():
    def build(c, x):
        c.op("split", "SplitV", [x, c.const("sizes", int32([1, 3, 2])),
                                 c.const("axis", np.int32(2))],
             T=DT_FLOAT, Tlen=DT_INT32, num_split=3)
        return ["split", "split:1", "split:2"]
    return movement_case("split_v", [2, 3, 6], build)


@case
def split_v_inferred_size():
    # One size of -1 takes what the others leave.
    def build(c, x):
        c.op("split", "SplitV", [x, c.const("sizes", int32([2, -1, 1])),
                                 c.const("axis", np.int32(-2))],
             T=DT_FLOAT, Tlen=DT_INT32, num_split=3)
        return ["split", "split:1", "split:2"]
    return movement_case("split_v_inferred_size", [2, 6, 3], build)


@case
def pack_axis1():
    def build(c, x):
        y = c.input("y", [2, 3])
        z = c.weights("z", [2, 3])
        return [c.op("pack", "Pack", [x, y, z], T=DT_FLOAT, N=3, axis=1)]
    return movement_case("pack_axis1", [2, 3], build)


@case
def pack_negative_axis():
    def build(c, x):
        y = c.input("y", [2, 3])
        return [c.op("pack", "Pack", [x, y], T=DT_FLOAT, N=2, axis=-1)]
    return movement_case("pack_negative_axis", [2, 3], build)


@case
def unpack_axis1():
    def build(c, x):
        c.op("unpack", "Unpack", [x], T=DT_FLOAT, num=3, axis=1)
        return ["unpack", "unpack:1", "unpack:2"]
    return movement_case("unpack_axis1", [2, 3, 4], build)


@case
def unpack_axis0():
    def build(c, x):
        c.op("unpack", "Unpack", [x], T=DT_FLOAT, num=2, axis=0)
        return ["unpack", "unpack:1"]
    return movement_case("unpack_axis0", [2, 3], build)


@case
def pad():
    return movement_case("pad", [2, 3, 4], lambda c, x: [
        c.op("pad", "Pad", [x, c.const("paddings", int32([[0, 0], [1, 2], [2, 1]]))],
             T=DT_FLOAT, Tpaddings=DT_INT32)])


@case
def pad_v2():
    return movement_case("pad_v2", [1, 3, 3, 2], lambda c, x: [
        c.op("pad", "PadV2", [x, c.const("paddings", int32([[0, 0], [2, 0], [1, 1], [0, 1]])),
                              c.const("value", np.float32(-1.5))],
             T=DT_FLOAT, Tpaddings=DT_INT32)])


@case
def mirror_pad_reflect():
    return movement_case("mirror_pad_reflect", [1, 4, 5, 2], lambda c, x: [
        c.op("pad", "MirrorPad", [x, c.const("paddings", int32([[0, 0], [3, 1], [1, 4], [0, 0]]))],
             T=DT_FLOAT, Tpaddings=DT_INT32, mode="REFLECT")])


@case
def mirror_pad_symmetric():
    return movement_case("mirror_pad_symmetric", [1, 4, 5, 2], lambda c, x: [
        c.op("pad", "MirrorPad", [x, c.const("paddings", int32([[0, 0], [4, 1], [2, 5], [0, 0]]))],
             T=DT_FLOAT, Tpaddings=DT_INT32, mode="SYMMETRIC")])


def strided_slice_case(name, in_shape, begin, end, strides, **masks):
    return movement_case(name, in_shape, lambda c, x: [
        c.op("slice", "StridedSlice", [x, c.const("begin", int32(begin)),
                                       c.const("end", int32(end)),
                                       c.const("strides", int32(strides))],
             T=DT_FLOAT, Index=DT_INT32, **masks)])


@case
def strided_slice_strides():
    return strided_slice_case("strided_slice_strides", [4, 6, 5], [1, 0, 1], [3, 6, 5], [1, 2, 2])


@case
def strided_slice_negative():
    # Negative begin/end and a negative stride (reversal).
    return strided_slice_case("strided_slice_negative", [4, 6, 5], [-1, -2, 0], [-4, 0, -1],
                              [-1, -2, 1])


@case
def strided_slice_begin_end_mask():
    return strided_slice_case("strided_slice_begin_end_mask", [4, 6, 5], [3, 2, 1], [3, 5, 3],
                              [1, 1, 1], begin_mask=0b001, end_mask=0b100)


@case
def strided_slice_shrink_axis():
    # x[1:2, 2, 0:5:2]. tfjs 4.22 returns x[1:2, 0, 2:5] for this slice (a
    # shrunk middle axis next to a strided one), so numpy computes the
    # reference.
    c = strided_slice_case("strided_slice_shrink_axis", [4, 6, 5], [1, 2, 0], [2, 3, 5],
                           [1, 1, 2], shrink_axis_mask=0b010)
    c.numpy_reference = lambda inputs: {"slice": inputs["x"][1:2, 2, 0:5:2]}
    return c


@case
def strided_slice_new_axis():
    return strided_slice_case("strided_slice_new_axis", [4, 6], [0, 0, 1], [3, 0, 5],
                              [1, 1, 2], new_axis_mask=0b010)


@case
def strided_slice_ellipsis():
    # x[..., 1:4] on a rank-4 input.
    return strided_slice_case("strided_slice_ellipsis", [2, 3, 4, 5], [0, 1], [0, 4], [1, 1],
                              ellipsis_mask=0b01)


@case
def strided_slice_ellipsis_new_axis_shrink():
    # x[1, ..., tf.newaxis, 2:]
    return strided_slice_case("strided_slice_ellipsis_new_axis_shrink", [3, 4, 5], [1, 0, 0, 2],
                              [2, 0, 0, 0], [1, 1, 1, 1], ellipsis_mask=0b0010,
                              new_axis_mask=0b0100, shrink_axis_mask=0b0001, end_mask=0b1000)


@case
def slice_op():
    return movement_case("slice", [3, 4, 5], lambda c, x: [
        c.op("slice", "Slice", [x, c.const("begin", int32([1, 0, 2])),
                                c.const("size", int32([-1, 3, 2]))],
             T=DT_FLOAT, Index=DT_INT32)])


@case
def transpose_rank3():
    return movement_case("transpose_rank3", [2, 3, 4], lambda c, x: [
        c.op("transpose", "Transpose", [x, c.const("perm", int32([2, 0, 1]))], T=DT_FLOAT,
             Tperm=DT_INT32)])


@case
def transpose_rank4():
    return movement_case("transpose_rank4", [2, 3, 4, 5], lambda c, x: [
        c.op("transpose", "Transpose", [x, c.const("perm", int32([0, 3, 1, 2]))], T=DT_FLOAT,
             Tperm=DT_INT32)])


# ---------------------------------------------------------------------------
# Reductions

def reduce_case(name, op, in_shape, axes, keep_dims, tolerance=F32):
    c = Case(name, tolerance)
    x = c.input("x", in_shape, -2.0, 2.0)
    c.outputs = [c.op(op.lower(), op, [x, c.const("axes", int32(axes))], T=DT_FLOAT,
                      Tidx=DT_INT32, keep_dims=keep_dims)]
    return c


@case
def mean_axis1():
    return reduce_case("mean_axis1", "Mean", [2, 5, 3], [1], False)


@case
def mean_spatial_keep_dims():
    # Global average pooling as Keras writes it.
    return reduce_case("mean_spatial_keep_dims", "Mean", [2, 4, 4, 3], [1, 2], True)


@case
def sum_negative_axis():
    return reduce_case("sum_negative_axis", "Sum", [2, 3, 6], [-1], False)


@case
def sum_keep_dims():
    return reduce_case("sum_keep_dims", "Sum", [2, 3, 6], [0, 2], True)


@case
def max_axis0():
    return reduce_case("max_axis0", "Max", [4, 3, 2], [0], False, EXACT)


@case
def max_keep_dims():
    return reduce_case("max_keep_dims", "Max", [2, 3, 4], [-1, 1], True, EXACT)


# ---------------------------------------------------------------------------
# Shape, Fill, Cast, Resize, Gather

@case
def shape_fill():
    c = Case("shape_fill")
    x = c.input("x", [2, 3])
    shape = c.op("shape", "Shape", [x], T=DT_FLOAT, out_type=DT_INT32)
    fill = c.op("fill", "Fill", [shape, c.const("value", np.float32(2.5))], T=DT_FLOAT,
                index_type=DT_INT32)
    c.outputs = [c.op("mul", "Mul", [x, fill], T=DT_FLOAT)]
    return c


@case
def shape_fill_batch():
    # tf.fill([tf.shape(x)[0], 2], 0.5) concatenated to x: a batch size taken
    # from the input at run time in TF, a constant once Ember fixes the shapes.
    c = Case("shape_fill_batch", EXACT)
    x = c.input("x", [3, 4])
    shape = c.op("shape", "Shape", [x], T=DT_FLOAT, out_type=DT_INT32)
    batch = c.op("batch", "StridedSlice", [shape, c.const("begin", int32([0])),
                                           c.const("end", int32([1])),
                                           c.const("strides", int32([1]))],
                 T=DT_INT32, Index=DT_INT32, shrink_axis_mask=1)
    dims = c.op("dims", "Pack", [batch, c.const("two", np.int32(2))], T=DT_INT32, N=2, axis=0)
    fill = c.op("fill", "Fill", [dims, c.const("value", np.float32(0.5))], T=DT_FLOAT,
                index_type=DT_INT32)
    c.outputs = [c.op("concat", "ConcatV2", [x, fill, c.const("axis", np.int32(-1))],
                      T=DT_FLOAT, N=2, Tidx=DT_INT32)]
    return c


@case
def cast_float_to_int32():
    # Truncation toward zero, on both signs.
    c = Case("cast_float_to_int32", EXACT)
    x = c.input("x", [2, 5], -4.0, 4.0)
    c.outputs = [c.op("cast", "Cast", [x], SrcT=DT_FLOAT, DstT=DT_INT32, Truncate=False)]
    return c


@case
def cast_int32_to_float():
    c = Case("cast_int32_to_float", EXACT)
    x = c.input("x", [2, 5], -100, 100, dtype=np.int32)
    cast = c.op("cast", "Cast", [x], SrcT=DT_INT32, DstT=DT_FLOAT, Truncate=False)
    c.outputs = [c.op("mul", "Mul", [cast, c.const("half", np.float32(0.5))], T=DT_FLOAT)]
    return c


def resize_case(name, op, in_shape, size, tolerance=F32, **attrs):
    c = Case(name, tolerance)
    x = c.input("x", in_shape)
    c.outputs = [c.op("resize", op, [x, c.const("size", int32(size))], T=DT_FLOAT, **attrs)]
    return c


@case
def resize_bilinear():
    return resize_case("resize_bilinear", "ResizeBilinear", [1, 3, 4, 2], [5, 7],
                       align_corners=False, half_pixel_centers=False)


@case
def resize_bilinear_align_corners():
    return resize_case("resize_bilinear_align_corners", "ResizeBilinear", [1, 3, 4, 2], [5, 7],
                       align_corners=True, half_pixel_centers=False)


@case
def resize_bilinear_half_pixel():
    return resize_case("resize_bilinear_half_pixel", "ResizeBilinear", [2, 3, 4, 2], [5, 7],
                       align_corners=False, half_pixel_centers=True)


@case
def resize_bilinear_downscale_half_pixel():
    return resize_case("resize_bilinear_downscale_half_pixel", "ResizeBilinear", [1, 6, 7, 2],
                       [4, 3], align_corners=False, half_pixel_centers=True)


@case
def resize_nearest():
    return resize_case("resize_nearest", "ResizeNearestNeighbor", [1, 3, 4, 2], [5, 7], EXACT,
                       align_corners=False, half_pixel_centers=False)


@case
def resize_nearest_align_corners():
    return resize_case("resize_nearest_align_corners", "ResizeNearestNeighbor", [1, 3, 4, 2],
                       [5, 7], EXACT, align_corners=True, half_pixel_centers=False)


@case
def resize_nearest_half_pixel():
    return resize_case("resize_nearest_half_pixel", "ResizeNearestNeighbor", [2, 3, 4, 2], [5, 7],
                       EXACT, align_corners=False, half_pixel_centers=True)


def gather_case(name, params_shape, indices, axis):
    c = Case(name, EXACT)
    x = c.input("x", params_shape)
    c.outputs = [c.op("gather", "GatherV2", [x, c.const("indices", int32(indices)),
                                             c.const("axis", np.int32(axis))],
                      Tparams=DT_FLOAT, Tindices=DT_INT32, Taxis=DT_INT32, batch_dims=0)]
    return c


@case
def gather_v2_axis1():
    return gather_case("gather_v2_axis1", [3, 5, 2], [4, 0, 2, 2], 1)


@case
def gather_v2_axis1_indices_rank2():
    return gather_case("gather_v2_axis1_indices_rank2", [3, 5, 2], [[1, 3], [0, 4]], 1)


@case
def gather_v2_negative_axis():
    return gather_case("gather_v2_negative_axis", [2, 3, 4], [3, 1], -1)


@case
def gather_v2_input_indices():
    # An embedding lookup: constant table, indices fed at run time.
    c = Case("gather_v2_input_indices", EXACT)
    table = c.weights("table", [6, 3])
    ids = c.input("ids", [2, 3], 0, 6, dtype=np.int32)
    c.outputs = [c.op("gather", "GatherV2", [table, ids, c.const("axis", np.int32(0))],
                      Tparams=DT_FLOAT, Tindices=DT_INT32, Taxis=DT_INT32, batch_dims=0)]
    return c


def arg_min_max_case(name, op, shape, axis):
    c = Case(name, EXACT)
    x = c.input("x", shape)
    c.outputs = [c.op(op.lower(), op, [x, c.const("dimension", np.int32(axis))],
                      T=DT_FLOAT, Tidx=DT_INT32, output_type=DT_INT32)]
    return c


@case
def arg_max_axis1():
    return arg_min_max_case("arg_max_axis1", "ArgMax", [3, 5], 1)


@case
def arg_max_axis0_rank3():
    return arg_min_max_case("arg_max_axis0_rank3", "ArgMax", [4, 2, 3], 0)


@case
def arg_min_negative_axis():
    return arg_min_max_case("arg_min_negative_axis", "ArgMin", [2, 3, 4], -1)


@case
def sign():
    return unary_case("sign", "Sign", tolerance=EXACT)


@case
def floor():
    return unary_case("floor", "Floor", low=-5.0, high=5.0, tolerance=EXACT)


def one_hot_case(name, axis):
    # Indices from -1 to depth: both ends are out of range and give all off.
    c = Case(name, EXACT)
    depth = 4
    indices = c.input("indices", [2, 3], -1, depth + 1, dtype=np.int32)
    c.outputs = [c.op("one_hot", "OneHot",
                      [indices, c.const("depth", np.int32(depth)),
                       c.const("on", np.float32(2.5)), c.const("off", np.float32(-0.5))],
                      T=DT_FLOAT, TI=DT_INT32, axis=axis)]
    return c, depth


@case
def one_hot_last_axis():
    c, _ = one_hot_case("one_hot_last_axis", -1)
    return c


@case
def one_hot_axis0():
    # tfjs's oneHot always adds the last axis, so numpy computes the reference.
    c, depth = one_hot_case("one_hot_axis0", 0)
    c.numpy_reference = lambda inputs: {"one_hot": np.moveaxis(
        np.where(inputs["indices"][..., None] == np.arange(depth), 2.5, -0.5), -1, 0)}
    return c


# ---------------------------------------------------------------------------

def run_tfref(tfref, c, pb_path, input_files, tmp):
    out_dir = os.path.join(tmp, c.name)
    command = [os.path.join(tfref, "tfref"), pb_path]
    for name, path in input_files.items():
        command += ["--input", "%s=%s" % (name, path)]
    for name in c.outputs:
        command += ["--output", name]
    command += ["--output-dir", out_dir]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return {name: np.load(os.path.join(out_dir, re.sub(r"[/:]", "_", name) + ".npy"))
            for name in c.outputs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tfref", required=True, help="tfref directory (npm ci done)")
    parser.add_argument("--only", nargs="*", help="regenerate only these cases")
    args = parser.parse_args()
    tfref = os.path.abspath(args.tfref)

    tmp = tempfile.mkdtemp(prefix="ember_lower_")
    try:
        load_protos(tmp)
        cases = [make() for make in CASES]
        names = [c.name for c in cases]
        assert len(set(names)) == len(names), "duplicate case names"
        os.makedirs(OUT_DIR, exist_ok=True)
        rows = []
        for c in cases:
            rows.append(write_case(c, tfref, tmp, args.only is None or c.name in args.only))
        with open(os.path.join(OUT_DIR, "cases.tsv"), "w") as f:
            f.write("# case\tmodel\tinputs\toutputs\ttolerance\treference\n")
            for row in rows:
                f.write("\t".join(row) + "\n")
    finally:
        shutil.rmtree(tmp)


def write_case(c, tfref, tmp, regenerate):
    """Writes the case's files (unless not `regenerate`); returns its cases.tsv row."""
    pb_name = c.name + ".pb"
    input_files = {name: "%s.input.%s.npy" % (c.name, safe(name)) for name in c.inputs}
    output_files = {name: "%s.expected.%s.npy" % (c.name, safe(name)) for name in c.outputs}
    reference = "numpy" if c.numpy_reference else "tfjs"
    if regenerate:
        print(c.name, file=sys.stderr)
        pb_path = os.path.join(OUT_DIR, pb_name)
        with open(pb_path, "wb") as f:
            f.write(c.graph.SerializeToString(deterministic=True))
        for name, value in c.inputs.items():
            np.save(os.path.join(OUT_DIR, input_files[name]), value)
        if c.numpy_reference:
            expected = c.numpy_reference(c.inputs)
        else:
            expected = run_tfref(tfref, c, pb_path,
                                 {n: os.path.join(OUT_DIR, f) for n, f in input_files.items()}, tmp)
        for name in c.outputs:
            value = np.asarray(expected[name])
            value = value.astype(np.int32 if value.dtype.kind in "iu" else np.float32)
            np.save(os.path.join(OUT_DIR, output_files[name]), value)

    def pairs(files):
        return ";".join("%s=%s" % item for item in files.items())
    return [c.name, pb_name, pairs(input_files), pairs(output_files), c.tolerance, reference]


if __name__ == "__main__":
    main()
