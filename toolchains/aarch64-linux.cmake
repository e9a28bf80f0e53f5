# 64-bit ARM Linux (ARMv8-A, e.g. Raspberry Pi 3/4/5, Jetson), built with
# Debian's g++-aarch64-linux-gnu; tests run under qemu-aarch64 (qemu-user).
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux.cmake \
#     && cmake --build build-aarch64
# With -DEMBER_RUNTIME_TESTS=ON the build also holds the runtime's test suite,
# which `ctest --test-dir build-aarch64` runs under qemu-aarch64.
set(EMBER_LINUX_TRIPLE aarch64-linux-gnu)
set(EMBER_LINUX_PROCESSOR aarch64)
set(EMBER_LINUX_CPU_FLAGS "")
set(EMBER_LINUX_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu.cmake)
