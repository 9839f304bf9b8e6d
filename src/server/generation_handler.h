// GenerationHandler: the path every generation request takes, whatever its API flavour:
// resolve the model -> render the prompt -> tokenize and check it against the context ->
// wait for a slot (bounded queue) -> generate (streamed or not) -> log, count, answer.
// Records: text_generation_success, "Text generation error with model <name>: <message>",
// generation_cancelled.
#pragma once

#include <memory>
#include <optional>

#include "server/api_settings.h"
#include "server/generation_request.h"
#include "server/generation_slots.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/model_registry.h"
#include "server/request_context.h"
#include "server/scheduler.h"

namespace llm::server {

class GenerationHandler {
 public:
  GenerationHandler(const ApiSettings& settings, ModelRegistry& registry, Scheduler& scheduler, GenerationSlots& slots,
                    ApiMetrics& metrics);

  // Answers one parsed request. Streaming answers return a Response::Stream whose function
  // holds the slot until the stream ends.
  Response Handle(RequestContext& ctx, GenerationRequest request);
  // Answers a request that failed before generating (e.g. a parse error): writes the
  // "Text generation error with model <name>: <message>" record and the flavour's error.
  Response Reject(RequestContext& ctx, const GenerationRequest& request, const ApiError& error);

 private:
  struct Job;
  // Resolves the model, renders and tokenizes the prompt, checks it against the context;
  // the error answer when the request cannot run.
  std::optional<Response> Prepare(RequestContext& ctx, Job& job);
  // Waits for a slot (the queue); the 503/cancel answer when none is granted.
  std::optional<Response> Admit(RequestContext& ctx, const std::shared_ptr<Job>& job);
  // The SSE answer; the stream function generates and holds the slot until it ends.
  Response Stream(const std::shared_ptr<Job>& job);
  // Runs the generation of a prepared job; `emit` sends a piece (false: the client is gone).
  void Run(Job& job, RequestContext& ctx, const std::function<bool(std::string_view)>& emit,
           const std::function<bool()>& client_gone);

  const ApiSettings& settings_;
  ModelRegistry& registry_;
  Scheduler& scheduler_;
  GenerationSlots& slots_;
  ApiMetrics& metrics_;
};

}  // namespace llm::server
