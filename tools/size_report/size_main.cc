// One source, three code-size images (CMakeLists.txt here): EMBER_SIZE_IMAGE
// 0 = empty main, 1 = interpreter core, 2 = core + the int8 kernels of a
// small CNN (the int8-only registrations, kernels/int8_kernel_list.inc).
// The model bytes and the arena live at addresses read from volatile
// variables, so neither is counted and the compiler cannot drop any path
// that a real model would take.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "interpreter/interpreter.h"
#include "kernels/kernels.h"

#if EMBER_SIZE_IMAGE > 0
namespace {

// Counts errors instead of formatting them: message formatting (vsnprintf)
// is the application's choice of C library and would otherwise dominate the
// core's figure. The runtime still builds every message and calls Report.
class CountingReporter : public ember::ErrorReporter {
 public:
  void Report(const char*, va_list) override { ++errors; }
  volatile int errors = 0;
};

const uint8_t* volatile model_address = reinterpret_cast<const uint8_t*>(0x00200000);
volatile size_t model_bytes = 4096;
uint8_t* volatile arena_address = reinterpret_cast<uint8_t*>(0x20200000);
volatile size_t arena_bytes = 65536;

}  // namespace
#endif

int main(void) {
#if EMBER_SIZE_IMAGE > 0
  CountingReporter reporter;
#if EMBER_SIZE_IMAGE == 1
  ember::OpResolver<1> resolver;
#else
  ember::OpResolver<6> resolver;
  resolver.Add(ember::kernels::kConv2dInt8);
  resolver.Add(ember::kernels::kDepthwiseConv2dInt8);
  resolver.Add(ember::kernels::kFullyConnectedInt8);
  resolver.Add(ember::kernels::kAveragePool2dInt8);
  resolver.Add(ember::kernels::kReshape);
  resolver.Add(ember::kernels::kSoftmaxInt8);
#endif
  ember::Model model;
  if (ember::Model::Load(model_address, model_bytes, &reporter, &model) != ember::Status::kOk) {
    return 1;
  }
  ember::Interpreter interpreter(model, resolver, arena_address, arena_bytes, &reporter);
  // Firmware runs converted models, which carry their memory plan: placing
  // tensors by it alone leaves the on-device planner out of the image.
  if (interpreter.AllocateTensorsByFilePlan() != ember::Status::kOk) return 1;
  if (interpreter.Invoke() != ember::Status::kOk) return 1;
  return static_cast<int>(interpreter.output(0).bytes() & 0x7f);
#else
  return 0;
#endif
}
