// The logging settings, read from the environment variables the specification names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/env.h"
#include "core/status.h"

namespace llm::logging {

struct LogSettings {
  std::string dir = "./logs";            // LOG_DIR
  uint64_t max_bytes = 10485760;         // LOG_MAX_BYTES; 0 = no rotation
  uint64_t backup_count = 5;             // LOG_BACKUP_COUNT; 0 = no rotation
  bool api_calls = true;                 // LOG_API_CALLS: request/response records
  bool debug = false;                    // DEBUG: DEBUG records + console sink
  uint64_t body_max_bytes = 8192;        // LOG_BODY_MAX_BYTES
  uint64_t slow_request_ms = 5000;       // LOG_SLOW_REQUEST_MS
  uint64_t queue_records = 8192;         // LOG_QUEUE_SIZE: async queue capacity (records)
  bool flush_always = false;             // LOG_FLUSH=always: each record written before Write returns
};

// Reads LOG_DIR, LOG_MAX_BYTES, LOG_BACKUP_COUNT, LOG_API_CALLS, DEBUG, LOG_BODY_MAX_BYTES,
// LOG_SLOW_REQUEST_MS, LOG_QUEUE_SIZE and LOG_FLUSH ("interval", the default, or "always"); unset or empty keeps the default. The error names
// the variable, its value and the reason.
Result<LogSettings> LogSettingsFromEnv(const EnvLookup& env);

}  // namespace llm::logging
