#include "converter/quantize/integer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "converter/error.h"
#include "converter/ir/evaluate.h"

namespace ember::convert {
namespace {

using schema::OpCode;
using schema::TensorType;

// Where an op keeps its weights: filter and bias input slots and the filter
// dimension that indexes output channels.
struct WeightSlots {
  int filter = -1;
  int bias = -1;
  int channel_axis = 0;
};

WeightSlots WeightsOf(OpCode code) {
  switch (code) {
    case OpCode::CONV_2D:
    case OpCode::FULLY_CONNECTED:
    case OpCode::TRANSPOSE_CONV:
      return {1, 2, 0};
    case OpCode::DEPTHWISE_CONV_2D:
      return {1, 2, 3};
    default:
      return {};
  }
}

// Ops whose integer kernels require the output's quantization to be the
// input's: they move or select values without arithmetic.
bool KeepsInputQuantization(OpCode code) {
  switch (code) {
    case OpCode::RESHAPE:
    case OpCode::SQUEEZE:
    case OpCode::EXPAND_DIMS:
    case OpCode::TRANSPOSE:
    case OpCode::SLICE:
    case OpCode::STRIDED_SLICE:
    case OpCode::GATHER:
    case OpCode::SPLIT:
    case OpCode::UNPACK:
    case OpCode::PACK:
    case OpCode::MAX_POOL_2D:
    case OpCode::AVERAGE_POOL_2D:
    case OpCode::REDUCE_MAX:
    case OpCode::RESIZE_NEAREST_NEIGHBOR:
    case OpCode::PAD:
    case OpCode::MIRROR_PAD:
    case OpCode::MAXIMUM:
    case OpCode::MINIMUM:
      return true;
    default:
      return false;
  }
}

IrQuantization PerTensor(float scale, int64_t zero_point) {
  IrQuantization q;
  q.scales = {scale};
  q.zero_points = {zero_point};
  return q;
}

// The output quantization a kernel fixes for `code`, if any.
bool FixedOutputQuantization(OpCode code, TensorType type, IrQuantization* out) {
  const bool int8 = type == TensorType::INT8;
  switch (code) {
    case OpCode::SOFTMAX:
    case OpCode::LOGISTIC:
      *out = int8 ? PerTensor(1.0f / 256.0f, -128) : PerTensor(1.0f / 32768.0f, 0);
      return true;
    case OpCode::TANH:
      *out = int8 ? PerTensor(1.0f / 128.0f, 0) : PerTensor(1.0f / 32768.0f, 0);
      return true;
    default:
      return false;
  }
}

// Finest activation scale given: a tensor that was 0 for every calibration
// sample (an unrolled cell's state times its zero initial state) still gets a
// scale the kernels accept (they refuse scales below 2^-28, where their
// multipliers would underflow), and any value that small is noise.
constexpr double kMinScale = 1.0 / (1 << 20);

IrQuantization ActivationQuantization(TensorRange range, TensorType type) {
  double low = std::min(0.0, static_cast<double>(range.min));
  double high = std::max(0.0, static_cast<double>(range.max));
  if (type == TensorType::INT16) {
    const double bound = std::max({-low, high, 32767.0 * kMinScale});
    return PerTensor(static_cast<float>(bound / 32767.0), 0);
  }
  if (high - low < 255.0 * kMinScale) high = low + 255.0 * kMinScale;
  const double scale = (high - low) / 255.0;
  const double zero_point = std::clamp(std::round(-128.0 - low / scale), -128.0, 127.0);
  return PerTensor(static_cast<float>(scale), static_cast<int64_t>(zero_point));
}

template <typename T>
std::vector<uint8_t> BytesOf(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// Symmetric int8 weights with one scale per slice along `axis`, at least
// `min_scales[c]` where given.
IrTensor QuantizeWeights(const IrTensor& weights, int axis,
                         const std::vector<double>& min_scales = {}) {
  const int rank = static_cast<int>(weights.shape.size());
  const int64_t channels = rank == 0 ? 1 : weights.shape[axis];
  int64_t inner = 1;
  for (int d = axis + 1; d < rank; ++d) inner *= weights.shape[d];
  const std::vector<float> values = weights.AsFloats();
  std::vector<double> max_abs(static_cast<size_t>(channels), 0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    max_abs[c] = std::max(max_abs[c], std::fabs(static_cast<double>(values[i])));
  }
  IrTensor out;
  out.name = weights.name;
  out.type = TensorType::INT8;
  out.shape = weights.shape;
  out.batch_dim = weights.batch_dim;
  out.constant = true;
  out.quantization.axis = axis;
  for (size_t c = 0; c < max_abs.size(); ++c) {
    double scale = max_abs[c] / 127.0;
    if (c < min_scales.size()) scale = std::max(scale, min_scales[c]);
    // All-zero channels get any positive scale; their values stay 0.
    out.quantization.scales.push_back(scale > 0.0 ? static_cast<float>(scale) : 1.0f);
    out.quantization.zero_points.push_back(0);
  }
  std::vector<int8_t> q(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels);
    const double scaled = std::round(values[i] / static_cast<double>(out.quantization.scales[c]));
    q[i] = static_cast<int8_t>(std::clamp(scaled, -127.0, 127.0));
  }
  out.data = BytesOf(q);
  return out;
}

// Bias of an op with weights: int32 (int64 beside int16 activations) at
// scale input_scale * weight_scale[c], zero point 0. The scale is implied by
// the op's input and weights, so the model does not store it (4 bytes per
// channel; kernels never read it).
IrTensor QuantizeBias(const IrTensor& bias, float input_scale, const IrQuantization& weights,
                      TensorType activations) {
  const std::vector<float> values = bias.AsFloats();
  IrTensor out;
  out.name = bias.name;
  out.shape = bias.shape;
  out.batch_dim = bias.batch_dim;
  out.constant = true;
  std::vector<double> quantized(values.size());
  for (size_t c = 0; c < values.size(); ++c) {
    const float weight_scale = weights.scales.size() == 1 ? weights.scales[0] : weights.scales[c];
    const double scale = static_cast<double>(input_scale) * static_cast<double>(weight_scale);
    quantized[c] = std::round(values[c] / scale);
  }
  if (activations == TensorType::INT16) {
    out.type = TensorType::INT64;
    std::vector<int64_t> q;
    for (double v : quantized) q.push_back(static_cast<int64_t>(std::clamp(v, -9.2e18, 9.2e18)));
    out.data = BytesOf(q);
  } else {
    out.type = TensorType::INT32;
    std::vector<int32_t> q;
    for (double v : quantized) {
      q.push_back(static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0)));
    }
    out.data = BytesOf(q);
  }
  return out;
}

// A float constant that is not a weight, quantized per tensor like an
// activation over its own values.
// Infinities (attention's -inf mask value) are left out: they saturate to
// the type's extreme value, which is where they belong.
TensorRange ValueRange(const IrTensor& constant) {
  TensorRange range;
  for (float v : constant.AsFloats()) {
    if (!std::isfinite(v)) continue;
    range.min = std::min(range.min, v);
    range.max = std::max(range.max, v);
  }
  return range;
}

// `range` covers the constant's values (its own range, or a wider one shared
// with the tensors it must be quantized alike with).
IrTensor QuantizeConstant(const IrTensor& constant, TensorType type, TensorRange range) {
  const std::vector<float> values = constant.AsFloats();
  IrTensor out;
  out.name = constant.name;
  out.type = type;
  out.shape = constant.shape;
  out.batch_dim = constant.batch_dim;
  out.constant = true;
  out.quantization = ActivationQuantization(range, type);
  const double scale = out.quantization.scales[0];
  const double zero_point = static_cast<double>(out.quantization.zero_points[0]);
  if (type == TensorType::INT16) {
    std::vector<int16_t> q;
    for (float v : values) q.push_back(static_cast<int16_t>(std::clamp(std::round(v / scale), -32768.0, 32767.0)));
    out.data = BytesOf(q);
  } else {
    std::vector<int8_t> q;
    for (float v : values) {
      q.push_back(static_cast<int8_t>(std::clamp(std::round(v / scale) + zero_point, -128.0, 127.0)));
    }
    out.data = BytesOf(q);
  }
  return out;
}

class IntegerQuantizer {
 public:
  IntegerQuantizer(IrGraph& graph, const std::map<int, TensorRange>& ranges,
                   const IntegerQuantizeOptions& options)
      : graph_(graph), ranges_(ranges), options_(options) {
    for (const IrTensor& tensor : graph.tensors) {
      float_activation_.push_back(!tensor.constant && tensor.type == TensorType::FLOAT32);
    }
    ShareRangesOfAlikeTensors();
  }

  QuantizeSummary Run() {
    for (int t : graph_.inputs) {
      if (!float_activation_[t]) continue;
      if (options_.integer_io) {
        graph_.tensors[t].type = options_.activations;
        graph_.tensors[t].quantization = ActivationQuantization(RangeOf(t), options_.activations);
        integer_of_[t] = t;
      } else {
        float_of_[t] = t;
      }
    }
    const std::vector<IrOp> ops = graph_.ops;
    for (const IrOp& op : ops) {
      if (!op.dead) Process(op);
    }
    for (int& t : graph_.outputs) {
      if (!float_activation_[t]) continue;
      const int edge = options_.integer_io ? IntegerOf(t) : FloatOf(t);
      if (edge != t) {
        // The model's output keeps the source's name; the inner tensor is
        // renamed after its type.
        IrTensor& inner = graph_.tensors[t];
        graph_.tensors[edge].name = inner.name;
        inner.name += inner.type == TensorType::FLOAT32 ? "/float"
                      : inner.type == TensorType::INT8  ? "/int8"
                                                        : "/int16";
      }
      t = edge;
    }
    graph_.ops = std::move(ops_);
    return summary_;
  }

 private:
  // SELECT and PACK move values from several inputs into one output without
  // requantizing, so their integer kernels need all of them quantized alike.
  // Each group of tensors linked that way (a recurrent state selected from
  // step to step links all steps) gets the union of its members' ranges.
  void ShareRangesOfAlikeTensors() {
    std::vector<int> parent(graph_.tensors.size());
    for (size_t t = 0; t < parent.size(); ++t) parent[t] = static_cast<int>(t);
    auto root = [&](int t) {
      while (parent[static_cast<size_t>(t)] != t) {
        t = parent[static_cast<size_t>(t)] = parent[static_cast<size_t>(parent[static_cast<size_t>(t)])];
      }
      return t;
    };
    auto is_float = [&](int t) {
      return t >= 0 && graph_.tensors[static_cast<size_t>(t)].type == TensorType::FLOAT32;
    };
    std::vector<bool> linked(graph_.tensors.size(), false);
    for (const IrOp& op : graph_.ops) {
      if (op.dead || (op.code != OpCode::SELECT && op.code != OpCode::PACK)) continue;
      const size_t first = op.code == OpCode::SELECT ? 1 : 0;
      std::vector<int> members(op.inputs.begin() + static_cast<std::ptrdiff_t>(first), op.inputs.end());
      members.push_back(op.outputs[0]);
      if (!std::all_of(members.begin(), members.end(), is_float)) continue;
      for (int t : members) {
        linked[static_cast<size_t>(t)] = true;
        parent[static_cast<size_t>(root(t))] = root(members[0]);
      }
    }
    std::map<int, TensorRange> group_range;
    for (size_t t = 0; t < linked.size(); ++t) {
      if (!linked[t]) continue;
      const IrTensor& tensor = graph_.tensors[t];
      TensorRange range;
      if (tensor.constant) {
        range = ValueRange(tensor);
      } else if (const auto found = ranges_.find(static_cast<int>(t)); found != ranges_.end()) {
        range = found->second;
      } else {
        continue;
      }
      const auto [entry, added] = group_range.emplace(root(static_cast<int>(t)), range);
      if (!added) {
        entry->second.min = std::min(entry->second.min, range.min);
        entry->second.max = std::max(entry->second.max, range.max);
      }
    }
    for (size_t t = 0; t < linked.size(); ++t) {
      const auto group = linked[t] ? group_range.find(root(static_cast<int>(t))) : group_range.end();
      if (group != group_range.end()) shared_range_[static_cast<int>(t)] = group->second;
    }
  }

  TensorRange RangeOf(int t) const {
    if (const auto shared = shared_range_.find(t); shared != shared_range_.end()) {
      return shared->second;
    }
    const auto found = ranges_.find(t);
    if (found == ranges_.end()) {
      throw ConvertError("no calibration range for tensor '" + graph_.tensors[t].name +
                         "' (it was not computed for the calibration samples)");
    }
    return found->second;
  }

  int AddTensorLike(int t, const std::string& suffix, TensorType type) {
    const IrTensor& source = graph_.tensors[t];
    const int batch_dim = source.batch_dim;
    const int added = graph_.AddTensor(source.name + suffix, type, source.shape);
    graph_.tensors[added].batch_dim = batch_dim;
    float_activation_.push_back(false);
    return added;
  }

  int AddConstant(IrTensor tensor) {
    graph_.tensors.push_back(std::move(tensor));
    float_activation_.push_back(false);
    return static_cast<int>(graph_.tensors.size()) - 1;
  }

  // The tensor holding activation t in the integer type, quantizing its
  // float form where no integer form exists yet.
  int IntegerOf(int t) {
    const auto found = integer_of_.find(t);
    if (found != integer_of_.end()) return found->second;
    const int quantized = AddTensorLike(t, "/quantized", options_.activations);
    graph_.tensors[quantized].quantization = ActivationQuantization(RangeOf(t), options_.activations);
    Emit(OpCode::QUANTIZE, float_of_.at(t), quantized);
    integer_of_[t] = quantized;
    return quantized;
  }

  // The tensor holding activation t in float32.
  int FloatOf(int t) {
    const auto found = float_of_.find(t);
    if (found != float_of_.end()) return found->second;
    const int widened = AddTensorLike(t, "/dequantized", TensorType::FLOAT32);
    Emit(OpCode::DEQUANTIZE, integer_of_.at(t), widened);
    float_of_[t] = widened;
    return widened;
  }

  void Emit(OpCode code, int input, int output) {
    IrOp op;
    op.code = code;
    op.inputs = {input};
    op.outputs = {output};
    op.origin = graph_.tensors[output].name;
    ops_.push_back(std::move(op));
  }

  void Process(const IrOp& op) {
    const bool reads_float = std::any_of(op.inputs.begin(), op.inputs.end(),
                                         [&](int t) { return t >= 0 && float_activation_[t]; });
    std::string reason;
    if (reads_float && TryInteger(op, &reason)) {
      ++summary_.integer_ops;
      return;
    }
    if (reads_float) {
      summary_.float_ops.push_back(std::string(schema::EnumNameOpCode(op.code)) + " '" + op.origin +
                                   "': " + reason);
    }
    IrOp kept = op;
    for (int& t : kept.inputs) {
      if (t >= 0 && float_activation_[t]) t = FloatOf(t);
    }
    for (int t : kept.outputs) {
      if (float_activation_[t]) float_of_[t] = t;
    }
    ops_.push_back(std::move(kept));
  }

  bool TryInteger(const IrOp& op, std::string* reason) {
    const TensorType type = options_.activations;
    const WeightSlots weights = WeightsOf(op.code);
    if (KeepsInputQuantization(op.code) && op.inputs[0] >= 0 && float_activation_[op.inputs[0]] &&
        integer_of_.count(op.inputs[0]) == 0) {
      // Quantizing only to move values would cost a Quantize and a
      // Dequantize around an op that does no arithmetic.
      *reason = "its input is float";
      return false;
    }
    IrOp candidate = op;
    for (size_t slot = 0; slot < op.inputs.size(); ++slot) {
      const int t = op.inputs[slot];
      if (t < 0) continue;
      const IrTensor& tensor = graph_.tensors[t];
      if (static_cast<int>(slot) == weights.filter) {
        if (!tensor.constant || tensor.type != TensorType::FLOAT32) {
          *reason = "its weights are not float constants";
          return false;
        }
      } else if (float_activation_[t]) {
        candidate.inputs[slot] = IntegerOf(t);
      } else if (tensor.constant && tensor.type == TensorType::FLOAT32 &&
                 static_cast<int>(slot) != weights.bias) {
        const auto shared = shared_range_.find(t);
        candidate.inputs[slot] = AddQuantizedForm(
            t, QuantizeConstant(tensor, type,
                                shared != shared_range_.end() ? shared->second : ValueRange(tensor)));
      }
    }
    if (weights.filter >= 0 && !QuantizeWeightsAndBias(op, weights, candidate, reason)) {
      return false;
    }
    std::vector<IrQuantization> output_quantization;
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const int t = op.outputs[k];
      if (!float_activation_[t]) continue;
      IrQuantization q;
      if (FixedOutputQuantization(op.code, type, &q)) {
      } else if (KeepsInputQuantization(op.code)) {
        q = graph_.tensors[candidate.inputs[0]].quantization;
      } else if (ranges_.count(t) > 0 || shared_range_.count(t) > 0) {
        q = ActivationQuantization(RangeOf(t), type);
      } else {
        *reason = "no calibration range for its output";
        return false;
      }
      const int twin = AddTensorLike(t, "/candidate", type);
      graph_.tensors[twin].quantization = q;
      candidate.outputs[k] = twin;
    }
    std::string message;
    if (PrepareOp(graph_, candidate, &message) != Status::kOk) {
      *reason = message;
      return false;
    }
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      const int t = op.outputs[k];
      if (!float_activation_[t]) continue;
      graph_.tensors[t].type = type;
      graph_.tensors[t].quantization = graph_.tensors[candidate.outputs[k]].quantization;
      candidate.outputs[k] = t;
      integer_of_[t] = t;
    }
    ops_.push_back(std::move(candidate));
    return true;
  }

  // Quantizes the filter and the bias of an op with weights, the input being
  // quantized already. A channel whose weights are tiny next to its bias
  // (batch-norm folding leaves such dead channels: weights ~1e-12, bias
  // ~0.1) gets a weight scale large enough for the bias to fit the
  // accumulator type, as TFLite's quantizer does; otherwise the bias would
  // saturate and that channel's output be wrong.
  bool QuantizeWeightsAndBias(const IrOp& op, const WeightSlots& weights, IrOp& candidate,
                              std::string* reason) {
    const float input_scale = graph_.tensors[candidate.inputs[0]].quantization.scales[0];
    const int bias = weights.bias < static_cast<int>(op.inputs.size()) ? op.inputs[weights.bias] : -1;
    std::vector<double> min_scales;
    if (bias >= 0) {
      const IrTensor& tensor = graph_.tensors[bias];
      if (!tensor.constant || tensor.type != TensorType::FLOAT32) {
        *reason = "its bias is not a float constant";
        return false;
      }
      // Half the int32 range, leaving room for the products' sum.
      const double bias_limit = options_.activations == TensorType::INT16 ? 1e15 : 1073741823.0;
      for (float b : tensor.AsFloats()) {
        min_scales.push_back(std::fabs(b) / (static_cast<double>(input_scale) * bias_limit));
      }
    }
    candidate.inputs[weights.filter] =
        AddQuantizedForm(op.inputs[weights.filter],
                         QuantizeWeights(graph_.tensors[op.inputs[weights.filter]],
                                         weights.channel_axis, min_scales));
    if (bias >= 0) {
      candidate.inputs[weights.bias] = AddQuantizedForm(
          bias, QuantizeBias(graph_.tensors[bias], input_scale,
                             graph_.tensors[candidate.inputs[weights.filter]].quantization,
                             options_.activations));
    }
    return true;
  }

  // Adds `quantized`, a quantized form of float constant `source`, unless
  // an identical one exists: an unrolled loop applies the same weights,
  // biases and constants (a zero initial state) at every step, and each step
  // would otherwise store its own copy.
  int AddQuantizedForm(int source, IrTensor quantized) {
    std::vector<int>& forms = quantized_forms_[source];
    for (int t : forms) {
      const IrTensor& other = graph_.tensors[static_cast<size_t>(t)];
      if (other.type == quantized.type && other.data == quantized.data &&
          other.quantization.scales == quantized.quantization.scales &&
          other.quantization.zero_points == quantized.quantization.zero_points &&
          other.quantization.axis == quantized.quantization.axis) {
        return t;
      }
    }
    forms.push_back(AddConstant(std::move(quantized)));
    return forms.back();
  }

  IrGraph& graph_;
  const std::map<int, TensorRange>& ranges_;
  const IntegerQuantizeOptions& options_;
  // Per tensor: a float32 value computed at run time (before quantization).
  std::vector<bool> float_activation_;
  std::map<int, int> integer_of_;
  std::map<int, int> float_of_;
  // Ranges shared by tensors that must be quantized alike.
  std::map<int, TensorRange> shared_range_;
  // Per float constant: its quantized forms so far.
  std::map<int, std::vector<int>> quantized_forms_;
  std::vector<IrOp> ops_;
  QuantizeSummary summary_;
};

}  // namespace

QuantizeSummary QuantizeIntegers(IrGraph& graph, const std::map<int, TensorRange>& ranges,
                                 const IntegerQuantizeOptions& options) {
  if (options.activations != TensorType::INT8 && options.activations != TensorType::INT16) {
    throw ConvertError("integer quantization needs int8 or int16 activations");
  }
  return IntegerQuantizer(graph, ranges, options).Run();
}

int QuantizeWeightsToInt8(IrGraph& graph, std::vector<std::string>* float_ops) {
  int converted = 0;
  std::map<int, int> quantized_of;
  const size_t op_count = graph.ops.size();
  for (size_t o = 0; o < op_count; ++o) {
    IrOp& op = graph.ops[o];
    const WeightSlots weights = WeightsOf(op.code);
    if (op.dead || weights.filter < 0 || op.code == OpCode::TRANSPOSE_CONV) continue;
    const int filter = op.inputs[weights.filter];
    const IrTensor& tensor = graph.tensors[filter];
    if (!tensor.constant || tensor.type != TensorType::FLOAT32) continue;
    // Ops sharing float weights (an unrolled loop's steps) share them quantized.
    auto [quantized, added] = quantized_of.emplace(filter, -1);
    if (added) {
      graph.tensors.push_back(QuantizeWeights(tensor, weights.channel_axis));
      quantized->second = static_cast<int>(graph.tensors.size()) - 1;
    }
    IrOp candidate = op;
    candidate.inputs[weights.filter] = quantized->second;
    std::string message;
    if (PrepareOp(graph, candidate, &message) != Status::kOk) {
      float_ops->push_back(std::string(schema::EnumNameOpCode(op.code)) + " '" + op.origin +
                           "': " + message);
      continue;
    }
    graph.ops[o] = std::move(candidate);
    ++converted;
  }
  return converted;
}

}  // namespace ember::convert
