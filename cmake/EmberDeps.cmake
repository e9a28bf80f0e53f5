# Finds Ember's dependencies. All come from Debian packages; a missing one
# stops configuration with the package to install (tools/setup-deps.sh
# installs them all).

function(ember_require found package what)
  if(NOT ${found})
    message(FATAL_ERROR "${what} not found: install the Debian package '${package}' "
                        "(or run tools/setup-deps.sh)")
  endif()
endfunction()

# The two header-only libraries the runtime uses come from the build machine's
# /usr/include. A cross build (toolchains/) must not put /usr/include on its
# include path (glibc headers would shadow newlib's), so there they are reached
# through a build-tree folder holding only symlinks to them.
set(_ember_host_find)
if(CMAKE_CROSSCOMPILING)
  # Generic (bare-metal) platforms search no system folders: name them.
  set(_ember_host_find PATHS /usr/local/include /usr/include NO_CMAKE_FIND_ROOT_PATH)
  set(EMBER_CROSS_INCLUDE "${CMAKE_BINARY_DIR}/host-headers")
  file(MAKE_DIRECTORY "${EMBER_CROSS_INCLUDE}")
endif()
# Cross builds: makes host-headers/LINK_NAME a symlink to TARGET.
function(ember_cross_header_link link_name target)
  if(CMAKE_CROSSCOMPILING)
    file(CREATE_LINK "${target}" "${EMBER_CROSS_INCLUDE}/${link_name}" SYMBOLIC)
  endif()
endfunction()

# flatbuffers: headers for everyone, flatc on the build machine.
find_path(EMBER_FLATBUFFERS_INCLUDE flatbuffers/flatbuffers.h ${_ember_host_find})
ember_require(EMBER_FLATBUFFERS_INCLUDE libflatbuffers-dev "flatbuffers headers")
find_program(EMBER_FLATC flatc)
ember_require(EMBER_FLATC flatbuffers-compiler "flatc")
set(_ember_flatbuffers_dir "${EMBER_FLATBUFFERS_INCLUDE}")
if(CMAKE_CROSSCOMPILING)
  ember_cross_header_link(flatbuffers "${EMBER_FLATBUFFERS_INCLUDE}/flatbuffers")
  set(_ember_flatbuffers_dir "${EMBER_CROSS_INCLUDE}")
endif()
add_library(ember::flatbuffers_headers INTERFACE IMPORTED)
# Every C++ source that can see flatbuffers first includes
# cmake/flatbuffers_limits.h (why: there), so all of them agree on it.
set_target_properties(ember::flatbuffers_headers PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_ember_flatbuffers_dir}"
  INTERFACE_COMPILE_OPTIONS
    "$<$<COMPILE_LANGUAGE:CXX>:--include=${CMAKE_CURRENT_LIST_DIR}/flatbuffers_limits.h>")

# gemmlowp: header-only fixed-point primitives used by the integer kernels.
# Only its headers, also on the host (the gemmlowp CMake target would link an
# x86 library and pthread).
find_path(EMBER_GEMMLOWP_INCLUDE fixedpoint/fixedpoint.h PATH_SUFFIXES gemmlowp ${_ember_host_find})
ember_require(EMBER_GEMMLOWP_INCLUDE libgemmlowp-dev "gemmlowp headers")
set(_ember_gemmlowp_dir "${EMBER_GEMMLOWP_INCLUDE}")
if(CMAKE_CROSSCOMPILING)
  # The whole folder, so fixedpoint.h's "../internal/..." includes resolve.
  ember_cross_header_link(gemmlowp "${EMBER_GEMMLOWP_INCLUDE}")
  set(_ember_gemmlowp_dir "${EMBER_CROSS_INCLUDE}/gemmlowp")
endif()
add_library(ember::gemmlowp INTERFACE IMPORTED)
set_target_properties(ember::gemmlowp PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${_ember_gemmlowp_dir}")

if(EMBER_RUNTIME_ONLY)
  if(EMBER_RUNTIME_TESTS)
    include(${CMAKE_CURRENT_LIST_DIR}/EmberTargetGTest.cmake)
  endif()
  return()
endif()

find_package(Eigen3 3.3 NO_MODULE QUIET)
ember_require(Eigen3_FOUND libeigen3-dev "Eigen3")
find_package(Protobuf QUIET)
ember_require(Protobuf_FOUND libprotobuf-dev "protobuf")
find_program(EMBER_PROTOC protoc)
ember_require(EMBER_PROTOC protobuf-compiler "protoc")
# ONNX's model schema, compiled by protoc at build time for the ONNX front end
# (converter/onnx/).
find_path(EMBER_ONNX_PROTO_DIR onnx.proto PATH_SUFFIXES onnx)
ember_require(EMBER_ONNX_PROTO_DIR libonnx-dev "onnx.proto (ONNX's model schema)")
find_package(GTest QUIET)
ember_require(GTest_FOUND libgtest-dev "GoogleTest")
find_package(benchmark QUIET)
ember_require(benchmark_FOUND libbenchmark-dev "Google Benchmark")
find_package(Threads REQUIRED)
include(GoogleTest)
