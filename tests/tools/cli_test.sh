#!/usr/bin/env bash
# Checks the command-line contracts of ember-convert and ember-run: exit codes,
# messages, no output file after a failure, output naming, the C array.
# Usage: cli_test.sh EMBER_CONVERT EMBER_RUN SHARED_DIR SOURCE_DIR
set -u
convert=$1 run=$2 shared=$3 source=$4
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
digits=$source/examples/digits

# Unsupported ops: exit 2, every op type listed, no output file. The KWS
# graph uncut still has its audio front end (DecodeWav, AudioSpectrogram,
# Mfcc), which Ember does not run.
kws=$shared/testdata/tf/models/kws_dnn_s.pb
if [ -f "$kws" ]; then
  "$convert" "$kws" -o "$tmp/kws.ember" >"$tmp/out" 2>"$tmp/err"
  code=$?
  check "unsupported ops exit 2" test "$code" = 2
  check "unsupported ops listed" grep -q "AudioSpectrogram" "$tmp/err"
  check "unsupported ops: every type listed" grep -q "DecodeWav" "$tmp/err"
  check "unsupported ops: node names listed" grep -q "decoded_sample_data" "$tmp/err"
  check "unsupported ops: no output" test ! -e "$tmp/kws.ember"
fi

# A truncated GraphDef: a clear error, exit 1, no output file.
head -c 5000 "$digits/digits.pb" >"$tmp/truncated.pb"
"$convert" "$tmp/truncated.pb" -o "$tmp/t.ember" >"$tmp/out" 2>"$tmp/err"
code=$?
check "truncated .pb exit 1" test "$code" = 1
check "truncated .pb message" grep -qi "graphdef" "$tmp/err"
check "truncated .pb: no output" test ! -e "$tmp/t.ember"

# Conversion with a C array; report lines; default output names.
"$convert" "$digits/digits.pb" -o "$tmp/digits.ember" --input-shape input=360,8,8,1 \
  --outputs dense/BiasAdd,probabilities --c-array "$tmp/digits.h" >"$tmp/report" 2>&1
check "convert digits" test $? = 0
check "report: planned arena" grep -q "planned arena: [0-9]" "$tmp/report"
check "report: parameters" grep -q "parameters: 3818" "$tmp/report"
check "c array: aligned model" grep -q "^alignas(16) const unsigned char digits_model\[\] = {" "$tmp/digits.h"
check "c array: arena macro" grep -q "#define DIGITS_ARENA_BYTES [0-9]" "$tmp/digits.h"
check "c array: length" grep -q "digits_model_len = $(stat -c %s "$tmp/digits.ember")" "$tmp/digits.h"
# The header is firmware source: it compiles as C11 and as C++17, with the
# arena declared the documented way, and the array holds the .ember bytes.
cat >"$tmp/use_header.c" <<'EOF_C'
#include <stdint.h>
#include <stdio.h>
#include "digits.h"
alignas(16) static uint8_t arena[DIGITS_ARENA_BYTES];
int main(void) {
  fwrite(digits_model, 1, digits_model_len, stdout);
  return ((uintptr_t)digits_model % 16 != 0) + ((uintptr_t)arena % 16 != 0);
}
EOF_C
cc -std=c11 -Wall -Werror -I"$tmp" "$tmp/use_header.c" -o "$tmp/use_header_c"
check "c array: compiles as C11" test $? = 0
"$tmp/use_header_c" >"$tmp/from_c.ember"
check "c array: C11 bytes and alignment" cmp -s "$tmp/from_c.ember" "$tmp/digits.ember"
cp "$tmp/use_header.c" "$tmp/use_header.cc"
c++ -std=c++17 -Wall -Werror -I"$tmp" "$tmp/use_header.cc" -o "$tmp/use_header_cc"
check "c array: compiles as C++17" test $? = 0
"$tmp/use_header_cc" >"$tmp/from_cc.ember"
check "c array: C++ bytes and alignment" cmp -s "$tmp/from_cc.ember" "$tmp/digits.ember"
# --c-name absent: the name is the header's stem made an identifier.
"$convert" "$digits/digits.pb" -o "$tmp/d2.ember" --input-shape input=1,8,8,1 \
  --c-array "$tmp/9-kws model.h" >/dev/null 2>&1
check "c array: default name from stem" grep -q "const unsigned char m_9_kws_model_model\[\]" "$tmp/9-kws model.h"
check "c array: arena macro from stem" grep -q "#define M_9_KWS_MODEL_ARENA_BYTES [0-9]" "$tmp/9-kws model.h"
"$convert" "$digits/digits.pb" -o "$tmp/d3.ember" --input-shape input=1,8,8,1 \
  --c-array "$tmp/x.h" --c-name kws >/dev/null 2>&1
check "c array: --c-name" grep -q "const unsigned char kws_model\[\]" "$tmp/x.h"
check "c array: --c-name arena macro" grep -q "#define KWS_ARENA_BYTES [0-9]" "$tmp/x.h"

# ember-run: input by index, sanitized output names, median latency and arena.
mkdir -p "$tmp/out-dir"
"$run" "$tmp/digits.ember" --input "0=$digits/test_images.npy" --output-dir "$tmp/out-dir" --repeat 3 >"$tmp/run" 2>&1
check "run by index" test $? = 0
check "output name sanitized" test -f "$tmp/out-dir/dense_BiasAdd.npy"
check "second output written" test -f "$tmp/out-dir/probabilities.npy"
check "run prints latency" grep -q "latency: median" "$tmp/run"
check "run prints arena" grep -q "arena: [0-9]* bytes used" "$tmp/run"

# ember-run rejects a bad .npy with a message naming the file.
printf 'not a numpy file at all' >"$tmp/bad.npy"
"$run" "$tmp/digits.ember" --input "input=$tmp/bad.npy" >"$tmp/out" 2>"$tmp/err"
check "bad npy exit 1" test $? = 1
check "bad npy message names the file" grep -q "bad.npy" "$tmp/err"

# ember-run rejects a corrupt model cleanly.
head -c 1000 "$tmp/digits.ember" >"$tmp/short.ember"
"$run" "$tmp/short.ember" --input "0=$digits/test_images.npy" >"$tmp/out" 2>"$tmp/err"
check "corrupt model exit 1" test $? = 1
check "corrupt model message" grep -q "invalid model" "$tmp/err"

# Quantization flags: misuse gets a clear error and no file.
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --quantize int8 >"$tmp/out" 2>"$tmp/err"
check "int8 without calibration exit 1" test $? = 1
check "int8 without calibration message" grep -q "needs calibration data: --calibrate" "$tmp/err"
check "int8 without calibration: no output" test ! -e "$tmp/q.ember"
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --quantize fp16 --io int8 >"$tmp/out" 2>"$tmp/err"
check "--io int8 needs int8" grep -q -- "--io int8 needs --quantize int8" "$tmp/err"
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --quantize int8 \
  --calibrate "input=$digits/test_labels.npy" >"$tmp/out" 2>"$tmp/err"
check "calibration shape mismatch exit 1" test $? = 1
check "calibration shape mismatch names file and shapes" grep -q "test_labels.npy: calibration data of shape (360,) does not fit input 'input' of shape (360, 8, 8, 1)" "$tmp/err"
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --quantize int8 \
  --calibrate "nosuch=$digits/calibration_images.npy" >"$tmp/out" 2>"$tmp/err"
check "calibration for an unknown input" grep -q "no calibration data for input 'input'" "$tmp/err"
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --quantize int8 \
  --calibrate "$digits/calibration_images.npy" --calibration-method kl >"$tmp/out" 2>"$tmp/err"
check "unknown calibration method" grep -q "expected minmax, percentile or mse" "$tmp/err"

# int8 with integer I/O and the report: the table and int8 edges.
"$convert" "$digits/digits.pb" -o "$tmp/q.ember" --input-shape input=360,8,8,1 --outputs probabilities \
  --quantize int8 --calibrate "$digits/calibration_images.npy" --calibration-method mse --io int8 \
  --report >"$tmp/report" 2>&1
check "int8 --io int8 converts" test $? = 0
check "report: per-layer table" grep -q "per-layer SQNR" "$tmp/report"
check "report: end-to-end error" grep -q "^  probabilities .* 1$" "$tmp/report"
check "int8 model has no float edges" sh -c "! grep -q 'QUANTIZE' '$tmp/report'"
"$run" "$tmp/q.ember" --input "input=$digits/test_images.npy" --output-dir "$tmp" >"$tmp/run" 2>&1
check "run quantizes float data for an int8 input" grep -q "float values quantized to int8" "$tmp/run"
check "int8 output written as int8" grep -q "'probabilities': int8 (360, 10)" "$tmp/run"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
