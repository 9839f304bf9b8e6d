#include "engine/tokenizer/unicode_util.h"

#include <array>

namespace llm::engine {

size_t Utf8SequenceLength(char lead) {
  static constexpr size_t kLookup[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLookup[static_cast<uint8_t>(lead) >> 4];
}

namespace {

bool IsContinuation(std::string_view s, size_t i) {
  return i < s.size() && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80;
}

// Decodes one code point at `*offset`, or returns false (offset unchanged) when invalid.
bool DecodeOne(std::string_view s, size_t* offset, uint32_t* cp) {
  const size_t i = *offset;
  const uint8_t b0 = static_cast<uint8_t>(s[i]);
  if (!(b0 & 0x80)) {
    *cp = b0;
    *offset += 1;
    return true;
  }
  if (!(b0 & 0x40)) return false;
  if (!(b0 & 0x20)) {
    if (!IsContinuation(s, i + 1)) return false;
    *cp = ((b0 & 0x1Fu) << 6) | (static_cast<uint8_t>(s[i + 1]) & 0x3Fu);
    *offset += 2;
    return true;
  }
  if (!(b0 & 0x10)) {
    if (!IsContinuation(s, i + 1) || !IsContinuation(s, i + 2)) return false;
    *cp = ((b0 & 0x0Fu) << 12) | ((static_cast<uint8_t>(s[i + 1]) & 0x3Fu) << 6) |
          (static_cast<uint8_t>(s[i + 2]) & 0x3Fu);
    *offset += 3;
    return true;
  }
  if (!(b0 & 0x08)) {
    if (!IsContinuation(s, i + 1) || !IsContinuation(s, i + 2) || !IsContinuation(s, i + 3)) {
      return false;
    }
    *cp = ((b0 & 0x07u) << 18) | ((static_cast<uint8_t>(s[i + 1]) & 0x3Fu) << 12) |
          ((static_cast<uint8_t>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<uint8_t>(s[i + 3]) & 0x3Fu);
    *offset += 4;
    return true;
  }
  return false;
}

// The 256 code points of the GPT-2 byte-level alphabet, indexed by byte.
std::array<uint32_t, 256> BuildByteAlphabet() {
  std::array<uint32_t, 256> cps{};
  std::array<bool, 256> printable{};
  for (int b = 0x21; b <= 0x7E; ++b) printable[b] = true;
  for (int b = 0xA1; b <= 0xAC; ++b) printable[b] = true;
  for (int b = 0xAE; b <= 0xFF; ++b) printable[b] = true;
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) cps[b] = printable[b] ? static_cast<uint32_t>(b) : next++;
  return cps;
}

struct ByteAlphabet {
  std::array<std::string, 256> utf8;
  std::array<int16_t, 512> byte_of_cp;  // every alphabet code point is below 512
  ByteAlphabet() {
    byte_of_cp.fill(-1);
    const auto cps = BuildByteAlphabet();
    for (int b = 0; b < 256; ++b) {
      AppendUtf8(cps[b], &utf8[b]);
      byte_of_cp[cps[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteAlphabet& Alphabet() {
  static const ByteAlphabet alphabet;  // immutable after construction
  return alphabet;
}

}  // namespace

std::vector<uint32_t> DecodeUtf8Lenient(std::string_view text) {
  std::vector<uint32_t> cps;
  cps.reserve(text.size());
  size_t offset = 0;
  while (offset < text.size()) {
    uint32_t cp = 0;
    if (DecodeOne(text, &offset, &cp)) {
      cps.push_back(cp);
    } else {
      cps.push_back(0xFFFD);
      ++offset;
    }
  }
  return cps;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp <= 0x7F) {
    out->push_back(static_cast<char>(cp));
  } else if (cp <= 0x7FF) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0xFFFF) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp <= 0x10FFFF) {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    AppendUtf8(0xFFFD, out);
  }
}

std::string_view ByteToUnicode(uint8_t byte) { return Alphabet().utf8[byte]; }

int UnicodeToByte(uint32_t cp) { return cp < 512 ? Alphabet().byte_of_cp[cp] : -1; }

}  // namespace llm::engine
