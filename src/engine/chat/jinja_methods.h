// The methods of Python str and dict that chat templates call (internal to engine_chat); the
// sandbox offers no method that changes a value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/chat/jinja_value.h"

namespace llm::engine::jinja {

// `obj.name` as a callable bound to obj when obj is a str or dict with such a method (strip,
// split, startswith, items, get...), else nullopt.
std::optional<Value> BoundMethod(const Value& obj, const std::string& name);

// Python's str.strip family: `chars` (code points) or, when chars is None, whitespace.
std::string StripText(std::string_view s, const Value& chars, bool left, bool right);
// Python's str.split: on `sep`, or on runs of whitespace when sep is None.
std::vector<std::string> SplitText(std::string_view s, const Value& sep, int64_t max_split);
// Python's str.replace with a count (negative: all).
std::string ReplaceText(std::string_view s, std::string_view from, std::string_view to,
                        int64_t count);
// Python's str.upper, str.lower, str.title and str.capitalize for the letters of Latin,
// Greek and Cyrillic (other text is left as it is); jinja_case.cpp.
std::string UpperText(std::string_view s);
std::string LowerText(std::string_view s);
std::string TitleText(std::string_view s);
std::string CapitalizeText(std::string_view s);
// Jinja's `title` filter: each word (after whitespace, '-' or an opening bracket) capitalised.
std::string TitleWords(std::string_view s);

}  // namespace llm::engine::jinja
