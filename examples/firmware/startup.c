// Bare-metal start-up for the Cortex-M firmware example: the vector table,
// the reset handler (copy .data, zero .bss, static constructors, main, exit)
// and semihosting (console, exit status, host files and the command line
// through the debugger or QEMU's -semihosting). No C library start-up code
// is linked (-nostartfiles): the stack is exactly where cortex-m.ld puts it.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "semihosting.h"

extern uint32_t __data_load_start__;
extern uint32_t __data_start__;
extern uint32_t __data_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;
extern uint32_t __stack_top__;

int main(void);
void __libc_init_array(void);

// __libc_init_array calls these around the init arrays; the crti/crtn objects
// that normally define them are not linked.
void _init(void) {}
void _fini(void) {}
void* __dso_handle = 0;

// One semihosting request: operation in r0, its argument (a value or a
// parameter block) in r1, the host's answer back in r0.
static uint32_t semihosting_call(uint32_t operation, const void* argument) {
  register uint32_t r0 __asm__("r0") = operation;
  register const void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

enum {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite0 = 0x04,
  kSysWrite = 0x05,
  kSysRead = 0x06,
  kSysFileLength = 0x0C,
  kSysGetCommandLine = 0x15,
  kSysExitExtended = 0x20,
};

void semihosting_write(const char* text) { semihosting_call(kSysWrite0, text); }

// With ADP_Stopped_ApplicationExit the host (QEMU) exits with `status`.
// Spins if no debugger is attached to act on it.
void semihosting_exit(int status) {
  const uint32_t block[2] = {0x20026u, (uint32_t)status};
  semihosting_call(kSysExitExtended, block);
  for (;;) {
  }
}

int semihosting_open(const char* path, int for_writing) {
  // Modes are indices into fopen's mode strings: 1 is "rb", 5 is "wb".
  const uint32_t block[3] = {(uint32_t)(uintptr_t)path, for_writing ? 5u : 1u,
                             (uint32_t)strlen(path)};
  return (int)semihosting_call(kSysOpen, block);
}

long semihosting_file_length(int handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  return (long)(int32_t)semihosting_call(kSysFileLength, block);
}

// SYS_READ and SYS_WRITE answer with the count of bytes NOT transferred; a
// host may transfer less than asked, so both loop while there is progress.
static int transfer(uint32_t operation, int handle, uintptr_t buffer, size_t size) {
  while (size > 0) {
    const uint32_t block[3] = {(uint32_t)handle, (uint32_t)buffer, (uint32_t)size};
    const uint32_t left = semihosting_call(operation, block);
    if (left >= size) return -1;
    buffer += size - left;
    size = left;
  }
  return 0;
}

int semihosting_read(int handle, void* buffer, size_t size) {
  return transfer(kSysRead, handle, (uintptr_t)buffer, size);
}

int semihosting_write_file(int handle, const void* buffer, size_t size) {
  return transfer(kSysWrite, handle, (uintptr_t)buffer, size);
}

void semihosting_close(int handle) {
  const uint32_t block[1] = {(uint32_t)handle};
  semihosting_call(kSysClose, block);
}

int semihosting_command_line(char* buffer, size_t size) {
  if (size == 0) return -1;
  // The host writes the line and its length (without the NUL) into the block.
  uint32_t block[2] = {(uint32_t)(uintptr_t)buffer, (uint32_t)size};
  if (semihosting_call(kSysGetCommandLine, block) != 0 || block[1] >= size) return -1;
  buffer[block[1]] = '\0';
  return 0;
}

void Reset_Handler(void) {
#if defined(__ARM_FP)
  // Full access to the FPU (CP10, CP11) before any floating-point instruction.
  volatile uint32_t* const cpacr = (volatile uint32_t*)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  // QEMU and flash programmers load .data at its load address in flash.
  const uint32_t* source = &__data_load_start__;
  for (uint32_t* word = &__data_start__; word < &__data_end__; ++word) *word = *source++;
  for (uint32_t* word = &__bss_start__; word < &__bss_end__; ++word) *word = 0;
  __libc_init_array();
  semihosting_exit(main());
}

// A fault ends the run with a distinctive status instead of a hang.
void Fault_Handler(void) {
  semihosting_write("firmware: fault\n");
  semihosting_exit(3);
}

// Cortex-M exception vectors 0..15; these examples use no peripheral
// interrupts, so the table stops there.
__attribute__((section(".isr_vector"), used)) void (*const kVectorTable[16])(void) = {
    (void (*)(void))(&__stack_top__),
    Reset_Handler,
    Fault_Handler,  // NMI
    Fault_Handler,  // HardFault
    Fault_Handler,  // MemManage (ARMv7-M and later)
    Fault_Handler,  // BusFault
    Fault_Handler,  // UsageFault
    0, 0, 0, 0,
    Fault_Handler,  // SVCall
    Fault_Handler,  // DebugMonitor
    0,
    Fault_Handler,  // PendSV
    Fault_Handler,  // SysTick
};
