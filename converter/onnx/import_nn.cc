// The ONNX ops that have a layout: convolutions, pools, normalizations,
// resizes and depth/space rearrangements work channels-last (1-D ones as 2-D
// with a height of 1); Softmax and the reductions follow their input's layout
// and remap their axes; Gemm and MatMul map to FullyConnected (constant
// weights) or BatchMatmul.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "converter/error.h"
#include "converter/onnx/importer.h"

namespace ember::convert::onnx_import {
namespace {

int64_t Product(const std::vector<int32_t>& shape, size_t begin, size_t end) {
  int64_t product = 1;
  for (size_t d = begin; d < end; ++d) product *= shape[d];
  return product;
}

// Window geometry of one spatial axis: what ONNX's attributes say, resolved
// to explicit paddings.
struct WindowAxis {
  int32_t input = 0;
  int32_t kernel = 1;
  int32_t stride = 1;
  int32_t dilation = 1;
  int32_t pad_before = 0;
  int32_t pad_after = 0;
};

// The spatial attributes (kernel_shape, strides, dilations, pads, auto_pad)
// of a Conv or pool, for `spatial` axes of `input` (the ONNX shape). Returns
// 2 axes (height first); a 1-D op gets a height axis of size 1.
struct Windows {
  WindowAxis axes[2];
  bool explicit_attribute = true;  // auto_pad NOTSET: the pads attribute holds
  bool same_upper = false;         // auto_pad SAME_UPPER (Ember's SAME)
  bool valid = false;              // auto_pad VALID
  bool explicit_pads = false;
};

Windows ReadWindows(Importer& importer, Node& node, const std::vector<int32_t>& input,
                    const std::vector<int32_t>& kernel, bool read_dilations) {
  const size_t spatial = input.size() - 2;
  auto list = [&](const char* name, size_t count, int64_t fallback) {
    std::vector<int64_t> values = node.Ints(name, std::vector<int64_t>(count, fallback));
    if (values.size() != count) {
      importer.Fail(node, std::string("attribute '") + name + "' must have " +
                              std::to_string(count) + " values");
    }
    for (int64_t value : values) {
      if (value < 0 || value > (int64_t{1} << 28)) {
        importer.Fail(node, std::string("attribute '") + name + "' has a value out of range");
      }
    }
    return values;
  };
  const std::vector<int64_t> strides = list("strides", spatial, 1);
  const std::vector<int64_t> dilations =
      read_dilations ? list("dilations", spatial, 1) : std::vector<int64_t>(spatial, 1);
  const std::vector<int64_t> pads = list("pads", 2 * spatial, 0);
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  Windows windows;
  windows.axes[0].input = 1;  // the height of a 1-D op
  for (size_t a = 0; a < spatial; ++a) {
    WindowAxis& axis = windows.axes[a + 2 - spatial];
    axis.input = input[2 + a];
    axis.kernel = kernel[a];
    axis.stride = static_cast<int32_t>(strides[a]);
    axis.dilation = static_cast<int32_t>(dilations[a]);
    if (axis.stride < 1 || axis.dilation < 1 || axis.kernel < 1) {
      importer.Fail(node, "kernel sizes, strides and dilations must be at least 1");
    }
    // Window extents, strides and pads are at most 2^28 and inputs at most
    // 2^29 (the kernels' bounds), so what follows fits int32.
    const int64_t extent = int64_t{axis.kernel - 1} * axis.dilation + 1;
    if (extent > (int64_t{1} << 28) || axis.input > (int32_t{1} << 29)) {
      importer.Fail(node, "the window or the input is larger than Ember supports");
    }
    if (auto_pad == "NOTSET") {
      axis.pad_before = static_cast<int32_t>(pads[a]);
      axis.pad_after = static_cast<int32_t>(pads[a + spatial]);
      windows.explicit_pads |= axis.pad_before != 0 || axis.pad_after != 0;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      windows.explicit_attribute = false;
      // Output ceil(input / stride), the padding split evenly with the odd
      // cell after (UPPER) or before (LOWER).
      const int32_t output = (axis.input + axis.stride - 1) / axis.stride;
      const int32_t total =
          std::max((output - 1) * axis.stride + static_cast<int32_t>(extent) - axis.input, 0);
      const int32_t smaller = total / 2;
      const bool upper = auto_pad == "SAME_UPPER";
      axis.pad_before = upper ? smaller : total - smaller;
      axis.pad_after = total - axis.pad_before;
      windows.same_upper = upper;
      windows.explicit_pads |= !upper && total != 0;
    } else if (auto_pad == "VALID") {
      windows.explicit_attribute = false;
      windows.valid = true;
    } else {
      importer.Fail(node,
                    "auto_pad '" + auto_pad + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
  }
  return windows;
}

// Ember's padding for a window op: SAME for SAME_UPPER (TensorFlow's SAME
// puts the odd cell after too), VALID without padding, else EXPLICIT.
schema::Padding EmberPadding(const Windows& windows, std::vector<int32_t>* explicit_padding) {
  if (windows.same_upper) return schema::Padding::SAME;
  if (windows.valid || !windows.explicit_pads) return schema::Padding::VALID;
  *explicit_padding = {windows.axes[0].pad_before, windows.axes[0].pad_after,
                       windows.axes[1].pad_before, windows.axes[1].pad_after};
  return schema::Padding::EXPLICIT;
}

}  // namespace

// ---- convolution ----

void Importer::Conv(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  const int rank = static_cast<int>(x_shape.size());
  if (rank == 5) Unsupported("3-D convolution");
  if (rank != 3 && rank != 4) {
    Fail(node, "input must be rank 3 or 4, is rank " + std::to_string(rank));
  }
  if (!IsConstant(In(node, 1))) Unsupported("weights computed at run time");
  const std::vector<int32_t> w_shape = In(node, 1).shape;
  if (static_cast<int>(w_shape.size()) != rank) Fail(node, "weights must have the input's rank");
  const int64_t group = node.Int("group", 1);
  const int32_t in_channels = x_shape[1];
  const int32_t out_channels = w_shape[0];
  if (group < 1 || in_channels % group != 0 || out_channels % group != 0 ||
      w_shape[1] != in_channels / group) {
    Fail(node, "weights " + std::to_string(out_channels) + "x" + std::to_string(w_shape[1]) +
                   " do not fit " + std::to_string(in_channels) + " input channels in " +
                   std::to_string(group) + " groups");
  }
  const std::vector<int32_t> kernel(w_shape.begin() + 2, w_shape.end());
  if (node.Has("kernel_shape")) {
    const std::vector<int64_t> given = node.Ints("kernel_shape");
    if (!std::equal(given.begin(), given.end(), kernel.begin(), kernel.end())) {
      Fail(node, "kernel_shape does not match the weights");
    }
  }
  const Windows windows = ReadWindows(*this, node, x_shape, kernel, /*read_dilations=*/true);

  int input = InChannelsLast(node, 0);
  int weights = InSource(node, 1);
  const int32_t batch = x_shape[0];
  if (rank == 3) {
    input = Reshape(input, {batch, 1, x_shape[2], in_channels}, Name(node, "as_2d"));
    weights = Reshape(weights, {w_shape[0], w_shape[1], 1, w_shape[2]}, Name(node, "weights_2d"));
  }
  int bias = -1;
  if (node.HasInput(2)) {
    RequireType(node, 2, {TensorType::FLOAT32});
    bias = InSource(node, 2);
    if (T(bias).shape != std::vector<int32_t>{out_channels}) Fail(node, "bias must be [M]");
  }

  const std::string name = rank == 3 ? Name(node, "2d") : Name(node);
  int output = -1;
  if (group == 1 || (group == in_channels && w_shape[1] == 1 && group > 1)) {
    const bool depthwise = group != 1;
    std::vector<int32_t> explicit_padding;
    const schema::Padding padding = EmberPadding(windows, &explicit_padding);
    if (depthwise) {
      // [C * m, 1, kh, kw] -> [1, kh, kw, C * m]: output channel c * m + k
      // reads input channel c, as Ember's depthwise layout.
      schema::DepthwiseConv2DOptionsT options;
      options.padding = padding;
      options.explicit_padding = explicit_padding;
      options.stride_h = windows.axes[0].stride;
      options.stride_w = windows.axes[1].stride;
      options.dilation_h = windows.axes[0].dilation;
      options.dilation_w = windows.axes[1].dilation;
      options.depth_multiplier = out_channels / in_channels;
      const int filter = Transpose(weights, {1, 2, 3, 0}, Name(node, "filter"));
      output = Emit(OpCode::DEPTHWISE_CONV_2D, {input, filter, bias}, TensorType::FLOAT32, name,
                    Options(options));
    } else {
      schema::Conv2DOptionsT options;
      options.padding = padding;
      options.explicit_padding = explicit_padding;
      options.stride_h = windows.axes[0].stride;
      options.stride_w = windows.axes[1].stride;
      options.dilation_h = windows.axes[0].dilation;
      options.dilation_w = windows.axes[1].dilation;
      const int filter = Transpose(weights, {0, 2, 3, 1}, Name(node, "filter"));
      output =
          Emit(OpCode::CONV_2D, {input, filter, bias}, TensorType::FLOAT32, name, Options(options));
    }
  } else {
    // Other groups: one Conv2D per group on its slice of channels.
    const int groups = static_cast<int>(group);
    schema::SplitOptionsT split;
    split.axis = 3;
    const std::vector<int> inputs = EmitN(OpCode::SPLIT, {input}, TensorType::FLOAT32,
                                          Name(node, "groups"), groups, Options(split));
    split.axis = 0;
    const int filter = Transpose(weights, {0, 2, 3, 1}, Name(node, "filter"));
    const std::vector<int> filters = EmitN(OpCode::SPLIT, {filter}, TensorType::FLOAT32,
                                           Name(node, "filters"), groups, Options(split));
    std::vector<int> biases(groups, -1);
    if (bias >= 0) {
      biases = EmitN(OpCode::SPLIT, {bias}, TensorType::FLOAT32, Name(node, "biases"), groups,
                     Options(split));
    }
    schema::Conv2DOptionsT options;
    options.padding = EmberPadding(windows, &options.explicit_padding);
    options.stride_h = windows.axes[0].stride;
    options.stride_w = windows.axes[1].stride;
    options.dilation_h = windows.axes[0].dilation;
    options.dilation_w = windows.axes[1].dilation;
    std::vector<int> outputs;
    for (int g = 0; g < groups; ++g) {
      outputs.push_back(Emit(OpCode::CONV_2D, {inputs[g], filters[g], biases[g]},
                             TensorType::FLOAT32, Name(node, "group" + std::to_string(g)),
                             Options(options)));
    }
    schema::ConcatenationOptionsT concat;
    concat.axis = 3;
    output = Emit(OpCode::CONCATENATION, outputs, TensorType::FLOAT32, name, Options(concat));
  }
  if (rank == 3) {
    const std::vector<int32_t> shape = T(output).shape;
    output = Reshape(output, {shape[0], shape[2], shape[3]}, Name(node));
  }
  DefineChannelsLast(node, 0, output);
}

void Importer::ConvTranspose(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  const int rank = static_cast<int>(x_shape.size());
  if (rank == 5) Unsupported("3-D transposed convolution");
  if (rank != 3 && rank != 4) {
    Fail(node, "input must be rank 3 or 4, is rank " + std::to_string(rank));
  }
  if (!IsConstant(In(node, 1))) Unsupported("weights computed at run time");
  const std::vector<int32_t> w_shape = In(node, 1).shape;
  if (static_cast<int>(w_shape.size()) != rank || w_shape[0] != x_shape[1]) {
    Fail(node, "weights must be [C, M / group, k...] for C input channels");
  }
  if (node.Int("group", 1) != 1) Unsupported("groups other than 1");
  const std::vector<int32_t> kernel(w_shape.begin() + 2, w_shape.end());
  if (node.Has("kernel_shape")) {
    const std::vector<int64_t> given = node.Ints("kernel_shape");
    if (!std::equal(given.begin(), given.end(), kernel.begin(), kernel.end())) {
      Fail(node, "kernel_shape does not match the weights");
    }
  }
  const size_t spatial = rank - 2;
  const std::vector<int64_t> dilations = node.Ints("dilations", std::vector<int64_t>(spatial, 1));
  // A dilated kernel is the kernel with zeros between its taps.
  std::vector<int64_t> extent(spatial);
  for (size_t a = 0; a < spatial && a < dilations.size(); ++a) {
    if (dilations[a] < 1 || dilations[a] > 1024) Fail(node, "dilations out of range");
    extent[a] = (kernel[a] - 1) * dilations[a] + 1;
  }
  const std::vector<int64_t> strides = node.Ints("strides", std::vector<int64_t>(spatial, 1));
  const std::vector<int64_t> output_padding =
      node.Ints("output_padding", std::vector<int64_t>(spatial, 0));
  const std::vector<int64_t> output_shape = node.Ints("output_shape");
  std::vector<int64_t> pads = node.Ints("pads", std::vector<int64_t>(2 * spatial, 0));
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  if (strides.size() != spatial || output_padding.size() != spatial || pads.size() != 2 * spatial ||
      dilations.size() != spatial ||
      (!output_shape.empty() && output_shape.size() != spatial &&
       output_shape.size() != spatial + 2)) {
    Fail(node, "strides, dilations, pads, output_padding or output_shape has the wrong length");
  }
  // Output size and paddings per axis, as ONNX defines them.
  std::vector<int32_t> out_size(spatial);
  for (size_t a = 0; a < spatial; ++a) {
    const int64_t in = x_shape[2 + a];
    const int64_t stride = strides[a];
    if (stride < 1 || stride > (1 << 16)) Fail(node, "stride out of range");
    if (output_padding[a] < 0 || output_padding[a] >= stride) {
      Fail(node, "output_padding must be in [0, stride)");
    }
    const int64_t natural = stride * (in - 1) + output_padding[a] + extent[a];
    int64_t out = 0;
    if (!output_shape.empty()) {
      out = output_shape[output_shape.size() - spatial + a];
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      out = in * stride;
    }
    if (!output_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      // ONNX splits the padding evenly, the odd cell at the end for
      // SAME_UPPER and at the start otherwise. An output longer than the
      // transposed extent (less than a stride longer) gets only the bias in
      // its last cells, as Ember's TransposeConv gives it.
      const int64_t total = natural - out;
      if (total < 0) {
        if (-total + output_padding[a] >= stride) {
          Unsupported("an output longer than the transposed extent");
        }
        if (out > INT32_MAX) Fail(node, "output size out of range");
        pads[a] = pads[a + spatial] = 0;
        out_size[a] = static_cast<int32_t>(out);
        continue;
      }
      const bool upper = auto_pad == "SAME_UPPER";
      pads[a] = upper ? total / 2 : total - total / 2;
      pads[a + spatial] = total - pads[a];
    } else if (auto_pad == "VALID") {
      pads[a] = pads[a + spatial] = 0;
    } else if (auto_pad != "NOTSET") {
      Fail(node, "auto_pad '" + auto_pad + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    if (pads[a] < 0 || pads[a + spatial] < 0) Fail(node, "negative pads");
    out = natural - pads[a] - pads[a + spatial];
    if (out < 1 || out > INT32_MAX) Fail(node, "output size out of range");
    out_size[a] = static_cast<int32_t>(out);
  }
  const int32_t batch = x_shape[0];
  const int32_t out_channels = w_shape[1];
  std::vector<int32_t> output_shape_nchw = {batch, out_channels};
  output_shape_nchw.insert(output_shape_nchw.end(), out_size.begin(), out_size.end());
  CheckSize(node, output_shape_nchw, kMaxElements, "the output");
  int input = InChannelsLast(node, 0);
  int weights = InSource(node, 1);
  schema::TransposeConvOptionsT options;
  options.padding = schema::Padding::EXPLICIT;
  if (rank == 3) {
    input = Reshape(input, {batch, 1, x_shape[2], x_shape[1]}, Name(node, "as_2d"));
    weights = Reshape(weights, {w_shape[0], w_shape[1], 1, w_shape[2]}, Name(node, "weights_2d"));
    options.explicit_padding = {0, 0, static_cast<int32_t>(pads[0]), static_cast<int32_t>(pads[1])};
    options.stride_w = static_cast<int32_t>(strides[0]);
    out_size.insert(out_size.begin(), 1);
  } else {
    options.explicit_padding = {static_cast<int32_t>(pads[0]), static_cast<int32_t>(pads[2]),
                                static_cast<int32_t>(pads[1]), static_cast<int32_t>(pads[3])};
    options.stride_h = static_cast<int32_t>(strides[0]);
    options.stride_w = static_cast<int32_t>(strides[1]);
  }
  // [C, M, kh, kw] -> Ember's [M, kh, kw, C].
  int filter = Transpose(weights, {1, 2, 3, 0}, Name(node, "filter"));
  const int32_t dilation_h = rank == 3 ? 1 : static_cast<int32_t>(dilations[0]);
  const int32_t dilation_w = static_cast<int32_t>(dilations[spatial - 1]);
  if (dilation_h > 1 || dilation_w > 1) {
    // [M, kh, 1, kw, 1, C] padded to [M, kh, dh, kw, dw, C], read as
    // [M, kh * dh, kw * dw, C], the trailing zeros cut: all on constants.
    const std::vector<int32_t> shape = T(filter).shape;
    const int32_t m = shape[0], kh = shape[1], kw = shape[2], c = shape[3];
    const int32_t extent_h = (kh - 1) * dilation_h + 1;
    const int32_t extent_w = (kw - 1) * dilation_w + 1;
    CheckSize(node, {m, kh * dilation_h, kw * dilation_w, c}, kMaxBuiltConstant,
              "the dilated filter");
    schema::PadOptionsT gaps;
    gaps.paddings = {0, 0, 0, 0, 0, dilation_h - 1, 0, 0, 0, dilation_w - 1, 0, 0};
    filter = Emit(OpCode::PAD, {Reshape(filter, {m, kh, 1, kw, 1, c}, Name(node, "taps"))},
                  TensorType::FLOAT32, Name(node, "gaps"), Options(gaps));
    filter = Reshape(filter, {m, kh * dilation_h, kw * dilation_w, c}, Name(node, "spread"));
    schema::StridedSliceOptionsT cut;
    cut.begin = {0, 0, 0, 0};
    cut.end = {m, extent_h, extent_w, c};
    cut.strides = {1, 1, 1, 1};
    filter = Emit(OpCode::STRIDED_SLICE, {filter}, TensorType::FLOAT32, Name(node, "dilated"),
                  Options(cut));
  }
  int bias = -1;
  if (node.HasInput(2)) {
    RequireType(node, 2, {TensorType::FLOAT32});
    bias = InSource(node, 2);
  }
  int output = EmitShaped(OpCode::TRANSPOSE_CONV, {input, filter, bias}, TensorType::FLOAT32,
                          {batch, out_size[0], out_size[1], out_channels},
                          rank == 3 ? Name(node, "2d") : Name(node), Options(options));
  if (rank == 3) output = Reshape(output, {batch, out_size[1], out_channels}, Name(node));
  DefineChannelsLast(node, 0, output);
}

// ---- matrix products ----

void Importer::Gemm(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  const float alpha = node.Float("alpha", 1.0f);
  const float beta = node.Float("beta", 1.0f);
  const bool transpose_a = node.Int("transA", 0) != 0;
  const bool transpose_b = node.Int("transB", 0) != 0;
  if (opset() < 7) node.Int("broadcast", 0);
  if (In(node, 0).rank() != 2 || In(node, 1).rank() != 2) Fail(node, "A and B must be matrices");
  int a = InSource(node, 0);
  if (transpose_a) a = Transpose(a, {1, 0}, Name(node, "a_t"));
  const int32_t columns = In(node, 1).shape[transpose_b ? 0 : 1];
  int c = -1;
  if (node.HasInput(2)) {
    RequireType(node, 2, {TensorType::FLOAT32});
    c = InSource(node, 2);
    if (beta != 1.0f) {
      c = Binary(OpCode::MUL, c, ScalarFloat(Name(node, "beta"), beta), Name(node, "c_scaled"));
    }
  }
  if (IsConstant(In(node, 1))) {
    // FullyConnected takes weights [out, in] = B^T, and a bias [out] when C
    // is constant and has one value per column (or one for all).
    int weights = InSource(node, 1);
    if (!transpose_b) weights = Transpose(weights, {1, 0}, Name(node, "weights"));
    if (alpha != 1.0f) {
      weights = Binary(OpCode::MUL, weights, ScalarFloat(Name(node, "alpha"), alpha),
                       Name(node, "weights_scaled"));
    }
    int bias = -1;
    if (c >= 0 && T(c).constant) {
      const std::vector<int32_t> shape = T(c).shape;
      const int64_t count = Product(shape, 0, shape.size());
      const bool per_column = (count == 1 && shape.size() <= 2) ||
                              (count == columns && !shape.empty() && shape.back() == columns);
      if (per_column) {
        const int zeros =
            Constant<float>(Name(node, "zeros"), {columns}, std::vector<float>(columns, 0.0f));
        bias = Binary(OpCode::ADD, zeros,
                      Reshape(c, {static_cast<int32_t>(count)}, Name(node, "c_flat")),
                      Name(node, "bias"));
      }
    }
    int output = Emit(OpCode::FULLY_CONNECTED, {a, weights, bias}, TensorType::FLOAT32,
                      c >= 0 && bias < 0 ? Name(node, "product") : Name(node),
                      Options(schema::FullyConnectedOptionsT()));
    if (c >= 0 && bias < 0) output = Binary(OpCode::ADD, output, c, Name(node));
    DefineSource(node, 0, output);
    return;
  }
  int b = InSource(node, 1);
  if (transpose_b) b = Transpose(b, {1, 0}, Name(node, "b_t"));
  const bool scaled = alpha != 1.0f;
  int output = Emit(OpCode::BATCH_MATMUL, {a, b}, TensorType::FLOAT32,
                    scaled || c >= 0 ? Name(node, "product") : Name(node));
  if (scaled) {
    output = Binary(OpCode::MUL, output, ScalarFloat(Name(node, "alpha"), alpha),
                    c >= 0 ? Name(node, "scaled") : Name(node));
  }
  if (c >= 0) output = Binary(OpCode::ADD, output, c, Name(node));
  DefineSource(node, 0, output);
}

void Importer::MatMul(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  const std::vector<int32_t> a_shape = In(node, 0).shape;
  const std::vector<int32_t> b_shape = In(node, 1).shape;
  if (a_shape.empty() || b_shape.empty()) Fail(node, "operands must have rank 1 or more");
  int a = InSource(node, 0);
  int b = InSource(node, 1);
  // Numpy's rules for 1-D operands: a vector is a row on the left and a
  // column on the right, and that dim is dropped from the result.
  const bool a_vector = a_shape.size() == 1;
  const bool b_vector = b_shape.size() == 1;
  if (a_vector) a = Reshape(a, {1, a_shape[0]}, Name(node, "a_row"));
  if (b_vector) b = Reshape(b, {b_shape[0], 1}, Name(node, "b_column"));
  std::vector<int32_t> result_shape;
  int output = -1;
  if (IsConstant(In(node, 1)) && T(b).shape.size() == 2) {
    const int weights = Transpose(b, {1, 0}, Name(node, "weights"));
    schema::FullyConnectedOptionsT options;
    options.keep_num_dims = T(a).shape.size() > 2;
    output = Emit(OpCode::FULLY_CONNECTED, {a, weights, -1}, TensorType::FLOAT32,
                  Name(node, "product"), Options(options));
  } else {
    output = Emit(OpCode::BATCH_MATMUL, {a, b}, TensorType::FLOAT32, Name(node, "product"));
  }
  result_shape = T(output).shape;
  if (a_vector) result_shape.erase(result_shape.end() - 2);
  if (b_vector) result_shape.erase(result_shape.end() - 1);
  if (result_shape != T(output).shape) output = Reshape(output, result_shape, Name(node));
  DefineSource(node, 0, output);
}

// ---- pools ----

void Importer::Pool(Node& node) {
  const bool max = node.op_type() == "MaxPool";
  RequireType(node, 0, {TensorType::FLOAT32});
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  const int rank = static_cast<int>(x_shape.size());
  if (rank == 5) Unsupported("3-D pooling");
  if (rank != 3 && rank != 4) {
    Fail(node, "input must be rank 3 or 4, is rank " + std::to_string(rank));
  }
  if (max && node.HasOutput(1)) Unsupported("the Indices output");
  const size_t spatial = rank - 2;
  const std::vector<int64_t> kernel_attr = node.Ints("kernel_shape");
  if (kernel_attr.size() != spatial) {
    Fail(node, "kernel_shape must have one value per spatial axis");
  }
  std::vector<int32_t> kernel;
  for (int64_t k : kernel_attr) {
    if (k < 1 || k > (1 << 28)) Fail(node, "kernel_shape out of range");
    kernel.push_back(static_cast<int32_t>(k));
  }
  const bool ceil_mode = node.Int("ceil_mode", 0) != 0;
  bool count_include_pad = false;
  if (max) {
    node.Int("storage_order", 0);  // the layout of the Indices output only
  } else {
    count_include_pad = node.Int("count_include_pad", 0) != 0;
  }
  Windows windows = ReadWindows(*this, node, x_shape, kernel, /*read_dilations=*/max);

  // Ember's pools leave padded cells out, as ONNX's MaxPool (padding with
  // -inf) and AveragePool without count_include_pad do. With it, the padding
  // becomes real zeros first. ceil_mode's extra window positions then get
  // padding of Ember's kind at the end, which ONNX does not count either.
  int input = InChannelsLast(node, 0);
  const int32_t batch = x_shape[0];
  const int32_t channels = x_shape[1];
  if (rank == 3) input = Reshape(input, {batch, 1, x_shape[2], channels}, Name(node, "as_2d"));
  // ceil_mode (with explicit pads; auto_pad fixes the output size) adds
  // window positions whose cells past the padded input ONNX does not count:
  // extra padding of Ember's kind at the end. As in PyTorch, the last window
  // must start inside the input or its leading padding.
  int32_t ceil_extra[2] = {0, 0};
  if (ceil_mode && windows.explicit_attribute) {
    for (int a = 0; a < 2; ++a) {
      const WindowAxis& axis = windows.axes[a];
      const int32_t extent = (axis.kernel - 1) * axis.dilation + 1;
      const int32_t span = axis.input + axis.pad_before + axis.pad_after - extent;
      if (span < 0) Fail(node, "the window is larger than the padded input");
      int32_t output = (span + axis.stride - 1) / axis.stride + 1;
      if ((output - 1) * axis.stride >= axis.input + axis.pad_before) --output;
      ceil_extra[a] = std::max(
          (output - 1) * axis.stride + extent - (axis.input + axis.pad_before + axis.pad_after), 0);
    }
  }
  if (windows.axes[0].dilation > 1 || windows.axes[1].dilation > 1) {
    // Ember's pools have no dilation: the maximum over the window's taps,
    // each a strided slice of the input padded with -inf.
    const int32_t taps = windows.axes[0].kernel * windows.axes[1].kernel;
    if (taps > 64) Unsupported("dilated windows of more than 64 cells");
    int32_t before[2], after[2], outputs[2];
    for (int a = 0; a < 2; ++a) {
      const WindowAxis& axis = windows.axes[a];
      before[a] = windows.valid ? 0 : axis.pad_before;
      after[a] = (windows.valid ? 0 : axis.pad_after) + ceil_extra[a];
      const int32_t span =
          axis.input + before[a] + after[a] - ((axis.kernel - 1) * axis.dilation + 1);
      if (span < 0) Fail(node, "the window is larger than the padded input");
      outputs[a] = span / axis.stride + 1;
    }
    if (before[0] + after[0] + before[1] + after[1] > 0) {
      schema::PadOptionsT pad;
      pad.paddings = {0, 0, before[0], after[0], before[1], after[1], 0, 0};
      pad.constant_value = -std::numeric_limits<float>::infinity();
      input = Emit(OpCode::PAD, {input}, TensorType::FLOAT32, Name(node, "padded"), Options(pad));
    }
    int output = -1;
    for (int32_t i = 0; i < windows.axes[0].kernel; ++i) {
      for (int32_t j = 0; j < windows.axes[1].kernel; ++j) {
        const int32_t top = i * windows.axes[0].dilation;
        const int32_t left = j * windows.axes[1].dilation;
        schema::StridedSliceOptionsT tap;
        tap.begin = {0, top, left, 0};
        tap.end = {batch, top + (outputs[0] - 1) * windows.axes[0].stride + 1,
                   left + (outputs[1] - 1) * windows.axes[1].stride + 1, channels};
        tap.strides = {1, windows.axes[0].stride, windows.axes[1].stride, 1};
        const std::string name = Name(node, "tap" + std::to_string(i) + "_" + std::to_string(j));
        const int slice =
            Emit(OpCode::STRIDED_SLICE, {input}, TensorType::FLOAT32, name, Options(tap));
        output = output < 0 ? slice : Binary(OpCode::MAXIMUM, output, slice, name + "/max");
      }
    }
    if (rank == 3) output = Reshape(output, {batch, outputs[1], channels}, Name(node));
    DefineChannelsLast(node, 0, output);
    return;
  }
  const bool padded =
      !windows.valid &&
      std::any_of(std::begin(windows.axes), std::end(windows.axes), [](const WindowAxis& axis) {
        return axis.pad_before != 0 || axis.pad_after != 0;
      });
  if (count_include_pad && padded) {
    schema::PadOptionsT pad;
    pad.paddings = {0,
                    0,
                    windows.axes[0].pad_before,
                    windows.axes[0].pad_after,
                    windows.axes[1].pad_before,
                    windows.axes[1].pad_after,
                    0,
                    0};
    input = Emit(OpCode::PAD, {input}, TensorType::FLOAT32, Name(node, "padded"), Options(pad));
    for (WindowAxis& axis : windows.axes) {
      axis.input += axis.pad_before + axis.pad_after;
      axis.pad_before = axis.pad_after = 0;
    }
    windows.explicit_pads = false;
    windows.same_upper = false;
  }
  for (int a = 0; a < 2; ++a) {
    if (ceil_extra[a] == 0) continue;
    windows.axes[a].pad_after += ceil_extra[a];
    windows.explicit_pads = true;
  }
  schema::Pool2DOptionsT options;
  options.padding = EmberPadding(windows, &options.explicit_padding);
  options.stride_h = windows.axes[0].stride;
  options.stride_w = windows.axes[1].stride;
  options.filter_h = windows.axes[0].kernel;
  options.filter_w = windows.axes[1].kernel;
  int output =
      Emit(max ? OpCode::MAX_POOL_2D : OpCode::AVERAGE_POOL_2D, {input}, TensorType::FLOAT32,
           rank == 3 ? Name(node, "2d") : Name(node), Options(options));
  if (rank == 3) {
    const std::vector<int32_t> shape = T(output).shape;
    output = Reshape(output, {shape[0], shape[2], shape[3]}, Name(node));
  }
  DefineChannelsLast(node, 0, output);
}

void Importer::GlobalPool(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  const int rank = In(node, 0).rank();
  if (rank < 3) Fail(node, "input must have spatial dims");
  schema::ReducerOptionsT options;
  for (int d = 1; d + 1 < rank; ++d) options.axes.push_back(d);
  options.keep_dims = true;
  const OpCode code = node.op_type() == "GlobalMaxPool" ? OpCode::REDUCE_MAX : OpCode::MEAN;
  DefineChannelsLast(
      node, 0,
      Emit(code, {InChannelsLast(node, 0)}, TensorType::FLOAT32, Name(node), Options(options)));
}

// ---- normalizations ----

namespace {

// Per-channel tensors (scale, bias, mean, variance) must be [C].
void CheckPerChannel(Importer& importer, Node& node, int slot, int32_t channels) {
  if (importer.In(node, slot).shape != std::vector<int32_t>{channels}) {
    importer.Fail(node, "input " + std::to_string(slot) + " must be [C] = [" +
                            std::to_string(channels) + "]");
  }
}

}  // namespace

void Importer::BatchNormalization(Node& node) {
  for (int slot = 0; slot < 5; ++slot) RequireType(node, slot, {TensorType::FLOAT32});
  const float epsilon = node.Float("epsilon", 1e-5f);
  node.Ignore("momentum");
  if (opset() < 6) node.Ignore("consumed_inputs");
  if (opset() < 7) node.Ignore("is_test");
  if (opset() < 9 && node.Int("spatial", 1) != 1) {
    Unsupported("spatial = 0 (per-element statistics)");
  }
  if (node.Int("training_mode", 0) != 0) Unsupported("training mode");
  for (int slot = 1; slot < 5; ++slot) {
    if (node.HasOutput(slot)) Unsupported("the training outputs (running and saved statistics)");
  }
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  if (x_shape.size() < 2) Fail(node, "input must be [N, C, ...]");
  for (int slot = 1; slot < 5; ++slot) CheckPerChannel(*this, node, slot, x_shape[1]);
  const int input = InChannelsLast(node, 0);
  // (x - mean) * scale / sqrt(var + eps) + bias, as ONNX writes it: the Sub,
  // Mul and Add fold into a preceding convolution, and standing alone they
  // keep the reference's accuracy where x is close to the mean.
  const int var_eps = Binary(OpCode::ADD, InSource(node, 4),
                             ScalarFloat(Name(node, "epsilon"), epsilon), Name(node, "var_eps"));
  const int inv_std = Emit(OpCode::RSQRT, {var_eps}, TensorType::FLOAT32, Name(node, "inv_std"));
  const int scale = Binary(OpCode::MUL, InSource(node, 1), inv_std, Name(node, "scale"));
  const int centered = Binary(OpCode::SUB, input, InSource(node, 3), Name(node, "centered"));
  const int scaled = Binary(OpCode::MUL, centered, scale, Name(node, "scaled"));
  DefineChannelsLast(node, 0, Binary(OpCode::ADD, scaled, InSource(node, 2), Name(node)));
}

namespace {

struct Normalized {
  int mean;
  int inv_std;
  int normalized;
};

// (x - mean) / sqrt(var + eps) over `axes` of `input`, with the statistics
// (their `axes` kept as size 1).
Normalized Normalize(Importer& importer, Node& node, int input, const std::vector<int32_t>& axes,
                     float epsilon) {
  schema::ReducerOptionsT reducer;
  reducer.axes = axes;
  reducer.keep_dims = true;
  Normalized result;
  result.mean = importer.Emit(OpCode::MEAN, {input}, TensorType::FLOAT32,
                              importer.Name(node, "mean"), Options(reducer));
  const int centered =
      importer.Binary(OpCode::SUB, input, result.mean, importer.Name(node, "centered"));
  const int squared =
      importer.Binary(OpCode::MUL, centered, centered, importer.Name(node, "squared"));
  const int variance = importer.Emit(OpCode::MEAN, {squared}, TensorType::FLOAT32,
                                     importer.Name(node, "variance"), Options(reducer));
  const int var_eps = importer.Binary(OpCode::ADD, variance,
                                      importer.ScalarFloat(importer.Name(node, "epsilon"), epsilon),
                                      importer.Name(node, "var_eps"));
  result.inv_std =
      importer.Emit(OpCode::RSQRT, {var_eps}, TensorType::FLOAT32, importer.Name(node, "inv_std"));
  result.normalized =
      importer.Binary(OpCode::MUL, centered, result.inv_std, importer.Name(node, "normalized"));
  return result;
}

}  // namespace

void Importer::InstanceNormalization(Node& node) {
  for (int slot = 0; slot < 3; ++slot) RequireType(node, slot, {TensorType::FLOAT32});
  if (opset() < 6) node.Ignore("consumed_inputs");
  const float epsilon = node.Float("epsilon", 1e-5f);
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  const int rank = static_cast<int>(x_shape.size());
  if (rank < 3) Fail(node, "input must be [N, C, D1, ...]");
  CheckPerChannel(*this, node, 1, x_shape[1]);
  CheckPerChannel(*this, node, 2, x_shape[1]);
  std::vector<int32_t> spatial;
  for (int d = 1; d + 1 < rank; ++d) spatial.push_back(d);
  const int normalized =
      Normalize(*this, node, InChannelsLast(node, 0), spatial, epsilon).normalized;
  const int scaled = Binary(OpCode::MUL, normalized, InSource(node, 1), Name(node, "scaled"));
  DefineChannelsLast(node, 0, Binary(OpCode::ADD, scaled, InSource(node, 2), Name(node)));
}

void Importer::LayerNormalization(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  RequireType(node, 1, {TensorType::FLOAT32});
  const float epsilon = node.Float("epsilon", 1e-5f);
  node.Ignore("stash_type");  // the precision of the statistics; Ember's are float32
  const int rank = In(node, 0).rank();
  const int32_t axis = Axis(node, node.Int("axis", -1), rank);
  std::vector<int32_t> axes;
  for (int d = axis; d < rank; ++d) axes.push_back(d);
  const Normalized normalized = Normalize(*this, node, InSource(node, 0), axes, epsilon);
  int output = Binary(OpCode::MUL, normalized.normalized, InSource(node, 1),
                      node.HasInput(2) ? Name(node, "scaled") : Name(node));
  if (node.HasInput(2)) {
    RequireType(node, 2, {TensorType::FLOAT32});
    output = Binary(OpCode::ADD, output, InSource(node, 2), Name(node));
  }
  DefineSource(node, 0, output);
  DefineSource(node, 1, normalized.mean);
  DefineSource(node, 2, normalized.inv_std);
}

void Importer::MeanVarianceNormalization(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  Value& x = In(node, 0);
  const int rank = x.rank();
  std::vector<int32_t> axes;
  for (int64_t axis : node.Ints("axes", {0, 2, 3})) axes.push_back(Axis(node, axis, rank));
  // As ONNX's function body: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
  const bool channels_last = HasChannelsLast(x);
  if (channels_last) {
    for (int32_t& a : axes) a = ChannelsLastAxis(a, rank);
  }
  const int input = channels_last ? x.channels_last : Source(x);
  schema::ReducerOptionsT reducer;
  reducer.axes = axes;
  reducer.keep_dims = true;
  const int mean =
      Emit(OpCode::MEAN, {input}, TensorType::FLOAT32, Name(node, "mean"), Options(reducer));
  const int mean_squared = Binary(OpCode::MUL, mean, mean, Name(node, "mean_squared"));
  const int squared = Binary(OpCode::MUL, input, input, Name(node, "squared"));
  const int squared_mean = Emit(OpCode::MEAN, {squared}, TensorType::FLOAT32,
                                Name(node, "squared_mean"), Options(reducer));
  const int variance = Binary(OpCode::SUB, squared_mean, mean_squared, Name(node, "variance"));
  const int deviation =
      Emit(OpCode::SQRT, {variance}, TensorType::FLOAT32, Name(node, "deviation"));
  const int denominator = Binary(OpCode::ADD, deviation, ScalarFloat(Name(node, "epsilon"), 1e-9f),
                                 Name(node, "denominator"));
  const int centered = Binary(OpCode::SUB, input, mean, Name(node, "centered"));
  DefineInLayout(node, 0, Binary(OpCode::DIV, centered, denominator, Name(node)), channels_last);
}

// ---- softmax and reductions ----

void Importer::Softmax(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32});
  Value& x = In(node, 0);
  const int rank = x.rank();
  if (rank == 0) Fail(node, "input must have rank 1 or more");
  const int32_t axis = Axis(node, node.Int("axis", opset() >= 13 ? -1 : 1), rank);
  schema::SoftmaxOptionsT options;
  if (opset() >= 13 && axis == 1 && HasChannelsLast(x)) {
    // Over channels: the last dim of the channels-last form.
    DefineChannelsLast(node, 0,
                       Emit(OpCode::SOFTMAX, {x.channels_last}, TensorType::FLOAT32, Name(node),
                            Options(options)));
    return;
  }
  const std::vector<int32_t> shape = x.shape;
  int input = Source(x);
  if (axis == rank - 1) {
    DefineSource(node, 0,
                 Emit(OpCode::SOFTMAX, {input}, TensorType::FLOAT32, Name(node), Options(options)));
    return;
  }
  if (opset() < 13) {
    // Before opset 13 the input is read as a matrix [d0..d(axis-1),
    // d(axis)..] and each row normalized.
    const int32_t rows = static_cast<int32_t>(Product(shape, 0, axis));
    const int32_t columns = static_cast<int32_t>(Product(shape, axis, shape.size()));
    input = Reshape(input, {rows, columns}, Name(node, "rows"));
    const int output = Emit(OpCode::SOFTMAX, {input}, TensorType::FLOAT32, Name(node, "softmax"),
                            Options(options));
    DefineSource(node, 0, Reshape(output, shape, Name(node)));
    return;
  }
  // Another axis: swap it with the last, normalize, swap back.
  std::vector<int32_t> perm(rank);
  for (int d = 0; d < rank; ++d) perm[d] = d;
  std::swap(perm[axis], perm[rank - 1]);
  input = Transpose(input, perm, Name(node, "axis_last"));
  const int output =
      Emit(OpCode::SOFTMAX, {input}, TensorType::FLOAT32, Name(node, "softmax"), Options(options));
  DefineSource(node, 0, Transpose(output, perm, Name(node)));
}

void Importer::Reduce(Node& node) {
  const std::string& op = node.op_type();
  if (op == "ReduceSum" || op == "ReduceMax") {
    RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32});
  } else {
    RequireType(node, 0, {TensorType::FLOAT32});
  }
  Value& x = In(node, 0);
  const int rank = x.rank();
  // Axes are an input since ReduceSum-13 (the other reductions: opset 18),
  // an attribute before.
  std::vector<int64_t> axes = node.HasInput(1) ? ConstInts(node, 1, "the axes") : node.Ints("axes");
  const bool keep_dims = node.Int("keepdims", 1) != 0;
  const bool noop_without_axes = node.Int("noop_with_empty_axes", 0) != 0;
  if (axes.empty()) {
    if (noop_without_axes) {
      DefineValue(node, 0, x);
      return;
    }
    for (int d = 0; d < rank; ++d) axes.push_back(d);
  }
  std::vector<int32_t> source_axes;
  for (int64_t axis : axes) {
    const int32_t a = Axis(node, axis, rank);
    if (std::find(source_axes.begin(), source_axes.end(), a) != source_axes.end()) {
      Fail(node, "axis " + std::to_string(a) + " is listed twice");
    }
    source_axes.push_back(a);
  }
  // Channels-last input: reduce the same dims there. Without keepdims the
  // survivors keep channels-last order, which is ONNX's order only when the
  // channels go or everything after them does.
  bool channels_last = HasChannelsLast(x);
  std::vector<int32_t> reduce_axes = source_axes;
  if (channels_last) {
    for (int32_t& a : reduce_axes) a = ChannelsLastAxis(a, rank);
    if (!keep_dims) {
      std::vector<int32_t> survivors;
      for (int32_t d : ToChannelsLast(rank)) {
        if (std::find(source_axes.begin(), source_axes.end(), d) == source_axes.end()) {
          survivors.push_back(d);
        }
      }
      if (!std::is_sorted(survivors.begin(), survivors.end())) {
        channels_last = false;
        reduce_axes = source_axes;
      }
    }
  }
  int input = channels_last ? x.channels_last : Source(x);
  const TensorType type = x.type;
  if (op == "ReduceSumSquare" || op == "ReduceL2") {
    input = Binary(OpCode::MUL, input, input, Name(node, "squared"));
  } else if (op == "ReduceL1") {
    const int negated = Emit(OpCode::NEG, {input}, type, Name(node, "negated"));
    input = Binary(OpCode::MAXIMUM, input, negated, Name(node, "abs"));
  }
  static const std::map<std::string, OpCode> codes = {
      {"ReduceMean", OpCode::MEAN},      {"ReduceSum", OpCode::SUM},
      {"ReduceMax", OpCode::REDUCE_MAX}, {"ReduceSumSquare", OpCode::SUM},
      {"ReduceL1", OpCode::SUM},         {"ReduceL2", OpCode::SUM}};
  schema::ReducerOptionsT options;
  options.axes = reduce_axes;
  options.keep_dims = keep_dims;
  int output = Emit(codes.at(op), {input}, type, op == "ReduceL2" ? Name(node, "sum") : Name(node),
                    Options(options));
  if (op == "ReduceL2") output = Emit(OpCode::SQRT, {output}, type, Name(node));
  if (channels_last && keep_dims) {
    DefineChannelsLast(node, 0, output);
  } else {
    DefineSource(node, 0, output);
  }
}

void Importer::ArgMinMax(Node& node) {
  RequireType(node, 0, {TensorType::FLOAT32, TensorType::INT32});
  Value& x = In(node, 0);
  schema::ArgMinMaxOptionsT options;
  options.axis = Axis(node, node.Int("axis", 0), x.rank());
  options.keep_dims = node.Int("keepdims", 1) != 0;
  options.select_last_index = node.Int("select_last_index", 0) != 0;
  const OpCode code = node.op_type() == "ArgMax" ? OpCode::ARG_MAX : OpCode::ARG_MIN;
  // The axis is ONNX's, so the kernel reads the input in ONNX's layout.
  DefineSource(node, 0,
               Emit(code, {Source(x)}, TensorType::INT64, Name(node), Options(options)));
}

// ---- resize ----

namespace {

// ONNX's source coordinate of output index `i` along an axis (Resize's
// coordinate_transformation_mode), with `scale` = output / input as ONNX
// uses it (the given scale, or the size ratio).
double OnnxSourceCoordinate(const std::string& mode, int32_t i, int32_t in, int32_t out,
                            double scale) {
  if (mode == "half_pixel") return (i + 0.5) / scale - 0.5;
  if (mode == "pytorch_half_pixel") return out > 1 ? (i + 0.5) / scale - 0.5 : -0.5;
  if (mode == "align_corners") {
    const double out_extent = scale * in;
    return out_extent == 1.0 ? 0.0 : i * (in - 1) / (out_extent - 1.0);
  }
  if (mode == "tf_half_pixel_for_nn") return (i + 0.5) / scale;
  return i / scale;  // asymmetric
}

int32_t OnnxNearest(double x, const std::string& nearest_mode, int32_t in) {
  double index = 0;
  const double lower = std::floor(x);
  const double ratio = x - lower;
  if (ratio == 0.0) {
    index = x;
  } else if (nearest_mode == "floor") {
    index = lower;
  } else if (nearest_mode == "ceil") {
    index = lower + 1;
  } else if (nearest_mode == "round_prefer_ceil") {
    index = ratio < 0.5 ? lower : lower + 1;
  } else {  // round_prefer_floor
    index = ratio <= 0.5 ? lower : lower + 1;
  }
  return static_cast<int32_t>(std::min<double>(std::max<double>(index, 0), in - 1));
}

// Whether Ember's resize with these flags samples every output index of an
// axis where ONNX does: the same pixel (nearest), or the same coordinate up
// to float rounding (linear; coordinates past either edge all read the edge).
bool SamplesLikeOnnx(bool linear, bool align_corners, bool half_pixel_centers,
                     const std::string& mode, const std::string& nearest_mode, int32_t in,
                     int32_t out, double scale) {
  const float ember_scale = (align_corners && out > 1)
                                ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                : static_cast<float>(in) / static_cast<float>(out);
  for (int32_t i = 0; i < out; ++i) {
    const double onnx = OnnxSourceCoordinate(mode, i, in, out, scale);
    if (linear) {
      const float ember = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * ember_scale - 0.5f
                                             : static_cast<float>(i) * ember_scale;
      const bool both_low = onnx <= 0 && ember <= 0;
      const bool both_high = onnx >= in - 1 && ember >= in - 1;
      if (!both_low && !both_high &&
          std::fabs(onnx - ember) > 1e-5 * std::max(1.0, std::fabs(onnx))) {
        return false;
      }
    } else {
      const float x = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * ember_scale
                                         : static_cast<float>(i) * ember_scale;
      const float picked = align_corners ? std::round(x) : std::floor(x);
      const int32_t ember = std::min(static_cast<int32_t>(picked), in - 1);
      if (ember != OnnxNearest(onnx, nearest_mode, in)) return false;
    }
  }
  return true;
}

}  // namespace

void Importer::Resize(Node& node) {
  const bool upsample = node.op_type() == "Upsample";
  RequireType(node, 0, {TensorType::FLOAT32});
  const std::vector<int32_t> x_shape = In(node, 0).shape;
  std::string mode = node.String("mode", "nearest");
  if (mode == "bilinear") mode = "linear";  // Upsample-1's name
  // Upsample and Resize-10 sample at x / scale, nearest rounding down.
  std::string coordinates = "asymmetric";
  std::string nearest_mode = "floor";
  std::vector<float> scales;
  std::vector<int64_t> sizes;
  if (upsample && opset() < 9) {
    scales = node.Floats("scales");
    if (opset() < 7) {
      Unsupported("Upsample-1's height_scale and width_scale");
    }
  } else if (upsample || opset() < 11) {
    scales = ConstFloats(node, 1, "the scales");
  } else {
    coordinates = node.String("coordinate_transformation_mode", "half_pixel");
    nearest_mode = node.String("nearest_mode", "round_prefer_floor");
    node.Float("cubic_coeff_a", -0.75f);  // cubic only
    if (node.Int("exclude_outside", 0) != 0 && mode == "cubic") Unsupported("exclude_outside");
    node.Float("extrapolation_value", 0.0f);  // tf_crop_and_resize only
    if (node.HasInput(3)) {
      sizes = ConstInts(node, 3, "the sizes");
    } else if (node.HasInput(2) && In(node, 2).rank() > 0 && In(node, 2).shape[0] > 0) {
      scales = ConstFloats(node, 2, "the scales");
    } else {
      Fail(node, "needs scales or sizes");
    }
  }
  if (mode == "cubic") Unsupported("cubic interpolation");
  if (mode != "nearest" && mode != "linear") {
    Fail(node, "mode '" + mode + "' is not nearest, linear or cubic");
  }
  if (coordinates == "tf_crop_and_resize") {
    Unsupported("coordinate_transformation_mode tf_crop_and_resize");
  }
  const int rank = static_cast<int>(x_shape.size());
  if (rank != 4) {
    Unsupported("resizing a rank-" + std::to_string(rank) + " tensor (Ember resizes 4-D images)");
  }
  std::vector<int32_t> out_shape(4);
  std::vector<double> axis_scale(4);
  if (!sizes.empty()) {
    if (sizes.size() != 4) Fail(node, "sizes must have 4 values");
    for (int d = 0; d < 4; ++d) {
      if (sizes[d] < 1 || sizes[d] > INT32_MAX) Fail(node, "sizes out of range");
      out_shape[d] = static_cast<int32_t>(sizes[d]);
      axis_scale[d] = static_cast<double>(out_shape[d]) / x_shape[d];
    }
  } else {
    if (scales.size() != 4) Fail(node, "scales must have 4 values");
    for (int d = 0; d < 4; ++d) {
      if (!(scales[d] > 0) || scales[d] * x_shape[d] > INT32_MAX) Fail(node, "scales out of range");
      axis_scale[d] = scales[d];
      out_shape[d] = static_cast<int32_t>(std::floor(static_cast<double>(x_shape[d]) * scales[d]));
    }
  }
  if (out_shape[0] != x_shape[0] || out_shape[1] != x_shape[1]) {
    Unsupported("resizing the batch or channel dims");
  }
  if (out_shape[2] < 1 || out_shape[3] < 1) Fail(node, "the output would be empty");
  CheckSize(node, out_shape, kMaxElements, "the resized output");
  const bool linear = mode == "linear";
  struct Flags {
    bool align_corners;
    bool half_pixel_centers;
  };
  const Flags candidates[] = {{false, false}, {false, true}, {true, false}};
  const Flags* chosen = nullptr;
  for (const Flags& flags : candidates) {
    bool all = true;
    for (int d = 2; d < 4 && all; ++d) {
      all = SamplesLikeOnnx(linear, flags.align_corners, flags.half_pixel_centers, coordinates,
                            nearest_mode, x_shape[d], out_shape[d], axis_scale[d]);
    }
    if (all) {
      chosen = &flags;
      break;
    }
  }
  if (chosen == nullptr) {
    Unsupported("coordinate_transformation_mode " + coordinates +
                (linear ? std::string() : " with nearest_mode " + nearest_mode) +
                " at these sizes (no Ember resize samples the same points)");
  }
  schema::ResizeOptionsT options;
  options.align_corners = chosen->align_corners;
  options.half_pixel_centers = chosen->half_pixel_centers;
  const int output = EmitShaped(linear ? OpCode::RESIZE_BILINEAR : OpCode::RESIZE_NEAREST_NEIGHBOR,
                                {InChannelsLast(node, 0)}, TensorType::FLOAT32,
                                {out_shape[0], out_shape[2], out_shape[3], out_shape[1]},
                                Name(node), Options(options));
  DefineChannelsLast(node, 0, output);
}

// ---- depth and space ----

void Importer::DepthToSpace(Node& node) {
  const std::vector<int32_t> shape = In(node, 0).shape;
  if (shape.size() != 4) Fail(node, "input must be rank 4");
  const int64_t block = node.Int("blocksize", 0);
  const std::string mode = node.String("mode", "DCR");
  if (block < 1 || block > shape[1] || shape[1] % (block * block) != 0) {
    Fail(node, "blocksize must divide the channels by its square");
  }
  if (mode != "DCR" && mode != "CRD") Fail(node, "mode '" + mode + "' is not DCR or CRD");
  const int32_t b = static_cast<int32_t>(block);
  const int32_t n = shape[0], c = shape[1] / (b * b), h = shape[2], w = shape[3];
  // Channels-last, DCR's channel index (i * b + j) * c + k is [b, b, c] and
  // CRD's (k * b + i) * b + j is [c, b, b]; both become [h, b, w, b, c].
  const bool dcr = mode == "DCR";
  int tensor =
      Reshape(InChannelsLast(node, 0),
              dcr ? std::vector<int32_t>{n, h, w, b, b, c} : std::vector<int32_t>{n, h, w, c, b, b},
              Name(node, "blocks"));
  tensor = Transpose(
      tensor, dcr ? std::vector<int32_t>{0, 1, 3, 2, 4, 5} : std::vector<int32_t>{0, 1, 4, 2, 5, 3},
      Name(node, "interleaved"));
  DefineChannelsLast(node, 0, Reshape(tensor, {n, h * b, w * b, c}, Name(node)));
}

void Importer::SpaceToDepth(Node& node) {
  const std::vector<int32_t> shape = In(node, 0).shape;
  if (shape.size() != 4) Fail(node, "input must be rank 4");
  const int64_t block = node.Int("blocksize", 0);
  if (block < 1 || block > shape[2] || block > shape[3] || shape[2] % block != 0 ||
      shape[3] % block != 0) {
    Fail(node, "blocksize must divide the height and width");
  }
  const int32_t b = static_cast<int32_t>(block);
  const int32_t n = shape[0], c = shape[1], h = shape[2] / b, w = shape[3] / b;
  // Output channel (i * b + j) * c + k: channels-last [h, w, b, b, c].
  int tensor = Reshape(InChannelsLast(node, 0), {n, h, b, w, b, c}, Name(node, "blocks"));
  tensor = Transpose(tensor, {0, 1, 3, 2, 4, 5}, Name(node, "gathered"));
  DefineChannelsLast(node, 0, Reshape(tensor, {n, h, w, b * b * c}, Name(node)));
}

}  // namespace ember::convert::onnx_import
