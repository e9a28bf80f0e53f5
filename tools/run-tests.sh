#!/usr/bin/env bash
# The test command: installs dependencies (the Cortex-M cross toolchain and
# QEMU included, for the integer-only proof and the firmware tests), builds
# everything (Release) and runs every test with ctest.
# Usage: tools/run-tests.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tools/setup-deps.sh --cross
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
