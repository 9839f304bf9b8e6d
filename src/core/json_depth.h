// A bound on JSON nesting, checked before any recursive walk of untrusted JSON (request bodies,
// log lines): parsers and serialisers that recurse per level would overflow the stack on input
// nested a million levels deep.
#pragma once

#include <cstddef>
#include <string_view>

namespace llm {

// The nesting depth the server and log_viewer accept in a JSON text: bodies nested deeper are
// refused (400) without being parsed, log lines nested deeper are counted as bad lines.
inline constexpr size_t kMaxJsonDepth = 128;

// True when `text` opens more than `limit` arrays/objects inside each other at some point.
// One iterative pass that honours strings and escapes; it does not validate the JSON, so a
// malformed text within the limit returns false and is left to the parser to refuse.
bool JsonNestingExceeds(std::string_view text, size_t limit = kMaxJsonDepth);

}  // namespace llm
