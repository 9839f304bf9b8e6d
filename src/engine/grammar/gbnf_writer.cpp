#include "engine/grammar/gbnf_writer.h"

#include <cctype>
#include <cstdio>
#include <utility>

namespace llm::engine {
namespace {

constexpr const char* kPrefix = "j-";  // built-in rule names; derived names never start so

struct BuiltinRule {
  const char* name;
  const char* body;
};

// JSON primitives. A string char is any code point but '"', '\\' and controls, or an escape
// (no lone surrogates, so a validator counts the same length as the grammar).
constexpr BuiltinRule kBuiltins[] = {
    {"ws", R"(" "?)"},
    {"char",
     R"([^"\\\x00-\x1F\x7F] | "\\" (["\\/bfnrt] | "u" ([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2})))"},
    {"string", R"("\"" j-char* "\"")"},
    {"integer", R"("-"? ("0" | [1-9] [0-9]{0,15}))"},
    {"number", R"(j-integer ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})?)"},
    {"boolean", R"("true" | "false")"},
    {"null", R"("null")"},
    {"value", R"(j-object | j-array | j-string | j-number | j-boolean | j-null)"},
    {"member", R"(j-string ":" j-ws j-value)"},
    {"object", R"("{" j-ws (j-member ("," j-ws j-member)*)? "}")"},
    {"array", R"("[" j-ws (j-value ("," j-ws j-value)*)? "]")"},
    {"date", R"("\"" j-date-body "\"")"},
    // Every month has days 01-28; 29 and 30 all but February; 31 the long months.
    {"date-body",
     R"([0-9]{4} "-" (("0" [1-9] | "1" [0-2]) "-" ("0" [1-9] | "1" [0-9] | "2" [0-8]) | ("0" [13-9] | "1" [0-2]) "-" ("29" | "30") | ("0" [13578] | "1" [02]) "-31"))"},
    {"time", R"("\"" j-time-body "\"")"},
    {"time-body",
     R"(([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ("." [0-9]{1,6})? ("Z" | [+-] ([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9]))"},
    {"date-time", R"("\"" j-date-body "T" j-time-body "\"")"},
    {"uuid",
     R"("\"" [0-9a-f]{8} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{12} "\"")"},
};

const BuiltinRule* FindBuiltin(std::string_view what) {
  for (const auto& rule : kBuiltins) {
    if (what == rule.name) return &rule;
  }
  return nullptr;
}

std::string Sanitise(std::string_view hint) {
  std::string out;
  for (char c : hint) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || out.rfind("j-", 0) == 0) out = "s" + out;
  return out;
}

}  // namespace

std::string GbnfLiteral(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02X", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

GbnfWriter::GbnfWriter() { taken_.insert("root"); }

std::string GbnfWriter::Reserve(std::string_view hint) {
  const std::string base = Sanitise(hint);
  std::string name = base;
  for (int n = 2; taken_.contains(name); ++n) {
    name = base;
    name.append("-").append(std::to_string(n));
  }
  taken_.insert(name);
  order_.push_back(name);
  return name;
}

void GbnfWriter::Define(const std::string& name, std::string body) { bodies_[name] = std::move(body); }

std::string GbnfWriter::Add(std::string_view hint, std::string body) {
  std::string name = Reserve(hint);
  Define(name, std::move(body));
  return name;
}

std::string GbnfWriter::Builtin(std::string_view what) {
  const BuiltinRule* rule = FindBuiltin(what);
  if (rule == nullptr) return "";
  std::string name = std::string(kPrefix) + rule->name;
  if (taken_.insert(name).second) {
    order_.push_back(name);
    bodies_[name] = rule->body;
    // Pull in what the body refers to.
    std::string_view body = rule->body;
    for (size_t at = body.find(kPrefix); at != std::string_view::npos; at = body.find(kPrefix, at + 2)) {
      size_t end = at + 2;
      while (end < body.size() && (std::isalnum(static_cast<unsigned char>(body[end])) || body[end] == '-')) ++end;
      Builtin(body.substr(at + 2, end - at - 2));
    }
  }
  return name;
}

std::string GbnfWriter::Text(const std::string& root_body) const {
  std::string out = "root ::= " + root_body + "\n";
  for (const std::string& name : order_) {
    auto it = bodies_.find(name);
    out += name + " ::= " + (it == bodies_.end() ? "\"\"" : it->second) + "\n";
  }
  return out;
}

}  // namespace llm::engine
