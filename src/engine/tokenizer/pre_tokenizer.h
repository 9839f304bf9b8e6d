// Splits text into pre-tokens with the regex list of a pre-tokenizer type (llama.cpp's
// unicode_regex_split): each regex splits every piece left by the previous one, the text
// between matches is kept as a piece of its own, and the pieces are returned in the GPT-2
// byte-level alphabet. Regexes run in PCRE2 (UTF + UCP); \s means Unicode White_Space.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/tokenizer/vocabulary.h"

namespace llm::engine {

class PreTokenizer {
 public:
  // Compiles the regexes of `type`. Internal when a pattern does not compile (a bug).
  static Result<std::unique_ptr<PreTokenizer>> Create(PreTokenizerType type);
  // Compiles an explicit regex list (used by tests and by Create).
  static Result<std::unique_ptr<PreTokenizer>> FromPatterns(const std::vector<std::string>& patterns);
  ~PreTokenizer();

  // The pre-tokens of `text`, byte-level encoded. Safe to call from several threads.
  std::vector<std::string> Split(std::string_view text) const;
  // The pre-tokens as plain UTF-8 (no byte-level encoding), for tests and debugging.
  std::vector<std::string> SplitRaw(std::string_view text) const;

 private:
  struct Regex;
  PreTokenizer();
  std::vector<size_t> SplitOffsets(const std::vector<uint32_t>& cps) const;
  std::vector<std::unique_ptr<Regex>> regexes_;
};

// The regex list llama.cpp uses for `type`, as written there (\s not yet expanded).
std::vector<std::string> PreTokenizerPatterns(PreTokenizerType type);

}  // namespace llm::engine
