// Every kernel Ember ships, one per op, each defined in its own file
// (kernels/<op>.cc). Applications register the ones their models use:
//
//   ember::OpResolver<2> resolver;
//   resolver.Add(ember::kernels::kConv2d);
//   resolver.Add(ember::kernels::kSoftmax);
//
// Firmware running fully integer models registers the integer-only variants
// where they exist (kConv2dInteger, ...: kernels/integer_kernel_list.inc),
// which leave the float paths, and soft float, out of the image; for models
// that are int8 throughout, the int8-only variants (kConv2dInt8, ...:
// kernels/int8_kernel_list.inc) also leave out the int16 paths.
//
// AllKernels() lists them all for tools, tests and benchmarks; linking it
// links every kernel.
#ifndef EMBER_KERNELS_KERNELS_H_
#define EMBER_KERNELS_KERNELS_H_

#include <stddef.h>

#include "interpreter/kernel.h"
#include "interpreter/op_resolver.h"

namespace ember::kernels {

#define EMBER_KERNEL_LIST_ENTRY(symbol) extern const Kernel symbol;
#include "kernels/kernel_list.inc"
#include "kernels/integer_kernel_list.inc"
#include "kernels/int8_kernel_list.inc"
#undef EMBER_KERNEL_LIST_ENTRY

struct KernelList {
  const Kernel* const* kernels;
  size_t size;
};
KernelList AllKernels();

// Registers every kernel; the resolver needs room for AllKernels().size.
Status RegisterAllKernels(OpResolverBase& resolver);

}  // namespace ember::kernels

#endif  // EMBER_KERNELS_KERNELS_H_
