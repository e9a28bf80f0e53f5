// Console output and exit status through ARM semihosting (startup.c).
#ifndef EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_
#define EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_

#ifdef __cplusplus
extern "C" {
#endif

// Writes a NUL-terminated string to the host's console.
void semihosting_write(const char* text);
// Ends the program; under QEMU, qemu-system-arm exits with `status`.
void semihosting_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif  // EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_
