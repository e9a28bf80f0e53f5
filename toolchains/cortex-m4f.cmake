# Cortex-M4 with single-precision FPU (ARMv7E-M, DSP), e.g. STM32F4, nRF52840.
#   cmake -S . -B build-m4f -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m4f.cmake \
#     -DEMBER_RUNTIME_ONLY=ON && cmake --build build-m4f
set(EMBER_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(EMBER_ARM_QEMU_MACHINE mps2-an386)
set(EMBER_ARM_FLASH_ORIGIN 0x00000000)
set(EMBER_ARM_FLASH_LENGTH 4M)
set(EMBER_ARM_RAM_ORIGIN 0x20000000)
set(EMBER_ARM_RAM_LENGTH 4M)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
