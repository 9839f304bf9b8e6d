// Recursive-descent parser of GBNF text (syntax in grammar.h). Every error names its
// position as "line L, column C".
#include <string>

#include "core/status.h"
#include "engine/grammar/grammar.h"
#include "engine/grammar/rule_builder.h"

namespace llm::engine {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::shared_ptr<const Grammar>> Parse() {
    SkipSpace(/*newlines=*/true);
    while (pos_ < text_.size()) {
      LLM_RETURN_IF_ERROR(ParseRule());
      SkipSpace(true);
    }
    return rules_.Finish([this](size_t at) { return Where(at); });
  }

 private:
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool AtEnd() const { return pos_ >= text_.size(); }

  std::string Where(size_t at) const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
  }
  Status Error(const std::string& what) const {
    return Status::InvalidArgument(Where(pos_) + ": " + what);
  }

  // Skips blanks and comments, and newlines too when `newlines`.
  void SkipSpace(bool newlines) {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '#') {
        while (!AtEnd() && Peek() != '\n') ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        ++pos_;
      } else {
        break;
      }
    }
  }

  std::string_view ParseName() {
    const size_t start = pos_;
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // `name ::= alternatives` up to the end of its line.
  Status ParseRule() {
    const size_t start = pos_;
    const std::string_view name = ParseName();
    if (name.empty()) return Error("expected a rule name");
    SkipSpace(false);
    if (text_.substr(pos_, 3) != "::=") return Error("expected '::=' after the rule name");
    pos_ += 3;
    SkipSpace(true);
    const uint32_t id = rules_.RuleId(name, start);
    Alternatives alts;
    LLM_RETURN_IF_ERROR(ParseAlternatives(std::string(name), false, 0, &alts));
    if (!AtEnd() && Peek() != '\n') return Error(std::string("unexpected '") + Peek() + "'");
    Status defined = rules_.Define(id, std::move(alts));
    if (!defined.ok()) return Status::InvalidArgument(Where(start) + ": " + defined.message());
    return Status::Ok();
  }

  Status ParseAlternatives(const std::string& rule, bool nested, int depth, Alternatives* out) {
    for (;;) {
      ElementSeq seq;
      LLM_RETURN_IF_ERROR(ParseSequence(rule, nested, depth, &seq));
      out->push_back(std::move(seq));
      // Outside parentheses a rule may continue on a following line that starts with '|'.
      const size_t save = pos_;
      SkipSpace(true);
      if (Peek() != '|') {
        if (!nested) pos_ = save;
        return Status::Ok();
      }
      ++pos_;
      SkipSpace(true);
    }
  }

  Status ParseSequence(const std::string& rule, bool nested, int depth, ElementSeq* seq) {
    size_t last_start = seq->size();
    bool has_last = false;
    for (;;) {
      SkipSpace(nested);
      const char c = Peek();
      if (AtEnd() || c == '|' || c == ')' || c == '\n') return Status::Ok();
      if (c == '*' || c == '+' || c == '?' || c == '{') {
        if (!has_last) return Error(std::string("'") + c + "' has nothing to repeat");
        LLM_RETURN_IF_ERROR(ParseRepetition(rule, last_start, seq));
        has_last = false;
        continue;
      }
      last_start = seq->size();
      has_last = true;
      LLM_RETURN_IF_ERROR(ParseSymbol(rule, nested, depth, seq));
    }
  }

  Status ParseSymbol(const std::string& rule, bool nested, int depth, ElementSeq* seq) {
    const char c = Peek();
    if (c == '"') return ParseLiteral(seq);
    if (c == '[') return ParseClass(seq);
    if (c == '.') {
      ++pos_;
      CharClass any;
      any.set_negated(true);
      any.Finish();
      seq->push_back(rules_.AddClass(std::move(any)));
      return Status::Ok();
    }
    if (c == '(') return ParseGroup(rule, depth, seq);
    if (IsNameChar(c)) {
      const size_t start = pos_;
      const std::string_view name = ParseName();
      const size_t after = pos_;
      SkipSpace(false);
      if (text_.substr(pos_, 3) == "::=") {
        pos_ = start;
        return Error(nested ? "a rule definition inside parentheses"
                            : "a rule definition must start on a new line");
      }
      pos_ = after;
      seq->push_back({GrammarElement::kRule, rules_.RuleId(name, start)});
      return Status::Ok();
    }
    return Error(std::string("unexpected '") + c + "'");
  }

  Status ParseGroup(const std::string& rule, int depth, ElementSeq* seq) {
    if (depth >= kMaxGroupNesting) return Error("parentheses nested too deep");
    ++pos_;
    SkipSpace(true);
    Alternatives alts;
    LLM_RETURN_IF_ERROR(ParseAlternatives(rule, true, depth + 1, &alts));
    SkipSpace(true);
    if (Peek() != ')') return Error("expected ')'");
    ++pos_;
    const uint32_t id = rules_.NewHelperRule(rule);
    LLM_RETURN_IF_ERROR(rules_.Define(id, std::move(alts)));
    seq->push_back({GrammarElement::kRule, id});
    return Status::Ok();
  }

  // `*` `+` `?` `{m}` `{m,}` `{m,n}` applied to seq[last_start..].
  Status ParseRepetition(const std::string& rule, size_t last_start, ElementSeq* seq) {
    uint32_t min = 0;
    int64_t max = -1;
    const char c = Peek();
    ++pos_;
    if (c == '+') min = 1;
    if (c == '?') max = 1;
    if (c == '{') LLM_RETURN_IF_ERROR(ParseBraces(&min, &max));
    const ElementSeq item(seq->begin() + static_cast<std::ptrdiff_t>(last_start), seq->end());
    seq->resize(last_start);
    if (item.empty()) return Status::Ok();  // repeating nothing is nothing
    auto repeated = rules_.Repeat(item, min, max, rule);
    if (!repeated.ok()) return Error(repeated.status().message());
    seq->insert(seq->end(), repeated->begin(), repeated->end());
    return Status::Ok();
  }

  Status ParseBraces(uint32_t* min, int64_t* max) {
    SkipSpace(false);
    int64_t lo = 0;
    LLM_RETURN_IF_ERROR(ParseInt(&lo));
    SkipSpace(false);
    int64_t hi = lo;
    if (Peek() == ',') {
      ++pos_;
      SkipSpace(false);
      hi = -1;
      if (Peek() != '}') LLM_RETURN_IF_ERROR(ParseInt(&hi));
      SkipSpace(false);
    }
    if (Peek() != '}') return Error("expected '}'");
    ++pos_;
    if (hi >= 0 && hi < lo) return Error("a repetition {m,n} needs m <= n");
    *min = static_cast<uint32_t>(lo);
    *max = hi;
    return Status::Ok();
  }

  Status ParseInt(int64_t* out) {
    if (Peek() < '0' || Peek() > '9') return Error("expected a number");
    int64_t v = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      v = v * 10 + (Peek() - '0');
      ++pos_;
      if (v > kMaxRepetition) return Error("a repetition count is above " + std::to_string(kMaxRepetition));
    }
    *out = v;
    return Status::Ok();
  }

  Status ParseLiteral(ElementSeq* seq) {
    ++pos_;
    while (Peek() != '"') {
      if (AtEnd() || Peek() == '\n') return Error("unterminated string literal");
      uint32_t cp = 0;
      LLM_RETURN_IF_ERROR(ParseChar(&cp));
      CharClass one;
      one.AddRange(cp, cp);
      one.Finish();
      seq->push_back(rules_.AddClass(std::move(one)));
    }
    ++pos_;
    return Status::Ok();
  }

  Status ParseClass(ElementSeq* seq) {
    ++pos_;
    CharClass cls;
    if (Peek() == '^') {
      cls.set_negated(true);
      ++pos_;
    }
    while (Peek() != ']') {
      if (AtEnd()) return Error("unterminated character class");
      uint32_t lo = 0, hi = 0;
      LLM_RETURN_IF_ERROR(ParseChar(&lo));
      hi = lo;
      if (Peek() == '-' && Peek(1) != ']' && Peek(1) != '\0') {
        ++pos_;
        LLM_RETURN_IF_ERROR(ParseChar(&hi));
        if (hi < lo) return Error("a character range ends before it starts");
      }
      cls.AddRange(lo, hi);
    }
    ++pos_;
    cls.Finish();
    seq->push_back(rules_.AddClass(std::move(cls)));
    return Status::Ok();
  }

  // One character of a literal or class: an escape or one UTF-8 encoded code point.
  Status ParseChar(uint32_t* cp) {
    if (Peek() == '\\') return ParseEscape(cp);
    const auto b = static_cast<unsigned char>(Peek());
    const int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0) return Error("invalid UTF-8");
    uint32_t v = len == 1 ? b : b & (0x3F >> (len - 1));
    for (int i = 1; i < len; ++i) {
      const auto cont = static_cast<unsigned char>(Peek(i));
      if ((cont & 0xC0) != 0x80) return Error("invalid UTF-8");
      v = (v << 6) | (cont & 0x3F);
    }
    pos_ += len;
    *cp = v;
    return Status::Ok();
  }

  Status ParseEscape(uint32_t* cp) {
    const char c = Peek(1);
    pos_ += 2;
    switch (c) {
      case 'n': *cp = '\n'; return Status::Ok();
      case 'r': *cp = '\r'; return Status::Ok();
      case 't': *cp = '\t'; return Status::Ok();
      case '\\': case '"': case '\'': case '[': case ']': case '-': case '^': case '/':
        *cp = static_cast<unsigned char>(c);
        return Status::Ok();
      case 'x': return ParseHex(2, cp);
      case 'u': return ParseHex(4, cp);
      case 'U': return ParseHex(8, cp);
      default:
        pos_ -= 2;
        return Error(std::string("unknown escape '\\") + c + "'");
    }
  }

  Status ParseHex(int digits, uint32_t* cp) {
    uint32_t v = 0;
    for (int i = 0; i < digits; ++i) {
      const int h = HexValue(Peek());
      if (h < 0) return Error("expected " + std::to_string(digits) + " hex digits");
      v = (v << 4) | static_cast<uint32_t>(h);
      ++pos_;
    }
    if (v > 0x10FFFF) return Error("code point above U+10FFFF");
    *cp = v;
    return Status::Ok();
  }

  std::string_view text_;
  size_t pos_ = 0;
  RuleBuilder rules_;
};

}  // namespace

Result<std::shared_ptr<const Grammar>> ParseGrammar(std::string_view text) {
  if (text.size() > kMaxGrammarBytes) {
    return Status::InvalidArgument("the grammar is longer than " + std::to_string(kMaxGrammarBytes) +
                                   " bytes");
  }
  return Parser(text).Parse();
}

}  // namespace llm::engine
