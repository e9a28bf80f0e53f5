#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/comparison_test_util.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

// The truth table, then a [2, 1] column against a [2] row: out[i][j] pairs
// a[i] with b[j]. Expected values worked by hand.
TEST(LogicalAndTest, TruthTableAndBroadcast) {
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.BoolInput({4}, {false, false, true, true})
        .BoolInput({4}, {false, true, false, true})
        .Output({4}, TensorType::BOOL);
    ASSERT_EQ(test.Run(kernels::kLogicalAnd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 0, 0, 1}));
  }
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.BoolInput({2, 1}, {false, true})
        .BoolInput({2}, {false, true}, /*constant=*/true)
        .Output({2, 2}, TensorType::BOOL);
    ASSERT_EQ(test.Run(kernels::kLogicalAnd), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0, 0, 0, 1}));
  }
}

TEST(LogicalAndTest, BroadcastSweep) {
  testing::LogicalBroadcastSweep(kernels::kLogicalAnd, 201, [](bool a, bool b) { return a && b; });
}

TEST(LogicalAndTest, Rejections) {
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.BoolInput({2, 3}, std::vector<bool>(6))
        .BoolInput({2}, {true, false})
        .Output({2, 3}, TensorType::BOOL);
    EXPECT_EQ(test.Run(kernels::kLogicalAnd), Status::kInvalidModel) << "shapes do not broadcast";
  }
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.BoolInput({2}, {true, false}).BoolInput({2}, {true, true}).Output({2});
    EXPECT_EQ(test.Run(kernels::kLogicalAnd), Status::kInvalidModel) << "float output";
  }
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.Input({2}, {1, 0}).Input({2}, {1, 1}).Output({2}, TensorType::BOOL);
    EXPECT_EQ(test.Run(kernels::kLogicalAnd), Status::kUnsupported) << "float inputs";
  }
  {
    OpTester test(schema::OpCode::LOGICAL_AND);
    test.BoolInput({2}, {true, false}).Input({2}, {1, 1}).Output({2}, TensorType::BOOL);
    EXPECT_EQ(test.Run(kernels::kLogicalAnd), Status::kInvalidModel) << "mixed input types";
  }
}

}  // namespace
}  // namespace ember
