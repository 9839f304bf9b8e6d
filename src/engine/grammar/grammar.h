// A context-free grammar in llama.cpp's GBNF syntax, compiled to flat rule tables that the
// matcher walks (grammar_matcher.h).
//
//   root   ::= object
//   object ::= "{" ws ( pair ( "," ws pair )* )? "}"   # comments run to the end of the line
//   ws     ::= [ \t\n]*
//
// Supported: rules `name ::= ...` (names of letters, digits, '-' and '_'), alternatives `|`,
// sequences, grouping `( )`, repetition `*` `+` `?` `{m}` `{m,}` `{m,n}`, string literals
// "..." and character classes [a-z0-9] / [^"\\] with escapes (\n \r \t \\ \" \' \[ \] \-
// \xHH \uHHHH \UHHHHHHHH), `.` (any code point), and `#` comments. Newlines end a rule
// except inside parentheses. The rule `root` is where matching starts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace llm::engine {

// A set of Unicode code points: sorted, disjoint inclusive ranges, optionally negated.
class CharClass {
 public:
  // Adds [lo, hi] (lo <= hi); call Finish() once all ranges are in.
  void AddRange(uint32_t lo, uint32_t hi);
  void set_negated(bool negated) { negated_ = negated; }
  // Sorts and merges the ranges and fills the ASCII bitmap.
  void Finish();
  // True when the code point is in the set (after negation).
  bool Matches(uint32_t cp) const {
    if (cp < 128) return (ascii_[cp >> 6] >> (cp & 63)) & 1;
    return MatchesSlow(cp);
  }
  // True when some code point in [lo, hi] is in the set (used for partial UTF-8 sequences).
  bool Intersects(uint32_t lo, uint32_t hi) const;
  // The class in GBNF syntax, e.g. [^a-z], for error messages and tests.
  std::string ToString() const;

 private:
  bool MatchesSlow(uint32_t cp) const;
  bool InRanges(uint32_t cp) const;

  std::vector<std::pair<uint32_t, uint32_t>> ranges_;
  bool negated_ = false;
  uint64_t ascii_[2] = {0, 0};
};

// One element of a rule alternative.
struct GrammarElement {
  enum Kind : uint8_t { kEnd, kChar, kRule };
  Kind kind;
  uint32_t value;  // kChar: index into Grammar::classes; kRule: rule id; kEnd: unused
};

// Limits that keep hostile grammars bounded.
inline constexpr size_t kMaxGrammarBytes = 1 << 20;       // source text
inline constexpr size_t kMaxGrammarElements = 1 << 20;    // after repetitions are expanded
inline constexpr uint32_t kMaxRepetition = 10000;         // the n of {m,n}
inline constexpr int kMaxGroupNesting = 256;              // parentheses inside parentheses

// The compiled grammar: immutable, shared by every matcher that uses it.
struct Grammar {
  // Every alternative of every rule, each a run of elements ended by kEnd.
  std::vector<GrammarElement> elements;
  // rule id -> the index in `elements` where each alternative starts.
  std::vector<std::vector<uint32_t>> rule_alternatives;
  std::vector<std::string> rule_names;  // for messages; generated rules are named name_N
  std::vector<CharClass> classes;
  uint32_t root = 0;
};

// Parses GBNF text. InvalidArgument with "line L, column C: ..." for a syntax error, an
// undefined rule, a missing `root`, a left-recursive rule or a grammar over the size limits.
Result<std::shared_ptr<const Grammar>> ParseGrammar(std::string_view text);

// OK when no rule can reach itself before consuming a character (the matcher expands rules
// depth first and would never end); otherwise InvalidArgument naming the rule.
Status CheckNoLeftRecursion(const Grammar& grammar);

}  // namespace llm::engine
