// Bare-metal start-up for the Cortex-M firmware example: the vector table,
// the reset handler (copy .data, zero .bss, static constructors, main, exit)
// and semihosting (console output and exit status through the debugger or
// QEMU's -semihosting). No C library start-up code is linked
// (-nostartfiles): the stack is exactly where cortex-m.ld puts it.
#include <stddef.h>
#include <stdint.h>

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

// SYS_WRITE0 (0x04): writes a NUL-terminated string to the host console.
void semihosting_write(const char* text) {
  register uint32_t operation __asm__("r0") = 0x04;
  register const char* argument __asm__("r1") = text;
  __asm__ volatile("bkpt 0xAB" : "+r"(operation) : "r"(argument) : "memory");
}

// SYS_EXIT_EXTENDED (0x20) with ADP_Stopped_ApplicationExit: the host (QEMU)
// exits with `status`. Spins if no debugger is attached to act on it.
void semihosting_exit(int status) {
  const uint32_t block[2] = {0x20026u, (uint32_t)status};
  register uint32_t operation __asm__("r0") = 0x20;
  register const uint32_t* argument __asm__("r1") = block;
  __asm__ volatile("bkpt 0xAB" : "+r"(operation) : "r"(argument) : "memory");
  for (;;) {
  }
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
