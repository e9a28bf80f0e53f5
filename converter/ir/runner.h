// Runs a whole IR graph with the runtime's kernels, keeping the value of
// every tensor readable after Invoke: the quantizer's calibration records
// activation ranges with it, and its report compares the float and the
// quantized graph layer by layer.
//
// Every non-constant tensor becomes a model output, so the planner gives each
// its own bytes instead of reusing them; this costs RAM on the desktop only.
#ifndef EMBER_CONVERTER_IR_RUNNER_H_
#define EMBER_CONVERTER_IR_RUNNER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "converter/ir/graph.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/string_error_reporter.h"

namespace ember::convert {

class GraphRunner {
 public:
  // Throws ConvertError when the graph does not load or plan.
  explicit GraphRunner(const IrGraph& graph);
  GraphRunner(const GraphRunner&) = delete;
  GraphRunner& operator=(const GraphRunner&) = delete;

  // Copies `bytes` (exactly the input's size) into graph input `index`.
  void SetInput(size_t index, const void* bytes, size_t size);
  // Throws ConvertError with the kernel's message.
  void Invoke();

  // The value of IR tensor `tensor` after the last Invoke; for a tensor that
  // is not computed at run time (a constant), a view without data.
  TensorView Value(int tensor);
  size_t InputBytes(size_t index);

 private:
  std::vector<uint8_t> model_bytes_;
  std::unique_ptr<AlignedBuffer> aligned_model_;
  Model model_;
  OpResolver<256> resolver_;
  StringErrorReporter reporter_;
  std::unique_ptr<AlignedBuffer> arena_;
  std::unique_ptr<Interpreter> interpreter_;
  // IR tensor index -> model input / output index.
  std::map<int, size_t> input_of_;
  std::map<int, size_t> output_of_;
};

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_IR_RUNNER_H_
