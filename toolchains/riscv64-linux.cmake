# 64-bit RISC-V Linux (RV64GC, double-float ABI, e.g. VisionFive 2, Milk-V),
# built with Debian's g++-riscv64-linux-gnu; tests run under qemu-riscv64
# (qemu-user).
#   cmake -S . -B build-riscv64 -DCMAKE_TOOLCHAIN_FILE=toolchains/riscv64-linux.cmake \
#     && cmake --build build-riscv64
# With -DEMBER_RUNTIME_TESTS=ON the build also holds the runtime's test suite,
# which `ctest --test-dir build-riscv64` runs under qemu-riscv64.
set(EMBER_LINUX_TRIPLE riscv64-linux-gnu)
set(EMBER_LINUX_PROCESSOR riscv64)
set(EMBER_LINUX_CPU_FLAGS "-march=rv64gc -mabi=lp64d")
set(EMBER_LINUX_QEMU qemu-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu.cmake)
