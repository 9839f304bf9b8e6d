// UTF-8 helpers with the exact leniency of llama.cpp's unicode.cpp, and the GPT-2 byte-level
// mapping (every byte 0..255 stands for one printable code point) used by "gpt2" vocabularies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llm::engine {

// Length of the UTF-8 sequence that `lead` starts (1 for ASCII and stray continuation bytes).
size_t Utf8SequenceLength(char lead);

// Code points of `text`; an invalid sequence yields U+FFFD and skips one byte. Overlong forms
// are accepted and surrogates / values above U+10FFFF are passed through, as llama.cpp does.
std::vector<uint32_t> DecodeUtf8Lenient(std::string_view text);

// Appends the UTF-8 encoding of `cp` (values above U+10FFFF are encoded as U+FFFD).
void AppendUtf8(uint32_t cp, std::string* out);

// The GPT-2 byte-to-unicode mapping: the UTF-8 text of the code point that stands for `byte`.
std::string_view ByteToUnicode(uint8_t byte);

// The byte a single byte-level code point stands for, or -1 when `cp` is not one of them.
int UnicodeToByte(uint32_t cp);

}  // namespace llm::engine
