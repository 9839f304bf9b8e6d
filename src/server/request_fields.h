// What each generation route does with every request field it may be sent: honoured, accepted
// and ignored (with the reason, listed in docs/api.md), or refused with 400 naming the field
// until it is implemented. A field in no table is refused too ("unrecognized request
// argument", as OpenAI answers), so nothing a client sends is ever ignored silently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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

// Readers of one field of a JSON object: nothing when it is absent or null, a 400 naming the
// field when it has the wrong type or is out of range.
std::optional<ApiError> ReadString(const nlohmann::json& body, const char* key, std::string* out);
std::optional<ApiError> ReadBool(const nlohmann::json& body, const char* key, bool* out);
// An integer in lo..hi (a float with an integral value is accepted).
std::optional<ApiError> ReadInt(const nlohmann::json& body, const char* key, int64_t lo, int64_t hi, int64_t* out);
// A number in lo..hi.
std::optional<ApiError> ReadNumber(const nlohmann::json& body, const char* key, double lo, double hi, float* out);
// `stop`: a string or an array of up to 16 strings; empty strings are dropped.
std::optional<ApiError> ReadStop(const nlohmann::json& body, std::vector<std::string>* out);

enum class GenerationRoute {
  kNativeGenerate,    // POST /api/v1/generate
  kNativeChat,        // POST /api/v1/chat
  kOpenAICompletion,  // POST /v1/completions
  kOpenAIChat,        // POST /v1/chat/completions
  kOllamaGenerate,    // POST /api/generate
  kOllamaChat,        // POST /api/chat
  kOllamaOptions,     // the `options` object of both Ollama routes
  kAnthropicMessages,     // POST /v1/messages
  kAnthropicCountTokens,  // POST /v1/messages/count_tokens
};

// Every field `route` knows, with what it does with it.
const std::vector<RequestField>& FieldsOf(GenerationRoute route);

// The first field of the JSON object `body` that `route` refuses -- unknown, or unsupported
// with a value other than its off value -- as a 400 naming it; nullopt when all are accepted.
std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, GenerationRoute route);

// The same check against the field table of another route (the embedding routes).
std::optional<ApiError> CheckRequestFields(const nlohmann::json& body, std::span<const RequestField> fields);

}  // namespace llm::server
