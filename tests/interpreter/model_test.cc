// Model::Load: every malformed file is rejected with kInvalidModel and a
// message naming the table, index and field at fault; nothing malformed
// crashes the loader or the interpreter behind it.
#include "interpreter/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/interpreter/test_models.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

// The diamond with its plan: a constant, two inputs, two outputs and a plan,
// so the loader checks every kind of table the interpreter reads.
std::vector<uint8_t> ValidModelFile() {
  ModelBuilder builder = DiamondModel();
  return BuildWithPlan(builder);
}

// Loads `file`; the model is dropped, only the verdict and message matter.
Status LoadFile(const std::vector<uint8_t>& file, std::string* error) {
  LoadedModel loaded(file);
  *error = loaded.reporter.message;
  EXPECT_EQ(loaded.model.loaded(), loaded.status == Status::kOk);
  return loaded.status;
}

// Serializes a valid diamond (with plan) after `mutate` has edited its object
// form, then loads it.
template <typename Mutate>
Status LoadMutated(Mutate mutate, std::string* error) {
  ModelBuilder builder = DiamondModel();
  BuildWithPlan(builder);
  mutate(builder.model());
  return LoadFile(builder.Build(), error);
}

schema::SubgraphT& Main(schema::ModelT& model) { return *model.subgraphs[0]; }

TEST(ModelTest, LoadsEveryTestModelWithAndWithoutPlan) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    std::string error;
    EXPECT_EQ(LoadFile(entry.builder.Build(), &error), Status::kOk) << error;
    EXPECT_EQ(LoadFile(BuildWithPlan(entry.builder), &error), Status::kOk) << error;
    EXPECT_EQ(error, "");
  }
}

TEST(ModelTest, RejectsNullBytes) {
  StringErrorReporter reporter;
  Model model;
  EXPECT_EQ(Model::Load(nullptr, 0, &reporter, &model), Status::kInvalidModel);
  EXPECT_THAT(reporter.message, HasSubstr("shorter than a header"));
  EXPECT_FALSE(model.loaded());
}

// Every strict prefix of a valid file is what a short read or an interrupted
// flash write leaves behind.
TEST(ModelTest, RejectsEveryStrictPrefix) {
  for (NamedModel& entry : AllTestModels()) {
    SCOPED_TRACE(entry.name);
    const std::vector<uint8_t> file = BuildWithPlan(entry.builder);
    const AlignedBuffer bytes(file.data(), file.size());
    for (size_t size = 0; size < file.size(); ++size) {
      SCOPED_TRACE("prefix of " + std::to_string(size) + " of " + std::to_string(file.size()) +
                   " bytes");
      StringErrorReporter reporter;
      Model model;
      ASSERT_EQ(Model::Load(bytes.data(), size, &reporter, &model), Status::kInvalidModel);
      EXPECT_FALSE(model.loaded());
      EXPECT_THAT(reporter.message,
                  HasSubstr(size < 8 ? "shorter than a header" : "truncated or corrupt"));
    }
    StringErrorReporter reporter;
    Model model;
    EXPECT_EQ(Model::Load(bytes.data(), file.size(), &reporter, &model), Status::kOk)
        << reporter.message;
  }
}

TEST(ModelTest, RejectsWrongFileIdentifier) {
  std::vector<uint8_t> file = ValidModelFile();
  std::memcpy(file.data() + 4, "TFL3", 4);
  std::string error;
  EXPECT_EQ(LoadFile(file, &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("wrong file identifier"));
  EXPECT_THAT(error, HasSubstr("EMB1"));
}

// Constants are used in place, so their 16-byte alignment within the file
// only holds if the file itself starts on a 16-byte boundary.
TEST(ModelTest, RejectsMisalignedBytes) {
  const std::vector<uint8_t> file = ValidModelFile();
  AlignedBuffer storage(file.size() + 16);
  for (size_t shift = 1; shift < 16; ++shift) {
    SCOPED_TRACE("shift " + std::to_string(shift));
    std::memcpy(storage.data() + shift, file.data(), file.size());
    StringErrorReporter reporter;
    Model model;
    EXPECT_EQ(Model::Load(storage.data() + shift, file.size(), &reporter, &model),
              Status::kInvalidModel);
    EXPECT_THAT(reporter.message, HasSubstr("16-byte boundary"));
  }
}

TEST(ModelTest, RejectsNewerAndZeroVersion) {
  for (uint32_t version : {kModelFormatVersion + 1, 0u}) {
    std::string error;
    EXPECT_EQ(LoadMutated([version](schema::ModelT& m) { m.version = version; }, &error),
              Status::kInvalidModel);
    EXPECT_THAT(error, HasSubstr("format version " + std::to_string(version)));
  }
}

TEST(ModelTest, RejectsOpInputOutOfRange) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).operators[2]->inputs[1] = 7; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op 2: inputs[1] = 7 is not a tensor index (0..6)"));
}

// -1 means "absent optional input"; any other negative value is corruption.
TEST(ModelTest, RejectsNegativeOpInputOtherThanAbsent) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).operators[1]->inputs[0] = -2; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op 1: inputs[0] = -2"));
}

TEST(ModelTest, AcceptsAbsentOptionalInput) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).operators[1]->inputs[1] = -1; }, &error),
            Status::kOk)
      << error;
}

TEST(ModelTest, RejectsOpOutputOutOfRange) {
  for (int32_t bad : {int32_t{kDiamondTensors}, int32_t{-1}}) {
    std::string error;
    EXPECT_EQ(
        LoadMutated([bad](schema::ModelT& m) { Main(m).operators[3]->outputs[0] = bad; }, &error),
        Status::kInvalidModel);
    EXPECT_THAT(error, HasSubstr("op 3: outputs[0] = " + std::to_string(bad)));
  }
}

TEST(ModelTest, RejectsOpWithoutOutputs) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).operators[1]->outputs.clear(); }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("op 1 (ADD): no outputs"));
}

TEST(ModelTest, RejectsSubgraphInputOutOfRange) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).inputs[1] = 70; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("subgraph 0: inputs[1] = 70 is not a tensor index"));
}

TEST(ModelTest, RejectsSubgraphOutputOutOfRange) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).outputs[0] = -1; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("subgraph 0: outputs[0] = -1 is not a tensor index"));
}

TEST(ModelTest, RejectsBufferIndexOutOfRange) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).tensors[kC]->buffer = 9; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 2 'c': buffer 9 out of range"));
}

// Constant data is read in place with the tensor's shape, so a buffer of any
// other size would be read past its end (or hide a conversion bug).
TEST(ModelTest, RejectsBufferTooShortOrTooLong) {
  for (size_t bytes : {28u, 36u}) {
    std::string error;
    EXPECT_EQ(LoadMutated([bytes](schema::ModelT& m) { m.buffers[1]->data.resize(bytes); }, &error),
              Status::kInvalidModel);
    EXPECT_THAT(error, HasSubstr("tensor 2 'c': buffer 1 holds " + std::to_string(bytes) +
                                 " bytes, shape and type need 32"));
  }
}

TEST(ModelTest, RejectsNegativeDimension) {
  std::string error;
  EXPECT_EQ(LoadMutated([](schema::ModelT& m) { Main(m).tensors[kRight]->shape[1] = -3; }, &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 5 'right': shape[1] = -3 is negative"));
}

TEST(ModelTest, RejectsElementCountOverflow) {
  // 2^16 * 2^16 elements: beyond the runtime's bound and beyond 32-bit bytes.
  std::string error;
  EXPECT_EQ(LoadMutated(
                [](schema::ModelT& m) {
                  Main(m).tensors[kLeft]->shape = {65536, 65536};
                },
                &error),
            Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 4 'left': element count overflows"));
}

TEST(ModelTest, RejectsRankAboveSix) {
  std::string error;
  EXPECT_EQ(
      LoadMutated([](schema::ModelT& m) { Main(m).tensors[kOut]->shape = {1, 1, 1, 1, 1, 2, 8}; },
                  &error),
      Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 6 'out': rank 7 exceeds 6"));
}

TEST(ModelTest, AcceptsRankSix) {
  std::string error;
  EXPECT_EQ(
      LoadMutated([](schema::ModelT& m) { Main(m).tensors[kOut]->shape = {1, 1, 1, 1, 2, 8}; },
                  &error),
      Status::kOk)
      << error;
}

TEST(ModelTest, RejectsPerChannelScalesNotMatchingDimension) {
  ModelBuilder builder = DiamondModel();
  // c is [8]: three scales along dimension 0 match nothing.
  builder.SetQuantization(kC, {0.1f, 0.2f, 0.3f}, {0, 0, 0}, 0);
  std::string error;
  EXPECT_EQ(LoadFile(builder.Build(), &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 2 'c': 3 per-channel scales do not match "
                               "quantized_dimension 0"));
}

TEST(ModelTest, RejectsQuantizedDimensionOutOfRange) {
  ModelBuilder builder = DiamondModel();
  builder.SetQuantization(kSum, {0.1f, 0.2f}, {}, 2);
  std::string error;
  EXPECT_EQ(LoadFile(builder.Build(), &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 3 'sum': 2 per-channel scales do not match "
                               "quantized_dimension 2"));
}

TEST(ModelTest, RejectsZeroPointCountMismatch) {
  ModelBuilder builder = DiamondModel();
  builder.SetQuantization(kA, {0.1f, 0.2f}, {0, 0, 0}, 0);
  std::string error;
  EXPECT_EQ(LoadFile(builder.Build(), &error), Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("tensor 0 'a': quantization has 2 scales but 3 zero points"));
}

TEST(ModelTest, AcceptsMatchingPerChannelQuantization) {
  ModelBuilder builder = DiamondModel();
  builder.SetQuantization(kA, {0.1f, 0.2f}, {0, 1}, 0);
  std::string error;
  EXPECT_EQ(LoadFile(builder.Build(), &error), Status::kOk) << error;
}

TEST(ModelTest, RejectsPlanWithWrongNumberOfOffsets) {
  for (size_t count : {size_t{kDiamondTensors} - 1, size_t{kDiamondTensors} + 1}) {
    std::string error;
    EXPECT_EQ(
        LoadMutated([count](schema::ModelT& m) { m.plan->tensor_offsets.resize(count); }, &error),
        Status::kInvalidModel);
    EXPECT_THAT(error, HasSubstr("plan: 'tensor_offsets' must have one entry per tensor"));
  }
}

TEST(ModelTest, RejectsPlanWithHeadLargerThanArena) {
  std::string error;
  EXPECT_EQ(
      LoadMutated([](schema::ModelT& m) { m.plan->arena_bytes = m.plan->head_bytes - 1; }, &error),
      Status::kInvalidModel);
  EXPECT_THAT(error, HasSubstr("'head_bytes' exceeds 'arena_bytes'"));
}

// A scalar (rank 0) is what MEAN or SUM without keep_dims produce and what a
// converted scalar constant is. The object API writes no vector for an empty
// one, so the builder emits a scalar as a tensor without a 'shape' field; the
// loader must accept that as rank 0 rather than reject it as a missing field.
TEST(ModelTest, AcceptsScalarTensorFromModelBuilder) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4});
  const int two = builder.AddConstant<float>("two", {}, {2.0f});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {4});
  builder.AddOperator(OpCode::ADD, {x, two}, {y});
  builder.SetInputs({x});
  builder.SetOutputs({y});
  LoadedModel loaded(builder.Build());
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;

  InterpreterHarness harness(loaded.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(harness.interpreter.tensor(two).rank, 0);
  const std::vector<float> input = {1, 2, 3, 4};
  std::memcpy(harness.interpreter.input(0).data, input.data(), sizeof(float) * input.size());
  ASSERT_EQ(harness.interpreter.Invoke(), Status::kOk) << harness.reporter.message;
  const float* output = harness.interpreter.output(0).data_as<float>();
  EXPECT_EQ(std::vector<float>(output, output + 4), (std::vector<float>{3, 4, 5, 6}));
}

// Random corruption of a valid file: whatever Load lets through must then be
// allocated and run without crashing, and every refusal must say why. Run
// under ASan to also catch out-of-bounds reads that happen not to crash.
TEST(ModelTest, RandomByteFlipsNeverCrash) {
  std::vector<std::vector<uint8_t>> files;
  files.push_back(ValidModelFile());
  ModelBuilder mixed = MixedSizesModel();
  files.push_back(BuildWithPlan(mixed));
  // Without a plan the built-in planner runs on whatever the flips left.
  files.push_back(ChainModel(4, {8}).Build());

  std::mt19937 rng(20240607);
  constexpr int kTrialsPerFile = 3000;
  int loaded_count = 0;
  int invoked_count = 0;
  for (const std::vector<uint8_t>& file : files) {
    for (int trial = 0; trial < kTrialsPerFile; ++trial) {
      std::string what;
      const std::vector<uint8_t> corrupt = FlipRandomBytes(file, rng, &what);
      SCOPED_TRACE("flips:" + what);
      LoadedModel loaded(corrupt);
      if (loaded.status != Status::kOk) {
        ASSERT_EQ(loaded.status, Status::kInvalidModel);
        ASSERT_FALSE(loaded.reporter.message.empty());
        continue;
      }
      ++loaded_count;
      InterpreterHarness harness(loaded.model, kLargeArena);
      const Status allocated = harness.interpreter.AllocateTensors();
      if (allocated != Status::kOk) {
        ASSERT_FALSE(harness.reporter.message.empty()) << StatusName(allocated);
        ASSERT_EQ(harness.interpreter.Invoke(), Status::kBadState);
        continue;
      }
      const Status invoked = harness.interpreter.Invoke();
      ASSERT_TRUE(invoked == Status::kOk || !harness.reporter.message.empty());
      ++invoked_count;
    }
  }
  // The flips must reach every stage, or the test proves nothing past Load.
  EXPECT_GT(loaded_count, 0);
  EXPECT_GT(invoked_count, 0);
}

}  // namespace
}  // namespace ember::testing
