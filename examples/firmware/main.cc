// Runs one model on a bare-metal Cortex-M: the model comes from a C array
// (ember-convert --c-array, at build time), the interpreter works in one static
// arena of the size the converter planned, and only the kernels the model uses
// are registered (so only those are linked). Prints input 0's and output 0's
// shape and output 0's bytes, and exits with 0 on success. Built with
// EMBER_FIRMWARE_PREDICTION_LABEL (e.g. "digit"), it also prints the class
// output 0 scores highest: "predicted digit: 7 (score 0.996, int8 127)".
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "interpreter/interpreter.h"
#include "kernels/kernels.h"
#include "model_input.h"  // kModelInput[]: input 0's bytes (generated)
#include "model.h"        // ember_firmware_model[], EMBER_FIRMWARE_ARENA_BYTES (generated)
#include "console.h"
#include "semihosting.h"

namespace {

// The kernels the model uses (generated from its operators).
constexpr size_t kKernelCount = 0
#define EMBER_KERNEL_LIST_ENTRY(symbol) +1
#include "model_kernels.inc"
#undef EMBER_KERNEL_LIST_ENTRY
    ;

using ember::firmware::Print;

ember::firmware::ConsoleReporter reporter("error");
alignas(16) uint8_t arena[EMBER_FIRMWARE_ARENA_BYTES];

void PrintShape(const char* what, const ember::TensorView& view) {
  Print("%s %s [", what, ember::TensorTypeName(view.type));
  for (int32_t d = 0; d < view.rank; ++d) Print(d == 0 ? "%" PRId32 : ",%" PRId32, view.dim(d));
  Print("]\n");
}

#ifdef EMBER_FIRMWARE_PREDICTION_LABEL
// Prints `value` with three decimals: newlib-nano's printf formats no floats.
void PrintFixed3(float value) {
  const bool negative = value < 0;
  const long thousandths = static_cast<long>((negative ? -value : value) * 1000.0f + 0.5f);
  Print("%s%ld.%03ld", negative ? "-" : "", thousandths / 1000, thousandths % 1000);
}

// The argmax of output 0 (one score per class) and its score, dequantized
// for a quantized output. The integer type's raw value is printed too.
bool PrintPrediction(const ember::TensorView& output) {
  const int64_t count = output.num_elements();
  int64_t best = 0;
  float best_score = 0;
  int32_t best_raw = 0;
  for (int64_t i = 0; i < count; ++i) {
    int32_t raw = 0;
    float score = 0;
    switch (output.type) {
      case ember::TensorType::FLOAT32: score = output.data_as<const float>()[i]; break;
      case ember::TensorType::INT8: raw = output.data_as<const int8_t>()[i]; break;
      case ember::TensorType::INT16: raw = output.data_as<const int16_t>()[i]; break;
      default:
        Print("no prediction: output 0 is %s\n", ember::TensorTypeName(output.type));
        return false;
    }
    if (output.type != ember::TensorType::FLOAT32) {
      const ember::QuantParams quant = output.quant();
      score = static_cast<float>(raw - quant.zero_point) * quant.scale;
    }
    // Ties go to the first class, as numpy's argmax does.
    if (i == 0 || score > best_score) {
      best = i;
      best_score = score;
      best_raw = raw;
    }
  }
  Print("predicted %s: %ld (score ", EMBER_FIRMWARE_PREDICTION_LABEL, static_cast<long>(best));
  PrintFixed3(best_score);
  if (output.type != ember::TensorType::FLOAT32) {
    Print(", %s %ld", ember::TensorTypeName(output.type), static_cast<long>(best_raw));
  }
  Print(")\n");
  return true;
}
#endif

int Run() {
  ember::OpResolver<kKernelCount> resolver;
#define EMBER_KERNEL_LIST_ENTRY(symbol)                                  \
  if (resolver.Add(ember::kernels::symbol) != ember::Status::kOk) return 1;
#include "model_kernels.inc"
#undef EMBER_KERNEL_LIST_ENTRY

  ember::Model model;
  ember::Status status =
      ember::Model::Load(ember_firmware_model, ember_firmware_model_len, &reporter, &model);
  if (status != ember::Status::kOk) return 1;
  ember::Interpreter interpreter(model, resolver, arena, sizeof(arena), &reporter);
  status = interpreter.AllocateTensors();
  if (status != ember::Status::kOk) return 1;

  ember::TensorView input = interpreter.input(0);
  PrintShape("input", input);
  if (input.bytes() != sizeof(kModelInput)) {
    Print("input 0 holds %u bytes, the generated input %u\n", static_cast<unsigned>(input.bytes()),
          static_cast<unsigned>(sizeof(kModelInput)));
    return 1;
  }
  memcpy(input.data, kModelInput, sizeof(kModelInput));
  status = interpreter.Invoke();
  if (status != ember::Status::kOk) return 1;

  const ember::TensorView output = interpreter.output(0);
  PrintShape("output", output);
  const uint8_t* bytes = output.data_as<const uint8_t>();
  const size_t size = output.bytes();
  const bool is_int8 = output.type == ember::TensorType::INT8;
  for (size_t i = 0; i < size; ++i) {
    if (i % 16 == 0) Print("output bytes:");
    Print(" %d", is_int8 ? static_cast<int>(static_cast<int8_t>(bytes[i])) : bytes[i]);
    if (i % 16 == 15 || i + 1 == size) Print("\n");
  }
#ifdef EMBER_FIRMWARE_PREDICTION_LABEL
  if (!PrintPrediction(output)) return 1;
#endif
  Print("arena %u of %u bytes, %u kernels\n", static_cast<unsigned>(interpreter.arena_used_bytes()),
        static_cast<unsigned>(sizeof(arena)), static_cast<unsigned>(kKernelCount));
  return 0;
}

}  // namespace

int main() {
  const int status = Run();
  Print("firmware: %s\n", status == 0 ? "ok" : "failed");
  return status;
}
