// TF1 while loops and TensorArrays, which the converter unrolls
// (docs/control-flow.md): small frames built as tf.while_loop writes them are
// converted, run, and compared with the same loop written in plain C++. The
// loop inputs are Placeholders, so nothing folds away before the run, and a
// data-dependent bound is checked for trip counts below, at and above the
// constant maximum. Graphs the unrolling cannot handle must be rejected with
// a message that says why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "converter/convert.h"
#include "converter/error.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tests/converter/tf/graph_def_builder.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember {
namespace {

using ::testing::HasSubstr;
using convert::tf::test_util::AddFloatConst;
using convert::tf::test_util::AddInt32Const;
using convert::tf::test_util::AddNode;
using convert::tf::test_util::AddPlaceholder;
using convert::tf::test_util::SetBool;
using convert::tf::test_util::SetInt;
using convert::tf::test_util::SetShape;
using convert::tf::test_util::SetString;
using convert::tf::test_util::SetType;

// A model input: its name and shape ({} is a scalar).
struct InputSpec {
  std::string name;
  std::vector<int32_t> shape;
};

// Writes `def` where the test may write, converts it with the given inputs
// and outputs, and removes the file. Throws what ConvertTensorFlow throws.
convert::ConvertResult ConvertGraph(const tensorflow::GraphDef& def,
                                    const std::vector<InputSpec>& inputs,
                                    const std::vector<std::string>& outputs) {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path = ::testing::TempDir() + "ember_control_flow_" + test->test_suite_name() +
                           "_" + test->name() + ".pb";
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    const std::string bytes = def.SerializeAsString();
    EXPECT_NE(file, nullptr) << path;
    if (file == nullptr) return {};
    std::fwrite(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
  }
  convert::ConvertOptions options;
  for (const InputSpec& input : inputs) {
    options.inputs.push_back(input.name);
    options.input_shapes[input.name] = input.shape;
  }
  options.outputs = outputs;
  struct RemoveOnExit {
    std::string path;
    ~RemoveOnExit() { std::remove(path.c_str()); }
  } remove_on_exit{path};
  return convert::ConvertTensorFlow(path, options);
}

// The conversion's error message, or "" when it converts.
std::string ConversionError(const tensorflow::GraphDef& def, const std::vector<InputSpec>& inputs,
                            const std::vector<std::string>& outputs) {
  try {
    ConvertGraph(def, inputs, outputs);
  } catch (const convert::ConvertError& error) {
    return error.what();
  }
  return "";
}

// A converted model loaded into an interpreter, run as often as the test
// likes. Owns the model bytes, resolver and arena the interpreter points
// into, so it is neither copied nor moved.
class LoadedModel {
 public:
  explicit LoadedModel(const convert::ConvertResult& converted)
      : model_bytes_(converted.model.data(), converted.model.size()),
        arena_(converted.arena_bytes) {
    if (Model::Load(model_bytes_.data(), model_bytes_.size(), &reporter_, &model_) != Status::kOk) {
      ADD_FAILURE() << "load failed: " << reporter_.message;
      return;
    }
    kernels::RegisterAllKernels(resolver_);
    interpreter_ = std::make_unique<Interpreter>(model_, resolver_, arena_.data(), arena_.size(),
                                                 &reporter_);
    if (interpreter_->AllocateTensors() != Status::kOk) {
      ADD_FAILURE() << "allocate failed: " << reporter_.message;
      interpreter_.reset();
    }
  }
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  bool ready() const { return interpreter_ != nullptr; }

  // The operators in execution order, as opcode names.
  std::vector<std::string> Ops() const {
    std::vector<std::string> ops;
    for (const schema::Operator* op : *model_.main_subgraph().operators()) {
      ops.push_back(schema::EnumNameOpCode(op->opcode()));
    }
    return ops;
  }

  template <typename T>
  void SetInput(const std::string& name, const std::vector<T>& values) {
    const int index = interpreter_->FindInput(name.c_str());
    ASSERT_GE(index, 0) << "no input " << name;
    const TensorView view = interpreter_->input(static_cast<size_t>(index));
    ASSERT_EQ(view.bytes(), values.size() * sizeof(T)) << name;
    std::memcpy(view.data, values.data(), view.bytes());
  }

  bool Invoke() {
    if (interpreter_->Invoke() == Status::kOk) return true;
    ADD_FAILURE() << "invoke failed: " << reporter_.message;
    return false;
  }

  template <typename T>
  std::vector<T> Output(const std::string& name, TensorType type) {
    const int index = interpreter_->FindOutput(name.c_str());
    EXPECT_GE(index, 0) << "no output " << name;
    if (index < 0) return {};
    const TensorView view = interpreter_->output(static_cast<size_t>(index));
    EXPECT_EQ(view.type, type) << name;
    if (view.type != type) return {};
    const T* data = view.data_as<T>();
    return std::vector<T>(data, data + view.num_elements());
  }

 private:
  AlignedBuffer model_bytes_;
  AlignedBuffer arena_;
  StringErrorReporter reporter_;
  Model model_;
  OpResolver<256> resolver_;
  std::unique_ptr<Interpreter> interpreter_;
};

void ExpectFloatsNear(const std::vector<float>& actual, const std::vector<float>& expected,
                      const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t k = 0; k < expected.size(); ++k) {
    EXPECT_NEAR(actual[k], expected[k], 1e-5f * (1.0f + std::abs(expected[k])))
        << what << "[" << k << "]";
  }
}

// ---- frames as tf.while_loop writes them ----

tensorflow::NodeDef* AddEnter(tensorflow::GraphDef* def, const std::string& name,
                              const std::string& input, const std::string& frame,
                              tensorflow::DataType type, bool is_constant) {
  tensorflow::NodeDef* node = AddNode(def, name, "Enter", {input});
  SetType(node, "T", type);
  SetString(node, "frame_name", frame);
  SetBool(node, "is_constant", is_constant);
  SetInt(node, "parallel_iterations", 10);
  return node;
}

// Loop variable `var` of the loop whose nodes are named `frame`/...: its
// Enter, Merge, Switch on `frame`/LoopCond, body value `frame`/Identity_`var`,
// value after the loop `frame`/Exit_`var`, and NextIteration of `next`.
void AddLoopVariable(tensorflow::GraphDef* def, const std::string& frame, const std::string& var,
                     const std::string& initial, const std::string& next,
                     tensorflow::DataType type) {
  const std::string prefix = frame + "/";
  AddEnter(def, prefix + "Enter_" + var, initial, frame, type, false);
  SetType(AddNode(def, prefix + "Merge_" + var, "Merge",
                  {prefix + "Enter_" + var, prefix + "NextIteration_" + var}),
          "T", type);
  SetType(AddNode(def, prefix + "Switch_" + var, "Switch",
                  {prefix + "Merge_" + var, prefix + "LoopCond"}),
          "T", type);
  SetType(AddNode(def, prefix + "Identity_" + var, "Identity", {prefix + "Switch_" + var + ":1"}),
          "T", type);
  SetType(AddNode(def, prefix + "Exit_" + var, "Exit", {prefix + "Switch_" + var}), "T", type);
  SetType(AddNode(def, prefix + "NextIteration_" + var, "NextIteration", {next}), "T", type);
}

void AddBinary(tensorflow::GraphDef* def, const std::string& name, const std::string& op,
               const std::string& a, const std::string& b, tensorflow::DataType type) {
  SetType(AddNode(def, name, op, {a, b}), "T", type);
}

// The counter `i` (int32, from 0, +1 per iteration) of the loop `frame`.
void AddCounter(tensorflow::GraphDef* def, const std::string& frame) {
  AddInt32Const(def, frame + "_i0", {0}, {});
  AddLoopVariable(def, frame, "i", frame + "_i0", frame + "/i_next", tensorflow::DT_INT32);
  AddInt32Const(def, frame + "/one", {1}, {}, {"^" + frame + "/Identity_i"});
  AddBinary(def, frame + "/i_next", "Add", frame + "/Identity_i", frame + "/one",
            tensorflow::DT_INT32);
}

// acc = acc * 0.5 + x over a [2,3] input "x", from acc = 1.
void AddHalvingAccumulator(tensorflow::GraphDef* def) {
  AddPlaceholder(def, "x");
  AddFloatConst(def, "acc0", std::vector<float>(6, 1.0f), {2, 3});
  AddEnter(def, "while/Enter_x", "x", "while", tensorflow::DT_FLOAT, true);
  AddLoopVariable(def, "while", "acc", "acc0", "while/acc_next", tensorflow::DT_FLOAT);
  AddFloatConst(def, "while/half", {0.5f}, {}, {"^while/Identity_i"});
  AddBinary(def, "while/acc_scaled", "Mul", "while/Identity_acc", "while/half",
            tensorflow::DT_FLOAT);
  AddBinary(def, "while/acc_next", "AddV2", "while/acc_scaled", "while/Enter_x",
            tensorflow::DT_FLOAT);
  AddNode(def, "acc_out", "Identity", {"while/Exit_acc"});
}

// The condition `i < limit` and, with a run-time bound, `&& i OP n` for an
// int32 scalar input "n" (with Less: tf.while_loop's maximum_iterations
// pattern).
void AddCondition(tensorflow::GraphDef* def, int32_t limit, bool runtime_bound,
                  const std::string& runtime_op = "Less") {
  AddInt32Const(def, "while/limit", {limit}, {}, {"^while/Merge_i"});
  AddBinary(def, "while/below_limit", "Less", "while/Merge_i", "while/limit",
            tensorflow::DT_INT32);
  std::string condition = "while/below_limit";
  if (runtime_bound) {
    AddPlaceholder(def, "n", tensorflow::DT_INT32);
    AddEnter(def, "while/Enter_n", "n", "while", tensorflow::DT_INT32, true);
    AddBinary(def, "while/below_n", runtime_op, "while/Merge_i", "while/Enter_n",
              tensorflow::DT_INT32);
    AddNode(def, "while/both", "LogicalAnd", {"while/below_limit", "while/below_n"});
    condition = "while/both";
  }
  AddNode(def, "while/LoopCond", "LoopCond", {condition});
}

const std::vector<float> kX = {0.5f, -1.25f, 2.0f, 3.5f, -0.75f, 8.0f};

// The plain C++ loop: i and acc after `while (i < limit && i < n)`, or
// `i != n` with `not_equal`.
struct HalvingLoop {
  int32_t i = 0;
  std::vector<float> acc;
};

HalvingLoop HalvingLoopReference(int32_t limit, int32_t n, bool not_equal = false) {
  HalvingLoop loop;
  loop.acc = std::vector<float>(kX.size(), 1.0f);
  for (; loop.i < limit && (not_equal ? loop.i != n : loop.i < n); ++loop.i) {
    for (size_t k = 0; k < loop.acc.size(); ++k) loop.acc[k] = loop.acc[k] * 0.5f + kX[k];
  }
  return loop;
}

TEST(ControlFlowTest, ConstantBoundUnrollsWithoutSelects) {
  tensorflow::GraphDef def;
  AddCounter(&def, "while");
  AddHalvingAccumulator(&def);
  AddCondition(&def, 5, /*runtime_bound=*/false);

  const convert::ConvertResult converted = ConvertGraph(def, {{"x", {2, 3}}}, {"acc_out"});
  LoadedModel model(converted);
  ASSERT_TRUE(model.ready());
  const std::vector<std::string> ops = model.Ops();
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "SELECT"), 0)
      << "a constant bound needs no run-time select";
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "LOGICAL_AND"), 0);

  model.SetInput("x", kX);
  ASSERT_TRUE(model.Invoke());
  ExpectFloatsNear(model.Output<float>("acc_out", TensorType::FLOAT32),
                   HalvingLoopReference(5, 5).acc, "acc_out");
}

TEST(ControlFlowTest, RuntimeBoundStopsAtTheFirstFalseCondition) {
  constexpr int32_t kLimit = 6;
  tensorflow::GraphDef def;
  AddCounter(&def, "while");
  AddHalvingAccumulator(&def);
  AddCondition(&def, kLimit, /*runtime_bound=*/true);
  AddNode(&def, "i_out", "Identity", {"while/Exit_i"});

  const convert::ConvertResult converted =
      ConvertGraph(def, {{"x", {2, 3}}, {"n", {}}}, {"acc_out", "i_out"});
  LoadedModel model(converted);
  ASSERT_TRUE(model.ready());
  for (int32_t n : {0, 1, 3, 6, 9}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    model.SetInput("x", kX);
    model.SetInput("n", std::vector<int32_t>{n});
    ASSERT_TRUE(model.Invoke());
    const HalvingLoop expected = HalvingLoopReference(kLimit, n);
    EXPECT_EQ(model.Output<int32_t>("i_out", TensorType::INT32), std::vector<int32_t>{expected.i});
    ExpectFloatsNear(model.Output<float>("acc_out", TensorType::FLOAT32), expected.acc, "acc_out");
  }
}

// `i != n` is false at i = n and true again after it: the loop must stay
// stopped, so iteration k runs only if the conditions of 0..k all held.
TEST(ControlFlowTest, RuntimeConditionThatTurnsTrueAgainStaysStopped) {
  constexpr int32_t kLimit = 6;
  tensorflow::GraphDef def;
  AddCounter(&def, "while");
  AddHalvingAccumulator(&def);
  AddCondition(&def, kLimit, /*runtime_bound=*/true, "NotEqual");
  AddNode(&def, "i_out", "Identity", {"while/Exit_i"});

  const convert::ConvertResult converted =
      ConvertGraph(def, {{"x", {2, 3}}, {"n", {}}}, {"acc_out", "i_out"});
  LoadedModel model(converted);
  ASSERT_TRUE(model.ready());
  for (int32_t n : {0, 2, 5, 6, 9}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    model.SetInput("x", kX);
    model.SetInput("n", std::vector<int32_t>{n});
    ASSERT_TRUE(model.Invoke());
    const HalvingLoop expected = HalvingLoopReference(kLimit, n, /*not_equal=*/true);
    EXPECT_EQ(model.Output<int32_t>("i_out", TensorType::INT32), std::vector<int32_t>{expected.i});
    ExpectFloatsNear(model.Output<float>("acc_out", TensorType::FLOAT32), expected.acc, "acc_out");
  }
}

// The condition reads a loop variable: `while i < 6 && sum < 10: sum += x`
// for a scalar input x, so the trip count follows from the data.
TEST(ControlFlowTest, RuntimeConditionOnALoopVariable) {
  constexpr int32_t kLimit = 6;
  constexpr float kThreshold = 10.0f;
  tensorflow::GraphDef def;
  AddCounter(&def, "while");
  AddPlaceholder(&def, "x");
  AddFloatConst(&def, "sum0", {0.0f}, {});
  AddEnter(&def, "while/Enter_x", "x", "while", tensorflow::DT_FLOAT, true);
  AddLoopVariable(&def, "while", "sum", "sum0", "while/sum_next", tensorflow::DT_FLOAT);
  AddBinary(&def, "while/sum_next", "AddV2", "while/Identity_sum", "while/Enter_x",
            tensorflow::DT_FLOAT);
  AddInt32Const(&def, "while/limit", {kLimit}, {}, {"^while/Merge_i"});
  AddBinary(&def, "while/below_limit", "Less", "while/Merge_i", "while/limit",
            tensorflow::DT_INT32);
  AddFloatConst(&def, "while/threshold", {kThreshold}, {}, {"^while/Merge_i"});
  AddBinary(&def, "while/below_threshold", "Less", "while/Merge_sum", "while/threshold",
            tensorflow::DT_FLOAT);
  AddNode(&def, "while/both", "LogicalAnd", {"while/below_limit", "while/below_threshold"});
  AddNode(&def, "while/LoopCond", "LoopCond", {"while/both"});
  AddNode(&def, "sum_out", "Identity", {"while/Exit_sum"});
  AddNode(&def, "i_out", "Identity", {"while/Exit_i"});

  const convert::ConvertResult converted = ConvertGraph(def, {{"x", {}}}, {"sum_out", "i_out"});
  LoadedModel model(converted);
  ASSERT_TRUE(model.ready());
  for (float x : {-1.0f, 0.5f, 2.5f, 4.0f, 20.0f}) {
    SCOPED_TRACE("x = " + std::to_string(x));
    int32_t i = 0;
    float sum = 0.0f;
    for (; i < kLimit && sum < kThreshold; ++i) sum += x;
    model.SetInput("x", std::vector<float>{x});
    ASSERT_TRUE(model.Invoke());
    EXPECT_EQ(model.Output<int32_t>("i_out", TensorType::INT32), std::vector<int32_t>{i});
    ExpectFloatsNear(model.Output<float>("sum_out", TensorType::FLOAT32), {sum}, "sum_out");
  }
}

// ---- TensorArrays ----

constexpr int32_t kSteps = 5;
constexpr int32_t kWidth = 2;

tensorflow::NodeDef* AddTensorArray(tensorflow::GraphDef* def, const std::string& name,
                                    const std::string& size) {
  tensorflow::NodeDef* node = AddNode(def, name, "TensorArrayV3", {size});
  SetType(node, "dtype", tensorflow::DT_FLOAT);
  SetShape(node, "element_shape", {kWidth});
  SetBool(node, "dynamic_size", false);
  SetBool(node, "clear_after_read", true);
  SetBool(node, "identical_element_shapes", true);
  SetString(node, "tensor_array_name", "");
  return node;
}

// dynamic_rnn's shape: the [5,2] input "seq" is scattered into a TensorArray;
// step i reads element i, updates state = state * 0.5 + element and writes
// state * element to the output TensorArray, while i < 5 && i `runtime_op` n.
// After the loop: the gathered outputs "outputs", their count "size" and
// "state_out".
tensorflow::GraphDef TensorArrayLoop(bool dynamic_size, const std::string& runtime_op = "Less") {
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "seq");
  AddInt32Const(&def, "steps", {kSteps}, {});
  AddInt32Const(&def, "range_start", {0}, {});
  AddInt32Const(&def, "range_delta", {1}, {});
  SetType(AddNode(&def, "indices", "Range", {"range_start", "steps", "range_delta"}), "Tidx",
          tensorflow::DT_INT32);
  AddTensorArray(&def, "input_ta", "steps");
  tensorflow::NodeDef* scatter = AddNode(&def, "input_ta/scatter", "TensorArrayScatterV3",
                                         {"input_ta", "indices", "seq", "input_ta:1"});
  SetType(scatter, "T", tensorflow::DT_FLOAT);
  SetBool(AddTensorArray(&def, "output_ta", "steps"), "dynamic_size", dynamic_size);
  AddFloatConst(&def, "state0", std::vector<float>(kWidth, 0.25f), {kWidth});

  AddCounter(&def, "while");
  AddCondition(&def, kSteps, /*runtime_bound=*/true, runtime_op);
  AddEnter(&def, "while/Enter_input_handle", "input_ta", "while", tensorflow::DT_RESOURCE, true);
  AddEnter(&def, "while/Enter_input_flow", "input_ta/scatter", "while", tensorflow::DT_FLOAT, true);
  AddEnter(&def, "while/Enter_output_handle", "output_ta", "while", tensorflow::DT_RESOURCE, true);
  AddLoopVariable(&def, "while", "state", "state0", "while/state_next", tensorflow::DT_FLOAT);
  AddLoopVariable(&def, "while", "flow", "output_ta:1", "while/write", tensorflow::DT_FLOAT);

  SetType(AddNode(&def, "while/read", "TensorArrayReadV3",
                  {"while/Enter_input_handle", "while/Identity_i", "while/Enter_input_flow"}),
          "dtype", tensorflow::DT_FLOAT);
  AddFloatConst(&def, "while/half", {0.5f}, {}, {"^while/Identity_i"});
  AddBinary(&def, "while/state_scaled", "Mul", "while/Identity_state", "while/half",
            tensorflow::DT_FLOAT);
  AddBinary(&def, "while/state_next", "AddV2", "while/state_scaled", "while/read",
            tensorflow::DT_FLOAT);
  AddBinary(&def, "while/output", "Mul", "while/state_next", "while/read", tensorflow::DT_FLOAT);
  SetType(AddNode(&def, "while/write", "TensorArrayWriteV3",
                  {"while/Enter_output_handle", "while/Identity_i", "while/output",
                   "while/Identity_flow"}),
          "T", tensorflow::DT_FLOAT);

  tensorflow::NodeDef* gather = AddNode(&def, "outputs", "TensorArrayGatherV3",
                                        {"output_ta", "indices", "while/Exit_flow"});
  SetType(gather, "dtype", tensorflow::DT_FLOAT);
  SetShape(gather, "element_shape", {kWidth});
  AddNode(&def, "size", "TensorArraySizeV3", {"output_ta", "while/Exit_flow"});
  AddNode(&def, "state_out", "Identity", {"while/Exit_state"});
  return def;
}

// Converts TensorArrayLoop with `runtime_op` and checks it for each n.
void CheckTensorArrayLoop(const std::string& runtime_op, const std::vector<int32_t>& ns) {
  const convert::ConvertResult converted = ConvertGraph(
      TensorArrayLoop(/*dynamic_size=*/false, runtime_op), {{"seq", {kSteps, kWidth}}, {"n", {}}},
      {"outputs", "size", "state_out"});
  LoadedModel model(converted);
  ASSERT_TRUE(model.ready());
  // One select per step for the state, and one per output element, not one
  // per element per step: a later step's activity implies an earlier one's.
  const std::vector<std::string> ops = model.Ops();
  EXPECT_EQ(std::count(ops.begin(), ops.end(), "SELECT"), 2 * kSteps);
  std::vector<float> seq(kSteps * kWidth);
  for (size_t k = 0; k < seq.size(); ++k) seq[k] = 0.75f * static_cast<float>(k) - 2.5f;
  for (int32_t n : ns) {
    SCOPED_TRACE(runtime_op + " n = " + std::to_string(n));
    std::vector<float> state(kWidth, 0.25f);
    std::vector<float> outputs(kSteps * kWidth, 0.0f);  // never written: zeros
    for (int32_t i = 0; i < kSteps && (runtime_op == "Less" ? i < n : i != n); ++i) {
      for (int32_t c = 0; c < kWidth; ++c) {
        const float element = seq[static_cast<size_t>(i * kWidth + c)];
        state[static_cast<size_t>(c)] = state[static_cast<size_t>(c)] * 0.5f + element;
        outputs[static_cast<size_t>(i * kWidth + c)] = state[static_cast<size_t>(c)] * element;
      }
    }
    model.SetInput("seq", seq);
    model.SetInput("n", std::vector<int32_t>{n});
    ASSERT_TRUE(model.Invoke());
    ExpectFloatsNear(model.Output<float>("outputs", TensorType::FLOAT32), outputs, "outputs");
    ExpectFloatsNear(model.Output<float>("state_out", TensorType::FLOAT32), state, "state_out");
    EXPECT_EQ(model.Output<int32_t>("size", TensorType::INT32), std::vector<int32_t>{kSteps});
  }
}

TEST(ControlFlowTest, TensorArrayScatterReadWriteGather) {
  CheckTensorArrayLoop("Less", {0, 2, 5, 7});
}

// Steps after the first false condition write nothing, even where the
// condition holds again: their elements read as zeros.
TEST(ControlFlowTest, TensorArrayStaysUnwrittenAfterTheLoopStops) {
  CheckTensorArrayLoop("NotEqual", {0, 2, 4, 7});
}

// ---- rejections ----

TEST(ControlFlowTest, RejectsALoopWithoutABoundKnownAtConversion) {
  // v = x; while v < x + 10: v += 1 -- the condition is never a constant.
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "x");
  AddFloatConst(&def, "ten", {10.0f}, {});
  AddBinary(&def, "x_plus_ten", "AddV2", "x", "ten", tensorflow::DT_FLOAT);
  AddEnter(&def, "while/Enter_end", "x_plus_ten", "while", tensorflow::DT_FLOAT, true);
  AddLoopVariable(&def, "while", "v", "x", "while/v_next", tensorflow::DT_FLOAT);
  AddBinary(&def, "while/Less", "Less", "while/Merge_v", "while/Enter_end", tensorflow::DT_FLOAT);
  AddNode(&def, "while/LoopCond", "LoopCond", {"while/Less"});
  AddFloatConst(&def, "while/one", {1.0f}, {}, {"^while/Identity_v"});
  AddBinary(&def, "while/v_next", "AddV2", "while/Identity_v", "while/one", tensorflow::DT_FLOAT);
  AddNode(&def, "v_out", "Identity", {"while/Exit_v"});

  EXPECT_THAT(ConversionError(def, {{"x", {}}}, {"v_out"}), HasSubstr("unrolled iterations"));
}

TEST(ControlFlowTest, RejectsANestedLoop) {
  // outer: i = 0; while i < 3: i = inner(i), where inner: j = i; while j < 2: j += 1.
  tensorflow::GraphDef def;
  AddInt32Const(&def, "outer_i0", {0}, {});
  AddLoopVariable(&def, "outer", "i", "outer_i0", "outer/inner/Exit_j", tensorflow::DT_INT32);
  AddInt32Const(&def, "outer/limit", {3}, {}, {"^outer/Merge_i"});
  AddBinary(&def, "outer/Less", "Less", "outer/Merge_i", "outer/limit", tensorflow::DT_INT32);
  AddNode(&def, "outer/LoopCond", "LoopCond", {"outer/Less"});
  AddLoopVariable(&def, "outer/inner", "j", "outer/Identity_i", "outer/inner/j_next",
                  tensorflow::DT_INT32);
  AddInt32Const(&def, "outer/inner/limit", {2}, {}, {"^outer/inner/Merge_j"});
  AddBinary(&def, "outer/inner/Less", "Less", "outer/inner/Merge_j", "outer/inner/limit",
            tensorflow::DT_INT32);
  AddNode(&def, "outer/inner/LoopCond", "LoopCond", {"outer/inner/Less"});
  AddInt32Const(&def, "outer/inner/one", {1}, {}, {"^outer/inner/Identity_j"});
  AddBinary(&def, "outer/inner/j_next", "Add", "outer/inner/Identity_j", "outer/inner/one",
            tensorflow::DT_INT32);
  AddPlaceholder(&def, "x");
  AddNode(&def, "i_float", "Cast", {"outer/Exit_i"});
  AddBinary(&def, "out", "Mul", "i_float", "x", tensorflow::DT_FLOAT);

  EXPECT_THAT(ConversionError(def, {{"x", {}}}, {"out"}), HasSubstr("nested"));
}

TEST(ControlFlowTest, RejectsACondOnARuntimeValue) {
  // tf.cond(x < 0, lambda: x * 2, lambda: x)
  tensorflow::GraphDef def;
  AddPlaceholder(&def, "x");
  AddFloatConst(&def, "zero", {0.0f}, {});
  AddBinary(&def, "cond/pred", "Less", "x", "zero", tensorflow::DT_FLOAT);
  SetType(AddNode(&def, "cond/Switch", "Switch", {"x", "cond/pred"}), "T", tensorflow::DT_FLOAT);
  AddNode(&def, "cond/switch_t", "Identity", {"cond/Switch:1"});
  AddFloatConst(&def, "cond/two", {2.0f}, {}, {"^cond/switch_t"});
  AddBinary(&def, "cond/doubled", "Mul", "cond/Switch:1", "cond/two", tensorflow::DT_FLOAT);
  SetType(AddNode(&def, "cond/Merge", "Merge", {"cond/Switch", "cond/doubled"}), "T",
          tensorflow::DT_FLOAT);
  AddNode(&def, "out", "Identity", {"cond/Merge"});

  EXPECT_THAT(ConversionError(def, {{"x", {}}}, {"out"}), HasSubstr("outside a while loop"));
}

TEST(ControlFlowTest, RejectsADynamicSizeTensorArray) {
  EXPECT_THAT(ConversionError(TensorArrayLoop(/*dynamic_size=*/true),
                              {{"seq", {kSteps, kWidth}}, {"n", {}}},
                              {"outputs", "size", "state_out"}),
              HasSubstr("dynamic_size"));
}

}  // namespace
}  // namespace ember
