// ember-g2p: English words to ARPAbet phones with the g2p seq2seq model
// (examples/g2p/README.md), converted to Ember.
//
//   ember-g2p MODEL.ember [WORD...] [--words-file FILE] [--full-decode] [--ids]
//             [--batch N] [--record-calibration DIR] [--bench N]
//
// Prints one line per word in input order, `word → PHONES`. The words run in
// batches of up to 20 (the original predict()'s limit), each through the
// 20-call decode of ENCODING.md in the model's test data.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "examples/g2p/g2p.h"
#include "interpreter/interpreter.h"
#include "interpreter/model.h"
#include "kernels/kernels.h"
#include "tools/common/aligned_buffer.h"
#include "tools/common/growing_arena.h"
#include "tools/common/npy.h"
#include "tools/common/string_error_reporter.h"

namespace {

using ember::Status;
using ember::g2p::kMaxLength;

constexpr const char kUsage[] =
    "usage: ember-g2p MODEL.ember [WORD...] [--words-file FILE] [--full-decode] [--ids]\n"
    "                 [--batch N] [--record-calibration DIR] [--bench N] [--no-incremental]\n"
    "  --full-decode         always make the 20 model calls (no stop once every word has <EOS>)\n"
    "  --ids                 print `word<TAB>20 comma-separated ids` (implies --full-decode)\n"
    "  --words-file FILE     more words, one per line (words run in command-line order)\n"
    "  --batch N             at most N words per batch (default: 20, or the model's maximum if "
    "lower)\n"
    "  --record-calibration DIR\n"
    "                        write DIR/grapheme.npy and DIR/phoneme.npy, int32 [N,20]: the rows\n"
    "                        fed to every call, for ember-convert --calibrate\n"
    "  --bench N             time the whole 20-call decode of each batch N times and print\n"
    "                        the median instead of the phones\n"
    "  --no-incremental      run every op of the model in every call (by default a call\n"
    "                        recomputes only what its new input and the position it\n"
    "                        reads need: Interpreter::EnableIncrementalInvoke)\n";

int Die(const std::string& message) {
  std::fprintf(stderr, "ember-g2p: %s\n", message.c_str());
  return 1;
}

struct Options {
  std::string model_path;
  std::vector<std::string> words;
  bool full_decode = false;
  bool ids = false;
  int batch_limit = 20;
  std::string calibration_dir;
  int bench_repeats = 0;
  bool incremental = true;
};

bool ReadWordsFile(const std::string& path, std::vector<std::string>* words, std::string* error) {
  std::ifstream file(path);
  if (!file) {
    *error = "cannot read '" + path + "'";
    return false;
  }
  std::string line;
  while (std::getline(file, line)) {
    const size_t begin = line.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) continue;
    const size_t end = line.find_last_not_of(" \t\r\n");
    words->push_back(line.substr(begin, end - begin + 1));
  }
  return true;
}

bool ParsePositive(const char* text, int* value) {
  char* end = nullptr;
  const long parsed = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || parsed < 1 || parsed > 1000000) return false;
  *value = static_cast<int>(parsed);
  return true;
}

bool ParseArgs(int argc, char** argv, Options* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool takes_value = arg == "--words-file" || arg == "--batch" ||
                             arg == "--record-calibration" || arg == "--bench";
    if (takes_value && i + 1 >= argc) {
      *error = arg + " needs a value";
      return false;
    }
    if (arg == "--full-decode") {
      options->full_decode = true;
    } else if (arg == "--ids") {
      options->ids = true;
      options->full_decode = true;
    } else if (arg == "--words-file") {
      if (!ReadWordsFile(argv[++i], &options->words, error)) return false;
    } else if (arg == "--batch") {
      if (!ParsePositive(argv[++i], &options->batch_limit)) {
        *error = "--batch needs a positive count";
        return false;
      }
    } else if (arg == "--record-calibration") {
      options->calibration_dir = argv[++i];
    } else if (arg == "--bench") {
      if (!ParsePositive(argv[++i], &options->bench_repeats)) {
        *error = "--bench needs a positive count";
        return false;
      }
    } else if (arg == "--no-incremental") {
      options->incremental = false;
    } else if (arg == "-h" || arg == "--help") {
      *error = "";
      return false;
    } else if (arg.size() > 1 && arg[0] == '-') {
      *error = "unknown option '" + arg + "'";
      return false;
    } else if (options->model_path.empty()) {
      options->model_path = arg;
    } else {
      options->words.push_back(arg);
    }
  }
  if (options->model_path.empty() || options->words.empty()) {
    *error = options->model_path.empty() ? "no model given" : "no words given";
    return false;
  }
  return true;
}

// The model in an interpreter, its g2p tensors found by name, and how many
// rows one call computes.
class G2pRunner {
 public:
  G2pRunner(const ember::Model& model, bool incremental) : model_(model), incremental_(incremental) {
    ember::kernels::RegisterAllKernels(resolver_);
  }

  bool Init(std::string* error) {
    ember::ArenaInterpreter allocated;
    const Status status = ember::AllocateInGrowingArena(
        model_, resolver_, &reporter_,
        [&](ember::Interpreter& interpreter) {
          if (incremental_) interpreter.EnableIncrementalInvoke();
          return Status::kOk;
        },
        &allocated);
    if (status != Status::kOk) {
      *error = reporter_.message;
      return false;
    }
    arena_ = std::move(allocated.arena);
    interpreter_ = std::move(allocated.interpreter);
    grapheme_ = interpreter_->FindInput("grapheme");
    phoneme_ = interpreter_->FindInput("phoneme");
    preds_ = interpreter_->FindOutput("preds");
    if (grapheme_ < 0 || phoneme_ < 0 || preds_ < 0) {
      *error = "the model needs inputs 'grapheme' and 'phoneme' and an output 'preds'";
      return false;
    }
    for (const auto& [name, view] : {std::pair{"grapheme", interpreter_->input(grapheme_)},
                                     std::pair{"phoneme", interpreter_->input(phoneme_)},
                                     std::pair{"preds", interpreter_->output(preds_)}}) {
      if (view.type != ember::TensorType::INT32 || view.rank != 2 || view.dim(1) != kMaxLength) {
        *error = std::string("'") + name + "' must be int32 [batch, 20], the model has " +
                 ember::TensorTypeName(view.type) + " of rank " + std::to_string(view.rank);
        return false;
      }
    }
    model_batch_ = interpreter_->input(grapheme_).dim(0);
    // A decode reads one position per call: with an incremental Invoke the
    // model then computes that position's decoder step only (when 'preds'
    // is a pack of per-step results, as ember-convert writes it).
    prefix_ = incremental_ && interpreter_->SetOutputPrefix(preds_, kMaxLength) == Status::kOk;
    reporter_.message.clear();
    dynamic_batch_ = interpreter_->max_batch_size();
    return true;
  }

  // Rows one call can hold.
  int max_rows() const { return dynamic_batch_ > 0 ? dynamic_batch_ : model_batch_; }
  // Rows of the model's declared input (the calibration batch of ember-convert).
  int model_batch() const { return model_batch_; }
  bool dynamic_batch() const { return dynamic_batch_ > 0; }
  // Rows the model computes for a batch of `rows` words.
  int computed_rows(int rows) const { return dynamic_batch() ? rows : model_batch_; }

  // Sets the batch for the following calls.
  bool BeginBatch(int rows, std::string* error) {
    if (!dynamic_batch()) return true;
    if (interpreter_->SetBatchSize(rows) != Status::kOk) {
      *error = reporter_.message;
      return false;
    }
    return true;
  }

  // One model call (a g2p::DecodeStep). Without a dynamic batch the rows
  // after `rows` are copies of row 0: an all-padding row would be an empty
  // word, which the model never saw, and a real word keeps every value in
  // those rows ordinary.
  bool Call(int rows, int call, const int32_t* grapheme, const int32_t* phoneme, int32_t* preds,
            std::string* error) {
    // Each decode starts from scratch, so a repeated decode (--bench) costs
    // what a new word costs.
    if (call == 0) interpreter_->ForgetPreviousInvoke();
    if (prefix_ && interpreter_->SetOutputPrefix(preds_, call + 1) != Status::kOk) {
      *error = reporter_.message;
      return false;
    }
    const size_t row_bytes = kMaxLength * sizeof(int32_t);
    const int computed = computed_rows(rows);
    for (const auto& [index, source] :
         {std::pair{grapheme_, grapheme}, std::pair{phoneme_, phoneme}}) {
      auto* data = interpreter_->input(index).data_as<int32_t>();
      std::memcpy(data, source, rows * row_bytes);
      for (int r = rows; r < computed; ++r) std::memcpy(data + r * kMaxLength, source, row_bytes);
    }
    if (interpreter_->Invoke() != Status::kOk) {
      *error = reporter_.message;
      return false;
    }
    const ember::TensorView out = interpreter_->output(preds_);
    if (out.dim(0) != computed) {
      *error = "'preds' has " + std::to_string(out.dim(0)) + " rows for a batch of " +
               std::to_string(computed);
      return false;
    }
    std::memcpy(preds, out.data, rows * row_bytes);
    return true;
  }

 private:
  const ember::Model& model_;
  ember::OpResolver<256> resolver_;
  ember::StringErrorReporter reporter_;
  std::unique_ptr<ember::AlignedBuffer> arena_;
  std::unique_ptr<ember::Interpreter> interpreter_;
  bool incremental_ = true;
  bool prefix_ = false;
  int grapheme_ = -1;
  int phoneme_ = -1;
  int preds_ = -1;
  int model_batch_ = 0;
  int dynamic_batch_ = 0;
};

// Writes `rows` (each kMaxLength ids) as int32 [N, 20], N a multiple of
// `batch`: ember-convert cuts a calibration array of a batch-`batch` model
// into batches, so the rows are repeated from the start up to the next
// multiple.
bool WriteCalibration(const std::string& path, std::vector<int32_t> rows, int batch,
                      std::string* error) {
  const size_t row_count = rows.size() / kMaxLength;
  const size_t padded = (row_count + batch - 1) / batch * batch;
  rows.resize(padded * kMaxLength);
  for (size_t r = row_count; r < padded; ++r) {
    const size_t source = (r - row_count) % row_count * kMaxLength;
    std::copy_n(rows.begin() + source, kMaxLength, rows.begin() + r * kMaxLength);
  }
  ember::npy::Array array;
  array.dtype = ember::npy::DType::kInt32;
  array.shape = {static_cast<int64_t>(padded), kMaxLength};
  array.data.resize(rows.size() * sizeof(int32_t));
  std::memcpy(array.data.data(), rows.data(), array.data.size());
  return ember::npy::WriteFile(path, array, error);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!ParseArgs(argc, argv, &options, &error)) {
    if (error.empty()) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    return Die(error + "\n" + kUsage);
  }

  std::ifstream file(options.model_path, std::ios::binary);
  if (!file) return Die("cannot read '" + options.model_path + "'");
  const std::vector<char> raw((std::istreambuf_iterator<char>(file)),
                              std::istreambuf_iterator<char>());
  const ember::AlignedBuffer model_bytes(raw.data(), raw.size());
  ember::StringErrorReporter load_reporter;
  ember::Model model;
  if (ember::Model::Load(model_bytes.data(), model_bytes.size(), &load_reporter, &model) !=
      Status::kOk) {
    return Die(options.model_path + ": " + load_reporter.message);
  }
  G2pRunner runner(model, options.incremental);
  if (!runner.Init(&error)) return Die(options.model_path + ": " + error);

  const int batch_size = std::min(options.batch_limit, runner.max_rows());
  const bool stop_at_eos = !options.full_decode && options.bench_repeats == 0;
  const bool record = !options.calibration_dir.empty();
  std::vector<int32_t> grapheme_feeds, phoneme_feeds;
  const ember::g2p::DecodeStep step = [&](int rows, int call, const int32_t* grapheme,
                                          const int32_t* phoneme, int32_t* preds) {
    if (record) {
      const size_t count = static_cast<size_t>(rows) * kMaxLength;
      grapheme_feeds.insert(grapheme_feeds.end(), grapheme, grapheme + count);
      phoneme_feeds.insert(phoneme_feeds.end(), phoneme, phoneme + count);
    }
    return runner.Call(rows, call, grapheme, phoneme, preds, &error);
  };

  const auto word_count = static_cast<int>(options.words.size());
  for (int first = 0; first < word_count; first += batch_size) {
    const int rows = std::min(batch_size, word_count - first);
    std::vector<std::string> words;
    std::vector<int32_t> grapheme;
    for (int r = 0; r < rows; ++r) {
      words.push_back(ember::g2p::LowerCase(options.words[first + r]));
      const ember::g2p::Row ids = ember::g2p::EncodeWord(words.back());
      grapheme.insert(grapheme.end(), ids.begin(), ids.end());
    }
    std::vector<int32_t> preds(static_cast<size_t>(rows) * kMaxLength);
    if (!runner.BeginBatch(rows, &error)) return Die(error);

    if (options.bench_repeats > 0) {
      // The TensorFlow figures are wall time; the CPU time beside it shows
      // how much of that other processes on a shared machine took.
      std::vector<double> wall_ms, cpu_ms;
      for (int repeat = 0; repeat < options.bench_repeats; ++repeat) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        if (!ember::g2p::Decode(rows, grapheme.data(), false, step, preds.data()).ok)
          return Die(error);
        cpu_ms.push_back(1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        wall_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
      }
      std::sort(wall_ms.begin(), wall_ms.end());
      std::sort(cpu_ms.begin(), cpu_ms.end());
      std::printf(
          "batch of %d words (%d rows computed%s): median %.3f ms per 20-call decode "
          "(CPU %.3f ms), %d repeats\n",
          rows, runner.computed_rows(rows), runner.dynamic_batch() ? "" : ", padded",
          wall_ms[wall_ms.size() / 2], cpu_ms[cpu_ms.size() / 2], options.bench_repeats);
      continue;
    }

    if (!ember::g2p::Decode(rows, grapheme.data(), stop_at_eos, step, preds.data()).ok)
      return Die(error);
    for (int r = 0; r < rows; ++r) {
      const int32_t* ids = preds.data() + static_cast<size_t>(r) * kMaxLength;
      const std::string line = options.ids ? ember::g2p::FormatIdsLine(words[r], ids)
                                           : ember::g2p::FormatPhonesLine(words[r], ids);
      std::printf("%s\n", line.c_str());
    }
  }

  if (record) {
    std::error_code created;
    std::filesystem::create_directories(options.calibration_dir, created);
    if (created)
      return Die("cannot create '" + options.calibration_dir + "': " + created.message());
    for (const auto& [name, feeds] :
         {std::pair{"grapheme", &grapheme_feeds}, std::pair{"phoneme", &phoneme_feeds}}) {
      if (!WriteCalibration(options.calibration_dir + "/" + name + ".npy", *feeds,
                            runner.model_batch(), &error)) {
        return Die(error);
      }
    }
  }
  return 0;
}
