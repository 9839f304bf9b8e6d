// What each generation route does with every request field it may be sent: honoured, accepted
// and ignored (with the reason, listed in docs/api.md), or refused with 400 naming the field
// until it is implemented. A field in no table is refused too ("unrecognized request
// argument", as OpenAI answers), so nothing a client sends is ever ignored silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

// Readers of one optional field of the object `body`: absent or null leaves *out as it is; a
// 400 naming the field when its value has the wrong type or lies outside [lo, hi].
std::optional<ApiError> ReadStringField(const nlohmann::json& body, const char* key, std::string* out);
std::optional<ApiError> ReadBoolField(const nlohmann::json& body, const char* key, bool* out);
// An integer (a float with an integral value too).
std::optional<ApiError> ReadIntField(const nlohmann::json& body, const char* key, int64_t lo, int64_t hi,
                                     int64_t* out);
std::optional<ApiError> ReadNumberField(const nlohmann::json& body, const char* key, double lo, double hi,
                                        float* out);

enum class GenerationRoute {
  kNativeGenerate,    // POST /api/v1/generate
  kNativeChat,        // POST /api/v1/chat
  kOpenAICompletion,  // POST /v1/completions
  kOpenAIChat,        // POST /v1/chat/completions
  kAnthropicMessages,     // POST /v1/messages
  kAnthropicCountTokens,  // POST /v1/messages/count_tokens
};

// Every field `route` knows, with what it does with it.
const std::vector<RequestField>& FieldsOf(GenerationRoute route);

// The first field of the JSON object `body` that `route` refuses -- unknown, or unsupported
// with a value other than its off value -- as a 400 naming it; nullopt when all are accepted.
std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, GenerationRoute route);

}  // namespace llm::server
