#!/usr/bin/env bash
# Installs Ember's build and test dependencies from Debian packages (Debian 12).
# Installs only what is missing, so it is cheap to run again.
#
#   tools/setup-deps.sh           host build and tests
#   tools/setup-deps.sh --cross   also the cross toolchains of toolchains/
#                                 (bare-metal ARM, aarch64 and riscv64 Linux)
#                                 and QEMU to run their code;
#                                 EMBER_SETUP_CROSS=1 does the same
set -euo pipefail

cross=${EMBER_SETUP_CROSS:-0}
for arg in "$@"; do
  case "$arg" in
    --cross) cross=1 ;;
    *) echo "usage: tools/setup-deps.sh [--cross]" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config
  libflatbuffers-dev flatbuffers-compiler
  libeigen3-dev libgemmlowp-dev
  libprotobuf-dev protobuf-compiler
  libgtest-dev libbenchmark-dev
  python3-numpy python3-sklearn python3-protobuf
  libonnx-dev libonnx-testdata
)
# Cross builds: GCC, newlib (-nano) and libstdc++ for arm-none-eabi, with
# qemu-system-arm to run Cortex-M images (tests/firmware); GCC for aarch64 and
# riscv64 Linux, with qemu-user to run their test binaries (tests/cross).
if [ "$cross" = 1 ]; then
  packages+=(gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
             qemu-system-arm g++-aarch64-linux-gnu g++-riscv64-linux-gnu qemu-user)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done"
