// Included before every C++ source that can see flatbuffers (the
// ember::flatbuffers_headers target in cmake/EmberDeps.cmake adds
// --include=cmake/flatbuffers_limits.h), so that all of them agree.
//
// flatbuffers 2.0 defines FLATBUFFERS_MAX_BUFFER_SIZE, 2^31 - 1, as an
// unsigned long long, and its verifier divides it by each vector's element
// size: on a 32-bit target a 64-bit division, which links libgcc's
// __udivmoddi4 (0.7 KB on a Cortex-M4) into every firmware image. The same
// value as a size_t gives the same comparisons with a native division (newer
// flatbuffers define it from soffset_t, a 32-bit type, as well).
#ifndef EMBER_CMAKE_FLATBUFFERS_LIMITS_H_
#define EMBER_CMAKE_FLATBUFFERS_LIMITS_H_

#include <cstddef>

#include "flatbuffers/base.h"

#undef FLATBUFFERS_MAX_BUFFER_SIZE
#define FLATBUFFERS_MAX_BUFFER_SIZE static_cast<std::size_t>(0x7FFFFFFF)

#endif  // EMBER_CMAKE_FLATBUFFERS_LIMITS_H_
