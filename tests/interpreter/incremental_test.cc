// Incremental Invoke (Interpreter::EnableIncrementalInvoke): outputs equal a
// full Invoke's for any sequence of input changes, ops whose inputs did not
// change are not run, an unchanged result stops the change, and an output
// prefix runs only what its slices need.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "tests/interpreter/test_models.h"

namespace ember::testing {
namespace {

constexpr int32_t kWidth = 4;

// Every Eval of the counting kernels below, by op code.
int add_evals = 0;
int maximum_evals = 0;
int pack_evals = 0;

Status CountingAdd(OpContext& context) {
  ++add_evals;
  return kernels::kAdd.eval(context);
}
Status CountingMaximum(OpContext& context) {
  ++maximum_evals;
  return kernels::kMaximum.eval(context);
}
Status CountingPack(OpContext& context) {
  ++pack_evals;
  return kernels::kPack.eval(context);
}

// The resolver keeps pointers: the tables must outlive it.
const Kernel kCountingAdd = {kernels::kAdd.op, "ADD", kernels::kAdd.prepare, CountingAdd};
const Kernel kCountingMaximum = {kernels::kMaximum.op, "MAXIMUM", kernels::kMaximum.prepare,
                                 CountingMaximum};
const Kernel kCountingPack = {kernels::kPack.op, "PACK", kernels::kPack.prepare, CountingPack};

class CountingResolver : public OpResolver<3> {
 public:
  CountingResolver() {
    Add(kCountingAdd);
    Add(kCountingMaximum);
    Add(kCountingPack);
  }
};

// Tensors and ops of StepModel:
//   op 0: a2     = a + a                 (reads a only)
//   op 1: floor  = max(b, limit)         (limit = 100: equal to limit unless b > 100)
//   op 2: step0  = a2 + floor
//   op 3: step1  = step0 + a2            (a chain, like decoder steps)
//   op 4: step2  = step1 + a2
//   op 5: steps  = pack(step0, step1, step2)  [3, kWidth], the model output
enum StepTensor : int32_t { kA, kB, kLimit, kA2, kFloor, kStep0, kStep1, kStep2, kSteps };

std::vector<uint8_t> StepModel() {
  ModelBuilder builder;
  builder.AddTensor("a", TensorType::FLOAT32, {kWidth});
  builder.AddTensor("b", TensorType::FLOAT32, {kWidth});
  builder.AddConstant<float>("limit", {kWidth}, std::vector<float>(kWidth, 100.0f));
  for (const char* name : {"a2", "floor", "step0", "step1", "step2"}) {
    builder.AddTensor(name, TensorType::FLOAT32, {kWidth});
  }
  builder.AddTensor("steps", TensorType::FLOAT32, {3, kWidth});
  schema::OpOptionsUnion add;
  add.Set(schema::ArithmeticOptionsT());
  builder.AddOperator(OpCode::ADD, {kA, kA}, {kA2}, add);
  builder.AddOperator(OpCode::MAXIMUM, {kB, kLimit}, {kFloor});
  builder.AddOperator(OpCode::ADD, {kA2, kFloor}, {kStep0}, add);
  builder.AddOperator(OpCode::ADD, {kStep0, kA2}, {kStep1}, add);
  builder.AddOperator(OpCode::ADD, {kStep1, kA2}, {kStep2}, add);
  schema::PackOptionsT pack_options;
  pack_options.axis = 0;
  schema::OpOptionsUnion pack;
  pack.Set(pack_options);
  builder.AddOperator(OpCode::PACK, {kStep0, kStep1, kStep2}, {kSteps}, pack);
  builder.SetInputs({kA, kB});
  builder.SetOutputs({kSteps});
  CountingResolver resolver;
  convert::AttachMemoryPlan(builder.model(), resolver);
  return builder.Build();
}

// StepModel by hand.
std::vector<float> Reference(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> steps(3 * kWidth);
  for (int i = 0; i < kWidth; ++i) {
    const float a2 = a[i] + a[i];
    const float floor = b[i] > 100.0f ? b[i] : 100.0f;
    steps[i] = a2 + floor;
    steps[kWidth + i] = steps[i] + a2;
    steps[2 * kWidth + i] = steps[kWidth + i] + a2;
  }
  return steps;
}

struct Harness {
  explicit Harness(bool incremental)
      : loaded(StepModel()), arena(kLargeArena),
        interpreter(loaded.model, resolver, arena.data(), arena.size(), &reporter) {
    if (incremental) interpreter.EnableIncrementalInvoke();
  }
  void Feed(const std::vector<float>& a, const std::vector<float>& b) {
    std::memcpy(interpreter.input(0).data, a.data(), a.size() * sizeof(float));
    std::memcpy(interpreter.input(1).data, b.data(), b.size() * sizeof(float));
  }
  std::vector<float> Output() {
    const float* data = interpreter.output(0).data_as<float>();
    return std::vector<float>(data, data + 3 * kWidth);
  }
  void ResetCounts() { add_evals = maximum_evals = pack_evals = 0; }

  LoadedModel loaded;
  CountingResolver resolver;
  AlignedBuffer arena;
  StringErrorReporter reporter;
  Interpreter interpreter;
};

TEST(IncrementalInvokeTest, OutputsEqualTheReferenceOverRandomInputChanges) {
  Harness harness(/*incremental=*/true);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(0.0f, 200.0f);
  std::vector<float> a(kWidth, 1.0f), b(kWidth, 2.0f);
  for (int round = 0; round < 200; ++round) {
    // Change a, b, both, one element, or nothing.
    const int what = static_cast<int>(random() % 5);
    if (what == 0 || what == 2) for (float& v : a) v = value(random);
    if (what == 1 || what == 2) for (float& v : b) v = value(random);
    if (what == 3) b[random() % kWidth] = value(random);
    harness.Feed(a, b);
    ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk) << harness.reporter.message;
    ASSERT_EQ(harness.Output(), Reference(a, b)) << "round " << round;
  }
}

TEST(IncrementalInvokeTest, RunsOnlyTheOpsWhoseInputsChanged) {
  Harness harness(/*incremental=*/true);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  std::vector<float> a = {1, 2, 3, 4}, b = {150, 0, 0, 0};
  harness.Feed(a, b);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals, 4);  // the first Invoke runs everything
  EXPECT_EQ(maximum_evals, 1);

  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals + maximum_evals + pack_evals, 0) << "nothing changed";

  b[0] = 160;  // max(b, limit) changes: everything after it runs, a + a does not
  harness.Feed(a, b);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(maximum_evals, 1);
  EXPECT_EQ(add_evals, 3);
  EXPECT_EQ(pack_evals, 1);
  EXPECT_EQ(harness.Output(), Reference(a, b));

  b[1] = 50;  // below the limit: max(b, limit) is unchanged, so the change stops there
  harness.Feed(a, b);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(maximum_evals, 1);
  EXPECT_EQ(add_evals + pack_evals, 0);
  EXPECT_EQ(harness.Output(), Reference(a, b));

  harness.interpreter.ForgetPreviousInvoke();
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals, 4);
  EXPECT_EQ(maximum_evals, 1);
}

TEST(IncrementalInvokeTest, OutputPrefixRunsOnlyTheStepsItNeeds) {
  Harness harness(/*incremental=*/true);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  std::vector<float> a = {1, 2, 3, 4}, b = {0, 0, 0, 0};
  ASSERT_EQ(harness.interpreter.SetOutputPrefix(0, 1), Status::kOk);
  harness.Feed(a, b);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals, 2);  // a + a and step 0; steps 1 and 2 are not needed
  std::vector<float> expected = Reference(a, b);
  std::vector<float> got = harness.Output();
  EXPECT_EQ(std::vector<float>(got.begin(), got.begin() + kWidth),
            std::vector<float>(expected.begin(), expected.begin() + kWidth));

  // Two steps: step 1 runs now, step 0 stays as it is.
  ASSERT_EQ(harness.interpreter.SetOutputPrefix(0, 2), Status::kOk);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals, 1);
  got = harness.Output();
  EXPECT_EQ(std::vector<float>(got.begin(), got.begin() + 2 * kWidth),
            std::vector<float>(expected.begin(), expected.begin() + 2 * kWidth));

  // Everything again: the skipped step 2 is computed, the output is whole.
  ASSERT_EQ(harness.interpreter.SetOutputPrefix(0, -1), Status::kOk);
  harness.ResetCounts();
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk);
  EXPECT_EQ(add_evals, 1);
  EXPECT_EQ(harness.Output(), expected);
}

TEST(IncrementalInvokeTest, OutputPrefixNeedsIncrementalInvokeAndAPackOutput) {
  Harness plain(/*incremental=*/false);
  ASSERT_EQ(plain.interpreter.AllocateTensors(), Status::kOk);
  EXPECT_EQ(plain.interpreter.SetOutputPrefix(0, 1), Status::kBadState);
  Harness incremental(/*incremental=*/true);
  EXPECT_EQ(incremental.interpreter.SetOutputPrefix(0, 1), Status::kBadState)
      << "before AllocateTensors";
  ASSERT_EQ(incremental.interpreter.AllocateTensors(), Status::kOk);
  EXPECT_EQ(incremental.interpreter.SetOutputPrefix(1, 1), Status::kBadState) << "no output 1";
}

TEST(IncrementalInvokeTest, GivesEveryTensorItsOwnBuffer) {
  Harness plain(/*incremental=*/false);
  ASSERT_EQ(plain.interpreter.AllocateTensors(), Status::kOk);
  Harness incremental(/*incremental=*/true);
  ASSERT_EQ(incremental.interpreter.AllocateTensors(), Status::kOk);
  EXPECT_FALSE(incremental.interpreter.used_file_plan());
  // Nine tensors of 16 bytes or more each get their own buffer.
  EXPECT_GT(incremental.interpreter.arena_used_bytes(), plain.interpreter.arena_used_bytes());
}

}  // namespace
}  // namespace ember::testing
