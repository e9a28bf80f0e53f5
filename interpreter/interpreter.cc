#include "interpreter/interpreter.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

namespace ember {
namespace {

constexpr uint16_t kTensorIsConstant = 1;
// Computed once at AllocateTensors (its op's inputs are all fixed values) and
// kept in the arena head; its op is skipped by Invoke.
constexpr uint16_t kTensorIsStatic = 2;
constexpr uint32_t kNoOpData = 0xFFFFFFFFu;
constexpr int32_t kNotProduced = 0x7FFFFFFF;

// Ops whose output is the input reinterpreted: the planner gives both the same
// bytes, and their kernels skip the copy when the pointers agree.
bool OutputAliasesInput(schema::OpCode op) {
  return op == schema::OpCode::RESHAPE || op == schema::OpCode::SQUEEZE ||
         op == schema::OpCode::EXPAND_DIMS;
}

const char* TensorName(const schema::Subgraph& subgraph, int index) {
  const auto* name = subgraph.tensors()->Get(index)->name();
  return name == nullptr ? "" : name->c_str();
}

}  // namespace

Interpreter::Interpreter(const Model& model, const OpResolverBase& resolver, uint8_t* arena,
                         size_t arena_bytes, ErrorReporter* reporter)
    : model_(model), resolver_(resolver), reporter_(reporter) {
  const uintptr_t raw = reinterpret_cast<uintptr_t>(arena);
  const uintptr_t aligned = AlignUp(raw, kArenaAlignment);
  const size_t lost = static_cast<size_t>(aligned - raw);
  arena_ = arena == nullptr ? nullptr : reinterpret_cast<uint8_t*>(aligned);
  arena_capacity_ = (arena == nullptr || arena_bytes < lost) ? 0 : arena_bytes - lost;
}

Status Interpreter::ReportArenaTooSmall(size_t needed) {
  EMBER_REPORT(reporter_, "arena too small: need %lu bytes, have %lu",
               static_cast<unsigned long>(needed), static_cast<unsigned long>(arena_capacity_));
  phase_ = Phase::kFailed;
  return Status::kArenaTooSmall;
}

bool Interpreter::IsConstant(int tensor_index) const {
  return (tensor_records_[tensor_index].flags & kTensorIsConstant) != 0;
}

bool Interpreter::HasFixedValue(int tensor_index) const {
  return (tensor_records_[tensor_index].flags & (kTensorIsConstant | kTensorIsStatic)) != 0;
}

Status Interpreter::AllocateTensors() { return Allocate(PlanGreedyBySize); }

Status Interpreter::AllocateTensorsByFilePlan() { return Allocate(nullptr); }

Status Interpreter::Allocate(Planner planner) {
  if (phase_ != Phase::kCreated) {
    EMBER_REPORT(reporter_, "AllocateTensors() may be called once, on a new interpreter");
    return Status::kBadState;
  }
  if (!model_.loaded()) {
    EMBER_REPORT(reporter_, "AllocateTensors(): the model was not loaded");
    phase_ = Phase::kFailed;
    return Status::kBadState;
  }
  const schema::MemoryPlan* plan = model_.root().plan();
  if (plan != nullptr && !inputs_resized_ && plan->arena_bytes() > arena_capacity_) {
    return ReportArenaTooSmall(static_cast<size_t>(plan->arena_bytes()));
  }
  Status status = InitRecords();
  if (status == Status::kOk) status = ResolveKernels();
  if (status == Status::kOk) status = PrepareOps();
  if (status == Status::kOk) status = PlaceBuffers(planner);
  phase_ = status == Status::kOk ? Phase::kReady : Phase::kFailed;
  return status;
}

Status Interpreter::InitRecords() {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  tensor_count_ = subgraph.tensors()->size();
  op_count_ = subgraph.operators()->size();
  const size_t tensor_bytes = AlignUp(tensor_count_ * sizeof(TensorRecord), kArenaAlignment);
  const size_t op_bytes = AlignUp(op_count_ * sizeof(OpRecord), kArenaAlignment);
  if (tensor_bytes + op_bytes > arena_capacity_) {
    return ReportArenaTooSmall(tensor_bytes + op_bytes);
  }
  tensor_records_ = reinterpret_cast<TensorRecord*>(arena_);
  op_records_ = reinterpret_cast<OpRecord*>(arena_ + tensor_bytes);
  head_bytes_ = tensor_bytes + op_bytes;
  batch_size_ = model_.root().max_batch();

  for (size_t t = 0; t < tensor_count_; ++t) {
    const schema::Tensor* tensor = subgraph.tensors()->Get(static_cast<uint32_t>(t));
    TensorRecord& record = tensor_records_[t];
    memset(&record, 0, sizeof(record));
    record.rank = static_cast<uint8_t>(TensorRank(*tensor));
    for (uint32_t d = 0; d < record.rank; ++d) record.dims[d] = TensorDim(*tensor, d);
    record.type = static_cast<uint8_t>(tensor->type());
    const uint8_t* constant = model_.ConstantData(static_cast<int>(t));
    if (tensor->buffer() != 0) {
      record.flags = kTensorIsConstant;
      record.offset = constant == nullptr ? 0 : static_cast<uint32_t>(constant - model_.bytes());
    }
  }
  for (int r = 0; r < resize_count_; ++r) {
    const int32_t t = subgraph.inputs()->Get(pending_resize_index_[r]);
    TensorRecord& record = tensor_records_[t];
    record.rank = pending_resize_rank_[r];
    for (int d = 0; d < record.rank; ++d) record.dims[d] = pending_resize_dims_[r][d];
  }
  for (size_t o = 0; o < op_count_; ++o) {
    memset(&op_records_[o], 0, sizeof(OpRecord));
    op_records_[o].data_offset = kNoOpData;
  }
  return Status::kOk;
}

Status Interpreter::ResolveKernels() {
  const auto* operators = model_.main_subgraph().operators();
  int missing = 0;
  int first_missing = -1;
  for (size_t o = 0; o < op_count_; ++o) {
    const schema::OpCode code = operators->Get(static_cast<uint32_t>(o))->opcode();
    const int index = resolver_.FindIndex(code);
    if (index < 0) {
      if (missing == 0) first_missing = static_cast<int>(o);
      ++missing;
      continue;
    }
    op_records_[o].kernel_index = static_cast<uint16_t>(index);
  }
  if (missing == 0) return Status::kOk;
  const schema::OpCode code = operators->Get(static_cast<uint32_t>(first_missing))->opcode();
  EMBER_REPORT(reporter_,
               "op #%d (%s): no kernel registered for this op (%d op(s) without a kernel); "
               "add it to the OpResolver",
               first_missing, schema::EnumNameOpCode(code), missing);
  return Status::kUnsupported;
}

Status Interpreter::PrepareOps() {
  const auto* operators = model_.main_subgraph().operators();
  for (size_t o = 0; o < op_count_; ++o) {
    const schema::Operator* op = operators->Get(static_cast<uint32_t>(o));
    const Kernel& kernel = resolver_.at(op_records_[o].kernel_index);
    OpContext context(this, static_cast<int>(o), op, OpContext::Phase::kPrepare);
    if (kernel.prepare != nullptr) EMBER_RETURN_IF_ERROR(kernel.prepare(context));
    if (check_declared_shapes_ && !inputs_resized_) {
      EMBER_RETURN_IF_ERROR(CheckDeclaredShapes(static_cast<int>(o), *op));
    }
    if (InputsAreFixed(*op)) {
      EMBER_RETURN_IF_ERROR(EvaluateStatically(static_cast<int>(o), *op, kernel));
    }
  }
  return Status::kOk;
}

bool Interpreter::InputsAreFixed(const schema::Operator& op) const {
  if (op.inputs() == nullptr) return false;
  bool any = false;
  for (int32_t t : *op.inputs()) {
    if (t < 0) continue;
    if (!HasFixedValue(t)) return false;
    any = true;
  }
  return any;
}

Status Interpreter::EvaluateStatically(int op_index, const schema::Operator& op,
                                       const Kernel& kernel) {
  for (int32_t t : *op.outputs()) {
    const size_t bytes = AlignUp(tensor(t).bytes(), kArenaAlignment);
    if (head_bytes_ + bytes > arena_capacity_) return ReportArenaTooSmall(head_bytes_ + bytes);
    TensorRecord& record = tensor_records_[t];
    record.offset = static_cast<uint32_t>(head_bytes_);
    record.flags |= kTensorIsStatic;
    head_bytes_ += bytes;
  }
  op_records_[op_index].flags |= OpRecord::kIsStatic;
  OpContext context(this, op_index, &op, OpContext::Phase::kEval);
  return kernel.eval(context);
}

int32_t Interpreter::DeclaredDim(int index, uint32_t d) const {
  const schema::Tensor& declared =
      *model_.main_subgraph().tensors()->Get(static_cast<uint32_t>(index));
  const int32_t dim = TensorDim(declared, d);
  if (declared.batch_dim() != static_cast<int>(d)) return dim;
  // The verifier made dim a multiple of max_batch, so this is exact.
  return dim / model_.root().max_batch() * batch_size_;
}

int32_t Interpreter::max_batch_size() const {
  return model_.loaded() ? model_.root().max_batch() : 0;
}

Status Interpreter::SetBatchSize(int32_t rows) {
  if (phase_ != Phase::kReady) {
    EMBER_REPORT(reporter_, "SetBatchSize() needs a successful AllocateTensors() first");
    return Status::kBadState;
  }
  const int32_t max_batch = max_batch_size();
  if (max_batch == 0) {
    EMBER_REPORT(reporter_,
                 "SetBatchSize(%" PRId32 "): the model has no dynamic batch (max_batch 0)", rows);
    return Status::kInvalidArgument;
  }
  if (inputs_resized_) {
    EMBER_REPORT(reporter_,
                 "SetBatchSize(%" PRId32 "): inputs were resized with ResizeInput(); the batch "
                 "can only change on the model's own shapes",
                 rows);
    return Status::kBadState;
  }
  if (rows < 1 || rows > max_batch) {
    EMBER_REPORT(reporter_, "SetBatchSize(%" PRId32 "): the batch must be 1..%" PRId32, rows,
                 max_batch);
    return Status::kInvalidArgument;
  }
  if (rows == batch_size_) return Status::kOk;
  const int32_t previous = batch_size_;
  const Status status = ApplyBatchSize(rows);
  if (status == Status::kOk) return Status::kOk;
  // Every tensor and op record was rewritten for `rows`; the previous batch
  // prepared cleanly before, so preparing it again restores a usable state.
  if (ApplyBatchSize(previous) != Status::kOk) phase_ = Phase::kFailed;
  return status;
}

Status Interpreter::ApplyBatchSize(int32_t rows) {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  batch_size_ = rows;
  // Every shape may change: the next incremental Invoke starts afresh.
  incremental_primed_ = false;
  for (size_t t = 0; t < tensor_count_; ++t) {
    const schema::Tensor& declared = *subgraph.tensors()->Get(static_cast<uint32_t>(t));
    TensorRecord& record = tensor_records_[t];
    record.rank = static_cast<uint8_t>(TensorRank(declared));
    for (uint32_t d = 0; d < record.rank; ++d) record.dims[d] = DeclaredDim(static_cast<int>(t), d);
  }
  const auto* operators = subgraph.operators();
  repreparing_ = true;
  Status status = Status::kOk;
  for (size_t o = 0; status == Status::kOk && o < op_count_; ++o) {
    const schema::Operator* op = operators->Get(static_cast<uint32_t>(o));
    const Kernel& kernel = resolver_.at(op_records_[o].kernel_index);
    reprepare_op_data_taken_ = false;
    reprepare_scratch_requests_ = 0;
    OpContext context(this, static_cast<int>(o), op, OpContext::Phase::kPrepare);
    if (kernel.prepare != nullptr) status = kernel.prepare(context);
    if (status == Status::kOk) status = CheckDeclaredShapes(static_cast<int>(o), *op);
    if (status != Status::kOk) {
      EMBER_REPORT(reporter_, "SetBatchSize(%" PRId32 "): op #%u (%s) failed to prepare", rows,
                   static_cast<unsigned>(o), schema::EnumNameOpCode(op->opcode()));
      break;
    }
    if ((op_records_[o].flags & OpRecord::kIsStatic) == 0) continue;
    // A value computed once at AllocateTensors changes only when the batch
    // reaches it; it is recomputed in its place in the head, which holds it
    // at max_batch and so at any smaller batch.
    bool batch_dependent = false;
    for (int32_t t : *op->inputs()) {
      if (t >= 0 && subgraph.tensors()->Get(static_cast<uint32_t>(t))->batch_dim() >= 0) {
        batch_dependent = true;
      }
    }
    for (int32_t t : *op->outputs()) {
      if (subgraph.tensors()->Get(static_cast<uint32_t>(t))->batch_dim() >= 0) {
        batch_dependent = true;
      }
    }
    if (!batch_dependent) continue;
    OpContext eval_context(this, static_cast<int>(o), op, OpContext::Phase::kEval);
    status = kernel.eval(eval_context);
  }
  repreparing_ = false;
  return status;
}

size_t Interpreter::PlannedOpDataBytes(int op_index) const {
  // Head blocks were handed out in op order (an op's data, then its static
  // outputs), so the block ends where the next one starts.
  size_t end = head_bytes_;
  for (size_t o = static_cast<size_t>(op_index); o < op_count_; ++o) {
    if (o > static_cast<size_t>(op_index) && op_records_[o].data_offset != kNoOpData) {
      end = op_records_[o].data_offset;
      break;
    }
    if ((op_records_[o].flags & OpRecord::kIsStatic) != 0) {
      const auto* operators = model_.main_subgraph().operators();
      end = tensor_records_[operators->Get(static_cast<uint32_t>(o))->outputs()->Get(0)].offset;
      break;
    }
  }
  return end - op_records_[op_index].data_offset;
}

Status Interpreter::CheckDeclaredShapes(int op_index, const schema::Operator& op) {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  for (int32_t t : *op.outputs()) {
    const schema::Tensor& declared = *subgraph.tensors()->Get(static_cast<uint32_t>(t));
    const TensorRecord& record = tensor_records_[t];
    bool same = TensorRank(declared) == record.rank;
    for (uint32_t d = 0; same && d < record.rank; ++d) same = DeclaredDim(t, d) == record.dims[d];
    if (same) continue;
    EMBER_REPORT(reporter_,
                 "invalid model: op #%d (%s): output tensor %" PRId32
                 " '%s' is declared with rank %" PRIu32 " but the op computes rank %u shape (%" PRId32
                 ", %" PRId32 ", %" PRId32 ", %" PRId32 ", ...)",
                 op_index, schema::EnumNameOpCode(op.opcode()), t, TensorName(subgraph, t),
                 TensorRank(declared), record.rank, record.rank > 0 ? record.dims[0] : -1,
                 record.rank > 1 ? record.dims[1] : -1, record.rank > 2 ? record.dims[2] : -1,
                 record.rank > 3 ? record.dims[3] : -1);
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

Status Interpreter::ResizeInput(size_t index, const int32_t* dims, int rank) {
  if (phase_ != Phase::kCreated) {
    EMBER_REPORT(reporter_, "ResizeInput() must come before AllocateTensors()");
    return Status::kBadState;
  }
  if (!model_.loaded() || index >= inputs_size() || rank < 0 || rank > kMaxRank) {
    EMBER_REPORT(reporter_, "ResizeInput(%u): no such input, or rank %d outside 0..%d",
                 static_cast<unsigned>(index), rank, kMaxRank);
    return Status::kInvalidArgument;
  }
  const schema::Tensor& tensor = *model_.main_subgraph().tensors()->Get(
      model_.main_subgraph().inputs()->Get(static_cast<uint32_t>(index)));
  int64_t bytes = static_cast<int64_t>(TensorTypeSize(tensor.type()));
  for (int d = 0; d < rank; ++d) {
    bytes *= dims[d] < 0 ? 0 : dims[d];
    if (dims[d] < 0 || bytes > kMaxTensorBytes) {
      EMBER_REPORT(reporter_, "ResizeInput(%u): dimension %d is negative or too large",
                   static_cast<unsigned>(index), d);
      return Status::kInvalidArgument;
    }
  }
  if (resize_count_ == kMaxResizedInputs) {
    EMBER_REPORT(reporter_, "ResizeInput(): at most %d inputs may be resized", kMaxResizedInputs);
    return Status::kInvalidArgument;
  }
  pending_resize_index_[resize_count_] = static_cast<uint32_t>(index);
  pending_resize_rank_[resize_count_] = static_cast<uint8_t>(rank);
  for (int d = 0; d < rank; ++d) pending_resize_dims_[resize_count_][d] = dims[d];
  ++resize_count_;
  inputs_resized_ = true;
  return Status::kOk;
}

Status Interpreter::ComputeLifetimes(PlanItem* items, int32_t* alias_root) {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  for (size_t t = 0; t < tensor_count_; ++t) {
    const TensorView view = tensor(static_cast<int>(t));
    items[t] = PlanItem{HasFixedValue(static_cast<int>(t)) ? 0u : static_cast<uint32_t>(view.bytes()),
                        kNotProduced, -1, 0};
    alias_root[t] = static_cast<int32_t>(t);
  }
  if (subgraph.inputs() != nullptr) {
    for (int32_t t : *subgraph.inputs()) {
      if (IsConstant(t)) {
        EMBER_REPORT(reporter_, "invalid model: input tensor %" PRId32 " '%s' is a constant", t,
                     TensorName(subgraph, t));
        return Status::kInvalidModel;
      }
      items[t].first = -1;
    }
  }
  const int32_t op_count = static_cast<int32_t>(op_count_);
  for (int32_t o = 0; o < op_count; ++o) {
    const schema::Operator* op = subgraph.operators()->Get(static_cast<uint32_t>(o));
    if ((op_records_[o].flags & OpRecord::kIsStatic) != 0) continue;
    if (op->inputs() != nullptr) {
      for (int32_t t : *op->inputs()) {
        if (t < 0 || HasFixedValue(t)) continue;
        if (items[t].first == kNotProduced) {
          EMBER_REPORT(reporter_,
                       "invalid model: op #%" PRId32 " (%s) reads tensor %" PRId32
                       " '%s' before any op writes it",
                       o, schema::EnumNameOpCode(op->opcode()), t, TensorName(subgraph, t));
          return Status::kInvalidModel;
        }
        if (o > items[t].last) items[t].last = o;
      }
    }
    for (int32_t t : *op->outputs()) {
      if (IsConstant(t) || items[t].first != kNotProduced) {
        EMBER_REPORT(reporter_,
                     "invalid model: op #%" PRId32 " (%s) writes tensor %" PRId32
                     " '%s', which is a constant, a "
                     "model input or written by an earlier op",
                     o, schema::EnumNameOpCode(op->opcode()), t, TensorName(subgraph, t));
        return Status::kInvalidModel;
      }
      items[t].first = o;
      if (o > items[t].last) items[t].last = o;
    }
    if (OutputAliasesInput(op->opcode()) && op->inputs() != nullptr && op->inputs()->size() > 0) {
      const int32_t source = op->inputs()->Get(0);
      if (source >= 0 && !HasFixedValue(source)) {
        alias_root[op->outputs()->Get(0)] = alias_root[source];
      }
    }
  }
  // Inputs stay intact for the whole Invoke, so invoking again without
  // rewriting them gives the same outputs.
  if (subgraph.inputs() != nullptr) {
    for (int32_t t : *subgraph.inputs()) items[t].last = op_count;
  }
  if (subgraph.outputs() != nullptr) {
    for (int32_t t : *subgraph.outputs()) {
      if (HasFixedValue(t)) continue;
      if (items[t].first == kNotProduced) {
        EMBER_REPORT(reporter_, "invalid model: output tensor %" PRId32 " '%s' is never written", t,
                     TensorName(subgraph, t));
        return Status::kInvalidModel;
      }
      items[t].last = op_count;
    }
  }
  for (size_t t = 0; t < tensor_count_; ++t) {
    if (items[t].first == kNotProduced) {
      items[t] = PlanItem{0, 0, -1, 0};
      continue;
    }
    const int32_t root = alias_root[t];
    if (root == static_cast<int32_t>(t)) continue;
    PlanItem& group = items[root];
    if (items[t].first < group.first) group.first = items[t].first;
    if (items[t].last > group.last) group.last = items[t].last;
    if (items[t].size > group.size) group.size = items[t].size;
    items[t].size = 0;
  }
  return Status::kOk;
}

Status Interpreter::ApplyFilePlan(PlanItem* items, const int32_t* alias_root,
                                  size_t scratch_base) {
  const schema::MemoryPlan& plan = *model_.root().plan();
  const schema::Subgraph& subgraph = model_.main_subgraph();
  const uint64_t region = plan.arena_bytes() - plan.head_bytes();
  for (size_t t = 0; t < tensor_count_; ++t) {
    const uint32_t offset = plan.tensor_offsets()->Get(static_cast<uint32_t>(t));
    const int32_t root = alias_root[t];
    const bool constant = HasFixedValue(static_cast<int>(t));
    if (constant != (offset == kConstantTensorOffset)) {
      EMBER_REPORT(reporter_, "invalid model: plan: tensor %u '%s': offset %" PRIu32 " %s",
                   static_cast<unsigned>(t), TensorName(subgraph, static_cast<int>(t)), offset,
                   constant ? "given for a constant" : "missing for an arena tensor");
      return Status::kInvalidModel;
    }
    if (constant) continue;
    if (root != static_cast<int32_t>(t) &&
        offset != plan.tensor_offsets()->Get(static_cast<uint32_t>(root))) {
      EMBER_REPORT(reporter_,
                   "invalid model: plan: tensor %u '%s' must share the bytes of tensor %" PRId32
                   " '%s'",
                   static_cast<unsigned>(t), TensorName(subgraph, static_cast<int>(t)), root,
                   TensorName(subgraph, root));
      return Status::kInvalidModel;
    }
    if (items[t].size == 0) continue;
    if (offset % kArenaAlignment != 0 || offset + uint64_t{items[t].size} > region) {
      EMBER_REPORT(reporter_,
                   "invalid model: plan: tensor %u '%s' at offset %" PRIu32 " (%" PRIu32
                   " bytes) is misaligned or "
                   "outside the planned region of %lu bytes",
                   static_cast<unsigned>(t), TensorName(subgraph, static_cast<int>(t)), offset,
                   items[t].size, static_cast<unsigned long>(region));
      return Status::kInvalidModel;
    }
    items[t].offset = offset;
  }
  size_t item = scratch_base;
  const auto* placements = plan.scratch();
  for (size_t o = 0; o < op_count_; ++o) {
    for (uint32_t k = 0; k < op_records_[o].scratch_count; ++k, ++item) {
      const schema::ScratchPlacement* placement = placements->Get(
          static_cast<uint32_t>(item - scratch_base));
      if (placement->offset() % kArenaAlignment != 0 ||
          placement->offset() + uint64_t{placement->size()} > region) {
        EMBER_REPORT(reporter_,
                     "invalid model: plan: scratch %" PRIu32 " of op #%u lies outside the region",
                     k, static_cast<unsigned>(o));
        return Status::kInvalidModel;
      }
      items[item].offset = placement->offset();
    }
  }
  size_t first = 0;
  size_t second = 0;
  if (FindOverlap(items, item, &first, &second)) {
    EMBER_REPORT(reporter_,
                 "invalid model: plan: buffers %u and %u are live at the same time and overlap "
                 "(tensor indices; scratch buffers count from %u)",
                 static_cast<unsigned>(first), static_cast<unsigned>(second),
                 static_cast<unsigned>(scratch_base));
    return Status::kInvalidModel;
  }
  region_bytes_ = static_cast<size_t>(region);
  return Status::kOk;
}

Status Interpreter::PlaceBuffers(Planner planner) {
  size_t scratch_count = 0;
  for (size_t o = 0; o < op_count_; ++o) scratch_count += op_records_[o].scratch_count;
  const size_t item_count = tensor_count_ + scratch_count;

  // Working memory for planning is borrowed from the not yet used region.
  const size_t items_bytes = AlignUp(item_count * sizeof(PlanItem), kArenaAlignment);
  const size_t index_bytes = AlignUp(item_count * sizeof(int32_t), kArenaAlignment);
  const size_t work_bytes = items_bytes + 3 * index_bytes;
  if (head_bytes_ + work_bytes > arena_capacity_) {
    return ReportArenaTooSmall(head_bytes_ + work_bytes);
  }
  uint8_t* work = region();
  auto* items = reinterpret_cast<PlanItem*>(work);
  auto* alias_root = reinterpret_cast<int32_t*>(work + items_bytes);
  auto* order = reinterpret_cast<int32_t*>(work + items_bytes + index_bytes);
  auto* next = reinterpret_cast<int32_t*>(work + items_bytes + 2 * index_bytes);

  EMBER_RETURN_IF_ERROR(ComputeLifetimes(items, alias_root));
  if (incremental_) {
    // Values must survive from one Invoke to the next: no buffer sharing.
    for (size_t t = 0; t < tensor_count_; ++t) {
      if (items[t].size == 0) continue;
      items[t].first = -1;
      items[t].last = static_cast<int32_t>(op_count_);
    }
  }
  size_t item = tensor_count_;
  for (size_t o = 0; o < op_count_; ++o) {
    for (uint32_t k = 0; k < op_records_[o].scratch_count; ++k, ++item) {
      items[item] = PlanItem{op_records_[o].scratch_size[k], static_cast<int32_t>(o),
                             static_cast<int32_t>(o), 0};
    }
  }

  const schema::MemoryPlan* plan = model_.root().plan();
  bool plan_matches =
      !incremental_ && plan != nullptr && plan->head_bytes() == head_bytes_ && !inputs_resized_;
  if (plan_matches) {
    const auto* placements = plan->scratch();
    const size_t planned = placements == nullptr ? 0 : placements->size();
    plan_matches = planned == scratch_count;
    size_t k = 0;
    for (size_t o = 0; plan_matches && o < op_count_; ++o) {
      for (uint32_t s = 0; s < op_records_[o].scratch_count; ++s, ++k) {
        const schema::ScratchPlacement* placement = placements->Get(static_cast<uint32_t>(k));
        if (placement->op() != o || placement->index() != s ||
            placement->size() != op_records_[o].scratch_size[s]) {
          plan_matches = false;
          break;
        }
      }
    }
  }
  if (plan_matches) {
    EMBER_RETURN_IF_ERROR(ApplyFilePlan(items, alias_root, tensor_count_));
    used_file_plan_ = true;
  } else if (planner != nullptr) {
    region_bytes_ = planner(items, item_count, order, next);
    used_file_plan_ = false;
  } else {
    EMBER_REPORT(reporter_,
                 "AllocateTensorsByFilePlan(): %s; convert it for these kernels (and "
                 "shapes), or call AllocateTensors() to plan on the device",
                 plan == nullptr ? "the model has no memory plan"
                                 : "the model's plan does not match these kernels and shapes");
    return Status::kUnsupported;
  }
  // Planning borrowed the region as working memory, so the arena must hold
  // whichever is larger; the plan in the file records the same figure.
  if (region_bytes_ < work_bytes) region_bytes_ = work_bytes;
  if (incremental_) {
    incremental_offset_ = AlignUp(region_bytes_, kArenaAlignment);
    region_bytes_ = incremental_offset_ + (this->*incremental_->size_state)();
  }
  if (head_bytes_ + region_bytes_ > arena_capacity_) {
    return ReportArenaTooSmall(head_bytes_ + region_bytes_);
  }

  for (size_t t = 0; t < tensor_count_; ++t) {
    if (HasFixedValue(static_cast<int>(t))) continue;
    const PlanItem& placed = items[alias_root[t]];
    tensor_records_[t].offset = placed.size == 0 && alias_root[t] == static_cast<int32_t>(t)
                                    ? 0
                                    : placed.offset;
  }
  item = tensor_count_;
  for (size_t o = 0; o < op_count_; ++o) {
    for (uint32_t k = 0; k < op_records_[o].scratch_count; ++k, ++item) {
      op_records_[o].scratch_offset[k] = items[item].offset;
    }
  }
  return Status::kOk;
}

Status Interpreter::Invoke() {
  if (phase_ != Phase::kReady) {
    EMBER_REPORT(reporter_, "Invoke() needs a successful AllocateTensors() first");
    return Status::kBadState;
  }
  if (incremental_) return (this->*incremental_->invoke)();
  const auto* operators = model_.main_subgraph().operators();
  for (size_t o = 0; o < op_count_; ++o) {
    const schema::Operator* op = operators->Get(static_cast<uint32_t>(o));
    if ((op_records_[o].flags & OpRecord::kIsStatic) != 0) continue;
    const Kernel& kernel = resolver_.at(op_records_[o].kernel_index);
    OpContext context(this, static_cast<int>(o), op, OpContext::Phase::kEval);
    EMBER_RETURN_IF_ERROR(kernel.eval(context));
  }
  return Status::kOk;
}

TensorView Interpreter::tensor(int index) {
  TensorView view;
  TensorRecord& record = tensor_records_[index];
  view.dims = record.dims;
  view.rank = record.rank;
  view.type = static_cast<TensorType>(record.type);
  view.quantization = model_.main_subgraph().tensors()->Get(static_cast<uint32_t>(index))
                          ->quantization();
  if ((record.flags & kTensorIsConstant) != 0) {
    view.data = const_cast<uint8_t*>(model_.bytes() + record.offset);
  } else if ((record.flags & kTensorIsStatic) != 0) {
    view.data = arena_ + record.offset;
  } else {
    view.data = region() + record.offset;
  }
  return view;
}

uint32_t Interpreter::tensor_region_offset(int index) const {
  return HasFixedValue(index) ? kConstantTensorOffset : tensor_records_[index].offset;
}

size_t Interpreter::inputs_size() const {
  if (!model_.loaded()) return 0;
  const auto* inputs = model_.main_subgraph().inputs();
  return inputs == nullptr ? 0 : inputs->size();
}

size_t Interpreter::outputs_size() const {
  if (!model_.loaded()) return 0;
  const auto* outputs = model_.main_subgraph().outputs();
  return outputs == nullptr ? 0 : outputs->size();
}

TensorView Interpreter::input(size_t index) {
  if (phase_ != Phase::kReady || index >= inputs_size()) return TensorView();
  return tensor(model_.main_subgraph().inputs()->Get(static_cast<uint32_t>(index)));
}

TensorView Interpreter::output(size_t index) {
  if (phase_ != Phase::kReady || index >= outputs_size()) return TensorView();
  return tensor(model_.main_subgraph().outputs()->Get(static_cast<uint32_t>(index)));
}

const char* Interpreter::input_name(size_t index) const {
  if (index >= inputs_size()) return nullptr;
  const schema::Subgraph& subgraph = model_.main_subgraph();
  return TensorName(subgraph, subgraph.inputs()->Get(static_cast<uint32_t>(index)));
}

const char* Interpreter::output_name(size_t index) const {
  if (index >= outputs_size()) return nullptr;
  const schema::Subgraph& subgraph = model_.main_subgraph();
  return TensorName(subgraph, subgraph.outputs()->Get(static_cast<uint32_t>(index)));
}

int Interpreter::FindInput(const char* name) const {
  for (size_t i = 0; i < inputs_size(); ++i) {
    if (strcmp(input_name(i), name) == 0) return static_cast<int>(i);
  }
  return -1;
}

int Interpreter::FindOutput(const char* name) const {
  for (size_t i = 0; i < outputs_size(); ++i) {
    if (strcmp(output_name(i), name) == 0) return static_cast<int>(i);
  }
  return -1;
}

// ---- OpContext ----------------------------------------------------------

int OpContext::num_inputs() const {
  return op_->inputs() == nullptr ? 0 : static_cast<int>(op_->inputs()->size());
}

int OpContext::num_outputs() const { return static_cast<int>(op_->outputs()->size()); }

TensorView OpContext::input(int i) const {
  if (i < 0 || i >= num_inputs()) return TensorView();
  const int32_t index = op_->inputs()->Get(static_cast<uint32_t>(i));
  return index < 0 ? TensorView() : interpreter_->tensor(index);
}

TensorView OpContext::output(int i) const {
  if (i < 0 || i >= num_outputs()) return TensorView();
  return interpreter_->tensor(op_->outputs()->Get(static_cast<uint32_t>(i)));
}

const schema::Tensor* OpContext::input_meta(int i) const {
  if (i < 0 || i >= num_inputs()) return nullptr;
  const int32_t index = op_->inputs()->Get(static_cast<uint32_t>(i));
  if (index < 0) return nullptr;
  return interpreter_->model_.main_subgraph().tensors()->Get(static_cast<uint32_t>(index));
}

const schema::Tensor* OpContext::output_meta(int i) const {
  if (i < 0 || i >= num_outputs()) return nullptr;
  return interpreter_->model_.main_subgraph().tensors()->Get(
      static_cast<uint32_t>(op_->outputs()->Get(static_cast<uint32_t>(i))));
}

bool OpContext::input_is_constant(int i) const {
  if (i < 0 || i >= num_inputs()) return false;
  const int32_t index = op_->inputs()->Get(static_cast<uint32_t>(i));
  return index >= 0 && interpreter_->HasFixedValue(index);
}

Status OpContext::SetOutputShape(int i, const int32_t* dims, int rank) {
  if (phase_ != Phase::kPrepare || i < 0 || i >= num_outputs() || rank < 0 || rank > kMaxRank) {
    return EMBER_FAIL(*this, Status::kInvalidModel, "output %d: cannot set a rank %d shape", i,
                      rank);
  }
  TensorRecord& record =
      interpreter_->tensor_records_[op_->outputs()->Get(static_cast<uint32_t>(i))];
  int64_t bytes = static_cast<int64_t>(TensorTypeSize(static_cast<TensorType>(record.type)));
  for (int d = 0; d < rank; ++d) {
    if (dims[d] < 0) {
      return EMBER_FAIL(*this, Status::kInvalidModel, "output %d: dimension %d is negative", i, d);
    }
    bytes *= dims[d];
    if (bytes > kMaxTensorBytes) {
      return EMBER_FAIL(*this, Status::kInvalidModel, "output %d: shape is too large", i);
    }
  }
  record.rank = static_cast<uint8_t>(rank);
  for (int d = 0; d < rank; ++d) record.dims[d] = dims[d];
  return Status::kOk;
}

void* OpContext::AllocateOpData(size_t bytes) {
  OpRecord& record = interpreter_->op_records_[op_index_];
  if (interpreter_->repreparing_) return ReuseOpData(bytes);
  if (phase_ != Phase::kPrepare || record.data_offset != kNoOpData) {
    EMBER_FAIL(*this, Status::kBadState, "op data may be allocated once, in Prepare");
    return nullptr;
  }
  const size_t size = AlignUp(bytes, kArenaAlignment);
  if (interpreter_->head_bytes_ + size > interpreter_->arena_capacity_) {
    interpreter_->ReportArenaTooSmall(interpreter_->head_bytes_ + size);
    return nullptr;
  }
  record.data_offset = static_cast<uint32_t>(interpreter_->head_bytes_);
  uint8_t* data = interpreter_->arena_ + interpreter_->head_bytes_;
  memset(data, 0, size);
  interpreter_->head_bytes_ += size;
  return data;
}

void* OpContext::ReuseOpData(size_t bytes) {
  const OpRecord& record = interpreter_->op_records_[op_index_];
  if (phase_ != Phase::kPrepare || interpreter_->reprepare_op_data_taken_) {
    EMBER_FAIL(*this, Status::kBadState, "op data may be allocated once, in Prepare");
    return nullptr;
  }
  const size_t size = AlignUp(bytes, kArenaAlignment);
  const size_t planned =
      record.data_offset == kNoOpData ? 0 : interpreter_->PlannedOpDataBytes(op_index_);
  if (size > planned) {
    EMBER_FAIL(*this, Status::kArenaTooSmall,
               "needs %lu bytes of op data at batch %" PRId32 ", %lu were planned",
               static_cast<unsigned long>(size), interpreter_->batch_size_,
               static_cast<unsigned long>(planned));
    return nullptr;
  }
  interpreter_->reprepare_op_data_taken_ = true;
  uint8_t* data = interpreter_->arena_ + record.data_offset;
  memset(data, 0, size);
  return data;
}

void* OpContext::op_data() const {
  const OpRecord& record = interpreter_->op_records_[op_index_];
  return record.data_offset == kNoOpData ? nullptr : interpreter_->arena_ + record.data_offset;
}

Status OpContext::RequestScratch(size_t bytes, int* index) {
  OpRecord& record = interpreter_->op_records_[op_index_];
  const int requested =
      interpreter_->repreparing_ ? interpreter_->reprepare_scratch_requests_ : record.scratch_count;
  if (phase_ != Phase::kPrepare || requested >= kMaxScratchPerOp || bytes > 0x7FFFFFFFu) {
    return EMBER_FAIL(*this, Status::kBadState,
                      "scratch buffers: at most %d per op, requested in Prepare",
                      kMaxScratchPerOp);
  }
  if (interpreter_->repreparing_) {
    // The buffers were placed at AllocateTensors; a request may only fit in
    // the one planned for it.
    const uint32_t planned = requested < record.scratch_count ? record.scratch_size[requested] : 0;
    if (requested >= record.scratch_count || bytes > planned) {
      return EMBER_FAIL(*this, Status::kArenaTooSmall,
                        "scratch buffer %d: needs %lu bytes at batch %" PRId32 ", %lu were planned",
                        requested, static_cast<unsigned long>(bytes), interpreter_->batch_size_,
                        static_cast<unsigned long>(planned));
    }
    *index = requested;
    ++interpreter_->reprepare_scratch_requests_;
    return Status::kOk;
  }
  *index = record.scratch_count;
  record.scratch_size[record.scratch_count++] = static_cast<uint32_t>(bytes);
  return Status::kOk;
}

void* OpContext::scratch(int index) const {
  const OpRecord& record = interpreter_->op_records_[op_index_];
  if (index < 0 || index >= record.scratch_count) return nullptr;
  return interpreter_->region() + record.scratch_offset[index];
}

#if !defined(EMBER_STRIP_ERROR_STRINGS)
Status OpContext::Fail(Status status, const char* format, ...) {
  char message[192];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  EMBER_REPORT(interpreter_->reporter_, "op #%d (%s): %s", op_index_,
               schema::EnumNameOpCode(op_->opcode()), message);
  return status;
}
#endif

ErrorReporter* OpContext::reporter() const { return interpreter_->reporter_; }

}  // namespace ember
