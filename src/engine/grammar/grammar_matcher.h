// Matches text against a Grammar incrementally, byte by byte (UTF-8 decoded on the way, so
// a token may end inside a code point).
//
//   auto grammar = ParseGrammar("root ::= [0-9]+");
//   GrammarMatcher m(*grammar);
//   m.AcceptBytes("42");   // true
//   m.CanEnd();            // true
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_stacks.h"

namespace llm::engine {

class GrammarMatcher {
 public:
  explicit GrammarMatcher(std::shared_ptr<const Grammar> grammar);

  // Consumes `bytes` when the grammar allows all of them; otherwise false, state unchanged.
  bool AcceptBytes(std::string_view bytes);
  // True when AcceptBytes(bytes) would succeed; the state does not change.
  bool CanAccept(std::string_view bytes);
  // True when the input so far is a complete sentence of the grammar.
  bool CanEnd() const;
  // True when the input is complete and no further character is allowed.
  bool IsComplete() const;
  // True when nothing more can be accepted and the input is not complete (a dead end).
  bool IsDead() const { return stacks_.empty(); }

  // The current state, for token masking (token_mask.h).
  const std::vector<uint32_t>& stacks() const { return stacks_; }
  PartialUtf8 partial() const { return partial_; }
  GrammarStacks& pool() { return pool_; }

 private:
  // Runs `bytes` from the current state into scratch_; the new set is scratch_[begin..].
  bool Run(std::string_view bytes, PartialUtf8* partial, size_t* begin);

  GrammarStacks pool_;
  std::vector<uint32_t> stacks_;
  PartialUtf8 partial_;
  std::vector<uint32_t> scratch_;
  size_t live_nodes_ = 0;  // pool size after the last compaction
};

}  // namespace llm::engine
