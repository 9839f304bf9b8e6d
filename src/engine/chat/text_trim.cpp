#include "engine/chat/text_trim.h"

#include <cstdint>

namespace llm::engine {
namespace {

// Decodes the UTF-8 sequence at the start of `s`; sets `length` (0 when invalid).
char32_t DecodeFirst(std::string_view s, size_t& length) {
  length = 0;
  if (s.empty()) return 0;
  const auto b0 = static_cast<uint8_t>(s[0]);
  size_t n;
  char32_t c;
  if (b0 < 0x80) {
    length = 1;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    n = 2;
    c = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3;
    c = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4;
    c = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  length = n;
  return c;
}

// The length of the whitespace character ending `s`, or 0.
size_t TrailingSpaceLength(std::string_view s) {
  for (size_t n = 1; n <= 4 && n <= s.size(); ++n) {
    const auto b = static_cast<uint8_t>(s[s.size() - n]);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: the lead is further back
    size_t length;
    const char32_t c = DecodeFirst(s.substr(s.size() - n), length);
    return length == n && IsPythonSpace(c) ? n : 0;
  }
  return 0;
}

}  // namespace

bool IsPythonSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string_view TrimPythonWhitespace(std::string_view text) {
  for (;;) {
    size_t length;
    const char32_t c = DecodeFirst(text, length);
    if (length == 0 || !IsPythonSpace(c)) break;
    text.remove_prefix(length);
  }
  for (size_t n = TrailingSpaceLength(text); n > 0; n = TrailingSpaceLength(text)) {
    text.remove_suffix(n);
  }
  return text;
}

}  // namespace llm::engine
