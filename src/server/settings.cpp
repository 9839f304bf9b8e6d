#include "server/settings.h"

namespace llm::server {

Result<ServerSettings> ServerSettingsFromEnv(const EnvLookup& env) {
  ServerSettings s;
  if (auto host = env("HOST"); host && !host->empty()) s.host = *host;
  if (auto dir = env("MODELS_DIR"); dir && !dir->empty()) s.models_dir = *dir;
  LLM_ASSIGN_OR_RETURN(uint64_t port, EnvNonNegative(env, "PORT", 5000, 65535));
  s.port = static_cast<int>(port);
  LLM_ASSIGN_OR_RETURN(s.max_body_bytes, EnvNonNegative(env, "MAX_BODY_BYTES", s.max_body_bytes));
  LLM_ASSIGN_OR_RETURN(s.http_threads, EnvNonNegative(env, "HTTP_THREADS", s.http_threads, 4096));
  if (s.http_threads == 0) return Status::InvalidArgument("HTTP_THREADS='0' must be at least 1");
  LLM_ASSIGN_OR_RETURN(s.max_header_bytes, EnvNonNegative(env, "MAX_HEADER_BYTES", s.max_header_bytes, 1u << 24));
  if (s.max_header_bytes < 1024) return Status::InvalidArgument("MAX_HEADER_BYTES must be at least 1024");
  LLM_ASSIGN_OR_RETURN(s.keep_alive_seconds, EnvNonNegative(env, "HTTP_KEEP_ALIVE_SECONDS", s.keep_alive_seconds, 3600));
  LLM_ASSIGN_OR_RETURN(s.read_seconds, EnvNonNegative(env, "HTTP_READ_SECONDS", s.read_seconds, 3600));
  LLM_ASSIGN_OR_RETURN(s.write_seconds, EnvNonNegative(env, "HTTP_WRITE_SECONDS", s.write_seconds, 3600));
  if (s.read_seconds == 0 || s.write_seconds == 0) {
    return Status::InvalidArgument("HTTP_READ_SECONDS and HTTP_WRITE_SECONDS must be at least 1");
  }
  return s;
}

}  // namespace llm::server
