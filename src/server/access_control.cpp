#include "server/access_control.h"

#include "server/api_error.h"
#include "server/json_errors.h"
#include "server/error_answer.h"

namespace llm::server {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// settings.keys, or LLM_API_KEY alone for settings built without ParseApiSettings.
std::vector<NamedKey> InitialKeys(const ApiSettings& settings) {
  if (!settings.keys.empty() || settings.api_key.empty()) return settings.keys;
  return {NamedKey{std::string(kDefaultKeyName), settings.api_key}};
}

}  // namespace

AccessControl::AccessControl(const ApiSettings& settings, logging::Logger& logger)
    : settings_(settings), logger_(logger), keys_(InitialKeys(settings)) {}

std::string AccessControl::KeyName(const HttpRequest& request) const {
  std::optional<std::string_view> token = PresentedToken(request.Header("Authorization"), request.Header("x-api-key"));
  if (!token) return "";
  std::shared_ptr<const ApiKeyRing> ring = keys_.Current();
  return ring->Match(*token).value_or("");
}

bool AccessControl::NeedsKey(const std::string& path) const {
  if (path == "/api/v1/health" || path == "/metrics") return settings_.protect_metrics;
  return StartsWith(path, "/api/") || StartsWith(path, "/v1/");
}

std::optional<Response> AccessControl::Authorize(RequestContext& ctx) const {
  if (keys_.Current()->empty()) return std::nullopt;
  const std::string& path = ctx.request().path;
  if (!NeedsKey(path) || !ctx.log_fields().api_key_name.empty()) return std::nullopt;
  const bool presented = PresentedToken(ctx.request().Header("Authorization"), ctx.request().Header("x-api-key"))
                             .has_value();
  const std::string& client = ctx.log_fields().remote_addr;
  const std::string message =
      presented ? "Invalid API key (client " + client + ")"
                : "Missing API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>' (client " + client + ")";
  ctx.LogSecurityEvent(security_reason::kAuthFailed, "Authentication failed: " + message,
                       {{"credential", presented ? "invalid" : "missing"}});
  const ApiFlavor flavor = IsAnthropicPath(path)       ? ApiFlavor::kAnthropic
                           : StartsWith(path, "/v1/") ? ApiFlavor::kOpenAI
                           : IsOllamaPath(path)       ? ApiFlavor::kOllama
                                                      : ApiFlavor::kNative;
  Response r = ErrorResponse(ctx, flavor, AuthenticationFailed(message));
  r.headers.emplace_back("WWW-Authenticate",
                         presented ? "Bearer realm=\"llm-api\", error=\"invalid_token\"" : "Bearer realm=\"llm-api\"");
  return r;
}

void AccessControl::Reload() {
  if (settings_.api_keys_file.empty()) {
    logger_.LogEvent("api_keys_reload_skipped", logging::Level::kInfo,
                     "SIGHUP received: no API_KEYS_FILE is configured, the keys are unchanged", nullptr, nullptr,
                     "access_control");
    return;
  }
  Result<std::vector<NamedKey>> keys = LoadConfiguredKeys(settings_);
  if (!keys.ok()) {
    logger_.LogError("ApiKeysReloadError", "API keys not reloaded, the previous keys stay: " + keys.status().message(),
                     0, nullptr, {{"api_keys_file", settings_.api_keys_file}});
    return;
  }
  const size_t count = keys->size();
  keys_.Replace(std::move(*keys));
  logger_.LogEvent("api_keys_reloaded", logging::Level::kInfo,
                   "API keys reloaded from " + settings_.api_keys_file + ": " + std::to_string(count) + " keys",
                   {{"api_keys_file", settings_.api_keys_file}, {"key_count", count}}, nullptr, "access_control");
}

}  // namespace llm::server
