// The request fields that constrain the output to a grammar: `grammar` (GBNF, native and
// OpenAI routes) and OpenAI's `response_format` ({"type": "text" | "json_object" |
// "json_schema", "json_schema": {"name", "schema", "strict"}}).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/grammar/grammar.h"
#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"

namespace llm::server {

// The grammar a JSON schema (its text) holds the output to; a 400 naming `param` for a keyword
// the converter does not support or a grammar it cannot build.
std::optional<ApiError> SchemaConstraint(const std::string& schema_text, const char* param,
                                         std::shared_ptr<const engine::Grammar>* out);
// The grammar of any JSON object (response_format json_object, Ollama's format "json").
std::optional<ApiError> AnyJsonObjectConstraint(const char* param, std::shared_ptr<const engine::Grammar>* out);

// Reads `grammar` and, when `openai`, `response_format` from `body` into *out (left null when
// neither constrains the output). A 400 naming the field for a malformed value, an invalid
// grammar (with its line and column), an unsupported schema keyword, or both fields at once.
// `ordered` (may be null) is the same body with its keys in the order the client wrote them:
// a schema's properties are then generated in that order, as the client declared them.
std::optional<ApiError> ReadConstraint(const nlohmann::json& body, bool openai,
                                       std::shared_ptr<const engine::Grammar>* out,
                                       const nlohmann::ordered_json* ordered = nullptr);

}  // namespace llm::server
