// Elementwise ONNX ops: one Ember op each where a kernel matches, otherwise a
// short composition of kernels (Elu with alpha, Selu, Celu, HardSigmoid,
// PRelu, Abs, Reciprocal, Softsign, Pow by a constant). They follow their
// input's layout, so they never add transposes.
#include <cmath>
#include <limits>
#include <map>

#include "converter/error.h"
#include "converter/ir/evaluate.h"
#include "converter/onnx/importer.h"
#include "converter/onnx/model_reader.h"
#include "interpreter/tensor.h"

namespace ember::convert::onnx_import {

void Importer::UnaryOp(Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Relu", OpCode::RELU},           {"Sigmoid", OpCode::LOGISTIC},
      {"Tanh", OpCode::TANH},           {"Exp", OpCode::EXP},
      {"Sqrt", OpCode::SQRT},           {"Neg", OpCode::NEG},
      {"HardSwish", OpCode::HARD_SWISH}, {"Sign", OpCode::SIGN},
      {"Floor", OpCode::FLOOR}};
  if (node.op_type() == "Neg") {
    RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32, TensorType::INT64});
    if (In(node, 0).type == TensorType::INT64) {
      DefineSource(node, 0, EmitInt64AsInt32(OpCode::NEG, {InSource(node, 0)}, Name(node)));
      return;
    }
  } else {
    RequireType(node, 0, {TensorType::FLOAT32});
  }
  if (opset() < 6) node.Ignore("consumed_inputs");
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0, Emit(codes.at(node.op_type()), {input}, T(input).type, Name(node)),
                 channels_last);
}

void Importer::BinaryOp(Node& node) {
  static const std::map<std::string, OpCode> codes = {
      {"Add", OpCode::ADD}, {"Sub", OpCode::SUB}, {"Mul", OpCode::MUL}, {"Div", OpCode::DIV}};
  const OpCode code = codes.at(node.op_type());
  RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32, TensorType::INT64});
  if (In(node, 1).type != In(node, 0).type) Fail(node, "the inputs' element types differ");
  if (opset() < 7) {
    // Before opset 7 broadcasting was opt-in, and `axis` could align the
    // second input anywhere; without it, it aligns trailing dims as numpy.
    node.Ignore("consumed_inputs");
    node.Int("broadcast", 0);
    if (node.Has("axis") && Axis(node, node.Int("axis", 0), In(node, 0).rank()) !=
                                In(node, 0).rank() - In(node, 1).rank()) {
      Unsupported("legacy broadcasting along a middle axis");
    }
  }
  if (In(node, 0).type == TensorType::INT64) {
    // Shape arithmetic on constants.
    DefineSource(node, 0,
                 EmitInt64AsInt32(code, {InSource(node, 0), InSource(node, 1)}, Name(node)));
    return;
  }
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, {0, 1}, &channels_last);
  DefineInLayout(node, 0, Binary(code, inputs[0], inputs[1], Name(node)), channels_last);
}

void Importer::VariadicOp(Node& node) {
  static const std::map<std::string, OpCode> codes = {{"Max", OpCode::MAXIMUM},
                                                      {"Min", OpCode::MINIMUM},
                                                      {"Sum", OpCode::ADD},
                                                      {"Mean", OpCode::ADD}};
  const OpCode code = codes.at(node.op_type());
  const bool mean = node.op_type() == "Mean";
  if (opset() < 6) node.Ignore("consumed_inputs");
  std::vector<int> slots;
  for (int slot = 0; slot < node.num_inputs(); ++slot) {
    if (!node.HasInput(slot)) Fail(node, "input " + std::to_string(slot) + " is empty");
    if (mean) {
      RequireType(node, slot, {TensorType::FLOAT32});
    } else {
      RequireType(node, slot, {TensorType::FLOAT32, TensorType::INT32});
    }
    if (In(node, slot).type != In(node, 0).type) Fail(node, "the inputs' element types differ");
    slots.push_back(slot);
  }
  if (slots.empty()) Fail(node, "needs at least one input");
  if (slots.size() == 1) {
    DefineValue(node, 0, In(node, 0));
    return;
  }
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, slots, &channels_last);
  int result = inputs[0];
  for (size_t k = 1; k < inputs.size(); ++k) {
    const bool last = k + 1 == inputs.size() && !mean;
    result =
        Binary(code, result, inputs[k], last ? Name(node) : Name(node, "sum" + std::to_string(k)));
  }
  if (mean) {
    result =
        Binary(OpCode::DIV, result,
               ScalarFloat(Name(node, "count"), static_cast<float>(inputs.size())), Name(node));
  }
  DefineInLayout(node, 0, result, channels_last);
}

namespace {

// Before opset 7 broadcasting was opt-in, and `axis` could align the second
// input anywhere; without it, it aligns trailing dims as numpy, which is all
// Ember's kernels do.
void AcceptLegacyBroadcast(Importer& importer, Node& node) {
  if (importer.opset() >= 7) return;
  node.Int("broadcast", 0);
  const int rank = importer.In(node, 0).rank();
  if (node.Has("axis") &&
      importer.Axis(node, node.Int("axis", 0), rank) != rank - importer.In(node, 1).rank()) {
    importer.Unsupported("legacy broadcasting along a middle axis");
  }
}

}  // namespace

// Ember's comparisons give BOOL from float32, int32, int64 and (unquantized)
// int8 and int16 inputs of one type, broadcast as numpy.
void Importer::Comparison(Node& node) {
  static const std::map<std::string, OpCode> codes = {{"Less", OpCode::LESS},
                                                      {"LessOrEqual", OpCode::LESS_EQUAL},
                                                      {"Greater", OpCode::GREATER},
                                                      {"GreaterOrEqual", OpCode::GREATER_EQUAL},
                                                      {"Equal", OpCode::EQUAL}};
  RequireType(node, 0,
              {TensorType::FLOAT32, TensorType::INT32, TensorType::INT64, TensorType::INT8,
               TensorType::INT16});
  if (In(node, 1).type != In(node, 0).type) Fail(node, "the inputs' element types differ");
  AcceptLegacyBroadcast(*this, node);
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, {0, 1}, &channels_last);
  DefineInLayout(node, 0,
                 Emit(codes.at(node.op_type()), inputs, TensorType::BOOL, Name(node)),
                 channels_last);
}

void Importer::Logical(Node& node) {
  RequireType(node, 0, {TensorType::BOOL});
  if (node.op_type() == "Not") {
    const auto [input, channels_last] = InAnyLayout(node, 0);
    DefineInLayout(node, 0, Emit(OpCode::LOGICAL_NOT, {input}, TensorType::BOOL, Name(node)),
                   channels_last);
    return;
  }
  RequireType(node, 1, {TensorType::BOOL});
  AcceptLegacyBroadcast(*this, node);
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, {0, 1}, &channels_last);
  const OpCode code = node.op_type() == "And" ? OpCode::LOGICAL_AND : OpCode::LOGICAL_OR;
  DefineInLayout(node, 0, Emit(code, inputs, TensorType::BOOL, Name(node)), channels_last);
}

// Where(condition, x, y) broadcasts all three as numpy: Ember's SELECT.
void Importer::Where(Node& node) {
  RequireType(node, 0, {TensorType::BOOL});
  if (In(node, 2).type != In(node, 1).type) Fail(node, "x and y element types differ");
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, {0, 1, 2}, &channels_last);
  DefineInLayout(node, 0, Emit(OpCode::SELECT, inputs, In(node, 1).type, Name(node)),
                 channels_last);
}

void Importer::LeakyRelu(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  schema::LeakyReluOptionsT options;
  options.alpha = node.Float("alpha", 0.01f);
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(
      node, 0, Emit(OpCode::LEAKY_RELU, {input}, TensorType::FLOAT32, Name(node), Options(options)),
      channels_last);
}

namespace {

// What the Elu family shares: positive_scale * x for x > 0, else
// negative_scale * (e^(x / inner_divisor) - 1), from Ember's Elu (alpha 1)
// on the negative part.
struct EluParameters {
  float positive_scale = 1.0f;
  float negative_scale = 1.0f;
  float inner_divisor = 1.0f;
};

// Elu, Selu and Celu through one composition; plain Elu with alpha 1 is
// Ember's Elu.
int EmitScaledElu(Importer& importer, Node& node, int input, const EluParameters& p) {
  if (p.positive_scale == 1.0f && p.negative_scale == 1.0f && p.inner_divisor == 1.0f) {
    return importer.Emit(OpCode::ELU, {input}, TensorType::FLOAT32, importer.Name(node));
  }
  const int zero = importer.ScalarFloat(importer.Name(node, "zero"), 0.0f);
  int positive =
      importer.Emit(OpCode::RELU, {input}, TensorType::FLOAT32, importer.Name(node, "positive"));
  if (p.positive_scale != 1.0f) {
    positive = importer.Binary(OpCode::MUL, positive,
                               importer.ScalarFloat(importer.Name(node, "gamma"), p.positive_scale),
                               importer.Name(node, "positive_scaled"));
  }
  int negative = importer.Binary(OpCode::MINIMUM, input, zero, importer.Name(node, "negative"));
  if (p.inner_divisor != 1.0f) {
    negative =
        importer.Binary(OpCode::DIV, negative,
                        importer.ScalarFloat(importer.Name(node, "divisor"), p.inner_divisor),
                        importer.Name(node, "negative_divided"));
  }
  negative =
      importer.Emit(OpCode::ELU, {negative}, TensorType::FLOAT32, importer.Name(node, "elu"));
  if (p.negative_scale != 1.0f) {
    negative = importer.Binary(OpCode::MUL, negative,
                               importer.ScalarFloat(importer.Name(node, "alpha"), p.negative_scale),
                               importer.Name(node, "elu_scaled"));
  }
  return importer.Binary(OpCode::ADD, positive, negative, importer.Name(node));
}

}  // namespace

void Importer::Elu(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  EluParameters parameters;
  parameters.negative_scale = node.Float("alpha", 1.0f);
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0, EmitScaledElu(*this, node, input, parameters), channels_last);
}

void Importer::Selu(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const float alpha = node.Float("alpha", 1.67326319217681884765625f);
  const float gamma = node.Float("gamma", 1.05070102214813232421875f);
  EluParameters parameters;
  parameters.positive_scale = gamma;
  parameters.negative_scale = gamma * alpha;
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0, EmitScaledElu(*this, node, input, parameters), channels_last);
}

void Importer::Celu(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  const float alpha = node.Float("alpha", 1.0f);
  if (!(alpha > 0.0f)) Fail(node, "alpha must be positive");
  // max(0, x) + min(0, alpha * (e^(x / alpha) - 1)): the second term is the
  // negative part's Elu for alpha > 0.
  EluParameters parameters;
  parameters.negative_scale = alpha;
  parameters.inner_divisor = alpha;
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0, EmitScaledElu(*this, node, input, parameters), channels_last);
}

void Importer::HardSigmoid(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const float alpha = node.Float("alpha", 0.2f);
  const float beta = node.Float("beta", 0.5f);
  const auto [input, channels_last] = InAnyLayout(node, 0);
  // max(0, min(1, alpha * x + beta)).
  int result =
      Binary(OpCode::MUL, input, ScalarFloat(Name(node, "alpha"), alpha), Name(node, "scaled"));
  result =
      Binary(OpCode::ADD, result, ScalarFloat(Name(node, "beta"), beta), Name(node, "shifted"));
  result = Binary(OpCode::MINIMUM, result, ScalarFloat(Name(node, "one"), 1.0f), Name(node, "min"));
  DefineInLayout(node, 0, Emit(OpCode::RELU, {result}, TensorType::FLOAT32, Name(node)),
                 channels_last);
}

void Importer::PRelu(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const Value& slope = In(node, 1);
  if (slope.rank() > In(node, 0).rank()) Fail(node, "the slope has a higher rank than the input");
  if (IsConstant(slope)) {
    const std::vector<float> values = ConstFloats(node, 1, "the slope");
    if (!values.empty() &&
        std::all_of(values.begin(), values.end(), [&](float v) { return v == values[0]; })) {
      // One slope for every element is LeakyRelu.
      schema::LeakyReluOptionsT options;
      options.alpha = values[0];
      const auto [input, channels_last] = InAnyLayout(node, 0);
      DefineInLayout(
          node, 0,
          Emit(OpCode::LEAKY_RELU, {input}, TensorType::FLOAT32, Name(node), Options(options)),
          channels_last);
      return;
    }
  }
  // max(x, 0) + slope * min(x, 0).
  bool channels_last = false;
  const std::vector<int> inputs = BroadcastInputs(node, {0, 1}, &channels_last);
  const int positive = Emit(OpCode::RELU, {inputs[0]}, TensorType::FLOAT32, Name(node, "positive"));
  int negative = Binary(OpCode::MINIMUM, inputs[0], ScalarFloat(Name(node, "zero"), 0.0f),
                        Name(node, "negative"));
  negative = Binary(OpCode::MUL, negative, inputs[1], Name(node, "negative_scaled"));
  DefineInLayout(node, 0, Binary(OpCode::ADD, positive, negative, Name(node)), channels_last);
}

void Importer::Clip(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32});
  const TensorType type = In(node, 0).type;
  // Bounds as doubles hold every float and int32 value exactly.
  const double infinity = std::numeric_limits<double>::infinity();
  double low = -infinity;
  double high = infinity;
  if (opset() < 11) {
    if (opset() < 6) node.Ignore("consumed_inputs");
    low = node.Has("min") ? node.Float("min", 0.0f) : -infinity;
    high = node.Has("max") ? node.Float("max", 0.0f) : infinity;
  } else {
    for (int slot = 1; slot <= 2; ++slot) {
      if (!node.HasInput(slot)) continue;
      if (In(node, slot).type != type) Fail(node, "the bounds' type differs from the input's");
      const char* what = slot == 1 ? "min" : "max";
      std::vector<double> bound;
      if (type == TensorType::INT32) {
        for (int64_t value : ConstInts(node, slot, what))
          bound.push_back(static_cast<double>(value));
      } else {
        for (float value : ConstFloats(node, slot, what)) bound.push_back(value);
      }
      if (bound.size() != 1) Fail(node, "the bounds must be scalars");
      (slot == 1 ? low : high) = bound[0];
    }
  }
  const bool has_low = low > -infinity;
  const bool has_high = high < infinity;
  if (!has_low && !has_high) {
    DefineValue(node, 0, In(node, 0));
    return;
  }
  const auto [input, channels_last] = InAnyLayout(node, 0);
  int result = input;
  if (type == TensorType::FLOAT32 && low == 0.0 && (high == 6.0 || !has_high)) {
    result = Emit(has_high ? OpCode::RELU6 : OpCode::RELU, {input}, type, Name(node));
  } else {
    auto bound = [&](double value, const char* what) {
      if (type == TensorType::FLOAT32)
        return ScalarFloat(Name(node, what), static_cast<float>(value));
      return Constant<int32_t>(Name(node, what), {}, {static_cast<int32_t>(value)});
    };
    if (has_low) {
      result = Binary(OpCode::MAXIMUM, result, bound(low, "min"),
                      has_high ? Name(node, "low") : Name(node));
    }
    if (has_high) result = Binary(OpCode::MINIMUM, result, bound(high, "max"), Name(node));
  }
  DefineInLayout(node, 0, result, channels_last);
}

void Importer::Abs(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const auto [input, channels_last] = InAnyLayout(node, 0);
  const int negated = Emit(OpCode::NEG, {input}, T(input).type, Name(node, "negated"));
  DefineInLayout(node, 0, Binary(OpCode::MAXIMUM, input, negated, Name(node)), channels_last);
}

void Importer::Reciprocal(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const auto [input, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0,
                 Binary(OpCode::DIV, ScalarFloat(Name(node, "one"), 1.0f), input, Name(node)),
                 channels_last);
}

void Importer::Softsign(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  const auto [input, channels_last] = InAnyLayout(node, 0);
  // x / (1 + |x|).
  const int negated = Emit(OpCode::NEG, {input}, TensorType::FLOAT32, Name(node, "negated"));
  const int magnitude = Binary(OpCode::MAXIMUM, input, negated, Name(node, "abs"));
  const int denominator = Binary(OpCode::ADD, magnitude, ScalarFloat(Name(node, "one"), 1.0f),
                                 Name(node, "denominator"));
  DefineInLayout(node, 0, Binary(OpCode::DIV, input, denominator, Name(node)), channels_last);
}

void Importer::Pow(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  const Value& base = In(node, 0);
  const Value& exponent_value = In(node, 1);
  if (!IsConstant(exponent_value)) Unsupported("an exponent computed at run time");
  const std::vector<float> exponents = ConstFloats(node, 1, "the exponent");
  if (exponents.size() != 1 || exponent_value.rank() > base.rank()) {
    Unsupported("an exponent that is not a single value");
  }
  const float exponent = exponents[0];
  const auto [input, channels_last] = InAnyLayout(node, 0);
  int result = -1;
  if (exponent == 1.0f) {
    DefineValue(node, 0, In(node, 0));
    return;
  } else if (exponent == 2.0f) {
    result = Binary(OpCode::MUL, input, input, Name(node));
  } else if (exponent == 3.0f) {
    result = Binary(OpCode::MUL, Binary(OpCode::MUL, input, input, Name(node, "square")), input,
                    Name(node));
  } else if (exponent == 0.5f) {
    result = Emit(OpCode::SQRT, {input}, TensorType::FLOAT32, Name(node));
  } else if (exponent == -0.5f) {
    result = Emit(OpCode::RSQRT, {input}, TensorType::FLOAT32, Name(node));
  } else if (exponent == -1.0f) {
    result = Binary(OpCode::DIV, ScalarFloat(Name(node, "one"), 1.0f), input, Name(node));
  } else {
    Unsupported("exponents other than -1, -0.5, 0.5, 1, 2 and 3 (Ember has no Pow or Log)");
  }
  DefineInLayout(node, 0, result, channels_last);
}

void Importer::Identity(Node& node) { DefineValue(node, 0, In(node, 0)); }

void Importer::Dropout(Node& node) {
  // At inference Dropout passes its input through, and its mask keeps every
  // element. Training mode drops elements at random, unless the ratio is 0.
  node.Ignore("seed");
  bool training = false;
  if (opset() < 12) {
    node.Ignore("ratio");
    node.Ignore("is_test");
    node.Ignore("consumed_inputs");
  } else if (node.HasInput(2)) {
    const std::vector<int64_t> mode = ConstInts(node, 2, "training_mode");
    if (mode.size() != 1) Fail(node, "training_mode must be one value");
    training = mode[0] != 0;
  }
  if (training) {
    const std::vector<float> ratio =
        node.HasInput(1) ? ConstFloats(node, 1, "the ratio") : std::vector<float>{0.5f};
    if (ratio.size() != 1 || ratio[0] != 0.0f) Unsupported("training mode with a nonzero ratio");
  }
  const Value& input = In(node, 0);
  DefineValue(node, 0, input);
  if (node.HasOutput(1)) {
    // Before opset 10 the mask had the input's type.
    if (opset() < 10) Unsupported("the mask output");
    CheckSize(node, input.shape, kMaxBuiltConstant, "the mask");
    int64_t count = 1;
    for (int32_t d : input.shape) count *= d;
    DefineSource(node, 1,
                 ConstantBytes(node.output(1), TensorType::BOOL, input.shape,
                               std::vector<uint8_t>(static_cast<size_t>(count), 1)));
  }
}

void Importer::Cast(Node& node) {
  int64_t to = -1;
  if (opset() < 6) {
    // Cast-1 names the type.
    onnx::TensorProto_DataType named;
    if (onnx::TensorProto_DataType_Parse(node.String("to", ""), &named)) to = named;
  } else {
    to = node.Int("to", -1);
  }
  TensorType type;
  if (!EmberTypeOf(static_cast<int32_t>(to), &type)) {
    Unsupported("cast to " + OnnxTypeName(static_cast<int32_t>(to)));
  }
  const Value& input = In(node, 0);
  if (input.type == type) {
    DefineValue(node, 0, input);
    return;
  }
  const auto [tensor, channels_last] = InAnyLayout(node, 0);
  DefineInLayout(node, 0, Emit(OpCode::CAST, {tensor}, type, Name(node)), channels_last);
}

namespace {

// The scale and zero point of a per-tensor QuantizeLinear/DequantizeLinear
// (inputs 1 and 2); `type` is the quantized type.
IrQuantization ReadQuantization(Importer& importer, Node& node, TensorType type) {
  const std::vector<float> scales = importer.ConstFloats(node, 1, "the scale");
  if (scales.size() != 1) importer.Unsupported("per-axis quantization (Ember's are per tensor)");
  node.Int("axis", 1);  // the axis of per-axis scales only
  IrQuantization quantization;
  quantization.scales = scales;
  quantization.zero_points = {0};
  if (node.HasInput(2)) {
    if (importer.In(node, 2).type != type) importer.Fail(node, "the zero point's type differs");
    quantization.zero_points = importer.ConstInts(node, 2, "the zero point");
    if (quantization.zero_points.size() != 1) {
      importer.Unsupported("per-axis quantization (Ember's are per tensor)");
    }
  }
  if (!(scales[0] > 0.0f) || !std::isfinite(scales[0])) {
    importer.Fail(node, "the scale must be positive");
  }
  return quantization;
}

bool SameQuantization(const IrQuantization& a, const IrQuantization& b) {
  return a.scales == b.scales && a.zero_points == b.zero_points;
}

}  // namespace

void Importer::QuantizeLinear(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  const TensorType type = node.HasInput(2) ? In(node, 2).type : TensorType::UINT8;
  if (type != TensorType::INT8 && type != TensorType::UINT8) {
    Unsupported(std::string("quantizing to ") + TensorTypeName(type));
  }
  const IrQuantization quantization = ReadQuantization(*this, node, type);
  const auto [input, channels_last] = InAnyLayout(node, 0);
  const int output = ir_.AddTensor(Name(node), type, {});
  ir_.tensors[output].quantization = quantization;
  const int op = ir_.AddOp(OpCode::QUANTIZE, {input}, {output}, {}, origin_);
  InferOp(ir_, op, /*fold=*/true);
  if (!rounding_noted_) {
    rounding_noted_ = true;
    report_->notes.push_back(
        "QuantizeLinear rounds halfway cases away from zero (as TFLite); ONNX "
        "rounds them to even");
  }
  DefineInLayout(node, 0, output, channels_last);
}

void Importer::DequantizeLinear(Node& node) {
  RequireType(node, 0, {TensorType::INT8, TensorType::UINT8});
  const IrQuantization quantization = ReadQuantization(*this, node, In(node, 0).type);
  auto [input, channels_last] = InAnyLayout(node, 0);
  IrTensor& tensor = ir_.tensors[input];
  if (tensor.constant) {
    // Quantized weights: a quantized copy, dequantized at conversion time.
    IrTensor copy = tensor;
    copy.name += "/quantized";
    copy.quantization = quantization;
    ir_.tensors.push_back(std::move(copy));
    input = static_cast<int>(ir_.tensors.size()) - 1;
  } else if (tensor.quantization.empty() &&
             std::find(ir_.inputs.begin(), ir_.inputs.end(), input) != ir_.inputs.end()) {
    // A model input: it is fed quantized.
    tensor.quantization = quantization;
  } else if (!SameQuantization(tensor.quantization, quantization)) {
    Unsupported(
        "dequantizing a tensor that is not a model input, a constant or a QuantizeLinear "
        "output with the same scale and zero point");
  }
  DefineInLayout(node, 0, Emit(OpCode::DEQUANTIZE, {input}, TensorType::FLOAT32, Name(node)),
                 channels_last);
}

}  // namespace ember::convert::onnx_import
