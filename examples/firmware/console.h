// Console output of the firmware images over ARM semihosting: printf-style
// text, and an ErrorReporter that prints the runtime's messages one a line.
// Formatting is newlib-nano's vsnprintf: no floating-point conversions unless
// the application links _printf_float.
#ifndef EMBER_EXAMPLES_FIRMWARE_CONSOLE_H_
#define EMBER_EXAMPLES_FIRMWARE_CONSOLE_H_

#include <stdarg.h>
#include <stdio.h>

#include "interpreter/error_reporter.h"
#include "semihosting.h"

namespace ember::firmware {

inline void Print(const char* format, ...) __attribute__((format(printf, 1, 2)));
inline void Print(const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  semihosting_write(line);
}

// Prints each message as "PREFIX: message".
class ConsoleReporter : public ErrorReporter {
 public:
  explicit ConsoleReporter(const char* prefix) : prefix_(prefix) {}
  void Report(const char* format, va_list args) override {
    char line[256];
    vsnprintf(line, sizeof(line), format, args);
    semihosting_write(prefix_);
    semihosting_write(": ");
    semihosting_write(line);
    semihosting_write("\n");
  }

 private:
  const char* prefix_;
};

}  // namespace ember::firmware

#endif  // EMBER_EXAMPLES_FIRMWARE_CONSOLE_H_
