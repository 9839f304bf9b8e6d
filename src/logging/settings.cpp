#include "logging/settings.h"

namespace llm::logging {

Result<LogSettings> LogSettingsFromEnv(const EnvLookup& env) {
  LogSettings s;
  if (auto dir = env("LOG_DIR"); dir && !dir->empty()) s.dir = *dir;
  LLM_ASSIGN_OR_RETURN(s.max_bytes, EnvNonNegative(env, "LOG_MAX_BYTES", s.max_bytes));
  LLM_ASSIGN_OR_RETURN(s.backup_count,
                       EnvNonNegative(env, "LOG_BACKUP_COUNT", s.backup_count, 100000));
  LLM_ASSIGN_OR_RETURN(s.api_calls, EnvBool(env, "LOG_API_CALLS", s.api_calls));
  LLM_ASSIGN_OR_RETURN(s.debug, EnvBool(env, "DEBUG", s.debug));
  LLM_ASSIGN_OR_RETURN(s.body_max_bytes,
                       EnvNonNegative(env, "LOG_BODY_MAX_BYTES", s.body_max_bytes));
  LLM_ASSIGN_OR_RETURN(s.slow_request_ms,
                       EnvNonNegative(env, "LOG_SLOW_REQUEST_MS", s.slow_request_ms));
  LLM_ASSIGN_OR_RETURN(s.queue_records,
                       EnvNonNegative(env, "LOG_QUEUE_SIZE", s.queue_records, 1u << 24));
  if (s.queue_records == 0) return Status::InvalidArgument("LOG_QUEUE_SIZE='0' must be at least 1");
  if (auto flush = env("LOG_FLUSH"); flush && !flush->empty()) {
    if (*flush != "always" && *flush != "interval") {
      return Status::InvalidArgument("LOG_FLUSH='" + *flush + "' must be 'interval' or 'always'");
    }
    s.flush_always = *flush == "always";
  }
  return s;
}

}  // namespace llm::logging
