#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

#include "kernels/kernels.h"
#include "tests/testing/op_tester.h"
#include "tests/testing/quantized_copy_test_util.h"

namespace ember {
namespace {

using testing::OpTester;

struct Spec {
  std::vector<int32_t> begin;
  std::vector<int32_t> end;
  std::vector<int32_t> strides;
  int32_t begin_mask = 0;
  int32_t end_mask = 0;
  int32_t ellipsis_mask = 0;
  int32_t new_axis_mask = 0;
  int32_t shrink_axis_mask = 0;
};

schema::OpOptionsUnion Options(const Spec& spec) {
  schema::StridedSliceOptionsT options;
  options.begin = spec.begin;
  options.end = spec.end;
  options.strides = spec.strides;
  options.begin_mask = spec.begin_mask;
  options.end_mask = spec.end_mask;
  options.ellipsis_mask = spec.ellipsis_mask;
  options.new_axis_mask = spec.new_axis_mask;
  options.shrink_axis_mask = spec.shrink_axis_mask;
  schema::OpOptionsUnion u;
  u.Set(std::move(options));
  return u;
}

std::vector<float> Iota(int64_t n) {
  std::vector<float> values(n);
  std::iota(values.begin(), values.end(), 0.0f);
  return values;
}

// ---- Reference: the spec read as a Python/numpy index expression --------
//
// Each entry becomes what it means in x[...]: `...`, np.newaxis, an integer
// (shrink_axis) or a slice start:stop:step with None where a mask bit is set.
// The slice is resolved with Python's slice.indices() rules and expanded into
// the explicit list of indices it selects, so the result is a cartesian
// product of per-dim index lists. TF-specific rules on top of Python's:
// ellipsis beats new_axis beats shrink on one entry, an integer index needs a
// positive stride, and at most one ellipsis.

struct PyIndex {
  enum Kind { kSlice, kInt, kNewAxis, kEllipsis } kind;
  std::optional<int32_t> start, stop;
  int32_t step = 1;
};

// Python's slice(start, stop, step).indices(n), expanded.
std::vector<int32_t> PySliceIndices(std::optional<int32_t> start, std::optional<int32_t> stop,
                                    int32_t step, int32_t n) {
  auto adjust = [&](std::optional<int32_t> v, bool is_start) -> int64_t {
    if (!v) return step < 0 ? (is_start ? n - 1 : -1) : (is_start ? 0 : n);
    int64_t x = *v;
    if (x < 0) {
      x += n;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= n) {
      x = step < 0 ? n - 1 : n;
    }
    return x;
  };
  const int64_t first = adjust(start, true);
  const int64_t last = adjust(stop, false);
  std::vector<int32_t> picks;
  for (int64_t i = first; step > 0 ? i < last : i > last; i += step) {
    picks.push_back(static_cast<int32_t>(i));
  }
  return picks;
}

// Returns false when TF would reject the spec. Otherwise fills the output
// shape and the selected elements of a C-order input `in`.
bool ReferenceSlice(const std::vector<int32_t>& shape, const Spec& spec,
                    const std::vector<float>& in, std::vector<int32_t>* out_shape,
                    std::vector<float>* out) {
  const int rank = static_cast<int>(shape.size());
  std::vector<PyIndex> index;
  int ellipses = 0;
  for (size_t i = 0; i < spec.begin.size(); ++i) {
    const auto bit = [&](int32_t mask) { return (mask >> i) & 1; };
    PyIndex p{};
    if (bit(spec.ellipsis_mask)) {
      p.kind = PyIndex::kEllipsis;
      ++ellipses;
    } else if (bit(spec.new_axis_mask)) {
      p.kind = PyIndex::kNewAxis;
    } else if (bit(spec.shrink_axis_mask)) {
      p.kind = PyIndex::kInt;
      p.start = spec.begin[i];
      if (spec.strides[i] <= 0) return false;
    } else {
      p.kind = PyIndex::kSlice;
      if (!bit(spec.begin_mask)) p.start = spec.begin[i];
      if (!bit(spec.end_mask)) p.stop = spec.end[i];
      p.step = spec.strides[i];
      if (p.step == 0) return false;
    }
    index.push_back(p);
  }
  if (ellipses > 1) return false;
  if (ellipses == 0) index.push_back(PyIndex{PyIndex::kEllipsis, {}, {}, 1});
  int consuming = 0;
  for (const PyIndex& p : index) consuming += p.kind == PyIndex::kSlice || p.kind == PyIndex::kInt;
  if (consuming > rank) return false;

  std::vector<std::vector<int32_t>> picks;
  out_shape->clear();
  for (const PyIndex& p : index) {
    switch (p.kind) {
      case PyIndex::kEllipsis:
        for (int k = 0; k < rank - consuming; ++k) {
          const int32_t n = shape[picks.size()];
          picks.push_back(PySliceIndices({}, {}, 1, n));
          out_shape->push_back(n);
        }
        break;
      case PyIndex::kNewAxis:
        out_shape->push_back(1);
        break;
      case PyIndex::kInt: {
        const int32_t n = shape[picks.size()];
        const int64_t i = *p.start < 0 ? int64_t{*p.start} + n : *p.start;
        if (i < 0 || i >= n) return false;
        picks.push_back({static_cast<int32_t>(i)});
        break;
      }
      case PyIndex::kSlice: {
        picks.push_back(PySliceIndices(p.start, p.stop, p.step, shape[picks.size()]));
        out_shape->push_back(static_cast<int32_t>(picks.back().size()));
        break;
      }
    }
  }
  if (out_shape->size() > 6) return false;
  out->clear();
  std::vector<size_t> at(rank, 0);
  for (const auto& list : picks) {
    if (list.empty()) return true;
  }
  while (true) {
    int64_t flat = 0;
    for (int d = 0; d < rank; ++d) flat = flat * shape[d] + picks[d][at[d]];
    out->push_back(in[flat]);
    int d = rank - 1;
    for (; d >= 0; --d) {
      if (++at[d] < picks[d].size()) break;
      at[d] = 0;
    }
    if (d < 0) break;
  }
  return true;
}

// ---- Hand-worked cases: x = np.arange(24).reshape(2, 3, 4) --------------

struct HandCase {
  const char* numpy;
  Spec spec;
  std::vector<int32_t> shape;
  std::vector<float> values;
};

TEST(StridedSliceTest, HandWorkedFromNumpy) {
  // Expected shapes and values are numpy's result for the expression shown.
  const std::vector<HandCase> cases = {
      {"x[1:, ::-2, -3:]",
       {{1, 0, -3}, {0, 0, 0}, {1, -2, 1}, 0b010, 0b111, 0, 0, 0},
       {1, 2, 3},
       {21, 22, 23, 13, 14, 15}},
      {"x[..., 1]", {{0, 1}, {0, 2}, {1, 1}, 0, 0, 0b01, 0, 0b10}, {2, 3}, {1, 5, 9, 13, 17, 21}},
      {"x[np.newaxis, 0, :, 3:0:-1]",
       {{0, 0, 0, 3}, {0, 1, 0, 0}, {1, 1, 1, -1}, 0b0100, 0b0100, 0, 0b0001, 0b0010},
       {1, 3, 3},
       {3, 2, 1, 7, 6, 5, 11, 10, 9}},
      {"x[-1, -2:, -10:10:3]",
       {{-1, -2, -10}, {0, 0, 10}, {1, 1, 3}, 0, 0b010, 0, 0, 0b001},
       {2, 2},
       {16, 19, 20, 23}},
      {"x[:, 5:0:-1]",
       {{0, 5}, {0, 0}, {1, -1}, 0b01, 0b01, 0, 0, 0},
       {2, 2, 4},
       {8, 9, 10, 11, 4, 5, 6, 7, 20, 21, 22, 23, 16, 17, 18, 19}},
      {"x[0, ..., np.newaxis, ::-3]",
       {{0, 0, 0, 0}, {1, 0, 0, 0}, {1, 1, 1, -3}, 0b1000, 0b1000, 0b0010, 0b0100, 0b0001},
       {3, 1, 2},
       {3, 0, 7, 4, 11, 8}},
      {"x[1:1]", {{1}, {1}, {1}, 0, 0, 0, 0, 0}, {0, 3, 4}, {}},
      // Every dim shrunk: a scalar, element 1 * 12 + 2 * 4 + 3.
      {"x[1, 2, -1]", {{1, 2, -1}, {0, 0, 0}, {1, 1, 1}, 0, 0, 0, 0, 0b111}, {}, {23}},
      {"x[np.newaxis, 0, 0, 0]",
       {{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}, 0, 0, 0, 0b0001, 0b1110},
       {1},
       {0}},
  };
  for (const HandCase& c : cases) {
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3, 4}, Iota(24)).Output(c.shape).Options(Options(c.spec));
    ASSERT_EQ(test.Run(kernels::kStridedSlice), Status::kOk) << c.numpy << ": " << test.error();
    EXPECT_EQ(test.OutputFloats(0), c.values) << c.numpy;
    // Again with the output shape left to the kernel (declared {}).
    OpTester infer(schema::OpCode::STRIDED_SLICE);
    infer.Input({2, 3, 4}, Iota(24)).Output({}).Options(Options(c.spec)).InferShapes();
    ASSERT_EQ(infer.Run(kernels::kStridedSlice), Status::kOk) << c.numpy << ": " << infer.error();
    EXPECT_EQ(infer.OutputShape(0), c.shape) << c.numpy;
    EXPECT_EQ(infer.OutputFloats(0), c.values) << c.numpy;
    // The reference must agree with numpy too, or the sweep proves nothing.
    std::vector<int32_t> shape;
    std::vector<float> values;
    ASSERT_TRUE(ReferenceSlice({2, 3, 4}, c.spec, Iota(24), &shape, &values)) << c.numpy;
    EXPECT_EQ(shape, c.shape) << c.numpy;
    EXPECT_EQ(values, c.values) << c.numpy;
  }
}

TEST(StridedSliceTest, AnyElementSize) {
  // x[::-1] on int8, int64 and a constant input.
  const Spec reverse{{0}, {0}, {-1}, 1, 1, 0, 0, 0};
  OpTester i8(schema::OpCode::STRIDED_SLICE);
  i8.InputOf<int8_t>({4}, {1, -2, 3, -4})
      .Output({4}, schema::TensorType::INT8)
      .Options(Options(reverse));
  ASSERT_EQ(i8.Run(kernels::kStridedSlice), Status::kOk) << i8.error();
  EXPECT_EQ(i8.OutputAs<int8_t>(0), (std::vector<int8_t>{-4, 3, -2, 1}));

  OpTester i64(schema::OpCode::STRIDED_SLICE);
  i64.InputOf<int64_t>({3}, {int64_t{1} << 40, 2, 3}, /*constant=*/true)
      .Output({3}, schema::TensorType::INT64)
      .Options(Options(reverse));
  ASSERT_EQ(i64.Run(kernels::kStridedSlice), Status::kOk) << i64.error();
  EXPECT_EQ(i64.OutputAs<int64_t>(0), (std::vector<int64_t>{3, 2, int64_t{1} << 40}));
}

TEST(StridedSliceTest, RandomSpecsAgainstPythonSemantics) {
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int32_t> dim(0, 4);
  std::uniform_int_distribution<int32_t> bound(-6, 6);
  std::uniform_int_distribution<int32_t> stride_pick(0, 5);
  std::uniform_int_distribution<int32_t> percent(0, 99);
  const int32_t kStrides[] = {-3, -2, -1, 1, 2, 3};
  int valid = 0;
  int invalid = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const int rank = 1 + trial % 4;
    std::vector<int32_t> shape(rank);
    // Mostly non-empty dims; an empty one now and then.
    for (int32_t& d : shape) d = percent(rng) < 90 ? 1 + dim(rng) % 4 : dim(rng);
    std::uniform_int_distribution<int32_t> entry_count(0, rank + 2);
    const int entries = entry_count(rng);
    Spec spec;
    for (int i = 0; i < entries; ++i) {
      spec.begin.push_back(bound(rng));
      spec.end.push_back(bound(rng));
      spec.strides.push_back(kStrides[stride_pick(rng)]);
      if (percent(rng) < 30) spec.begin_mask |= 1 << i;
      if (percent(rng) < 30) spec.end_mask |= 1 << i;
      if (percent(rng) < 15) spec.new_axis_mask |= 1 << i;
      if (percent(rng) < 25) spec.shrink_axis_mask |= 1 << i;
    }
    if (entries > 0 && percent(rng) < 35) {
      std::uniform_int_distribution<int32_t> which(0, entries - 1);
      spec.ellipsis_mask |= 1 << which(rng);
      // Occasionally a second ellipsis, which must be rejected.
      if (percent(rng) < 5) spec.ellipsis_mask |= 1 << which(rng);
    }
    int64_t count = 1;
    for (int32_t d : shape) count *= d;
    const std::vector<float> in = Iota(count);
    std::vector<int32_t> out_shape;
    std::vector<float> expected;
    const bool ok = ReferenceSlice(shape, spec, in, &out_shape, &expected);
    // Invalid specs and every other valid one leave the output shape to the
    // kernel (declared {}), so a rejection comes from the kernel itself.
    const bool infer = !ok || trial % 2 == 1;
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input(shape, in).Output(infer ? std::vector<int32_t>{} : out_shape).Options(Options(spec));
    if (infer) test.InferShapes();
    const Status status = test.Run(kernels::kStridedSlice);
    if (ok) {
      ASSERT_EQ(status, Status::kOk) << "trial " << trial << ": " << test.error();
      ASSERT_EQ(test.OutputShape(0), out_shape) << "trial " << trial;
      ASSERT_EQ(test.OutputFloats(0), expected) << "trial " << trial;
      ++valid;
    } else {
      ASSERT_EQ(status, Status::kInvalidModel) << "trial " << trial;
      ++invalid;
    }
  }
  // Both outcomes must be well represented for the sweep to mean something.
  EXPECT_GT(valid, 1000);
  EXPECT_GT(invalid, 100);
}

TEST(StridedSliceTest, RejectsBadModels) {
  const std::vector<float> in = Iota(6);
  {
    // x[:, 0:3:0]
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({2, 3}).Options(Options({{0, 0}, {0, 3}, {1, 0}, 1, 1, 0, 0, 0}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "zero stride";
    EXPECT_NE(test.error().find("strides[1] is 0"), std::string::npos) << test.error();
  }
  {
    // x[2] on a dim of 2.
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({3}).Options(Options({{2}, {3}, {1}, 0, 0, 0, 0, 1}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "shrink out of range";
  }
  {
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({2, 3}).Options(Options({{0, 0}, {2}, {1, 1}, 0, 0, 0, 0, 0}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "length mismatch";
  }
  {
    // x[0:1] gives [1, 3], not [2, 3].
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({2, 3}).Options(Options({{0}, {1}, {1}, 0, 0, 0, 0, 0}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "output shape";
    // Reported by the interpreter, which compares computed and declared shapes.
    EXPECT_NE(test.error().find("declared"), std::string::npos) << test.error();
  }
  {
    // Three indexed dims on a rank-2 input.
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in)
        .Output({2, 3, 1})
        .Options(Options({{0, 0, 0}, {1, 1, 1}, {1, 1, 1}, 0, 0, 0, 0, 0}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "too many dims";
  }
  {
    // A mask bit beyond the spec's entries.
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({2, 3}).Options(Options({{0}, {1}, {1}, 0b10, 0, 0, 0, 0}));
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "stray mask bit";
  }
  {
    OpTester test(schema::OpCode::STRIDED_SLICE);
    test.Input({2, 3}, in).Output({2, 3});
    EXPECT_EQ(test.Run(kernels::kStridedSlice), Status::kInvalidModel) << "no options";
  }
}

// ---- int8 and int16 ---------------------------------------------------------

template <typename T>
void ExpectQuantizedStridedSlices() {
  // x[1:, ::-2] of x = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] scaled to
  // span T: rows 1 and 2, columns 3 and 1.
  const testing::CopyQuantization q = testing::CopyQuantizationOf<T>();
  const T k = static_cast<T>(sizeof(T) == 1 ? 11 : 2900);
  std::vector<T> in(12);
  for (int i = 0; i < 12; ++i) in[i] = static_cast<T>((i - 6) * k);
  const Spec spec{{1, 0}, {0, 0}, {1, -2}, 2, 3, 0, 0, 0};
  OpTester test(schema::OpCode::STRIDED_SLICE);
  test.InputOf<T>({3, 4}, in)
      .Quantize({q.scale}, {q.zero_point})
      .Output({2, 2}, testing::QuantizedTypeOf<T>())
      .Quantize({q.scale}, {q.zero_point})
      .Options(Options(spec));
  ASSERT_EQ(test.Run(kernels::kStridedSlice), Status::kOk) << test.error();
  EXPECT_EQ(test.OutputAs<T>(0), (std::vector<T>{in[7], in[5], in[11], in[9]}));
}

TEST(StridedSliceTest, Int8AndInt16) {
  ExpectQuantizedStridedSlices<int8_t>();
  ExpectQuantizedStridedSlices<int16_t>();
}

TEST(StridedSliceTest, RejectsQuantizationMismatch) {
  testing::ExpectRejectsQuantizationMismatch(
      kernels::kStridedSlice, [](bool quantized, float scale, int64_t zero_point) {
        OpTester test(schema::OpCode::STRIDED_SLICE);
        test.InputOf<int8_t>({4}, {1, 2, 3, 4})
            .Quantize({0.5f}, {-3})
            .Output({2}, schema::TensorType::INT8);
        if (quantized) test.Quantize({scale}, {zero_point});
        test.Options(Options(Spec{{1}, {3}, {1}, 0, 0, 0, 0, 0}));
        return test;
      });
}

}  // namespace
}  // namespace ember
