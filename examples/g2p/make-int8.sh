#!/usr/bin/env bash
# Builds the int8 g2p model from the frozen graph, calibrated on the decoder
# inputs the float model sees for the words of WORDS.txt (one word per line):
# the float model runs every word through the decode loop (ember-g2p
# --record-calibration) and ember-convert calibrates on all those feeds.
#
#   examples/g2p/make-int8.sh FROZEN.pb OUT.ember WORDS.txt
#
# Uses ember-convert and ember-g2p of EMBER_BUILD_DIR (default: build/ in the
# repository holding this script). The model is planned for batches of up to
# 20 words, like the original predict().
#
# The weights are int8 (per output channel, per block of a concatenated
# input) and the activations int16: `--quantize int16x8`, TensorFlow Lite's
# 16x8 scheme, integer kernels throughout. With 8-bit activations as well
# (EMBER_G2P_QUANTIZE=int8) the GRU gates' pre-activations and the attention
# round too coarsely: the greedy decode then departs from the float model on
# 8% of held-out words, against 0.5% here (bench/RESULTS.md).
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: make-int8.sh FROZEN.pb OUT.ember WORDS.txt" >&2
  exit 2
fi
frozen=$1 out=$2 words=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${EMBER_BUILD_DIR:-$repo/build}
convert=$build/tools/ember-convert
g2p=$build/examples/g2p/ember-g2p
for tool in "$convert" "$g2p"; do
  [ -x "$tool" ] || { echo "make-int8.sh: $tool not built (set EMBER_BUILD_DIR)" >&2; exit 1; }
done
shapes=(--input-shape grapheme=20,20 --input-shape phoneme=20,20)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$convert" "$frozen" -o "$tmp/float.ember" "${shapes[@]}" >"$tmp/convert.log" 2>&1 ||
  { cat "$tmp/convert.log" >&2; exit 1; }
"$g2p" "$tmp/float.ember" --words-file "$words" --record-calibration "$tmp/calibration" >/dev/null
"$convert" "$frozen" -o "$out" "${shapes[@]}" --quantize "${EMBER_G2P_QUANTIZE:-int16x8}" \
  --calibrate grapheme="$tmp/calibration/grapheme.npy" \
  --calibrate phoneme="$tmp/calibration/phoneme.npy"
