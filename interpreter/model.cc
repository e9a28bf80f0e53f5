#include "interpreter/model.h"

#include <inttypes.h>

#include "interpreter/planner.h"
#include "interpreter/tensor.h"
#include "interpreter/verifier.h"

namespace ember {
namespace {

// Bound on the total elements of one tensor: keeps byte counts in 32 bits on
// every target, far beyond what a microcontroller model holds.
constexpr int64_t kMaxElements = int64_t{1} << 29;

Status Invalid(ErrorReporter* reporter, const char* what) {
  EMBER_REPORT(reporter, "invalid model: %s", what);
  return Status::kInvalidModel;
}

// A batch-marked dimension must exist and hold whole multiples of the
// model's max_batch, so every batch 1..max_batch gives an integer size.
Status CheckBatchDim(const schema::Model& model, const schema::Tensor& tensor, int index,
                     const char* name, uint32_t rank, ErrorReporter* reporter) {
  const int batch_dim = tensor.batch_dim();
  if (batch_dim == -1) return Status::kOk;
  if (model.max_batch() == 0) {
    EMBER_REPORT(reporter,
                 "invalid model: tensor %d '%s': batch_dim = %d but the model's max_batch is 0",
                 index, name, batch_dim);
    return Status::kInvalidModel;
  }
  if (batch_dim < 0 || batch_dim >= static_cast<int>(rank)) {
    EMBER_REPORT(reporter,
                 "invalid model: tensor %d '%s': batch_dim = %d is outside its rank %" PRIu32,
                 index, name, batch_dim, rank);
    return Status::kInvalidModel;
  }
  const int32_t dim = tensor.shape()->Get(static_cast<uint32_t>(batch_dim));
  if (dim <= 0 || dim % model.max_batch() != 0) {
    EMBER_REPORT(reporter,
                 "invalid model: tensor %d '%s': batch_dim %d: shape[%d] = %" PRId32
                 " is not a positive multiple of max_batch %" PRId32,
                 index, name, batch_dim, batch_dim, dim, model.max_batch());
    return Status::kInvalidModel;
  }
  if (tensor.buffer() != 0 && batch_dim != 0) {
    EMBER_REPORT(reporter,
                 "invalid model: tensor %d '%s': batch_dim = %d on a constant (constants scale "
                 "only along dimension 0)",
                 index, name, batch_dim);
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

Status CheckTensor(const schema::Model& model, const schema::Subgraph& subgraph, int index,
                   const uint8_t* base, ErrorReporter* reporter) {
  const schema::Tensor* tensor = subgraph.tensors()->Get(index);
  const char* name = tensor->name() != nullptr ? tensor->name()->c_str() : "";
  const uint32_t rank = TensorRank(*tensor);
  if (rank > static_cast<uint32_t>(kMaxRank)) {
    EMBER_REPORT(reporter, "invalid model: tensor %d '%s': rank %" PRIu32 " exceeds %d", index,
                 name, rank, kMaxRank);
    return Status::kInvalidModel;
  }
  for (uint32_t d = 0; d < rank; ++d) {
    if (tensor->shape()->Get(d) < 0) {
      EMBER_REPORT(reporter,
                   "invalid model: tensor %d '%s': shape[%" PRIu32 "] = %" PRId32 " is negative",
                   index, name, d, tensor->shape()->Get(d));
      return Status::kInvalidModel;
    }
  }
  const int64_t elements = ShapeElementCount(tensor->shape());
  if (elements < 0) {
    EMBER_REPORT(reporter, "invalid model: tensor %d '%s': element count overflows", index, name);
    return Status::kInvalidModel;
  }
  const size_t type_size = TensorTypeSize(tensor->type());
  if (type_size == 0) {
    EMBER_REPORT(reporter, "invalid model: tensor %d '%s': unknown type %d", index, name,
                 static_cast<int>(tensor->type()));
    return Status::kInvalidModel;
  }
  if (elements * static_cast<int64_t>(type_size) > kMaxTensorBytes) {
    EMBER_REPORT(reporter, "invalid model: tensor %d '%s': larger than 2 GiB", index, name);
    return Status::kInvalidModel;
  }
  const uint32_t buffer = tensor->buffer();
  if (buffer != 0) {
    if (model.buffers() == nullptr || buffer >= model.buffers()->size()) {
      EMBER_REPORT(reporter, "invalid model: tensor %d '%s': buffer %" PRIu32 " out of range",
                   index, name, buffer);
      return Status::kInvalidModel;
    }
    const auto* data = model.buffers()->Get(buffer)->data();
    const size_t expected = static_cast<size_t>(elements) * type_size;
    const size_t actual = data == nullptr ? 0 : data->size();
    if (actual != expected) {
      EMBER_REPORT(reporter,
                   "invalid model: tensor %d '%s': buffer %" PRIu32
                   " holds %u bytes, shape and type need %u",
                   index, name, buffer, static_cast<unsigned>(actual),
                   static_cast<unsigned>(expected));
      return Status::kInvalidModel;
    }
    if (data != nullptr && (data->data() - base) % kArenaAlignment != 0) {
      EMBER_REPORT(reporter,
                   "invalid model: tensor %d '%s': buffer %" PRIu32 " is not 16-byte aligned",
                   index, name, buffer);
      return Status::kInvalidModel;
    }
  }
  EMBER_RETURN_IF_ERROR(CheckBatchDim(model, *tensor, index, name, rank, reporter));
  const schema::Quantization* quant = tensor->quantization();
  if (quant != nullptr && quant->scale() != nullptr && quant->scale()->size() > 0) {
    const uint32_t scales = quant->scale()->size();
    const uint32_t zero_points = quant->zero_point() == nullptr ? 0 : quant->zero_point()->size();
    if (zero_points != 0 && zero_points != scales) {
      EMBER_REPORT(reporter,
                   "invalid model: tensor %d '%s': quantization has %" PRIu32 " scales but %" PRIu32
                   " zero points",
                   index, name, scales, zero_points);
      return Status::kInvalidModel;
    }
    if (scales > 1) {
      const int axis = quant->quantized_dimension();
      if (axis < 0 || axis >= static_cast<int>(rank) ||
          tensor->shape()->Get(axis) != static_cast<int32_t>(scales)) {
        EMBER_REPORT(reporter,
                     "invalid model: tensor %d '%s': %" PRIu32 " per-channel scales do not match "
                     "quantized_dimension %d",
                     index, name, scales, axis);
        return Status::kInvalidModel;
      }
    }
  }
  return Status::kOk;
}

Status CheckIndexList(const flatbuffers::Vector<int32_t>* list, int32_t tensor_count,
                      bool allow_absent, const char* owner, int owner_index, const char* field,
                      ErrorReporter* reporter) {
  if (list == nullptr) return Status::kOk;
  for (uint32_t i = 0; i < list->size(); ++i) {
    const int32_t value = list->Get(i);
    if ((value == -1 && allow_absent) || (value >= 0 && value < tensor_count)) continue;
    EMBER_REPORT(reporter,
                 "invalid model: %s %d: %s[%" PRIu32 "] = %" PRId32
                 " is not a tensor index (0..%" PRId32 ")",
                 owner, owner_index, field, i, value, tensor_count - 1);
    return Status::kInvalidModel;
  }
  return Status::kOk;
}

}  // namespace

int64_t ShapeElementCount(const flatbuffers::Vector<int32_t>* shape) {
  int64_t count = 1;
  if (shape == nullptr) return count;
  for (uint32_t d = 0; d < shape->size(); ++d) {
    const int32_t dim = shape->Get(d);
    if (dim < 0) return -1;
    count *= dim;
    if (count > kMaxElements) return -1;
  }
  return count;
}

Status Model::Load(const void* bytes, size_t size, ErrorReporter* reporter, Model* model) {
  *model = Model();
  const auto* base = static_cast<const uint8_t*>(bytes);
  if (base == nullptr || size < 8) return Invalid(reporter, "file is shorter than a header");
  if (reinterpret_cast<uintptr_t>(base) % kArenaAlignment != 0) {
    return Invalid(reporter, "model bytes must start on a 16-byte boundary");
  }
  if (!schema::ModelBufferHasIdentifier(base)) {
    return Invalid(reporter, "wrong file identifier (expected \"EMB1\", not an Ember model)");
  }
  if (!VerifyModelFlatbuffer(base, size)) {
    return Invalid(reporter, "flatbuffer verification failed (truncated or corrupt file)");
  }
  const schema::Model* root = schema::GetModel(base);
  if (root->version() == 0 || root->version() > kModelFormatVersion) {
    EMBER_REPORT(reporter,
                 "invalid model: format version %" PRIu32 ", this runtime reads 1..%" PRIu32,
                 root->version(), kModelFormatVersion);
    return Status::kInvalidModel;
  }
  if (root->max_batch() < 0) {
    EMBER_REPORT(reporter, "invalid model: max_batch = %" PRId32 " is negative",
                 root->max_batch());
    return Status::kInvalidModel;
  }
  if (root->subgraphs() == nullptr || root->subgraphs()->size() == 0) {
    return Invalid(reporter, "no subgraphs");
  }
  for (uint32_t s = 0; s < root->subgraphs()->size(); ++s) {
    const schema::Subgraph* subgraph = root->subgraphs()->Get(s);
    if (subgraph->tensors() == nullptr || subgraph->operators() == nullptr) {
      EMBER_REPORT(reporter,
                   "invalid model: subgraph %" PRIu32 ": missing 'tensors' or 'operators'", s);
      return Status::kInvalidModel;
    }
    if (subgraph->tensors()->size() > 0x7FFFFFFFu) return Invalid(reporter, "too many tensors");
    const int32_t tensor_count = static_cast<int32_t>(subgraph->tensors()->size());
    for (int32_t t = 0; t < tensor_count; ++t) {
      EMBER_RETURN_IF_ERROR(CheckTensor(*root, *subgraph, t, base, reporter));
    }
    EMBER_RETURN_IF_ERROR(CheckIndexList(subgraph->inputs(), tensor_count, false, "subgraph",
                                         static_cast<int>(s), "inputs", reporter));
    EMBER_RETURN_IF_ERROR(CheckIndexList(subgraph->outputs(), tensor_count, false, "subgraph",
                                         static_cast<int>(s), "outputs", reporter));
    for (uint32_t o = 0; o < subgraph->operators()->size(); ++o) {
      const schema::Operator* op = subgraph->operators()->Get(o);
      const int op_index = static_cast<int>(o);
      if (op->opcode() > schema::OpCode::MAX) {
        EMBER_REPORT(reporter, "invalid model: op %d: unknown opcode %d", op_index,
                     static_cast<int>(op->opcode()));
        return Status::kInvalidModel;
      }
      EMBER_RETURN_IF_ERROR(
          CheckIndexList(op->inputs(), tensor_count, true, "op", op_index, "inputs", reporter));
      EMBER_RETURN_IF_ERROR(
          CheckIndexList(op->outputs(), tensor_count, false, "op", op_index, "outputs", reporter));
      if (op->outputs() == nullptr || op->outputs()->size() == 0) {
        EMBER_REPORT(reporter, "invalid model: op %d (%s): no outputs", op_index,
                     schema::EnumNameOpCode(op->opcode()));
        return Status::kInvalidModel;
      }
    }
  }
  const schema::MemoryPlan* plan = root->plan();
  if (plan != nullptr) {
    const schema::Subgraph& main = *root->subgraphs()->Get(0);
    if (plan->tensor_offsets() == nullptr ||
        plan->tensor_offsets()->size() != main.tensors()->size()) {
      return Invalid(reporter, "plan: 'tensor_offsets' must have one entry per tensor");
    }
    if (plan->head_bytes() > plan->arena_bytes()) {
      return Invalid(reporter, "plan: 'head_bytes' exceeds 'arena_bytes'");
    }
  }
  model->bytes_ = base;
  model->size_ = size;
  model->root_ = root;
  return Status::kOk;
}

const uint8_t* Model::ConstantData(int tensor_index) const {
  const schema::Tensor* tensor = main_subgraph().tensors()->Get(tensor_index);
  if (tensor->buffer() == 0) return nullptr;
  const auto* data = root_->buffers()->Get(tensor->buffer())->data();
  return data == nullptr ? nullptr : data->data();
}

}  // namespace ember
