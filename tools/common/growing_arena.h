// An interpreter over a heap arena for the desktop tools (ember-run,
// ember-g2p). The arena starts at the model's planned size and grows 4x
// while AllocateTensors() reports kArenaTooSmall: a resized input or
// incremental Invoke (every tensor in its own buffer) needs more than the
// file's plan, and a model without a plan gets 1 MiB to start. Firmware
// sizes its static arena from the plan instead.
#ifndef EMBER_TOOLS_COMMON_GROWING_ARENA_H_
#define EMBER_TOOLS_COMMON_GROWING_ARENA_H_

#include <cstddef>
#include <memory>

#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember {

struct ArenaInterpreter {
  std::unique_ptr<AlignedBuffer> arena;
  std::unique_ptr<Interpreter> interpreter;
};

// Fills *out with an interpreter whose tensors are allocated. `configure`
// runs on each fresh interpreter before AllocateTensors() (ResizeInput,
// EnableIncrementalInvoke) and may fail with its own status. The last
// failure's message is in reporter->message.
template <typename Configure>
Status AllocateInGrowingArena(const Model& model, const OpResolverBase& resolver,
                              StringErrorReporter* reporter, Configure configure,
                              ArenaInterpreter* out) {
  constexpr size_t kLargestArena = size_t{1} << 34;
  const schema::MemoryPlan* plan = model.root().plan();
  size_t size = plan != nullptr ? static_cast<size_t>(plan->arena_bytes()) : size_t{1} << 20;
  for (;;) {
    // The old interpreter holds a view of the old arena: it goes first.
    out->interpreter.reset();
    out->arena = std::make_unique<AlignedBuffer>(size);
    reporter->message.clear();
    out->interpreter = std::make_unique<Interpreter>(model, resolver, out->arena->data(),
                                                     out->arena->size(), reporter);
    Status status = configure(*out->interpreter);
    if (status == Status::kOk) status = out->interpreter->AllocateTensors();
    if (status != Status::kArenaTooSmall || size >= kLargestArena) return status;
    size *= 4;
  }
}

}  // namespace ember

#endif  // EMBER_TOOLS_COMMON_GROWING_ARENA_H_
