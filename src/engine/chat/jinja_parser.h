// The Jinja parser: turns the lexer's tokens into a statement tree with Jinja2's operator
// precedence (internal to engine_chat).
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/chat/jinja_ast.h"

namespace llm::engine::jinja {

// The statements of a whole template. InvalidArgument naming the line for a syntax error, an
// unclosed block, nesting deeper than the parser allows, or a statement a sandboxed template
// cannot use (include, import, extends).
Result<std::vector<Node>> Parse(std::string_view source);

}  // namespace llm::engine::jinja
