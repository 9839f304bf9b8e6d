#include "server/connection_watch.h"

#include "server/http_wire.h"

namespace llm::server {

bool ConnectionWatch::PeerClosed() const { return http::PeerClosed(fd_); }

bool BearerTokenMatches(const std::string& authorization, const std::string& key) {
  static constexpr char kPrefix[] = "Bearer ";
  const size_t prefix_len = sizeof(kPrefix) - 1;
  if (key.empty() || authorization.size() < prefix_len) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < prefix_len; ++i) diff |= static_cast<unsigned char>(authorization[i] ^ kPrefix[i]);
  const size_t given_len = authorization.size() - prefix_len;
  diff |= given_len != key.size() ? 1u : 0u;
  // Walk the key's whole length whatever the given token is, so time does not depend on it.
  for (size_t i = 0; i < key.size(); ++i) {
    const unsigned char given = i < given_len ? static_cast<unsigned char>(authorization[prefix_len + i]) : 0;
    diff |= given ^ static_cast<unsigned char>(key[i]);
  }
  return diff == 0;
}

}  // namespace llm::server
