#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/tflm_data_case.h"

namespace ember {
namespace {

using schema::TensorType;
using testing::OpTester;

schema::OpOptionsUnion Pad(std::vector<int32_t> paddings, float value = 0.0f) {
  schema::PadOptionsT options;
  options.paddings = std::move(paddings);
  options.constant_value = value;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

int64_t Count(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Straightforward reference: an output coordinate inside the copied block
// reads the input at the coordinate minus the leading padding; anything else
// is the pad value.
template <typename T>
std::vector<T> ReferencePad(const std::vector<T>& in, const std::vector<int32_t>& shape,
                            const std::vector<int32_t>& paddings, T pad_value,
                            std::vector<int32_t>* out_shape) {
  const int rank = static_cast<int>(shape.size());
  out_shape->resize(rank);
  for (int d = 0; d < rank; ++d) (*out_shape)[d] = shape[d] + paddings[2 * d] + paddings[2 * d + 1];
  std::vector<T> out(Count(*out_shape));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    int64_t rest = o;
    std::vector<int32_t> coord(rank);
    for (int d = rank - 1; d >= 0; --d) {
      coord[d] = static_cast<int32_t>(rest % (*out_shape)[d]) - paddings[2 * d];
      rest /= (*out_shape)[d];
    }
    bool inside = true;
    int64_t i = 0;
    for (int d = 0; d < rank; ++d) {
      inside = inside && coord[d] >= 0 && coord[d] < shape[d];
      i = i * shape[d] + coord[d];
    }
    out[o] = inside ? in[i] : pad_value;
  }
  return out;
}

TEST(PadTest, HandWorked) {
  // [[1, 2], [3, 4]] with one row above, one column on each side, value 9.
  OpTester test(schema::OpCode::PAD);
  test.Input({2, 2}, {1, 2, 3, 4}).Output({3, 4}).Options(Pad({1, 0, 1, 1}, 9));
  ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{9, 9, 9, 9,  //
                                                      9, 1, 2, 9,  //
                                                      9, 3, 4, 9}));
}

TEST(PadTest, NhwcSpatialPaddingWithConstantInput) {
  // [1, 1, 2, 3] padded to [1, 2, 3, 3]: a zero row below, a zero pixel left.
  OpTester test(schema::OpCode::PAD);
  test.ConstInput({1, 1, 2, 3}, {1, 2, 3, 4, 5, 6})
      .Output({1, 2, 3, 3})
      .Options(Pad({0, 0, 0, 1, 1, 0, 0, 0}));
  ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{0, 0, 0, 1, 2, 3, 4, 5, 6,  //
                                                      0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(PadTest, IntegerAndQuantizedPadValues) {
  OpTester i32(schema::OpCode::PAD);
  i32.InputOf<int32_t>({2}, {5, 6}).Output({4}, schema::TensorType::INT32).Options(Pad({1, 1}, -7));
  ASSERT_EQ(i32.Run(kernels::kPad), Status::kOk) << i32.error();
  EXPECT_EQ(i32.OutputAs<int32_t>(0), (std::vector<int32_t>{-7, 5, 6, -7}));

  OpTester i64(schema::OpCode::PAD);
  i64.InputOf<int64_t>({1}, {int64_t{1} << 40})
      .Output({3}, schema::TensorType::INT64)
      .Options(Pad({2, 0}, 3));
  ASSERT_EQ(i64.Run(kernels::kPad), Status::kOk) << i64.error();
  EXPECT_EQ(i64.OutputAs<int64_t>(0), (std::vector<int64_t>{3, 3, int64_t{1} << 40}));

  // Quantized int8 (scale 0.5, zero point -10): real 0 is q = -10 and real 2
  // is q = 2 / 0.5 - 10 = -6.
  for (const auto& [value, q] : std::vector<std::pair<float, int8_t>>{{0.0f, -10}, {2.0f, -6}}) {
    OpTester i8(schema::OpCode::PAD);
    i8.InputOf<int8_t>({1, 2}, {1, 2})
        .Quantize({0.5f}, {-10})
        .Output({1, 3}, schema::TensorType::INT8)
        .Quantize({0.5f}, {-10})
        .Options(Pad({0, 0, 0, 1}, value));
    ASSERT_EQ(i8.Run(kernels::kPad), Status::kOk) << i8.error();
    EXPECT_EQ(i8.OutputAs<int8_t>(0), (std::vector<int8_t>{1, 2, q}));
  }

  // Quantization saturates: real 1000 is beyond int8 at scale 0.5.
  OpTester saturate(schema::OpCode::PAD);
  saturate.InputOf<int8_t>({1}, {1})
      .Quantize({0.5f}, {0})
      .Output({2}, schema::TensorType::INT8)
      .Quantize({0.5f}, {0})
      .Options(Pad({1, 0}, 1000.0f));
  ASSERT_EQ(saturate.Run(kernels::kPad), Status::kOk) << saturate.error();
  EXPECT_EQ(saturate.OutputAs<int8_t>(0), (std::vector<int8_t>{127, 1}));
}

TEST(PadTest, InfersShapes) {
  // [1, 2] padded by (1, 1) rows and (0, 2) columns with 5: [3, 4].
  OpTester test(schema::OpCode::PAD);
  test.Input({1, 2}, {1, 2}).Output({}).Options(Pad({1, 1, 0, 2}, 5)).InferShapes();
  ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(test.OutputFloats(0), (std::vector<float>{5, 5, 5, 5,  //
                                                      1, 2, 5, 5,  //
                                                      5, 5, 5, 5}));
}

TEST(PadTest, EmptyOutputWithRows) {
  // [3, 0] unpadded: three rows of nothing, and nothing to write.
  OpTester test(schema::OpCode::PAD);
  test.Input({3, 0}, {}).Output({}).Options(Pad({0, 0, 0, 0}, 1)).InferShapes();
  ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputShape(0), (std::vector<int32_t>{3, 0}));
  EXPECT_TRUE(test.OutputFloats(0).empty());
}

TEST(PadTest, SweepAgainstReference) {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int32_t> dim(0, 3);
  std::uniform_int_distribution<int32_t> pad(0, 2);
  std::uniform_real_distribution<float> value(-5.0f, 5.0f);
  int cases = 0;
  // Rank 0 has no paddings: the scalar passes through.
  for (int rank = 0; rank <= 6; ++rank) {
    for (int trial = 0; trial < 12; ++trial) {
      std::vector<int32_t> shape(rank);
      for (int32_t& d : shape) d = trial == 0 ? 1 : dim(rng);
      std::vector<int32_t> paddings(2 * rank);
      for (int32_t& p : paddings) p = pad(rng);
      std::vector<float> in(Count(shape));
      for (float& v : in) v = value(rng);
      const float pad_value = value(rng);
      std::vector<int32_t> out_shape;
      const std::vector<float> expected = ReferencePad(in, shape, paddings, pad_value, &out_shape);
      // Odd trials let the kernel infer the output shape (declared {}).
      const bool infer = trial % 2 == 1;
      OpTester test(schema::OpCode::PAD);
      test.InputOf<float>(shape, in, /*constant=*/trial % 3 == 0)
          .Output(infer ? std::vector<int32_t>{} : out_shape)
          .Options(Pad(paddings, pad_value));
      if (infer) test.InferShapes();
      ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputShape(0), out_shape);
      EXPECT_EQ(test.OutputFloats(0), expected) << "rank " << rank << " trial " << trial;
      ++cases;
    }
  }
  EXPECT_EQ(cases, 84);
}

TEST(PadTest, RejectsBadModels) {
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({3}).Options(Pad({-1, 2}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "negative";
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({3}).Options(Pad({1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "odd paddings";
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({5}).Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({}).Options(Pad({INT32_MAX, 1})).InferShapes();
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "dim overflow";
    EXPECT_NE(test.error().find("padded dim 0 (2147483650) is too large"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int32_t>({2}, {1, 2})
        .Output({4}, schema::TensorType::INT32)
        .Options(Pad({1, 1}, 0.5f));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "0.5 as int32";
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({4});
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "no options";
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).InputOf<int32_t>({1, 2}, {1, 1}, true).Output({4}).Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "paddings operand";
  }
  {
    schema::OpOptionsUnion wrong;
    wrong.Set(schema::SliceOptionsT{});
    OpTester test(schema::OpCode::PAD);
    test.Input({2}, {1, 2}).Output({4}).Options(std::move(wrong));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "options type";
    EXPECT_NE(test.error().find("PadOptions are required, found SliceOptions"), std::string::npos)
        << test.error();
  }
}

// ---- int8 and int16 ---------------------------------------------------------

TEST(PadTest, Int16PadsWithTheQuantizedConstant) {
  // Scale 0.01, zero point 0: 0 pads with 0 and -1.5 with -150.
  for (const auto& [value, q] : std::vector<std::pair<float, int16_t>>{{0.0f, 0}, {-1.5f, -150}}) {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int16_t>({2, 1}, {-32768, 32767})
        .Quantize({0.01f}, {0})
        .Output({2, 3}, TensorType::INT16)
        .Quantize({0.01f}, {0})
        .Options(Pad({0, 0, 1, 1}, value));
    ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
    EXPECT_EQ(test.OutputAs<int16_t>(0), (std::vector<int16_t>{q, -32768, q, q, 32767, q}));
  }
}

template <typename T>
void SweepQuantizedPad(TensorType type, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dim(1, 3);
  std::uniform_int_distribution<int32_t> pad(0, 2);
  std::uniform_int_distribution<int32_t> value(std::numeric_limits<T>::min(),
                                               std::numeric_limits<T>::max());
  for (int rank = 1; rank <= 4; ++rank) {
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<int32_t> shape(rank);
      for (int32_t& d : shape) d = dim(rng);
      std::vector<int32_t> paddings(2 * rank);
      for (int32_t& p : paddings) p = pad(rng);
      std::vector<T> in(Count(shape));
      for (T& v : in) v = static_cast<T>(value(rng));
      const float scale = 0.05f;
      const int32_t zero_point = type == TensorType::INT8 ? 7 : 0;
      // The constant is a quantized value q given as its real value (how a
      // PADV2 constant reaches Ember); it must come back as q.
      const T q = static_cast<T>(value(rng));
      const float real = static_cast<float>(q - zero_point) * scale;
      std::vector<int32_t> out_shape;
      const std::vector<T> expected = ReferencePad(in, shape, paddings, q, &out_shape);
      OpTester test(schema::OpCode::PAD);
      test.InputOf<T>(shape, in)
          .Quantize({scale}, {zero_point})
          .Output(out_shape, type)
          .Quantize({scale}, {zero_point})
          .Options(Pad(paddings, real));
      ASSERT_EQ(test.Run(kernels::kPad), Status::kOk) << test.error();
      EXPECT_EQ(test.OutputAs<T>(0), expected) << "rank " << rank << " trial " << trial;
    }
  }
}

TEST(PadTest, Int8SweepAgainstReference) { SweepQuantizedPad<int8_t>(TensorType::INT8, 41); }

TEST(PadTest, Int16SweepAgainstReference) { SweepQuantizedPad<int16_t>(TensorType::INT16, 42); }

// TFLite's PAD and PADV2 take the paddings as an [rank, 2] int32 operand and
// PADV2 the pad value as a quantized scalar; Ember takes both as options,
// the value as its real number.
template <typename T>
void ExpectPadMatchesTflm(const std::string& name) {
  SCOPED_TRACE(name);
  testing::DataCase<T> golden;
  std::string error;
  ASSERT_TRUE(testing::LoadDataCase(name, &golden, &error)) << error;
  const std::vector<int32_t>& inputs = golden.op.op_inputs;
  float value = 0.0f;
  if (inputs.size() == 3) {
    ASSERT_EQ(golden.op.builtin_code, 60) << "not a PADV2 model";
    const testing::TfliteTensor& constant = golden.op.tensors.at(inputs[2]);
    const int32_t q = static_cast<int8_t>(constant.data.at(0));
    value = static_cast<float>(q - constant.zero_points.at(0)) * constant.scales.at(0);
  } else {
    ASSERT_EQ(golden.op.builtin_code, 34) << "not a PAD model";
  }
  OpTester test(schema::OpCode::PAD);
  golden.AddInput(test, inputs[0]);
  golden.AddOutput(test);
  test.Options(Pad(golden.Int32Values(inputs[1]), value));
  testing::ExpectMatchesGolden(test, kernels::kPad, golden);
}

TEST(PadTest, Int8MatchesTflmZeroPoint) { ExpectPadMatchesTflm<int8_t>("data_pad_zero_point"); }

TEST(PadTest, Int8MatchesTflmPadV2Constant) { ExpectPadMatchesTflm<int8_t>("data_padv2_constant"); }

TEST(PadTest, Int16MatchesTflm) { ExpectPadMatchesTflm<int16_t>("data_i16_pad"); }

TEST(PadTest, QuantizedRejectsBadModels) {
  {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {3})
        .Output({4}, TensorType::INT8)
        .Quantize({0.25f}, {3})
        .Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "scales differ";
    EXPECT_NE(test.error().find("input 0 and output 0 must be quantized alike"), std::string::npos)
        << test.error();
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {3})
        .Output({4}, TensorType::INT8)
        .Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "output unquantized";
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int16_t>({2}, {1, 2})
        .Quantize({0.5f}, {3})
        .Output({4}, TensorType::INT16)
        .Quantize({0.5f}, {3})
        .Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "int16 zero point";
    EXPECT_NE(test.error().find("zero point 0"), std::string::npos) << test.error();
  }
  {
    OpTester test(schema::OpCode::PAD);
    test.InputOf<int8_t>({2}, {1, 2})
        .Quantize({0.5f}, {300})
        .Output({4}, TensorType::INT8)
        .Quantize({0.5f}, {300})
        .Options(Pad({1, 1}));
    EXPECT_EQ(test.Run(kernels::kPad), Status::kInvalidModel) << "int8 zero point";
  }
}

}  // namespace
}  // namespace ember
