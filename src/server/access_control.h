// Access control of the API: which requests need a key, which key a request presents (by name,
// in constant time), the 401 answer, and the SIGHUP reload of API_KEYS_FILE.
//
//   AccessControl access(settings, logger);
//   server.SetCredentialNamer([&](const HttpRequest& r) { return access.KeyName(r); });
//   server.AddRequestFilter([&](RequestContext& c) { return access.Authorize(c); });
//   access.Reload();  // on SIGHUP
#pragma once

#include <optional>
#include <string>

#include "logging/logger.h"
#include "server/api_keys.h"
#include "server/api_settings.h"
#include "server/http_types.h"
#include "server/request_context.h"

namespace llm::server {

class AccessControl {
 public:
  // Starts with settings.keys (or api_key as "default" when keys is empty); open access when
  // there is no key at all. `settings` must outlive this object.
  AccessControl(const ApiSettings& settings, logging::Logger& logger);

  // The name of the key `request` presents (Authorization: Bearer, or x-api-key); "" when it
  // presents none or one that no configured key equals. Constant-time in the key contents.
  std::string KeyName(const HttpRequest& request) const;

  // nullopt when the request may go on: open access, a path that needs no key, or a key
  // accepted by KeyName (ctx.log_fields().api_key_name set). Otherwise the 401 in the route's
  // shape with WWW-Authenticate, after its `error` record and a security_event (auth_failed);
  // neither names the key sent.
  std::optional<Response> Authorize(RequestContext& ctx) const;

  // Reads API_KEYS_FILE again. Success: the new keys apply to requests that start from now on
  // and an `api_keys_reloaded` event gives the count. Failure: the old keys stay and an
  // `error` record (ApiKeysReloadError) says why. Without API_KEYS_FILE: an event says so.
  void Reload();

 private:
  // Whether a request to `path` must carry a key (when keys are configured): the native API
  // (/api/v1/), the Ollama API (/api/...) and the OpenAI API (/v1/); health and metrics only
  // with PROTECT_METRICS.
  bool NeedsKey(const std::string& path) const;

  const ApiSettings& settings_;
  logging::Logger& logger_;
  ApiKeyStore keys_;
};

}  // namespace llm::server
