// Incremental Invoke: runs only the ops whose inputs changed since the
// previous Invoke, and (with an output prefix) only the ops the caller's
// slices need. See Interpreter::EnableIncrementalInvoke.
//
// State kept after the planned tensors in the region:
//   input copies   the model inputs as the previous Invoke saw them
//   old outputs    room for the largest op's outputs, to compare new with old
//   tensor state   one byte per tensor (kChanged, kStale, kDemanded)
//   op needed      one byte per op
#include <string.h>

#include "interpreter/interpreter.h"

namespace ember {
namespace {

// The tensor's value differs from the one the previous Invoke left.
constexpr uint8_t kChanged = 1;
// The tensor's buffer does not hold its value for the current inputs (never
// computed, or skipped because nothing needed it).
constexpr uint8_t kStale = 2;
// An op that runs this Invoke reads the tensor (or the caller does).
constexpr uint8_t kDemanded = 4;

}  // namespace

void Interpreter::EnableIncrementalInvoke() {
  static constexpr IncrementalInvoke kIncrementalInvoke = {&Interpreter::SizeIncrementalState,
                                                           &Interpreter::InvokeIncremental};
  incremental_ = &kIncrementalInvoke;
}

size_t Interpreter::SizeIncrementalState() {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  input_copy_bytes_ = 0;
  if (subgraph.inputs() != nullptr) {
    for (int32_t t : *subgraph.inputs()) {
      input_copy_bytes_ += AlignUp(tensor(t).bytes(), kArenaAlignment);
    }
  }
  old_outputs_bytes_ = 0;
  for (size_t o = 0; o < op_count_; ++o) {
    const schema::Operator* op = subgraph.operators()->Get(static_cast<uint32_t>(o));
    size_t bytes = 0;
    for (int32_t t : *op->outputs()) bytes += AlignUp(tensor(t).bytes(), kArenaAlignment);
    if (bytes > old_outputs_bytes_) old_outputs_bytes_ = bytes;
  }
  incremental_primed_ = false;
  return input_copy_bytes_ + old_outputs_bytes_ + AlignUp(tensor_count_ + op_count_, kArenaAlignment);
}

Status Interpreter::SetOutputPrefix(size_t output_index, int32_t count) {
  if (phase_ != Phase::kReady || !incremental_ || output_index >= outputs_size()) {
    EMBER_REPORT(reporter_, "SetOutputPrefix(%u): needs incremental Invoke, AllocateTensors() "
                 "and an existing output", static_cast<unsigned>(output_index));
    return Status::kBadState;
  }
  if (count < 0) {
    prefix_output_ = -1;
    return Status::kOk;
  }
  const schema::Subgraph& subgraph = model_.main_subgraph();
  const int32_t tensor_index = subgraph.outputs()->Get(static_cast<uint32_t>(output_index));
  for (size_t o = 0; o < op_count_; ++o) {
    const schema::Operator* op = subgraph.operators()->Get(static_cast<uint32_t>(o));
    if (op->outputs()->Get(0) != tensor_index) continue;
    if (op->opcode() != schema::OpCode::PACK || op->inputs() == nullptr) break;
    prefix_output_ = tensor_index;
    prefix_count_ = count < static_cast<int32_t>(op->inputs()->size())
                        ? count
                        : static_cast<int32_t>(op->inputs()->size());
    return Status::kOk;
  }
  EMBER_REPORT(reporter_, "SetOutputPrefix(%u): output '%s' is not made by a PACK",
               static_cast<unsigned>(output_index), output_name(output_index));
  return Status::kUnsupported;
}

Status Interpreter::InvokeIncremental() {
  const schema::Subgraph& subgraph = model_.main_subgraph();
  uint8_t* input_copies = region() + incremental_offset_;
  uint8_t* old_outputs = input_copies + input_copy_bytes_;
  uint8_t* tensor_state = old_outputs + old_outputs_bytes_;
  uint8_t* op_needed = tensor_state + tensor_count_;

  for (size_t t = 0; t < tensor_count_; ++t) {
    tensor_state[t] = incremental_primed_ ? static_cast<uint8_t>(tensor_state[t] & kStale) : kStale;
    if (HasFixedValue(static_cast<int>(t))) tensor_state[t] = 0;
  }
  if (subgraph.inputs() != nullptr) {
    uint8_t* copy = input_copies;
    for (int32_t t : *subgraph.inputs()) {
      const TensorView view = tensor(t);
      if (!incremental_primed_ || memcmp(copy, view.data, view.bytes()) != 0) {
        memcpy(copy, view.data, view.bytes());
        tensor_state[t] = kChanged;
      } else {
        tensor_state[t] = 0;
      }
      copy += AlignUp(view.bytes(), kArenaAlignment);
    }
  }
  incremental_primed_ = true;

  // What the caller reads, then backwards what every needed op reads.
  for (int32_t t : *subgraph.outputs()) {
    if (t != prefix_output_) tensor_state[t] |= kDemanded;
  }
  for (size_t o = op_count_; o-- > 0;) {
    const schema::Operator* op = subgraph.operators()->Get(static_cast<uint32_t>(o));
    bool needed = false;
    for (int32_t t : *op->outputs()) needed |= (tensor_state[t] & kDemanded) != 0;
    const bool prefix = op->outputs()->Get(0) == prefix_output_;
    needed |= prefix;
    op_needed[o] = needed ? 1 : 0;
    if (!needed || op->inputs() == nullptr) continue;
    for (uint32_t k = 0; k < op->inputs()->size(); ++k) {
      const int32_t t = op->inputs()->Get(k);
      if (t < 0 || (prefix && static_cast<int32_t>(k) >= prefix_count_)) continue;
      tensor_state[t] |= kDemanded;
    }
  }

  for (size_t o = 0; o < op_count_; ++o) {
    const schema::Operator* op = subgraph.operators()->Get(static_cast<uint32_t>(o));
    if ((op_records_[o].flags & OpRecord::kIsStatic) != 0) continue;
    bool dirty = false;
    if (op->inputs() != nullptr) {
      for (int32_t t : *op->inputs()) {
        if (t >= 0 && (tensor_state[t] & (kChanged | kStale)) != 0) dirty = true;
      }
    }
    for (int32_t t : *op->outputs()) dirty |= (tensor_state[t] & kStale) != 0;
    if (!dirty) continue;
    if (op_needed[o] == 0) {
      for (int32_t t : *op->outputs()) tensor_state[t] |= kChanged | kStale;
      continue;
    }
    // A stale output counts as changed whatever its bytes: only the others
    // are kept for the comparison.
    uint8_t* saved = old_outputs;
    for (int32_t t : *op->outputs()) {
      const TensorView view = tensor(t);
      if ((tensor_state[t] & kStale) == 0) memcpy(saved, view.data, view.bytes());
      saved += AlignUp(view.bytes(), kArenaAlignment);
    }
    const Kernel& kernel = resolver_.at(op_records_[o].kernel_index);
    OpContext context(this, static_cast<int>(o), op, OpContext::Phase::kEval);
    EMBER_RETURN_IF_ERROR(kernel.eval(context));
    saved = old_outputs;
    const int32_t first_input = op->inputs() != nullptr && op->inputs()->size() > 0
                                    ? op->inputs()->Get(0)
                                    : -1;
    for (int32_t t : *op->outputs()) {
      const TensorView view = tensor(t);
      bool changed = (tensor_state[t] & kStale) != 0 || memcmp(saved, view.data, view.bytes()) != 0;
      // An output that shares its input's buffer (a reshape) held the new
      // value before the op ran: it changed when that input did.
      if (first_input >= 0 && view.data == tensor(first_input).data) {
        changed = (tensor_state[first_input] & (kChanged | kStale)) != 0;
      }
      tensor_state[t] = changed ? kChanged : 0;
      saved += AlignUp(view.bytes(), kArenaAlignment);
    }
  }
  return Status::kOk;
}

}  // namespace ember
