// Writes GBNF text rule by rule (internal to engine_grammar): unique rule names, literal
// escaping, and the JSON primitives and string formats that the schema compiler refers to.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace llm::engine {

// `bytes` as a GBNF string literal, quotes included.
std::string GbnfLiteral(std::string_view bytes);

class GbnfWriter {
 public:
  GbnfWriter();
  // A new rule with a unique name derived from `hint` (sanitised), its body set later.
  std::string Reserve(std::string_view hint);
  // Sets the body of a rule made by Reserve.
  void Define(const std::string& name, std::string body);
  // A new rule `hint...` ::= body, returning its name.
  std::string Add(std::string_view hint, std::string body);
  // The name of a built-in rule, adding it (and what it needs) on first use: ws, value,
  // object, array, string, char, number, integer, boolean, null, date, time, date-time, uuid.
  // Empty for an unknown name.
  std::string Builtin(std::string_view what);
  // The whole grammar, root first.
  std::string Text(const std::string& root_body) const;

 private:
  std::vector<std::string> order_;
  std::map<std::string, std::string> bodies_;
  std::set<std::string> taken_;
};

}  // namespace llm::engine
