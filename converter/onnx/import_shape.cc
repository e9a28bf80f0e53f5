// ONNX's shape and data-movement ops. Their shape operands (target shapes,
// axes, pads, slice bounds, repeats) must be constants, as Ember's shapes are
// static; Shape and Size become constants. Reshapes work in ONNX's layout;
// Transpose, Concat, Split, Slice and Pad follow a channels-last input and
// remap their axes.
#include <algorithm>

#include "converter/error.h"
#include "converter/onnx/importer.h"
#include "converter/onnx/model_reader.h"
#include "interpreter/tensor.h"

namespace ember::convert::onnx_import {
namespace {

int64_t ElementCount(const std::vector<int32_t>& shape) {
  int64_t count = 1;
  for (int32_t d : shape) count *= d;
  return count;
}

std::vector<int32_t> ToInt32(Importer& importer, Node& node, const std::vector<int64_t>& values,
                             const char* what) {
  std::vector<int32_t> narrow;
  for (int64_t value : values) {
    if (value < INT32_MIN || value > INT32_MAX) {
      importer.Fail(node,
                    std::string(what) + " value " + std::to_string(value) + " is out of range");
    }
    narrow.push_back(static_cast<int32_t>(value));
  }
  return narrow;
}

}  // namespace

void Importer::ReshapeOp(Node& node) {
  Value& x = In(node, 0);
  const std::vector<int64_t> requested =
      opset() < 5 ? node.Ints("shape") : ConstInts(node, 1, "the shape");
  if (opset() < 5) node.Ignore("consumed_inputs");
  const bool allow_zero = node.Int("allowzero", 0) != 0;
  std::vector<int32_t> shape;
  int inferred = -1;
  for (size_t d = 0; d < requested.size(); ++d) {
    int64_t dim = requested[d];
    if (dim == 0 && !allow_zero) {
      // 0 copies the input's dim.
      if (d >= x.shape.size()) {
        Fail(node, "shape entry " + std::to_string(d) + " copies a dim the input lacks");
      }
      dim = x.shape[d];
    } else if (dim == -1) {
      if (inferred >= 0) Fail(node, "the shape has more than one -1");
      inferred = static_cast<int>(d);
      dim = 1;
    } else if (dim < 0 || dim > INT32_MAX) {
      Fail(node, "shape entry " + std::to_string(dim) + " is invalid");
    }
    shape.push_back(static_cast<int32_t>(dim));
  }
  const int64_t count = ElementCount(x.shape);
  const int64_t known = ElementCount(shape);
  if (inferred >= 0) {
    if (known == 0 || count % known != 0) Fail(node, "cannot infer the -1 dim");
    shape[inferred] = static_cast<int32_t>(count / known);
  }
  if (ElementCount(shape) != count) Fail(node, "the shape does not keep the element count");
  DefineSource(node, 0, Reshape(Source(x), shape, Name(node)));
}

void Importer::Flatten(Node& node) {
  Value& x = In(node, 0);
  const int rank = x.rank();
  const int64_t axis = node.Int("axis", 1);
  if (axis < -rank || axis > rank) Fail(node, "axis " + std::to_string(axis) + " is out of range");
  const size_t split = static_cast<size_t>(axis < 0 ? axis + rank : axis);
  int64_t outer = 1;
  for (size_t d = 0; d < split; ++d) outer *= x.shape[d];
  const int64_t inner = ElementCount(x.shape) / std::max<int64_t>(outer, 1);
  DefineSource(
      node, 0,
      Reshape(Source(x), {static_cast<int32_t>(outer), static_cast<int32_t>(inner)}, Name(node)));
}

void Importer::Squeeze(Node& node) {
  Value& x = In(node, 0);
  std::vector<int64_t> axes;
  if (opset() < 13) {
    axes = node.Ints("axes");
  } else if (node.HasInput(1)) {
    axes = ConstInts(node, 1, "the axes");
  }
  std::vector<bool> drop(x.rank(), false);
  for (int64_t axis : axes) drop[Axis(node, axis, x.rank())] = true;
  std::vector<int32_t> shape;
  for (int d = 0; d < x.rank(); ++d) {
    const bool squeeze = axes.empty() ? x.shape[d] == 1 : drop[d];
    if (squeeze && x.shape[d] != 1) {
      Fail(node,
           "cannot squeeze dim " + std::to_string(d) + " of size " + std::to_string(x.shape[d]));
    }
    if (!squeeze) shape.push_back(x.shape[d]);
  }
  DefineSource(node, 0, Reshape(Source(x), shape, Name(node)));
}

void Importer::Unsqueeze(Node& node) {
  Value& x = In(node, 0);
  const std::vector<int64_t> axes =
      opset() < 13 ? node.Ints("axes") : ConstInts(node, 1, "the axes");
  const int rank = x.rank() + static_cast<int>(axes.size());
  std::vector<bool> inserted(rank, false);
  for (int64_t axis : axes) {
    const int32_t a = Axis(node, axis, rank);
    if (inserted[a]) Fail(node, "axis " + std::to_string(a) + " is listed twice");
    inserted[a] = true;
  }
  std::vector<int32_t> shape;
  size_t next = 0;
  for (int d = 0; d < rank; ++d) shape.push_back(inserted[d] ? 1 : x.shape[next++]);
  DefineSource(node, 0, Reshape(Source(x), shape, Name(node)));
}

void Importer::TransposeOp(Node& node) {
  Value& x = In(node, 0);
  const int rank = x.rank();
  std::vector<int64_t> perm = node.Ints("perm");
  if (perm.empty()) {
    for (int d = rank - 1; d >= 0; --d) perm.push_back(d);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int d = 0; d < rank; ++d) {
    if (static_cast<int>(sorted.size()) != rank || sorted[d] != d) {
      Fail(node, "perm is not a permutation of the dims");
    }
  }
  auto identity = [](const std::vector<int32_t>& order) {
    for (size_t d = 0; d < order.size(); ++d) {
      if (order[d] != static_cast<int32_t>(d)) return false;
    }
    return true;
  };
  int input = -1;
  std::vector<int32_t> order;
  if (HasChannelsLast(x)) {
    // One transpose from the channels-last form: ONNX dim perm[j] sits at
    // position FromChannelsLast[perm[j]] there. An NCHW -> NHWC transpose
    // then is the channels-last form itself.
    const std::vector<int32_t> position = FromChannelsLast(rank);
    for (int64_t p : perm) order.push_back(position[p]);
    input = x.channels_last;
  } else {
    order.assign(perm.begin(), perm.end());
    input = Source(x);
  }
  DefineSource(node, 0, identity(order) ? input : Transpose(input, order, Name(node)));
}

void Importer::Concat(Node& node) {
  if (node.num_inputs() < 1) Fail(node, "needs inputs");
  const int rank = In(node, 0).rank();
  const TensorType type = In(node, 0).type;
  if (opset() >= 4 && !node.Has("axis")) Fail(node, "attribute 'axis' is required");
  const int32_t axis = Axis(node, node.Int("axis", 1), rank);
  // Channels-last when every input that is not a constant is held so
  // (constants are transposed at conversion time).
  bool channels_last = rank >= 3;
  bool any_computed = false;
  for (int slot = 0; slot < node.num_inputs(); ++slot) {
    const Value& value = In(node, slot);
    if (value.rank() != rank || value.type != type) Fail(node, "inputs differ in rank or type");
    if (IsConstant(value)) continue;
    any_computed = true;
    channels_last &= HasChannelsLast(value);
  }
  channels_last &= any_computed;
  if (node.num_inputs() == 1) {
    DefineValue(node, 0, In(node, 0));
    return;
  }
  std::vector<int> inputs;
  for (int slot = 0; slot < node.num_inputs(); ++slot) {
    Value& value = In(node, slot);
    inputs.push_back(channels_last ? ChannelsLast(value) : Source(value));
  }
  schema::ConcatenationOptionsT options;
  options.axis = channels_last ? ChannelsLastAxis(axis, rank) : axis;
  DefineInLayout(node, 0, Emit(OpCode::CONCATENATION, inputs, type, Name(node), Options(options)),
                 channels_last);
}

void Importer::Split(Node& node) {
  Value& x = In(node, 0);
  const int rank = x.rank();
  const int32_t axis = Axis(node, node.Int("axis", 0), rank);
  std::vector<int64_t> sizes;
  if (opset() < 13) {
    sizes = node.Ints("split");
    if (opset() < 2 && node.HasInput(1)) sizes = ConstInts(node, 1, "the split");
  } else if (node.HasInput(1)) {
    sizes = ConstInts(node, 1, "the split");
  }
  const int count = node.num_outputs();
  const int32_t dim = x.shape[axis];
  if (sizes.empty()) {
    if (count < 1 || dim % count != 0) {
      Fail(node,
           "cannot split " + std::to_string(dim) + " evenly " + std::to_string(count) + " ways");
    }
  } else {
    int64_t total = 0;
    for (int64_t size : sizes) {
      if (size < 0) Fail(node, "negative split");
      total += size;
    }
    if (static_cast<int>(sizes.size()) != count || total != dim) {
      Fail(node, "split sizes do not match the outputs and the dim");
    }
  }
  const bool channels_last = HasChannelsLast(x);
  schema::SplitOptionsT options;
  options.axis = channels_last ? ChannelsLastAxis(axis, rank) : axis;
  options.size_splits = ToInt32(*this, node, sizes, "split");
  const std::vector<int> outputs =
      EmitN(OpCode::SPLIT, {channels_last ? x.channels_last : Source(x)}, x.type, Name(node), count,
            Options(options));
  for (int k = 0; k < count; ++k) {
    if (node.HasOutput(k)) ir_.tensors[outputs[k]].name = node.output(k);
    DefineInLayout(node, k, outputs[k], channels_last);
  }
}

void Importer::Slice(Node& node) {
  Value& x = In(node, 0);
  const int rank = x.rank();
  std::vector<int64_t> starts, ends, axes, steps;
  if (opset() < 10) {
    starts = node.Ints("starts");
    ends = node.Ints("ends");
    axes = node.Ints("axes");
  } else {
    starts = ConstInts(node, 1, "starts");
    ends = ConstInts(node, 2, "ends");
    if (node.HasInput(3)) axes = ConstInts(node, 3, "axes");
    if (node.HasInput(4)) steps = ConstInts(node, 4, "steps");
  }
  if (axes.empty()) {
    for (size_t d = 0; d < starts.size(); ++d) axes.push_back(static_cast<int64_t>(d));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    Fail(node, "starts, ends, axes and steps differ in length");
  }
  // Full ranges, then ONNX's clamping for each sliced axis; an end before
  // the first element (backwards) is StridedSlice's end mask.
  std::vector<int32_t> begin(rank, 0), end(x.shape), stride(rank, 1);
  std::vector<bool> to_start(rank, false), seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    const int32_t axis = Axis(node, axes[k], rank);
    if (seen[axis]) Fail(node, "axis " + std::to_string(axis) + " is sliced twice");
    seen[axis] = true;
    const int64_t dim = x.shape[axis];
    const int64_t step = steps[k];
    if (step == 0 || step < INT32_MIN || step > INT32_MAX) {
      Fail(node, "step must be a nonzero int32");
    }
    int64_t first = starts[k] < 0 ? starts[k] + dim : starts[k];
    int64_t last = ends[k] < 0 ? ends[k] + dim : ends[k];
    if (step > 0) {
      first = std::clamp<int64_t>(first, 0, dim);
      last = std::clamp<int64_t>(last, 0, dim);
    } else {
      first = std::clamp<int64_t>(first, 0, std::max<int64_t>(dim - 1, 0));
      last = std::clamp<int64_t>(last, -1, dim - 1);
    }
    begin[axis] = static_cast<int32_t>(first);
    end[axis] = static_cast<int32_t>(last);
    stride[axis] = static_cast<int32_t>(step);
    to_start[axis] = step < 0 && last < 0;
  }
  const bool channels_last = HasChannelsLast(x);
  schema::StridedSliceOptionsT options;
  for (int i = 0; i < rank; ++i) {
    const int d = channels_last ? ToChannelsLast(rank)[i] : i;
    options.begin.push_back(begin[d]);
    options.end.push_back(end[d]);
    options.strides.push_back(stride[d]);
    if (to_start[d]) options.end_mask |= 1 << i;
  }
  DefineInLayout(node, 0,
                 Emit(OpCode::STRIDED_SLICE, {channels_last ? x.channels_last : Source(x)}, x.type,
                      Name(node), Options(options)),
                 channels_last);
}

void Importer::Pad(Node& node) {
  Value& x = In(node, 0);
  const int rank = x.rank();
  const std::string mode = node.String("mode", "constant");
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (opset() < 11) {
    pads = node.Ints(opset() < 2 ? "paddings" : "pads");
    value = node.Float("value", 0.0f);
  } else {
    pads = ConstInts(node, 1, "the pads");
    if (node.HasInput(2)) {
      const std::vector<float> values = ConstFloats(node, 2, "constant_value");
      if (values.size() != 1) Fail(node, "constant_value must be one value");
      value = values[0];
    }
    if (node.HasInput(3)) Unsupported("the axes input");
  }
  if (static_cast<int>(pads.size()) != 2 * rank) Fail(node, "pads must have 2 values per dim");
  for (int64_t pad : pads) {
    if (pad < 0) Unsupported("negative pads (cropping)");
  }
  const std::vector<int32_t> narrow = ToInt32(*this, node, pads, "pad");
  std::vector<int32_t> padded = x.shape;
  for (int d = 0; d < rank; ++d) {
    const int64_t size = int64_t{padded[d]} + narrow[d] + narrow[d + rank];
    if (size > INT32_MAX) Fail(node, "padded size out of range");
    padded[d] = static_cast<int32_t>(size);
  }
  CheckSize(node, padded, kMaxElements, "the padded output");
  const bool channels_last = HasChannelsLast(x);
  schema::PadOptionsT options;
  for (int i = 0; i < rank; ++i) {
    const int d = channels_last ? ToChannelsLast(rank)[i] : i;
    options.paddings.push_back(narrow[d]);
    options.paddings.push_back(narrow[d + rank]);
  }
  OpCode code = OpCode::PAD;
  if (mode == "constant") {
    options.constant_value = value;
  } else if (mode == "reflect") {
    code = OpCode::MIRROR_PAD;
    options.mirror_mode = schema::MirrorPadMode::REFLECT;
  } else if (mode == "edge") {
    // Repeating the edge k times is k symmetric mirrorings by one cell.
    int32_t widest = 0;
    for (int32_t pad : narrow) widest = std::max(widest, pad);
    if (widest > 16) Unsupported("mode 'edge' with pads wider than 16");
    std::vector<int32_t> left(options.paddings);
    int tensor = channels_last ? x.channels_last : Source(x);
    for (int32_t step = 0; step < widest; ++step) {
      schema::PadOptionsT one;
      one.mirror_mode = schema::MirrorPadMode::SYMMETRIC;
      for (int32_t& pad : left) {
        one.paddings.push_back(pad > 0 ? 1 : 0);
        if (pad > 0) --pad;
      }
      tensor = Emit(OpCode::MIRROR_PAD, {tensor}, x.type,
                    step + 1 == widest ? Name(node) : Name(node, "edge" + std::to_string(step)),
                    Options(one));
    }
    if (widest == 0) {
      DefineValue(node, 0, x);
    } else {
      DefineInLayout(node, 0, tensor, channels_last);
    }
    return;
  } else if (mode == "wrap") {
    Unsupported("mode 'wrap'");
  } else {
    Fail(node, "mode '" + mode + "' is not constant, reflect, edge or wrap");
  }
  DefineInLayout(node, 0,
                 Emit(code, {channels_last ? x.channels_last : Source(x)}, x.type, Name(node),
                      Options(options)),
                 channels_last);
}

void Importer::Gather(Node& node) {
  Value& data = In(node, 0);
  RequireType(node, 1, {TensorType::INT32, TensorType::INT64});
  const int32_t axis = Axis(node, node.Int("axis", 0), data.rank());
  int indices = InSource(node, 1);
  if (T(indices).constant) {
    // ONNX counts negative indices from the end; Ember's Gather does not.
    const int64_t dim = data.shape[axis];
    std::vector<int32_t> normalized;
    for (int64_t index : T(indices).AsInts()) {
      if (index < -dim || index >= dim) {
        Fail(node, "index " + std::to_string(index) + " is out of range");
      }
      normalized.push_back(static_cast<int32_t>(index < 0 ? index + dim : index));
    }
    indices = Constant<int32_t>(Name(node, "indices"), T(indices).shape, normalized);
  }
  schema::GatherOptionsT options;
  options.axis = axis;
  DefineSource(
      node, 0,
      Emit(OpCode::GATHER, {Source(data), indices}, data.type, Name(node), Options(options)));
}

// ONNX's OneHot counts indices in [-depth, 0) from the end, where Ember's
// ONE_HOT (TensorFlow's) gives all off. So two ONE_HOTs, of the indices and
// of the indices plus depth, each cover one range and give all off over the
// other; their MAXIMUM (MINIMUM when on < off) picks on or off exactly.
// Indices are computed in int32: float indices truncate as ONNX's cast to
// int64 does, int64 indices beyond int32 wrap.
void Importer::OneHot(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32, TensorType::INT64});
  RequireType(node, 2, {TensorType::FLOAT32, TensorType::INT32});
  Value& indices_value = In(node, 0);
  const std::vector<float> depth_values =
      In(node, 1).type == TensorType::FLOAT32 ? ConstFloats(node, 1, "depth")
                                              : std::vector<float>();
  const std::vector<int64_t> depth_ints =
      In(node, 1).type == TensorType::FLOAT32 ? std::vector<int64_t>() : ConstInts(node, 1, "depth");
  if (depth_values.size() + depth_ints.size() != 1) Fail(node, "depth must be one value");
  const int64_t depth = depth_ints.empty() ? static_cast<int64_t>(depth_values[0]) : depth_ints[0];
  if (depth < 1 || depth > kMaxBuiltConstant) {
    Fail(node, "depth " + std::to_string(depth) + " is out of range");
  }
  const int rank = indices_value.rank();
  int64_t axis = node.Int("axis", -1);
  if (axis < -rank - 1 || axis > rank) Fail(node, "axis " + std::to_string(axis) + " is out of range");
  if (axis < 0) axis += rank + 1;
  schema::OneHotOptionsT options;
  options.axis = static_cast<int32_t>(axis);

  const TensorType type = In(node, 2).type;
  int off = -1;
  int on = -1;
  bool on_below_off = false;
  if (type == TensorType::FLOAT32) {
    const std::vector<float> values = ConstFloats(node, 2, "values");
    if (values.size() != 2) Fail(node, "values must hold off and on");
    off = ScalarFloat(Name(node, "off"), values[0]);
    on = ScalarFloat(Name(node, "on"), values[1]);
    on_below_off = values[1] < values[0];
  } else {
    const std::vector<int64_t> values = ConstInts(node, 2, "values");
    if (values.size() != 2) Fail(node, "values must hold off and on");
    off = Constant<int32_t>(Name(node, "off"), {}, {static_cast<int32_t>(values[0])});
    on = Constant<int32_t>(Name(node, "on"), {}, {static_cast<int32_t>(values[1])});
    on_below_off = values[1] < values[0];
  }

  int indices = Source(indices_value);
  if (indices_value.type != TensorType::INT32) {
    indices = Emit(OpCode::CAST, {indices}, TensorType::INT32, Name(node, "indices"));
  }
  const int depth_tensor =
      Constant<int32_t>(Name(node, "depth"), {}, {static_cast<int32_t>(depth)});
  const int from_end = Binary(OpCode::ADD, indices, depth_tensor, Name(node, "from_end"));
  const int hot = Emit(OpCode::ONE_HOT, {indices, depth_tensor, on, off}, type,
                       Name(node, "hot"), Options(options));
  const int hot_from_end = Emit(OpCode::ONE_HOT, {from_end, depth_tensor, on, off}, type,
                                Name(node, "hot_from_end"), Options(options));
  DefineSource(node, 0,
               Binary(on_below_off ? OpCode::MINIMUM : OpCode::MAXIMUM, hot, hot_from_end,
                      Name(node)));
}

void Importer::Shape(Node& node) {
  const std::vector<int32_t> shape = In(node, 0).shape;
  const int rank = static_cast<int>(shape.size());
  int64_t start = node.Int("start", 0);
  int64_t end = node.Int("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  std::vector<int64_t> dims;
  for (int64_t d = start; d < end; ++d) dims.push_back(shape[d]);
  DefineSource(node, 0, Constant<int64_t>(Name(node), {static_cast<int32_t>(dims.size())}, dims));
}

void Importer::Size(Node& node) {
  DefineSource(node, 0, Constant<int64_t>(Name(node), {}, {ElementCount(In(node, 0).shape)}));
}

void Importer::ConstantOp(Node& node) {
  if (const onnx::TensorProto* tensor = node.Tensor("value")) {
    TensorType type;
    if (!EmberTypeOf(tensor->data_type(), &type)) {
      Unsupported("a value of type " + OnnxTypeName(tensor->data_type()));
    }
    OnnxTensor decoded = DecodeTensor(*tensor, node.Describe() + " value");
    DefineSource(node, 0, ConstantBytes(Name(node), type, decoded.shape, std::move(decoded.data)));
  } else if (node.Has("value_float")) {
    DefineSource(node, 0, ScalarFloat(Name(node), node.Float("value_float", 0.0f)));
  } else if (node.Has("value_floats")) {
    const std::vector<float> values = node.Floats("value_floats");
    DefineSource(node, 0,
                 Constant<float>(Name(node), {static_cast<int32_t>(values.size())}, values));
  } else if (node.Has("value_int")) {
    DefineSource(node, 0, Constant<int64_t>(Name(node), {}, {node.Int("value_int", 0)}));
  } else if (node.Has("value_ints")) {
    const std::vector<int64_t> values = node.Ints("value_ints");
    DefineSource(node, 0,
                 Constant<int64_t>(Name(node), {static_cast<int32_t>(values.size())}, values));
  } else if (node.Has("sparse_value")) {
    Unsupported("sparse values");
  } else if (node.Has("value_string") || node.Has("value_strings")) {
    Unsupported("string values");
  } else {
    Fail(node, "has no value");
  }
}

void Importer::ConstantOfShape(Node& node) {
  const std::vector<int32_t> shape = ToInt32(*this, node, ConstInts(node, 0, "the shape"), "shape");
  CheckSize(node, shape, kMaxBuiltConstant, "the constant");
  int64_t count = 1;
  for (int32_t d : shape) count *= d;
  TensorType type = TensorType::FLOAT32;
  std::vector<uint8_t> element(sizeof(float), 0);
  if (const onnx::TensorProto* value = node.Tensor("value")) {
    if (!EmberTypeOf(value->data_type(), &type)) {
      Unsupported("a value of type " + OnnxTypeName(value->data_type()));
    }
    const OnnxTensor decoded = DecodeTensor(*value, node.Describe() + " value");
    if (decoded.data.size() != TensorTypeSize(type)) Fail(node, "value must hold one element");
    element = decoded.data;
  }
  std::vector<uint8_t> bytes;
  bytes.reserve(static_cast<size_t>(count) * element.size());
  for (int64_t i = 0; i < count; ++i) bytes.insert(bytes.end(), element.begin(), element.end());
  DefineSource(node, 0, ConstantBytes(Name(node), type, shape, std::move(bytes)));
}

namespace {

// Repeats slices of `tensor` along `axis` by gathering `indices` there: how
// Expand and Tile are built from Ember's kernels for any element type.
int GatherAlong(Importer& importer, int tensor, int32_t axis, const std::vector<int32_t>& indices,
                const std::string& name) {
  schema::GatherOptionsT options;
  options.axis = axis;
  const int constant = importer.Constant<int32_t>(name + "/indices",
                                                  {static_cast<int32_t>(indices.size())}, indices);
  return importer.Emit(OpCode::GATHER, {tensor, constant}, importer.T(tensor).type, name,
                       Options(options));
}

}  // namespace

void Importer::Expand(Node& node) {
  Value& x = In(node, 0);
  const std::vector<int32_t> target =
      ToInt32(*this, node, ConstInts(node, 1, "the shape"), "shape");
  // Numpy broadcasting of both shapes, aligned at the end.
  const int rank = std::max(x.rank(), static_cast<int>(target.size()));
  std::vector<int32_t> from(rank - x.rank(), 1), to(rank - target.size(), 1), shape(rank);
  from.insert(from.end(), x.shape.begin(), x.shape.end());
  to.insert(to.end(), target.begin(), target.end());
  for (int d = 0; d < rank; ++d) {
    if (from[d] != to[d] && from[d] != 1 && to[d] != 1) Fail(node, "the shapes do not broadcast");
    shape[d] = from[d] == 1 ? to[d] : from[d];
  }
  CheckSize(node, shape, kMaxElements, "the expanded output");
  int tensor = Source(x);
  if (x.rank() != rank) tensor = Reshape(tensor, from, Name(node, "aligned"));
  for (int d = 0; d < rank; ++d) {
    if (from[d] == shape[d]) continue;
    tensor = GatherAlong(*this, tensor, d, std::vector<int32_t>(shape[d], 0),
                         Name(node, "axis" + std::to_string(d)));
  }
  if (tensor == x.source) {
    DefineValue(node, 0, x);
  } else {
    DefineSource(node, 0, T(tensor).shape == shape ? tensor : Reshape(tensor, shape, Name(node)));
  }
}

void Importer::Tile(Node& node) {
  if (opset() < 6) Unsupported("Tile-1's tiles and axis inputs");
  Value& x = In(node, 0);
  const std::vector<int64_t> repeats = ConstInts(node, 1, "the repeats");
  if (static_cast<int>(repeats.size()) != x.rank()) Fail(node, "needs one repeat count per dim");
  std::vector<int32_t> tiled = x.shape;
  for (int d = 0; d < x.rank(); ++d) {
    if (repeats[d] < 0 || repeats[d] * x.shape[d] > INT32_MAX) Fail(node, "repeats out of range");
    tiled[d] = static_cast<int32_t>(repeats[d] * x.shape[d]);
  }
  CheckSize(node, tiled, kMaxElements, "the tiled output");
  int tensor = Source(x);
  for (int d = 0; d < x.rank(); ++d) {
    if (repeats[d] == 1) continue;
    std::vector<int32_t> indices;
    for (int64_t r = 0; r < repeats[d]; ++r) {
      for (int32_t i = 0; i < x.shape[d]; ++i) indices.push_back(i);
    }
    tensor = GatherAlong(*this, tensor, d, indices, Name(node, "axis" + std::to_string(d)));
  }
  if (tensor == x.source) {
    DefineValue(node, 0, x);
  } else {
    DefineSource(node, 0, tensor);
  }
}

}  // namespace ember::convert::onnx_import
