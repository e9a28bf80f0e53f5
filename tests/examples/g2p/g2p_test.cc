// Tests of examples/g2p/g2p.{h,cc}: the vocabulary tables against vocab.json,
// the encoding against ENCODING.md's worked example and a naive a..z
// reference, the decode loop against a stand-in model that answers from
// expected_ids.tsv, and the output lines against expected.tsv and
// expected_ids.tsv (all from the g2p test data in the shared folder).
#include "examples/g2p/g2p.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ember::g2p {
namespace {

const std::string kDataDir = std::string(EMBER_SHARED_DIR) + "/testdata/g2p";

std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::vector<std::string>> ReadTsv(const std::string& name) {
  std::ifstream file(kDataDir + "/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(file, line)) {
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, '\t')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

// The strings of the JSON array `key` in vocab.json. The file is a flat
// object of string arrays and numbers, and no vocabulary entry holds a quote
// or a backslash, so scanning for quotes is enough.
std::vector<std::string> VocabArray(const std::string& json, const std::string& key) {
  std::vector<std::string> values;
  size_t at = json.find("\"" + key + "\"");
  if (at == std::string::npos) return values;
  at = json.find('[', at);
  const size_t end = json.find(']', at);
  for (;;) {
    const size_t open = json.find('"', at);
    if (open == std::string::npos || open > end) break;
    const size_t close = json.find('"', open + 1);
    values.push_back(json.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return values;
}

Row ParseIds(const std::string& text) {
  Row ids;
  std::stringstream stream(text);
  std::string id;
  while (std::getline(stream, id, ',')) ids.push_back(std::stoi(id));
  return ids;
}

// The encoding written out separately for plain a..z words: 'a' is 3.
Row NaiveEncode(const std::string& word) {
  Row ids(kMaxLength, 0);
  const std::string chars = (word + "E").substr(0, kMaxLength);
  for (size_t j = 0; j < chars.size(); ++j) ids[j] = chars[j] == 'E' ? 1 : chars[j] - 'a' + 3;
  return ids;
}

TEST(G2pVocabularyTest, TablesMatchVocabJson) {
  const std::string json = ReadText(kDataDir + "/vocab.json");
  if (json.empty()) GTEST_SKIP() << "no " << kDataDir << "/vocab.json";
  const std::vector<std::string> graphemes = VocabArray(json, "graphemes");
  const std::vector<std::string> phonemes = VocabArray(json, "phonemes");
  ASSERT_EQ(graphemes.size(), static_cast<size_t>(kGraphemeCount));
  ASSERT_EQ(phonemes.size(), static_cast<size_t>(kPhonemeCount));
  for (int i = 0; i < kGraphemeCount; ++i)
    EXPECT_EQ(kGraphemes[i], graphemes[i]) << "grapheme " << i;
  for (int i = 0; i < kPhonemeCount; ++i) EXPECT_EQ(kPhonemes[i], phonemes[i]) << "phoneme " << i;
  EXPECT_NE(json.find("\"max_len\": 20"), std::string::npos);
}

TEST(G2pEncodeTest, WorkedExampleOfEncodingMd) {
  const Row expected = {3, 3, 20, 6, 24, 3, 20, 13, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(EncodeWord("aardvark"), expected);
  EXPECT_EQ(EncodeWord("AardVARK"), expected);
}

TEST(G2pEncodeTest, LongWordsAreCutAfterTheEosMarker) {
  const std::string nineteen = "abcdefghijklmnopqrs";
  EXPECT_EQ(EncodeWord(nineteen).back(), kGraphemeEos);
  // 20 letters and more lose the EOS marker: (word + 'E')[:20].
  const Row twenty = EncodeWord(nineteen + "t");
  EXPECT_EQ(twenty.back(), 'T' - 'A' + 3);
  EXPECT_EQ(EncodeWord(nineteen + "tuvwxyz"), twenty);
}

TEST(G2pEncodeTest, CharactersOutsideAToZAreUnknown) {
  // One position per character: the two bytes of é are one unknown.
  EXPECT_EQ(EncodeWord("o'n\xC3\xA9"),
            (Row{17, 2, 16, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  // Python lower-cases KELVIN SIGN to 'k' and I WITH DOT ABOVE to 'i' plus a
  // combining dot.
  EXPECT_EQ(EncodeWord("\u212A\u0130"),
            (Row{13, 11, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  // A byte that is not UTF-8 is one character of its own.
  EXPECT_EQ(EncodeWord("a\xE2\x84z"),
            (Row{3, 2, 2, 28, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(LowerCase("\u212AAB\xC3\x89"), "kab\xC3\x89");
}

TEST(G2pEncodeTest, EveryReferenceWordMatchesTheNaiveEncoding) {
  const auto rows = ReadTsv("expected.tsv");
  if (rows.empty()) GTEST_SKIP() << "no " << kDataDir << "/expected.tsv";
  for (const auto& row : rows) EXPECT_EQ(EncodeWord(row[0]), NaiveEncode(row[0])) << row[0];
}

TEST(G2pFormatTest, WorkedExampleOfEncodingMd) {
  const Row preds = {3, 55, 22, 67, 4, 55, 43, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(PhonesOf(preds.data()), "AA1 R D V AA2 R K");
  EXPECT_EQ(FormatPhonesLine("aardvark", preds.data()), "aardvark \xE2\x86\x92 AA1 R D V AA2 R K");
  EXPECT_EQ(FormatIdsLine("aardvark", preds.data()),
            "aardvark\t3,55,22,67,4,55,43,1,0,0,0,0,0,0,0,0,0,0,0,0");
}

TEST(G2pFormatTest, RowWithoutEosKeepsAllTwentyTokens) {
  Row preds(kMaxLength, 0);
  preds[0] = 3;
  preds[19] = 71;
  EXPECT_EQ(
      PhonesOf(preds.data()),
      "AA1 <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> <PAD> "
      "<PAD> <PAD> <PAD> <PAD> ZH");
  const Row eos_first = {1, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(FormatPhonesLine("x", eos_first.data()), "x \xE2\x86\x92 ");
}

// A stand-in for the model: a causal decoder that knows each word's final ids
// (expected_ids.tsv). Position t of a row is the reference id when the fed
// phonemes before t are the reference ids, else -1, so a loop that feeds back
// the wrong values, or reads a position before its call, is caught.
class ReferenceModel {
 public:
  explicit ReferenceModel(const std::map<Row, Row>& ids_by_grapheme) : ids_(ids_by_grapheme) {}

  bool operator()(int rows, int /*call*/, const int32_t* grapheme, const int32_t* phoneme,
                  int32_t* preds) {
    ++calls;
    for (int r = 0; r < rows; ++r) {
      const int32_t* fed = phoneme + r * kMaxLength;
      const auto found = ids_.find(Row(grapheme + r * kMaxLength, grapheme + (r + 1) * kMaxLength));
      if (found == ids_.end()) return false;
      const Row& reference = found->second;
      bool prefix_matches = true;
      for (int t = 0; t < kMaxLength; ++t) {
        preds[r * kMaxLength + t] = prefix_matches ? reference[t] : -1;
        prefix_matches = prefix_matches && fed[t] == reference[t];
      }
    }
    return true;
  }
  int calls = 0;

 private:
  const std::map<Row, Row>& ids_;
};

class G2pDecodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto ids_rows = ReadTsv("expected_ids.tsv");
    const auto phones_rows = ReadTsv("expected.tsv");
    if (ids_rows.empty() || phones_rows.size() != ids_rows.size()) {
      GTEST_SKIP() << "no g2p reference files in " << kDataDir;
    }
    for (size_t i = 0; i < ids_rows.size(); ++i) {
      words_.push_back(ids_rows[i][0]);
      ids_lines_.push_back(ids_rows[i][0] + "\t" + ids_rows[i][1]);
      ASSERT_EQ(phones_rows[i][0], words_.back());
      phones_.push_back(phones_rows[i][1]);
      ids_by_grapheme_[EncodeWord(words_.back())] = ParseIds(ids_rows[i][1]);
    }
  }

  // Decodes every word in batches of `batch`; returns the model calls made.
  int DecodeAll(int batch, bool stop_at_eos, std::vector<Row>* preds) {
    int calls = 0;
    for (size_t first = 0; first < words_.size(); first += batch) {
      const int rows =
          static_cast<int>(std::min(words_.size() - first, static_cast<size_t>(batch)));
      std::vector<int32_t> grapheme;
      for (int r = 0; r < rows; ++r) {
        const Row ids = EncodeWord(words_[first + r]);
        grapheme.insert(grapheme.end(), ids.begin(), ids.end());
      }
      std::vector<int32_t> out(static_cast<size_t>(rows) * kMaxLength, -7);
      ReferenceModel model(ids_by_grapheme_);
      const DecodeResult result =
          Decode(rows, grapheme.data(), stop_at_eos, std::ref(model), out.data());
      EXPECT_TRUE(result.ok);
      EXPECT_EQ(result.calls, model.calls);
      calls += result.calls;
      for (int r = 0; r < rows; ++r)
        preds->emplace_back(out.begin() + r * kMaxLength, out.begin() + (r + 1) * kMaxLength);
    }
    return calls;
  }

  std::vector<std::string> words_, ids_lines_, phones_;
  std::map<Row, Row> ids_by_grapheme_;
};

TEST_F(G2pDecodeTest, FullDecodeGivesTheReferenceIdsLines) {
  for (int batch : {1, 20}) {
    std::vector<Row> preds;
    const int calls = DecodeAll(batch, /*stop_at_eos=*/false, &preds);
    EXPECT_EQ(calls, static_cast<int>((words_.size() + batch - 1) / batch) * kMaxLength);
    for (size_t i = 0; i < words_.size(); ++i) {
      EXPECT_EQ(FormatIdsLine(words_[i], preds[i].data()), ids_lines_[i]) << "batch " << batch;
    }
  }
}

TEST_F(G2pDecodeTest, EarlyStopKeepsThePhonesAndEndsAfterTheLastEos) {
  for (int batch : {1, 20}) {
    std::vector<Row> preds;
    const int calls = DecodeAll(batch, /*stop_at_eos=*/true, &preds);
    int expected_calls = 0;
    for (size_t first = 0; first < words_.size(); first += batch) {
      int longest = 0;
      for (size_t i = first; i < std::min(words_.size(), first + batch); ++i) {
        const std::string& line = ids_lines_[i];
        const Row ids = ParseIds(line.substr(line.find('\t') + 1));
        int eos = 0;
        while (ids[eos] != kPhonemeEos) ++eos;
        longest = std::max(longest, eos + 1);
      }
      expected_calls += longest;
    }
    EXPECT_EQ(calls, expected_calls) << "batch " << batch;
    for (size_t i = 0; i < words_.size(); ++i) {
      EXPECT_EQ(FormatPhonesLine(words_[i], preds[i].data()),
                words_[i] + " \xE2\x86\x92 " + phones_[i]);
    }
  }
}

TEST_F(G2pDecodeTest, FailingStepFailsTheDecode) {
  const Row grapheme = EncodeWord("aardvark");
  Row preds(kMaxLength);
  int calls = 0;
  const DecodeStep failing_third = [&](int, int, const int32_t*, const int32_t*, int32_t* out) {
    std::fill(out, out + kMaxLength, 3);
    return ++calls < 3;
  };
  const DecodeResult result = Decode(1, grapheme.data(), true, failing_third, preds.data());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.calls, 2);
}

}  // namespace
}  // namespace ember::g2p
