// ApiService: the generation API of issue 4 on top of the server skeleton -- the model
// registry, the scheduler (PARALLEL slots, MAX_QUEUE), the native routes (/api/v1/generate,
// /api/v1/chat, /api/v1/models), the OpenAI routes (/v1/chat/completions, /v1/completions,
// /v1/models), the Ollama routes (/api/generate, /api/chat, /api/tags, ...: ollama_routes.h),
// GET /metrics, access control (LLM_API_KEY) and the shutdown grace period.
//
//   ApiService api(api_settings, server_settings.models_dir, logger);  // outlives the Server
//   Server server(server_settings, logger);
//   AddBuiltinRoutes(server);
//   api.Attach(server);  // after the builtin routes: it extends list_models and guards them
#pragma once

#include <memory>
#include <string>

#include "logging/logger.h"
#include "server/access_control.h"
#include "server/api_settings.h"
#include "server/embedding_routes.h"
#include "server/generation_engine.h"
#include "server/generation_pipeline.h"
#include "server/generation_slots.h"
#include "server/metrics.h"
#include "server/model_catalog.h"
#include "server/model_registry.h"
#include "server/ollama_routes.h"
#include "server/scheduler.h"
#include "server/server.h"

namespace llm::server {

// HTTP worker threads the API needs: every slot, every queue place, and room for health checks.
uint64_t RequiredHttpThreads(const ApiSettings& settings);

class ApiService {
 public:
  ApiService(ApiSettings settings, std::string models_dir, logging::Logger& logger);
  ~ApiService();

  // Adds the routes, the health fields, the shutdown hook, the access-control filter and the
  // request-metrics observer to `server`. Call after AddBuiltinRoutes(server).
  void Attach(Server& server);

  // Stops admitting generations, lets running ones finish for SHUTDOWN_GRACE_SECONDS, then
  // cancels the rest and unloads the models. Blocks at most the grace period plus a little.
  void Shutdown();
  // Re-reads API_KEYS_FILE (on SIGHUP): see AccessControl::Reload. Connections stay open.
  void ReloadApiKeys() { access_.Reload(); }

  const ApiSettings& settings() const { return settings_; }
  ModelRegistry& registry() { return registry_; }
  Scheduler& scheduler() { return scheduler_; }
  ApiMetrics& metrics() { return metrics_; }

 private:
  // A generation route: its surface's adapter parses the body, the pipeline generates it or
  // refuses it in the surface's shape with the spec's failure record.
  Response Generation(RequestContext& ctx, ApiSurface surface);
  // POST /v1/messages/count_tokens: {"input_tokens": N}, the prompt rendered and tokenized as
  // /v1/messages would evaluate it; errors in Anthropic's shape.
  Response AnthropicCountTokens(RequestContext& ctx);
  Response ListModels(RequestContext& ctx);
  Response OpenAIListModels(RequestContext& ctx);
  Response OpenAIRetrieveModel(RequestContext& ctx);
  Response Metrics(RequestContext& ctx);
  Response TokenizeRoute(RequestContext& ctx);
  Response DetokenizeRoute(RequestContext& ctx);
  // The model a request names (DEFAULT_MODEL when none), loaded; a failure as the native answer.
  Result<std::shared_ptr<const ServedModel>> ModelFor(RequestContext& ctx, const std::string& name,
                                                      std::optional<Response>* refused);
  // Writes a security_event when a request's path, query or model name has the shape of a
  // traversal or injection attempt; never answers (the normal handling refuses such names).
  void WatchRequest(RequestContext& ctx) const;
  void WatchModelName(RequestContext& ctx, const std::string& name) const;
  RegistryObserver MakeObserver();

  ApiSettings settings_;
  std::string models_dir_;
  logging::Logger& logger_;
  AccessControl access_;
  ModelRegistry registry_;
  Scheduler scheduler_;
  GenerationSlots slots_;
  ApiMetrics metrics_;
  ModelDescriptionCache descriptions_;
  ServingEngine engine_;
  GenerationPipeline generation_;
  OllamaRoutes ollama_;
  EmbeddingRoutes embeddings_;
};

}  // namespace llm::server
