#include "examples/g2p/g2p.h"

#include <algorithm>

namespace ember::g2p {

// The model's vocabularies, in index order: `graphemes` and `phonemes` of
// vocab.json in the g2p test data (params.py of the original code);
// tests/examples/g2p/g2p_test.cc checks them against that file.
const char* const kGraphemes[kGraphemeCount] = {
    "P", "E", "U", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
    "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z",
};
const char* const kPhonemes[kPhonemeCount] = {
    "<PAD>", "<EOS>", "AA0", "AA1", "AA2", "AE0", "AE1", "AE2", "AH0", "AH1", "AH2", "AO0",
    "AO1",   "AO2",   "AW0", "AW1", "AW2", "AY0", "AY1", "AY2", "B",   "CH",  "D",   "DH",
    "EH0",   "EH1",   "EH2", "ER0", "ER1", "ER2", "EY0", "EY1", "EY2", "F",   "G",   "HH",
    "IH0",   "IH1",   "IH2", "IY0", "IY1", "IY2", "JH",  "K",   "L",   "M",   "N",   "NG",
    "OW0",   "OW1",   "OW2", "OY0", "OY1", "OY2", "P",   "R",   "S",   "SH",  "T",   "TH",
    "UH0",   "UH1",   "UH2", "UW",  "UW0", "UW1", "UW2", "V",   "W",   "Y",   "Z",   "ZH",
};

namespace {

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7),
// or 1 for a byte that does not start one.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  size_t length = 1;
  unsigned char second_low = 0x80, second_high = 0xBF;
  if (byte >= 0xC2 && byte <= 0xDF) {
    length = 2;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    length = 3;
    if (byte == 0xE0) second_low = 0xA0;
    if (byte == 0xED) second_high = 0x9F;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    length = 4;
    if (byte == 0xF0) second_low = 0x90;
    if (byte == 0xF4) second_high = 0x8F;
  } else {
    return 1;
  }
  if (i + length > text.size()) return 1;
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (second < second_low || second > second_high) return 1;
  for (size_t k = 2; k < length; ++k) {
    if (!IsContinuation(static_cast<unsigned char>(text[i + k]))) return 1;
  }
  return length;
}

}  // namespace

std::vector<std::string> LowerCaseCharacters(std::string_view word) {
  std::vector<std::string> characters;
  for (size_t i = 0; i < word.size();) {
    const size_t length = SequenceLength(word, i);
    const std::string_view character = word.substr(i, length);
    i += length;
    if (length == 1) {
      const char c = character[0];
      characters.emplace_back(1, (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (character == "\u212A") {
      // KELVIN SIGN lower-cases to the ASCII letter k.
      characters.emplace_back("k");
    } else if (character == "\u0130") {
      // LATIN CAPITAL LETTER I WITH DOT ABOVE lower-cases to two characters.
      characters.emplace_back("i");
      characters.emplace_back("\u0307");
    } else {
      // Every other character is outside a-z before and after lower-casing,
      // so it encodes as unknown either way; it is printed as given.
      characters.emplace_back(character);
    }
  }
  return characters;
}

std::string LowerCase(std::string_view word) {
  std::string lower;
  for (const std::string& character : LowerCaseCharacters(word)) lower += character;
  return lower;
}

Row EncodeWord(std::string_view word) {
  std::vector<std::string> characters = LowerCaseCharacters(word);
  characters.emplace_back(kGraphemes[kGraphemeEos]);
  Row ids(kMaxLength, kGraphemePad);
  const size_t count = std::min(characters.size(), static_cast<size_t>(kMaxLength));
  for (size_t j = 0; j < count; ++j) {
    ids[j] = kGraphemeUnknown;
    for (int32_t id = 0; id < kGraphemeCount; ++id) {
      if (characters[j] == kGraphemes[id]) ids[j] = id;
    }
  }
  return ids;
}

std::string PhonesOf(const int32_t* ids) {
  std::string phones;
  for (int j = 0; j < kMaxLength && ids[j] != kPhonemeEos; ++j) {
    if (!phones.empty()) phones += ' ';
    const int32_t id = ids[j];
    phones += (id >= 0 && id < kPhonemeCount) ? kPhonemes[id] : "?" + std::to_string(id);
  }
  return phones;
}

std::string FormatPhonesLine(std::string_view word, const int32_t* ids) {
  return std::string(word) + " \u2192 " + PhonesOf(ids);
}

std::string FormatIdsLine(std::string_view word, const int32_t* ids) {
  std::string line(word);
  for (int j = 0; j < kMaxLength; ++j) {
    line += (j == 0 ? '\t' : ',');
    line += std::to_string(ids[j]);
  }
  return line;
}

DecodeResult Decode(int rows, const int32_t* grapheme, bool stop_at_eos, const DecodeStep& step,
                    int32_t* preds) {
  const size_t count = static_cast<size_t>(rows) * kMaxLength;
  std::fill(preds, preds + count, 0);
  std::vector<int32_t> out(count);
  std::vector<bool> ended(static_cast<size_t>(rows), false);
  DecodeResult result;
  for (int j = 0; j < kMaxLength; ++j) {
    if (!step(rows, j, grapheme, preds, out.data())) return result;
    ++result.calls;
    bool all_ended = true;
    for (int r = 0; r < rows; ++r) {
      const int32_t id = out[static_cast<size_t>(r) * kMaxLength + j];
      preds[static_cast<size_t>(r) * kMaxLength + j] = id;
      if (id == kPhonemeEos) ended[r] = true;
      all_ended = all_ended && ended[r];
    }
    if (stop_at_eos && all_ended) break;
  }
  result.ok = true;
  return result;
}

}  // namespace ember::g2p
