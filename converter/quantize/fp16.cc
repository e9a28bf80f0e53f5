#include "converter/quantize/fp16.h"

#include <cstring>
#include <map>

namespace ember::convert {

uint16_t FloatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) {  // inf stays inf, NaN stays a quiet NaN
    return static_cast<uint16_t>(sign | 0x7C00u | (magnitude > 0x7F800000u ? 0x200u : 0u));
  }
  if (magnitude >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520
  if (magnitude <= 0x33000000u) return static_cast<uint16_t>(sign);            // <= 2^-25
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
  // Normal halves keep 10 mantissa bits; below 2^-14 the half is subnormal
  // with a unit of 2^-24.
  const bool subnormal = exponent < -14;
  const int shift = subnormal ? -exponent - 1 : 13;
  const uint32_t kept = mantissa >> shift;
  const uint32_t remainder = mantissa & ((1u << shift) - 1);
  const uint32_t halfway = 1u << (shift - 1);
  uint32_t result = subnormal ? kept
                              : (static_cast<uint32_t>(exponent + 15) << 10) | (kept & 0x3FFu);
  // Round to nearest even; a carry out of the mantissa bumps the exponent.
  if (remainder > halfway || (remainder == halfway && (kept & 1u) != 0)) ++result;
  return static_cast<uint16_t>(sign | result);
}

namespace {

bool IsBiasInput(const IrOp& op, size_t slot) {
  const bool weighted = op.code == schema::OpCode::CONV_2D ||
                        op.code == schema::OpCode::DEPTHWISE_CONV_2D ||
                        op.code == schema::OpCode::FULLY_CONNECTED ||
                        op.code == schema::OpCode::TRANSPOSE_CONV;
  return weighted && slot == 2;
}

}  // namespace

int ConvertWeightsToFloat16(IrGraph& graph, int64_t min_elements) {
  std::map<int, int> widened;  // float constant -> float32 output of its DEQUANTIZE
  std::vector<IrOp> dequantize_ops;
  for (IrOp& op : graph.ops) {
    if (op.dead) continue;
    for (size_t slot = 0; slot < op.inputs.size(); ++slot) {
      const int t = op.inputs[slot];
      if (t < 0 || IsBiasInput(op, slot)) continue;
      const IrTensor& tensor = graph.tensors[t];
      if (!tensor.constant || tensor.type != schema::TensorType::FLOAT32 ||
          tensor.num_elements() < min_elements) {
        continue;
      }
      auto found = widened.find(t);
      if (found == widened.end()) {
        std::vector<uint16_t> halves(static_cast<size_t>(tensor.num_elements()));
        for (size_t i = 0; i < halves.size(); ++i) halves[i] = FloatToHalf(tensor.as<float>()[i]);
        const std::string name = tensor.name;
        const std::vector<int32_t> shape = tensor.shape;
        const int batch_dim = tensor.batch_dim;
        const int half = graph.AddConstantOf<uint16_t>(name + "/fp16", shape, halves);
        const int wide = graph.AddTensor(name, schema::TensorType::FLOAT32, shape);
        graph.tensors[half].batch_dim = batch_dim;
        graph.tensors[wide].batch_dim = batch_dim;
        IrOp dequantize;
        dequantize.code = schema::OpCode::DEQUANTIZE;
        dequantize.inputs = {half};
        dequantize.outputs = {wide};
        dequantize.origin = name;
        dequantize_ops.push_back(std::move(dequantize));
        found = widened.emplace(t, wide).first;
      }
      op.inputs[slot] = found->second;
    }
  }
  // Widening ops first, so they precede every reader.
  graph.ops.insert(graph.ops.begin(), std::make_move_iterator(dequantize_ops.begin()),
                   std::make_move_iterator(dequantize_ops.end()));
  graph.Compact();
  return static_cast<int>(dequantize_ops.size());
}

}  // namespace ember::convert
