#!/usr/bin/env bash
# The digits demo on a Cortex-M4F under QEMU (mps2-an386), in one command:
# cross-builds examples/firmware with the digits model (int8 in and out) and
# one held-out image of examples/digits compiled in, runs it, and prints the
# digit it predicts beside the image's true label.
#
#   examples/firmware/run_digits_demo.sh [HOST_BUILD_DIR [IMAGE_INDEX]]
#
# HOST_BUILD_DIR (default: build) holds the host's tools/ember-convert;
# IMAGE_INDEX (0..359, default 2) picks the image of test_images.npy.
# Needs arm-none-eabi-gcc and qemu-system-arm (tools/setup-deps.sh --cross).
set -euo pipefail
cd "$(dirname "$0")/../.."
host=${1:-build}
index=${2:-2}
convert="$PWD/$host/tools/ember-convert"
if [ ! -x "$convert" ]; then
  echo "run_digits_demo: no $convert; build the host tools first:" >&2
  echo "  cmake -S . -B $host -G Ninja && cmake --build $host --target ember-convert" >&2
  exit 1
fi
cross="$host/digits-demo-m4f"
digits="$PWD/examples/digits"
cmake -S . -B "$cross" -G Ninja -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m4f.cmake \
  -DCMAKE_BUILD_TYPE=Release -DEMBER_RUNTIME_ONLY=ON -DEMBER_CONVERT="$convert" \
  -DEMBER_FIRMWARE_MODEL="$digits/digits.pb" \
  -DEMBER_FIRMWARE_CONVERT_ARGS="--input-shape input=1,8,8,1 --outputs probabilities --quantize int8 --io int8 --calibrate input=$digits/calibration_images.npy" \
  -DEMBER_FIRMWARE_INPUT="$digits/test_images.npy" -DEMBER_FIRMWARE_INPUT_INDEX="$index" \
  -DEMBER_FIRMWARE_PREDICTION_LABEL=digit >/dev/null
cmake --build "$cross" --target ember-firmware -j 2 >/dev/null
mapfile -t emulator < "$cross/examples/firmware/emulator.txt"
"${emulator[@]}" "$cross/examples/firmware/ember-firmware.elf"
/usr/bin/python3 -c "import numpy as np, sys
print(f'true label of test image {sys.argv[2]}: {np.load(sys.argv[1])[int(sys.argv[2])]}')" \
  "$digits/test_labels.npy" "$index"
