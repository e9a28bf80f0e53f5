// ember-run: runs an Ember model on .npy inputs and writes .npy outputs.
//
//   ember-run MODEL.ember --input NAME=FILE.npy ... [--output-dir DIR] [--repeat N]
//
// NAME is the input's name or its index. An input whose .npy shape differs
// from the model's is resized before planning (the kernels derive every other
// shape from it), except that a model with a dynamic batch runs inputs that
// differ only in their batch (1..max_batch) in its own plan with
// SetBatchSize. Prints the median Invoke latency and the arena bytes.
#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/growing_arena.h"
#include "tools/common/npy.h"
#include "tools/common/string_error_reporter.h"

namespace {

using ember::Status;
using ember::TensorType;

int Die(const std::string& message) {
  std::fprintf(stderr, "ember-run: %s\n", message.c_str());
  return 1;
}

std::string SanitizeName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) c = '_';
  }
  return out;
}

bool NpyTypeOf(TensorType type, ember::npy::DType* dtype) {
  switch (type) {
    case TensorType::FLOAT32: *dtype = ember::npy::DType::kFloat32; return true;
    case TensorType::FLOAT16: *dtype = ember::npy::DType::kFloat16; return true;
    case TensorType::INT8: *dtype = ember::npy::DType::kInt8; return true;
    case TensorType::UINT8: *dtype = ember::npy::DType::kUInt8; return true;
    case TensorType::INT16: *dtype = ember::npy::DType::kInt16; return true;
    case TensorType::INT32: *dtype = ember::npy::DType::kInt32; return true;
    case TensorType::INT64: *dtype = ember::npy::DType::kInt64; return true;
    case TensorType::BOOL: *dtype = ember::npy::DType::kBool; return true;
  }
  return false;
}

// Converts `array` to the bytes of a tensor of `type`; float inputs accept any
// numeric .npy, integer inputs accept any integer .npy whose values fit.
bool ToTensorBytes(const ember::npy::Array& array, TensorType type, std::vector<uint8_t>* bytes,
                   std::string* error) {
  ember::npy::DType wanted;
  if (!NpyTypeOf(type, &wanted)) return false;
  if (array.dtype == wanted) {
    *bytes = array.data;
    return true;
  }
  if (type == TensorType::FLOAT32) {
    std::vector<float> values;
    if (!ember::npy::ToFloat32(array, &values, error)) return false;
    bytes->resize(values.size() * 4);
    if (!values.empty()) std::memcpy(bytes->data(), values.data(), bytes->size());
    return true;
  }
  if (type == TensorType::INT32 && (array.dtype == ember::npy::DType::kInt64)) {
    const int64_t count = array.num_elements();
    bytes->resize(static_cast<size_t>(count) * 4);
    for (int64_t i = 0; i < count; ++i) {
      int64_t value;
      std::memcpy(&value, array.data.data() + 8 * i, 8);
      if (value < INT32_MIN || value > INT32_MAX) {
        *error = "value " + std::to_string(value) + " does not fit int32";
        return false;
      }
      const int32_t narrow = static_cast<int32_t>(value);
      std::memcpy(bytes->data() + 4 * i, &narrow, 4);
    }
    return true;
  }
  *error = std::string("the model input is ") + ember::TensorTypeName(type) + ", the file holds " +
           ember::npy::DescrOf(array.dtype);
  return false;
}

// A quantized (int8/int16) input given real values as a float .npy: the
// values are quantized with the input's own scale and zero point, as the
// firmware would before Invoke.
bool QuantizeFloatInput(const ember::npy::Array& array, const ember::TensorView& view,
                        std::vector<uint8_t>* bytes, std::string* error) {
  std::vector<float> values;
  if (!ember::npy::ToFloat32(array, &values, error)) return false;
  const ember::QuantParams params = view.quant();
  const bool int8 = view.type == TensorType::INT8;
  const double low = int8 ? -128.0 : -32768.0;
  const double high = int8 ? 127.0 : 32767.0;
  bytes->resize(values.size() * (int8 ? 1 : 2));
  for (size_t i = 0; i < values.size(); ++i) {
    const double q = std::clamp(
        static_cast<double>(std::round(values[i] / params.scale)) + params.zero_point, low, high);
    if (int8) {
      (*bytes)[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    } else {
      const auto narrow = static_cast<int16_t>(q);
      std::memcpy(bytes->data() + 2 * i, &narrow, 2);
    }
  }
  return true;
}

bool IsFloatArray(const ember::npy::Array& array) {
  return array.dtype == ember::npy::DType::kFloat32 || array.dtype == ember::npy::DType::kFloat64;
}

// The batch the .npy arrays hold when the model has a dynamic batch and each
// array has its input's declared shape except, for a batch-marked input, the
// batch dimension (leading, at batch b: b * declared / max_batch) with the
// same b for all; 0 otherwise.
int32_t DynamicBatchOf(const ember::Model& model, const std::vector<ember::npy::Array>& arrays) {
  const int32_t max_batch = model.root().max_batch();
  if (max_batch == 0) return 0;
  const ember::schema::Subgraph& subgraph = model.main_subgraph();
  int32_t batch = max_batch;
  bool batch_seen = false;
  for (size_t i = 0; i < arrays.size(); ++i) {
    const int32_t input = subgraph.inputs()->Get(static_cast<uint32_t>(i));
    const ember::schema::Tensor& declared = *subgraph.tensors()->Get(static_cast<uint32_t>(input));
    const std::vector<int64_t>& shape = arrays[i].shape;
    if (ember::TensorRank(declared) != shape.size()) return 0;
    for (uint32_t d = 0; d < shape.size(); ++d) {
      const int32_t dim = ember::TensorDim(declared, d);
      if (static_cast<int>(d) != declared.batch_dim() || d != 0) {
        if (shape[d] != dim) return 0;
        continue;
      }
      const int64_t per_row = dim / max_batch;
      if (shape[d] % per_row != 0) return 0;
      const int64_t rows = shape[d] / per_row;
      if (rows < 1 || rows > max_batch || (batch_seen && rows != batch)) return 0;
      batch = static_cast<int32_t>(rows);
      batch_seen = true;
    }
  }
  return batch;
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path;
  std::string output_dir = ".";
  int repeat = 1;
  std::vector<std::pair<std::string, std::string>> input_args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--input" || arg == "--output-dir" || arg == "--repeat") && i + 1 >= argc) {
      return Die(arg + " needs a value");
    }
    if (arg == "--input") {
      const std::string spec = argv[++i];
      const size_t equals = spec.find('=');
      if (equals == std::string::npos) return Die("--input '" + spec + "': expected NAME=FILE.npy");
      input_args.emplace_back(spec.substr(0, equals), spec.substr(equals + 1));
    } else if (arg == "--output-dir") {
      output_dir = argv[++i];
    } else if (arg == "--repeat") {
      repeat = std::atoi(argv[++i]);
      if (repeat < 1) return Die("--repeat needs a positive count");
    } else if (!arg.empty() && arg[0] == '-') {
      return Die("unknown option '" + arg + "'\nusage: ember-run MODEL.ember --input NAME=FILE.npy ... [--output-dir DIR] [--repeat N]");
    } else if (model_path.empty()) {
      model_path = arg;
    } else {
      return Die("more than one model given");
    }
  }
  if (model_path.empty()) {
    return Die("usage: ember-run MODEL.ember --input NAME=FILE.npy ... [--output-dir DIR] [--repeat N]");
  }

  std::ifstream file(model_path, std::ios::binary);
  if (!file) return Die("cannot read '" + model_path + "'");
  const std::vector<char> raw((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const ember::AlignedBuffer model_bytes(raw.data(), raw.size());
  ember::StringErrorReporter reporter;
  ember::Model model;
  if (ember::Model::Load(model_bytes.data(), model_bytes.size(), &reporter, &model) != Status::kOk) {
    return Die(model_path + ": " + reporter.message);
  }
  ember::OpResolver<256> resolver;
  ember::kernels::RegisterAllKernels(resolver);

  // Inputs: read every file first so errors come before any work.
  const auto* subgraph_inputs = model.main_subgraph().inputs();
  const size_t input_count = subgraph_inputs == nullptr ? 0 : subgraph_inputs->size();
  auto input_name = [&](size_t i) {
    return model.main_subgraph().tensors()->Get(subgraph_inputs->Get(static_cast<uint32_t>(i)))->name()->str();
  };
  std::vector<ember::npy::Array> arrays(input_count);
  std::vector<bool> given(input_count, false);
  for (const auto& [name, path] : input_args) {
    int index = -1;
    for (size_t i = 0; i < input_count; ++i) {
      if (input_name(i) == name) index = static_cast<int>(i);
    }
    if (index < 0 && !name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
      index = std::atoi(name.c_str());
      if (index >= static_cast<int>(input_count)) index = -1;
    }
    if (index < 0) {
      std::string known;
      for (size_t i = 0; i < input_count; ++i) known += (i ? ", " : "") + std::to_string(i) + "=" + input_name(i);
      return Die("no model input named '" + name + "' (inputs: " + known + ")");
    }
    std::string error;
    if (!ember::npy::ReadFile(path, &arrays[index], &error)) return Die(error);
    given[index] = true;
  }
  for (size_t i = 0; i < input_count; ++i) {
    if (!given[i]) return Die("input " + std::to_string(i) + " '" + input_name(i) + "' was not given (--input NAME=FILE.npy)");
  }

  const int32_t batch = DynamicBatchOf(model, arrays);
  const ember::schema::MemoryPlan* plan = model.root().plan();
  ember::ArenaInterpreter allocated;
  const Status status = ember::AllocateInGrowingArena(
      model, resolver, &reporter,
      [&](ember::Interpreter& interpreter) {
        for (size_t i = 0; i < input_count; ++i) {
          const ember::schema::Tensor& declared =
              *model.main_subgraph().tensors()->Get(subgraph_inputs->Get(static_cast<uint32_t>(i)));
          std::vector<int32_t> dims(arrays[i].shape.begin(), arrays[i].shape.end());
          bool same = ember::TensorRank(declared) == dims.size();
          for (uint32_t d = 0; same && d < dims.size(); ++d) same = ember::TensorDim(declared, d) == dims[d];
          if (same || batch > 0) continue;
          const Status resized = interpreter.ResizeInput(i, dims.data(), static_cast<int>(dims.size()));
          if (resized != Status::kOk) return resized;
        }
        return Status::kOk;
      },
      &allocated);
  if (status != Status::kOk) return Die(reporter.message);
  ember::Interpreter& interpreter = *allocated.interpreter;
  if (batch > 0) {
    if (interpreter.SetBatchSize(batch) != Status::kOk) return Die(reporter.message);
    std::printf("batch %d of max %d (no re-planning)\n", static_cast<int>(batch),
                static_cast<int>(interpreter.max_batch_size()));
  }

  for (size_t i = 0; i < input_count; ++i) {
    ember::TensorView view = interpreter.input(i);
    std::vector<uint8_t> bytes;
    std::string error;
    const bool quantize = (view.type == TensorType::INT8 || view.type == TensorType::INT16) &&
                          view.quantization != nullptr && IsFloatArray(arrays[i]);
    if (quantize) {
      if (!QuantizeFloatInput(arrays[i], view, &bytes, &error)) {
        return Die("input '" + input_name(i) + "': " + error);
      }
      std::printf("input %zu '%s': float values quantized to %s (scale %g, zero point %d)\n", i,
                  input_name(i).c_str(), ember::TensorTypeName(view.type),
                  static_cast<double>(view.quant().scale), static_cast<int>(view.quant().zero_point));
    } else if (!ToTensorBytes(arrays[i], view.type, &bytes, &error)) {
      return Die("input '" + input_name(i) + "': " + error);
    }
    if (bytes.size() != view.bytes()) {
      return Die("input '" + input_name(i) + "': " + std::to_string(bytes.size()) +
                 " bytes given, the model needs " + std::to_string(view.bytes()));
    }
    if (!bytes.empty()) std::memcpy(view.data, bytes.data(), bytes.size());
  }
  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    if (interpreter.Invoke() != Status::kOk) return Die(reporter.message);
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  for (size_t i = 0; i < interpreter.outputs_size(); ++i) {
    const ember::TensorView view = interpreter.output(i);
    ember::npy::Array array;
    NpyTypeOf(view.type, &array.dtype);
    array.shape.assign(view.dims, view.dims + view.rank);
    const auto* begin = static_cast<const uint8_t*>(view.data);
    array.data.assign(begin, begin + view.bytes());
    const std::string path = output_dir + "/" + SanitizeName(interpreter.output_name(i)) + ".npy";
    std::string error;
    if (!ember::npy::WriteFile(path, array, &error)) return Die(error);
    std::printf("output %zu '%s': %s %s -> %s\n", i, interpreter.output_name(i),
                ember::TensorTypeName(view.type), ember::npy::ShapeToString(array.shape).c_str(),
                path.c_str());
  }
  std::printf("latency: median %.3f ms over %d run(s)\n", times[times.size() / 2], repeat);
  std::printf("arena: %zu bytes used", interpreter.arena_used_bytes());
  if (plan != nullptr) std::printf(" (planned in file: %llu)", static_cast<unsigned long long>(plan->arena_bytes()));
  std::printf("\n");
  return 0;
}
