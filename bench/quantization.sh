#!/usr/bin/env bash
# Size, arena and accuracy of every quantization mode on the bundled digits
# model and the TF cases with weights, printed as the markdown table recorded
# in bench/RESULTS.md. Full-integer modes calibrate on the case's own input
# (digits: on examples/digits/calibration_images.npy, training images).
# Usage: bench/quantization.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shared=../shared/testdata/tf
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
convert=$build/tools/ember-convert run=$build/tools/ember-run

# name | model | convert flags | input NAME=FILE | output name | reference .npy | labels
cases=(
  "digits|examples/digits/digits.pb|--input-shape input=360,8,8,1 --outputs probabilities|input=examples/digits/test_images.npy|probabilities|examples/digits/expected_probabilities.npy|examples/digits/test_labels.npy|input=examples/digits/calibration_images.npy"
  "arm_mobilenet_025_128|$shared/models/arm_mobilenet_025_128.pb||input_1=$shared/inputs/arm_mobilenet_025_128.0.input_1.npy|output_0|$shared/outputs/arm_mobilenet_025_128.0/output_0.npy||"
  "kws_cnn_s|$shared/models/kws_cnn_s.pb|--inputs Mfcc --outputs labels_softmax|Mfcc=$shared/inputs/kws_cnn_s.0.Mfcc.npy|labels_softmax|$shared/outputs/kws_cnn_s.0/labels_softmax.npy||"
  "kws_dnn_s|$shared/models/kws_dnn_s.pb|--inputs Mfcc --outputs labels_softmax|Mfcc=$shared/inputs/kws_dnn_s.0.Mfcc.npy|labels_softmax|$shared/outputs/kws_dnn_s.0/labels_softmax.npy||"
)
echo "| model | mode | file bytes | / float32 | arena bytes | output SQNR dB | max abs error | accuracy |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for entry in "${cases[@]}"; do
  IFS='|' read -r name model flags input output reference labels calibration <<<"$entry"
  [ -n "$calibration" ] || calibration=$input
  float_bytes=
  for mode in float fp16 int8-weights int8 int16x8; do
    args=()
    [ "$mode" = float ] || args+=(--quantize "$mode")
    case $mode in int8|int16x8) args+=(--calibrate "$calibration") ;; esac
    # shellcheck disable=SC2086
    "$convert" "$model" -o "$tmp/m.ember" $flags "${args[@]}" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
    bytes=$(stat -c %s "$tmp/m.ember")
    [ -n "$float_bytes" ] || float_bytes=$bytes
    arena=$(sed -n 's/^planned arena: \([0-9]*\) bytes/\1/p' "$tmp/log")
    mkdir -p "$tmp/out"; rm -f "$tmp/out"/*
    "$run" "$tmp/m.ember" --input "$input" --output-dir "$tmp/out" >/dev/null
    /usr/bin/python3 - "$tmp/out/$output.npy" "$reference" "$labels" "$name" "$mode" "$bytes" \
      "$float_bytes" "$arena" <<'PY'
import sys
import numpy as np
got_path, ref_path, labels_path, name, mode, size, float_size, arena = sys.argv[1:]
got = np.load(got_path).astype(np.float64)
ref = np.load(ref_path).astype(np.float64).reshape(got.shape)
noise = ((got - ref) ** 2).sum()
sqnr = "inf" if noise == 0 else f"{10 * np.log10((ref ** 2).sum() / noise):.1f}"
accuracy = ""
if labels_path:
    labels = np.load(labels_path)
    accuracy = f"{100 * (got.argmax(axis=1) == labels).mean():.2f}%"
print(f"| {name} | {mode} | {int(size):,} | {int(size) / int(float_size):.3f} | {int(arena):,} | "
      f"{sqnr} | {np.abs(got - ref).max():.3g} | {accuracy} |")
PY
  done
done
