# cmake -P script for ctest: configures and builds the runtime test suite
# (EMBER_RUNTIME_TESTS) of one Linux cross toolchain in BINARY_DIR.
# Variables: SOURCE_DIR, BINARY_DIR, TOOLCHAIN (file in toolchains/),
# GENERATOR, SHARED_DIR (EMBER_SHARED_DIR); BUILD_TYPE and LAUNCHER (a
# compiler launcher such as ccache) may be empty.
foreach(var SOURCE_DIR BINARY_DIR TOOLCHAIN GENERATOR SHARED_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "build_runtime_tests.cmake: ${var} is not set")
  endif()
endforeach()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
          "-DCMAKE_TOOLCHAIN_FILE=${SOURCE_DIR}/toolchains/${TOOLCHAIN}"
          "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" -DEMBER_RUNTIME_ONLY=ON -DEMBER_RUNTIME_TESTS=ON
          "-DEMBER_SHARED_DIR=${SHARED_DIR}"
          "-DCMAKE_C_COMPILER_LAUNCHER=${LAUNCHER}" "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the runtime tests in ${BINARY_DIR} failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BINARY_DIR}" -j 2 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the runtime tests in ${BINARY_DIR} failed")
endif()
