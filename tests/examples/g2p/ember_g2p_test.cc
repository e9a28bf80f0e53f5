// Runs the ember-g2p program on a stand-in model built here: preds =
// (grapheme + phoneme) - phoneme, int32 [20, 20]. Each word's "phoneme ids"
// are then its grapheme ids (the grapheme EOS, 1, is also the phoneme EOS),
// so every expected line is worked out by hand from the two vocabularies,
// and the decode's feeds are known exactly. The real model's outputs are
// checked end to end once the converter handles it (issue #8).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "converter/model_builder.h"
#include "tools/common/npy.h"

namespace {

using ember::convert::ModelBuilder;
using ember::schema::OpCode;
using ember::schema::TensorType;

constexpr int kRows = 20;
constexpr int kLength = 20;

class EmberG2pTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("ember_g2p_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    WriteModel(dir_ / "echo.ember", "grapheme");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void WriteModel(const std::filesystem::path& path, const std::string& grapheme_name) {
    ModelBuilder builder;
    const int grapheme = builder.AddTensor(grapheme_name, TensorType::INT32, {kRows, kLength});
    const int phoneme = builder.AddTensor("phoneme", TensorType::INT32, {kRows, kLength});
    const int sum = builder.AddTensor("sum", TensorType::INT32, {kRows, kLength});
    const int preds = builder.AddTensor("preds", TensorType::INT32, {kRows, kLength});
    builder.AddOperator(OpCode::ADD, {grapheme, phoneme}, {sum});
    builder.AddOperator(OpCode::SUB, {sum, phoneme}, {preds});
    builder.SetInputs({grapheme, phoneme});
    builder.SetOutputs({preds});
    const std::vector<uint8_t> bytes = builder.Build();
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }

  // Runs ember-g2p with `args`; returns its stdout and sets `exit_code`.
  std::string Run(const std::string& args, int* exit_code) const {
    const std::string command =
        std::string(EMBER_G2P_PATH) + " " + args + " 2>" + (dir_ / "stderr").string();
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    size_t got;
    while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, got);
    *exit_code = pclose(pipe);
    return out;
  }
  std::string Model() const { return (dir_ / "echo.ember").string(); }

  std::filesystem::path dir_;
};

TEST_F(EmberG2pTest, PrintsOneLinePerWordInInputOrder) {
  int exit_code = -1;
  // aardvark: 3 3 20 6 24 3 20 13 then the EOS; phonemes[3] is AA1,
  // [20] B, [6] AE1, [24] EH0, [13] AO2. Zoo: z=28 ER1, o=17 AY0.
  EXPECT_EQ(Run(Model() + " aardvark Zoo", &exit_code),
            "aardvark \u2192 AA1 AA1 B AE1 EH0 AA1 B AO2\n"
            "zoo \u2192 ER1 AY0 AY0\n");
  EXPECT_EQ(exit_code, 0);
}

TEST_F(EmberG2pTest, IdsAreTheFullTwentyPositions) {
  int exit_code = -1;
  EXPECT_EQ(Run(Model() + " --ids aardvark", &exit_code),
            "aardvark\t3,3,20,6,24,3,20,13,1,0,0,0,0,0,0,0,0,0,0,0\n");
  EXPECT_EQ(exit_code, 0);
}

TEST_F(EmberG2pTest, WordsBeyondOneBatchKeepTheirOrder) {
  // 25 words: a batch of 20 and a batch of 5 (padded to the model's 20 rows).
  std::ofstream(dir_ / "words.txt") << "ab\n\n  b  \r\n";
  std::string args = Model();
  std::string expected;
  // a is 3 (AA1), b 4 (AA2), c 5 (AE0).
  const char* word[] = {"a", "ba", "c"};
  const char* phones[] = {"AA1", "AA2 AA1", "AE0"};
  for (int i = 0; i < 23; ++i) {
    args += std::string(" ") + word[i % 3];
    expected += std::string(word[i % 3]) + " \u2192 " + phones[i % 3] + "\n";
  }
  // The file's words come where the option stands.
  args += " --words-file " + (dir_ / "words.txt").string();
  expected += "ab \u2192 AA1 AA2\nb \u2192 AA2\n";
  for (const char* batch : {"", " --batch 1", " --batch 7"}) {
    int exit_code = -1;
    EXPECT_EQ(Run(args + batch, &exit_code), expected) << batch;
    EXPECT_EQ(exit_code, 0);
  }
}

TEST_F(EmberG2pTest, RecordsEveryFeedOfEveryCall) {
  int exit_code = -1;
  const std::string out_dir = (dir_ / "calibration").string();
  Run(Model() + " ab c --record-calibration " + out_dir, &exit_code);
  ASSERT_EQ(exit_code, 0);
  ember::npy::Array grapheme, phoneme;
  std::string error;
  ASSERT_TRUE(ember::npy::ReadFile(out_dir + "/grapheme.npy", &grapheme, &error)) << error;
  ASSERT_TRUE(ember::npy::ReadFile(out_dir + "/phoneme.npy", &phoneme, &error)) << error;
  // "ab" ends at position 2, so 3 calls of 2 rows: 6 rows, repeated from the
  // start up to the model's batch of 20.
  ASSERT_EQ(grapheme.dtype, ember::npy::DType::kInt32);
  ASSERT_EQ(grapheme.shape, (std::vector<int64_t>{20, kLength}));
  ASSERT_EQ(phoneme.shape, (std::vector<int64_t>{20, kLength}));
  const auto* g = reinterpret_cast<const int32_t*>(grapheme.data.data());
  const auto* p = reinterpret_cast<const int32_t*>(phoneme.data.data());
  const std::vector<int32_t> ab = {3, 4, 1}, c = {5, 1};
  for (int row = 0; row < 20; ++row) {
    const int call = row % 6 / 2;
    const std::vector<int32_t>& word = row % 2 == 0 ? ab : c;
    for (int j = 0; j < kLength; ++j) {
      const int32_t letter = j < static_cast<int>(word.size()) ? word[j] : 0;
      EXPECT_EQ(g[row * kLength + j], letter) << "row " << row << " position " << j;
      // Call k is fed the k positions decoded before it.
      EXPECT_EQ(p[row * kLength + j], j < call ? letter : 0) << "row " << row << " position " << j;
    }
  }
}

TEST_F(EmberG2pTest, BenchPrintsTheMedianOfEachBatch) {
  int exit_code = -1;
  const std::string out = Run(Model() + " --bench 3 aardvark zoo", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_NE(out.find("batch of 2 words (20 rows computed, padded): median "), std::string::npos)
      << out;
  EXPECT_NE(out.find(" ms per 20-call decode (CPU "), std::string::npos) << out;
  EXPECT_NE(out.find(" ms), 3 repeats\n"), std::string::npos) << out;
}

TEST_F(EmberG2pTest, ModelWithoutTheG2pTensorsIsRefused) {
  WriteModel(dir_ / "other.ember", "letters");
  int exit_code = -1;
  EXPECT_EQ(Run((dir_ / "other.ember").string() + " aardvark", &exit_code), "");
  EXPECT_NE(exit_code, 0);
  std::ifstream stderr_file(dir_ / "stderr");
  const std::string message((std::istreambuf_iterator<char>(stderr_file)),
                            std::istreambuf_iterator<char>());
  EXPECT_NE(message.find("inputs 'grapheme' and 'phoneme'"), std::string::npos) << message;
}

}  // namespace
