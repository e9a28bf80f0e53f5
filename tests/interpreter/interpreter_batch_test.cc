// Interpreter::SetBatchSize: a model planned for max_batch rows runs any batch
// 1..max_batch in the same arena, computing only the rows it is given; the
// verifier's checks of Tensor.batch_dim and Model.max_batch.
#include "interpreter/interpreter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tests/interpreter/test_models.h"

namespace ember::testing {
namespace {

using ::testing::HasSubstr;

constexpr int32_t kMaxBatch = 4;
constexpr int32_t kInFeatures = 3;
constexpr int32_t kOutFeatures = 2;

// Tensor indices of BatchModel.
enum BatchTensor : int32_t {
  kX,
  kWeights,
  kBias,
  kHidden,
  kFlat,
  kRowTermA,
  kRowTermB,
  kRowSum,
  kOut,
};

// A model planned for kMaxBatch rows whose every kind of tensor scales with
// the batch (batch_dim 0):
//   op 0: hidden [4, 2] = FullyConnected(x [4, 3], weights [2, 3], bias [2])
//   op 1: flat [8] = Reshape(hidden, new_shape [-1])
//   op 2: row_sum [8] = row_term_a + row_term_b   (constants only: computed
//         once into the head at AllocateTensors, and again per batch)
//   op 3: out [8] = flat + row_sum
// row_term_a and row_term_b are constants with one value per output entry,
// so at batch b they are seen as their first 2b values.
ModelBuilder BatchModel(bool mark_hidden = true) {
  ModelBuilder builder;
  builder.AddTensor("x", TensorType::FLOAT32, {kMaxBatch, kInFeatures});
  builder.AddConstant<float>("weights", {kOutFeatures, kInFeatures}, Iota(6, -1.0f, 0.5f));
  builder.AddConstant<float>("bias", {kOutFeatures}, {0.25f, -0.5f});
  builder.AddTensor("hidden", TensorType::FLOAT32, {kMaxBatch, kOutFeatures});
  builder.AddTensor("flat", TensorType::FLOAT32, {kMaxBatch * kOutFeatures});
  builder.AddConstant<float>("row_term_a", {kMaxBatch * kOutFeatures}, Iota(8, 10.0f, 1.0f));
  builder.AddConstant<float>("row_term_b", {kMaxBatch * kOutFeatures}, Iota(8, 100.0f, 10.0f));
  builder.AddTensor("row_sum", TensorType::FLOAT32, {kMaxBatch * kOutFeatures});
  builder.AddTensor("out", TensorType::FLOAT32, {kMaxBatch * kOutFeatures});
  schema::OpOptionsUnion fully_connected;
  fully_connected.Set(schema::FullyConnectedOptionsT());
  builder.AddOperator(OpCode::FULLY_CONNECTED, {kX, kWeights, kBias}, {kHidden}, fully_connected);
  schema::ReshapeOptionsT new_shape;
  new_shape.new_shape = {-1};
  schema::OpOptionsUnion reshape;
  reshape.Set(new_shape);
  builder.AddOperator(OpCode::RESHAPE, {kHidden}, {kFlat}, reshape);
  builder.AddOperator(OpCode::ADD, {kRowTermA, kRowTermB}, {kRowSum});
  builder.AddOperator(OpCode::ADD, {kFlat, kRowSum}, {kOut});
  builder.SetInputs({kX});
  builder.SetOutputs({kOut});
  builder.model().max_batch = kMaxBatch;
  for (int t : {kX, kHidden, kFlat, kRowTermA, kRowTermB, kRowSum, kOut}) {
    builder.subgraph().tensors[t]->batch_dim = 0;
  }
  if (!mark_hidden) builder.subgraph().tensors[kHidden]->batch_dim = -1;
  return builder;
}

class BatchResolver : public OpResolver<3> {
 public:
  BatchResolver() {
    Add(kernels::kAdd);
    Add(kernels::kFullyConnected);
    Add(kernels::kReshape);
  }
};

std::vector<uint8_t> BuildBatchModel(ModelBuilder builder) {
  BatchResolver resolver;
  convert::AttachMemoryPlan(builder.model(), resolver);
  return builder.Build();
}

// Input rows for every batch: row r is x[r] = {r + 0.5, -r, 2 - 0.25 r}.
std::vector<float> InputRows(int32_t rows) {
  std::vector<float> x;
  for (int32_t r = 0; r < rows; ++r) {
    x.push_back(static_cast<float>(r) + 0.5f);
    x.push_back(-static_cast<float>(r));
    x.push_back(2.0f - 0.25f * static_cast<float>(r));
  }
  return x;
}

// BatchModel computed by hand for exactly `rows` rows.
std::vector<float> NaiveReference(const std::vector<float>& x, int32_t rows) {
  const std::vector<float> weights = Iota(6, -1.0f, 0.5f);
  const float bias[kOutFeatures] = {0.25f, -0.5f};
  const std::vector<float> row_term_a = Iota(8, 10.0f, 1.0f);
  const std::vector<float> row_term_b = Iota(8, 100.0f, 10.0f);
  std::vector<float> out;
  for (int32_t r = 0; r < rows; ++r) {
    for (int32_t o = 0; o < kOutFeatures; ++o) {
      float sum = bias[o];
      for (int32_t i = 0; i < kInFeatures; ++i) {
        sum += x[r * kInFeatures + i] * weights[o * kInFeatures + i];
      }
      const size_t k = static_cast<size_t>(r * kOutFeatures + o);
      out.push_back(sum + (row_term_a[k] + row_term_b[k]));
    }
  }
  return out;
}

struct BatchHarness {
  explicit BatchHarness(const std::vector<uint8_t>& file, size_t arena_bytes = kLargeArena)
      : loaded(file),
        arena(arena_bytes),
        interpreter(loaded.model, resolver, arena.data(), arena_bytes, &reporter) {}

  LoadedModel loaded;
  BatchResolver resolver;
  AlignedBuffer arena;
  StringErrorReporter reporter;
  Interpreter interpreter;
};

constexpr float kSentinel = -12345.0f;

// Fills the bytes a tensor holds at max_batch beyond its current size with
// kSentinel, and returns how many floats that is.
size_t FillTail(Interpreter& interpreter, int tensor, size_t max_elements) {
  const TensorView view = interpreter.tensor(tensor);
  float* data = view.data_as<float>();
  for (size_t i = static_cast<size_t>(view.num_elements()); i < max_elements; ++i) {
    data[i] = kSentinel;
  }
  return max_elements - static_cast<size_t>(view.num_elements());
}

bool TailUntouched(Interpreter& interpreter, int tensor, size_t max_elements) {
  const TensorView view = interpreter.tensor(tensor);
  const float* data = view.data_as<float>();
  for (size_t i = static_cast<size_t>(view.num_elements()); i < max_elements; ++i) {
    if (data[i] != kSentinel) return false;
  }
  return true;
}

TEST(InterpreterBatchTest, RunsEveryBatchComputingOnlyItsRows) {
  const std::vector<uint8_t> file = BuildBatchModel(BatchModel());
  BatchHarness harness(file);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(interpreter.max_batch_size(), kMaxBatch);
  EXPECT_EQ(interpreter.batch_size(), kMaxBatch);
  EXPECT_TRUE(interpreter.used_file_plan());
  const size_t arena_used = interpreter.arena_used_bytes();
  const size_t head = interpreter.head_bytes();

  // Down, up and down again: each batch must follow from any other.
  for (int32_t rows : {1, 2, 3, 4, 2, 1, 4, 3}) {
    SCOPED_TRACE("batch " + std::to_string(rows));
    ASSERT_EQ(interpreter.SetBatchSize(rows), Status::kOk) << harness.reporter.message;
    EXPECT_EQ(interpreter.batch_size(), rows);
    const TensorView input = interpreter.input(0);
    ASSERT_EQ(input.rank, 2);
    EXPECT_EQ(input.dims[0], rows);
    EXPECT_EQ(input.dims[1], kInFeatures);
    const std::vector<float> x = InputRows(rows);
    ASSERT_EQ(input.bytes(), x.size() * sizeof(float));
    std::memcpy(input.data, x.data(), input.bytes());
    // What lies past the given rows in the planned buffers must stay as it
    // is: the kernels compute only the rows of this batch.
    const size_t hidden_tail = FillTail(interpreter, kHidden, kMaxBatch * kOutFeatures);
    const size_t out_tail = FillTail(interpreter, kOut, kMaxBatch * kOutFeatures);
    EXPECT_EQ(out_tail, static_cast<size_t>((kMaxBatch - rows) * kOutFeatures));
    EXPECT_EQ(hidden_tail, out_tail);
    ASSERT_EQ(interpreter.Invoke(), Status::kOk) << harness.reporter.message;
    EXPECT_TRUE(TailUntouched(interpreter, kHidden, kMaxBatch * kOutFeatures));
    EXPECT_TRUE(TailUntouched(interpreter, kOut, kMaxBatch * kOutFeatures));

    const TensorView output = interpreter.output(0);
    ASSERT_EQ(output.rank, 1);
    ASSERT_EQ(output.dims[0], rows * kOutFeatures);
    const std::vector<float> got(output.data_as<float>(),
                                 output.data_as<float>() + output.num_elements());
    // Sums of a few exactly representable products: float gives them exactly
    // or within an ulp, whatever the summation order.
    const std::vector<float> want = NaiveReference(x, rows);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4f) << "entry " << i;

    EXPECT_EQ(interpreter.arena_used_bytes(), arena_used);
    EXPECT_EQ(interpreter.head_bytes(), head);
  }
}

TEST(InterpreterBatchTest, MaxBatchRestoresTheHeadExactly) {
  const std::vector<uint8_t> file = BuildBatchModel(BatchModel());
  BatchHarness harness(file);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  // The head holds every tensor and op record, the kernels' op data and the
  // statically computed row_sum.
  const uint8_t* head = harness.arena.data();
  const std::vector<uint8_t> allocated(head, head + interpreter.head_bytes());
  ASSERT_EQ(interpreter.SetBatchSize(1), Status::kOk) << harness.reporter.message;
  EXPECT_NE(std::vector<uint8_t>(head, head + interpreter.head_bytes()), allocated);
  ASSERT_EQ(interpreter.SetBatchSize(kMaxBatch), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(std::vector<uint8_t>(head, head + interpreter.head_bytes()), allocated);
}

TEST(InterpreterBatchTest, RejectsBatchOutsideOneToMax) {
  const std::vector<uint8_t> file = BuildBatchModel(BatchModel());
  BatchHarness harness(file);
  Interpreter& interpreter = harness.interpreter;
  EXPECT_EQ(interpreter.SetBatchSize(2), Status::kBadState);
  EXPECT_THAT(harness.reporter.message, HasSubstr("needs a successful AllocateTensors() first"));
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  for (int32_t rows : {0, -1, kMaxBatch + 1}) {
    harness.reporter.message.clear();
    EXPECT_EQ(interpreter.SetBatchSize(rows), Status::kInvalidArgument) << rows;
    EXPECT_THAT(harness.reporter.message, HasSubstr("the batch must be 1..4"));
    EXPECT_EQ(interpreter.batch_size(), kMaxBatch);
  }
  EXPECT_EQ(interpreter.Invoke(), Status::kOk);
}

TEST(InterpreterBatchTest, ModelWithoutMaxBatchHasNoDynamicBatch) {
  ModelBuilder builder = ChainModel(2, {4});
  const std::vector<uint8_t> file = BuildWithPlan(builder);
  LoadedModel loaded(file);
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  InterpreterHarness harness(loaded.model, kLargeArena);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk);
  EXPECT_EQ(harness.interpreter.max_batch_size(), 0);
  EXPECT_EQ(harness.interpreter.SetBatchSize(1), Status::kInvalidArgument);
  EXPECT_THAT(harness.reporter.message, HasSubstr("no dynamic batch"));
}

TEST(InterpreterBatchTest, ResizedInputsCannotChangeBatch) {
  const std::vector<uint8_t> file = BuildBatchModel(BatchModel());
  BatchHarness harness(file);
  const int32_t dims[] = {kMaxBatch, kInFeatures};
  ASSERT_EQ(harness.interpreter.ResizeInput(0, dims, 2), Status::kOk);
  ASSERT_EQ(harness.interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(harness.interpreter.SetBatchSize(2), Status::kBadState);
  EXPECT_THAT(harness.reporter.message, HasSubstr("ResizeInput"));
}

// A tensor whose shape follows the batch but is not marked: the kernel's
// computed shape disagrees with the declared one, which is what proves a
// converter's marks wrong. The interpreter stays at the batch it had.
TEST(InterpreterBatchTest, UnmarkedTensorThatFollowsTheBatchFails) {
  const std::vector<uint8_t> file = BuildBatchModel(BatchModel(/*mark_hidden=*/false));
  BatchHarness harness(file);
  Interpreter& interpreter = harness.interpreter;
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << harness.reporter.message;
  EXPECT_EQ(interpreter.SetBatchSize(2), Status::kInvalidModel);
  EXPECT_THAT(harness.reporter.message, HasSubstr("output tensor 3 'hidden'"));
  EXPECT_THAT(harness.reporter.message, HasSubstr("SetBatchSize(2): op #0 (FULLY_CONNECTED)"));
  EXPECT_EQ(interpreter.batch_size(), kMaxBatch);
  const std::vector<float> x = InputRows(kMaxBatch);
  std::memcpy(interpreter.input(0).data, x.data(), interpreter.input(0).bytes());
  ASSERT_EQ(interpreter.Invoke(), Status::kOk);
  const float* out = interpreter.output(0).data_as<float>();
  EXPECT_EQ(std::vector<float>(out, out + kMaxBatch * kOutFeatures), NaiveReference(x, kMaxBatch));
}

// A value computed once at AllocateTensors whose layout depends on the batch:
//   op 0: columns [2, 4] = Transpose(rows [4, 2] constant)   (static)
//   op 1: out [2, 4] = x [2, 4] + columns
// columns and out follow the batch in dimension 1, so at batch b columns is
// the transpose of the first b rows, not a prefix of its batch-4 bytes.
TEST(InterpreterBatchTest, StaticValueIsRecomputedForTheBatch) {
  ModelBuilder builder;
  const int rows = builder.AddConstant<float>("rows", {kMaxBatch, 2}, Iota(8, 1.0f, 1.0f));
  const int columns = builder.AddTensor("columns", TensorType::FLOAT32, {2, kMaxBatch});
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {2, kMaxBatch});
  const int out = builder.AddTensor("out", TensorType::FLOAT32, {2, kMaxBatch});
  schema::TransposeOptionsT perm;
  perm.perm = {1, 0};
  schema::OpOptionsUnion transpose;
  transpose.Set(perm);
  builder.AddOperator(OpCode::TRANSPOSE, {rows}, {columns}, transpose);
  builder.AddOperator(OpCode::ADD, {x, columns}, {out});
  builder.SetInputs({x});
  builder.SetOutputs({out});
  builder.model().max_batch = kMaxBatch;
  builder.subgraph().tensors[rows]->batch_dim = 0;
  for (int t : {columns, x, out}) builder.subgraph().tensors[t]->batch_dim = 1;
  OpResolver<2> resolver;
  resolver.Add(kernels::kTranspose);
  resolver.Add(kernels::kAdd);
  convert::AttachMemoryPlan(builder.model(), resolver);
  LoadedModel loaded(builder.Build());
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  AlignedBuffer arena(kLargeArena);
  StringErrorReporter reporter;
  Interpreter interpreter(loaded.model, resolver, arena.data(), kLargeArena, &reporter);
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;
  for (int32_t batch : {2, 1, 3, 4}) {
    ASSERT_EQ(interpreter.SetBatchSize(batch), Status::kOk) << reporter.message;
    // x is zero, so out is columns: out[c][r] = rows[r][c] = 1 + 2r + c.
    std::memset(interpreter.input(0).data, 0, interpreter.input(0).bytes());
    ASSERT_EQ(interpreter.Invoke(), Status::kOk) << reporter.message;
    const float* got = interpreter.output(0).data_as<float>();
    for (int32_t c = 0; c < 2; ++c) {
      for (int32_t r = 0; r < batch; ++r) {
        EXPECT_EQ(got[c * batch + r], static_cast<float>(1 + 2 * r + c))
            << "batch " << batch << " column " << c << " row " << r;
      }
    }
  }
}

// A test kernel (registered as NEG) that copies its input and asks for more
// op data, or a larger scratch buffer, the fewer rows it gets: what
// AllocateTensors planned cannot hold a smaller batch.
int32_t RowsShort(OpContext& context) { return kMaxBatch - context.input(0).dims[0]; }

Status CopyEval(OpContext& context) {
  std::memcpy(context.output(0).data, context.input(0).data, context.input(0).bytes());
  return Status::kOk;
}

Status GrowingOpDataPrepare(OpContext& context) {
  if (context.AllocateOpData(16 + 16 * static_cast<size_t>(RowsShort(context))) == nullptr) {
    return Status::kArenaTooSmall;
  }
  return context.SetOutputShape(0, context.input(0).dims, context.input(0).rank);
}

Status GrowingScratchPrepare(OpContext& context) {
  int index = 0;
  EMBER_RETURN_IF_ERROR(context.RequestScratch(16 + 16 * static_cast<size_t>(RowsShort(context)),
                                               &index));
  return context.SetOutputShape(0, context.input(0).dims, context.input(0).rank);
}

std::vector<uint8_t> CopyModel(const Kernel& kernel) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {kMaxBatch});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {kMaxBatch});
  builder.AddOperator(OpCode::NEG, {x}, {y});
  builder.SetInputs({x});
  builder.SetOutputs({y});
  builder.model().max_batch = kMaxBatch;
  builder.subgraph().tensors[x]->batch_dim = 0;
  builder.subgraph().tensors[y]->batch_dim = 0;
  OpResolver<1> resolver;
  resolver.Add(kernel);
  convert::AttachMemoryPlan(builder.model(), resolver);
  return builder.Build();
}

void ExpectSmallerBatchFailsCleanly(const Kernel& kernel, const char* message) {
  const std::vector<uint8_t> file = CopyModel(kernel);
  LoadedModel loaded(file);
  ASSERT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
  OpResolver<1> resolver;
  resolver.Add(kernel);
  AlignedBuffer arena(kLargeArena);
  StringErrorReporter reporter;
  Interpreter interpreter(loaded.model, resolver, arena.data(), kLargeArena, &reporter);
  ASSERT_EQ(interpreter.AllocateTensors(), Status::kOk) << reporter.message;
  const size_t head = interpreter.head_bytes();
  EXPECT_EQ(interpreter.SetBatchSize(kMaxBatch - 1), Status::kArenaTooSmall);
  EXPECT_THAT(reporter.message, HasSubstr(message));
  EXPECT_EQ(interpreter.batch_size(), kMaxBatch);
  EXPECT_EQ(interpreter.head_bytes(), head);
  const float x[kMaxBatch] = {1, 2, 3, 4};
  std::memcpy(interpreter.input(0).data, x, sizeof(x));
  ASSERT_EQ(interpreter.Invoke(), Status::kOk) << reporter.message;
  EXPECT_EQ(interpreter.output(0).dims[0], kMaxBatch);
  EXPECT_EQ(std::memcmp(interpreter.output(0).data, x, sizeof(x)), 0);
}

TEST(InterpreterBatchTest, KernelNeedingMoreOpDataThanPlannedFailsCleanly) {
  const Kernel kernel = {OpCode::NEG, "GROWING_OP_DATA", GrowingOpDataPrepare, CopyEval};
  ExpectSmallerBatchFailsCleanly(kernel, "needs 32 bytes of op data at batch 3, 16 were planned");
}

TEST(InterpreterBatchTest, KernelNeedingLargerScratchThanPlannedFailsCleanly) {
  const Kernel kernel = {OpCode::NEG, "GROWING_SCRATCH", GrowingScratchPrepare, CopyEval};
  ExpectSmallerBatchFailsCleanly(kernel,
                                 "scratch buffer 0: needs 32 bytes at batch 3, 16 were planned");
}

// ---- Verification of batch_dim and max_batch -------------------------------

std::string LoadMessage(ModelBuilder& builder) {
  const std::vector<uint8_t> file = builder.Build();
  LoadedModel loaded(file);
  EXPECT_EQ(loaded.status, Status::kInvalidModel);
  return loaded.reporter.message;
}

TEST(InterpreterBatchTest, VerifierAcceptsTheBatchModel) {
  ModelBuilder builder = BatchModel();
  LoadedModel loaded(builder.Build());
  EXPECT_EQ(loaded.status, Status::kOk) << loaded.reporter.message;
}

TEST(InterpreterBatchTest, VerifierRejectsBatchDimOutsideRank) {
  ModelBuilder builder = BatchModel();
  builder.subgraph().tensors[kHidden]->batch_dim = 2;
  EXPECT_THAT(LoadMessage(builder),
              HasSubstr("tensor 3 'hidden': batch_dim = 2 is outside its rank 2"));
  builder.subgraph().tensors[kHidden]->batch_dim = -3;
  EXPECT_THAT(LoadMessage(builder),
              HasSubstr("tensor 3 'hidden': batch_dim = -3 is outside its rank 2"));
}

TEST(InterpreterBatchTest, VerifierRejectsDimNotAMultipleOfMaxBatch) {
  ModelBuilder builder = BatchModel();
  builder.subgraph().tensors[kHidden]->batch_dim = 1;
  EXPECT_THAT(LoadMessage(builder),
              HasSubstr("tensor 3 'hidden': batch_dim 1: shape[1] = 2 is not a positive "
                        "multiple of max_batch 4"));
}

TEST(InterpreterBatchTest, VerifierRejectsBatchDimWithoutMaxBatch) {
  ModelBuilder builder = BatchModel();
  builder.model().max_batch = 0;
  EXPECT_THAT(LoadMessage(builder),
              HasSubstr("tensor 0 'x': batch_dim = 0 but the model's max_batch is 0"));
}

TEST(InterpreterBatchTest, VerifierRejectsConstantMarkedPastDimensionZero) {
  ModelBuilder builder = BatchModel();
  builder.model().max_batch = 1;
  builder.subgraph().tensors[kWeights]->batch_dim = 1;
  EXPECT_THAT(LoadMessage(builder),
              HasSubstr("tensor 1 'weights': batch_dim = 1 on a constant"));
}

TEST(InterpreterBatchTest, VerifierRejectsNegativeMaxBatch) {
  ModelBuilder builder = ChainModel(1, {4});
  builder.model().max_batch = -2;
  EXPECT_THAT(LoadMessage(builder), HasSubstr("max_batch = -2 is negative"));
}

}  // namespace
}  // namespace ember::testing
