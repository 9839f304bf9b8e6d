// Tokenizer::TokenToPiece and Tokenizer::Decode (llama.cpp's token_to_piece and detokenize).
#include <cstdio>
#include <cstdlib>

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode_util.h"

namespace llm::engine {

namespace {

std::string UnescapeSpaces(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\xE2\x96\x81") == 0) {
      out += ' ';
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Byte-level text back to bytes; a code point outside the byte alphabet is rendered as
// "[UNK_BYTE_0x<hex>" + text + "]" like llama.cpp's llama_decode_text.
std::string DecodeByteLevel(const std::string& text) {
  std::string out;
  for (uint32_t cp : DecodeUtf8Lenient(text)) {
    const int byte = UnicodeToByte(cp);
    if (byte >= 0) {
      out += static_cast<char>(byte);
      continue;
    }
    std::string utf8;
    AppendUtf8(cp, &utf8);
    out += "[UNK_BYTE_0x";
    for (char c : utf8) {
      char hex[3];
      std::snprintf(hex, sizeof(hex), "%02x", static_cast<unsigned>(static_cast<uint8_t>(c)));
      out += hex;
    }
    out += text + "]";
  }
  return out;
}

// The byte of a "<0xXX>" token text.
std::string ByteOfHexToken(const std::string& text) {
  if (text.size() < 6) return "";
  return std::string(1, static_cast<char>(std::strtol(text.substr(3, 2).c_str(), nullptr, 16)));
}

// llama.cpp's clean-up for BPE vocabularies: " ?" -> "?" (also ! . ,), " ' " -> "'",
// " 's" / " 'm" / " 're" / " 've" -> "'s" ... Ported pass by pass on one buffer.
void CleanSpaces(std::string* s) {
  std::string& t = *s;
  size_t total = t.size();
  size_t n = total;
  total = n ? 1 : 0;
  for (size_t i = 1; i < n; ++i) {
    const char x = t[i];
    if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) --total;
    t[total++] = x;
  }
  n = total;
  total = n ? 1 : 0;
  for (size_t i = 1; i < n; ++i) {
    const char x = t[i];
    if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
      --total;
      t[++i] = '\0';
    }
    t[total++] = x;
  }
  n = total;
  total = n ? 1 : 0;
  for (size_t i = 1; i < n; ++i) {
    const char x = t[i];
    if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
      const char x1 = t[i + 1];
      if (x1 == 's' || x1 == 'm') {
        --total;
      } else if (x1 != 't' && x1 != 'd' && i + 2 < n) {
        const char x2 = t[i + 2];
        if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) --total;
      }
    }
    t[total++] = x;
  }
  t.resize(total);
}

}  // namespace

std::string Tokenizer::TokenToPiece(int32_t id, bool render_special) const {
  if (id < 0 || id >= vocab_->size()) return "";
  const TokenData& token = vocab_->tokens[id];
  const uint32_t attr = token.attr;
  if (!render_special && (attr & (kAttrUnknown | kAttrControl))) return "";
  if (attr & (kAttrUnknown | kAttrControl | kAttrUserDefined)) return token.text;
  const bool spm = vocab_->type == VocabType::kSpm;
  if (attr & kAttrNormal) return spm ? UnescapeSpaces(token.text) : DecodeByteLevel(token.text);
  if (attr & kAttrByte) return spm ? ByteOfHexToken(token.text) : DecodeByteLevel(token.text);
  return "";  // unused and undefined tokens have no text
}

std::string Tokenizer::Decode(std::span<const int32_t> ids, bool render_special) const {
  std::string text;
  bool remove_space = vocab_->add_space_prefix;
  for (int32_t id : ids) {
    std::string piece = TokenToPiece(id, render_special);
    if (remove_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
    remove_space = false;
    text += piece;
  }
  if (vocab_->clean_spaces) CleanSpaces(&text);
  return text;
}

}  // namespace llm::engine
