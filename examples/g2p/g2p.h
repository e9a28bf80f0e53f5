// Encoding, decode loop and output formatting of the g2p (grapheme to
// phoneme) seq2seq model, as ENCODING.md of the model's test data describes
// them. Host code for the ember-g2p example: it may use the standard library.
// The model call itself is a DecodeStep supplied by the caller, so the loop
// can be tested without a model.
#ifndef EMBER_EXAMPLES_G2P_G2P_H_
#define EMBER_EXAMPLES_G2P_G2P_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ember::g2p {

// Both the grapheme and the phoneme rows have this many positions, and the
// decode makes this many model calls (params.MAX_LEN of the original code).
inline constexpr int kMaxLength = 20;

inline constexpr int kGraphemeCount = 29;
inline constexpr int kPhonemeCount = 72;
extern const char* const kGraphemes[kGraphemeCount];
extern const char* const kPhonemes[kPhonemeCount];

inline constexpr int32_t kGraphemePad = 0;
inline constexpr int32_t kGraphemeEos = 1;
inline constexpr int32_t kGraphemeUnknown = 2;
inline constexpr int32_t kPhonemeEos = 1;

// One row of kMaxLength ids.
using Row = std::vector<int32_t>;

// The characters of `word` after Python's str.lower(), one string per
// character (a UTF-8 sequence; a byte that is not valid UTF-8 stands alone,
// as Python's surrogateescape decoding of argv keeps it).
std::vector<std::string> LowerCaseCharacters(std::string_view word);

// `word` after Python's str.lower().
std::string LowerCase(std::string_view word);

// The grapheme row of `word`: lower-cased, (word + 'E')[:20], each
// character's index in kGraphemes (kGraphemeUnknown if absent), 0 after it.
Row EncodeWord(std::string_view word);

// The phones of one preds row: ids cut at the first <EOS>, which is left
// out; a row without <EOS> keeps all its tokens. Joined by single spaces.
std::string PhonesOf(const int32_t* ids);

// "word → PHONES" (U+2192, one space either side).
std::string FormatPhonesLine(std::string_view word, const int32_t* ids);
// "word\tid,id,...": the layout of expected_ids.tsv.
std::string FormatIdsLine(std::string_view word, const int32_t* ids);

// Model call `call` (0-based) of a decode: reads `rows` x kMaxLength
// grapheme and phoneme ids and writes `rows` x kMaxLength preds, of which
// the decode reads only position `call`. Returns false on failure.
using DecodeStep = std::function<bool(int rows, int call, const int32_t* grapheme,
                                      const int32_t* phoneme, int32_t* preds)>;

struct DecodeResult {
  bool ok = false;
  int calls = 0;
};

// The autoregressive decode of ENCODING.md: up to kMaxLength calls, each
// feeding back the predictions so far; after call j, position j of `preds`
// (rows x kMaxLength) is final. With `stop_at_eos` the loop ends as soon as
// every row holds an <EOS>, which leaves the phone strings unchanged (the
// positions after a row's <EOS> then stay 0).
DecodeResult Decode(int rows, const int32_t* grapheme, bool stop_at_eos, const DecodeStep& step,
                    int32_t* preds);

}  // namespace ember::g2p

#endif  // EMBER_EXAMPLES_G2P_G2P_H_
