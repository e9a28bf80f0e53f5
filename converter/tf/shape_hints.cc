#include "converter/tf/shape_hints.h"

#include <optional>
#include <string>
#include <vector>

#include "converter/error.h"

namespace ember::convert::tf {
namespace {

using Shape = std::vector<int64_t>;

int64_t NextPowerOfTwo(int64_t value) {
  int64_t power = 1;
  while (power < value) power *= 2;
  return power;
}

bool FullyKnown(const Shape& shape) {
  for (int64_t dim : shape) {
    if (dim < 0) return false;
  }
  return true;
}

std::optional<Shape> ShapeOf(const Graph& graph, TensorRef tensor, int depth) {
  if (depth > 64) return std::nullopt;
  const Node& node = graph.node(tensor.node);
  if (node.Has("_output_shapes")) {
    const auto& list = node.attrs().at("_output_shapes").list();
    if (tensor.index < list.shape_size() && !list.shape(tensor.index).unknown_rank()) {
      Shape shape;
      for (const auto& dim : list.shape(tensor.index).dim()) shape.push_back(dim.size());
      if (FullyKnown(shape)) return shape;
    }
  }
  const std::string& op = node.op();
  if (op == "Placeholder" && node.Has("shape")) {
    const PartialShape partial = node.GetShape("shape");
    if (!partial.unknown_rank && FullyKnown(partial.dims)) return partial.dims;
    return std::nullopt;
  }
  if (op == "Const") return node.GetTensor("value").shape;
  if (op == "Identity" || op == "StopGradient" || op == "Snapshot") {
    return ShapeOf(graph, node.input(0), depth + 1);
  }
  if (op == "DecodeWav") {
    if (tensor.index == 1) return Shape{};
    const int64_t samples = node.Has("desired_samples") ? node.GetInt("desired_samples") : -1;
    const int64_t channels = node.Has("desired_channels") ? node.GetInt("desired_channels") : -1;
    if (samples <= 0 || channels <= 0) return std::nullopt;
    return Shape{samples, channels};
  }
  if (op == "AudioSpectrogram") {
    // [channels, frames, fft_length / 2 + 1] with fft_length the window
    // rounded up to a power of two.
    const std::optional<Shape> audio = ShapeOf(graph, node.input(0), depth + 1);
    if (!audio || audio->size() != 2) return std::nullopt;
    const int64_t window = node.GetInt("window_size");
    const int64_t stride = node.GetInt("stride");
    if (window <= 0 || stride <= 0) return std::nullopt;
    const int64_t span = (*audio)[0] - window;
    const int64_t frames = span < 0 ? 0 : 1 + span / stride;
    return Shape{(*audio)[1], frames, NextPowerOfTwo(window) / 2 + 1};
  }
  if (op == "Mfcc") {
    const std::optional<Shape> spectrogram = ShapeOf(graph, node.input(0), depth + 1);
    if (!spectrogram || spectrogram->size() != 3) return std::nullopt;
    const int64_t coefficients =
        node.Has("dct_coefficient_count") ? node.GetInt("dct_coefficient_count") : 13;
    return Shape{(*spectrogram)[0], (*spectrogram)[1], coefficients};
  }
  return std::nullopt;
}

// The value of a constant integer node, or nothing.
std::optional<std::vector<int64_t>> ConstInts(const Graph& graph, TensorRef tensor) {
  const Node& node = graph.node(tensor.node);
  if (node.op() != "Const") return std::nullopt;
  const ConstTensor value = node.GetTensor("value");
  if (value.dtype != tensorflow::DT_INT32 && value.dtype != tensorflow::DT_INT64) return std::nullopt;
  return value.AsInt64();
}

// True for tf.shape(tensor)[0]: StridedSlice(Shape(tensor), [0], [1], [1])
// taking one element.
bool IsLeadingDimOf(const Graph& graph, TensorRef value, TensorRef tensor) {
  const Node& slice = graph.node(value.node);
  if (slice.op() != "StridedSlice" || slice.num_inputs() != 4) return false;
  const Node& shape = graph.node(slice.input(0).node);
  if (shape.op() != "Shape" || shape.num_inputs() < 1 || shape.input(0) != tensor) return false;
  const auto begin = ConstInts(graph, slice.input(1));
  const auto end = ConstInts(graph, slice.input(2));
  const auto strides = ConstInts(graph, slice.input(3));
  return begin && end && strides && *begin == std::vector<int64_t>{0} &&
         *end == std::vector<int64_t>{1} && *strides == std::vector<int64_t>{1} &&
         slice.Has("shrink_axis_mask") && slice.GetInt("shrink_axis_mask") == 1;
}

// For a placeholder that records no shape at all but is reshaped from rows:
// tf.reshape(x, [-1, 28, 28]) or tf.reshape(x, [tf.shape(x)[0], 28, 28]).
// Its shape cannot be known; one row of the elements the reshape reads per
// row, [1, 784], is the guess that works for a feed of one flat row (and
// for any feed of one row, since the elements are the same).
std::optional<Shape> RowOfReshape(const Graph& graph, TensorRef tensor) {
  for (const Use& use : graph.Consumers(tensor)) {
    const Node& reshape = graph.node(use.node);
    if (reshape.op() != "Reshape" || use.slot != 0 || reshape.num_inputs() != 2) continue;
    std::vector<int64_t> target;
    if (const auto values = ConstInts(graph, reshape.input(1))) {
      target = *values;
    } else {
      const Node& pack = graph.node(reshape.input(1).node);
      if (pack.op() != "Pack") continue;
      bool known = true;
      for (const TensorRef& entry : pack.inputs()) {
        const auto value = ConstInts(graph, entry);
        if (value && value->size() == 1) {
          target.push_back((*value)[0]);
        } else if (IsLeadingDimOf(graph, entry, tensor)) {
          target.push_back(-1);
        } else {
          known = false;
        }
      }
      if (!known) continue;
    }
    if (target.size() < 2 || target[0] != -1) continue;
    int64_t row = 1;
    for (size_t d = 1; d < target.size(); ++d) {
      if (target[d] <= 0) row = -1;
      if (row > 0) row *= target[d];
    }
    if (row > 0) return Shape{1, row};
  }
  return std::nullopt;
}

}  // namespace

std::map<std::string, std::vector<int32_t>> InferCutShapes(const Graph& graph,
                                                           const std::vector<std::string>& inputs,
                                                           std::vector<std::string>* notes) {
  std::map<std::string, std::vector<int32_t>> shapes;
  for (const std::string& name : inputs) {
    const TensorRef tensor = graph.Resolve(name);
    std::optional<Shape> shape = ShapeOf(graph, tensor, 0);
    const Node& node = graph.node(tensor.node);
    if (!shape && node.op() == "Placeholder" &&
        (!node.Has("shape") || node.GetShape("shape").unknown_rank)) {
      shape = RowOfReshape(graph, tensor);
      if (shape) {
        notes->push_back("input '" + name + "' records no shape: taken as [1, " +
                         std::to_string((*shape)[1]) +
                         "], one row of the Reshape it feeds (use --input-shape)");
      }
    }
    if (!shape) continue;
    std::vector<int32_t> dims;
    bool fits = true;
    for (int64_t dim : *shape) {
      fits &= dim >= 0 && dim <= 0x7FFFFFFF;
      dims.push_back(static_cast<int32_t>(dim));
    }
    if (fits) shapes[name] = dims;
  }
  return shapes;
}

}  // namespace ember::convert::tf
