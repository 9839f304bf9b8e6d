// The routes that need no inference: GET /api/v1/health (health_check) and
// GET /api/v1/models (list_models: the .gguf files of the models directory).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace llm::server {

class Server;

// Adds health_check and list_models to the server's route table.
void AddBuiltinRoutes(Server& server);

// {"models": [{"name", "size", "modified"}...], "count", "models_dir"}, sorted by name;
// `modified` is ISO 8601 UTC. A missing directory lists nothing.
Result<nlohmann::json> ListModelFiles(const std::string& models_dir);

}  // namespace llm::server
