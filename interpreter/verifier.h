// The flatbuffers verification of model bytes: every offset, vector, string
// and table of the file lies inside it, so reading it through the generated
// accessors stays in bounds.
//
// It accepts and rejects exactly the buffers the generated
// schema::VerifyModelBuffer does (tests/interpreter/verifier_test.cc compares
// the two on corrupted files), but verifies each operator's options table
// from a small table of its fields' sizes instead of the generated union
// verifier, which links the Verify of every options table of the schema into
// every firmware image, whatever ops it registers (3.8 KB on a Cortex-M4,
// a third of the interpreter core).
#ifndef EMBER_INTERPRETER_VERIFIER_H_
#define EMBER_INTERPRETER_VERIFIER_H_

#include <stddef.h>
#include <stdint.h>

namespace ember {

// Depth and table-count limits of the flatbuffers verifier.
constexpr int kVerifierMaxDepth = 64;
constexpr int kVerifierMaxTables = 1000000;

// True when `bytes` (`size` of them) hold a structurally valid Ember model
// flatbuffer with its file identifier.
bool VerifyModelFlatbuffer(const uint8_t* bytes, size_t size);

}  // namespace ember

#endif  // EMBER_INTERPRETER_VERIFIER_H_
