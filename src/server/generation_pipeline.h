// GenerationPipeline: the one path every generation takes, whatever API surface it came
// through: resolve the model -> render the prompt -> tokenize and check it against the
// context -> wait for a slot (bounded queue) -> generate, the reply told apart into answer,
// reasoning and tool calls as it streams -> log, count, answer. The surface's ApiAdapter
// parses the request and shapes every answer; the engine is a GenerationEngine.
// Records: text_generation_success, "Text generation error with model <name>: <message>",
// generation_cancelled.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "nlohmann/json_fwd.hpp"
#include "server/api_adapter.h"
#include "server/api_settings.h"
#include "server/generation_engine.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/request_context.h"
#include "server/scheduler.h"

namespace llm::server {

class GenerationPipeline {
 public:
  GenerationPipeline(const ApiSettings& settings, GenerationEngine& engine, Scheduler& scheduler,
                     ApiMetrics& metrics);

  // Answers a request the adapter parsed. Streaming answers return a Response::Stream whose
  // function holds the slot until the stream ends.
  Response Handle(RequestContext& ctx, std::unique_ptr<ApiAdapter> adapter, GenerationRequest request);
  // Answers a request that failed before generating (e.g. a parse error): writes the
  // "Text generation error with model <name>: <message>" record and the surface's error.
  Response Reject(RequestContext& ctx, ApiAdapter& adapter, const GenerationRequest& request, const ApiError& error);
  // The prompt tokens a request would be evaluated with (its model's template renders it and
  // it is tokenized as Handle does; *count), or the adapter's error answer (model unknown,
  // prompt the template refuses) with its `error` record.
  std::optional<Response> CountPromptTokens(RequestContext& ctx, const ApiAdapter& adapter,
                                            const GenerationRequest& request, int64_t* count);

 private:
  struct Job;
  // Resolves the model, renders and tokenizes the prompt, checks it against the context;
  // the error answer when the request cannot run.
  std::optional<Response> Prepare(RequestContext& ctx, Job& job);
  // Renders the prompt of `req` with `model`'s chat template and tokenizes it (BOS unless the
  // template wrote it); *starts_in_reasoning when the prompt opened a thinking block. The
  // error when the prompt cannot be rendered.
  std::optional<ApiError> PromptTokens(const GenerationRequest& req, const ServedModel& model,
                                       std::vector<int32_t>* tokens, bool* starts_in_reasoning) const;
  // Waits for a slot (the queue); the 503/cancel answer when none is granted.
  std::optional<Response> Admit(RequestContext& ctx, const std::shared_ptr<Job>& job);
  // The SSE answer; the stream function generates and holds the slot until it ends.
  Response Stream(const std::shared_ptr<Job>& job);
  // Runs the generation of a prepared job (its `n` choices); `send` gets each delta of a
  // stream (false: the client is gone; null when not streaming). Fills job.outcome or
  // job.error, or writes generation_cancelled.
  void Run(Job& job, RequestContext& ctx, const std::function<bool(const GenerationDelta&)>& send,
           const std::function<bool()>& client_gone);
  // One choice generated in a slot: what the engine returned, and the reply assembled from it.
  struct ChoiceRun {
    Result<engine::GenerateResult> result;
    GenerationOutcome outcome;
    double seconds = 0;
  };
  ChoiceRun RunChoice(const Job& job, const SlotLease& lease, const engine::GenerateParams& params,
                      const std::function<bool(const GenerationDelta&)>& send, const std::function<bool()>& client_gone);
  // Every choice of the job: with n above 1, on the job's slot and the slots free now.
  std::vector<ChoiceRun> RunChoices(const Job& job, const std::function<bool(const GenerationDelta&)>& send,
                                    const std::function<bool()>& client_gone);
  // Counts the finished generation and writes text_generation_success.
  void Finish(Job& job, RequestContext& ctx, const engine::Timings& timings, double seconds);

  const ApiSettings& settings_;
  GenerationEngine& engine_;
  Scheduler& scheduler_;
  ApiMetrics& metrics_;
};

}  // namespace llm::server
