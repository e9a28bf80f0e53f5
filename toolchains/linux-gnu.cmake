# Shared part of the Linux cross toolchain files (aarch64-linux.cmake,
# riscv64-linux.cmake): Debian's cross GCC for one GNU triple, with that
# target's glibc and libstdc++ in /usr/<triple>, and qemu-user to run what it
# builds (packages g++-<triple> and qemu-user).
#
# The including file sets, before include():
#   EMBER_LINUX_TRIPLE     GNU triple of the cross tools, e.g. aarch64-linux-gnu
#   EMBER_LINUX_PROCESSOR  CMAKE_SYSTEM_PROCESSOR of the target
#   EMBER_LINUX_CPU_FLAGS  -march/-mabi for the target (may be empty)
#   EMBER_LINUX_QEMU       the qemu-user program that runs the target's binaries
#
# Runtime only (a cross build defaults to EMBER_RUNTIME_ONLY=ON):
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux.cmake
# Runtime and its test suite, run under qemu-user by ctest:
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=toolchains/aarch64-linux.cmake \
#     -DEMBER_RUNTIME_TESTS=ON && cmake --build build-aarch64 && ctest --test-dir build-aarch64

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${EMBER_LINUX_PROCESSOR})

set(CMAKE_C_COMPILER ${EMBER_LINUX_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${EMBER_LINUX_TRIPLE}-g++)
set(CMAKE_C_FLAGS_INIT "${EMBER_LINUX_CPU_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${EMBER_LINUX_CPU_FLAGS}")

# Target libraries and headers come from the target's sysroot; programs
# (flatc, python) from the build machine. The host's header-only dependencies
# (flatbuffers, gemmlowp) reach the target build through a build-tree folder
# of symlinks, never through /usr/include (cmake/EmberDeps.cmake).
set(CMAKE_FIND_ROOT_PATH /usr/${EMBER_LINUX_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run the target's programs through this; -L
# points QEMU's loader at the target's dynamic linker and shared libraries.
set(CMAKE_CROSSCOMPILING_EMULATOR ${EMBER_LINUX_QEMU} -L /usr/${EMBER_LINUX_TRIPLE})
