// The one log hook of the runtime. The application owns the reporter and
// passes it to Model/Interpreter, which keep a pointer; it must outlive them.
//
// Messages are printf-style. Builds for the smallest parts may define
// EMBER_STRIP_ERROR_STRINGS so the format strings are not linked at all; the
// Status codes still say what failed.
//
// On Cortex-M the formatter is newlib-nano's vsnprintf, which knows no %zu
// and no %lld: it prints "zu"/"ld" and the arguments after it go out of step.
// So int32_t/uint32_t values take PRId32/PRIu32 (int32_t is long there),
// size_t a cast to unsigned long with %lu, and 64-bit values FormatInt64 with
// %s. %g prints nothing unless the application links _printf_float.
#ifndef EMBER_INTERPRETER_ERROR_REPORTER_H_
#define EMBER_INTERPRETER_ERROR_REPORTER_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace ember {

class ErrorReporter {
 public:
  virtual void Report(const char* format, va_list args) = 0;
  void Reportf(const char* format, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
      ;

 protected:
  // Not virtual on purpose: reporters are never deleted through this base,
  // and a virtual destructor would pull operator delete into heap-free builds.
  ~ErrorReporter() = default;
};

// Keeps the last message in a fixed buffer; for tests and for applications
// that show the error later (no heap, no stdio).
class BufferErrorReporter : public ErrorReporter {
 public:
  void Report(const char* format, va_list args) override;
  const char* message() const { return message_; }
  void Clear() { message_[0] = '\0'; }

 private:
  char message_[256] = {0};
};

// The decimal text of a 64-bit value, for a %s in a message (see above).
// Pass FormatInt64(value).chars straight into the reporting call: the
// temporary lives until that call returns.
struct Int64Text {
  char chars[21];  // "-9223372036854775808" and the terminating NUL
};

inline Int64Text FormatInt64(int64_t value) {
  // The magnitude in unsigned arithmetic, so INT64_MIN has one too.
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  char reversed_digits[20];
  int digit_count = 0;
  do {
    reversed_digits[digit_count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  Int64Text text;
  int length = 0;
  if (value < 0) text.chars[length++] = '-';
  while (digit_count > 0) text.chars[length++] = reversed_digits[--digit_count];
  text.chars[length] = '\0';
  return text;
}

}  // namespace ember

namespace ember::internal {
// Takes a stripped message's format and arguments so that they count as
// used; the format literal itself is then never emitted.
template <typename... Args>
constexpr void IgnoreMessage(const Args&...) {}
}  // namespace ember::internal

#if defined(EMBER_STRIP_ERROR_STRINGS)
#define EMBER_REPORT(reporter, ...) ((void)(reporter), ::ember::internal::IgnoreMessage(__VA_ARGS__))
#else
#define EMBER_REPORT(reporter, ...) (reporter)->Reportf(__VA_ARGS__)
#endif

#endif  // EMBER_INTERPRETER_ERROR_REPORTER_H_
