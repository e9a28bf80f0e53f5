#!/usr/bin/env bash
# The g2p benchmark of issue #8: the seven sentences of bench_words.txt (one
# line = one batch), each through the whole 20-call decode (no early stop:
# the TensorFlow times are for 20 calls), single thread; Ember float and int8
# (make-int8.sh: int8 weights, int16 activations; also the variant with 8-bit
# activations, less accurate: see examples/g2p/make-int8.sh) next to the blog's TensorFlow 1.13 times (timings.json, optimized_ms,
# measured on the author's CPU: a different machine) and TensorFlow.js
# (tfref's pure-JS cpu backend) run here on the same graph. Prints the
# markdown table recorded in bench/RESULTS.md, with the MACs per word of the
# protocol (bench/g2p_macs.py) and the GMAC/s reached against an estimated
# peak of this CPU, and the model file sizes.
#
# Usage: bench/g2p.sh [BUILD_DIR]     (needs ember-convert and ember-g2p built)
# Environment:
#   G2P_REPEATS       decodes per batch for Ember, median taken (default 20)
#   G2P_TFJS_REPEATS  the same for TF.js, whose decode takes seconds (default 3)
#   G2P_SKIP_TFJS=1   leave TF.js out
#   TFREF_DIR         a copy of ../shared/tools/tfref with node_modules
#                     (default BUILD_DIR/tfref, made with npm ci when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
data=../shared/testdata/g2p
graph=$data/g2p_optimized.pb
repeats=${G2P_REPEATS:-20}
tfjs_repeats=${G2P_TFJS_REPEATS:-3}
tfref=${TFREF_DIR:-$build/tfref}
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$tfref/node_modules/@tensorflow/tfjs" ]; then
  rm -rf "$tfref"
  cp -r ../shared/tools/tfref "$tfref"
  chmod -R u+w "$tfref"
  (cd "$tfref" && npm ci --silent >/dev/null)
fi

# Models. A mode whose conversion fails is left out of the table (n/a).
shapes=(--input-shape grapheme=20,20 --input-shape phoneme=20,20)
convert() {  # MODE OUT [FLAGS...]
  local mode=$1 out=$2
  shift 2
  if ! "$build/tools/ember-convert" "$graph" -o "$out" "${shapes[@]}" "$@" >"$tmp/$mode.log" 2>&1; then
    echo "g2p.sh: $mode conversion failed:" >&2
    tail -5 "$tmp/$mode.log" >&2
  fi
}
convert float "$tmp/float.ember"
convert fp16 "$tmp/fp16.ember" --quantize fp16
# int8 as the issue asks: calibrated on the first 200 words of words.tsv.
cut -f1 "$data/words.tsv" | head -200 >"$tmp/calibration_words.txt"
make_int8() {  # MODE QUANTIZE: make-int8.sh building with --quantize QUANTIZE
  local mode=$1
  [ -f "$tmp/float.ember" ] || return 0
  if ! EMBER_G2P_QUANTIZE=$2 EMBER_BUILD_DIR=$build examples/g2p/make-int8.sh "$graph" \
      "$tmp/$mode.ember" "$tmp/calibration_words.txt" >"$tmp/$mode.log" 2>&1; then
    echo "g2p.sh: $mode conversion failed:" >&2
    tail -5 "$tmp/$mode.log" >&2
  fi
}
make_int8 int8 int16x8
make_int8 int8a8 int8

# Ember: per batch, the median decode time and the phones (checked against
# bench_expected.tsv by the table script).
for mode in float int8 int8a8; do
  : >"$tmp/$mode.ms"
  : >"$tmp/$mode.cpu"
  : >"$tmp/$mode.phones"
  [ -f "$tmp/$mode.ember" ] || continue
  while read -r line; do
    [ -n "$line" ] || continue
    # shellcheck disable=SC2086  # one word per argument, as line.split()
    "$build/examples/g2p/ember-g2p" "$tmp/$mode.ember" --bench "$repeats" $line >>"$tmp/$mode.bench"
    sed -n '$s/.*median \([0-9.]*\) ms.*/\1/p' "$tmp/$mode.bench" >>"$tmp/$mode.ms"
    sed -n '$s/.*(CPU \([0-9.]*\) ms).*/\1/p' "$tmp/$mode.bench" >>"$tmp/$mode.cpu"
    # shellcheck disable=SC2086
    "$build/examples/g2p/ember-g2p" "$tmp/$mode.ember" $line >>"$tmp/$mode.phones"
  done <"$data/bench_words.txt"
done

: >"$tmp/tfjs.tsv"
if [ "${G2P_SKIP_TFJS:-0}" != 1 ]; then
  "$python" "$tfref/pb2tfjs.py" "$graph" "$tmp/tfjs_model" >/dev/null
  node bench/g2p_tfjs.mjs "$tfref" "$tmp/tfjs_model" "$data" "$tfjs_repeats" >"$tmp/tfjs.tsv"
fi
cut -f2 "$tmp/tfjs.tsv" >"$tmp/tfjs.ms"
cut -f3 "$tmp/tfjs.tsv" >"$tmp/tfjs.cpu"

"$python" bench/g2p_macs.py "$tfref" "$graph" "$data/bench_words.txt" >"$tmp/macs.tsv"

"$python" - "$tmp" "$data" "$graph" "$repeats" "$tfjs_repeats" <<'PY'
import json, os, re, sys
tmp, data, graph, repeats, tfjs_repeats = sys.argv[1:]

def column(name):
    with open(os.path.join(tmp, name)) as f:
        return [float(v) for v in f.read().split()]

lines = [l.lower().split() for l in open(os.path.join(data, "bench_words.txt")) if l.strip()]
tf = json.load(open(os.path.join(data, "timings.json")))["optimized_ms"]
macs = [int(l.split("\t")[1]) for l in open(os.path.join(tmp, "macs.tsv"))]
modes = ("float", "int8", "int8a8", "tfjs")
times = {mode: column(mode + ".ms") for mode in modes}
cpu_times = {mode: column(mode + ".cpu") for mode in modes}

# Peak: one core x clock x float32 lanes of one fused multiply-add per cycle.
cpuinfo = open("/proc/cpuinfo").read()
mhz = float(re.search(r"cpu MHz\s*:\s*([0-9.]+)", cpuinfo).group(1))
flags = set(re.search(r"flags\s*:(.*)", cpuinfo).group(1).split())
lanes, isa = (16, "AVX-512 FMA") if "avx512f" in flags else (8, "AVX2 FMA") if "fma" in flags else (4, "SSE")
model = re.search(r"model name\s*:\s*(.*)", cpuinfo).group(1).strip()
peak = mhz / 1000 * lanes

expected = {}
for l in open(os.path.join(data, "bench_expected.tsv")):
    _, word, phones = l.rstrip("\n").split("\t")
    expected.setdefault(word, phones)
def agreement(mode):
    path = os.path.join(tmp, mode + ".phones")
    got = [l.rstrip("\n").split(" \u2192 ") for l in open(path, encoding="utf-8")] if os.path.exists(path) else []
    return sum(1 for word, phones in got if expected.get(word) == phones), len(got)

def ms(mode, i):
    if i >= len(times[mode]):
        return "n/a"
    return "%.2f (%.2f)" % (times[mode][i], cpu_times[mode][i])
def ratio(num, den, i):
    if i >= len(num) or i >= len(den):
        return "n/a"
    r = num[i] / den[i]
    return ("%.0f×" if r >= 10 else "%.2g×") % r

print("| batch | words | TF 1.13 ms (author's CPU) | TF.js ms (this machine) | Ember float ms | Ember int8 ms "
      "| Ember int8, 8-bit act. ms | float vs TF | int8 vs TF | int8 8-bit act. vs TF | float vs TF.js "
      "| int8 vs TF.js | MMAC/word | float GMAC/s | % of peak |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
tf_ms = [tf[str(len(w))] for w in lines]
for i, words in enumerate(lines):
    gmacs = "n/a"
    percent = "n/a"
    if i < len(times["float"]):
        rate = len(words) * macs[i] / (times["float"][i] * 1e6)
        gmacs, percent = "%.2f" % rate, "%.0f%%" % (100 * rate / peak)
    print("| %d | %d | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s |" % (
        i + 1, len(words), tf_ms[i], ms("tfjs", i), ms("float", i), ms("int8", i), ms("int8a8", i),
        ratio(tf_ms, times["float"], i), ratio(tf_ms, times["int8"], i),
        ratio(tf_ms, times["int8a8"], i),
        ratio(times["tfjs"], times["float"], i), ratio(times["tfjs"], times["int8"], i),
        macs[i] / 1e6, gmacs, percent))
print()
print("Wall ms (CPU ms in brackets; speedups use wall time): medians of %s decodes per batch for "
      "Ember (`ember-g2p --bench`), %s for TF.js (each after one untimed decode); whole 20-call "
      "decode, one thread. TF 1.13: timings.json "
      "`optimized_ms`, the blog's measurement on the author's CPU, a different machine." % (repeats, tfjs_repeats))
print("MACs: bench/g2p_macs.py, the nominal work of the 20-call protocol as TensorFlow runs it; "
      "GMAC/s = words × MACs per word / Ember float time (an effective rate if Ember skips recomputation).")
print("Peak (an estimate): 1 core × %.3f GHz (/proc/cpuinfo, %s) × %d float32 lanes (%s, one FMA per "
      "cycle; a core with two FMA ports peaks at twice this) = %.1f GMAC/s." % (mhz / 1000, model, lanes, isa, peak))
for mode in ("float", "int8", "int8a8"):
    path = os.path.join(tmp, mode + ".bench")
    if os.path.exists(path):
        first = open(path).readline()
        rows = re.search(r"\((\d+) rows computed", first).group(1)
        print("Ember %s computed %s rows for the 1-word batch%s." % (
            mode, rows, " (padded to the model's batch: no dynamic batch)" if "padded" in first else ""))
for mode in ("float", "int8", "int8a8"):
    same, total = agreement(mode)
    if total:
        print("Ember %s phones equal to bench_expected.tsv: %d of %d words." % (mode, same, total))
sizes = {"frozen graph (.pb)": graph}
sizes.update({"Ember %s" % m: os.path.join(tmp, m + ".ember") for m in ("float", "fp16", "int8", "int8a8")})
print()
print("| model | bytes |")
print("|---|---:|")
for name, path in sizes.items():
    print("| %s | %s |" % (name, "{:,}".format(os.path.getsize(path)) if os.path.exists(path) else "n/a"))
PY
