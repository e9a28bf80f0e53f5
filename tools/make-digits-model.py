#!/usr/bin/python3
"""Builds Ember's bundled example model: a small CNN for the 8x8 UCI digits.

The network is trained here in plain numpy and written as a frozen TensorFlow
GraphDef laid out the way TensorFlow 1.x freezes a graph, so that the demo and
the converter tests get a realistic input without depending on TensorFlow.

    /usr/bin/python3 tools/make-digits-model.py [--tfref PATH] [--out-dir DIR]

Writes into DIR (default examples/digits):
    digits.pb                   frozen GraphDef (input "input", output "probabilities")
    test_images.npy             held-out images, float32 [N,8,8,1], values in [0,1]
    test_labels.npy             their labels, int32 [N]
    expected_probabilities.npy  reference output on test_images, float32 [N,10]

expected_probabilities.npy comes from tfref, an independent runner with
TensorFlow semantics (TensorFlow.js, cpu backend): --tfref names its `tfref`
wrapper (or the folder holding it). Its output must agree with this script's
own numpy evaluation before it is written. Without --tfref an existing
expected_probabilities.npy is only checked against the numpy evaluation.

Needs only Debian packages: python3-numpy, python3-sklearn, python3-protobuf
and protoc (the GraphDef proto is compiled into a temporary directory).
"""
import os

# One BLAS thread fixes the order of every floating-point reduction, so that
# training gives bit-identical weights (and files) on every run. This must be
# set before numpy loads its BLAS library.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO_DIR = os.path.join(REPO_ROOT, "converter", "tf")
PROTO_FILE = "graph_def.proto"

# np.random.RandomState (not default_rng) because its streams are frozen
# across numpy versions; the split and the initial weights must not change
# when numpy is upgraded.
SEED = 20240
NUM_TEST = 360          # ~20% of the 1797 images, held out from training
# Training images saved for int8 calibration (ember-convert --calibrate):
# calibration must not see the held-out test images.
NUM_CALIBRATION = 360
NUM_CLASSES = 10

EPOCHS = 30
BATCH_SIZE = 32
LEARNING_RATE = 3e-3    # Adam; halved for the last third of the epochs
WEIGHT_DECAY = 1e-4     # L2 on kernels only, to keep the small data set from being memorised
BN_EPSILON = 1e-3       # tf.layers.batch_normalization's default

# Parameters left at their initial values: conv2's bias feeds batch norm,
# which subtracts the channel mean, so its true gradient is zero, and Adam
# would turn the rounding noise of that zero into steps of size ~lr.
UNTRAINED = {"conv2/bias"}

# Constants with at most this many elements are stored as typed value lists
# (float_val / int_val), larger ones as raw tensor_content. A frozen graph may
# hold either form; this threshold makes the example contain both, even for
# 1-D tensors (the 8- and 10-element biases are lists, the 16-element ones
# raw bytes).
SMALL_CONST_MAX_ELEMENTS = 10

# The GraphDef version TensorFlow 1.15 writes.
GRAPH_DEF_PRODUCER = 134

# Accuracy below this on the held-out set means training went wrong.
MIN_TEST_ACCURACY = 0.96
# tfref computes in float32, the numpy evaluation in float64; softmax
# outputs in [0,1] then differ by about 1e-7..1e-6.
TFREF_TOLERANCE = 1e-5


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def load_split(rng):
    """Returns (x_train, y_train, x_test, y_test); images NHWC in [0,1]."""
    digits = load_digits()
    images = digits.images.astype(np.float64) / 16.0   # pixel values are 0..16
    labels = digits.target.astype(np.int32)
    order = rng.permutation(len(labels))
    test, train = order[:NUM_TEST], order[NUM_TEST:]
    # Sorted, so that the test files list their images in data set order.
    test, train = np.sort(test), np.sort(train)
    x = images[:, :, :, np.newaxis]
    return x[train], labels[train], x[test], labels[test]


# --------------------------------------------------------------------------
# Layers (NHWC, TensorFlow semantics), forward and backward
# --------------------------------------------------------------------------

def im2col_3x3_same(x):
    """[N,H,W,C] -> [N,H,W,9*C]: the 3x3 neighbourhood of every pixel.

    Patch elements are ordered (kh, kw, c), so a TensorFlow HWIO kernel
    reshaped to [9*C, O] multiplies it directly. SAME padding with a 3x3
    window and stride 1 pads one zero row/column on each side.
    """
    n, h, w, c = x.shape
    padded = np.zeros((n, h + 2, w + 2, c), dtype=x.dtype)
    padded[:, 1:-1, 1:-1, :] = x
    cols = np.empty((n, h, w, 9, c), dtype=x.dtype)
    for kh in range(3):
        for kw in range(3):
            cols[:, :, :, kh * 3 + kw, :] = padded[:, kh:kh + h, kw:kw + w, :]
    return cols.reshape(n, h, w, 9 * c)


def col2im_3x3_same(dcols, c):
    """Adjoint of im2col_3x3_same: scatters patch gradients back to pixels."""
    n, h, w, _ = dcols.shape
    dcols = dcols.reshape(n, h, w, 9, c)
    dpadded = np.zeros((n, h + 2, w + 2, c), dtype=dcols.dtype)
    for kh in range(3):
        for kw in range(3):
            dpadded[:, kh:kh + h, kw:kw + w, :] += dcols[:, :, :, kh * 3 + kw, :]
    return dpadded[:, 1:-1, 1:-1, :]


def conv3x3_same(x, kernel):
    """Conv2D, 3x3 HWIO kernel, stride 1, SAME. Returns (y, cols for backward)."""
    cols = im2col_3x3_same(x)
    y = cols @ kernel.reshape(-1, kernel.shape[3])
    return y, cols


def maxpool_2x2(x):
    """MaxPool 2x2 stride 2 VALID. Returns (y, index of the max in each window)."""
    n, h, w, c = x.shape
    windows = (x.reshape(n, h // 2, 2, w // 2, 2, c)
               .transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, w // 2, c, 4))
    argmax = windows.argmax(axis=-1)
    return np.take_along_axis(windows, argmax[..., np.newaxis], -1)[..., 0], argmax


def maxpool_2x2_backward(dy, argmax):
    """Routes each output gradient to the (first) maximum of its window."""
    n, h2, w2, c = dy.shape
    dwindows = np.zeros((n, h2, w2, c, 4), dtype=dy.dtype)
    np.put_along_axis(dwindows, argmax[..., np.newaxis], dy[..., np.newaxis], -1)
    return (dwindows.reshape(n, h2, w2, c, 2, 2)
            .transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * h2, 2 * w2, c))


def softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------
# The network
#
#   input [N,8,8,1]
#   conv1: Conv2D 3x3 SAME 8 ch + BiasAdd + Relu          -> [N,8,8,8]
#   pool1: MaxPool 2x2 stride 2                           -> [N,4,4,8]
#   conv2: Conv2D 3x3 SAME 16 ch + BiasAdd                -> [N,4,4,16]
#   bn2:   FusedBatchNormV3 (inference) + Relu6           -> [N,4,4,16]
#   flatten: Reshape [-1,256]
#   dense: MatMul [256,10] + BiasAdd, Softmax "probabilities"
# --------------------------------------------------------------------------

def init_params(rng):
    def he_normal(shape, fan_in):
        return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)

    return {
        "conv1/kernel": he_normal((3, 3, 1, 8), 9 * 1),
        "conv1/bias": np.zeros(8),
        "conv2/kernel": he_normal((3, 3, 8, 16), 9 * 8),
        # Not trained (UNTRAINED). A non-zero value makes the exported BiasAdd
        # do something; the batch norm statistics absorb it, and the
        # converter must fold both.
        "conv2/bias": rng.uniform(-0.5, 0.5, 16),
        "bn2/gamma": np.ones(16),
        "bn2/beta": np.zeros(16),
        "dense/kernel": rng.standard_normal((256, NUM_CLASSES)) * np.sqrt(1.0 / 256),
        "dense/bias": np.zeros(NUM_CLASSES),
    }


def forward_train(p, x):
    """Training-mode forward pass (batch statistics); returns (logits, cache)."""
    c = {}
    z1, c["cols1"] = conv3x3_same(x, p["conv1/kernel"])
    z1 += p["conv1/bias"]
    c["a1"] = a1 = np.maximum(z1, 0.0)
    p1, c["argmax1"] = maxpool_2x2(a1)
    z2, c["cols2"] = conv3x3_same(p1, p["conv2/kernel"])
    z2 += p["conv2/bias"]
    mean = z2.mean(axis=(0, 1, 2))
    var = z2.var(axis=(0, 1, 2))
    c["inv_std"] = 1.0 / np.sqrt(var + BN_EPSILON)
    c["xhat"] = (z2 - mean) * c["inv_std"]
    c["b2"] = b2 = c["xhat"] * p["bn2/gamma"] + p["bn2/beta"]
    a2 = np.clip(b2, 0.0, 6.0)
    c["flat"] = flat = a2.reshape(len(x), 256)
    logits = flat @ p["dense/kernel"] + p["dense/bias"]
    return logits, c


def backward(p, c, dlogits):
    """Gradients of the loss for every trainable parameter."""
    g = {}
    g["dense/kernel"] = c["flat"].T @ dlogits
    g["dense/bias"] = dlogits.sum(axis=0)
    da2 = (dlogits @ p["dense/kernel"].T).reshape(c["b2"].shape)
    db2 = da2 * ((c["b2"] > 0.0) & (c["b2"] < 6.0))
    axes = (0, 1, 2)
    g["bn2/gamma"] = (db2 * c["xhat"]).sum(axis=axes)
    g["bn2/beta"] = db2.sum(axis=axes)
    # Batch-norm backward with batch statistics (mean and variance depend on
    # every element of the channel).
    dxhat = db2 * p["bn2/gamma"]
    m = db2.shape[0] * db2.shape[1] * db2.shape[2]
    dz2 = (c["inv_std"] / m) * (m * dxhat - dxhat.sum(axis=axes)
                                - c["xhat"] * (dxhat * c["xhat"]).sum(axis=axes))
    g["conv2/bias"] = dz2.sum(axis=axes)
    cols2 = c["cols2"].reshape(-1, c["cols2"].shape[-1])
    g["conv2/kernel"] = (cols2.T @ dz2.reshape(-1, 16)).reshape(3, 3, 8, 16)
    dcols2 = dz2 @ p["conv2/kernel"].reshape(-1, 16).T
    dp1 = col2im_3x3_same(dcols2, 8)
    da1 = maxpool_2x2_backward(dp1, c["argmax1"])
    dz1 = da1 * (c["a1"] > 0.0)
    g["conv1/bias"] = dz1.sum(axis=axes)
    cols1 = c["cols1"].reshape(-1, c["cols1"].shape[-1])
    g["conv1/kernel"] = (cols1.T @ dz1.reshape(-1, 8)).reshape(3, 3, 1, 8)
    return g


def train(p, x, y, rng):
    """Adam on softmax cross-entropy, mini-batches in a seeded order."""
    adam_m = {k: np.zeros_like(v) for k, v in p.items()}
    adam_v = {k: np.zeros_like(v) for k, v in p.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    for epoch in range(EPOCHS):
        lr = LEARNING_RATE if epoch < 2 * EPOCHS // 3 else LEARNING_RATE / 2
        order = rng.permutation(len(y))
        total_loss = 0.0
        for start in range(0, len(y), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            logits, cache = forward_train(p, x[idx])
            probs = softmax(logits)
            total_loss -= np.log(probs[np.arange(len(idx)), y[idx]]).sum()
            dlogits = probs
            dlogits[np.arange(len(idx)), y[idx]] -= 1.0
            dlogits /= len(idx)
            grads = backward(p, cache, dlogits)
            step += 1
            for k in p:
                if k in UNTRAINED:
                    continue
                gk = grads[k]
                if k.endswith("/kernel"):
                    gk = gk + WEIGHT_DECAY * p[k]
                adam_m[k] = beta1 * adam_m[k] + (1 - beta1) * gk
                adam_v[k] = beta2 * adam_v[k] + (1 - beta2) * gk * gk
                m_hat = adam_m[k] / (1 - beta1 ** step)
                v_hat = adam_v[k] / (1 - beta2 ** step)
                p[k] -= lr * m_hat / (np.sqrt(v_hat) + eps)
        if epoch % 10 == 9 or epoch == EPOCHS - 1:
            print(f"  epoch {epoch + 1:2d}: mean training loss {total_loss / len(y):.4f}")


def batch_norm_statistics(p, x):
    """Per-channel mean and variance of conv2's output over the training set.

    Computed in one pass with the final weights rather than kept as a moving
    average during training: with few epochs a moving average still lags
    behind the weights, the exact statistics do not. The variance is the
    population variance, as in the training-mode forward pass.
    """
    z1, _ = conv3x3_same(x, p["conv1/kernel"])
    p1, _ = maxpool_2x2(np.maximum(z1 + p["conv1/bias"], 0.0))
    z2, _ = conv3x3_same(p1, p["conv2/kernel"])
    z2 += p["conv2/bias"]
    return z2.mean(axis=(0, 1, 2)), z2.var(axis=(0, 1, 2))


def export_params(p, x_train):
    """The float32 constants of the frozen graph, keyed by Const node name."""
    mean, var = batch_norm_statistics(p, x_train)
    consts = {k: v.astype(np.float32) for k, v in p.items()}
    consts["bn2/moving_mean"] = mean.astype(np.float32)
    consts["bn2/moving_variance"] = var.astype(np.float32)
    return consts


def infer(w, x):
    """The exported graph, node for node, in float64 on the float32 constants."""
    w = {k: v.astype(np.float64) for k, v in w.items()}
    x = x.astype(np.float64)
    z1, _ = conv3x3_same(x, w["conv1/kernel"])
    p1, _ = maxpool_2x2(np.maximum(z1 + w["conv1/bias"], 0.0))
    z2, _ = conv3x3_same(p1, w["conv2/kernel"])
    z2 += w["conv2/bias"]
    # FusedBatchNormV3 with is_training=false.
    b2 = ((z2 - w["bn2/moving_mean"]) / np.sqrt(w["bn2/moving_variance"] + BN_EPSILON)
          * w["bn2/gamma"] + w["bn2/beta"])
    flat = np.clip(b2, 0.0, 6.0).reshape(-1, 256)
    return softmax(flat @ w["dense/kernel"] + w["dense/bias"])


# --------------------------------------------------------------------------
# Frozen GraphDef
# --------------------------------------------------------------------------

def load_graph_def_module(tmp_dir):
    """Compiles converter/tf/graph_def.proto into tmp_dir and imports it."""
    subprocess.run(["protoc", "--proto_path=" + PROTO_DIR, "--python_out=" + tmp_dir,
                    os.path.join(PROTO_DIR, PROTO_FILE)], check=True)
    sys.path.insert(0, tmp_dir)
    try:
        return importlib.import_module(PROTO_FILE[:-len(".proto")] + "_pb2")
    finally:
        sys.path.remove(tmp_dir)


class GraphBuilder:
    """Appends NodeDefs in creation order, with the attrs TensorFlow 1.15 sets."""

    def __init__(self, pb2):
        self.pb2 = pb2
        self.graph = pb2.GraphDef()
        self.graph.versions.producer = GRAPH_DEF_PRODUCER

    # Attribute values.
    def type_attr(self, dtype):
        return self.pb2.AttrValue(type=dtype)

    def ints_attr(self, values):
        return self.pb2.AttrValue(list=self.pb2.AttrValue.ListValue(i=values))

    def str_attr(self, value):
        return self.pb2.AttrValue(s=value.encode())

    def bool_attr(self, value):
        return self.pb2.AttrValue(b=value)

    def float_attr(self, value):
        return self.pb2.AttrValue(f=value)

    def shape_attr(self, dims):
        shape = self.pb2.TensorShapeProto(dim=[self.pb2.TensorShapeProto.Dim(size=d) for d in dims])
        return self.pb2.AttrValue(shape=shape)

    def node(self, name, op, inputs=(), **attrs):
        n = self.graph.node.add(name=name, op=op, input=list(inputs))
        for key, value in attrs.items():
            n.attr[key].CopyFrom(value)
        return name

    def tensor(self, array):
        pb2 = self.pb2
        if array.dtype == np.float32:
            dtype, typed_list, raw = pb2.DT_FLOAT, "float_val", array.astype("<f4")
        elif array.dtype == np.int32:
            dtype, typed_list, raw = pb2.DT_INT32, "int_val", array.astype("<i4")
        else:
            raise ValueError(f"unsupported constant dtype {array.dtype}")
        t = pb2.TensorProto(dtype=dtype)
        for d in array.shape:
            t.tensor_shape.dim.add(size=d)
        if array.size > SMALL_CONST_MAX_ELEMENTS:
            t.tensor_content = raw.tobytes()
        else:
            getattr(t, typed_list).extend(array.ravel().tolist())
        return t

    def const(self, name, array):
        dtype = self.pb2.DT_FLOAT if array.dtype == np.float32 else self.pb2.DT_INT32
        return self.node(name, "Const", dtype=self.type_attr(dtype),
                         value=self.pb2.AttrValue(tensor=self.tensor(array)))

    def variable(self, name, array):
        """A frozen variable: the Const that replaced it and its `/read` Identity."""
        self.const(name, array)
        return self.node(name + "/read", "Identity", [name], T=self.type_attr(self.pb2.DT_FLOAT))


def build_graph_def(pb2, w):
    g = GraphBuilder(pb2)
    f32 = g.type_attr(pb2.DT_FLOAT)
    nhwc = g.str_attr("NHWC")
    ones4 = g.ints_attr([1, 1, 1, 1])

    def conv2d(scope, x):
        kernel = g.variable(scope + "/kernel", w[scope + "/kernel"])
        bias = g.variable(scope + "/bias", w[scope + "/bias"])
        conv = g.node(scope + "/Conv2D", "Conv2D", [x, kernel], T=f32, strides=ones4,
                      padding=g.str_attr("SAME"), data_format=nhwc, dilations=ones4,
                      use_cudnn_on_gpu=g.bool_attr(True), explicit_paddings=g.ints_attr([]))
        return g.node(scope + "/BiasAdd", "BiasAdd", [conv, bias], T=f32, data_format=nhwc)

    x = g.node("input", "Placeholder", dtype=f32, shape=g.shape_attr([-1, 8, 8, 1]))
    x = g.node("conv1/Relu", "Relu", [conv2d("conv1", x)], T=f32)
    x = g.node("pool1/MaxPool", "MaxPool", [x], T=f32, ksize=g.ints_attr([1, 2, 2, 1]),
               strides=g.ints_attr([1, 2, 2, 1]), padding=g.str_attr("VALID"), data_format=nhwc)
    x = conv2d("conv2", x)
    bn_inputs = [g.variable("bn2/" + k, w["bn2/" + k])
                 for k in ("gamma", "beta", "moving_mean", "moving_variance")]
    x = g.node("bn2/FusedBatchNormV3", "FusedBatchNormV3", [x] + bn_inputs, T=f32, U=f32,
               epsilon=g.float_attr(BN_EPSILON), data_format=nhwc,
               is_training=g.bool_attr(False))
    x = g.node("bn2/Relu6", "Relu6", [x], T=f32)
    shape = g.const("flatten/Reshape/shape", np.array([-1, 256], dtype=np.int32))
    x = g.node("flatten/Reshape", "Reshape", [x, shape], T=f32,
               Tshape=g.type_attr(pb2.DT_INT32))
    kernel = g.variable("dense/kernel", w["dense/kernel"])
    bias = g.variable("dense/bias", w["dense/bias"])
    x = g.node("dense/MatMul", "MatMul", [x, kernel], T=f32,
               transpose_a=g.bool_attr(False), transpose_b=g.bool_attr(False))
    x = g.node("dense/BiasAdd", "BiasAdd", [x, bias], T=f32, data_format=nhwc)
    g.node("probabilities", "Softmax", [x], T=f32)
    return g.graph


# --------------------------------------------------------------------------
# Reference output
# --------------------------------------------------------------------------

def run_tfref(tfref, pb_path, images_path, tmp_dir):
    """Runs digits.pb on the test images with tfref; returns `probabilities`."""
    if os.path.isdir(tfref):
        tfref = os.path.join(tfref, "tfref")
    out_dir = os.path.join(tmp_dir, "tfref-out")
    subprocess.run([tfref, pb_path, "--input", "input=" + images_path,
                    "--output", "probabilities", "--output-dir", out_dir],
                   check=True, stdout=subprocess.DEVNULL)
    return np.load(os.path.join(out_dir, "probabilities.npy"))


def accuracy(probs, labels):
    return float((probs.argmax(axis=1) == labels).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tfref", help="tfref wrapper (or its folder); produces "
                        "expected_probabilities.npy")
    parser.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "examples", "digits"))
    args = parser.parse_args()
    started = time.time()

    rng = np.random.RandomState(SEED)
    x_train, y_train, x_test, y_test = load_split(rng)
    print(f"data: {len(y_train)} training, {len(y_test)} test images")

    params = init_params(rng)
    train(params, x_train, y_train, rng)
    weights = export_params(params, x_train)

    # Accuracies of the exported model (float32 constants, inference-form
    # batch norm), i.e. of exactly what digits.pb computes.
    test_images = x_test.astype(np.float32)
    train_acc = accuracy(infer(weights, x_train.astype(np.float32)), y_train)
    numpy_probs = infer(weights, test_images)
    test_acc = accuracy(numpy_probs, y_test)
    print(f"accuracy: train {train_acc:.4f}, test {test_acc:.4f}")
    if test_acc < MIN_TEST_ACCURACY:
        sys.exit(f"error: test accuracy {test_acc:.4f} is below {MIN_TEST_ACCURACY}")

    os.makedirs(args.out_dir, exist_ok=True)
    pb_path = os.path.join(args.out_dir, "digits.pb")
    images_path = os.path.join(args.out_dir, "test_images.npy")
    expected_path = os.path.join(args.out_dir, "expected_probabilities.npy")
    with tempfile.TemporaryDirectory() as tmp_dir:
        pb2 = load_graph_def_module(tmp_dir)
        graph = build_graph_def(pb2, weights)
        with open(pb_path, "wb") as f:
            # Deterministic serialisation sorts the attr maps, so the file's
            # bytes do not depend on insertion order.
            f.write(graph.SerializeToString(deterministic=True))
        np.save(images_path, test_images)
        np.save(os.path.join(args.out_dir, "test_labels.npy"), y_test.astype(np.int32))
        np.save(os.path.join(args.out_dir, "calibration_images.npy"),
                x_train[:NUM_CALIBRATION].astype(np.float32))

        if args.tfref:
            reference = run_tfref(args.tfref, os.path.abspath(pb_path),
                                  os.path.abspath(images_path), tmp_dir)
        elif os.path.exists(expected_path):
            reference = np.load(expected_path)
            print("no --tfref: checking the existing expected_probabilities.npy")
        else:
            reference = None
            print("no --tfref: expected_probabilities.npy not written")

    if reference is not None:
        if reference.shape != numpy_probs.shape:
            sys.exit(f"error: reference shape {reference.shape}, numpy {numpy_probs.shape}")
        diff = float(np.abs(reference.astype(np.float64) - numpy_probs).max())
        same_class = bool((reference.argmax(axis=1) == numpy_probs.argmax(axis=1)).all())
        print(f"reference vs numpy: max abs diff {diff:.3g}, same predicted class: {same_class}")
        if diff > TFREF_TOLERANCE or not same_class:
            sys.exit("error: the reference output disagrees with the numpy model")
        if args.tfref:
            np.save(expected_path, reference.astype("<f4"))

    for name in sorted(os.listdir(args.out_dir)):
        print(f"  {os.path.getsize(os.path.join(args.out_dir, name)):7d}  {name}")
    print(f"done in {time.time() - started:.1f} s")


if __name__ == "__main__":
    main()
