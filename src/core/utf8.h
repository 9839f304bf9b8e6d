// UTF-8 validation: the length of a well-formed sequence (no overlongs, no surrogates,
// nothing above U+10FFFF), so callers can replace what is not.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llm {

// Length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i);

// `s` with every invalid byte sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

// The longest prefix of `s` not longer than `max_bytes` that does not cut a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

}  // namespace llm
