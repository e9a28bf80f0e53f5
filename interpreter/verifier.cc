#include "interpreter/verifier.h"

#include "schema/ember_generated.h"

namespace ember {
namespace {

using flatbuffers::Offset;
using flatbuffers::Table;
using flatbuffers::Vector;
using flatbuffers::Verifier;

// The fields of each options table, in declaration (vtable slot) order, one
// character per field: '1', '2', '4' or '8' a scalar of that many bytes,
// 'v' a vector of int32. Indexed by schema::OpOptions (NONE has no table).
// They must follow schema/ember.fbs: the static_assert below catches a new
// options table, tests/interpreter/verifier_test.cc a changed one.
constexpr const char* kOptionsFields[] = {
    "",          // NONE
    "1v44441",   // Conv2DOptions: padding, explicit_padding, stride_h/w, dilation_h/w, activation
    "1v444441",  // DepthwiseConv2DOptions: ... dilation_h/w, depth_multiplier, activation
    "11",        // FullyConnectedOptions: activation, keep_num_dims
    "1v441",     // TransposeConvOptions: padding, explicit_padding, stride_h/w, activation
    "1v44441",   // Pool2DOptions: padding, explicit_padding, stride_h/w, filter_h/w, activation
    "1",         // ArithmeticOptions: activation
    "4",         // LeakyReluOptions: alpha
    "v1",        // ReducerOptions: axes, keep_dims
    "v",         // ReshapeOptions: new_shape
    "41",        // ConcatenationOptions: axis, activation
    "4v",        // SplitOptions: axis, size_splits
    "v41",       // PadOptions: paddings, constant_value, mirror_mode
    "vvv44444",  // StridedSliceOptions: begin, end, strides, five masks
    "vv",        // SliceOptions: begin, size
    "v",         // TransposeOptions: perm
    "4",         // SoftmaxOptions: beta
    "11",        // ResizeOptions: align_corners, half_pixel_centers
    "44",        // GatherOptions: axis, batch_dims
    "4",         // PackOptions: axis
    "411",       // ArgMinMaxOptions: axis, keep_dims, select_last_index
    "4",         // OneHotOptions: axis
    "44",        // ReverseSequenceOptions: seq_dim, batch_dim
};
static_assert(sizeof(kOptionsFields) / sizeof(kOptionsFields[0]) ==
                  static_cast<size_t>(schema::OpOptions::MAX) + 1,
              "kOptionsFields needs one entry per OpOptions member (schema/ember.fbs)");

// What the generated Verify of the options table `type` checks, field by
// field, with the same flatbuffers calls. An unknown type (a newer file) is
// accepted unverified, as the generated union verifier does; the kernel
// then refuses options it does not know.
bool VerifyOptions(Verifier& verifier, const Table* table, schema::OpOptions type) {
  const size_t index = static_cast<size_t>(type);
  if (table == nullptr || index == 0 || index > static_cast<size_t>(schema::OpOptions::MAX)) {
    return true;
  }
  if (!table->VerifyTableStart(verifier)) return false;
  const char* fields = kOptionsFields[index];
  for (flatbuffers::voffset_t slot = 4; *fields != '\0'; ++fields, slot += 2) {
    bool ok = false;
    switch (*fields) {
      case '1':
        ok = table->VerifyField<uint8_t>(verifier, slot, 1);
        break;
      case '2':
        ok = table->VerifyField<uint16_t>(verifier, slot, 2);
        break;
      case '4':
        ok = table->VerifyField<uint32_t>(verifier, slot, 4);
        break;
      case '8':
        ok = table->VerifyField<uint64_t>(verifier, slot, 8);
        break;
      case 'v':
        ok = table->VerifyOffset(verifier, slot) &&
             verifier.VerifyVector(table->GetPointer<const Vector<int32_t>*>(slot));
        break;
      default:
        break;
    }
    if (!ok) return false;
  }
  return verifier.EndTable();
}

// The generated Verify of Operator, Subgraph and Model, field for field,
// except that operators' options go through VerifyOptions. Each view is
// the same bytes as the generated table.
class OperatorView : private Table {
 public:
  bool Verify(Verifier& verifier) const {
    const schema::Operator& op = *reinterpret_cast<const schema::Operator*>(this);
    return VerifyTableStart(verifier) &&
           VerifyField<uint16_t>(verifier, schema::Operator::VT_OPCODE, 2) &&
           VerifyOffset(verifier, schema::Operator::VT_INPUTS) &&
           verifier.VerifyVector(op.inputs()) &&
           VerifyOffset(verifier, schema::Operator::VT_OUTPUTS) &&
           verifier.VerifyVector(op.outputs()) &&
           VerifyField<uint8_t>(verifier, schema::Operator::VT_OPTIONS_TYPE, 1) &&
           VerifyOffset(verifier, schema::Operator::VT_OPTIONS) &&
           VerifyOptions(verifier, GetPointer<const Table*>(schema::Operator::VT_OPTIONS),
                         op.options_type()) &&
           verifier.EndTable();
  }
};

class SubgraphView : private Table {
 public:
  bool Verify(Verifier& verifier) const {
    const schema::Subgraph& subgraph = *reinterpret_cast<const schema::Subgraph*>(this);
    return VerifyTableStart(verifier) &&
           VerifyOffset(verifier, schema::Subgraph::VT_NAME) &&
           verifier.VerifyString(subgraph.name()) &&
           VerifyOffset(verifier, schema::Subgraph::VT_TENSORS) &&
           verifier.VerifyVector(subgraph.tensors()) &&
           verifier.VerifyVectorOfTables(subgraph.tensors()) &&
           VerifyOffset(verifier, schema::Subgraph::VT_INPUTS) &&
           verifier.VerifyVector(subgraph.inputs()) &&
           VerifyOffset(verifier, schema::Subgraph::VT_OUTPUTS) &&
           verifier.VerifyVector(subgraph.outputs()) &&
           VerifyOffset(verifier, schema::Subgraph::VT_OPERATORS) &&
           verifier.VerifyVector(operators()) && verifier.VerifyVectorOfTables(operators()) &&
           verifier.EndTable();
  }

 private:
  // Read only after VerifyTableStart has checked the vtable.
  const Vector<Offset<OperatorView>>* operators() const {
    return GetPointer<const Vector<Offset<OperatorView>>*>(schema::Subgraph::VT_OPERATORS);
  }
};

class ModelView : private Table {
 public:
  bool Verify(Verifier& verifier) const {
    const schema::Model& model = *reinterpret_cast<const schema::Model*>(this);
    return VerifyTableStart(verifier) &&
           VerifyField<uint32_t>(verifier, schema::Model::VT_VERSION, 4) &&
           VerifyOffset(verifier, schema::Model::VT_DESCRIPTION) &&
           verifier.VerifyString(model.description()) &&
           VerifyOffset(verifier, schema::Model::VT_BUFFERS) &&
           verifier.VerifyVector(model.buffers()) &&
           verifier.VerifyVectorOfTables(model.buffers()) &&
           VerifyOffset(verifier, schema::Model::VT_SUBGRAPHS) &&
           verifier.VerifyVector(subgraphs()) && verifier.VerifyVectorOfTables(subgraphs()) &&
           VerifyOffset(verifier, schema::Model::VT_PLAN) &&
           verifier.VerifyTable(model.plan()) &&
           VerifyField<int32_t>(verifier, schema::Model::VT_MAX_BATCH, 4) &&
           verifier.EndTable();
  }

 private:
  // Read only after VerifyTableStart has checked the vtable.
  const Vector<Offset<SubgraphView>>* subgraphs() const {
    return GetPointer<const Vector<Offset<SubgraphView>>*>(schema::Model::VT_SUBGRAPHS);
  }
};

}  // namespace

bool VerifyModelFlatbuffer(const uint8_t* bytes, size_t size) {
  Verifier verifier(bytes, size, kVerifierMaxDepth, kVerifierMaxTables);
  return verifier.VerifyBuffer<ModelView>(schema::ModelIdentifier());
}

}  // namespace ember
