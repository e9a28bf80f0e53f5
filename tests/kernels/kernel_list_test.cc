// Op coverage of the one kernel list (kernels/kernel_list.inc): every entry
// is a complete kernel named after its op code, and no op code has two
// entries (the resolver would refuse the second).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "kernels/kernels.h"

namespace ember {
namespace {

// Built from the list itself rather than AllKernels(), so this test links only
// the kernels library, like every other kernel test.
#define EMBER_KERNEL_LIST_ENTRY(symbol) &kernels::symbol,
const std::vector<const Kernel*> kListed = {
#include "kernels/kernel_list.inc"
};
#undef EMBER_KERNEL_LIST_ENTRY

TEST(KernelListTest, EveryEntryIsCompleteAndNamedAfterItsOpCode) {
  for (const Kernel* kernel : kListed) {
    const std::string op_name = schema::EnumNameOpCode(kernel->op);
    ASSERT_FALSE(op_name.empty()) << "a kernel has op code " << static_cast<int>(kernel->op)
                                  << ", unknown to the schema";
    ASSERT_NE(kernel->name, nullptr) << op_name;
    EXPECT_EQ(std::string(kernel->name), op_name);
    EXPECT_NE(kernel->prepare, nullptr) << op_name;
    EXPECT_NE(kernel->eval, nullptr) << op_name;
  }
}

TEST(KernelListTest, NoOpCodeIsListedTwice) {
  std::set<int> seen;
  for (const Kernel* kernel : kListed) {
    EXPECT_TRUE(seen.insert(static_cast<int>(kernel->op)).second)
        << schema::EnumNameOpCode(kernel->op) << " is listed twice";
  }
}

TEST(KernelListTest, ListsTheG2pOps) {
  // The ops added for the g2p model, so a lost list entry fails here rather
  // than as an "unsupported op" at conversion.
  std::set<schema::OpCode> listed;
  for (const Kernel* kernel : kListed) listed.insert(kernel->op);
  for (schema::OpCode op : {schema::OpCode::REVERSE_SEQUENCE, schema::OpCode::REDUCE_PROD,
                            schema::OpCode::RANGE, schema::OpCode::ONE_HOT}) {
    EXPECT_EQ(listed.count(op), 1u) << schema::EnumNameOpCode(op);
  }
}

}  // namespace
}  // namespace ember
