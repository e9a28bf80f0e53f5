#!/usr/bin/python3
"""Runs a firmware image (examples/firmware) under QEMU and compares the output
bytes it prints with the host's ember-run on the same model and input, and
optionally with a golden output and the prediction it prints.

    run_firmware.py --firmware-dir BUILD/examples/firmware --ember-run HOST/tools/ember-run
                    [--golden OUT.npy] [--prediction-label LABEL]

With --prediction-label (the image built with EMBER_FIRMWARE_PREDICTION_LABEL),
the image's "predicted LABEL: K" must name the class the host's output scores
highest.

The QEMU command comes from the cross build (emulator.txt, the toolchain's
CMAKE_CROSSCOMPILING_EMULATOR); model, input and I/O names from its gen/.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np


def fail(message):
    print(f"run_firmware: FAIL: {message}")
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firmware-dir", required=True)
    parser.add_argument("--ember-run", required=True)
    parser.add_argument("--image", default="ember-firmware.elf")
    parser.add_argument("--golden", default="", help="expected output 0 (.npy)")
    parser.add_argument("--prediction-label", default="",
                        help="check the image's 'predicted LABEL: K' against the host")
    args = parser.parse_args()
    gen = os.path.join(args.firmware_dir, "gen")
    with open(os.path.join(args.firmware_dir, "emulator.txt")) as f:
        emulator = [line for line in f.read().splitlines() if line]
    if not emulator:
        fail("the cross build names no emulator (toolchain without EMBER_ARM_QEMU_MACHINE)")
    with open(os.path.join(gen, "model_io.json")) as f:
        io = json.load(f)

    command = emulator + [os.path.join(args.firmware_dir, args.image)]
    print("$ " + " ".join(command))
    # QEMU writes the semihosting console to its stderr.
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(run.stdout, end="")
    if run.returncode != 0 or "firmware: ok" not in run.stdout:
        fail(f"the image exited with status {run.returncode}")
    device = [int(v) for line in run.stdout.splitlines() if line.startswith("output bytes:")
              for v in line[len("output bytes:"):].split()]
    if not device:
        fail("the image printed no output bytes")

    with tempfile.TemporaryDirectory() as out:
        host_command = [args.ember_run, os.path.join(gen, "model.ember"), "--input",
                        f"{io['input']}=" + os.path.join(gen, "model_input.npy"),
                        "--output-dir", out]
        print("$ " + " ".join(host_command))
        host = subprocess.run(host_command, capture_output=True, text=True)
        print(host.stdout, end="")
        if host.returncode != 0:
            print(host.stderr, end="", file=sys.stderr)
            fail("ember-run failed")
        host_output = np.load(os.path.join(out, re.sub(r"[^A-Za-z0-9_.-]", "_", io["output"]) +
                                           ".npy"))
    if host_output.dtype == np.int8:
        expected = host_output.reshape(-1).astype(int).tolist()
    else:
        expected = np.frombuffer(host_output.tobytes(), np.uint8).astype(int).tolist()
    print(f"device: {device}\nhost:   {expected}")
    if device != expected:
        fail("the device's output differs from the host's")
    if args.golden:
        golden = np.load(args.golden).reshape(-1)
        if golden.dtype != host_output.dtype or golden.astype(int).tolist() != \
                host_output.reshape(-1).astype(int).tolist():
            fail(f"the output differs from {args.golden}: {golden.tolist()}")
        print(f"golden: equal to {os.path.basename(args.golden)}")
    if args.prediction_label:
        printed = re.findall(rf"^predicted {re.escape(args.prediction_label)}: (\d+) ", run.stdout,
                             re.MULTILINE)
        if len(printed) != 1:
            fail(f"the image printed no 'predicted {args.prediction_label}: K' line")
        # numpy's argmax, like the image, gives ties to the first class.
        host_prediction = int(np.argmax(host_output.reshape(-1)))
        print(f"prediction: device {printed[0]}, host {host_prediction}")
        if int(printed[0]) != host_prediction:
            fail(f"the device predicts {printed[0]}, the host {host_prediction}")
    print(f"run_firmware: OK: {len(device)} output bytes equal on device and host")


if __name__ == "__main__":
    main()
