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

bool IsSecretField(std::string_view key) {
  static constexpr std::array<std::string_view, 6> kParts = {
      "password", "secret", "token", "api_key", "apikey", "authorization"};
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view part : kParts) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return false;
}

void RedactJson(nlohmann::json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (IsSecretField(it.key())) {
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
