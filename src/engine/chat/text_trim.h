// Jinja's `trim` filter, which is Python's str.strip(): removes leading and trailing Unicode
// whitespace (internal to engine_chat and its tests).
#pragma once

#include <string_view>

namespace llm::engine {

// True for the code points Python's str.isspace() accepts.
bool IsPythonSpace(char32_t c);
// `text` without leading and trailing Python whitespace; invalid UTF-8 is never removed.
std::string_view TrimPythonWhitespace(std::string_view text);

}  // namespace llm::engine
