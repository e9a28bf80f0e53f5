// ARM semihosting (startup.c): console output, exit status, host files and
// the command line, through the debugger or QEMU's -semihosting.
#ifndef EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_
#define EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Writes a NUL-terminated string to the host's console.
void semihosting_write(const char* text);
// Ends the program; under QEMU, qemu-system-arm exits with `status`.
void semihosting_exit(int status) __attribute__((noreturn));

// Host files, in binary mode. semihosting_open returns a handle, or -1 when
// the host cannot open `path` (relative paths are relative to the directory
// the emulator runs in).
int semihosting_open(const char* path, int for_writing);
// Length in bytes of an open file, or -1.
long semihosting_file_length(int handle);
// Read or write exactly `size` bytes; 0 on success, -1 otherwise.
int semihosting_read(int handle, void* buffer, size_t size);
int semihosting_write_file(int handle, const void* buffer, size_t size);
void semihosting_close(int handle);

// The command line the host gives the program (QEMU: the arg= values of
// -semihosting-config, joined by spaces) into `buffer`, NUL-terminated;
// 0 on success, -1 when there is none or it does not fit `size` bytes.
int semihosting_command_line(char* buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif  // EMBER_EXAMPLES_FIRMWARE_SEMIHOSTING_H_
