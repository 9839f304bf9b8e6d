#include "logging/redaction.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

namespace llm::logging {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

bool IsSecretHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kNames = {
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"};
  for (std::string_view n : kNames) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

namespace {

constexpr std::array<std::string_view, 6> kSecretParts = {
    "password", "secret", "token", "api_key", "apikey", "authorization"};

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Case-insensitive search of a lowercase `part` in `text`, without allocating.
bool ContainsIgnoreCase(std::string_view text, std::string_view part) {
  if (part.size() > text.size()) return false;
  for (size_t i = 0; i + part.size() <= text.size(); ++i) {
    if (Lower(text[i]) != part[0]) continue;
    size_t k = 1;
    while (k < part.size() && Lower(text[i + k]) == part[k]) ++k;
    if (k == part.size()) return true;
  }
  return false;
}

}  // namespace

bool IsSecretField(std::string_view key) {
  for (std::string_view part : kSecretParts) {
    if (ContainsIgnoreCase(key, part)) return true;
  }
  return false;
}

bool MentionsSecretField(std::string_view text) { return IsSecretField(text); }

void RedactJson(nlohmann::json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      // Numbers and booleans are counts and flags (max_tokens, prompt_tokens), never
      // credentials: they stay readable.
      if (IsSecretField(it.key()) && !it.value().is_number() && !it.value().is_boolean()) {
        it.value() = std::string(kRedacted);
      } else {
        RedactJson(it.value());
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) RedactJson(item);
  }
}

}  // namespace llm::logging
