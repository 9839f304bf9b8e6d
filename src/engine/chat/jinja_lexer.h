// The Jinja lexer: splits a template into text and tag tokens with Jinja2's whitespace rules as
// Hugging Face configures them (trim_blocks and lstrip_blocks on, `-`/`+` markers, one trailing
// newline dropped, line endings normalised to "\n"), then the inside of each tag into tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace llm::engine::jinja {

enum class TokenKind {
  kText,        // template text outside tags (a raw block's body too)
  kVarBegin,    // {{
  kVarEnd,      // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,        // identifiers and keywords (if, for, and, not, true...)
  kInt,
  kFloat,
  kString,      // text is the decoded value
  kOperator,    // + - * / // % ** ~ ( ) [ ] { } , . : | = == != < <= > >=
  kEnd,         // end of the template
};

struct Token {
  TokenKind kind;
  std::string text;
  int line;  // 1-based line of the template where the token starts
};

// The tokens of a template, ending with kEnd. InvalidArgument naming the line for an unclosed
// tag, comment or string, or a character no Jinja token starts with.
Result<std::vector<Token>> Tokenize(std::string_view source);

}  // namespace llm::engine::jinja
