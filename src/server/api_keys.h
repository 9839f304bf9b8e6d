// Named API keys: several clients, each with its own key, identified in the logs and metrics by
// the key's name (never by the key). The keys come from LLM_API_KEY (named "default") and from
// an API_KEYS_FILE, reloaded on SIGHUP.
//
// API_KEYS_FILE formats (chosen by the first non-blank character):
//   name:key lines     alice:sk-alice-1234   (blank lines and lines starting with '#' ignored;
//                                            the key is everything after the first ':')
//   a JSON object      {"alice": "sk-alice-1234", "bob": "sk-bob-5678"}
//   a JSON array       [{"name": "alice", "key": "sk-alice-1234"}, ...]
//   or the same array under "keys": {"keys": [{"name": "alice", "key": "..."}]}
// Names match [A-Za-z0-9_.-]{1,64}; keys are 8 to 512 printable ASCII characters without white
// space. A duplicate name or a duplicate key refuses the whole file.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace llm::server {

// The name LLM_API_KEY's key carries in records and metrics.
inline constexpr std::string_view kDefaultKeyName = "default";
// The metrics label of requests that presented no accepted key.
inline constexpr std::string_view kAnonymousKeyName = "anonymous";

struct NamedKey {
  std::string name;
  std::string key;
};

// True for a valid key name: 1 to 64 characters of [A-Za-z0-9_.-].
bool IsValidKeyName(std::string_view name);

// Parses the content of an API_KEYS_FILE (formats above). InvalidArgument naming the line or
// entry at fault -- never quoting a key -- for a malformed entry, a bad name or key, a duplicate.
Result<std::vector<NamedKey>> ParseApiKeys(std::string_view text);

// Reads and parses the file at `path`; the messages start with "API_KEYS_FILE <path>: ".
Result<std::vector<NamedKey>> LoadApiKeysFile(const std::string& path);

// Adds `extra` to `keys`, refusing a name or key already present (InvalidArgument).
Status MergeKeys(std::vector<NamedKey>& keys, std::vector<NamedKey> extra);

// An immutable set of named keys and the constant-time lookup of a presented token.
class ApiKeyRing {
 public:
  explicit ApiKeyRing(std::vector<NamedKey> keys) : keys_(std::move(keys)) {}

  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  // The name of the key equal to `token`, or nullopt. Every key is compared in full whatever
  // the token is and wherever it differs, so the time depends on neither the token nor which
  // key matched (only on the configured keys' lengths).
  std::optional<std::string> Match(std::string_view token) const;

 private:
  std::vector<NamedKey> keys_;
};

// The key ring the server uses now: swapped whole on reload, read by request threads.
class ApiKeyStore {
 public:
  explicit ApiKeyStore(std::vector<NamedKey> keys)
      : ring_(std::make_shared<const ApiKeyRing>(std::move(keys))) {}
  // The current ring (kept alive by the caller while it uses it).
  std::shared_ptr<const ApiKeyRing> Current() const;
  // Replaces the ring; requests already holding the old one finish with it.
  void Replace(std::vector<NamedKey> keys);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ApiKeyRing> ring_;
};

// The token a request presents: "Authorization: Bearer <token>" or else "x-api-key: <token>";
// nullopt when neither header is present (an Authorization of another scheme presents "").
std::optional<std::string_view> PresentedToken(std::string_view authorization, std::string_view x_api_key);

}  // namespace llm::server
