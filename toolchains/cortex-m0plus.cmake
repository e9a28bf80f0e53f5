# Cortex-M0+ (ARMv6-M, no FPU: floating point is software, libgcc's), e.g.
# RP2040, STM32G0, SAMD21. Integer-only models are what this core is for.
#   cmake -S . -B build-m0plus -DCMAKE_TOOLCHAIN_FILE=toolchains/cortex-m0plus.cmake \
#     -DEMBER_RUNTIME_ONLY=ON && cmake --build build-m0plus
set(EMBER_ARM_CPU_FLAGS "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft")
# QEMU has no M0+ machine; its `microbit` (nRF51) has a Cortex-M0, the same
# ARMv6-M instruction set (an instruction outside it faults). Its 16 KB of
# SRAM hold few models, so the runs raise it to 64 KB, like the M0+ parts
# with 64 KB or more (STM32G0B1, RP2040); flash stays 256 KB.
set(EMBER_ARM_QEMU_MACHINE microbit)
set(EMBER_ARM_QEMU_ARGS -global nrf51-soc.sram-size=65536)
set(EMBER_ARM_FLASH_ORIGIN 0x00000000)
set(EMBER_ARM_FLASH_LENGTH 256K)
set(EMBER_ARM_RAM_ORIGIN 0x20000000)
set(EMBER_ARM_RAM_LENGTH 64K)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake)
