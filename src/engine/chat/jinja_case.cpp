// Letter case for the template string methods and filters: the simple one-to-one mappings of
// Latin (ASCII, Latin-1, Latin Extended-A), Greek and Cyrillic, which cover the text chat
// templates change the case of. Invalid UTF-8 passes through unchanged.
#include <vector>

#include "engine/chat/jinja_methods.h"
#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes the code point at s[i...], advancing i; kInvalid (one byte consumed) when invalid.
char32_t Decode(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t n = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3
                                 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return kInvalid;
  }
  char32_t cp = n == 1 ? b0 : b0 & (0xFF >> (n + 1));
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += n;
  return cp;
}

// Latin Extended-A alternates upper (even) and lower (odd) from U+0100, except
// U+0139..U+0148 and U+0179..U+017E, which start on an odd upper case letter.
bool ExtendedAUpperIsOdd(char32_t c) {
  return (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
}
bool InExtendedAPairs(char32_t c) {
  return c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
         c != 0x178 && c != 0x17F;
}

char32_t ToLower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c == 0x178) return 0xFF;
  if (InExtendedAPairs(c)) return (c % 2 == 0) != ExtendedAUpperIsOdd(c) ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c == 0x386) return 0x3AC;  // Greek capitals with tonos
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

char32_t ToUpper(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (InExtendedAPairs(c)) return (c % 2 == 0) == ExtendedAUpperIsOdd(c) ? c - 1 : c;
  if (c == 0x3C2) return 0x3A3;  // final sigma
  if (c >= 0x3B1 && c <= 0x3C9) return c - 32;
  if (c == 0x3AC) return 0x386;
  if (c >= 0x3AD && c <= 0x3AF) return c - 37;
  if (c == 0x3CC) return 0x38C;
  if (c == 0x3CD || c == 0x3CE) return c - 63;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

bool IsCased(char32_t c) { return c != kInvalid && (ToLower(c) != c || ToUpper(c) != c || c == 0xDF); }

// Maps every code point of `s` with `map(cp, index_in_word_state)`.
template <typename Map>
std::string MapText(std::string_view s, Map map) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const char32_t cp = Decode(s, i);
    if (cp == kInvalid) {
      out.append(s.substr(start, i - start));
    } else {
      AppendUtf8(out, map(cp));
    }
  }
  return out;
}

}  // namespace

std::string UpperText(std::string_view s) { return MapText(s, ToUpper); }
std::string LowerText(std::string_view s) { return MapText(s, ToLower); }

std::string TitleText(std::string_view s) {
  bool previous_cased = false;
  return MapText(s, [&](char32_t c) {
    const bool cased = IsCased(c);
    const char32_t mapped = cased ? (previous_cased ? ToLower(c) : ToUpper(c)) : c;
    previous_cased = cased;
    return mapped;
  });
}

std::string CapitalizeText(std::string_view s) {
  bool first = true;
  return MapText(s, [&](char32_t c) {
    const char32_t mapped = first ? ToUpper(c) : ToLower(c);
    first = false;
    return mapped;
  });
}

std::string TitleWords(std::string_view s) {
  bool word_start = true;
  return MapText(s, [&](char32_t c) {
    const bool boundary = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                          c == '\v' || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
    const char32_t mapped = boundary ? c : word_start ? ToUpper(c) : ToLower(c);
    word_start = boundary;
    return mapped;
  });
}

}  // namespace llm::engine::jinja
