#include "server/api_keys.h"

#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace llm::server {
namespace {

constexpr size_t kMaxKeyBytes = 512;

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool IsValidKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return false;
  for (char c : key) {
    if (c <= ' ' || c > '~') return false;  // printable ASCII, no white space
  }
  return true;
}

// Checks one entry; `where` says where it is ("line 3", "entry 2") for the message.
Status CheckEntry(const NamedKey& k, const std::string& where) {
  if (!IsValidKeyName(k.name)) {
    return Status::InvalidArgument(where + ": the name must be 1 to 64 characters of A-Z a-z 0-9 _ . -");
  }
  if (!IsValidKey(k.key)) {
    return Status::InvalidArgument(where + " (" + k.name +
                                   "): the key must be 1 to 512 printable ASCII characters without spaces");
  }
  return Status::Ok();
}

Result<std::vector<NamedKey>> ParseLines(std::string_view text) {
  std::vector<NamedKey> keys;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::string where = "line " + std::to_string(n);
    const size_t colon = t.find(':');
    if (colon == std::string::npos) return Status::InvalidArgument(where + ": expected name:key");
    NamedKey k{Trim(std::string_view(t).substr(0, colon)), Trim(std::string_view(t).substr(colon + 1))};
    LLM_RETURN_IF_ERROR(CheckEntry(k, where));
    LLM_RETURN_IF_ERROR(MergeKeys(keys, {std::move(k)}));
  }
  return keys;
}

// One {"name": ..., "key": ...} entry of the array form.
Result<NamedKey> EntryOf(const nlohmann::json& e, const std::string& where) {
  if (!e.is_object() || !e.contains("name") || !e.contains("key") || !e["name"].is_string() ||
      !e["key"].is_string()) {
    return Status::InvalidArgument(where + ": expected {\"name\": string, \"key\": string}");
  }
  return NamedKey{e["name"].get<std::string>(), e["key"].get<std::string>()};
}

Result<std::vector<NamedKey>> ParseJson(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("not valid JSON");
  std::vector<NamedKey> entries;
  if (doc.is_object() && doc.contains("keys")) doc = doc["keys"];
  if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) {
      LLM_ASSIGN_OR_RETURN(NamedKey k, EntryOf(doc[i], "entry " + std::to_string(i + 1)));
      entries.push_back(std::move(k));
    }
  } else if (doc.is_object()) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (!it.value().is_string()) return Status::InvalidArgument("entry '" + it.key() + "': the key must be a string");
      entries.push_back({it.key(), it.value().get<std::string>()});
    }
  } else {
    return Status::InvalidArgument("expected a JSON object or array");
  }
  std::vector<NamedKey> keys;
  for (size_t i = 0; i < entries.size(); ++i) {
    LLM_RETURN_IF_ERROR(CheckEntry(entries[i], "entry " + std::to_string(i + 1)));
    LLM_RETURN_IF_ERROR(MergeKeys(keys, {std::move(entries[i])}));
  }
  return keys;
}

// Compares `token` with `key` over the key's whole length: 0 when equal, non-zero otherwise.
uint32_t Difference(std::string_view token, std::string_view key) {
  uint32_t diff = token.size() != key.size() ? 1u : 0u;
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char given = i < token.size() ? static_cast<unsigned char>(token[i]) : 0;
    diff |= given ^ static_cast<unsigned char>(key[i]);
  }
  return diff;
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<NamedKey>> ParseApiKeys(std::string_view text) {
  const std::string t = Trim(text);
  if (!t.empty() && (t[0] == '{' || t[0] == '[')) return ParseJson(t);
  return ParseLines(text);
}

Result<std::vector<NamedKey>> LoadApiKeysFile(const std::string& path) {
  const std::string prefix = "API_KEYS_FILE " + path + ": ";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument(prefix + "cannot be read");
  std::ostringstream content;
  content << in.rdbuf();
  Result<std::vector<NamedKey>> keys = ParseApiKeys(content.str());
  if (!keys.ok()) return Status::InvalidArgument(prefix + keys.status().message());
  if (keys->empty()) return Status::InvalidArgument(prefix + "no keys in the file");
  return keys;
}

Status MergeKeys(std::vector<NamedKey>& keys, std::vector<NamedKey> extra) {
  std::set<std::string> names, values;
  for (const NamedKey& k : keys) names.insert(k.name), values.insert(k.key);
  for (NamedKey& k : extra) {
    if (!names.insert(k.name).second) return Status::InvalidArgument("duplicate key name '" + k.name + "'");
    if (!values.insert(k.key).second) return Status::InvalidArgument("key '" + k.name + "' repeats another key");
    keys.push_back(std::move(k));
  }
  return Status::Ok();
}

std::optional<std::string> ApiKeyRing::Match(std::string_view token) const {
  size_t found = 0;  // index + 1 of the equal key; keys are distinct, so at most one
  for (size_t i = 0; i < keys_.size(); ++i) {
    const uint32_t diff = Difference(token, keys_[i].key);
    const uint32_t unequal = (diff | (0u - diff)) >> 31;  // 1 when diff != 0, without a branch
    found |= (size_t{0} - static_cast<size_t>(unequal ^ 1u)) & (i + 1);
  }
  if (found == 0) return std::nullopt;
  return keys_[found - 1].name;
}

std::shared_ptr<const ApiKeyRing> ApiKeyStore::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ring_;
}

void ApiKeyStore::Replace(std::vector<NamedKey> keys) {
  auto ring = std::make_shared<const ApiKeyRing>(std::move(keys));
  std::lock_guard<std::mutex> lock(mu_);
  ring_ = std::move(ring);
}

std::optional<std::string_view> PresentedToken(std::string_view authorization, std::string_view x_api_key) {
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.substr(0, kBearer.size()) != kBearer) return std::string_view();
    return authorization.substr(kBearer.size());
  }
  if (!x_api_key.empty()) return x_api_key;
  return std::nullopt;
}

}  // namespace llm::server
