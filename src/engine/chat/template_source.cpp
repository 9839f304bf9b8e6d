#include "engine/chat/template_source.h"

#include <algorithm>

namespace llm::engine {
namespace {

// The decoded literal around `pos`: from the nearest quote before it to the same quote after.
std::string LiteralAround(std::string_view text, size_t pos) {
  const size_t open = text.find_last_of("'\"", pos);
  if (open == std::string_view::npos) return {};
  return Unescape(LiteralAt(text, open));
}

// Whether the output has a newline right after the tag ending at `close` (the index of "}}").
bool NewlineAfter(std::string_view source, size_t close) {
  if (close > 0 && source[close - 1] == '-') return false;  // "-}}" strips what follows
  const size_t after = close + 2;
  if (after >= source.size() || source[after] != '\n') return false;
  const size_t next = SkipSpaces(source, after);
  if (next >= source.size()) return false;  // Jinja drops the file's single trailing newline
  const std::string_view rest = source.substr(next, 3);
  return rest != "{%-" && rest != "{{-" && rest != "{#-";
}

}  // namespace

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string Compact(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (char c : source) {
    if (!IsSpace(c)) out.push_back(c);
  }
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string Unescape(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out.push_back(body[i]);
      continue;
    }
    const char next = body[++i];
    out.push_back(next == 'n' ? '\n' : next == 't' ? '\t' : next);
  }
  return out;
}

std::string_view LiteralAt(std::string_view source, size_t pos) {
  if (pos >= source.size() || (source[pos] != '\'' && source[pos] != '"')) return {};
  const char quote = source[pos];
  size_t end = pos + 1;
  while (end < source.size() && source[end] != quote) end += source[end] == '\\' ? 2 : 1;
  if (end >= source.size()) return {};
  return source.substr(pos + 1, end - pos - 1);
}

size_t PartialMarkerLength(std::string_view s, std::string_view marker) {
  for (size_t n = std::min(s.size(), marker.size() - 1); n > 0; --n) {
    if (marker.starts_with(s.substr(s.size() - n))) return n;
  }
  return 0;
}

size_t SkipSpaces(std::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

std::optional<ExpressionTag> FindExpression(std::string_view source, std::string_view marker,
                                            std::string_view word, bool with_word) {
  for (size_t pos = source.find(marker); pos != std::string_view::npos;
       pos = source.find(marker, pos + 1)) {
    const size_t open = source.rfind("{{", pos);
    const size_t close = source.find("}}", pos);
    if (open == std::string_view::npos || close == std::string_view::npos) continue;
    if (source.find("}}", open) < pos) continue;  // the marker is not inside this tag
    const std::string_view text = source.substr(open + 2, close - open - 2);
    if (Contains(text, word) != with_word) continue;
    return ExpressionTag{text, LiteralAround(source, pos), NewlineAfter(source, close)};
  }
  return std::nullopt;
}

}  // namespace llm::engine
