#include "engine/chat/jinja_lexer.h"

#include <algorithm>
#include <cstring>

#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {
namespace {

// Python's `\s` for the ASCII range.
bool IsPySpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

// The length of a line break at `i` as Python's str.splitlines sees it (0 if none).
size_t LineBreakAt(std::string_view s, size_t i) {
  const char c = s[i];
  if (c == '\r') return i + 1 < s.size() && s[i + 1] == '\n' ? 2 : 1;
  if (c == '\n' || c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e') return 1;
  if (s.compare(i, 2, "\xC2\x85") == 0) return 2;
  if (s.compare(i, 3, "\xE2\x80\xA8") == 0 || s.compare(i, 3, "\xE2\x80\xA9") == 0) return 3;
  return 0;
}

// What Jinja2 does first: `"\n".join(source.splitlines())`, which normalises line breaks and
// drops one trailing line break (keep_trailing_newline is off).
std::string NormaliseNewlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = LineBreakAt(s, i);
    if (n == 0) {
      out += s[i++];
      continue;
    }
    i += n;
    if (i < s.size()) out += '\n';
  }
  return out;
}

// Decodes `digits` hex digits at body[i...]; false when they are not all hex.
bool ReadHex(std::string_view body, size_t i, size_t digits, uint32_t* cp) {
  if (i + digits > body.size()) return false;
  uint32_t v = 0;
  for (size_t k = 0; k < digits; ++k) {
    const char c = body[i + k];
    const int d = IsDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                       : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  *cp = v;
  return v <= 0x10FFFF;
}

// The escapes of a Python string literal body (Jinja2 decodes with "unicode-escape").
std::string DecodeEscapes(std::string_view body) {
  static constexpr std::string_view kFrom = "ntr\\'\"abfv";
  static constexpr std::string_view kTo = "\n\t\r\\'\"\a\b\f\v";
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    const char e = body[i + 1];
    uint32_t cp = 0;
    const size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    if (const size_t k = kFrom.find(e); k != std::string_view::npos) {
      out += kTo[k];
      ++i;
    } else if (digits != 0 && ReadHex(body, i + 2, digits, &cp)) {
      AppendUtf8(out, cp);
      i += 1 + digits;
    } else if (e >= '0' && e <= '7') {
      size_t k = i + 1;
      while (k < body.size() && k < i + 4 && body[k] >= '0' && body[k] <= '7') {
        cp = cp * 8 + static_cast<uint32_t>(body[k++] - '0');
      }
      AppendUtf8(out, cp);
      i = k - 1;
    } else if (e == '\n') {
      ++i;  // a backslash before a line break continues the line
    } else {
      out += '\\';
    }
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string source) : src_(std::move(source)) {}
  Result<std::vector<Token>> Run();

 private:
  // The 1-based line of `pos`, counted on from the last position asked (they mostly grow).
  int Line(size_t pos) const {
    if (pos < counted_to_) counted_to_ = 0, counted_lines_ = 1;
    counted_lines_ += static_cast<int>(
        std::count(src_.begin() + static_cast<std::ptrdiff_t>(counted_to_),
                   src_.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
    counted_to_ = pos;
    return counted_lines_;
  }
  Status Error(size_t pos, const std::string& what) const {
    return Status::InvalidArgument("template syntax error at line " + std::to_string(Line(pos)) +
                                   ": " + what);
  }
  void EmitText(size_t from, std::string text);
  std::string ApplyLeftStrip(std::string text, char sign, bool variable) const;
  size_t SkipAfterTag(size_t pos, char sign, bool trim_newline);
  Result<size_t> Comment(size_t after_open);
  Result<size_t> Raw(size_t body_start, size_t open);
  Result<size_t> Tag(size_t after_open, bool block);
  Result<size_t> InnerToken(size_t pos, int* depth);
  bool IsRawStart(size_t after_open, size_t* body_start) const;

  std::string src_;
  std::vector<Token> out_;
  bool line_starting_ = true;
  mutable size_t counted_to_ = 0;
  mutable int counted_lines_ = 1;
};

void Lexer::EmitText(size_t from, std::string text) {
  if (!text.empty()) out_.push_back({TokenKind::kText, std::move(text), Line(from)});
}

// The text before a tag after the tag's left whitespace control: `-` strips all trailing
// whitespace; lstrip_blocks strips the spaces between the line start and a block or comment.
std::string Lexer::ApplyLeftStrip(std::string text, char sign, bool variable) const {
  if (sign == '-') {
    size_t end = text.size();
    while (end > 0 && IsPySpace(text[end - 1])) --end;
    text.resize(end);
  } else if (sign != '+' && !variable) {
    const size_t line_start = text.rfind('\n') + 1;  // npos + 1 == 0
    if (line_start > 0 || line_starting_) {
      if (std::all_of(text.begin() + line_start, text.end(), IsPySpace)) text.resize(line_start);
    }
  }
  return text;
}

// Skips what a tag's right side removes after `pos`: all whitespace after `-`, one newline
// for trim_blocks. Records whether the next text starts a line (for lstrip_blocks).
size_t Lexer::SkipAfterTag(size_t pos, char sign, bool trim_newline) {
  if (sign == '-') {
    while (pos < src_.size() && IsPySpace(src_[pos])) ++pos;
  } else if (sign != '+' && trim_newline && pos < src_.size() && src_[pos] == '\n') {
    ++pos;
  }
  line_starting_ = pos > 0 && src_[pos - 1] == '\n';
  return pos;
}

Result<size_t> Lexer::Comment(size_t after_open) {
  const size_t close = src_.find("#}", after_open);
  if (close == std::string::npos) return Error(after_open, "unclosed comment");
  char sign = 0;
  if (close > after_open && (src_[close - 1] == '-' || src_[close - 1] == '+')) {
    sign = src_[close - 1];
  }
  return SkipAfterTag(close + 2, sign, true);
}

bool Lexer::IsRawStart(size_t after_open, size_t* body_start) const {
  size_t p = after_open;
  if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) ++p;
  while (p < src_.size() && IsPySpace(src_[p])) ++p;
  if (src_.compare(p, 3, "raw") != 0 || (p + 3 < src_.size() && IsNameChar(src_[p + 3]))) {
    return false;
  }
  p += 3;
  while (p < src_.size() && IsPySpace(src_[p])) ++p;
  if (src_.compare(p, 3, "-%}") == 0) {
    p += 3;
    while (p < src_.size() && IsPySpace(src_[p])) ++p;
  } else if (src_.compare(p, 2, "%}") == 0) {
    p += 2;  // no trim_blocks after a raw opening, as in Jinja2
  } else {
    return false;
  }
  *body_start = p;
  return true;
}

// A raw block's body, up to its {% endraw %}, as text.
Result<size_t> Lexer::Raw(size_t body_start, size_t open) {
  for (size_t p = src_.find("{%", body_start); p != std::string::npos; p = src_.find("{%", p + 2)) {
    size_t q = p + 2;
    const char sign = q < src_.size() && (src_[q] == '-' || src_[q] == '+') ? src_[q] : 0;
    if (sign) ++q;
    while (q < src_.size() && IsPySpace(src_[q])) ++q;
    if (src_.compare(q, 6, "endraw") != 0) continue;
    q += 6;
    while (q < src_.size() && IsPySpace(src_[q])) ++q;
    char end_sign = 0;
    if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) end_sign = src_[q++];
    if (src_.compare(q, 2, "%}") != 0) continue;
    line_starting_ = src_[body_start - 1] == '\n';
    EmitText(body_start, ApplyLeftStrip(src_.substr(body_start, p - body_start), sign, false));
    return SkipAfterTag(q + 2, end_sign, true);
  }
  return Error(open, "unclosed raw block");
}

Result<size_t> Lexer::InnerToken(size_t pos, int* depth) {
  const size_t start = pos;
  const char c = src_[pos];
  if (IsNameStart(c)) {
    while (pos < src_.size() && IsNameChar(src_[pos])) ++pos;
    out_.push_back({TokenKind::kName, src_.substr(start, pos - start), Line(start)});
    return pos;
  }
  if (IsDigit(c)) {
    bool is_float = false;
    while (pos < src_.size() && (IsDigit(src_[pos]) || src_[pos] == '_')) ++pos;
    if (pos + 1 < src_.size() && src_[pos] == '.' && IsDigit(src_[pos + 1])) {
      is_float = true;
      ++pos;
      while (pos < src_.size() && (IsDigit(src_[pos]) || src_[pos] == '_')) ++pos;
    }
    if (pos < src_.size() && (src_[pos] == 'e' || src_[pos] == 'E')) {
      size_t q = pos + 1;
      if (q < src_.size() && (src_[q] == '+' || src_[q] == '-')) ++q;
      if (q < src_.size() && IsDigit(src_[q])) {
        is_float = true;
        pos = q;
        while (pos < src_.size() && IsDigit(src_[pos])) ++pos;
      }
    }
    std::string text = src_.substr(start, pos - start);
    std::erase(text, '_');
    out_.push_back({is_float ? TokenKind::kFloat : TokenKind::kInt, text, Line(start)});
    return pos;
  }
  if (c == '\'' || c == '"') {
    ++pos;
    while (pos < src_.size() && src_[pos] != c) pos += src_[pos] == '\\' ? 2 : 1;
    if (pos >= src_.size()) return Error(start, "unclosed string literal");
    out_.push_back({TokenKind::kString,
                    DecodeEscapes(std::string_view(src_).substr(start + 1, pos - start - 1)),
                    Line(start)});
    return pos + 1;
  }
  static constexpr const char* kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
  for (const char* op : kTwo) {
    if (src_.compare(pos, 2, op) == 0) {
      out_.push_back({TokenKind::kOperator, op, Line(start)});
      return pos + 2;
    }
  }
  if (std::strchr("+-*/%~()[]{},.:|=<>", c) == nullptr || c == '\0') {
    return Error(pos, std::string("unexpected character '") + c + "'");
  }
  if (c == '(' || c == '[' || c == '{') ++*depth;
  if ((c == ')' || c == ']' || c == '}') && *depth > 0) --*depth;
  out_.push_back({TokenKind::kOperator, std::string(1, c), Line(start)});
  return pos + 1;
}

// The inside of a {{ }} or {% %} tag, up to and including its end and what it strips.
Result<size_t> Lexer::Tag(size_t after_open, bool block) {
  out_.push_back({block ? TokenKind::kBlockBegin : TokenKind::kVarBegin, "", Line(after_open)});
  size_t pos = after_open;
  if (pos < src_.size() && (src_[pos] == '-' || src_[pos] == '+')) ++pos;
  const std::string_view close = block ? "%}" : "}}";
  int depth = 0;
  while (true) {
    while (pos < src_.size() && IsPySpace(src_[pos])) ++pos;
    if (pos >= src_.size()) return Error(after_open, block ? "unclosed block tag" : "unclosed {{");
    const char c = src_[pos];
    const bool signed_end = (c == '-' || (block && c == '+')) && src_.compare(pos + 1, 2, close) == 0;
    if (depth == 0 && (signed_end || src_.compare(pos, 2, close) == 0)) {
      out_.push_back({block ? TokenKind::kBlockEnd : TokenKind::kVarEnd, "", Line(pos)});
      return SkipAfterTag(pos + (signed_end ? 3 : 2), signed_end ? c : 0, block);
    }
    LLM_ASSIGN_OR_RETURN(pos, InnerToken(pos, &depth));
  }
}

Result<std::vector<Token>> Lexer::Run() {
  size_t pos = 0;
  while (pos < src_.size()) {
    size_t open = src_.find('{', pos);
    while (open != std::string::npos && open + 1 < src_.size() &&
           std::strchr("{%#", src_[open + 1]) == nullptr) {
      open = src_.find('{', open + 1);
    }
    if (open == std::string::npos || open + 1 >= src_.size()) {
      EmitText(pos, src_.substr(pos));
      break;
    }
    const char kind = src_[open + 1];
    const size_t after = open + 2;
    const char sign = after < src_.size() && (src_[after] == '-' || src_[after] == '+') ? src_[after] : 0;
    EmitText(pos, ApplyLeftStrip(src_.substr(pos, open - pos), sign, kind == '{'));
    size_t raw_body = 0;
    if (kind == '#') {
      LLM_ASSIGN_OR_RETURN(pos, Comment(after));
    } else if (kind == '%' && IsRawStart(after, &raw_body)) {
      LLM_ASSIGN_OR_RETURN(pos, Raw(raw_body, open));
    } else {
      LLM_ASSIGN_OR_RETURN(pos, Tag(after, kind == '%'));
    }
  }
  out_.push_back({TokenKind::kEnd, "", Line(src_.size())});
  return std::move(out_);
}

}  // namespace

Result<std::vector<Token>> Tokenize(std::string_view source) {
  return Lexer(NormaliseNewlines(source)).Run();
}

}  // namespace llm::engine::jinja
