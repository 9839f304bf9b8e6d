// What never reaches a log file: secret headers and secret JSON fields become "[REDACTED]".
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace llm::logging {

inline constexpr std::string_view kRedacted = "[REDACTED]";

// True for Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-API-Key (any case).
bool IsSecretHeader(std::string_view name);

// True when a JSON key contains password, secret, token, api_key, apikey or authorization
// (any case).
bool IsSecretField(std::string_view key);

// True when `text` contains any of the secret field name parts (any case) anywhere; when
// false, a JSON text holds no field RedactJson would change.
bool MentionsSecretField(std::string_view text);

// Replaces, at any depth, the value of every secret field with "[REDACTED]", except numbers
// and booleans (max_tokens, prompt_tokens and the like are counts, not credentials).
void RedactJson(nlohmann::json& value);

}  // namespace llm::logging
