// The Ollama-compatible API: POST /api/generate and /api/chat (adapters onto the generation
// pipeline), GET /api/tags, POST /api/show, GET /api/ps, GET /api/version, and pull, push,
// create, copy and delete answered 501 in Ollama's error shape ({"error": "..."}): models are
// the .gguf files of the models directory, named as OllamaModelNames maps them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "server/api_settings.h"
#include "server/generation_pipeline.h"
#include "server/model_catalog.h"
#include "server/model_registry.h"
#include "server/ollama_names.h"
#include "server/route_table.h"

namespace llm::server {

// The Ollama release whose API this surface follows (clients gate features such as `think`
// on it); GET /api/version reports it.
inline constexpr std::string_view kOllamaApiVersion = "0.9.0";

class OllamaRoutes {
 public:
  // Writes a security_event for a suspicious model name (never answers).
  using NameWatch = std::function<void(RequestContext& ctx, const std::string& name)>;

  OllamaRoutes(const ApiSettings& settings, const std::string& models_dir, ModelRegistry& registry,
               ModelDescriptionCache& descriptions, GenerationPipeline& pipeline, NameWatch watch);

  // Adds the routes (endpoint names "ollama_generate", "ollama_chat", "ollama_tags", ...).
  void Attach(RouteTable& routes);

 private:
  Response Generation(RequestContext& ctx, PromptKind route);
  Response Tags(RequestContext& ctx);
  Response Show(RequestContext& ctx);
  Response Ps(RequestContext& ctx);
  Response Version(RequestContext& ctx);
  // 501 for the model management Ollama has and this server leaves to the file system.
  Response Unsupported(RequestContext& ctx, std::string_view operation);
  // {"name", "model", "modified_at", "size", "digest", "details"} of a listed model.
  nlohmann::ordered_json ListingEntry(const std::string& name, const ModelFile& file);
  // /api/show's "parameters": the sampling defaults and the context, one "key value" a line.
  std::string ParametersText(const ModelDescription& d) const;

  const ApiSettings& settings_;
  std::string models_dir_;
  ModelRegistry& registry_;
  ModelDescriptionCache& descriptions_;
  GenerationPipeline& pipeline_;
  NameWatch watch_;
  OllamaModelNames names_;
};

}  // namespace llm::server
