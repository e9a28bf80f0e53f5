// The kernel interface: an op is {op code, name, prepare, eval}. There is no
// init/free: everything a kernel keeps between Prepare and Eval comes from the
// arena through OpContext.
//
// Trust boundary: Prepare validates everything that depends on the model
// (types, ranks, shapes, options, constant operands) and precomputes what Eval
// needs; Eval checks only what depends on the data (gather indices, divisors).
#ifndef EMBER_INTERPRETER_KERNEL_H_
#define EMBER_INTERPRETER_KERNEL_H_

#include <stddef.h>
#include <stdint.h>

#include "interpreter/error_reporter.h"
#include "interpreter/status.h"
#include "interpreter/tensor.h"
#include "schema/ember_generated.h"

namespace ember {

class Interpreter;

// Most scratch buffers one op may request.
constexpr int kMaxScratchPerOp = 2;

// Handed to a kernel's prepare and eval for one operator. Views and pointers
// it returns stay valid until the interpreter is destroyed.
class OpContext {
 public:
  enum class Phase : uint8_t { kPrepare, kEval };

  OpContext(Interpreter* interpreter, int op_index, const schema::Operator* op, Phase phase)
      : interpreter_(interpreter), op_index_(op_index), op_(op), phase_(phase) {}

  int op_index() const { return op_index_; }
  const schema::Operator& op() const { return *op_; }
  Phase phase() const { return phase_; }

  int num_inputs() const;
  int num_outputs() const;
  // An absent optional input (index -1 in the model) gives a view whose
  // present() is false.
  TensorView input(int i) const;
  TensorView output(int i) const;
  // The tensor's entry in the model: name, quantization, buffer.
  const schema::Tensor* input_meta(int i) const;
  const schema::Tensor* output_meta(int i) const;
  // True for an input whose value is fixed before Invoke: a constant in the
  // model, or the output of an op whose inputs are all fixed (computed once
  // at AllocateTensors). Its data is readable in Prepare.
  bool input_is_constant(int i) const;

  // Prepare only: sets output i's shape as computed from the inputs and
  // options. Every kernel that can compute its output shape calls this; the
  // interpreter then checks it against the shape the model declares (unless
  // input shapes were changed at run time), and the converter uses the same
  // call for its shape inference.
  Status SetOutputShape(int i, const int32_t* dims, int rank);

  // Prepare only: one block of persistent per-op data, zeroed. Returns null
  // (with the error reported) when the arena cannot hold it.
  void* AllocateOpData(size_t bytes);
  template <typename T>
  T* AllocateOpData() {
    return static_cast<T*>(AllocateOpData(sizeof(T)));
  }
  // Eval: the block allocated in Prepare.
  void* op_data() const;
  template <typename T>
  T* op_data_as() const {
    return static_cast<T*>(op_data());
  }

  // Prepare only: a scratch buffer that lives while this op runs. Returns its
  // index for scratch() at Eval.
  Status RequestScratch(size_t bytes, int* index);
  void* scratch(int index) const;

#if defined(EMBER_STRIP_ERROR_STRINGS)
  // Messages stripped: only the status is returned (EMBER_FAIL).
  Status Fail(Status status) const { return status; }
#else
  // Reports "op #N (NAME): <message>" and returns `status`.
  Status Fail(Status status, const char* format, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 3, 4)))
#endif
      ;
#endif

  ErrorReporter* reporter() const;

 private:
  // AllocateOpData while SetBatchSize re-prepares: the block planned at
  // AllocateTensors, if the request fits in it.
  void* ReuseOpData(size_t bytes);

  Interpreter* interpreter_;
  int op_index_;
  const schema::Operator* op_;
  Phase phase_;
};

struct Kernel {
  schema::OpCode op;
  const char* name;
  Status (*prepare)(OpContext& context);
  Status (*eval)(OpContext& context);
};

}  // namespace ember

#if defined(EMBER_STRIP_ERROR_STRINGS)
#define EMBER_FAIL(context, status, ...) \
  (::ember::internal::IgnoreMessage(__VA_ARGS__), (context).Fail(status))
#else
#define EMBER_FAIL(context, status, ...) (context).Fail(status, __VA_ARGS__)
#endif

// Prepare-time check: fails with kInvalidModel and the given message.
#define EMBER_CHECK_MODEL(context, condition, ...)                       \
  do {                                                                   \
    if (!(condition)) return EMBER_FAIL(context, ::ember::Status::kInvalidModel, __VA_ARGS__); \
  } while (0)

#endif  // EMBER_INTERPRETER_KERNEL_H_
