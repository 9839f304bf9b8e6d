// Settings of the generation API (issue 4): slots, queue, model limits, timeouts, access key.
// Read from environment variables, with the serve command's flags overriding some of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/status.h"
#include "server/api_keys.h"
#include "nlohmann/json_fwd.hpp"

namespace llm::server {

struct ApiSettings {
  int parallel = 1;                    // PARALLEL: generation slots
  int max_queue = 64;                  // MAX_QUEUE: requests waiting for a slot
  int max_loaded_models = 1;           // MAX_LOADED_MODELS: LRU-unloaded beyond this
  double max_generation_seconds = 0;   // MAX_GENERATION_SECONDS (0: no limit)
  double shutdown_grace_seconds = 10;  // SHUTDOWN_GRACE_SECONDS
  int threads = 0;                     // THREADS: compute threads in all (0: DefaultComputeThreads())
  int context_size = 4096;             // CONTEXT_SIZE: cap on a session's context (tokens)
  std::string default_model;           // DEFAULT_MODEL / --model
  std::string api_key;                 // LLM_API_KEY / --api-key-file: the key named "default"
  std::string api_keys_file;           // API_KEYS_FILE / --api-keys-file: named keys, reloaded on SIGHUP
  std::vector<NamedKey> keys;          // every accepted key (default + file); empty: open access
  bool protect_metrics = false;        // PROTECT_METRICS: health and metrics need the key too
  bool use_mmap = true;                // USE_MMAP / --no-mmap: map model files, or read them into memory
  std::string model_aliases_file;      // MODEL_ALIASES_FILE: Ollama model names -> file names ("":
                                       // <models dir>/aliases.json when that file exists)

  // Compute threads in all: THREADS, or the physical cores this process may use
  // (core/cpu_topology.h).
  int TotalThreads() const;
  // The settings as JSON for the server_started record, the key shown as "[REDACTED]".
  nlohmann::json Redacted() const;
};

// Flag values that override the environment (nullopt: flag not given).
struct ApiFlags {
  std::optional<std::string> model = std::nullopt;          // --model
  std::optional<std::string> api_key_file = std::nullopt;   // --api-key-file
  std::optional<std::string> api_keys_file = std::nullopt;  // --api-keys-file
  bool no_mmap = false;                     // --no-mmap
};

// Parses the settings. InvalidArgument naming the variable (or flag) and the reason for a
// malformed or out-of-range value, an unreadable or empty key file, a bad API_KEYS_FILE (a
// malformed line, a bad name, a duplicate name or key, a name "default" beside LLM_API_KEY).
Result<ApiSettings> ParseApiSettings(const EnvLookup& env, const ApiFlags& flags);

// The keys the settings accept now: api_key as "default", then API_KEYS_FILE read afresh.
// Used at startup and on SIGHUP; the failure names the file and the fault, never a key.
Result<std::vector<NamedKey>> LoadConfiguredKeys(const ApiSettings& settings);

}  // namespace llm::server
