// Small readers of a Jinja template's source text, used by the family recogniser (internal to
// engine_chat). They look at markers and literals; they do not interpret Jinja.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llm::engine {

bool IsSpace(char c);
// The source without any whitespace, so that markers match whatever the layout.
std::string Compact(std::string_view source);
bool Contains(std::string_view haystack, std::string_view needle);
// Decodes the escapes of a Jinja string literal body (\n, \t, \\, \', \").
std::string Unescape(std::string_view body);
// The body of the string literal opening at `pos` (a quote), or empty.
std::string_view LiteralAt(std::string_view source, size_t pos);
size_t SkipSpaces(std::string_view s, size_t pos);
// The length of the longest tail of `s` that is a proper prefix of `marker`: text a stream
// must hold back because the marker may still be arriving.
size_t PartialMarkerLength(std::string_view s, std::string_view marker);

// An expression tag `{{ ... }}`: its inner text, the decoded string literal holding the marker
// it was found by, and whether the template outputs a newline right after the tag (the next
// character is a newline that no `-` whitespace control strips and that does not end the file).
struct ExpressionTag {
  std::string_view text;
  std::string literal;
  bool newline_after = false;
};
// The first expression tag holding `marker` whose text does (with_word) or does not contain
// `word`, or nullopt.
std::optional<ExpressionTag> FindExpression(std::string_view source, std::string_view marker,
                                            std::string_view word, bool with_word);

}  // namespace llm::engine
