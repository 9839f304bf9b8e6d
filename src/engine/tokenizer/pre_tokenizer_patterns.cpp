// The pre-tokenizer regex lists of llama.cpp b4748 (src/llama-vocab.cpp, llm_tokenizer_bpe),
// written in PCRE2 syntax (non-ASCII characters as \x{...}).
#include "engine/tokenizer/pre_tokenizer.h"

namespace llm::engine {

namespace {

constexpr const char* kGpt2 =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
constexpr const char* kLlama3 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kCjk = "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";
constexpr const char* kPoro =
    " ?[^(\\s|.,!?\\x{2026}\\x{3002}\\x{FF0C}\\x{3001}\\x{964}\\x{6D4}\\x{60C})]+";

}  // namespace

std::vector<std::string> PreTokenizerPatterns(PreTokenizerType type) {
  switch (type) {
    case PreTokenizerType::kLlama3:
    case PreTokenizerType::kDbrx:
    case PreTokenizerType::kSmaug:
    case PreTokenizerType::kChatGlm4:
      return {kLlama3};
    case PreTokenizerType::kDeepseek3Llm:
      return {
          "\\p{N}{1,3}",
          "[\\x{4E00}-\\x{9FA5}\\x{3040}-\\x{309F}\\x{30A0}-\\x{30FF}]+",
          "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?"
          "[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
      };
    case PreTokenizerType::kDeepseekCoder:
      return {"[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", kCjk, "\\p{N}"};
    case PreTokenizerType::kFalcon:
      return {"[\\p{P}\\$\\+<=>\\^~\\|`]+", kGpt2, "[0-9][0-9][0-9]"};
    case PreTokenizerType::kStarcoder:
    case PreTokenizerType::kRefact:
    case PreTokenizerType::kCommandR:
    case PreTokenizerType::kSmollm:
    case PreTokenizerType::kCodeshell:
    case PreTokenizerType::kExaone:
    case PreTokenizerType::kMinerva:
      return {"\\p{N}", kGpt2};
    case PreTokenizerType::kGpt2:
    case PreTokenizerType::kMpt:
    case PreTokenizerType::kOlmo:
    case PreTokenizerType::kJais:
      return {kGpt2};
    case PreTokenizerType::kStablelm2:
    case PreTokenizerType::kQwen2:
      return {kQwen2};
    case PreTokenizerType::kPoro:
    case PreTokenizerType::kBloom:
    case PreTokenizerType::kGpt3Finnish:
      return {kPoro};
    case PreTokenizerType::kViking:
      return {kPoro, "\\p{N}"};
    case PreTokenizerType::kDefault:
      break;
  }
  return {"[\\p{P}\\$\\+<=>\\^~\\|]+", kGpt2, "\\p{N}+", "[0-9][0-9][0-9]"};
}

}  // namespace llm::engine
