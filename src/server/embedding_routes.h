// EmbeddingRoutes: POST /v1/embeddings (OpenAI), POST /api/embed and the legacy POST
// /api/embeddings (Ollama). Each request: parse (embedding_json.h) -> resolve the model as
// generation does (DEFAULT_MODEL when none; an Ollama name's ":latest" tag is dropped when the
// name as sent is not found) -> tokenize every input (BOS as for a prompt), check it against
// the context (cut to it when Ollama's `truncate` asks) -> wait for a generation slot through
// the scheduler (the same bounded queue, so embeddings and generations share the admission)
// -> embed all inputs in batched forward passes in caches of their own (the slot's session is
// untouched) -> answer in the surface's shape.
// Records: embedding_success (model_name, inputs, prompt_tokens, embedding_time, dimensions,
// truncated_inputs, encoding_format), and for a failure "Embedding error with model <name>:
// <message>" (embedding_error) before the `error` record.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/api_settings.h"
#include "server/embedding_json.h"
#include "server/generation_engine.h"
#include "server/generation_slots.h"
#include "server/metrics.h"
#include "server/ollama_names.h"
#include "server/request_context.h"
#include "server/route_table.h"
#include "server/scheduler.h"

namespace llm::server {

class EmbeddingRoutes {
 public:
  // watch_model_name writes a security_event for a model name shaped like an attack.
  using NameWatcher = std::function<void(RequestContext& ctx, const std::string& name)>;
  // `models_dir` and settings.model_aliases_file map Ollama's "name:tag" model names.
  EmbeddingRoutes(const ApiSettings& settings, const std::string& models_dir, GenerationEngine& engine,
                  GenerationSlots& slots, Scheduler& scheduler, ApiMetrics& metrics, NameWatcher watch_model_name);

  // Adds POST /v1/embeddings (endpoint openai_embeddings), /api/embed (ollama_embed) and
  // /api/embeddings (ollama_embeddings).
  void Attach(RouteTable& routes);

  // Answers one embedding request of `surface`.
  Response Handle(RequestContext& ctx, EmbeddingSurface surface);

 private:
  struct Job;
  // The model of the request, loaded; the load time goes to job.load_seconds.
  std::optional<ApiError> ResolveModel(Job& job);
  // Token ids of every input, checked against the vocabulary and the context.
  std::optional<ApiError> TokenizeInputs(Job& job);
  // Waits for a slot and embeds; the answer of a failure, or nothing when job.vectors is set.
  std::optional<Response> Run(RequestContext& ctx, Job& job);
  // Writes embedding_success, counts the request and returns the answer.
  Response Succeed(RequestContext& ctx, Job& job);
  // Writes embedding_error and answers `e` in the surface's shape.
  Response Fail(RequestContext& ctx, const Job& job, const ApiError& e);

  const ApiSettings& settings_;
  GenerationEngine& engine_;
  GenerationSlots& slots_;
  Scheduler& scheduler_;
  ApiMetrics& metrics_;
  NameWatcher watch_model_name_;
  OllamaModelNames ollama_names_;
};

}  // namespace llm::server
