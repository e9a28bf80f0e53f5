#!/usr/bin/python3
"""Generates the model-specific sources of the firmware image at build time.

    gen_model_sources.py --flatc FLATC --schema schema/ember.fbs --kernels-dir kernels
        --model MODEL.ember --kernels-inc model_kernels.inc
        --input-header model_input.h --input-npy-out model_input.npy
        [--input-npy IN.npy [--input-index K]]

* model_kernels.inc: one EMBER_KERNEL_LIST_ENTRY(kOp) per op code the model
  uses, so the firmware registers (and links) exactly those kernels: the
  int8-only registration (kOpInt8) of an op whose model is int8 throughout,
  else the integer-only one (kOpInteger) of an integer model, else the full
  kernel. Op codes
  come from the model (flatc's JSON view of it); kernel symbols from the
  `const Kernel kOp = {schema::OpCode::OP, ...}` definitions in kernels/*.cc.
* model_input.h: `kModelInput[]`, the bytes of input 0: the given .npy, or
  else a fixed pattern covering the type's range. The .npy holds the input's
  element count, or a batch of such samples of which --input-index picks one
  (its first dimension counts them). Its dtype is the input's, or float for a
  quantized int8/int16 input: the values are then quantized with the input's
  scale and zero point exactly as the host's ember-run does.
* model_input.npy: the same input with the model's shape, for running the
  model on the host (`ember-run ... --input NAME=model_input.npy`).
* model_io.json (beside model_input.npy): the names of input 0 and output 0.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

DTYPES = {"FLOAT32": np.float32, "INT8": np.int8, "UINT8": np.uint8, "INT16": np.int16,
          "INT32": np.int32, "INT64": np.int64, "BOOL": np.bool_}
KERNEL_RE = re.compile(r"const\s+Kernel\s+(k\w+)\s*=\s*\{\s*(?:schema::)?OpCode::(\w+)")


def read_model(flatc, schema, model):
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([flatc, "--json", "--strict-json", "--defaults-json", "--raw-binary",
                        "-o", out, schema, "--", model], check=True)
        stem = os.path.splitext(os.path.basename(model))[0]
        with open(os.path.join(out, stem + ".json")) as f:
            return json.load(f)


def kernel_symbols(kernels_dir, integer_only, int8_only):
    """Op code -> kernel symbol; with integer_only, the integer-only
    registration (kOpInteger) where an op has one; with int8_only too, the
    int8-only one (kOpInt8) where an op has one."""
    full, integer, int8 = {}, {}, {}
    for name in sorted(os.listdir(kernels_dir)):
        if name.endswith(".cc"):
            with open(os.path.join(kernels_dir, name)) as f:
                for symbol, op in KERNEL_RE.findall(f.read()):
                    if symbol.endswith("Integer"):
                        integer[op] = symbol
                    elif symbol.endswith("Int8"):
                        int8[op] = symbol
                    else:
                        full[op] = symbol
    if integer_only:
        full.update(integer)
    if integer_only and int8_only:
        full.update(int8)
    return full


def tensor_types(model):
    """The types of the model's tensors (type 0 is FLOAT32 and is what flatc
    leaves out)."""
    return {tensor.get("type", "FLOAT32")
            for graph in model["subgraphs"] for tensor in graph.get("tensors", [])}


def is_integer_model(model):
    """True when no tensor of the model is float, so integer-only kernels can
    run it."""
    return not tensor_types(model) & {"FLOAT32", "FLOAT16"}


def is_int8_model(model):
    """True when no tensor is float or int16 either, so the int8-only kernels
    can run it (their inputs are int8; other tensors are int32 biases, shapes
    and the like)."""
    return is_integer_model(model) and "INT16" not in tensor_types(model)


def pattern_input(dtype, count):
    index = np.arange(count, dtype=np.int64)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        span = min(int(info.max) - int(info.min) + 1, 256)
        return (info.min + (index * 37 + 11) % span).astype(dtype)
    if dtype == np.bool_:
        return (index % 3 == 0)
    return ((index * 37 + 11) % 256 / 128.0 - 1.0).astype(dtype)


def quantize_like_ember_run(values, tensor, dtype):
    """Real values -> the quantized input, as tools/ember_run.cc does it:
    float32 value / float32 scale, rounded half away from zero, plus the
    zero point, clamped to the type."""
    quantization = tensor.get("quantization") or {}
    if not quantization.get("scale"):
        return None
    scale = np.float32(quantization["scale"][0])
    zero_point = int((quantization.get("zero_point") or [0])[0])
    scaled = values.astype(np.float32) / scale
    whole = np.trunc(scaled)
    # Exact: the fraction of a float32 is exact, so no x + 0.5 rounding error.
    rounded = whole + np.sign(scaled) * (np.abs(scaled - whole) >= 0.5)
    info = np.iinfo(dtype)
    return np.clip(rounded.astype(np.float64) + zero_point, info.min, info.max).astype(dtype)


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flatc", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--kernels-dir", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--kernels-inc", required=True)
    parser.add_argument("--input-header", required=True)
    parser.add_argument("--input-npy-out", required=True)
    parser.add_argument("--input-npy", default="")
    parser.add_argument("--input-index", type=int, default=0)
    args = parser.parse_args()

    model = read_model(args.flatc, args.schema, args.model)
    subgraph = model["subgraphs"][0]
    ops = []
    for graph in model["subgraphs"]:
        for op in graph.get("operators", []):
            if op["opcode"] not in ops:
                ops.append(op["opcode"])
    symbols = kernel_symbols(args.kernels_dir, is_integer_model(model), is_int8_model(model))
    missing = [op for op in ops if op not in symbols]
    if missing:
        sys.exit(f"gen_model_sources: no kernel for {', '.join(missing)} in {args.kernels_dir}")
    lines = ["// Generated by examples/firmware/gen_model_sources.py from "
             f"{os.path.basename(args.model)}: the kernels its ops need."]
    lines += [f"EMBER_KERNEL_LIST_ENTRY({symbols[op]})  // {op}" for op in ops]
    write_if_changed(args.kernels_inc, "\n".join(lines) + "\n")

    tensor = subgraph["tensors"][subgraph["inputs"][0]]
    dtype = np.dtype(DTYPES[tensor["type"]])
    shape = tuple(tensor.get("shape") or [])
    count = int(np.prod(shape, dtype=np.int64))
    if args.input_npy:
        given = np.load(args.input_npy)
        origin = os.path.basename(args.input_npy)
        if given.size != count and given.ndim > 0 and given.size == given.shape[0] * count:
            if not 0 <= args.input_index < given.shape[0]:
                sys.exit(f"gen_model_sources: --input-index {args.input_index}: "
                         f"{args.input_npy} holds {given.shape[0]} samples")
            given = given[args.input_index]
            origin += f" [{args.input_index}]"
        if given.dtype != dtype and np.issubdtype(given.dtype, np.floating) and \
                dtype in (np.int8, np.int16):
            quantized = quantize_like_ember_run(given, tensor, dtype.type)
            if quantized is not None:
                given = quantized
                origin += ", quantized with the input's scale and zero point"
        if given.dtype != dtype or given.size != count:
            sys.exit(f"gen_model_sources: {args.input_npy} holds {given.size} {given.dtype}, "
                     f"input 0 '{tensor.get('name', '')}' is {count} {dtype} {list(shape)}")
        values = given.reshape(shape)
    else:
        values = pattern_input(dtype.type, count).reshape(shape)
        origin = "a fixed pattern"
    np.save(args.input_npy_out, values)
    data = values.astype(dtype.newbyteorder("<")).tobytes()
    body = ",\n".join("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16])
                      for i in range(0, len(data), 16))
    header = (f"// Generated by examples/firmware/gen_model_sources.py: input 0 "
              f"'{tensor.get('name', '')}' ({tensor['type']} {list(shape)}) from {origin}.\n"
              "#ifndef EMBER_FIRMWARE_MODEL_INPUT_H_\n#define EMBER_FIRMWARE_MODEL_INPUT_H_\n\n"
              f"alignas(16) const unsigned char kModelInput[{len(data)}] = {{\n{body}\n}};\n\n"
              "#endif  // EMBER_FIRMWARE_MODEL_INPUT_H_\n")
    write_if_changed(args.input_header, header)
    output = subgraph["tensors"][subgraph["outputs"][0]]
    write_if_changed(os.path.join(os.path.dirname(os.path.abspath(args.input_npy_out)),
                                  "model_io.json"),
                     json.dumps({"input": tensor.get("name", ""), "output": output.get("name", ""),
                                 "output_type": output["type"]}) + "\n")


if __name__ == "__main__":
    main()
