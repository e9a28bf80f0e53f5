// ember-convert: TensorFlow frozen graph, TensorFlow Lite or ONNX model ->
// Ember model.
//
//   ember-convert IN.pb|IN.tflite|IN.onnx -o OUT.ember [--inputs A,B] [--outputs X,Y]
//                 [--input-shape NAME=d0,d1,...]... [--io-layout nchw|nhwc]
//                 [--quantize fp16|int8-weights|int8|int16x8]
//                 [--calibrate [NAME=]FILE.npy]... [--calibration-method minmax|percentile|mse]
//                 [--io float|int8] [--report] [--c-array OUT.h [--c-name NAME]]
//
// Exit codes: 0 converted, 1 error, 2 unsupported ops. On any failure no
// output file is left behind (outputs are written to a temp file and renamed).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "converter/c_array.h"
#include "converter/convert.h"
#include "converter/error.h"

namespace {

using ember::convert::ConvertError;

void Usage() {
  std::cerr
      << "usage: ember-convert IN.pb|IN.tflite|IN.onnx -o OUT.ember [--inputs NAME,...] [--outputs NAME,...]\n"
         "         [--input-shape NAME=d0,d1,...]... [--io-layout nchw|nhwc]\n"
         "         [--quantize fp16|int8-weights|int8|int16x8]\n"
         "         [--calibrate [NAME=]FILE.npy]... [--calibration-method minmax|percentile|mse]\n"
         "         [--io float|int8] [--report] [--c-array OUT.h] [--c-name NAME]\n"
         "  --calibrate: one .npy per model input, holding one sample (the input's shape)\n"
         "               or N samples (N, then the input's shape); NAME= may be left out\n"
         "               when the model has one input. Needed by int8 and int16x8.\n"
         "  --report:    per-layer SQNR of the quantized model against float on the\n"
         "               calibration data, and the end-to-end output error.\n"
         "  --io-layout: ONNX only: 4-D model inputs and outputs stay NCHW as in the\n"
         "               model (nchw, the default) or become NHWC (nhwc), which saves\n"
         "               their transposes. --input-shape always takes the model's layout.\n";
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) parts.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::pair<std::string, std::vector<int32_t>> ParseInputShape(const std::string& text) {
  const size_t equals = text.rfind('=');
  if (equals == std::string::npos || equals == 0) {
    throw ConvertError("--input-shape '" + text + "': expected NAME=d0,d1,... (NAME= for a scalar)");
  }
  std::vector<int32_t> dims;
  for (const std::string& part : SplitCommas(text.substr(equals + 1))) {
    char* end = nullptr;
    const long value = std::strtol(part.c_str(), &end, 10);
    if (*end != '\0' || value < 0 || value > 0x7FFFFFFF) {
      throw ConvertError("--input-shape '" + text + "': '" + part + "' is not a dimension");
    }
    dims.push_back(static_cast<int32_t>(value));
  }
  return {text.substr(0, equals), dims};
}

void WriteAtomically(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp-ember";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      throw ConvertError("cannot write '" + path + "'");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw ConvertError("cannot write '" + path + "'");
  }
}

std::string StemOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

void PrintReport(const ember::convert::ConvertReport& report) {
  std::printf("source: %s, %zu bytes, %d nodes\n", report.source_format.c_str(),
              report.source_bytes, report.source_nodes);
  std::printf("passes (nodes after each):\n");
  for (const auto& step : report.steps) {
    std::printf("  %-26s %6d\n", step.name.c_str(), step.nodes_after);
  }
  std::printf("ops:");
  for (const auto& [op, count] : report.op_histogram) std::printf(" %s x%d", op.c_str(), count);
  std::printf("\nparameters: %lld\n", static_cast<long long>(report.parameters));
  std::printf("file size: %zu bytes -> %zu bytes\n", report.source_bytes, report.model_bytes);
  std::printf("planned arena: %zu bytes\n", report.arena_bytes);
  for (const std::string& note : report.notes) std::printf("note: %s\n", note.c_str());
  if (!report.quantization_table.empty()) std::printf("%s", report.quantization_table.c_str());
}

// Calibration progress on stderr, shown once a run has taken a second: a
// redrawn bar on a terminal, a line per quarter otherwise (logs).
class ProgressBar {
 public:
  void Update(int done, int total) {
    const auto now = std::chrono::steady_clock::now();
    if (done == 1 || start_ == std::chrono::steady_clock::time_point()) start_ = now;
    if (now - start_ < std::chrono::seconds(1) && done < total) return;
    if (now - start_ < std::chrono::seconds(1) && !shown_) return;
    shown_ = true;
    if (isatty(STDERR_FILENO)) {
      if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      constexpr int kWidth = 30;
      const int filled = total > 0 ? kWidth * done / total : kWidth;
      std::fprintf(stderr, "\rcalibrating [%s%s] %d/%d", std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '.').c_str(), done, total);
      if (done == total) std::fprintf(stderr, "\n");
    } else {
      const int quarter = total > 0 ? 4 * done / total : 4;
      if (quarter == last_quarter_) return;
      last_quarter_ = quarter;
      std::fprintf(stderr, "calibrating: %d/%d samples\n", done, total);
    }
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  int last_quarter_ = 0;
  bool shown_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::string input_path;
  std::string output_path;
  std::string c_array_path;
  std::string c_name;
  ember::convert::ConvertOptions options;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw ConvertError(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "-o" || arg == "--output") {
        output_path = value();
      } else if (arg == "--inputs") {
        options.inputs = SplitCommas(value());
      } else if (arg == "--outputs") {
        options.outputs = SplitCommas(value());
      } else if (arg == "--input-shape") {
        options.input_shapes.insert(ParseInputShape(value()));
      } else if (arg == "--quantize") {
        options.quantize = value();
      } else if (arg == "--calibrate") {
        const std::string text = value();
        const size_t equals = text.find('=');
        const std::string name = equals == std::string::npos ? "" : text.substr(0, equals);
        const std::string path = equals == std::string::npos ? text : text.substr(equals + 1);
        if (path.empty()) throw ConvertError("--calibrate '" + text + "': expected [NAME=]FILE.npy");
        if (!options.calibration.emplace(name, path).second) {
          throw ConvertError("--calibrate: input '" + name + "' given twice");
        }
      } else if (arg == "--calibration-method") {
        options.calibration_method = value();
      } else if (arg == "--io") {
        const std::string io = value();
        if (io != "float" && io != "int8") {
          throw ConvertError("--io " + io + ": expected float or int8");
        }
        options.integer_io = io == "int8";
      } else if (arg == "--io-layout") {
        const std::string layout = value();
        if (layout != "nchw" && layout != "nhwc") {
          throw ConvertError("--io-layout " + layout + ": expected nchw or nhwc");
        }
        options.channels_last_io = layout == "nhwc";
      } else if (arg == "--report") {
        options.quantization_report = true;
      } else if (arg == "--c-array") {
        c_array_path = value();
      } else if (arg == "--c-name") {
        c_name = value();
      } else if (arg == "-h" || arg == "--help") {
        Usage();
        return 0;
      } else if (!arg.empty() && arg[0] == '-') {
        throw ConvertError("unknown option '" + arg + "'");
      } else if (input_path.empty()) {
        input_path = arg;
      } else {
        throw ConvertError("more than one input file ('" + input_path + "', '" + arg + "')");
      }
    }
    if (input_path.empty() || (output_path.empty() && c_array_path.empty())) {
      Usage();
      return 1;
    }
    ProgressBar progress;
    options.progress = [&progress](int done, int total) { progress.Update(done, total); };
    ember::convert::ConvertResult result = ember::convert::ConvertModel(input_path, options);
    {
      std::ifstream source(input_path, std::ios::binary | std::ios::ate);
      result.report.source_bytes = source ? static_cast<size_t>(source.tellg()) : 0;
    }
    const std::string bytes(result.model.begin(), result.model.end());
    if (!output_path.empty()) WriteAtomically(output_path, bytes);
    if (!c_array_path.empty()) {
      const std::string name = ember::convert::MakeIdentifier(c_name.empty() ? StemOf(c_array_path) : c_name);
      WriteAtomically(c_array_path, ember::convert::CArrayHeader(result.model, name, result.arena_bytes));
    }
    PrintReport(result.report);
    return 0;
  } catch (const ember::convert::UnsupportedOpsError& error) {
    std::cerr << "ember-convert: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "ember-convert: " << error.what() << "\n";
    return 1;
  }
}
