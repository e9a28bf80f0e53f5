# Cortex-M7 with double-precision FPU (ARMv7E-M), e.g. STM32F7/H7, i.MX RT.
#   cmake -S . -B build-m7 -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m7.cmake \
#     -DEMBER_RUNTIME_ONLY=ON && cmake --build build-m7
set(EMBER_ARM_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
# QEMU's mps2-an500 is a Cortex-M7 board with the other MPS2 boards' memory map.
set(EMBER_ARM_QEMU_MACHINE mps2-an500)
set(EMBER_ARM_FLASH_ORIGIN 0x00000000)
set(EMBER_ARM_FLASH_LENGTH 4M)
set(EMBER_ARM_RAM_ORIGIN 0x20000000)
set(EMBER_ARM_RAM_LENGTH 4M)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
