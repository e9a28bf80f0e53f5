# Cortex-M33 with single-precision FPU (ARMv8-M Mainline, DSP), e.g. nRF5340,
# STM32L5/U5. Built for the secure state (no TrustZone split).
#   cmake -S . -B build-m33 -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m33.cmake \
#     -DEMBER_RUNTIME_ONLY=ON && cmake --build build-m33
set(EMBER_ARM_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
set(EMBER_ARM_QEMU_MACHINE mps2-an505)
set(EMBER_ARM_FLASH_ORIGIN 0x10000000)
set(EMBER_ARM_FLASH_LENGTH 4M)
set(EMBER_ARM_RAM_ORIGIN 0x38000000)
set(EMBER_ARM_RAM_LENGTH 4M)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
