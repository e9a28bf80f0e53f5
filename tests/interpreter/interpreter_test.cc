// Interpreter: running multi-op models in the caller's arena, the checks
// AllocateTensors applies to the model's memory plan, the arena size contract
// (the planned figure is exactly what is needed) and the call lifecycle.
#include "interpreter/interpreter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/interpreter/test_models.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

void WriteInput(Interpreter& interpreter, size_t index, const std::vector<float>& values) {
  const TensorView view = interpreter.input(index);
  ASSERT_TRUE(view.present());
  ASSERT_EQ(view.bytes(), values.size() * sizeof(float));
  std::memcpy(view.data, values.data(), view.bytes());
}

std::vector<float> ReadOutput(Interpreter& interpreter, size_t index) {
  const TensorView view = interpreter.output(index);
  if (!view.present()) return {};
  const float* data = view.data_as<float>();
  return std::vector<float>(data, data + view.num_elements());
}

std::string ArenaTooSmallMessage(size_t need, size_t have) {
  return "arena too small: need " + std::to_string(need) + " bytes, have " + std::to_string(have);
}

// ---- Running models --------------------------------------------------------

TEST(InterpreterTest, RunsChainWithPlanRepeatedly) {
  ModelBuilder builder = ChainModel(8, {4});
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  // Inputs may be overwritten by later activations, so each run writes them.
  for (int run = 0; run < 3; ++run) {
    const float start = static_cast<float>(run);
    WriteInput(interpreter, 0, Iota(4, start, 1));
    ASSERT_EQ(interpreter.Invoke(), Status::kOk) << harness.reporter.message;
    // output = input + 8 * bias, bias = {0, 1, 2, 3}.
    EXPECT_EQ(ReadOutput(interpreter, 0), Iota(4, start, 9));
  }
}

TEST(InterpreterTest, RunsDiamondWithTwoInputsAndTwoOutputs) {
  ModelBuilder builder = DiamondModel();
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  ASSERT_EQ(interpreter.inputs_size(), 2u);
  ASSERT_EQ(interpreter.outputs_size(), 2u);
  for (int run = 0; run < 3; ++run) {
    const std::vector<float> a = Iota(16, static_cast<float>(run), 1);
    const std::vector<float> b = Iota(16, 100, -2);
    WriteInput(interpreter, 0, a);
    WriteInput(interpreter, 1, b);
    ASSERT_EQ(interpreter.Invoke(), Status::kOk) << harness.reporter.message;
    std::vector<float> out(16), sum(16);
    for (int i = 0; i < 16; ++i) {
      const float c = 0.5f + static_cast<float>(i % 8);
      out[i] = 2 * a[i] + 3 * b[i] + c;
      sum[i] = a[i] + b[i];
    }
    EXPECT_EQ(ReadOutput(interpreter, 0), out);
    EXPECT_EQ(ReadOutput(interpreter, 1), sum);
  }
}

TEST(InterpreterTest, RunsMixedSizesWithPlan) {
  ModelBuilder builder = MixedSizesModel();
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  const std::vector<float> x = Iota(128, -64, 1);
  const std::vector<float> y = Iota(32, 1, 0.5f);
  const float z = 0.25f;
  WriteInput(interpreter, 0, x);
  WriteInput(interpreter, 1, y);
  WriteInput(interpreter, 2, {z});
  ASSERT_EQ(interpreter.Invoke(), Status::kOk) << harness.reporter.message;
  std::vector<float> out(128), small(32);
  for (int j = 0; j < 32; ++j) small[j] = 2 * y[j] + z;
  for (int i = 0; i < 128; ++i) out[i] = x[i] + 2 * y[i % 32] + z + small[i % 32];
  EXPECT_EQ(ReadOutput(interpreter, 0), out);
  EXPECT_EQ(ReadOutput(interpreter, 1), small);
}

// ---- Plan size: the figure in the file is the arena the interpreter uses ---

TEST(InterpreterTest, PlannedBytesEqualArenaUsedBytes) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel loaded(BuildWithPlan(entry.builder));
    ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
    InterpreterHarness harness(loaded.model, kLargeArena);
    ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
    EXPECT_TRUE(harness.interpreter.used_file_plan());
    const schema::MemoryPlan& plan = *loaded.model.root().plan();
    EXPECT_EQ(harness.interpreter.arena_used_bytes(), plan.arena_bytes());
    EXPECT_EQ(harness.interpreter.head_bytes(), plan.head_bytes());
    for (size_t t = 0; t < harness.interpreter.tensors_size(); ++t) {
      EXPECT_EQ(harness.interpreter.tensor_region_offset(static_cast<int>(t)),
                plan.tensor_offsets()->Get(static_cast<uint32_t>(t)))
          << "tensor " << t;
    }
  }
}

TEST(InterpreterTest, BuiltInPlannerMatchesEmbeddedPlan) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel without_plan(entry.builder.Build());
    ASSERT_EQ(without_plan.status, Status::kOk) << without_plan.reporter.message;
    LoadedModel with_plan(BuildWithPlan(entry.builder));
    ASSERT_EQ(with_plan.status, Status::kOk) << with_plan.reporter.message;

    InterpreterHarness harness(without_plan.model, kLargeArena);
    ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
    EXPECT_FALSE(harness.interpreter.used_file_plan());
    EXPECT_EQ(harness.interpreter.arena_used_bytes(), with_plan.model.root().plan()->arena_bytes());
  }
}

// The plan's head must match the kernels the interpreter actually has; when
// it does not (a plan made for other kernels), the built-in planner runs.
TEST(InterpreterTest, FallsBackToBuiltInPlannerWhenHeadDiffers) {
  ModelBuilder builder = DiamondModel();
  BuildWithPlan(builder);
  builder.model().plan->head_bytes -= 16;
  LoadedModel loaded(builder.Build());
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_FALSE(harness.interpreter.used_file_plan());
  EXPECT_EQ(harness.interpreter.arena_used_bytes(), builder.model().plan->arena_bytes);
}

// AllocateTensorsByFilePlan places tensors exactly as AllocateTensors does
// with a matching plan (the offsets the file gives), and refuses, without
// planning, a model with no plan, a plan for other kernels, or resized inputs.
TEST(InterpreterTest, ByFilePlanUsesTheFilePlan) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel loaded(BuildWithPlan(entry.builder));
    ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
    InterpreterHarness harness(loaded.model, kLargeArena);
    ASSERT_EQ(harness.interpreter.AllocateTensorsByFilePlan(), Status::kOk)
        << harness.reporter.message;
    EXPECT_TRUE(harness.interpreter.used_file_plan());
    const schema::MemoryPlan& plan = *loaded.model.root().plan();
    EXPECT_EQ(harness.interpreter.arena_used_bytes(), plan.arena_bytes());
    for (size_t t = 0; t < harness.interpreter.tensors_size(); ++t) {
      EXPECT_EQ(harness.interpreter.tensor_region_offset(static_cast<int>(t)),
                plan.tensor_offsets()->Get(static_cast<uint32_t>(t)))
          << "tensor " << t;
    }
  }
  ModelBuilder builder = DiamondModel();
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensorsByFilePlan(), Status::kOk);
  WriteInput(harness.interpreter, 0, Iota(16, 1, 1));
  WriteInput(harness.interpreter, 1, Iota(16, -3, 0.5f));
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk) << harness.reporter.message;
  std::vector<float> expected(16);
  for (int i = 0; i < 16; ++i) {
    expected[i] = 2 * (1.0f + i) + 3 * (-3 + 0.5f * i) + (0.5f + static_cast<float>(i % 8));
  }
  EXPECT_EQ(ReadOutput(harness.interpreter, 0), expected);
}

TEST(InterpreterTest, ByFilePlanRefusesModelsWithoutAMatchingPlan) {
  ModelBuilder without_plan = DiamondModel();
  LoadedModel unplanned(without_plan.Build());
  ASSERT_EQ(unplanned.status, Status::kOk) << unplanned.reporter.message;
  InterpreterHarness harness(unplanned.model, kLargeArena);
  EXPECT_EQ(harness.interpreter.AllocateTensorsByFilePlan(), Status::kUnsupported);
  EXPECT_NE(harness.reporter.message.find("no memory plan"), std::string::npos)
      << harness.reporter.message;
  EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);

  ModelBuilder other_kernels = DiamondModel();
  BuildWithPlan(other_kernels);
  other_kernels.model().plan->head_bytes -= 16;
  LoadedModel mismatched(other_kernels.Build());
  ASSERT_EQ(mismatched.status, Status::kOk) << mismatched.reporter.message;
  InterpreterHarness mismatched_harness(mismatched.model, kLargeArena);
  EXPECT_EQ(mismatched_harness.interpreter.AllocateTensorsByFilePlan(), Status::kUnsupported);
  EXPECT_NE(mismatched_harness.reporter.message.find("does not match"), std::string::npos)
      << mismatched_harness.reporter.message;

  ModelBuilder resized = RowBiasChainModel(3, 2);
  LoadedModel planned(BuildWithPlan(resized));
  ASSERT_EQ(planned.status, Status::kOk) << planned.reporter.message;
  InterpreterHarness resized_harness(planned.model, kLargeArena);
  const int32_t dims[] = {5, 16};
  ASSERT_EQ(resized_harness.interpreter.ResizeInput(0, dims, 2), Status::kOk);
  EXPECT_EQ(resized_harness.interpreter.AllocateTensorsByFilePlan(), Status::kUnsupported);
}

// ---- Arena size contract ---------------------------------------------------

// The planned arena_bytes is both sufficient and necessary: an arena of
// exactly that size works, one byte less fails naming both figures.
TEST(InterpreterTest, ArenaOfExactlyPlannedBytesSucceeds) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel loaded(BuildWithPlan(entry.builder));
    ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
    const size_t planned = loaded.model.root().plan()->arena_bytes();
    InterpreterHarness harness(loaded.model, planned);
    const Status status = harness.interpreter.AllocateTensors();
    EXPECT_EQ(status, Status::kOk) << harness.reporter.message;
    if (status == Status::kOk) {
      EXPECT_EQ(harness.interpreter.arena_used_bytes(), planned);
    }
  }
}

TEST(InterpreterTest, ArenaOneByteShortNamesPlannedBytes) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel loaded(BuildWithPlan(entry.builder));
    ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
    const size_t planned = loaded.model.root().plan()->arena_bytes();
    InterpreterHarness harness(loaded.model, planned - 1);
    EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kArenaTooSmall);
    EXPECT_EQ(harness.reporter.message, ArenaTooSmallMessage(planned, planned - 1));
    EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);
  }
}

// Without a plan in the file the arena need is only known after planning; the
// figure the interpreter reports must still be the one it then uses.
TEST(InterpreterTest, BuiltInPlannerArenaContract) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    LoadedModel loaded(entry.builder.Build());
    ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
    size_t used = 0;
    {
      InterpreterHarness harness(loaded.model, kLargeArena);
      ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
      used = harness.interpreter.arena_used_bytes();
    }
    InterpreterHarness exact(loaded.model, used);
    EXPECT_EQ(exact.interpreter.AllocateTensors(), Status::kOk) << exact.reporter.message;
    InterpreterHarness short_by_one(loaded.model, used - 1);
    EXPECT_EQ(short_by_one.interpreter.AllocateTensors(), Status::kArenaTooSmall);
    EXPECT_EQ(short_by_one.reporter.message, ArenaTooSmallMessage(used, used - 1));
  }
}

// An arena pointer off a 16-byte boundary costs the bytes up to the next
// boundary and nothing more.
TEST(InterpreterTest, MisalignedArenaLosesOnlyAlignmentBytes) {
  ModelBuilder builder = DiamondModel();
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  const size_t planned = loaded.model.root().plan()->arena_bytes();
  for (size_t misalignment = 1; misalignment < 16; ++misalignment) {
    SCOPED_TRACE("arena starts " + std::to_string(misalignment) + " bytes past a boundary");
    const size_t lost = 16 - misalignment;
    InterpreterHarness fits(loaded.model, planned + lost, misalignment);
    ASSERT_EQ(fits.interpreter.AllocateTensors(), Status::kOk) << fits.reporter.message;
    EXPECT_EQ(fits.interpreter.arena_used_bytes(), planned);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(fits.interpreter.input(0).data) % 16, 0u);
    WriteInput(fits.interpreter, 0, Iota(16, 0, 1));
    WriteInput(fits.interpreter, 1, Iota(16, 0, 1));
    EXPECT_EQ(fits.interpreter.Invoke(), Status::kOk) << fits.reporter.message;

    InterpreterHarness short_by_one(loaded.model, planned + lost - 1, misalignment);
    EXPECT_EQ(short_by_one.interpreter.AllocateTensors(), Status::kArenaTooSmall);
    EXPECT_EQ(short_by_one.reporter.message, ArenaTooSmallMessage(planned, planned - 1));
  }
}

TEST(InterpreterTest, ArenaSmallerThanAlignmentLossFailsCleanly) {
  ModelBuilder builder = DiamondModel();
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, 3, 7);
  EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kArenaTooSmall);
  EXPECT_THAT(harness.reporter.message, HasSubstr("have 0"));
}

TEST(InterpreterTest, NullArenaFailsCleanly) {
  ModelBuilder builder = DiamondModel();
  LoadedModel loaded(builder.Build());
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  AddOnlyResolver resolver;
  StringErrorReporter reporter;
  Interpreter interpreter(loaded.model, resolver, nullptr, 4096, &reporter);
  EXPECT_EQ(interpreter.AllocateTensors(), Status::kArenaTooSmall);
  EXPECT_THAT(reporter.message, HasSubstr("arena too small"));
}

// A tensor of 2^29 int64 elements passes the loader's element bound but holds
// 2^32 bytes, which does not fit the planner's 32-bit sizes. Whichever layer
// catches it, it must never be "placed" in a 64 KiB arena.
TEST(InterpreterTest, TensorOfFourGibibytesIsNeverPlacedInSmallArena) {
  ModelBuilder builder;
  const int big = builder.AddTensor("big", TensorType::INT64, {1 << 29});
  const int a = builder.AddTensor("a", TensorType::FLOAT32, {4});
  const int b = builder.AddTensor("b", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {a, a}, {b});
  builder.SetInputs({big, a});
  builder.SetOutputs({big, b});
  LoadedModel loaded(builder.Build());
  if (loaded.status != Status::kOk) {
    EXPECT_EQ(loaded.status, Status::kInvalidModel);
    EXPECT_THAT(loaded.reporter.message, HasSubstr("tensor 0 'big'"));
    return;
  }
  InterpreterHarness harness(loaded.model, kLargeArena);
  const Status status = harness.interpreter.AllocateTensors();
  EXPECT_TRUE(status == Status::kArenaTooSmall || status == Status::kInvalidModel)
      << StatusName(status) << ": arena_used_bytes() = " << harness.interpreter.arena_used_bytes()
      << " for a model input of " << harness.interpreter.tensor(big).bytes() << " bytes";
}

// ---- Plan checks at AllocateTensors ---------------------------------------

// Builds the diamond with its plan, lets `mutate` edit the plan and runs
// AllocateTensors on the result in a large arena.
template <typename Mutate>
Status AllocateWithEditedPlan(Mutate mutate, std::string* error) {
  ModelBuilder builder = DiamondModel();
  BuildWithPlan(builder);
  mutate(*builder.model().plan);
  LoadedModel loaded(builder.Build());
  if (loaded.status != Status::kOk) {
    *error = loaded.reporter.message;
    return loaded.status;
  }
  InterpreterHarness harness(loaded.model, kLargeArena);
  const Status status = harness.interpreter.AllocateTensors();
  *error = harness.reporter.message;
  if (status != Status::kOk) {
    EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);
  }
  return status;
}

TEST(InterpreterPlanTest, RejectsTwoLiveTensorsAtTheSameOffset) {
  // a and b are both model inputs, live together until op 0 reads them.
  std::string error;
  EXPECT_EQ(
      AllocateWithEditedPlan(
          [](schema::MemoryPlanT& plan) { plan.tensor_offsets[kB] = plan.tensor_offsets[kA]; },
          &error),
      Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: buffers 0 and 1 are live at the same time and overlap"));
}

TEST(InterpreterPlanTest, RejectsPartiallyOverlappingTensors) {
  // a and sum (64 bytes each) are both live during op 0; moving sum 16 bytes
  // off a's start (staying inside the region) makes them share 48 bytes.
  std::string error;
  EXPECT_EQ(AllocateWithEditedPlan(
                [](schema::MemoryPlanT& plan) {
                  const uint32_t a = plan.tensor_offsets[kA];
                  plan.tensor_offsets[kSum] = a >= 16 ? a - 16 : a + 16;
                },
                &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: buffers 0 and 3 are live at the same time and overlap"));
}

TEST(InterpreterPlanTest, RejectsOffsetOutsideRegion) {
  std::string error;
  uint64_t region = 0;
  EXPECT_EQ(AllocateWithEditedPlan(
                [&region](schema::MemoryPlanT& plan) {
                  region = plan.arena_bytes - plan.head_bytes;
                  plan.tensor_offsets[kOut] = static_cast<uint32_t>(region - 48);
                },
                &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: tensor 6 'out' at offset " + std::to_string(region - 48) +
                               " (64 bytes)"));
  EXPECT_THAT(error, HasSubstr("outside the planned region of " + std::to_string(region)));
}

// An offset near 2^32 must not wrap around when its size is added.
TEST(InterpreterPlanTest, RejectsOffsetThatWouldWrap) {
  std::string error;
  EXPECT_EQ(
      AllocateWithEditedPlan(
          [](schema::MemoryPlanT& plan) { plan.tensor_offsets[kLeft] = 0xFFFFFFF0u; }, &error),
      Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: tensor 4 'left' at offset 4294967280"));
}

TEST(InterpreterPlanTest, RejectsMisalignedOffset) {
  std::string error;
  EXPECT_EQ(AllocateWithEditedPlan(
                [](schema::MemoryPlanT& plan) { plan.tensor_offsets[kRight] += 4; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: tensor 5 'right' at offset"));
  EXPECT_THAT(error, HasSubstr("misaligned"));
}

TEST(InterpreterPlanTest, RejectsOffsetForConstant) {
  std::string error;
  EXPECT_EQ(AllocateWithEditedPlan([](schema::MemoryPlanT& plan) { plan.tensor_offsets[kC] = 0; },
                                   &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: tensor 2 'c': offset 0 given for a constant"));
}

TEST(InterpreterPlanTest, RejectsArenaTensorWithoutOffset) {
  std::string error;
  EXPECT_EQ(
      AllocateWithEditedPlan(
          [](schema::MemoryPlanT& plan) { plan.tensor_offsets[kSum] = kConstantTensorOffset; },
          &error),
      Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("plan: tensor 3 'sum': offset 4294967295 missing for an arena "
                               "tensor"));
}

// Models whose graph (not plan) is inconsistent; the converter refuses to plan
// them, so they reach the interpreter without a plan.
Status AllocateGraph(const ModelBuilder& builder, std::string* error) {
  LoadedModel loaded(builder.Build());
  if (loaded.status != Status::kOk) {
    *error = loaded.reporter.message;
    return loaded.status;
  }
  InterpreterHarness harness(loaded.model, kLargeArena);
  const Status status = harness.interpreter.AllocateTensors();
  *error = harness.reporter.message;
  return status;
}

TEST(InterpreterPlanTest, RejectsReadBeforeWrite) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int early = builder.AddTensor("early", TensorType::FLOAT32, {4});
  const int late = builder.AddTensor("late", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, late}, {early});
  builder.AddOperator(OpCode::ADD, {x, x}, {late});
  builder.SetInputs({x});
  builder.SetOutputs({early});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op #0 (ADD) reads tensor 2 'late' before any op writes it"));
}

TEST(InterpreterPlanTest, RejectsTensorWrittenTwice) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, x}, {y});
  builder.AddOperator(OpCode::ADD, {x, y}, {y});
  builder.SetInputs({x});
  builder.SetOutputs({y});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op #1 (ADD) writes tensor 1 'y'"));
  EXPECT_THAT(error, HasSubstr("written by an earlier op"));
}

TEST(InterpreterPlanTest, RejectsOpWritingModelInput) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {y, y}, {x});
  builder.SetInputs({x, y});
  builder.SetOutputs({x});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op #0 (ADD) writes tensor 0 'x'"));
}

TEST(InterpreterPlanTest, RejectsOpWritingConstant) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int k = builder.AddConstant<float>("k", {4}, {1, 2, 3, 4});
  builder.AddOperator(OpCode::ADD, {x, x}, {k});
  builder.SetInputs({x});
  builder.SetOutputs({k});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op #0 (ADD) writes tensor 1 'k', which is a constant"));
}

TEST(InterpreterPlanTest, RejectsOutputNeverWritten) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  const int orphan = builder.AddTensor("orphan", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, x}, {y});
  builder.SetInputs({x});
  builder.SetOutputs({y, orphan});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("output tensor 2 'orphan' is never written"));
}

TEST(InterpreterPlanTest, RejectsConstantModelInput) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int k = builder.AddConstant<float>("k", {4}, {1, 2, 3, 4});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, k}, {y});
  builder.SetInputs({x, k});
  builder.SetOutputs({y});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("input tensor 1 'k' is a constant"));
}

// ---- Unsupported ops -------------------------------------------------------

TEST(InterpreterTest, UnregisteredOpIsUnsupportedNamingOpAndIndex) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  const int z = builder.AddTensor("z", TensorType::FLOAT32, {4});
  const int w = builder.AddTensor("w", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, x}, {y});
  builder.AddOperator(OpCode::MUL, {y, x}, {z});
  builder.AddOperator(OpCode::SUB, {z, x}, {w});
  builder.SetInputs({x});
  builder.SetOutputs({w});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kUnsupported);
  EXPECT_THAT(error, HasSubstr("op #1 (MUL): no kernel registered"));
  EXPECT_THAT(error, HasSubstr("2 op(s) without a kernel"));
}

// ---- Shapes: declared shapes and ResizeInput --------------------------------

TEST(InterpreterShapeTest, DeclaredOutputShapeMustMatchComputedShape) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {2, 4});
  const int out = builder.AddTensor("out", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, x}, {out});
  builder.SetInputs({x});
  builder.SetOutputs({out});
  std::string error;
  EXPECT_EQ(AllocateGraph(builder, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op #0 (ADD): output tensor 1 'out' is declared with rank 1 but "
                               "the op computes rank 2"));
}

TEST(InterpreterShapeTest, DisabledDeclaredShapeCheckUsesComputedShape) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {2, 4});
  const int out = builder.AddTensor("out", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, x}, {out});
  builder.SetInputs({x});
  builder.SetOutputs({out});
  LoadedModel loaded(builder.Build());
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  harness.interpreter.DisableDeclaredShapeCheck();
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  const TensorView output = harness.interpreter.output(0);
  ASSERT_EQ(output.rank, 2);
  EXPECT_EQ(output.dim(0), 2);
  EXPECT_EQ(output.dim(1), 4);
  WriteInput(harness.interpreter, 0, Iota(8, 0, 1));
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(ReadOutput(harness.interpreter, 0), Iota(8, 0, 2));
}

// A resized input makes the file's plan stale, so the built-in planner places
// the tensors for the new sizes.
TEST(InterpreterShapeTest, ResizedInputRunsWithBuiltInPlanner) {
  ModelBuilder builder = RowBiasChainModel(3, 2);
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  const int32_t dims[] = {5, 16};
  ASSERT_EQ(interpreter.ResizeInput(0, dims, 2), Status::kOk) << harness.reporter.message;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_FALSE(interpreter.used_file_plan());
  EXPECT_GT(interpreter.arena_used_bytes(), loaded.model.root().plan()->arena_bytes());
  ASSERT_EQ(interpreter.output(0).rank, 2);
  EXPECT_EQ(interpreter.output(0).dim(0), 5);
  WriteInput(interpreter, 0, Iota(80, 0, 1));
  ASSERT_EQ(interpreter.Invoke(), Status::kOk) << harness.reporter.message;
  std::vector<float> expected(80);
  for (int i = 0; i < 80; ++i) expected[i] = static_cast<float>(i + 3 * (i % 16));
  EXPECT_EQ(ReadOutput(interpreter, 0), expected);
}

// The file's arena_bytes describes the declared shapes only; after a resize
// to smaller inputs the interpreter must not demand it, just what the new
// sizes need.
TEST(InterpreterShapeTest, ShrunkInputNeedsOnlyItsOwnArena) {
  ModelBuilder builder = RowBiasChainModel(3, 64);
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  const int32_t dims[] = {2, 16};
  size_t needed = 0;
  {
    InterpreterHarness harness(loaded.model, kLargeArena);
    ASSERT_EQ(harness.interpreter.ResizeInput(0, dims, 2), Status::kOk);
    ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
    needed = harness.interpreter.arena_used_bytes();
  }
  ASSERT_LT(needed, loaded.model.root().plan()->arena_bytes());
  InterpreterHarness harness(loaded.model, needed);
  ASSERT_EQ(harness.interpreter.ResizeInput(0, dims, 2), Status::kOk);
  EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
}

TEST(InterpreterShapeTest, ResizeInputAfterAllocateTensorsIsBadState) {
  ModelBuilder builder = RowBiasChainModel(2, 2);
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  const int32_t dims[] = {4, 16};
  EXPECT_EQ(harness.interpreter.ResizeInput(0, dims, 2), Status::kBadState);
  EXPECT_THAT(harness.reporter.message,
              HasSubstr("ResizeInput() must come before AllocateTensors()"));
}

TEST(InterpreterShapeTest, ResizeInputRejectsBadArguments) {
  ModelBuilder builder = RowBiasChainModel(2, 2);
  LoadedModel loaded(BuildWithPlan(builder));
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  const int32_t dims[] = {1, 1, 1, 1, 1, 1, 16};
  EXPECT_EQ(interpreter.ResizeInput(1, dims, 2), Status::kInvalidArgument);
  EXPECT_THAT(harness.reporter.message, HasSubstr("ResizeInput(1): no such input"));
  EXPECT_EQ(interpreter.ResizeInput(0, dims, 7), Status::kInvalidArgument);
  EXPECT_THAT(harness.reporter.message, HasSubstr("rank 7 outside 0..6"));
  const int32_t negative[] = {2, -16};
  EXPECT_EQ(interpreter.ResizeInput(0, negative, 2), Status::kInvalidArgument);
  EXPECT_THAT(harness.reporter.message, HasSubstr("ResizeInput(0): dimension 1 is negative"));
  // Rejected calls leave the interpreter usable with the declared shapes.
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_TRUE(interpreter.used_file_plan());
}

// ---- Lifecycle -------------------------------------------------------------

class InterpreterLifecycleTest : public ::testing::Test {
 protected:
  InterpreterLifecycleTest() : builder_(DiamondModel()), loaded_(BuildWithPlan(builder_)) {}

  void SetUp() override { ASSERT_EQ(loaded_.status, Status::kOk) << loaded_.reporter.message; }

  ModelBuilder builder_;
  LoadedModel loaded_;
};

TEST_F(InterpreterLifecycleTest, InvokeBeforeAllocateTensorsIsBadState) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);
  EXPECT_THAT(harness.reporter.message, HasSubstr("Invoke() needs a successful AllocateTensors()"));
}

TEST_F(InterpreterLifecycleTest, AllocateTensorsTwiceIsBadState) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kBadState);
  EXPECT_THAT(harness.reporter.message, HasSubstr("AllocateTensors() may be called once"));
  // The failed second call leaves the first allocation usable.
  EXPECT_EQ(harness.interpreter.Invoke(), Status::kOk) << harness.reporter.message;
}

TEST_F(InterpreterLifecycleTest, AllocateTensorsAfterFailureIsBadState) {
  InterpreterHarness harness(loaded_.model, 64);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kArenaTooSmall);
  EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kBadState);
  EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);
}

TEST_F(InterpreterLifecycleTest, UnloadedModelIsBadState) {
  Model unloaded;
  InterpreterHarness harness(unloaded, kLargeArena);
  EXPECT_EQ(harness.interpreter.AllocateTensors(), Status::kBadState);
  EXPECT_THAT(harness.reporter.message, HasSubstr("the model was not loaded"));
  EXPECT_EQ(harness.interpreter.Invoke(), Status::kBadState);
}

// An application that ignores a failed Load still holds an Interpreter; its
// accessors must answer "nothing there" instead of dereferencing the missing
// model. Run in a child process so a crash fails this test alone.
TEST_F(InterpreterLifecycleTest, AccessorsOnUnloadedModelDoNotCrash) {
  EXPECT_EXIT(
      {
        Model unloaded;
        InterpreterHarness harness(unloaded, kLargeArena);
        Interpreter& interpreter = harness.interpreter;
        const bool empty = interpreter.inputs_size() == 0 && interpreter.outputs_size() == 0 &&
                           !interpreter.input(0).present() && !interpreter.output(0).present() &&
                           interpreter.input_name(0) == nullptr &&
                           interpreter.FindInput("a") == -1 && interpreter.FindOutput("out") == -1;
        std::exit(empty ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(InterpreterLifecycleTest, ViewsAreAbsentBeforeAllocateTensors) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  EXPECT_FALSE(harness.interpreter.input(0).present());
  EXPECT_FALSE(harness.interpreter.output(0).present());
}

TEST_F(InterpreterLifecycleTest, OutOfRangeViewsAreAbsent) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_TRUE(harness.interpreter.input(1).present());
  EXPECT_FALSE(harness.interpreter.input(2).present());
  EXPECT_FALSE(harness.interpreter.input(static_cast<size_t>(-1)).present());
  EXPECT_TRUE(harness.interpreter.output(1).present());
  EXPECT_FALSE(harness.interpreter.output(2).present());
  EXPECT_EQ(harness.interpreter.input_name(2), nullptr);
  EXPECT_EQ(harness.interpreter.output_name(2), nullptr);
}

TEST_F(InterpreterLifecycleTest, FindsInputsAndOutputsByName) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  const Interpreter& interpreter = harness.interpreter;
  EXPECT_EQ(interpreter.FindInput("a"), 0);
  EXPECT_EQ(interpreter.FindInput("b"), 1);
  EXPECT_EQ(interpreter.FindInput("out"), -1);
  EXPECT_EQ(interpreter.FindInput(""), -1);
  EXPECT_EQ(interpreter.FindOutput("out"), 0);
  EXPECT_EQ(interpreter.FindOutput("sum"), 1);
  EXPECT_EQ(interpreter.FindOutput("a"), -1);
  EXPECT_STREQ(interpreter.input_name(1), "b");
  EXPECT_STREQ(interpreter.output_name(1), "sum");
}

// A view found by name is the same tensor the index gives.
TEST_F(InterpreterLifecycleTest, ViewByNameMatchesViewByIndex) {
  InterpreterHarness harness(loaded_.model, kLargeArena);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  const int sum = interpreter.FindOutput("sum");
  ASSERT_GE(sum, 0);
  EXPECT_EQ(interpreter.output(static_cast<size_t>(sum)).data, interpreter.tensor(kSum).data);
  EXPECT_EQ(interpreter.input(static_cast<size_t>(interpreter.FindInput("b"))).data,
            interpreter.tensor(kB).data);
}

}  // namespace
}  // namespace ember::testing
