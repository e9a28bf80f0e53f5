// Models and harness pieces shared by the loader, interpreter and no-heap
// tests. Every graph is built from ADD alone: it is the one kernel that is
// always present, and chains and diamonds of it with constants, several inputs
// and several outputs are enough to give the planner real lifetimes to work on.
#ifndef EMBER_TESTS_INTERPRETER_TEST_MODELS_H_
#define EMBER_TESTS_INTERPRETER_TEST_MODELS_H_

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "converter/memory_plan.h"
#include "converter/model_builder.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "interpreter/status.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember {

// Lets gtest print "invalid model" instead of a raw byte when a status differs.
inline void PrintTo(Status status, std::ostream* os) { *os << StatusName(status); }

namespace testing {

using convert::ModelBuilder;
using schema::OpCode;
using schema::TensorType;

// Only ADD is registered, so these tests do not depend on kernels that other
// engineers are still writing, and a model using any other op is unsupported.
class AddOnlyResolver : public OpResolver<1> {
 public:
  AddOnlyResolver() { Add(kernels::kAdd); }
};

// Computes the plan with the interpreter's own planner (as the converter does)
// and serializes the model with it embedded.
inline std::vector<uint8_t> BuildWithPlan(ModelBuilder& builder) {
  AddOnlyResolver resolver;
  convert::AttachMemoryPlan(builder.model(), resolver);
  return builder.Build();
}

// `file` with 1 to 3 random bytes XORed with random non-zero masks; `what`
// describes the flips for failure messages.
inline std::vector<uint8_t> FlipRandomBytes(const std::vector<uint8_t>& file, std::mt19937& rng,
                                            std::string* what) {
  std::vector<uint8_t> corrupt = file;
  const int flips = 1 + static_cast<int>(rng() % 3);
  what->clear();
  for (int f = 0; f < flips; ++f) {
    const size_t at = rng() % corrupt.size();
    const uint8_t mask = static_cast<uint8_t>(1 + rng() % 255);
    corrupt[at] ^= mask;
    *what += " [" + std::to_string(at) + "]^=" + std::to_string(mask);
  }
  return corrupt;
}

inline std::vector<float> Iota(size_t count, float start, float step) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = start + step * static_cast<float>(i);
  return values;
}

inline size_t ElementCount(const std::vector<int32_t>& shape) {
  size_t count = 1;
  for (int32_t dim : shape) count *= static_cast<size_t>(dim);
  return count;
}

// input -> +bias -> t1 -> +bias -> ... -> output: each activation is live for
// two consecutive ops, so a good plan needs room for two of them.
// Tensors: 0 "input", 1 "bias" (constant, Iota(n, 0, 1)), 2.. activations;
// the last one is "output", so output = input + ops * bias.
inline ModelBuilder ChainModel(int ops, const std::vector<int32_t>& shape) {
  ModelBuilder builder;
  const int input = builder.AddTensor("input", TensorType::FLOAT32, shape);
  const int bias = builder.AddConstant<float>("bias", shape, Iota(ElementCount(shape), 0, 1));
  int previous = input;
  for (int op = 0; op < ops; ++op) {
    const std::string name = op == ops - 1 ? "output" : "t" + std::to_string(op + 1);
    const int next = builder.AddTensor(name, TensorType::FLOAT32, shape);
    builder.AddOperator(OpCode::ADD, {previous, bias}, {next});
    previous = next;
  }
  builder.SetInputs({input});
  builder.SetOutputs({previous});
  return builder;
}

// x [rows, 16] -> +bias -> t1 -> ... -> t<ops>, with bias [16] broadcast along the
// rows, so resizing the rows of x resizes every activation.
inline ModelBuilder RowBiasChainModel(int ops, int32_t rows) {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {rows, 16});
  const int bias = builder.AddConstant<float>("bias", {16}, Iota(16, 0, 1));
  int previous = x;
  for (int op = 0; op < ops; ++op) {
    const int next =
        builder.AddTensor("t" + std::to_string(op + 1), TensorType::FLOAT32, {rows, 16});
    builder.AddOperator(OpCode::ADD, {previous, bias}, {next});
    previous = next;
  }
  builder.SetInputs({x});
  builder.SetOutputs({previous});
  return builder;
}

// Tensor indices of DiamondModel.
enum DiamondTensor : int32_t { kA, kB, kC, kSum, kLeft, kRight, kOut, kDiamondTensors };

// Two inputs, a broadcast constant and two outputs, one of which ("sum") is
// also read by later ops:
//   op 0: sum = a + b        op 2: right = sum + b
//   op 1: left = sum + c     op 3: out = left + right   (= 2a + 3b + c)
// a and b are [2, 8]; c is [8] (Iota(8, 0.5, 1)).
inline ModelBuilder DiamondModel() {
  ModelBuilder builder;
  builder.AddTensor("a", TensorType::FLOAT32, {2, 8});
  builder.AddTensor("b", TensorType::FLOAT32, {2, 8});
  builder.AddConstant<float>("c", {8}, Iota(8, 0.5f, 1));
  builder.AddTensor("sum", TensorType::FLOAT32, {2, 8});
  builder.AddTensor("left", TensorType::FLOAT32, {2, 8});
  builder.AddTensor("right", TensorType::FLOAT32, {2, 8});
  builder.AddTensor("out", TensorType::FLOAT32, {2, 8});
  builder.AddOperator(OpCode::ADD, {kA, kB}, {kSum});
  builder.AddOperator(OpCode::ADD, {kSum, kC}, {kLeft});
  builder.AddOperator(OpCode::ADD, {kSum, kB}, {kRight});
  builder.AddOperator(OpCode::ADD, {kLeft, kRight}, {kOut});
  builder.SetInputs({kA, kB});
  builder.SetOutputs({kOut, kSum});
  return builder;
}

// Activations of three sizes whose lifetimes interleave, so the greedy
// planner has to fit small buffers into gaps left by large ones:
//   op 0: y2 = y + y            [32]       op 3: small = y2 + z   [32]
//   op 1: big1 = x + y2         [4, 32]    op 4: out = big2 + small [4, 32]
//   op 2: big2 = big1 + z       [4, 32]
// Inputs x [4, 32], y [32], z [1]; outputs out and small.
inline ModelBuilder MixedSizesModel() {
  ModelBuilder builder;
  const int x = builder.AddTensor("x", TensorType::FLOAT32, {4, 32});
  const int y = builder.AddTensor("y", TensorType::FLOAT32, {32});
  const int z = builder.AddTensor("z", TensorType::FLOAT32, {1});
  const int y2 = builder.AddTensor("y2", TensorType::FLOAT32, {32});
  const int big1 = builder.AddTensor("big1", TensorType::FLOAT32, {4, 32});
  const int big2 = builder.AddTensor("big2", TensorType::FLOAT32, {4, 32});
  const int small = builder.AddTensor("small", TensorType::FLOAT32, {32});
  const int out = builder.AddTensor("out", TensorType::FLOAT32, {4, 32});
  builder.AddOperator(OpCode::ADD, {y, y}, {y2});
  builder.AddOperator(OpCode::ADD, {x, y2}, {big1});
  builder.AddOperator(OpCode::ADD, {big1, z}, {big2});
  builder.AddOperator(OpCode::ADD, {y2, z}, {small});
  builder.AddOperator(OpCode::ADD, {big2, small}, {out});
  builder.SetInputs({x, y, z});
  builder.SetOutputs({out, small});
  return builder;
}

struct NamedModel {
  std::string name;
  ModelBuilder builder;
};

// Every model the plan-size and arena tests run over. The tiny chain has many
// tensors of 16 bytes each, the shape where the planner's own working memory
// is larger than the tensors it places.
inline std::vector<NamedModel> AllTestModels() {
  std::vector<NamedModel> models;
  models.push_back({"single_add", ChainModel(1, {4})});
  models.push_back({"tiny_chain", ChainModel(8, {4})});
  models.push_back({"wide_chain", ChainModel(5, {16, 16})});
  models.push_back({"row_bias_chain", RowBiasChainModel(3, 4)});
  models.push_back({"diamond", DiamondModel()});
  models.push_back({"mixed_sizes", MixedSizesModel()});
  return models;
}

// Model bytes copied to a 16-byte aligned buffer (as Load requires) and
// loaded; the buffer lives as long as the Model that views it.
struct LoadedModel {
  explicit LoadedModel(const std::vector<uint8_t>& file) : bytes(file.data(), file.size()) {
    status = Model::Load(bytes.data(), bytes.size(), &reporter, &model);
  }

  AlignedBuffer bytes;
  StringErrorReporter reporter;
  Model model;
  Status status;
};

// An interpreter over `model` with its own arena of `arena_bytes` that starts
// `misalignment` bytes past a 16-byte boundary.
struct InterpreterHarness {
  InterpreterHarness(const Model& model, size_t arena_bytes, size_t misalignment = 0)
      : arena(arena_bytes + misalignment),
        interpreter(model, resolver, arena.data() + misalignment, arena_bytes, &reporter) {}

  AddOnlyResolver resolver;
  AlignedBuffer arena;
  StringErrorReporter reporter;
  Interpreter interpreter;
};

// Far more than any model in these tests needs.
constexpr size_t kLargeArena = 64 * 1024;

}  // namespace testing
}  // namespace ember

#endif  // EMBER_TESTS_INTERPRETER_TEST_MODELS_H_
