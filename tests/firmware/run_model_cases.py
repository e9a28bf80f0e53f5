#!/usr/bin/python3
"""End-to-end model cases on a Cortex-M core under QEMU, checked against the
host build and the shared reference outputs.

    run_model_cases.py --firmware-dir CROSS/examples/firmware
                       --ember-convert HOST/tools/ember-convert --ember-run HOST/tools/ember-run
                       --shared-dir SHARED --suite tf|tflite|digits
                       [--mode float|fp16|int8-weights|int8|int16x8] [--case REGEX]
                       --work-dir DIR [--timeout SECONDS]

For each case the model is converted on the host by the host build's
ember-convert with the options of the host's suite (tf: tests/e2e/tf_cases_test.cc,
skipping tests/e2e/tf_skip.tsv; tflite: tests/converter/tflite/models_test.cc;
digits: the 360 held-out images of examples/digits as one batch, float, or
--quantize int8 --io int8 as a microcontroller runs it), run by the host's
ember-run and by the cross build's model runner image (tests/firmware/model_runner.cc)
in QEMU on the same inputs, and compared:

* a quantized model (int8 and int16x8 modes, the tflite int8 cases, digits
  int8): every output bit-identical to the host's, whatever its type;
* integer outputs: byte-identical to the host's, and to the reference where
  the case says exact (the tflite int8 cases);
* float outputs: against the reference with the host suite's rule (the case's
  tolerance; fp16: 3% of the output range; int8-weights, int8, int16x8: the
  SQNR bound of tests/e2e/quantized_bounds.tsv), and the max |target - host|
  is reported;
* digits int8: the accuracy on the images' labels within 1 point of the
  reference's (tests/e2e/digits_quantized_test.cc's bound);
* the arena the runner used equals the plan the converter wrote on the host.

Prints one line per case; exits 1 when any case fails.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load_generator(source_dir):
    """examples/firmware/gen_model_sources.py: the model reader (flatc JSON),
    its dtype table and the quantization ember-run applies to float inputs."""
    sys.path.insert(0, os.path.join(source_dir, "examples", "firmware"))
    import gen_model_sources
    return gen_model_sources


def read_tsv(path, header=True):
    rows = []
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines[1 if header else 0:]:
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def parse_pairs(text):
    """name=file;name=file -> [(name, file)] (tf cases.tsv)."""
    return [tuple(item.split("=", 1)) for item in text.split(";") if item]


def parse_tolerance(text):
    """'exact' or 'rtol=..,atol=..' -> (exact, rtol, atol)."""
    if text == "exact":
        return True, 0.0, 0.0
    terms = dict(term.split("=", 1) for term in text.split(","))
    return False, float(terms.get("rtol", 0)), float(terms.get("atol", 0))


class Case:
    """One conversion and run: the model and options, the input arrays by
    name, the reference outputs by name and how to hold the outputs to them."""

    def __init__(self, name, model, convert_args, inputs, references, check):
        self.name = name
        self.model = model
        self.convert_args = convert_args
        self.inputs = inputs          # [(name, np.ndarray)]
        self.references = references  # {output name: np.ndarray}
        self.check = check            # (kind, parameters), see check_against_reference


def tf_cases(args, mode):
    data = os.path.join(args.shared_dir, "testdata", "tf")
    skip = {row[0] for row in read_tsv(os.path.join(args.source_dir, "tests", "e2e",
                                                    "tf_skip.tsv"), header=False)}
    bounds = [(row[0], row[1], float(row[2])) for row in read_tsv(
        os.path.join(args.source_dir, "tests", "e2e", "quantized_bounds.tsv"), header=False)
        if len(row) >= 3]
    cases = []
    for row in read_tsv(os.path.join(data, "cases.tsv")):
        name, model, inputs, outputs, tolerance = row[:5]
        if name in skip:
            continue
        exact, rtol, atol = parse_tolerance(tolerance)
        # As tf_cases_test.cc: input shapes from the input files, the inputs
        # and outputs named, float32 values, and for the full-integer modes the
        # case's own input as calibration data.
        convert = []
        arrays = []
        for input_name, path in parse_pairs(inputs):
            array = np.load(os.path.join(data, path)).astype(np.float32)
            arrays.append((input_name, array))
            convert += ["--input-shape", f"{input_name}=" + ",".join(map(str, array.shape))]
        convert += ["--inputs", ",".join(n for n, _ in arrays),
                    "--outputs", ",".join(n for n, _ in parse_pairs(outputs))]
        if mode != "float":
            convert += ["--quantize", mode]
        if mode in ("int8", "int16x8"):
            for input_name, path in parse_pairs(inputs):
                convert += ["--calibrate", f"{input_name}=" + os.path.join(data, path)]
        references = {n: np.load(os.path.join(data, p)) for n, p in parse_pairs(outputs)}
        if mode == "float":
            check = ("tolerance", (exact, rtol, atol))
        elif mode == "fp16":
            check = ("range", (0.03, atol))  # tf_cases_test.cc: Fp16WeightsWithinBound
        else:
            matching = [b for prefix, m, b in bounds if m == mode and name.startswith(prefix)]
            if not matching:
                raise SystemExit(f"{name}: no bound for --quantize {mode} in quantized_bounds.tsv")
            check = ("sqnr", matching[0])
        cases.append(Case(name, os.path.join(data, model), convert, arrays, references, check))
    return cases


def tflite_cases(args):
    data = os.path.join(args.shared_dir, "testdata", "tflite")
    pending = {row[0] for row in read_tsv(os.path.join(
        args.source_dir, "tests", "converter", "tflite", "pending_cases.tsv"), header=False)}
    cases = []
    for name, model, input_path, output_path, _, compare in (
            row[:6] for row in read_tsv(os.path.join(data, "cases.tsv"))):
        if name in pending:
            continue
        # models_test.cc: converted without options, input 0 and output 0.
        cases.append(Case(name, os.path.join(data, model), [],
                          [(0, np.load(os.path.join(data, input_path)))],
                          {0: np.load(os.path.join(data, output_path))},
                          ("tolerance", parse_tolerance(compare))))
    return cases


def digits_cases(args, mode):
    digits = os.path.join(args.source_dir, "examples", "digits")
    images = np.load(os.path.join(digits, "test_images.npy"))
    convert = ["--input-shape", "input=" + ",".join(map(str, images.shape)),
               "--outputs", "probabilities"]
    if mode == "int8":
        # A microcontroller's conversion: integer in and out (the firmware
        # example's); the float images are quantized as ember-run does.
        convert += ["--quantize", "int8", "--io", "int8", "--calibrate",
                    "input=" + os.path.join(digits, "calibration_images.npy")]
        # digits_quantized_test.cc: full int8 keeps the float accuracy within 1 point.
        check = ("accuracy", (np.load(os.path.join(digits, "test_labels.npy")), 1.0))
    else:
        # The tolerance of the shared tf cases with softmax outputs.
        check = ("tolerance", (False, 1e-4, 1e-5))
    return [Case(f"digits_{mode}", os.path.join(digits, "digits.pb"), convert,
                 [("input", images)],
                 {"probabilities": np.load(os.path.join(digits, "expected_probabilities.npy"))},
                 check)]


def sanitize(name):
    """ember-run's output file name for a tensor name."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def run(command, cwd, timeout=None):
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)
        return done.returncode, done.stdout, time.monotonic() - started
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout
        return None, output or "", time.monotonic() - started


class CaseFailure(Exception):
    pass


def emulator_command(firmware_dir, image, arguments):
    """The toolchain's QEMU command (emulator.txt) for `image`, with the
    semihosting command line `arguments`; its `timeout` prefix is dropped, the
    driver enforces its own limit."""
    with open(os.path.join(firmware_dir, "emulator.txt")) as f:
        command = [line for line in f.read().splitlines() if line]
    if not command:
        raise SystemExit("the cross build names no emulator "
                         "(toolchain without EMBER_ARM_QEMU_MACHINE)")
    if command[0] == "timeout":
        command = command[2:]
    config = command.index("-semihosting-config") + 1
    for argument in arguments:
        if " " in argument:
            raise SystemExit(f"'{argument}': the semihosting command line splits at spaces")
        # QEMU's option syntax: a comma inside a value is written twice.
        command[config] += ",arg=" + argument.replace(",", ",,")
    return command + [image]


def model_io(generator, flatc, schema, model_path):
    """[(name, dtype, shape, tensor)] of the model's inputs and of its outputs, in order."""
    model = generator.read_model(flatc, schema, model_path)
    graph = model["subgraphs"][0]

    def describe(index):
        tensor = graph["tensors"][index]
        return (tensor.get("name", ""), np.dtype(generator.DTYPES[tensor.get("type", "FLOAT32")]),
                tuple(tensor.get("shape") or []), tensor)
    return ([describe(i) for i in graph.get("inputs", [])],
            [describe(i) for i in graph.get("outputs", [])])


def input_array(generator, given, dtype, tensor):
    """The case's array as the model input's dtype, converted as ember-run
    converts a .npy (float values quantized for a quantized integer input)."""
    if given.dtype == dtype:
        return given
    if np.issubdtype(given.dtype, np.floating) and dtype in (np.int8, np.int16):
        quantized = generator.quantize_like_ember_run(given, tensor, dtype.type)
        if quantized is not None:
            return quantized
    if np.issubdtype(dtype, np.floating) or np.array_equal(given.astype(dtype), given):
        return given.astype(dtype)
    raise CaseFailure(f"input of dtype {given.dtype} does not fit the model's {dtype}")


def check_against_reference(check, got, reference):
    """'' or why `got` (the target's output) is not close enough to the reference."""
    kind, parameters = check
    if got.size != reference.size:
        return f"{got.size} values, the reference {reference.size}"
    got = got.reshape(-1)
    want = reference.reshape(-1)
    if kind == "tolerance":
        exact, rtol, atol = parameters
        if exact:
            if got.dtype != want.dtype or not np.array_equal(got, want):
                differing = np.flatnonzero(got != want)
                first = differing[0]
                return (f"{differing.size} values differ from the reference, first [{first}] "
                        f"= {got[first]}, reference {want[first]}")
            return ""
        error = np.abs(got.astype(np.float64) - want.astype(np.float64))
        allowed = atol + rtol * np.abs(want.astype(np.float64))
        if not np.all(error <= allowed):
            k = int(np.argmax(error - allowed))
            return f"[{k}] = {got[k]}, reference {want[k]} (beyond atol {atol} + rtol {rtol})"
        return ""
    if kind == "range":
        fraction, atol = parameters
        value_range = float(np.max(np.abs(want)))
        worst = float(np.max(np.abs(got.astype(np.float64) - want)))
        if not worst <= fraction * value_range + atol:
            return f"max |error| {worst:.3g} > {fraction} of the output range {value_range:.3g}"
        return ""
    if kind == "sqnr":
        noise = float(np.sum((got.astype(np.float64) - want) ** 2))
        signal = float(np.sum(want.astype(np.float64) ** 2))
        sqnr = math.inf if noise == 0 else 10 * math.log10(signal / noise)
        if not sqnr >= parameters:
            return f"SQNR {sqnr:.1f} dB < {parameters} dB against the reference"
        return ""
    raise SystemExit(f"unknown check {kind}")


def describe_reference_check(check, got, reference):
    kind, parameters = check
    if kind == "sqnr":
        want = reference.reshape(-1).astype(np.float64)
        noise = float(np.sum((got.reshape(-1).astype(np.float64) - want) ** 2))
        sqnr = math.inf if noise == 0 else 10 * math.log10(float(np.sum(want ** 2)) / noise)
        return f"SQNR {sqnr:.1f} dB >= {parameters}"
    if kind == "tolerance" and parameters[0]:
        return "equal to the reference"
    if kind == "range":
        return f"within {parameters[0]:.0%} of the range"
    return "within tolerance of the reference"


def is_quantized_model(convert_args, io_tensors):
    """A full-integer model: converted with --quantize int8 or int16x8, or
    taking or giving integer tensors (the tflite int8 models). Its outputs
    must be bit-identical on every target, float outputs (dequantized)
    included."""
    if "--quantize" in convert_args:
        return convert_args[convert_args.index("--quantize") + 1] in ("int8", "int16x8")
    return any(tensor.get("type") in ("INT8", "INT16") for _, _, _, tensor in io_tensors)


def run_case(case, args, generator, work_root):
    work = os.path.join(work_root, sanitize(case.name))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "host"))
    convert = [args.ember_convert, case.model, "-o", "model.ember"] + case.convert_args
    status, output, _ = run(convert, work)
    if status != 0:
        raise CaseFailure(f"ember-convert failed:\n{output}")
    inputs, outputs = model_io(generator, args.flatc, args.schema,
                               os.path.join(work, "model.ember"))
    quantized_model = is_quantized_model(case.convert_args, inputs + outputs)

    # The same bytes for both: .npy for ember-run, raw for the runner.
    if len(case.inputs) != len(inputs):
        raise CaseFailure(f"{len(case.inputs)} inputs given, the model has {len(inputs)}")
    by_name = {name: array for name, array in case.inputs}
    host_command = [args.ember_run, "model.ember", "--output-dir", "host"]
    runner_arguments = ["ember-model-runner", "model.ember", "target_output_"]
    for index, (name, dtype, shape, tensor) in enumerate(inputs):
        given = by_name.get(name, by_name.get(index))
        if given is None:
            raise CaseFailure(f"no input for the model's input '{name}'")
        array = input_array(generator, given, dtype, tensor)
        if int(np.prod(shape, dtype=np.int64)) != array.size:
            raise CaseFailure(f"input '{name}' holds {array.size} values, "
                              f"the model's {list(shape)}")
        np.save(os.path.join(work, f"input{index}.npy"), array)
        array.astype(array.dtype.newbyteorder("<")).tofile(os.path.join(work, f"input{index}.bin"))
        host_command += ["--input", f"{index}=input{index}.npy"]
        runner_arguments.append(f"input{index}.bin")

    status, host_output, _ = run(host_command, work)
    if status != 0:
        raise CaseFailure(f"host ember-run failed:\n{host_output}")
    command = emulator_command(args.firmware_dir, args.runner, runner_arguments)
    status, target_output, seconds = run(command, work, timeout=args.timeout)
    if status is None:
        raise CaseFailure(f"QEMU did not finish in {args.timeout} s:\n{target_output}")
    if status != 0 or "model_runner: ok" not in target_output:
        raise CaseFailure(f"the image exited with status {status}:\n{target_output}")
    arena = re.search(r"arena: (\d+) bytes used of \d+, planned (\d+), (.*)", target_output)
    if not arena or arena.group(1) != arena.group(2) or arena.group(3) != "the file's plan":
        raise CaseFailure("the target did not use the converter's plan as planned:\n" +
                          target_output)

    notes = []
    failures = []
    float_differences = []
    for index, (name, dtype, shape, _) in enumerate(outputs):
        host = np.load(os.path.join(work, "host", sanitize(name) + ".npy"))
        target_path = os.path.join(work, f"target_output_{index}.bin")
        target = np.fromfile(target_path, dtype=dtype.newbyteorder("<")).astype(dtype)
        if host.dtype != dtype or host.size != target.size:
            failures.append(f"{name}: target {target.size} {dtype}, host {host.size} {host.dtype}")
            continue
        identical = host.tobytes() == target.tobytes()
        if np.issubdtype(dtype, np.floating):
            difference = float(np.max(np.abs(target.astype(np.float64) - host.reshape(-1))))
            float_differences.append(difference)
        if not identical and (quantized_model or not np.issubdtype(dtype, np.floating)):
            differing = np.flatnonzero(target != host.reshape(-1))
            first = int(differing[0]) if differing.size else 0
            failures.append(f"{name}: {differing.size} values differ from the host's "
                            f"(must be bit-identical), first [{first}] = {target[first]}, "
                            f"host {host.reshape(-1)[first]}")
        reference = case.references.get(name, case.references.get(index))
        if reference is None:
            continue
        if case.check[0] == "accuracy":
            labels, allowed_loss = case.check[1]
            reference_accuracy = 100.0 * np.mean(reference.argmax(axis=1) == labels)
            accuracy = 100.0 * np.mean(target.reshape(reference.shape).argmax(axis=1) == labels)
            if accuracy < reference_accuracy - allowed_loss:
                failures.append(f"{name}: accuracy {accuracy:.2f}% < the reference's "
                                f"{reference_accuracy:.2f}% - {allowed_loss}")
            notes.append(f"accuracy {accuracy:.2f}% (reference {reference_accuracy:.2f}%)")
            continue
        why = check_against_reference(case.check, target, reference)
        if why:
            failures.append(f"{name}: {why}")
        else:
            notes.append(describe_reference_check(case.check, target, reference))
    if failures:
        raise CaseFailure("; ".join(failures))
    summary = ("bit-identical to the host" if not float_differences or max(float_differences) == 0
               else f"max |target - host| {max(float_differences):.3g}")
    return (f"{len(outputs)} output(s) {summary}; {'; '.join(sorted(set(notes)))}; "
            f"QEMU {seconds:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firmware-dir", required=True,
                        help="the cross build's examples/firmware (image and emulator.txt)")
    parser.add_argument("--runner", default="ember-model-runner.elf")
    parser.add_argument("--ember-convert", required=True, help="the host build's ember-convert")
    parser.add_argument("--ember-run", required=True, help="the host build's ember-run")
    parser.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(HERE)))
    parser.add_argument("--shared-dir", required=True)
    parser.add_argument("--flatc", default=shutil.which("flatc") or "flatc")
    parser.add_argument("--suite", required=True, choices=["tf", "tflite", "digits"])
    parser.add_argument("--mode", default="float",
                        choices=["float", "fp16", "int8-weights", "int8", "int16x8"])
    parser.add_argument("--case", default="", help="only cases whose name matches this regex")
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per QEMU run")
    args = parser.parse_args()
    # Every command runs in the case's work directory.
    for name in ("firmware_dir", "ember_convert", "ember_run", "source_dir", "shared_dir"):
        setattr(args, name, os.path.abspath(getattr(args, name)))
    args.schema = os.path.join(args.source_dir, "schema", "ember.fbs")
    args.runner = os.path.join(args.firmware_dir, args.runner)
    generator = load_generator(args.source_dir)

    if args.suite == "tf":
        cases = tf_cases(args, args.mode)
    elif args.suite == "tflite":
        cases = tflite_cases(args)
    else:
        if args.mode not in ("float", "int8"):
            raise SystemExit("the digits suite runs --mode float or int8")
        cases = digits_cases(args, args.mode)
    cases = [c for c in cases if re.search(args.case, c.name)]
    if not cases:
        raise SystemExit("no case selected")

    work_root = os.path.abspath(args.work_dir)
    os.makedirs(work_root, exist_ok=True)
    label = args.suite + ("" if args.suite == "tflite" else f" {args.mode}")
    failed = 0
    started = time.monotonic()
    for case in cases:
        try:
            result = "PASS " + run_case(case, args, generator, work_root)
        except CaseFailure as failure:
            failed += 1
            result = f"FAIL {failure}"
        print(f"{label} {case.name}: {result}", flush=True)
    print(f"{label}: {len(cases) - failed} of {len(cases)} cases passed in "
          f"{time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
