// Constrained decoding: which tokens of a vocabulary keep the generated text inside a
// grammar. One per generation (it holds the parse state); not thread-safe.
//
//   GrammarConstraint c(grammar, vocab);
//   if (!c.Allows(sampled)) { c.ComputeMask(&allowed); /* resample among allowed */ }
//   c.Accept(token);
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_matcher.h"
#include "engine/grammar/token_trie.h"

namespace llm::engine {

class GrammarConstraint {
 public:
  GrammarConstraint(std::shared_ptr<const Grammar> grammar,
                    std::shared_ptr<const GrammarVocabulary> vocab);
  ~GrammarConstraint();

  // True when `token` may come next: its bytes continue the grammar, or it ends generation
  // and the text so far is complete. Tokens with no text are never allowed.
  bool Allows(int32_t token);
  // The ids of every allowed token, ascending; valid until the next call on this object.
  // Results are cached by parse state, so revisiting a state (inside a string) is cheap.
  const std::vector<int32_t>& AllowedTokens();
  // The same as a mask: (*allowed)[id] = 1 for every allowed token, 0 for the rest.
  void ComputeMask(std::vector<uint8_t>* allowed);
  // Advances past `token`. InvalidArgument when it is not allowed (state unchanged).
  Status Accept(int32_t token);
  // True when the text is complete and nothing more may follow (generation should end).
  bool IsComplete() const { return matcher_.IsComplete(); }
  // True when the text is a complete sentence of the grammar.
  bool CanEnd() const { return matcher_.CanEnd(); }

 private:
  struct CacheEntry;
  void Walk(uint32_t node, size_t from, size_t to, PartialUtf8 partial, std::vector<uint8_t>* out);
  std::vector<uint64_t> StateKey();

  std::shared_ptr<const GrammarVocabulary> vocab_;
  GrammarMatcher matcher_;
  std::vector<uint32_t> walk_;  // stack sets of the trie walk, one range per depth
  std::vector<uint8_t> scratch_mask_;
  std::vector<CacheEntry> cache_;
  uint64_t clock_ = 0;
};

}  // namespace llm::engine
