// Collects rules while a grammar is parsed (internal to engine_grammar): names to ids,
// repetition rewritten into helper rules the way llama.cpp does, then flattened into Grammar.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/grammar/grammar.h"

namespace llm::engine {

using ElementSeq = std::vector<GrammarElement>;
using Alternatives = std::vector<ElementSeq>;

class RuleBuilder {
 public:
  // The id of a named rule, created (undefined) on first mention; the source offset of that
  // mention is kept for the error if it is never defined.
  uint32_t RuleId(std::string_view name, size_t offset);
  // A fresh helper rule named after `base`, e.g. "value_3".
  uint32_t NewHelperRule(std::string_view base);
  // Gives a rule its alternatives. InvalidArgument when `id` was defined before.
  Status Define(uint32_t id, Alternatives alternatives);
  // Adds a finished character class, returning its element.
  GrammarElement AddClass(CharClass cls);
  // `item` repeated min..max times (max < 0: unbounded), as elements to append to a
  // sequence; may create helper rules named after `base`. OutOfRange over the size limits.
  Result<ElementSeq> Repeat(const ElementSeq& item, uint32_t min, int64_t max, std::string_view base);
  // Flattens the rules. InvalidArgument for an undefined rule (its first mention placed by
  // `where`), a missing root or left recursion.
  Result<std::shared_ptr<const Grammar>> Finish(const std::function<std::string(size_t)>& where);

 private:
  Status CountElements(size_t n);
  uint32_t WrapInRule(const ElementSeq& item, std::string_view base);

  std::vector<Alternatives> rules_;
  std::vector<bool> defined_;
  std::vector<std::string> names_;
  std::vector<size_t> first_use_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<CharClass> classes_;
  size_t element_count_ = 0;
};

}  // namespace llm::engine
