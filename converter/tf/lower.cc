#include "converter/tf/lower.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "converter/error.h"
#include "converter/ir/evaluate.h"
#include "converter/tf/lowerer.h"

namespace ember::convert::tf {
namespace {

std::vector<int32_t> ToInt32(const std::vector<int64_t>& values) {
  return std::vector<int32_t>(values.begin(), values.end());
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = (half >> 15) & 1;
  const int32_t exponent = (half >> 10) & 0x1F;
  const uint32_t mantissa = half & 0x3FF;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa == 0 ? INFINITY : NAN;
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -value : value;
}

}  // namespace

const std::unordered_map<std::string, LowerFn>& Lowerer::Table() {
  static const std::unordered_map<std::string, LowerFn> table = {
      {"Placeholder", &Lowerer::Placeholder},
      {"Const", &Lowerer::Const},
      {"Conv2D", &Lowerer::Conv2D},
      {"DepthwiseConv2dNative", &Lowerer::DepthwiseConv2D},
      {"MatMul", &Lowerer::MatMul},
      {"BatchMatMul", &Lowerer::BatchMatMul},
      {"BatchMatMulV2", &Lowerer::BatchMatMul},
      {"BiasAdd", &Lowerer::BiasAdd},
      {"Add", &Lowerer::Binary},
      {"AddV2", &Lowerer::Binary},
      {"Sub", &Lowerer::Binary},
      {"Mul", &Lowerer::Binary},
      {"RealDiv", &Lowerer::Binary},
      {"Div", &Lowerer::Binary},
      {"Maximum", &Lowerer::Binary},
      {"Minimum", &Lowerer::Binary},
      {"SquaredDifference", &Lowerer::Binary},
      {"Less", &Lowerer::Comparison},
      {"LessEqual", &Lowerer::Comparison},
      {"Greater", &Lowerer::Comparison},
      {"GreaterEqual", &Lowerer::Comparison},
      {"Equal", &Lowerer::Comparison},
      {"NotEqual", &Lowerer::Comparison},
      {"LogicalAnd", &Lowerer::Logical},
      {"LogicalOr", &Lowerer::Logical},
      {"LogicalNot", &Lowerer::Logical},
      {"Select", &Lowerer::Select},
      {"SelectV2", &Lowerer::Select},
      {"Relu", &Lowerer::Unary},
      {"Relu6", &Lowerer::Unary},
      {"Sigmoid", &Lowerer::Unary},
      {"Tanh", &Lowerer::Unary},
      {"Elu", &Lowerer::Unary},
      {"Rsqrt", &Lowerer::Unary},
      {"Sqrt", &Lowerer::Unary},
      {"Exp", &Lowerer::Unary},
      {"Neg", &Lowerer::Unary},
      {"Sign", &Lowerer::Unary},
      {"Floor", &Lowerer::Unary},
      {"LeakyRelu", &Lowerer::LeakyRelu},
      {"Softmax", &Lowerer::Softmax},
      {"MaxPool", &Lowerer::Pool},
      {"AvgPool", &Lowerer::Pool},
      {"FusedBatchNorm", &Lowerer::FusedBatchNorm},
      {"FusedBatchNormV2", &Lowerer::FusedBatchNorm},
      {"FusedBatchNormV3", &Lowerer::FusedBatchNorm},
      {"Reshape", &Lowerer::ReshapeOp},
      {"Squeeze", &Lowerer::Squeeze},
      {"ExpandDims", &Lowerer::ExpandDims},
      {"ConcatV2", &Lowerer::Concat},
      {"Concat", &Lowerer::Concat},
      {"Split", &Lowerer::Split},
      {"SplitV", &Lowerer::SplitV},
      {"Pack", &Lowerer::Pack},
      {"Unpack", &Lowerer::Unpack},
      {"Pad", &Lowerer::Pad},
      {"PadV2", &Lowerer::Pad},
      {"MirrorPad", &Lowerer::Pad},
      {"StridedSlice", &Lowerer::StridedSlice},
      {"Slice", &Lowerer::Slice},
      {"Transpose", &Lowerer::TransposeOp},
      {"Mean", &Lowerer::Reduce},
      {"Sum", &Lowerer::Reduce},
      {"Max", &Lowerer::Reduce},
      {"Shape", &Lowerer::Shape},
      {"Fill", &Lowerer::Fill},
      {"Cast", &Lowerer::Cast},
      {"ResizeBilinear", &Lowerer::Resize},
      {"ResizeNearestNeighbor", &Lowerer::Resize},
      {"GatherV2", &Lowerer::Gather},
      {"Gather", &Lowerer::Gather},
      {"ArgMax", &Lowerer::ArgMinMax},
      {"ArgMin", &Lowerer::ArgMinMax},
      {"OneHot", &Lowerer::OneHot},
      {"Prod", &Lowerer::Reduce},
      {"ZerosLike", &Lowerer::ZerosLike},
      {"Range", &Lowerer::Range},
      {"ReverseSequence", &Lowerer::ReverseSequence},
      {"Identity", &Lowerer::Identity},
      {"TensorArrayV3", &Lowerer::TensorArrayOp},
      {"TensorArrayScatterV3", &Lowerer::TensorArrayScatter},
      {"TensorArrayReadV3", &Lowerer::TensorArrayRead},
      {"TensorArrayWriteV3", &Lowerer::TensorArrayWrite},
      {"TensorArrayGatherV3", &Lowerer::TensorArrayGather},
      {"TensorArraySizeV3", &Lowerer::TensorArraySize},
      // Inside a while loop these are handled by LowerWhileLoop.
      {"Enter", &Lowerer::ControlFlowOutsideLoop},
      {"Exit", &Lowerer::ControlFlowOutsideLoop},
      {"Merge", &Lowerer::ControlFlowOutsideLoop},
      {"Switch", &Lowerer::ControlFlowOutsideLoop},
      {"NextIteration", &Lowerer::ControlFlowOutsideLoop},
      {"LoopCond", &Lowerer::ControlFlowOutsideLoop},
  };
  return table;
}

IrGraph Lowerer::Run() {
  for (const std::string& name : graph_.input_names()) {
    input_name_of_[graph_.Resolve(name).node] = name;
  }
  FindWhileLoops();
  for (int entry : LoweringOrder()) {
    if (entry >= 0) {
      LowerNode(graph_.node(entry));
    } else {
      LowerWhileLoop(-1 - entry);
    }
  }
  for (const std::string& name : graph_.input_names()) {
    const TensorRef ref = graph_.Resolve(name);
    ir_.inputs.push_back(values_.at(ref));
  }
  for (const std::string& name : graph_.output_names()) {
    const TensorRef ref = graph_.Resolve(name);
    const auto found = values_.find(ref);
    if (found == values_.end()) throw ConvertError("output '" + name + "' has no value");
    int tensor = found->second;
    const bool taken = std::find(ir_.outputs.begin(), ir_.outputs.end(), tensor) != ir_.outputs.end() ||
                       std::find(ir_.inputs.begin(), ir_.inputs.end(), tensor) != ir_.inputs.end();
    if (taken) {
      // One tensor cannot carry two names; give the output its own copy.
      tensor = Reshape(tensor, T(tensor).shape, name);
    }
    ir_.tensors[tensor].name = name;
    ir_.outputs.push_back(tensor);
  }
  return std::move(ir_);
}

void Lowerer::LowerNode(const Node& node) {
  if (node.op() == "Placeholder" && !input_name_of_.count(node.id())) {
    Fail(node, "placeholder is not fed: name it in --inputs or cut the graph below it");
  }
  const auto entry = Table().find(node.op());
  if (entry == Table().end()) Fail(node, "op is not supported");
  (this->*entry->second)(node);
}

void Lowerer::Placeholder(const Node& node) {
  const std::string& name = input_name_of_.at(node.id());
  const TensorType type = TypeOf(node, node.GetType("dtype"));
  std::vector<int32_t> shape;
  const auto given = options_.input_shapes.find(name);
  if (given != options_.input_shapes.end()) {
    shape = given->second;
  } else {
    PartialShape partial;
    partial.unknown_rank = true;
    if (node.Has("shape")) partial = node.GetShape("shape");
    if (partial.unknown_rank && node.Has("_output_shapes")) {
      const auto& list = node.attrs().at("_output_shapes").list();
      if (list.shape_size() > 0 && !list.shape(0).unknown_rank()) {
        partial.unknown_rank = false;
        partial.dims.clear();
        for (const auto& dim : list.shape(0).dim()) partial.dims.push_back(dim.size());
      }
    }
    if (partial.unknown_rank) {
      notes_->push_back("input '" + name + "' has unknown rank: taken as a scalar (use --input-shape)");
    }
    bool unknown = false;
    for (int64_t dim : partial.dims) {
      unknown |= dim < 0;
      shape.push_back(dim < 0 ? 1 : static_cast<int32_t>(dim));
    }
    if (unknown) {
      notes_->push_back("input '" + name + "' has unknown dimensions: set to 1 (use --input-shape)");
    }
  }
  const int tensor = ir_.AddTensor(name, type, shape);
  Bind(node, 0, tensor);
}

void Lowerer::Const(const Node& node) {
  const ConstTensor value = node.GetTensor("value");
  const TensorType type = TypeOf(node, value.dtype);
  std::vector<int32_t> shape;
  for (int64_t dim : value.shape) {
    if (dim > 0x7FFFFFFF) Fail(node, "dimension too large");
    shape.push_back(static_cast<int32_t>(dim));
  }
  std::vector<uint8_t> bytes;
  if (value.dtype == tensorflow::DT_DOUBLE || value.dtype == tensorflow::DT_HALF) {
    std::vector<float> floats(static_cast<size_t>(value.num_elements()));
    for (size_t i = 0; i < floats.size(); ++i) {
      if (value.dtype == tensorflow::DT_DOUBLE) {
        double d;
        std::memcpy(&d, value.bytes.data() + 8 * i, 8);
        floats[i] = static_cast<float>(d);
      } else {
        uint16_t h;
        std::memcpy(&h, value.bytes.data() + 2 * i, 2);
        floats[i] = HalfToFloat(h);
      }
    }
    bytes.resize(floats.size() * 4);
    if (!bytes.empty()) std::memcpy(bytes.data(), floats.data(), bytes.size());
  } else {
    bytes = value.bytes;
  }
  Bind(node, 0, ir_.AddConstant(node.name(), type, shape, std::move(bytes)));
}

void Lowerer::Conv2D(const Node& node) {
  const int input = ToNhwc(node, In(node, 0));
  // TF filters are [kh, kw, in, out]; Ember's are [out, kh, kw, in].
  const int filter = Transpose(In(node, 1), {3, 0, 1, 2}, node.name() + "/filter");
  schema::Conv2DOptionsT options;
  options.padding = PaddingOf(node, &options.explicit_padding);
  std::tie(options.stride_h, options.stride_w) = SpatialPair(node, "strides", 1);
  std::tie(options.dilation_h, options.dilation_w) = SpatialPair(node, "dilations", 1);
  const int output = Emit(OpCode::CONV_2D, {input, filter, -1}, TensorType::FLOAT32,
                          node.name(), Options(options));
  Bind(node, 0, FromNhwc(node, output));
}

void Lowerer::DepthwiseConv2D(const Node& node) {
  const int input = ToNhwc(node, In(node, 0));
  // [kh, kw, in, multiplier] in memory is [1, kh, kw, in * multiplier] with
  // output channel = in_channel * multiplier + m, which is Ember's layout.
  const IrTensor& tf_filter = T(In(node, 1));
  if (tf_filter.shape.size() != 4) Fail(node, "filter must be rank 4");
  const int32_t multiplier = tf_filter.shape[3];
  const int filter = Reshape(In(node, 1),
                             {1, tf_filter.shape[0], tf_filter.shape[1], tf_filter.shape[2] * multiplier},
                             node.name() + "/filter");
  schema::DepthwiseConv2DOptionsT options;
  options.padding = PaddingOf(node, &options.explicit_padding);
  std::tie(options.stride_h, options.stride_w) = SpatialPair(node, "strides", 1);
  std::tie(options.dilation_h, options.dilation_w) = SpatialPair(node, "dilations", 1);
  options.depth_multiplier = multiplier;
  const int output = Emit(OpCode::DEPTHWISE_CONV_2D, {input, filter, -1}, TensorType::FLOAT32,
                          node.name(), Options(options));
  Bind(node, 0, FromNhwc(node, output));
}

void Lowerer::MatMul(const Node& node) {
  int a = In(node, 0);
  int b = In(node, 1);
  const bool transpose_a = node.Has("transpose_a") && node.GetBool("transpose_a");
  const bool transpose_b = node.Has("transpose_b") && node.GetBool("transpose_b");
  if (transpose_a) a = Transpose(a, {1, 0}, node.name() + "/a_t");
  if (T(b).constant) {
    // FullyConnected wants weights [out, in]; TF's b is [in, out].
    if (!transpose_b) b = Transpose(b, {1, 0}, node.name() + "/weights");
    Bind(node, 0, Emit(OpCode::FULLY_CONNECTED, {a, b, -1}, TensorType::FLOAT32, node.name(),
                       Options(schema::FullyConnectedOptionsT())));
    return;
  }
  if (transpose_b) b = Transpose(b, {1, 0}, node.name() + "/b_t");
  Bind(node, 0, Emit(OpCode::BATCH_MATMUL, {a, b}, TensorType::FLOAT32, node.name()));
}

void Lowerer::BatchMatMul(const Node& node) {
  auto adjoint = [&](int tensor, const char* attr) {
    if (!node.Has(attr) || !node.GetBool(attr)) return tensor;
    const size_t rank = T(tensor).shape.size();
    if (rank < 2) Fail(node, "operands must have rank >= 2");
    std::vector<int32_t> perm(rank);
    for (size_t i = 0; i < rank; ++i) perm[i] = static_cast<int32_t>(i);
    std::swap(perm[rank - 1], perm[rank - 2]);
    return Transpose(tensor, perm, node.name() + "/" + attr);
  };
  const int a = adjoint(In(node, 0), "adj_x");
  const int b = adjoint(In(node, 1), "adj_y");
  Bind(node, 0, Emit(OpCode::BATCH_MATMUL, {a, b}, TensorType::FLOAT32, node.name()));
}

void Lowerer::BiasAdd(const Node& node) {
  const int source = In(node, 0);
  int bias = In(node, 1);
  const size_t rank = T(source).shape.size();
  if (IsNchw(node) && rank == 4) {
    // Through NHWC like every layout-sensitive op, so the transposes cancel
    // against the producer's and the bias can fold into it.
    const int input = ToNhwc(node, source);
    const int output = Emit(OpCode::ADD, {input, bias}, T(input).type, node.name(),
                            Options(schema::ArithmeticOptionsT()));
    Bind(node, 0, FromNhwc(node, output));
    return;
  }
  if (IsNchw(node) && rank >= 3) {
    // Channels are dimension 1: broadcast the bias as [C, 1, ...].
    std::vector<int32_t> shape = {T(bias).shape.empty() ? 1 : T(bias).shape[0]};
    shape.resize(rank - 1, 1);
    bias = Reshape(bias, shape, node.name() + "/bias");
  }
  Bind(node, 0, Emit(OpCode::ADD, {source, bias}, T(source).type, node.name(),
                     Options(schema::ArithmeticOptionsT())));
}

void Lowerer::Binary(const Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Add", OpCode::ADD},           {"AddV2", OpCode::ADD},        {"Sub", OpCode::SUB},
      {"Mul", OpCode::MUL},           {"RealDiv", OpCode::DIV},      {"Div", OpCode::DIV},
      {"Maximum", OpCode::MAXIMUM},   {"Minimum", OpCode::MINIMUM},
      {"SquaredDifference", OpCode::SQUARED_DIFFERENCE}};
  const OpCode code = codes.at(node.op());
  const int a = In(node, 0);
  const int b = In(node, 1);
  schema::OpOptionsUnion options;
  if (code == OpCode::ADD || code == OpCode::SUB || code == OpCode::MUL || code == OpCode::DIV) {
    options = Options(schema::ArithmeticOptionsT());
  }
  Bind(node, 0, Emit(code, {a, b}, T(a).type, node.name(), std::move(options)));
}

void Lowerer::Comparison(const Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Less", OpCode::LESS},       {"LessEqual", OpCode::LESS_EQUAL},
      {"Greater", OpCode::GREATER}, {"GreaterEqual", OpCode::GREATER_EQUAL},
      {"Equal", OpCode::EQUAL},     {"NotEqual", OpCode::NOT_EQUAL}};
  // Equal and NotEqual with incompatible_shape_error = false answer false
  // (true) for shapes that do not broadcast instead of failing; Ember keeps
  // the default, where such shapes are an error.
  if (node.Has("incompatible_shape_error") && !node.GetBool("incompatible_shape_error")) {
    Fail(node, "incompatible_shape_error = false is not supported");
  }
  const int a = In(node, 0);
  const int b = In(node, 1);
  Bind(node, 0, Emit(codes.at(node.op()), {a, b}, TensorType::BOOL, node.name()));
}

void Lowerer::Logical(const Node& node) {
  if (node.op() == "LogicalNot") {
    Bind(node, 0, Emit(OpCode::LOGICAL_NOT, {In(node, 0)}, TensorType::BOOL, node.name()));
    return;
  }
  const bool is_and = node.op() == "LogicalAnd";
  const int a = In(node, 0);
  const int b = In(node, 1);
  // A constant operand that decides alone (false for and, true for or) or
  // not at all: folded even when the other operand is only known at run
  // time, which is what ends an unrolled while loop whose condition is
  // "counter < bound and (data)".
  for (const auto& [constant, other] : {std::make_pair(a, b), std::make_pair(b, a)}) {
    if (T(constant).shape != T(other).shape) continue;
    const bool all_true = IsAllTrue(T(constant));
    const bool all_false = IsAllFalse(T(constant));
    if ((is_and && all_false) || (!is_and && all_true)) return Bind(node, 0, constant);
    if ((is_and && all_true) || (!is_and && all_false)) return Bind(node, 0, other);
  }
  const OpCode code = is_and ? OpCode::LOGICAL_AND : OpCode::LOGICAL_OR;
  Bind(node, 0, Emit(code, {a, b}, TensorType::BOOL, node.name()));
}

// SelectV2 broadcasts its three inputs. TF1's Select does not broadcast, but
// a rank-1 condition against a higher-rank x picks whole rows (x.dim(0) of
// them); reshaping that condition to [N, 1, ..., 1] makes Ember's
// broadcasting SELECT do exactly that.
void Lowerer::Select(const Node& node) {
  int condition = In(node, 0);
  const int x = In(node, 1);
  const int y = In(node, 2);
  const std::vector<int32_t>& condition_shape = T(condition).shape;
  const std::vector<int32_t>& x_shape = T(x).shape;
  if (node.op() == "Select" && condition_shape.size() == 1 && x_shape.size() > 1) {
    if (condition_shape[0] != x_shape[0]) {
      Fail(node, "a rank-1 condition needs x's first dimension (" + std::to_string(x_shape[0]) +
                     "), has " + std::to_string(condition_shape[0]));
    }
    std::vector<int32_t> rows(x_shape.size(), 1);
    rows[0] = condition_shape[0];
    condition = Reshape(condition, rows, node.name() + "/rows");
  }
  Bind(node, 0, Emit(OpCode::SELECT, {condition, x, y}, T(x).type, node.name()));
}

void Lowerer::Unary(const Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Relu", OpCode::RELU},   {"Relu6", OpCode::RELU6}, {"Sigmoid", OpCode::LOGISTIC},
      {"Tanh", OpCode::TANH},   {"Elu", OpCode::ELU},     {"Rsqrt", OpCode::RSQRT},
      {"Sqrt", OpCode::SQRT},   {"Exp", OpCode::EXP},     {"Neg", OpCode::NEG},
      {"Sign", OpCode::SIGN},   {"Floor", OpCode::FLOOR}};
  const int input = In(node, 0);
  Bind(node, 0, Emit(codes.at(node.op()), {input}, T(input).type, node.name()));
}

void Lowerer::LeakyRelu(const Node& node) {
  schema::LeakyReluOptionsT options;
  options.alpha = node.Has("alpha") ? node.GetFloat("alpha") : 0.2f;
  const int input = In(node, 0);
  Bind(node, 0, Emit(OpCode::LEAKY_RELU, {input}, T(input).type, node.name(), Options(options)));
}

void Lowerer::Softmax(const Node& node) {
  const int input = In(node, 0);
  Bind(node, 0, Emit(OpCode::SOFTMAX, {input}, T(input).type, node.name(),
                     Options(schema::SoftmaxOptionsT())));
}

void Lowerer::Pool(const Node& node) {
  const int input = ToNhwc(node, In(node, 0));
  schema::Pool2DOptionsT options;
  options.padding = PaddingOf(node, &options.explicit_padding);
  std::tie(options.stride_h, options.stride_w) = SpatialPair(node, "strides", 1);
  std::tie(options.filter_h, options.filter_w) = SpatialPair(node, "ksize", 1);
  const OpCode code = node.op() == "MaxPool" ? OpCode::MAX_POOL_2D : OpCode::AVERAGE_POOL_2D;
  const int output = Emit(code, {input}, TensorType::FLOAT32, node.name(), Options(options));
  Bind(node, 0, FromNhwc(node, output));
}

void Lowerer::FusedBatchNorm(const Node& node) {
  if (node.Has("is_training") && node.GetBool("is_training")) {
    Fail(node, "training-mode batch norm is not supported (freeze the graph for inference)");
  }
  const int input = ToNhwc(node, In(node, 0));
  const float epsilon = node.Has("epsilon") ? node.GetFloat("epsilon") : 1e-3f;
  const std::string base = node.name() + "/";
  // scale' = gamma / sqrt(var + eps), offset' = beta - mean * scale', built
  // from ops so constant folding computes them with the runtime's kernels.
  const int eps = ir_.AddConstantOf<float>(base + "epsilon", {}, {epsilon});
  const int var_eps = Emit(OpCode::ADD, {In(node, 4), eps}, TensorType::FLOAT32, base + "var_eps",
                           Options(schema::ArithmeticOptionsT()));
  const int inv_std = Emit(OpCode::RSQRT, {var_eps}, TensorType::FLOAT32, base + "inv_std");
  const int scale = Emit(OpCode::MUL, {In(node, 1), inv_std}, TensorType::FLOAT32, base + "scale",
                         Options(schema::ArithmeticOptionsT()));
  const int mean_scaled = Emit(OpCode::MUL, {In(node, 3), scale}, TensorType::FLOAT32,
                               base + "mean_scaled", Options(schema::ArithmeticOptionsT()));
  const int offset = Emit(OpCode::SUB, {In(node, 2), mean_scaled}, TensorType::FLOAT32,
                          base + "offset", Options(schema::ArithmeticOptionsT()));
  const int scaled = Emit(OpCode::MUL, {input, scale}, TensorType::FLOAT32, base + "scaled",
                          Options(schema::ArithmeticOptionsT()));
  const int output = Emit(OpCode::ADD, {scaled, offset}, TensorType::FLOAT32, node.name(),
                          Options(schema::ArithmeticOptionsT()));
  Bind(node, 0, FromNhwc(node, output));
}

void Lowerer::ReshapeOp(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int64_t> shape = ConstInts(node, 1, "the shape");
  Bind(node, 0, Reshape(input, ToInt32(shape), node.name()));
}

void Lowerer::Squeeze(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int32_t>& in_shape = T(input).shape;
  std::vector<int64_t> dims = node.Has("squeeze_dims") ? node.GetIntList("squeeze_dims")
                                                       : std::vector<int64_t>();
  std::set<int32_t> drop;
  for (int64_t d : dims) drop.insert(Axis(node, d, in_shape.size()));
  std::vector<int32_t> shape;
  for (size_t d = 0; d < in_shape.size(); ++d) {
    const bool squeeze = dims.empty() ? in_shape[d] == 1 : drop.count(static_cast<int32_t>(d)) > 0;
    if (squeeze && in_shape[d] != 1) Fail(node, "cannot squeeze a dimension of size " + std::to_string(in_shape[d]));
    if (!squeeze) shape.push_back(in_shape[d]);
  }
  Bind(node, 0, Reshape(input, shape, node.name()));
}

void Lowerer::ExpandDims(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int64_t> axis = ConstInts(node, 1, "the axis");
  if (axis.size() != 1) Fail(node, "axis must be a single value");
  std::vector<int32_t> shape = T(input).shape;
  const int32_t at = Axis(node, axis[0], shape.size() + 1);
  shape.insert(shape.begin() + at, 1);
  Bind(node, 0, Reshape(input, shape, node.name()));
}

void Lowerer::Concat(const Node& node) {
  const bool axis_first = node.op() == "Concat";
  const int count = node.num_inputs() - 1;
  const std::vector<int64_t> axis = ConstInts(node, axis_first ? 0 : count, "the axis");
  std::vector<int> inputs;
  for (int i = 0; i < count; ++i) inputs.push_back(In(node, axis_first ? i + 1 : i));
  if (inputs.empty() || axis.size() != 1) Fail(node, "needs inputs and one axis");
  schema::ConcatenationOptionsT options;
  options.axis = Axis(node, axis[0], T(inputs[0]).shape.size());
  Bind(node, 0, Emit(OpCode::CONCATENATION, inputs, T(inputs[0]).type, node.name(), Options(options)));
}

void Lowerer::Split(const Node& node) {
  const std::vector<int64_t> axis = ConstInts(node, 0, "the axis");
  const int input = In(node, 1);
  const int count = static_cast<int>(node.GetInt("num_split"));
  if (axis.size() != 1 || count < 1) Fail(node, "needs one axis and num_split >= 1");
  schema::SplitOptionsT options;
  options.axis = Axis(node, axis[0], T(input).shape.size());
  const std::vector<int> outputs =
      EmitN(OpCode::SPLIT, {input}, T(input).type, node.name(), count, Options(options));
  for (int k = 0; k < count; ++k) Bind(node, k, outputs[k]);
}

void Lowerer::SplitV(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int64_t> sizes = ConstInts(node, 1, "size_splits");
  const std::vector<int64_t> axis = ConstInts(node, 2, "the axis");
  if (axis.size() != 1) Fail(node, "needs one axis");
  schema::SplitOptionsT options;
  options.axis = Axis(node, axis[0], T(input).shape.size());
  options.size_splits = ToInt32(sizes);
  const int count = static_cast<int>(sizes.size());
  const std::vector<int> outputs =
      EmitN(OpCode::SPLIT, {input}, T(input).type, node.name(), count, Options(options));
  for (int k = 0; k < count; ++k) Bind(node, k, outputs[k]);
}

void Lowerer::Pack(const Node& node) {
  std::vector<int> inputs;
  for (int i = 0; i < node.num_inputs(); ++i) inputs.push_back(In(node, i));
  if (inputs.empty()) Fail(node, "needs inputs");
  schema::PackOptionsT options;
  options.axis = Axis(node, node.Has("axis") ? node.GetInt("axis") : 0, T(inputs[0]).shape.size() + 1);
  Bind(node, 0, Emit(OpCode::PACK, inputs, T(inputs[0]).type, node.name(), Options(options)));
}

void Lowerer::Unpack(const Node& node) {
  const int input = In(node, 0);
  schema::PackOptionsT options;
  options.axis = Axis(node, node.Has("axis") ? node.GetInt("axis") : 0, T(input).shape.size());
  const int count = T(input).shape[options.axis];
  const std::vector<int> outputs =
      EmitN(OpCode::UNPACK, {input}, T(input).type, node.name(), count, Options(options));
  for (int k = 0; k < count; ++k) Bind(node, k, outputs[k]);
}

void Lowerer::Pad(const Node& node) {
  const int input = In(node, 0);
  schema::PadOptionsT options;
  options.paddings = ToInt32(ConstInts(node, 1, "paddings"));
  OpCode code = OpCode::PAD;
  if (node.op() == "PadV2") {
    const int value = In(node, 2);
    if (!T(value).constant) Fail(node, "constant_values must be constant");
    options.constant_value = T(value).AsFloats().at(0);
  } else if (node.op() == "MirrorPad") {
    code = OpCode::MIRROR_PAD;
    const std::string mode = node.GetString("mode");
    options.mirror_mode = mode == "SYMMETRIC" ? schema::MirrorPadMode::SYMMETRIC
                                              : schema::MirrorPadMode::REFLECT;
  }
  Bind(node, 0, Emit(code, {input}, T(input).type, node.name(), Options(options)));
}

void Lowerer::StridedSlice(const Node& node) {
  const int input = In(node, 0);
  schema::StridedSliceOptionsT options;
  options.begin = ToInt32(ConstInts(node, 1, "begin"));
  options.end = ToInt32(ConstInts(node, 2, "end"));
  options.strides = ToInt32(ConstInts(node, 3, "strides"));
  auto mask = [&](const char* attr) { return node.Has(attr) ? static_cast<int32_t>(node.GetInt(attr)) : 0; };
  options.begin_mask = mask("begin_mask");
  options.end_mask = mask("end_mask");
  options.ellipsis_mask = mask("ellipsis_mask");
  options.new_axis_mask = mask("new_axis_mask");
  options.shrink_axis_mask = mask("shrink_axis_mask");
  Bind(node, 0, Emit(OpCode::STRIDED_SLICE, {input}, T(input).type, node.name(), Options(options)));
}

void Lowerer::Slice(const Node& node) {
  const int input = In(node, 0);
  schema::SliceOptionsT options;
  options.begin = ToInt32(ConstInts(node, 1, "begin"));
  options.size = ToInt32(ConstInts(node, 2, "size"));
  Bind(node, 0, Emit(OpCode::SLICE, {input}, T(input).type, node.name(), Options(options)));
}

void Lowerer::TransposeOp(const Node& node) {
  Bind(node, 0, Transpose(In(node, 0), ToInt32(ConstInts(node, 1, "perm")), node.name()));
}

void Lowerer::Reduce(const Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Mean", OpCode::MEAN}, {"Sum", OpCode::SUM}, {"Max", OpCode::REDUCE_MAX},
      {"Prod", OpCode::REDUCE_PROD}};
  const int input = In(node, 0);
  schema::ReducerOptionsT options;
  options.axes = ToInt32(ConstInts(node, 1, "reduction_indices"));
  options.keep_dims = node.Has("keep_dims") && node.GetBool("keep_dims");
  Bind(node, 0, Emit(codes.at(node.op()), {input}, T(input).type, node.name(), Options(options)));
}

void Lowerer::Shape(const Node& node) {
  // Shapes are static once the inputs' shapes are fixed.
  const std::vector<int32_t>& shape = T(In(node, 0)).shape;
  const bool int64 = node.Has("out_type") && node.GetType("out_type") == tensorflow::DT_INT64;
  const int32_t rank = static_cast<int32_t>(shape.size());
  Bind(node, 0,
       int64 ? ir_.AddConstantOf<int64_t>(node.name(), {rank}, std::vector<int64_t>(shape.begin(), shape.end()))
             : ir_.AddConstantOf<int32_t>(node.name(), {rank}, shape));
}

void Lowerer::Fill(const Node& node) {
  const int dims = In(node, 0);
  const int value = In(node, 1);
  const std::vector<int64_t> shape = ConstInts(node, 0, "dims");
  const int output = ir_.AddTensor(node.name(), T(value).type, ToInt32(shape));
  const int op = ir_.AddOp(OpCode::FILL, {dims, value}, {output}, {}, node.name());
  InferOp(ir_, op, true);
  Bind(node, 0, output);
}

void Lowerer::Cast(const Node& node) {
  const int input = In(node, 0);
  const TensorType type = TypeOf(node, node.GetType("DstT"));
  Bind(node, 0, type == T(input).type ? input : Emit(OpCode::CAST, {input}, type, node.name()));
}

void Lowerer::Resize(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int64_t> size = ConstInts(node, 1, "size");
  if (size.size() != 2 || T(input).shape.size() != 4) Fail(node, "needs a 4-D input and a 2-element size");
  schema::ResizeOptionsT options;
  options.align_corners = node.Has("align_corners") && node.GetBool("align_corners");
  options.half_pixel_centers = node.Has("half_pixel_centers") && node.GetBool("half_pixel_centers");
  const std::vector<int32_t>& in = T(input).shape;
  const int output = ir_.AddTensor(node.name(), T(input).type,
                                   {in[0], static_cast<int32_t>(size[0]), static_cast<int32_t>(size[1]), in[3]});
  const OpCode code = node.op() == "ResizeBilinear" ? OpCode::RESIZE_BILINEAR
                                                    : OpCode::RESIZE_NEAREST_NEIGHBOR;
  const int op = ir_.AddOp(code, {input}, {output}, Options(options), node.name());
  InferOp(ir_, op, true);
  Bind(node, 0, output);
}

void Lowerer::Gather(const Node& node) {
  const int params = In(node, 0);
  const int indices = In(node, 1);
  schema::GatherOptionsT options;
  if (node.op() == "GatherV2") {
    const std::vector<int64_t> axis = ConstInts(node, 2, "the axis");
    if (axis.size() != 1) Fail(node, "needs one axis");
    options.axis = Axis(node, axis[0], T(params).shape.size());
  }
  options.batch_dims = node.Has("batch_dims") ? static_cast<int32_t>(node.GetInt("batch_dims")) : 0;
  Bind(node, 0, Emit(OpCode::GATHER, {params, indices}, T(params).type, node.name(), Options(options)));
}

void Lowerer::ArgMinMax(const Node& node) {
  const int input = In(node, 0);
  const std::vector<int64_t> axis = ConstInts(node, 1, "the dimension");
  if (axis.size() != 1) Fail(node, "needs one axis");
  schema::ArgMinMaxOptionsT options;
  options.axis = Axis(node, axis[0], T(input).shape.size());
  // TensorFlow's default output_type is int64.
  const TensorType type =
      node.Has("output_type") ? TypeOf(node, node.GetType("output_type")) : TensorType::INT64;
  if (type != TensorType::INT32 && type != TensorType::INT64) {
    Fail(node, "output_type must be int32 or int64");
  }
  const OpCode code = node.op() == "ArgMax" ? OpCode::ARG_MAX : OpCode::ARG_MIN;
  Bind(node, 0, Emit(code, {input}, type, node.name(), Options(options)));
}

// The kernel checks the rest (depth constant, on/off values one element of
// the output's type).
void Lowerer::OneHot(const Node& node) {
  const int on_value = In(node, 2);
  schema::OneHotOptionsT options;
  options.axis = node.Has("axis") ? static_cast<int32_t>(node.GetInt("axis")) : -1;
  Bind(node, 0, Emit(OpCode::ONE_HOT, {In(node, 0), In(node, 1), on_value, In(node, 3)},
                     T(on_value).type, node.name(), Options(options)));
}

void CheckSupported(const Graph& graph) {
  std::map<std::string, std::vector<std::string>> unsupported;
  for (NodeId id : graph.NodeIds()) {
    const Node& node = graph.node(id);
    if (!Lowerer::Table().count(node.op())) unsupported[node.op()].push_back(node.name());
  }
  if (unsupported.empty()) return;
  std::string message = "unsupported ops:";
  for (const auto& [op, names] : unsupported) {
    message += "\n  " + op + " (" + std::to_string(names.size()) + "): ";
    for (size_t i = 0; i < names.size() && i < 8; ++i) message += (i ? ", " : "") + names[i];
    if (names.size() > 8) message += ", ...";
  }
  throw UnsupportedOpsError(message);
}

IrGraph Lower(const Graph& graph, const LowerOptions& options, std::vector<std::string>* notes) {
  CheckSupported(graph);
  return Lowerer(graph, options, notes).Run();
}

}  // namespace ember::convert::tf
