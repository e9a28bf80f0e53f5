# cmake -P script for ctest: configures and builds the firmware cross build
# (examples/firmware) for one toolchain in BINARY_DIR, with the ember-convert
# of the host build. Variables: SOURCE_DIR, BINARY_DIR, TOOLCHAIN, CONVERT,
# MODEL, INPUT, INPUT_INDEX, CONVERT_ARGS (shell-style), PREDICTION_LABEL,
# EXTRA_FLAGS, CANARY and RUNNER (ON/OFF: the extra images of tests/firmware).
foreach(var SOURCE_DIR BINARY_DIR TOOLCHAIN CONVERT MODEL)
  if(NOT ${var})
    message(FATAL_ERROR "build_firmware.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT INPUT_INDEX)
  set(INPUT_INDEX 0)
endif()
# A fresh or re-configured firmware build reuses the objects compiled before.
set(launcher)
find_program(CCACHE ccache)
if(CCACHE)
  set(launcher "-DCMAKE_C_COMPILER_LAUNCHER=${CCACHE}" "-DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G Ninja ${launcher}
          "-DCMAKE_TOOLCHAIN_FILE=${SOURCE_DIR}/toolchains/${TOOLCHAIN}"
          -DCMAKE_BUILD_TYPE=Release -DEMBER_RUNTIME_ONLY=ON
          "-DEMBER_CONVERT=${CONVERT}" "-DEMBER_FIRMWARE_MODEL=${MODEL}"
          "-DEMBER_FIRMWARE_INPUT=${INPUT}" "-DEMBER_FIRMWARE_INPUT_INDEX=${INPUT_INDEX}"
          "-DEMBER_FIRMWARE_CONVERT_ARGS=${CONVERT_ARGS}"
          "-DEMBER_FIRMWARE_PREDICTION_LABEL=${PREDICTION_LABEL}"
          "-DEMBER_ARM_EXTRA_FLAGS=${EXTRA_FLAGS}" "-DEMBER_FIRMWARE_FLOAT_CANARY=${CANARY}"
          "-DEMBER_FIRMWARE_MODEL_RUNNER=${RUNNER}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the firmware build in ${BINARY_DIR} failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY_DIR}" -j 2 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the firmware in ${BINARY_DIR} failed")
endif()
