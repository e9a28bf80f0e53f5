#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

TEST(LogicalNotTest, Negates) {
  OpTester test(schema::OpCode::LOGICAL_NOT);
  test.BoolInput({2, 2}, {false, true, true, false}).Output({2, 2}, TensorType::BOOL);
  ASSERT_EQ(test.Run(kernels::kLogicalNot), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{1, 0, 0, 1}));
}

TEST(LogicalNotTest, ScalarAndEmpty) {
  {
    OpTester test(schema::OpCode::LOGICAL_NOT);
    test.BoolInput({}, {true}).Output({}, TensorType::BOOL);
    ASSERT_EQ(test.Run(kernels::kLogicalNot), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<uint8_t>(0), (std::vector<uint8_t>{0}));
  }
  {
    OpTester test(schema::OpCode::LOGICAL_NOT);
    test.BoolInput({0, 3}, {}).Output({0, 3}, TensorType::BOOL);
    ASSERT_EQ(test.Run(kernels::kLogicalNot), Status::kOk) << test.error();
    EXPECT_TRUE(test.OutputAs<uint8_t>(0).empty());
  }
}

TEST(LogicalNotTest, Rejections) {
  {
    OpTester test(schema::OpCode::LOGICAL_NOT);
    test.Input({2}, {1, 0}).Output({2});
    EXPECT_EQ(test.Run(kernels::kLogicalNot), Status::kUnsupported) << "float input";
  }
  {
    OpTester test(schema::OpCode::LOGICAL_NOT);
    test.BoolInput({2}, {true, false}).Output({2});
    EXPECT_EQ(test.Run(kernels::kLogicalNot), Status::kInvalidModel) << "float output";
  }
  {
    OpTester test(schema::OpCode::LOGICAL_NOT);
    test.BoolInput({2}, {true, false}).Output({3}, TensorType::BOOL);
    EXPECT_EQ(test.Run(kernels::kLogicalNot), Status::kInvalidModel) << "output shape";
  }
}

}  // namespace
}  // namespace ember
