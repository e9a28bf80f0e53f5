#!/usr/bin/env bash
# The int8 kernels benchmark (bench/INT8_KERNELS.md): instructions per
# Invoke() of Ember's int8 models against the float32 versions of the same
# models and against TensorFlow Lite Micro's reference kernels, on the digits
# demo model and the MLPerf Tiny models of ../shared/testdata/tflite.
#
#   bench/int8_kernels.sh [BUILD_DIR] [--cortex-m]
#
# x86-64 (always): callgrind instruction counts (stable on a shared machine),
# Ember's counted inside ember::Interpreter::Invoke() (--toggle-collect),
# TFLM's (stripped binary) as (run with --repeat 11 - run with --repeat 1) / 10;
# then wall-clock medians of Invoke() (ember-run --repeat, tflm_golden
# --repeat), indicative only.
#
# --cortex-m: also instruction counts of Cortex-M4F (QEMU mps2-an386) and
# Cortex-M0 (QEMU microbit, for the M0+) images: Ember's examples/firmware
# (cross-built here, fast paths on and off) and, on the M4F,
# ../shared/peers/tflm/tflm_m4_*.elf, all counted from the entry of Invoke()
# to its return with a small TCG plugin built here (needs arm-none-eabi-gcc,
# qemu-system-arm and gcc). The cross builds stay in BUILD_DIR/int8-bench-*.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
cortex_m=0
for arg in "$@"; do
  case "$arg" in
    --cortex-m) cortex_m=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) build=$arg ;;
  esac
done
shared=${EMBER_SHARED_DIR:-$(cd .. && pwd)/shared}
tflite=$shared/testdata/tflite
tflm=$shared/peers/tflm
digits=examples/digits
command -v valgrind >/dev/null || { echo "int8_kernels.sh: needs valgrind" >&2; exit 1; }
cmake --build "$build" --target ember-convert ember-run >/dev/null
convert=$(realpath "$build/tools/ember-convert")
run=$(realpath "$build/tools/ember-run")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# name | model source | ember-convert options | input 0 (.npy) | TFLM's .tflite (or -)
cases=(
  "digits_f32|$digits/digits.pb|--input-shape input=360,8,8,1 --outputs probabilities|$digits/test_images.npy|-"
  "digits_int8|$digits/digits.pb|--input-shape input=360,8,8,1 --outputs probabilities --quantize int8 --calibrate input=$digits/calibration_images.npy|$digits/test_images.npy|-"
  "kws_f32|$tflite/models/kws_hybrid_dequantized_fp32.tflite||$tflite/inputs/kws_float_rng1.npy|$tflite/models/kws_hybrid_dequantized_fp32.tflite"
  "kws_int8|$tflite/models/kws_ref_model.tflite||$tflite/inputs/kws_int8_rng1.npy|$tflite/models/kws_ref_model.tflite"
  "ad_f32|$tflite/models/ad01_fp32.tflite||$tflite/inputs/ad_float_rng1.npy|$tflite/models/ad01_fp32.tflite"
  "ad_int8|$tflite/models/ad01_int8.tflite||$tflite/inputs/ad_int8_rng1.npy|$tflite/models/ad01_int8.tflite"
)

# callgrind's instruction total of a command (its own stderr goes to the log).
instructions() {
  local log=$out/callgrind.log
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$@" >"$log" 2>&1 ||
    { cat "$log" >&2; return 1; }
  sed -n 's/.*Collected : *\([0-9]*\).*/\1/p; s/.*I *refs: *\([0-9,]*\).*/\1/p' "$log" | tr -d , | tail -1
}

# Thousands separators.
group() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }

echo "== x86-64, instructions per Invoke() (callgrind)"
printf "%-12s %15s %15s %12s %12s\n" model ember tflm_reference ember_ms tflm_ms
for entry in "${cases[@]}"; do
  IFS='|' read -r name source options input tflm_model <<<"$entry"
  # shellcheck disable=SC2086
  "$convert" "$source" -o "$out/$name.ember" $options >/dev/null
  mkdir -p "$out/$name"
  ember=$(instructions --toggle-collect='ember::Interpreter::Invoke()' \
    "$run" "$out/$name.ember" --input 0="$input" --output-dir "$out/$name")
  ember_ms=$("$run" "$out/$name.ember" --input 0="$input" --output-dir "$out/$name" --repeat 50 |
    sed -n 's/latency: median \([0-9.]*\) ms.*/\1/p')
  tflm_count=-
  tflm_ms=-
  if [[ "$tflm_model" != - && -x "$tflm/tflm_golden" ]]; then
    one=$(instructions "$tflm/tflm_golden" "$tflm_model" "$input" "$out/tflm.npy" --repeat 1)
    eleven=$(instructions "$tflm/tflm_golden" "$tflm_model" "$input" "$out/tflm.npy" --repeat 11)
    tflm_count=$(group $(((eleven - one) / 10)))
    tflm_us=$("$tflm/tflm_golden" "$tflm_model" "$input" "$out/tflm.npy" --repeat 50 2>&1 |
      sed -n 's/.*median_invoke_us=\([0-9.]*\).*/\1/p')
    tflm_ms=$(awk -v us="$tflm_us" 'BEGIN { printf "%.3f", us / 1000 }')
    # The int8 outputs must be TFLM's bit for bit.
    if [[ "$name" == *int8 ]] && ! cmp -s "$out/tflm.npy" "$out/$name/"*.npy; then
      echo "int8_kernels.sh: $name: Ember's output differs from TFLM's" >&2
      exit 1
    fi
  fi
  printf "%-12s %15s %15s %12s %12s\n" "$name" "$(group "$ember")" "$tflm_count" "$ember_ms" \
    "$tflm_ms"
done

[[ $cortex_m == 1 ]] || exit 0

# A TCG plugin (QEMU 7.2, plugin API v1, as ../shared/tools/qemu-insncount):
# counts the instructions executed from the one at start= up to the next one
# at end= (a function's entry and its call's return address).
cat >"$out/window.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*udata_cb)(qemu_plugin_id_t, void*);
typedef void (*vcpu_udata_cb)(unsigned int, void*);
typedef void (*tb_trans_cb)(qemu_plugin_id_t, struct qemu_plugin_tb*);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn*, enum qemu_plugin_op,
                                                void*, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn*, vcpu_udata_cb,
                                            enum qemu_plugin_cb_flags, void*);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb*, size_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb*);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn*);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, udata_cb, void*);
void qemu_plugin_outs(const char*);
EXPORT int qemu_plugin_version = 1;
static uint64_t count, window, window_start, windows, start = ~0ull, end = ~0ull;
static int inside;
static void on_start(unsigned int vcpu, void* p) {
  if (!inside) { inside = 1; window_start = count; }
}
static void on_end(unsigned int vcpu, void* p) {
  if (inside) { inside = 0; window += count - window_start; ++windows; }
}
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t address = qemu_plugin_insn_vaddr(insn);
    if (address == start) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_start, 0, NULL);
    if (address == end) qemu_plugin_register_vcpu_insn_exec_cb(insn, on_end, 0, NULL);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
  }
}
static void at_exit(qemu_plugin_id_t id, void* p) {
  char line[128];
  snprintf(line, sizeof line, "insns: %llu\nwindow: %llu in %llu\n", (unsigned long long)count,
           (unsigned long long)window, (unsigned long long)windows);
  qemu_plugin_outs(line);
}
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                               char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "start=", 6) == 0) start = strtoull(argv[i] + 6, NULL, 0);
    if (strncmp(argv[i], "end=", 4) == 0) end = strtoull(argv[i] + 4, NULL, 0);
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
EOF
gcc -O2 -shared -fPIC -Wall "$out/window.c" -o "$out/libwindow.so"

# Instructions of one Invoke() of an image on QEMU machine MACHINE (with its
# options): from SYMBOL's entry to the instruction after its call; extra
# arguments go to the semihosting command line.
window_count() {
  local machine=$1 elf=$2 symbol=$3
  shift 3
  local start end semihosting="enable=on,target=native"
  start=$(arm-none-eabi-nm "$elf" | awk -v s="$symbol" '$3 == s { print "0x" $1 }')
  start=$(printf "0x%x" $((start & ~1)))
  end=$(arm-none-eabi-objdump -d "$elf" | grep -A1 -E "bl.*<$symbol>" | tail -1 |
    awk '{ sub(":", "", $1); print "0x" $1 }')
  for arg in "$@"; do semihosting+=",arg=$arg"; done
  # shellcheck disable=SC2086
  timeout 1200 qemu-system-arm $machine -nographic -monitor none -serial none \
    -semihosting-config "$semihosting" -plugin "$out/libwindow.so,start=$start,end=$end" \
    -d plugin -D "$out/qemu.log" -kernel "$elf" >"$out/qemu.out" 2>&1
  grep -q "in 1$" "$out/qemu.log" || { cat "$out/qemu.out" "$out/qemu.log" >&2; return 1; }
  sed -n 's/^window: \([0-9]*\) in 1$/\1/p' "$out/qemu.log"
}

# Ember's firmware image for a core and a model; variant fast, or ref
# (built with EMBER_INT8_FAST_PATHS=0).
firmware() {
  local core=$1 variant=$2 model=$3 input=$4 dir="$build/int8-bench-$1-$2" flags=""
  [[ $variant == ref ]] && flags="-DEMBER_INT8_FAST_PATHS=0"
  cmake -S . -B "$dir" --no-warn-unused-cli -DCMAKE_TOOLCHAIN_FILE="toolchains/cortex-$core.cmake" \
    -DEMBER_RUNTIME_ONLY=ON -DEMBER_CONVERT="$convert" \
    -DEMBER_FIRMWARE_MODEL="$(realpath "$model")" -DEMBER_FIRMWARE_INPUT="$(realpath "$input")" \
    "-DEMBER_ARM_EXTRA_FLAGS=$flags" >/dev/null
  cmake --build "$dir" -j 2 >"$out/firmware.log" 2>&1 || { tail -20 "$out/firmware.log" >&2; return 1; }
  echo "$dir/examples/firmware/ember-firmware.elf"
}

# .text + .rodata + .data of an image (the model's C array included).
flash_bytes() {
  arm-none-eabi-size -A "$1" |
    awk '$1 == ".text" || $1 == ".rodata" || $1 == ".data" { s += $2 } END { print s }'
}

ember_invoke=_ZN5ember11Interpreter6InvokeEv
tflm_invoke=_ZN6tflite16MicroInterpreter6InvokeEv
# toolchain | name | QEMU machine (QEMU has no M0+: its Cortex-M0 runs the same ARMv6-M code)
for core_entry in "m4f|Cortex-M4F|-M mps2-an386" \
  "m0plus|Cortex-M0+|-M microbit -global nrf51-soc.sram-size=65536"; do
  IFS='|' read -r core core_name machine <<<"$core_entry"
  echo
  echo "== $core_name (QEMU ${machine#-M }), instructions per Invoke()"
  printf "%-10s %14s %16s %15s %18s\n" model ember ember_reference tflm_reference "flash fast / ref"
  models=("kws_int8|kws_ref_model|kws_int8_rng1|tflm_m4_kws.elf")
  # The M0+ toolchain's 256 KB of flash do not hold AD's 266 KB of weights.
  # Float32 runs on the M4F's FPU: int8 against float on the same core.
  if [[ $core == m4f ]]; then
    models+=("ad_int8|ad01_int8|ad_int8_rng1|tflm_m4_ad.elf"
      "kws_f32|kws_hybrid_dequantized_fp32|kws_float_rng1|-")
  fi
  for entry in "${models[@]}"; do
    IFS='|' read -r name model input tflm_elf <<<"$entry"
    elf=$(firmware "$core" fast "$tflite/models/$model.tflite" "$tflite/inputs/$input.npy")
    fast=$(group "$(window_count "$machine" "$elf" $ember_invoke)")
    flash=$(flash_bytes "$elf")
    reference=-
    if [[ $name == *int8 ]]; then
      elf=$(firmware "$core" ref "$tflite/models/$model.tflite" "$tflite/inputs/$input.npy")
      reference=$(group "$(window_count "$machine" "$elf" $ember_invoke)")
      flash+=" / $(flash_bytes "$elf")"
    fi
    tflm_count=-
    if [[ $core == m4f && $tflm_elf != - ]]; then
      tflm_count=$(group "$(window_count "$machine" "$tflm/$tflm_elf" $tflm_invoke tflm 1)")
    fi
    printf "%-10s %14s %16s %15s %18s\n" "$name" "$fast" "$reference" "$tflm_count" "$flash"
  done
done
