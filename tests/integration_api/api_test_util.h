// Helpers of the API integration tests: start `llm-api serve` on ../shared/models with its own
// LOG_DIR, talk to it, and read what it logged.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration_logging/server_process.h"

namespace llm::test {

// ../shared (LLM_SHARED_DIR).
std::string SharedDir();
// build/bin (LLM_BIN_DIR).
std::string BinDir();

// A running server with its own scratch LOG_DIR; DEFAULT_MODEL is stories260K.gguf.
struct ApiServer {
  ScratchDir dir;
  std::unique_ptr<ServerProcess> process;
  std::string log_dir() const { return dir / "logs"; }
  std::unique_ptr<httplib::Client> Client(int read_timeout_s = 120) const;
  // SIGTERM, then every record of api.log (and backups).
  int Stop();
};

// Starts the server with `env` on top of LOG_DIR, MODELS_DIR and DEFAULT_MODEL.
std::unique_ptr<ApiServer> StartApiServer(const std::map<std::string, std::string>& env = {},
                                          const std::vector<std::string>& args = {});

// The `data:` payloads of an SSE body, parsed ("[DONE]" kept as the string "[DONE]").
std::vector<nlohmann::json> SseEvents(const std::string& body);

// Runs a shell command; returns its exit status and fills *out with its stdout.
int RunCommand(const std::string& command, std::string* out);

// tests/integration_api/node with its npm packages installed (`npm ci` on first use, from
// the npm cache when offline); "" when the install failed, its output then in *out.
std::string NodeTestDir(std::string* out);

// Writes a random-weight model with make-synthetic-gguf `flags` (plus the 32k SentencePiece
// vocabulary of ../shared) to `path`; its exit status, its output in *out.
int MakeSyntheticModel(const std::string& path, const std::string& flags, std::string* out);

// The records of `log_dir`/api.log (+ backups) whose request_id is `id`.
std::vector<nlohmann::json> RecordsOf(const std::vector<nlohmann::json>& records, const std::string& id);

}  // namespace llm::test
