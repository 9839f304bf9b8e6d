// libFuzzer target: the first byte picks the input kind (even: GBNF grammar, odd: JSON
// Schema), the rest is the text. Whatever parses is driven through a GrammarConstraint over
// a small vocabulary, checking that the trie mask equals the per-token check and that every
// token the mask allows is accepted. Built only with -DLLM_FUZZ=ON; run by the CTest test
// `grammar_fuzz` (label `fuzz`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_constraint.h"
#include "engine/grammar/json_schema.h"

namespace {

using llm::engine::GrammarVocabulary;

// Every single byte, plus multi-byte pieces that cross JSON tokens and UTF-8 sequences.
std::shared_ptr<const GrammarVocabulary> FuzzVocabulary() {
  std::vector<std::string> pieces;
  for (int b = 0; b < 256; ++b) pieces.emplace_back(1, static_cast<char>(b));
  for (const char* p : {"{\"", "\":", "\",", "\"}", "true", "null", "12", "-0.", "e+", "\\u00",
                        "\xC3\xA9", "\xE2\x82", "\xAC\"", "  ", "\n", "ab", "[]", "{}", ""}) {
    pieces.emplace_back(p);
  }
  std::vector<uint8_t> eog(pieces.size(), 0);
  eog.back() = 1;  // the empty piece stands for the end-of-generation token
  return std::make_shared<const GrammarVocabulary>(std::move(pieces), std::move(eog));
}

void Drive(std::shared_ptr<const llm::engine::Grammar> grammar, uint8_t choice) {
  static const auto vocab = FuzzVocabulary();  // immutable after the first call
  llm::engine::GrammarConstraint c(std::move(grammar), vocab);
  std::vector<uint8_t> mask;
  for (int step = 0; step < 24 && !c.IsComplete(); ++step) {
    c.ComputeMask(&mask);
    std::vector<int32_t> allowed;
    for (size_t id = 0; id < mask.size(); ++id) {
      const bool ok = c.Allows(static_cast<int32_t>(id));
      if (ok != (mask[id] != 0)) __builtin_trap();  // the trie walk disagrees with the check
      if (ok) allowed.push_back(static_cast<int32_t>(id));
    }
    if (allowed.empty()) return;
    const int32_t pick = allowed[(choice + 31u * step) % allowed.size()];
    if (vocab->end_of_generation[pick]) return;
    if (!c.Accept(pick).ok()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t kind = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string gbnf(text);
  if (kind & 1) {
    auto compiled = llm::engine::JsonSchemaToGbnf(text);
    if (!compiled.ok()) return 0;
    gbnf = *compiled;
  }
  auto grammar = llm::engine::ParseGrammar(gbnf);
  if (grammar.ok()) Drive(*grammar, kind);
  return 0;
}
