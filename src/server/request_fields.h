// What each generation route does with every request field it may be sent: honoured, accepted
// and ignored (with the reason, listed in docs/api.md), or refused with 400 naming the field
// until it is implemented. A field in no table is refused too ("unrecognized request
// argument", as OpenAI answers), so nothing a client sends is ever ignored silently.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"

namespace llm::server {

enum class FieldUse {
  kHonoured,     // read and applied by the parser
  kIgnored,      // accepted without effect; `reason` says why
  kUnsupported,  // 400 unless the value is null or its "off" value (false, 0, [], {})
};

struct RequestField {
  std::string_view name;
  FieldUse use;
  std::string_view reason;  // kIgnored / kUnsupported: why
};

// The field `key` of the object `body`; null when absent or JSON null (OpenAI clients send
// nulls for "not given").
const nlohmann::json* GivenField(const nlohmann::json& body, const char* key);

enum class GenerationRoute {
  kNativeGenerate,    // POST /api/v1/generate
  kNativeChat,        // POST /api/v1/chat
  kOpenAICompletion,  // POST /v1/completions
  kOpenAIChat,        // POST /v1/chat/completions
};

// Every field `route` knows, with what it does with it.
const std::vector<RequestField>& FieldsOf(GenerationRoute route);

// The first field of the JSON object `body` that `route` refuses -- unknown, or unsupported
// with a value other than its off value -- as a 400 naming it; nullopt when all are accepted.
std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, GenerationRoute route);

// The same check against the field table of another route (the embedding routes).
std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, std::span<const RequestField> fields);

}  // namespace llm::server
