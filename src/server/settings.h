// The server's own settings: HOST, PORT, MODELS_DIR, the HTTP limits and HTTP_THREADS (the
// serve command's flags override the first three).
#pragma once

#include <cstdint>
#include <string>

#include "core/env.h"
#include "core/status.h"

namespace llm::server {

struct ServerSettings {
  std::string host = "127.0.0.1";
  int port = 5000;
  std::string models_dir = "./models";
  uint64_t max_body_bytes = 1048576;  // MAX_BODY_BYTES: larger bodies get 413
  uint64_t max_header_bytes = 65536;  // MAX_HEADER_BYTES: larger request heads get 431
  uint64_t http_threads = 64;         // HTTP_THREADS: connection worker threads
  uint64_t keep_alive_max = 10000;    // requests served on one keep-alive connection
  uint64_t keep_alive_seconds = 5;    // HTTP_KEEP_ALIVE_SECONDS: idle wait for the next request
  uint64_t read_seconds = 30;         // HTTP_READ_SECONDS: a whole request must arrive within
  uint64_t write_seconds = 10;        // HTTP_WRITE_SECONDS: a client not reading for this long is dropped
};

// Reads HOST, PORT (0-65535), MODELS_DIR, MAX_BODY_BYTES, MAX_HEADER_BYTES, HTTP_THREADS,
// HTTP_KEEP_ALIVE_SECONDS, HTTP_READ_SECONDS, HTTP_WRITE_SECONDS; unset keeps the default;
// errors name the variable and the reason.
Result<ServerSettings> ServerSettingsFromEnv(const EnvLookup& env);

}  // namespace llm::server
