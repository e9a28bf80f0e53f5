# Shared part of the bare-metal Cortex-M toolchain files (cortex-m0plus.cmake,
# cortex-m4f.cmake, cortex-m7.cmake, cortex-m33.cmake): Debian's arm-none-eabi
# GCC with newlib-nano (packages gcc-arm-none-eabi libnewlib-arm-none-eabi
# libstdc++-arm-none-eabi-newlib; `tools/setup-deps.sh --cross`).
#
# The including file sets, before include():
#   EMBER_ARM_CPU_FLAGS      -mcpu/-mthumb/-mfloat-abi/-mfpu for the core
#   EMBER_ARM_QEMU_MACHINE   qemu-system-arm machine that runs this core's code
#                            (optional), EMBER_ARM_QEMU_ARGS more options for it
#   EMBER_ARM_FLASH_ORIGIN/_LENGTH, EMBER_ARM_RAM_ORIGIN/_LENGTH
#                            the memory map of that machine, for firmware linker
#                            scripts (examples/firmware/cortex-m.ld.in)
#
# Runtime only: cmake -S . -B build-m0plus -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m0plus.cmake \
#                 -DEMBER_RUNTIME_ONLY=ON && cmake --build build-m0plus
# Host headers (flatbuffers, gemmlowp) reach the target build through a
# build-tree folder of symlinks, never through /usr/include (cmake/EmberDeps.cmake).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(EMBER_ARM_TRIPLE arm-none-eabi CACHE STRING "Prefix of the bare-metal ARM GCC tools")
set(CMAKE_C_COMPILER ${EMBER_ARM_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${EMBER_ARM_TRIPLE}-g++)
set(CMAKE_ASM_COMPILER ${EMBER_ARM_TRIPLE}-gcc)
set(CMAKE_AR ${EMBER_ARM_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${EMBER_ARM_TRIPLE}-ranlib CACHE FILEPATH "")
set(CMAKE_OBJDUMP ${EMBER_ARM_TRIPLE}-objdump CACHE FILEPATH "")
set(CMAKE_OBJCOPY ${EMBER_ARM_TRIPLE}-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${EMBER_ARM_TRIPLE}-size CACHE FILEPATH "")

# No OS to link a test program against: probe compilers with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# newlib-nano (small printf without float formatting, small malloc); the
# firmware adds --specs=rdimon.specs (semihosting) or nosys.specs when it links.
set(EMBER_ARM_LIBC_SPECS "--specs=nano.specs" CACHE STRING
    "GCC specs for the C library (empty for full newlib)")

# Compiler flags for the target go here or in EMBER_ARM_EXTRA_FLAGS: a
# -DCMAKE_CXX_FLAGS=... on the command line replaces these initial flags,
# CPU selection included (the code would then be built for the default ARM
# state, which a Cortex-M cannot run).
set(EMBER_ARM_EXTRA_FLAGS "" CACHE STRING "More C/C++ compiler flags for the target")
set(_ember_arm_common "${EMBER_ARM_CPU_FLAGS} ${EMBER_ARM_LIBC_SPECS}")
string(APPEND _ember_arm_common " -ffunction-sections -fdata-sections ${EMBER_ARM_EXTRA_FLAGS}")
set(CMAKE_C_FLAGS_INIT "${_ember_arm_common}")
set(CMAKE_CXX_FLAGS_INIT "${_ember_arm_common}")
set(CMAKE_ASM_FLAGS_INIT "${EMBER_ARM_CPU_FLAGS}")
# GCC links with the compile flags too (CPU and specs; naming a specs file
# twice is an error), so the linker adds only what is for linking.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
unset(_ember_arm_common)

# Target libraries and headers come from the toolchain's own sysroot; programs
# (flatc, python) from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/lib/${EMBER_ARM_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Images run under QEMU with semihosting (exit status honoured); plain
# add_test() on an executable then runs it there. A hang ends after 60 s (124).
if(EMBER_ARM_QEMU_MACHINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR
      timeout 60 qemu-system-arm -M ${EMBER_ARM_QEMU_MACHINE} ${EMBER_ARM_QEMU_ARGS}
      -nographic -monitor none -serial none -semihosting-config enable=on,target=native -kernel)
endif()
