// Runs a Model inside one caller-provided arena.
//
// Lifecycle: construct -> AllocateTensors() (plan check, kernel Prepare) ->
// Invoke() as often as needed. Calls out of order return kBadState. A model
// with a dynamic batch (Model.max_batch) may switch batch between Invokes
// with SetBatchSize(), in the arena planned for the largest one.
//
// Ownership: the interpreter owns nothing. It keeps pointers to the Model (and
// so the model bytes), the resolver, the arena and the reporter; all four must
// outlive it. No heap is used at any point.
//
// Arena layout (offsets from the 16-byte aligned start of the arena):
//
//   +----------------------------+------------------------------------------+
//   | head                       | planned region                           |
//   | tensor records | op records| tensors and scratch buffers, placed by   |
//   | | kernels' persistent data | the plan over their lifetimes            |
//   | | values fixed at init     |                                          |
//   +----------------------------+------------------------------------------+
//   0                       head_bytes                              arena_used_bytes()
//
// The head has the same size on every target (records hold no pointers), so
// the plan the converter writes on a desktop holds on a microcontroller.
#ifndef EMBER_INTERPRETER_INTERPRETER_H_
#define EMBER_INTERPRETER_INTERPRETER_H_

#include <stddef.h>
#include <stdint.h>

#include "interpreter/error_reporter.h"
#include "interpreter/kernel.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "interpreter/planner.h"
#include "interpreter/status.h"
#include "interpreter/tensor.h"

namespace ember {

// Per-tensor runtime state, kept in the arena head.
struct TensorRecord {
  // Offset into the planned region, or into the model bytes for a constant.
  uint32_t offset;
  int32_t dims[kMaxRank];
  uint8_t rank;
  uint8_t type;
  uint16_t flags;
};
static_assert(sizeof(TensorRecord) == 32, "tensor records must be the same size on every target");

// Per-operator runtime state, kept in the arena head.
struct OpRecord {
  // `flags` bit: the op's inputs are all fixed, so AllocateTensors evaluated
  // it once and Invoke skips it.
  static constexpr uint8_t kIsStatic = 1;

  // Offset of the op's persistent data in the head, or kNoOpData.
  uint32_t data_offset;
  uint32_t scratch_size[kMaxScratchPerOp];
  uint32_t scratch_offset[kMaxScratchPerOp];
  uint16_t kernel_index;
  uint8_t scratch_count;
  uint8_t flags;
};
static_assert(sizeof(OpRecord) == 24, "op records must be the same size on every target");

class Interpreter {
 public:
  Interpreter(const Model& model, const OpResolverBase& resolver, uint8_t* arena,
              size_t arena_bytes, ErrorReporter* reporter);
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Before AllocateTensors: gives model input `index` a new shape (same rank
  // or not); kernels then derive every other shape from it in Prepare, and the
  // built-in planner places tensors for the new sizes.
  Status ResizeInput(size_t index, const int32_t* dims, int rank);

  // Before AllocateTensors: accept output shapes computed by kernels even when
  // they differ from the shapes the model declares. The converter uses this to
  // infer shapes; applications normally leave the check on.
  void DisableDeclaredShapeCheck() { check_declared_shapes_ = false; }

  // Before AllocateTensors: makes Invoke incremental. Every tensor then
  // keeps its own buffer (the arena grows to the sum of all tensors; for
  // desktops, not microcontrollers), and Invoke runs only the ops whose
  // inputs changed since the previous Invoke: the model inputs are compared
  // byte for byte with their previous values, and an op whose new outputs
  // equal its old ones stops the change there. Outputs are exactly those of
  // a full Invoke. An autoregressive decoder called once per step with one
  // more token (the g2p model) recomputes only the new step.
  void EnableIncrementalInvoke();
  bool incremental() const { return incremental_ != nullptr; }
  // The next incremental Invoke recomputes every op (as the first one does).
  void ForgetPreviousInvoke() { incremental_primed_ = false; }

  // After AllocateTensors, with incremental Invoke: the caller reads only
  // the first `count` slices of output `output_index` along the axis of the
  // PACK that produces it (a decoder's steps), so Invoke computes only what
  // those need; the other slices hold unspecified values. count < 0 (the
  // default) computes everything. kUnsupported when the output is not made
  // by a PACK.
  Status SetOutputPrefix(size_t output_index, int32_t count);

  // Checks the model against the kernels, runs every kernel's Prepare and
  // places all tensors: by the plan in the model file when it matches these
  // kernels and shapes, otherwise by the built-in greedy planner.
  Status AllocateTensors();
  // AllocateTensors without the built-in planner: tensors are placed by the
  // plan in the model file alone, and a model whose plan is missing or does
  // not match these kernels and shapes (as after ResizeInput) is refused
  // with kUnsupported. Firmware running converted models (which carry their
  // plan) calls this instead, so the planner is not linked into the image.
  Status AllocateTensorsByFilePlan();
  Status Invoke();

  // Dynamic batch. max_batch_size() is the model's max_batch (0 when it has
  // none); batch_size() the batch the tensors currently have (max_batch after
  // AllocateTensors). After AllocateTensors, SetBatchSize(rows) gives every
  // batch-marked tensor its size for `rows` (a constant is seen as its first
  // rows) and re-runs every kernel's Prepare, so Invoke computes only those
  // rows. Nothing moves: op data keeps its place in the head, tensors and
  // scratch buffers keep their planned offsets, arena_used_bytes() is
  // unchanged; a kernel that would need more than was planned fails and the
  // previous batch is restored. Input data must be written again afterwards.
  int32_t max_batch_size() const;
  int32_t batch_size() const { return batch_size_; }
  Status SetBatchSize(int32_t rows);

  size_t inputs_size() const;
  size_t outputs_size() const;
  // Views of the model inputs (write them before Invoke; they keep their
  // values across Invoke calls) and outputs.
  TensorView input(size_t index);
  TensorView output(size_t index);
  const char* input_name(size_t index) const;
  const char* output_name(size_t index) const;
  // Index of the input/output with that name, or -1.
  int FindInput(const char* name) const;
  int FindOutput(const char* name) const;

  // Bytes of the arena in use (head + planned region); equals the model's
  // planned arena_bytes when the file's plan was used.
  size_t arena_used_bytes() const { return head_bytes_ + region_bytes_; }
  size_t head_bytes() const { return head_bytes_; }
  bool used_file_plan() const { return used_file_plan_; }

  // For tools (the converter writes the computed plan into the model).
  size_t tensors_size() const { return tensor_count_; }
  TensorView tensor(int index);
  // Offset of a non-constant tensor in the planned region; kConstantTensorOffset
  // for a constant.
  uint32_t tensor_region_offset(int index) const;
  size_t ops_size() const { return op_count_; }
  const OpRecord& op_record(int index) const { return op_records_[index]; }

 private:
  friend class OpContext;

  enum class Phase : uint8_t { kCreated, kReady, kFailed };
  // Places the buffers a model's plan does not (PlanGreedyBySize), or null.
  using Planner = size_t (*)(PlanItem* items, size_t count, int32_t* order, int32_t* next);

  Status Allocate(Planner planner);

  Status InitRecords();
  Status ResolveKernels();
  Status PrepareOps();
  Status CheckDeclaredShapes(int op_index, const schema::Operator& op);
  // Declared dim `d` of tensor `index`, scaled to batch_size_ when it is the
  // tensor's batch dimension.
  int32_t DeclaredDim(int index, uint32_t d) const;
  // Re-prepares every op for `rows`; see SetBatchSize.
  Status ApplyBatchSize(int32_t rows);
  // Bytes of op data planned for `op_index` at AllocateTensors: up to the next
  // block allocated in the head.
  size_t PlannedOpDataBytes(int op_index) const;
  Status ComputeLifetimes(PlanItem* items, int32_t* alias_root);
  Status PlaceBuffers(Planner planner);
  Status ApplyFilePlan(PlanItem* items, const int32_t* alias_root, size_t scratch_base);
  Status ReportArenaTooSmall(size_t needed);
  bool IsConstant(int tensor_index) const;
  // Constant in the model, or computed once at AllocateTensors.
  bool HasFixedValue(int tensor_index) const;
  bool InputsAreFixed(const schema::Operator& op) const;
  // Runs an op whose inputs are all fixed once, into the head, so Invoke
  // skips it (e.g. widening fp16 weights to float32 once).
  Status EvaluateStatically(int op_index, const schema::Operator& op, const Kernel& kernel);
  uint8_t* region() const { return arena_ + head_bytes_; }
  // Incremental Invoke (incremental.cc): the state it keeps after the
  // planned tensors, and the Invoke itself.
  size_t SizeIncrementalState();
  Status InvokeIncremental();
  // Both, reached only through this table, which EnableIncrementalInvoke
  // sets: firmware that never enables incremental Invoke does not link it
  // (about 1.7 KB on a Cortex-M).
  struct IncrementalInvoke {
    size_t (Interpreter::*size_state)();
    Status (Interpreter::*invoke)();
  };

  const Model& model_;
  const OpResolverBase& resolver_;
  uint8_t* arena_;
  size_t arena_capacity_;
  ErrorReporter* reporter_;

  Phase phase_ = Phase::kCreated;
  size_t tensor_count_ = 0;
  size_t op_count_ = 0;
  TensorRecord* tensor_records_ = nullptr;
  OpRecord* op_records_ = nullptr;
  size_t head_bytes_ = 0;
  size_t region_bytes_ = 0;
  bool used_file_plan_ = false;
  bool inputs_resized_ = false;
  bool check_declared_shapes_ = true;
  const IncrementalInvoke* incremental_ = nullptr;
  // Incremental state, at this offset in the region: the model inputs' last
  // values, room for an op's old outputs, one state byte per tensor and one
  // "needed" byte per op.
  size_t incremental_offset_ = 0;
  size_t input_copy_bytes_ = 0;
  size_t old_outputs_bytes_ = 0;
  bool incremental_primed_ = false;
  int32_t prefix_output_ = -1;
  int32_t prefix_count_ = -1;
  int32_t batch_size_ = 0;
  // While SetBatchSize re-runs Prepare: kernels get back the op data and
  // scratch buffers planned at AllocateTensors instead of new ones; these
  // count what the op being prepared has asked for so far.
  bool repreparing_ = false;
  bool reprepare_op_data_taken_ = false;
  int reprepare_scratch_requests_ = 0;
  // ResizeInput calls, applied when the records are built.
  static constexpr int kMaxResizedInputs = 8;
  int resize_count_ = 0;
  uint32_t pending_resize_index_[kMaxResizedInputs] = {};
  uint8_t pending_resize_rank_[kMaxResizedInputs] = {};
  int32_t pending_resize_dims_[kMaxResizedInputs][kMaxRank] = {};
};

}  // namespace ember

#endif  // EMBER_INTERPRETER_INTERPRETER_H_
