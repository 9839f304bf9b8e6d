#include "logging/redaction.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// True when `text` at `i` starts with the lowercase `part`, ignoring case.
bool StartsWithIgnoreCase(std::string_view text, size_t i, std::string_view part) {
  if (text.size() - i < part.size()) return false;
  for (size_t k = 1; k < part.size(); ++k) {
    if (Lower(text[i + k]) != part[k]) return false;
  }
  return true;
}

}  // namespace

// One pass over `key` (bodies are scanned too, so this is on every request's path): each
// position is checked only against the secret names starting with its letter, without
// allocating. The names: password, secret, token, api_key, apikey, authorization.
bool IsSecretField(std::string_view key) {
  for (size_t i = 0; i < key.size(); ++i) {
    switch (Lower(key[i])) {
      case 'p':
        if (StartsWithIgnoreCase(key, i, "password")) return true;
        break;
      case 's':
        if (StartsWithIgnoreCase(key, i, "secret")) return true;
        break;
      case 't':
        if (StartsWithIgnoreCase(key, i, "token")) return true;
        break;
      case 'a':
        if (StartsWithIgnoreCase(key, i, "api_key") || StartsWithIgnoreCase(key, i, "apikey") ||
            StartsWithIgnoreCase(key, i, "authorization")) {
          return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

bool MentionsSecretField(std::string_view text) { return IsSecretField(text); }

// Iterative (an explicit stack of containers to visit), so no nesting depth can exhaust the
// call stack.
void RedactJson(nlohmann::json& value) {
  std::vector<nlohmann::json*> pending{&value};
  while (!pending.empty()) {
    nlohmann::json& node = *pending.back();
    pending.pop_back();
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        // Numbers and booleans are counts and flags (max_tokens, prompt_tokens), never
        // credentials: they stay readable.
        if (IsSecretField(it.key()) && !it.value().is_number() && !it.value().is_boolean()) {
          it.value() = std::string(kRedacted);
        } else if (it.value().is_structured()) {
          pending.push_back(&it.value());
        }
      }
    } else if (node.is_array()) {
      for (auto& item : node) {
        if (item.is_structured()) pending.push_back(&item);
      }
    }
  }
}

}  // namespace llm::logging
