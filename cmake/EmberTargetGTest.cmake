# GoogleTest for a runtime-only build with its tests (EMBER_RUNTIME_TESTS):
# GTest::gtest, GTest::gtest_main and GTest::gmock, then include(GoogleTest).
# On the host they are Debian's libgtest-dev libraries. A cross build cannot
# link those (they are built for the build machine), so it compiles Debian's
# googletest sources (/usr/src/googletest, also from libgtest-dev) with the
# target's compiler, as plain static libraries: googletest's own CMake project
# would bring its install rules and compiler flags into the target build.

if(NOT CMAKE_CROSSCOMPILING)
  find_package(GTest QUIET)
  ember_require(GTest_FOUND libgtest-dev "GoogleTest")
  include(GoogleTest)
  return()
endif()

set(EMBER_GOOGLETEST_SOURCE_DIR /usr/src/googletest CACHE PATH
    "GoogleTest sources compiled for the target of a cross build with tests")
set(_ember_gtest "${EMBER_GOOGLETEST_SOURCE_DIR}/googletest")
set(_ember_gmock "${EMBER_GOOGLETEST_SOURCE_DIR}/googlemock")
if(NOT EXISTS "${_ember_gtest}/src/gtest-all.cc" OR NOT EXISTS "${_ember_gmock}/src/gmock-all.cc")
  message(FATAL_ERROR "GoogleTest sources not found in ${EMBER_GOOGLETEST_SOURCE_DIR}: "
                      "install the Debian package 'libgtest-dev' (or set EMBER_GOOGLETEST_SOURCE_DIR)")
endif()
find_package(Threads REQUIRED)

# gtest-all.cc and gmock-all.cc include every other source file of their
# library; they find them (and the internal headers) from the library's root.
add_library(ember_target_gtest STATIC "${_ember_gtest}/src/gtest-all.cc")
target_include_directories(ember_target_gtest SYSTEM PUBLIC "${_ember_gtest}/include")
target_include_directories(ember_target_gtest PRIVATE "${_ember_gtest}")
target_link_libraries(ember_target_gtest PUBLIC Threads::Threads)

add_library(ember_target_gtest_main STATIC "${_ember_gtest}/src/gtest_main.cc")
target_link_libraries(ember_target_gtest_main PUBLIC ember_target_gtest)

add_library(ember_target_gmock STATIC "${_ember_gmock}/src/gmock-all.cc")
target_include_directories(ember_target_gmock SYSTEM PUBLIC "${_ember_gmock}/include")
target_include_directories(ember_target_gmock PRIVATE "${_ember_gmock}")
target_link_libraries(ember_target_gmock PUBLIC ember_target_gtest)

add_library(GTest::gtest ALIAS ember_target_gtest)
add_library(GTest::gtest_main ALIAS ember_target_gtest_main)
add_library(GTest::gmock ALIAS ember_target_gmock)
unset(_ember_gtest)
unset(_ember_gmock)

# gtest_discover_tests lists and runs the tests through
# CMAKE_CROSSCOMPILING_EMULATOR (toolchains/*-linux.cmake: qemu-user).
include(GoogleTest)
