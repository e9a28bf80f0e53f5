// A bare-metal Cortex-M test image that runs any Ember model on host files,
// for the end-to-end model tests under QEMU (run_model_cases.py). Its
// semihosting command line is
//
//   model_runner MODEL.ember OUTPUT_PREFIX [INPUT.bin]...
//
// with one INPUT file per model input, in the model's input order, holding
// the input tensor's raw little-endian bytes. Output i is written, raw, to
// OUTPUT_PREFIX<i>.bin. Every kernel is registered, like the host's ember-run.
// Exits 0 on success, 1 with a message on any error (3 on a fault, startup.c).
//
// Memory: the RAM the image does not use (between the linker script's
// __free_ram_start__ and __free_ram_end__, i.e. all of it but .data, .bss and
// the stack) holds the model bytes, read in whole, and then the arena:
//
//   __free_ram_start__                                      __free_ram_end__
//   | model bytes | arena (the interpreter takes what it plans) ...        |
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "interpreter/interpreter.h"
#include "kernels/kernels.h"
#include "console.h"
#include "semihosting.h"

extern "C" {
extern uint8_t __free_ram_start__[];
extern uint8_t __free_ram_end__[];

// The model and the arena fill the free RAM, where newlib's heap would grow
// from: any allocation fails instead of overwriting them.
void* _sbrk(ptrdiff_t) { return reinterpret_cast<void*>(-1); }
}

namespace {

constexpr size_t kKernelCount = 0
#define EMBER_KERNEL_LIST_ENTRY(symbol) +1
#include "kernels/kernel_list.inc"
#undef EMBER_KERNEL_LIST_ENTRY
    ;
// Program name, model, output prefix and up to this many inputs.
constexpr int kMaxInputs = 16;
constexpr int kMaxArguments = 3 + kMaxInputs;
// Paths are those of the test's work directory; the line holds them all.
constexpr size_t kCommandLineBytes = 4096;
constexpr size_t kPathBytes = 512;

using ember::firmware::Print;

// Messages of the model and interpreter, on the console.
ember::firmware::ConsoleReporter reporter("model_runner");
char command_line[kCommandLineBytes];

uint8_t* AlignUp16(uint8_t* pointer) {
  return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(pointer) + 15) & ~uintptr_t{15});
}

// Splits the command line at spaces (QEMU joins its arg= values with one
// space, so paths must not hold spaces); returns the argument count, or -1
// when there are more than kMaxArguments.
int SplitArguments(char* line, char** arguments) {
  int count = 0;
  for (char* cursor = line; *cursor != '\0';) {
    if (*cursor == ' ') {
      *cursor++ = '\0';
      continue;
    }
    if (count == kMaxArguments) return -1;
    arguments[count++] = cursor;
    while (*cursor != '\0' && *cursor != ' ') ++cursor;
  }
  return count;
}

// Reads the host file `path` whole into `buffer`, which holds `capacity`
// bytes (`room` says of what, for the message); false after printing why.
bool ReadHostFile(const char* path, void* buffer, size_t capacity, const char* room,
                  size_t* length) {
  const int handle = semihosting_open(path, 0);
  if (handle < 0) {
    Print("model_runner: cannot open '%s' on the host\n", path);
    return false;
  }
  const long file_length = semihosting_file_length(handle);
  bool read = false;
  if (file_length < 0) {
    Print("model_runner: the host gives no length for '%s'\n", path);
  } else if (static_cast<size_t>(file_length) > capacity) {
    Print("model_runner: '%s' holds %ld bytes, more than the %u bytes of %s\n", path, file_length,
          static_cast<unsigned>(capacity), room);
  } else {
    *length = static_cast<size_t>(file_length);
    read = semihosting_read(handle, buffer, *length) == 0;
    if (!read) Print("model_runner: reading '%s' failed\n", path);
  }
  semihosting_close(handle);
  return read;
}

void PrintTensor(const char* what, size_t index, const char* name, const ember::TensorView& view) {
  Print("%s %u '%s' %s [", what, static_cast<unsigned>(index), name,
        ember::TensorTypeName(view.type));
  for (int32_t d = 0; d < view.rank; ++d) Print(d == 0 ? "%" PRId32 : ",%" PRId32, view.dim(d));
  Print("] %u bytes\n", static_cast<unsigned>(view.bytes()));
}

int Run() {
  char* arguments[kMaxArguments];
  if (semihosting_command_line(command_line, sizeof(command_line)) != 0) {
    Print("model_runner: no command line, or longer than %u bytes\n",
          static_cast<unsigned>(sizeof(command_line) - 1));
    return 1;
  }
  const int argument_count = SplitArguments(command_line, arguments);
  if (argument_count < 0) {
    Print("model_runner: more than %d inputs\n", kMaxInputs);
    return 1;
  }
  if (argument_count < 3) {
    Print("model_runner: usage: model_runner MODEL.ember OUTPUT_PREFIX [INPUT.bin]...\n");
    return 1;
  }
  const char* model_path = arguments[1];
  const char* output_prefix = arguments[2];
  const int input_count = argument_count - 3;

  ember::OpResolver<kKernelCount> resolver;
  if (ember::kernels::RegisterAllKernels(resolver) != ember::Status::kOk) {
    Print("model_runner: registering the %u kernels failed\n", static_cast<unsigned>(kKernelCount));
    return 1;
  }

  uint8_t* const free_start = AlignUp16(__free_ram_start__);
  const size_t free_bytes = static_cast<size_t>(__free_ram_end__ - free_start);
  size_t model_bytes = 0;
  if (!ReadHostFile(model_path, free_start, free_bytes, "free RAM", &model_bytes)) return 1;
  ember::Model model;
  if (ember::Model::Load(free_start, model_bytes, &reporter, &model) != ember::Status::kOk) {
    return 1;
  }
  uint8_t* const arena = AlignUp16(free_start + model_bytes);
  const size_t arena_capacity = free_bytes - static_cast<size_t>(arena - free_start);
  const ember::schema::MemoryPlan* plan = model.root().plan();
  const unsigned planned_bytes = plan != nullptr ? static_cast<unsigned>(plan->arena_bytes()) : 0;

  ember::Interpreter interpreter(model, resolver, arena, arena_capacity, &reporter);
  const ember::Status allocated = interpreter.AllocateTensors();
  if (allocated == ember::Status::kArenaTooSmall) {
    Print("model_runner: the RAM is too small: %u bytes of free RAM hold the %u-byte model and "
          "leave %u bytes for an arena the model plans at %u bytes\n",
          static_cast<unsigned>(free_bytes), static_cast<unsigned>(model_bytes),
          static_cast<unsigned>(arena_capacity), planned_bytes);
    return 1;
  }
  if (allocated != ember::Status::kOk) return 1;

  if (static_cast<size_t>(input_count) != interpreter.inputs_size()) {
    Print("model_runner: %d input files given, the model has %u inputs\n", input_count,
          static_cast<unsigned>(interpreter.inputs_size()));
    return 1;
  }
  for (int i = 0; i < input_count; ++i) {
    ember::TensorView input = interpreter.input(i);
    PrintTensor("input", i, interpreter.input_name(i), input);
    size_t length = 0;
    if (!ReadHostFile(arguments[3 + i], input.data, input.bytes(), "the tensor", &length)) return 1;
    if (length != input.bytes()) {
      Print("model_runner: '%s' holds %u bytes, input %d needs %u\n", arguments[3 + i],
            static_cast<unsigned>(length), i, static_cast<unsigned>(input.bytes()));
      return 1;
    }
  }

  if (interpreter.Invoke() != ember::Status::kOk) return 1;

  for (size_t i = 0; i < interpreter.outputs_size(); ++i) {
    const ember::TensorView output = interpreter.output(i);
    PrintTensor("output", i, interpreter.output_name(i), output);
    char path[kPathBytes];
    if (snprintf(path, sizeof(path), "%s%u.bin", output_prefix, static_cast<unsigned>(i)) >=
        static_cast<int>(sizeof(path))) {
      Print("model_runner: output path longer than %u bytes\n", static_cast<unsigned>(kPathBytes));
      return 1;
    }
    const int handle = semihosting_open(path, 1);
    if (handle < 0) {
      Print("model_runner: cannot create '%s' on the host\n", path);
      return 1;
    }
    const bool written = semihosting_write_file(handle, output.data, output.bytes()) == 0;
    semihosting_close(handle);
    if (!written) {
      Print("model_runner: writing '%s' failed\n", path);
      return 1;
    }
  }
  Print("arena: %u bytes used of %u, planned %u, %s\n",
        static_cast<unsigned>(interpreter.arena_used_bytes()),
        static_cast<unsigned>(arena_capacity), planned_bytes,
        interpreter.used_file_plan() ? "the file's plan" : "the built-in planner's placement");
  return 0;
}

}  // namespace

int main() {
  const int status = Run();
  Print("model_runner: %s\n", status == 0 ? "ok" : "failed");
  return status;
}
