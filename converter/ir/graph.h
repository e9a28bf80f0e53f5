// The converter's graph of Ember ops: what every front end lowers into and
// every Ember-level pass (constant folding, batch-norm folding, fusion,
// quantization) rewrites, before the writer turns it into a schema model.
//
// Tensors and ops live in vectors and are addressed by index. Ops are kept in
// execution order; passes that remove ops mark them dead and Compact() drops
// them together with tensors nothing refers to.
#ifndef EMBER_CONVERTER_IR_GRAPH_H_
#define EMBER_CONVERTER_IR_GRAPH_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "converter/model_builder.h"
#include "schema/ember_generated.h"

namespace ember::convert {

struct IrQuantization {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int axis = 0;
  bool empty() const { return scales.empty(); }
};

struct IrTensor {
  std::string name;
  schema::TensorType type = schema::TensorType::FLOAT32;
  std::vector<int32_t> shape;
  bool constant = false;
  // Constant bytes, little-endian, C order.
  std::vector<uint8_t> data;
  IrQuantization quantization;
  // The dimension that follows the batch (see converter/batch_dims.h), or -1.
  int batch_dim = -1;

  int64_t num_elements() const;
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data.data());
  }
  template <typename T>
  T* mutable_as() {
    return reinterpret_cast<T*>(data.data());
  }
  // Integer constant values (int32/int64/int8/uint8/int16/bool) widened.
  std::vector<int64_t> AsInts() const;
  std::vector<float> AsFloats() const;
};

// An op's options from one options table (schema::Conv2DOptionsT, ...), for
// IrGraph::AddOp.
template <typename T>
schema::OpOptionsUnion Options(T value) {
  schema::OpOptionsUnion options;
  options.Set(std::move(value));
  return options;
}

struct IrOp {
  schema::OpCode code = schema::OpCode::ADD;
  std::vector<int> inputs;  // -1 for an absent optional input
  std::vector<int> outputs;
  schema::OpOptionsUnion options;
  // The source node(s) the op came from, for messages and reports.
  std::string origin;
  bool dead = false;
};

class IrGraph {
 public:
  std::vector<IrTensor> tensors;
  std::vector<IrOp> ops;
  std::vector<int> inputs;
  std::vector<int> outputs;
  // The batch the shapes are for when the model may run any batch up to it
  // (tensors' batch_dim say what scales); 0 for no dynamic batch.
  int32_t max_batch = 0;

  int AddTensor(const std::string& name, schema::TensorType type, std::vector<int32_t> shape);
  int AddConstant(const std::string& name, schema::TensorType type, std::vector<int32_t> shape,
                  std::vector<uint8_t> data);
  template <typename T>
  int AddConstantOf(const std::string& name, std::vector<int32_t> shape,
                    const std::vector<T>& values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return AddConstant(name, TensorTypeOf<T>(), std::move(shape), std::move(bytes));
  }
  int AddOp(schema::OpCode code, std::vector<int> inputs, std::vector<int> outputs,
            schema::OpOptionsUnion options, const std::string& origin);

  bool IsConstant(int tensor) const { return tensor >= 0 && tensors[tensor].constant; }
  bool IsGraphOutput(int tensor) const;
  // Index of the live op writing `tensor`, or -1.
  int Producer(int tensor) const;
  // Live ops reading `tensor` (an op reading it twice appears once).
  std::vector<int> Consumers(int tensor) const;
  // Makes every live op and the graph outputs read `to` instead of `from`.
  void ReplaceUses(int from, int to);

  // Reorders the live ops so that each comes after the producers of its
  // inputs (passes that add ops append them at the end), keeping the
  // existing order where it already is one.
  void SortInExecutionOrder();

  size_t live_op_count() const;
  // Removes dead ops, ops whose outputs nobody needs, and unreferenced tensors;
  // renumbers. Returns the number of ops removed.
  int Compact();
  // Parameters: elements of constant tensors read by live ops.
  int64_t ParameterCount() const;

  // The schema model object (no memory plan yet).
  schema::ModelT ToModel(const std::string& description) const;
};

}  // namespace ember::convert

#endif  // EMBER_CONVERTER_IR_GRAPH_H_
