#!/usr/bin/env bash
# The demo: installs dependencies, builds Ember, converts the bundled digits
# CNN (a TensorFlow frozen graph made by tools/make-digits-model.py), runs it
# on the 360 held-out digits and prints accuracy, latency, model size and the
# arena it needs. Usage: tools/demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tools/setup-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target ember-convert ember-run >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
example=examples/digits
echo "== ember-convert $example/digits.pb"
"$build/tools/ember-convert" "$example/digits.pb" -o "$out/digits.ember" \
  --input-shape input=360,8,8,1 --outputs probabilities
echo
echo "== ember-run on $(basename "$example")/test_images.npy (360 held-out digits)"
"$build/tools/ember-run" "$out/digits.ember" --input input="$example/test_images.npy" \
  --output-dir "$out" --repeat 20
mkdir -p "$out/float" "$out/int8"
mv "$out/probabilities.npy" "$out/float/"
echo
echo "== ember-convert --quantize int8, calibrated on 360 training images"
"$build/tools/ember-convert" "$example/digits.pb" -o "$out/digits_int8.ember" \
  --input-shape input=360,8,8,1 --outputs probabilities \
  --quantize int8 --calibrate input="$example/calibration_images.npy"
echo
echo "== ember-run int8 model"
"$build/tools/ember-run" "$out/digits_int8.ember" --input input="$example/test_images.npy" \
  --output-dir "$out/int8" --repeat 20
echo
/usr/bin/python3 - "$out" "$example" <<'PY'
import os, sys
import numpy as np
out, example = sys.argv[1], sys.argv[2]
labels = np.load(os.path.join(example, "test_labels.npy"))
reference = np.load(os.path.join(example, "expected_probabilities.npy"))
accuracies = {}
for mode, model in (("float", "digits.ember"), ("int8", "digits_int8.ember")):
    got = np.load(os.path.join(out, mode, "probabilities.npy"))
    correct = int((got.argmax(axis=1) == labels).sum())
    accuracies[mode] = 100.0 * correct / len(labels)
    print(f"{mode:5s}: accuracy on held-out digits {accuracies[mode]:.2f}% ({correct}/{len(labels)}), "
          f"max |ember - tensorflow reference| {np.abs(got - reference).max():.2e}, "
          f"model file {os.path.getsize(os.path.join(out, model))} bytes")
print(f"int8 loses {accuracies['float'] - accuracies['int8']:.2f} percentage points "
      f"(frozen graph: {os.path.getsize(os.path.join(example, 'digits.pb'))} bytes)")
PY
