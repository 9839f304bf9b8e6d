#include "server/embedding_routes.h"

#include <chrono>
#include <cmath>

#include "engine/model/model.h"
#include "server/connection_watch.h"
#include "server/error_answer.h"

namespace llm::server {
namespace {

using EmbeddingClock = std::chrono::steady_clock;

double EmbeddingSecondsSince(EmbeddingClock::time_point t0) {
  return std::chrono::duration<double>(EmbeddingClock::now() - t0).count();
}

// The request field an input problem is about.
std::string EmbeddingInputParam(EmbeddingSurface surface) {
  return surface == EmbeddingSurface::kOllamaLegacy ? "prompt" : "input";
}

bool EmbeddingsAllFinite(const std::vector<std::vector<float>>& vectors) {
  for (const std::vector<float>& v : vectors) {
    for (float x : v) {
      if (!std::isfinite(x)) return false;
    }
  }
  return true;
}

// An engine failure of the embedding itself: bad input 400, a model that cannot embed 400
// about `model`, the rest as the generation path maps them.
ApiError EmbeddingEngineError(const Status& status, EmbeddingSurface surface) {
  if (status.code() == StatusCode::kUnsupported) return InvalidRequest(status.message(), "model");
  ApiError e = ApiErrorFromStatus(status);
  if (e.status == 400) e.param = EmbeddingInputParam(surface);
  return e;
}

}  // namespace

struct EmbeddingRoutes::Job {
  EmbeddingRequest request;
  std::string model_name;
  std::shared_ptr<const ServedModel> model;
  std::vector<std::vector<int32_t>> inputs;
  int64_t prompt_tokens = 0;
  int64_t truncated = 0;
  EmbeddingClock::time_point started = EmbeddingClock::now();
  double load_seconds = 0;
  double embedding_seconds = 0;
  std::vector<std::vector<float>> vectors;
};

EmbeddingRoutes::EmbeddingRoutes(const ApiSettings& settings, const std::string& models_dir, GenerationEngine& engine,
                                 GenerationSlots& slots, Scheduler& scheduler, ApiMetrics& metrics,
                                 NameWatcher watch_model_name)
    : settings_(settings),
      engine_(engine),
      slots_(slots),
      scheduler_(scheduler),
      metrics_(metrics),
      watch_model_name_(std::move(watch_model_name)),
      ollama_names_(models_dir, settings.model_aliases_file) {}

void EmbeddingRoutes::Attach(RouteTable& routes) {
  routes.Add({"POST", "/v1/embeddings", "openai_embeddings",
              [this](RequestContext& c) { return Handle(c, EmbeddingSurface::kOpenAI); }, true});
  routes.Add({"POST", "/api/embed", "ollama_embed",
              [this](RequestContext& c) { return Handle(c, EmbeddingSurface::kOllamaEmbed); }, true});
  routes.Add({"POST", "/api/embeddings", "ollama_embeddings",
              [this](RequestContext& c) { return Handle(c, EmbeddingSurface::kOllamaLegacy); }, true});
}

Response EmbeddingRoutes::Handle(RequestContext& ctx, EmbeddingSurface surface) {
  Job job;
  std::optional<ApiError> refused = ParseEmbeddingRequest(surface, ctx.json(), &job.request);
  job.model_name = job.request.model.empty() ? settings_.default_model : job.request.model;
  if (watch_model_name_) watch_model_name_(ctx, job.request.model);
  if (refused) return Fail(ctx, job, *refused);
  if (auto e = ResolveModel(job)) return Fail(ctx, job, *e);
  if (auto e = TokenizeInputs(job)) return Fail(ctx, job, *e);
  if (!job.inputs.empty()) {
    if (std::optional<Response> answered = Run(ctx, job)) return std::move(*answered);
  }
  return Succeed(ctx, job);
}

std::optional<ApiError> EmbeddingRoutes::ResolveModel(Job& job) {
  const auto t0 = EmbeddingClock::now();
  // Ollama clients name models "name:tag" (OllamaModelNames maps them onto files).
  if (job.request.surface != EmbeddingSurface::kOpenAI) {
    Result<ModelFile> file = ollama_names_.Resolve(job.model_name);
    if (!file.ok()) return OllamaNameError(file.status());
    job.model_name = file->name;
  }
  Result<std::shared_ptr<const ServedModel>> model = engine_.Acquire(job.model_name);
  job.load_seconds = EmbeddingSecondsSince(t0);
  if (!model.ok()) return ModelUnavailable(model.status(), job.model_name);
  job.model = *model;
  job.model_name = job.model->name;
  const int64_t n_embd = job.model->model->hparams().n_embd;
  if (job.request.dimensions && *job.request.dimensions != n_embd) {
    return InvalidRequest("'dimensions' " + std::to_string(*job.request.dimensions) + " is not supported: the " +
                              "embeddings of " + job.model_name + " have " + std::to_string(n_embd) +
                              " dimensions, and shortening them is not supported",
                          "dimensions");
  }
  return std::nullopt;
}

std::optional<ApiError> EmbeddingRoutes::TokenizeInputs(Job& job) {
  const EmbeddingRequest& r = job.request;
  const std::string param = EmbeddingInputParam(r.surface);
  job.inputs = r.token_inputs;
  for (const std::string& text : r.texts) job.inputs.push_back(engine_.Tokenize(*job.model, text, /*add_bos=*/true));
  const int32_t vocab = engine_.VocabSize(*job.model);
  const int32_t n_ctx = engine_.ContextLength(*job.model);
  for (size_t i = 0; i < job.inputs.size(); ++i) {
    std::vector<int32_t>& ids = job.inputs[i];
    const std::string which = job.inputs.size() > 1 ? "input " + std::to_string(i) : "the input";
    if (ids.empty()) return InvalidRequest(which + " has no tokens", param);
    for (int32_t id : ids) {
      if (id >= vocab) {
        return InvalidRequest(which + " has token id " + std::to_string(id) + ", outside the vocabulary of " +
                                  job.model_name + " (" + std::to_string(vocab) + " tokens)",
                              param);
      }
    }
    if (static_cast<int64_t>(ids.size()) > n_ctx) {
      if (!r.truncate) {
        return ApiError{400, "ContextLengthExceededError",
                        which + " has " + std::to_string(ids.size()) + " tokens; the context of " + job.model_name +
                            " holds " + std::to_string(n_ctx),
                        param, "context_length_exceeded", 0};
      }
      ids.resize(static_cast<size_t>(n_ctx));
      ++job.truncated;
    }
    job.prompt_tokens += static_cast<int64_t>(ids.size());
  }
  return std::nullopt;
}

std::optional<Response> EmbeddingRoutes::Run(RequestContext& ctx, Job& job) {
  ConnectionWatch watch(ctx.request().socket_fd);
  Result<SlotLease> lease = scheduler_.Acquire([&watch] { return watch.PeerClosed(); });
  if (!lease.ok()) {
    if (lease.status().code() == StatusCode::kResourceExhausted) {
      return Fail(ctx, job, ServerBusy(lease.status().message(), 1));
    }
    if (watch.PeerClosed()) return Response::Json(499, {{"error", "client closed the connection"}});
    return Fail(ctx, job, ApiErrorFromStatus(lease.status()));
  }
  const auto t0 = EmbeddingClock::now();
  Result<std::vector<std::vector<float>>> vectors = slots_.Embed(lease->index(), job.model, job.inputs);
  job.embedding_seconds = EmbeddingSecondsSince(t0);
  if (!vectors.ok()) return Fail(ctx, job, EmbeddingEngineError(vectors.status(), job.request.surface));
  if (!EmbeddingsAllFinite(*vectors)) {
    return Fail(ctx, job, ApiError{500, "GenerationError", "the model produced a non-finite embedding", "",
                                   "server_error", 0});
  }
  job.vectors = std::move(vectors).value();
  return std::nullopt;
}

Response EmbeddingRoutes::Succeed(RequestContext& ctx, Job& job) {
  const int64_t inputs = static_cast<int64_t>(job.inputs.size());
  metrics_.ObserveEmbedding(job.model_name, inputs, job.prompt_tokens);
  ctx.LogEvent("embedding_success", logging::Level::kInfo,
               "Embedding completed successfully with model: " + job.model_name,
               {{"model_name", job.model_name},
                {"inputs", inputs},
                {"prompt_tokens", job.prompt_tokens},
                {"embedding_time", job.embedding_seconds},
                {"dimensions", job.model->model->hparams().n_embd},
                {"truncated_inputs", job.truncated},
                {"encoding_format", job.request.base64 ? "base64" : "float"}});
  EmbeddingResult result;
  result.model = job.model_name;
  result.vectors = std::move(job.vectors);
  result.prompt_tokens = job.prompt_tokens;
  result.load_seconds = job.load_seconds;
  result.total_seconds = EmbeddingSecondsSince(job.started);
  Response r;
  r.body = EmbeddingAnswer(job.request, result);
  return r;
}

Response EmbeddingRoutes::Fail(RequestContext& ctx, const Job& job, const ApiError& e) {
  ctx.LogEvent("embedding_error", logging::Level::kError,
               "Embedding error with model " + job.model_name + ": " + e.message,
               {{"model_name", job.model_name}, {"error_type", e.error_type}, {"error_message", e.message},
                {"status_code", e.status}});
  return ErrorResponse(ctx, FlavorOf(job.request.surface), e);
}

}  // namespace llm::server
