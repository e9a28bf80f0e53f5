#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using testing::OpTester;

schema::OpOptionsUnion NewShape(std::vector<int32_t> new_shape) {
  schema::ReshapeOptionsT options;
  options.new_shape = std::move(new_shape);
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

template <typename T>
std::vector<T> Iota(size_t n, T start) {
  std::vector<T> values(n);
  std::iota(values.begin(), values.end(), start);
  return values;
}

// An arena input shares its bytes with the output (the planner aliases them),
// so nothing moves; the elements must come out unchanged in C order.
TEST(ReshapeTest, ArenaInputAliasesOutput) {
  OpTester test(schema::OpCode::RESHAPE);
  test.Input({2, 3}, {1, 2, 3, 4, 5, 6}).Output({3, 1, 2}).Options(NewShape({3, 1, 2}));
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 1, 2}));
}

// A constant input lives in the model, so the kernel copies it.
TEST(ReshapeTest, ConstantInputIsCopied) {
  OpTester test(schema::OpCode::RESHAPE);
  test.ConstInput({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}).Output({4, 2}).Options(NewShape({-1, 2}));
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ReshapeTest, AnyElementSize) {
  for (bool constant : {false, true}) {
    OpTester i8(schema::OpCode::RESHAPE);
    i8.InputOf<int8_t>({2, 5}, Iota<int8_t>(10, -5), constant)
        .Output({10}, schema::TensorType::INT8);
    ASSERT_EQ(i8.Run(kernels::kReshape), Status::kOk) << i8.error();
    EXPECT_EQ(i8.OutputAs<int8_t>(0), Iota<int8_t>(10, -5));

    OpTester i16(schema::OpCode::RESHAPE);
    i16.InputOf<int16_t>({3}, Iota<int16_t>(3, 300), constant)
        .Output({1, 3, 1}, schema::TensorType::INT16);
    ASSERT_EQ(i16.Run(kernels::kReshape), Status::kOk) << i16.error();
    EXPECT_EQ(i16.OutputAs<int16_t>(0), Iota<int16_t>(3, 300));

    OpTester i64(schema::OpCode::RESHAPE);
    i64.InputOf<int64_t>({2, 3}, Iota<int64_t>(6, int64_t{1} << 40), constant)
        .Output({6, 1}, schema::TensorType::INT64);
    ASSERT_EQ(i64.Run(kernels::kReshape), Status::kOk) << i64.error();
    EXPECT_EQ(i64.OutputAs<int64_t>(0), Iota<int64_t>(6, int64_t{1} << 40));
  }
}

TEST(ReshapeTest, ShapeOperandIsIgnored) {
  // TF's Reshape carries the shape as a second operand; without new_shape the
  // declared output shape is kept, so the operand is not read.
  OpTester test(schema::OpCode::RESHAPE);
  test.InputOf<int32_t>({4}, {1, 2, 3, 4})
      .InputOf<int32_t>({2}, {2, 2}, /*constant=*/true)
      .Output({2, 2}, schema::TensorType::INT32);
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<int32_t>(0), (std::vector<int32_t>{1, 2, 3, 4}));
}

TEST(ReshapeTest, InfersShapeFromNewShape) {
  // 24 elements: {2, -1, 4} leaves 24 / 8 = 3 for the -1.
  OpTester test(schema::OpCode::RESHAPE);
  test.Input({4, 6}, Iota<float>(24, 0.0f)).Output({}).Options(NewShape({2, -1, 4})).InferShapes();
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{2, 3, 4}));
  EXPECT_EQ(test.OutputFloats(0), Iota<float>(24, 0.0f));
}

// Every entry of a sweep of target shapes is replaced by -1 in turn; the
// kernel must recover the entry from the element count, and the bytes must
// pass through unchanged.
TEST(ReshapeTest, InferredDimSweep) {
  const std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>> cases = {
      {{24}, {2, 3, 4}},      {{2, 3, 4}, {6, 4}},        {{1, 1, 7}, {7, 1}},
      {{5, 1}, {1, 5, 1, 1}}, {{2, 2, 2, 2, 2, 2}, {64}}, {{3, 0}, {0, 5}},
      {{0, 2}, {2, 0, 3}},    {{6}, {1, 1, 1, 1, 1, 6}}};
  int runs = 0;
  for (const auto& [in_shape, target] : cases) {
    int64_t count = 1;
    for (int32_t d : in_shape) count *= d;
    const std::vector<float> values = Iota<float>(static_cast<size_t>(count), 1.0f);
    for (size_t unknown = 0; unknown <= target.size(); ++unknown) {
      std::vector<int32_t> new_shape = target;
      // One more run with no -1 at all.
      if (unknown < target.size()) new_shape[unknown] = -1;
      int64_t known = 1;
      for (int32_t d : new_shape) known *= d == -1 ? 1 : d;
      // A -1 next to a zero dim is ambiguous; see RejectsBadNewShapes.
      if (unknown < target.size() && known == 0) continue;
      OpTester test(schema::OpCode::RESHAPE);
      test.Input(in_shape, values).Output({}).Options(NewShape(new_shape)).InferShapes();
      ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputShape(0), target) << "unknown at " << unknown;
      EXPECT_EQ(test.OutputFloats(0), values);
      ++runs;
    }
  }
  EXPECT_GT(runs, 25);
}

TEST(ReshapeTest, Scalars) {
  // A one-element tensor to a scalar: an empty new_shape keeps the declared
  // rank-0 shape.
  OpTester to_scalar(schema::OpCode::RESHAPE);
  to_scalar.Input({1, 1}, {7}).Output({}).InferShapes();
  ASSERT_EQ(to_scalar.Run(kernels::kReshape), Status::kOk) << to_scalar.error();
  EXPECT_TRUE(to_scalar.OutputShape(0).empty());
  EXPECT_EQ(to_scalar.OutputFloats(0), (std::vector<float>{7}));

  // And back: a scalar holds one element, so -1 is 1.
  OpTester from_scalar(schema::OpCode::RESHAPE);
  from_scalar.ConstInput({}, {-3}).Output({}).Options(NewShape({1, -1})).InferShapes();
  ASSERT_EQ(from_scalar.Run(kernels::kReshape), Status::kOk) << from_scalar.error();
  EXPECT_EQ(from_scalar.OutputShape(0), (std::vector<int32_t>{1, 1}));
  EXPECT_EQ(from_scalar.OutputFloats(0), (std::vector<float>{-3}));
}

TEST(ReshapeTest, RejectsBadNewShapes) {
  struct Case {
    std::vector<int32_t> in_shape;
    std::vector<int32_t> new_shape;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{2, 3}, {-1, -1}, "more than one -1"},
      {{2, 3}, {-2, 3}, "new_shape[0] = -2 is negative"},
      {{2, 3}, {-1, 4}, "cannot hold input 0's 6 elements"},
      {{0, 3}, {-1, 0}, "cannot hold input 0's 0 elements"},
      {{2, 3}, {4, 2}, "new_shape holds more than input 0's 6 elements"},
      {{2, 3}, {1, 5}, "new_shape holds 5 elements but input 0 has 6"},
      {{2, 3}, {0, 6}, "new_shape holds 0 elements but input 0 has 6"},
      {{1}, {1, 1, 1, 1, 1, 1, 1}, "at most 6"},
      // Huge dims must not overflow the running product.
      {{2}, {65536, 65536, 65536, 65536, 0, 2}, "holds 0 elements"},
      {{2}, {65536, 65536, 65536, 65536, 65536, 2}, "more than input 0's 2 elements"},
  };
  for (const Case& c : cases) {
    int64_t count = 1;
    for (int32_t d : c.in_shape) count *= d;
    OpTester test(schema::OpCode::RESHAPE);
    test.Input(c.in_shape, std::vector<float>(static_cast<size_t>(count)))
        .Output({})
        .Options(NewShape(c.new_shape))
        .InferShapes();
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << c.message;
    EXPECT_NE(test.error().find(c.message), std::string::npos) << test.error();
  }
}

TEST(ReshapeTest, EmptyTensors) {
  OpTester test(schema::OpCode::RESHAPE);
  test.Input({0, 3}, {}).Output({3, 0});
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_TRUE(test.OutputFloats(0).empty());
}

TEST(ReshapeTest, RejectsBadModels) {
  {
    // The interpreter compares the computed shape with the declared one.
    OpTester test(schema::OpCode::RESHAPE);
    test.Input({2, 3}, std::vector<float>(6)).Output({3, 2}).Options(NewShape({2, -1}));
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "declared shape";
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::RESHAPE);
    test.Input({2, 3}, std::vector<float>(6)).Output({4, 2});
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "element count";
    EXPECT_NE(test.error().find("input 0 has 6 elements but the output has 8"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::RESHAPE);
    test.Input({2, 3}, std::vector<float>(6)).Output({6}, schema::TensorType::INT32);
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "type";
  }
  {
    OpTester test(schema::OpCode::RESHAPE);
    test.InputOf<int8_t>({4}, std::vector<int8_t>(4))
        .Quantize({0.5f}, {1})
        .Output({2, 2}, schema::TensorType::INT8)
        .Quantize({0.25f}, {1});
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "quantization";
  }
  {
    OpTester test(schema::OpCode::RESHAPE);
    test.Input({2}, {1, 2}).Input({2}, {1, 2}).Input({2}, {1, 2}).Output({2});
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "three inputs";
  }
  {
    // Options of another op's type are a malformed model, not defaults.
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::SliceOptionsT{});
    OpTester test(schema::OpCode::RESHAPE);
    test.Input({2}, {1, 2}).Output({2, 1}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kReshape), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("options must be ReshapeOptions"), std::string::npos)
        << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedReshape(uint32_t seed, bool constant) {
  std::mt19937 rng(seed);
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const std::vector<T> in = testing::RandomQuantized<T>(rng, 6);
  OpTester test(schema::OpCode::RESHAPE);
  test.InputOf<T>({2, 3}, in, constant)
      .Quantize({q.scale}, {q.zero_point})
      .Output({3, 2}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(NewShape({3, -1}));
  ASSERT_EQ(test.Run(kernels::kReshape), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), in);
}

TEST(ReshapeTest, Int8AndInt16) {
  // Arena inputs share the output's bytes; constant ones are copied.
  for (bool constant : {false, true}) {
    ExpectQuantizedReshape<int8_t>(1, constant);
    ExpectQuantizedReshape<int16_t>(2, constant);
  }
}

TEST(ReshapeTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(kernels::kReshape,
                                             [](bool quantized, float scale, int64_t zero_point) {
                                               OpTester test(schema::OpCode::RESHAPE);
                                               test.InputOf<int8_t>({2, 3}, std::vector<int8_t>(6))
                                                   .Quantize({0.5f}, {-3})
                                                   .Output({3, 2}, schema::TensorType::INT8);
                                               if (quantized) test.Quantize({scale}, {zero_point});
                                               test.Options(NewShape({3, -1}));
                                               return test;
                                             });
}

}  // namespace
}  // namespace ember
