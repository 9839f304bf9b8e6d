#include "server/api_service.h"

#include <chrono>

#include "server/builtin_routes.h"
#include "server/hostile_input.h"
#include "server/json_errors.h"
#include "server/native_json.h"
#include "server/openai_json.h"
#include "server/error_answer.h"
#include "server/served_model_loader.h"
#include "server/token_routes.h"
#include "engine/model/model.h"

namespace llm::server {
uint64_t RequiredHttpThreads(const ApiSettings& settings) {
  return static_cast<uint64_t>(settings.parallel) + static_cast<uint64_t>(settings.max_queue) + 16;
}

ApiService::ApiService(ApiSettings settings, std::string models_dir, logging::Logger& logger)
    : settings_(std::move(settings)),
      models_dir_(std::move(models_dir)),
      logger_(logger),
      access_(settings_, logger),
      registry_(models_dir_, settings_.max_loaded_models,
                [mode = settings_.use_mmap ? LoadMode::kMap : LoadMode::kReadIntoMemory](const ModelFile& f) {
                  return LoadServedModel(f, mode);
                },
                MakeObserver()),
      scheduler_(settings_.parallel, settings_.max_queue),
      slots_(settings_.parallel, settings_.TotalThreads(), settings_.context_size),
      engine_(registry_, slots_),
      generation_(settings_, engine_, scheduler_, metrics_),
      ollama_(settings_, models_dir_, registry_, descriptions_, generation_,
              [this](RequestContext& ctx, const std::string& name) { WatchModelName(ctx, name); }),
      embeddings_(settings_, models_dir_, engine_, slots_, scheduler_, metrics_,
                  [this](RequestContext& ctx, const std::string& name) { WatchModelName(ctx, name); }) {}

ApiService::~ApiService() = default;

RegistryObserver ApiService::MakeObserver() {
  RegistryObserver o;
  o.on_loaded = [this](const ServedModel& m, double load_ms) {
    nlohmann::json fields = DescriptionFields(m.description);
    fields.update({{"model_name", m.name},
                   {"load_time_ms", load_ms},
                   {"size", m.size_bytes},
                   {"mmap", m.model->info().load_mode == LoadMode::kMap},
                   {"chat_template", m.chat_template.family_name()},
                   {"chat_template_note", m.chat_template_note}});
    logger_.LogEvent("model_loaded", logging::Level::kInfo, "Model loaded: " + m.name, fields, nullptr,
                     "model_registry");
  };
  o.on_unloaded = [this](const std::string& name, const std::string& reason) {
    slots_.ForgetModelsExcept([this](const std::string& n) { return registry_.IsLoaded(n); });
    logger_.LogEvent("model_unloaded", logging::Level::kInfo, "Model unloaded: " + name,
                     {{"model_name", name}, {"reason", reason}}, nullptr, "model_registry");
  };
  o.on_load_failed = [this](const std::string& name, const Status& error) {
    logger_.LogEvent("model_load_failed", logging::Level::kError, "Model " + name + " failed to load: " + error.message(),
                     {{"model_name", name}, {"error_type", "ModelLoadError"}, {"error_message", error.message()},
                      {"reason", std::string(StatusCodeName(error.code()))}},
                     nullptr, "model_registry");
  };
  return o;
}

void ApiService::Attach(Server& server) {
  RouteTable& routes = server.routes();
  routes.Add({"POST", "/api/v1/generate", "generate_response",
             [this](RequestContext& c) { return Generation(c, ApiSurface::kNativeGenerate); }, true});
  routes.Add({"POST", "/api/v1/chat", "chat_response",
             [this](RequestContext& c) { return Generation(c, ApiSurface::kNativeChat); }, true});
  routes.Add({"GET", "/api/v1/models", "list_models", [this](RequestContext& c) { return ListModels(c); }, false});
  routes.Add({"POST", "/v1/chat/completions", "openai_chat_completions",
             [this](RequestContext& c) { return Generation(c, ApiSurface::kOpenAIChat); }, true});
  routes.Add({"POST", "/v1/completions", "openai_completions",
             [this](RequestContext& c) { return Generation(c, ApiSurface::kOpenAICompletion); }, true});
  routes.Add({"GET", "/v1/models", "openai_list_models", [this](RequestContext& c) { return OpenAIListModels(c); }, false});
  routes.Add({"GET", "/v1/models/{model}", "openai_retrieve_model", [this](RequestContext& c) { return OpenAIRetrieveModel(c); }, false});
  ollama_.Attach(routes);
  routes.Add({"POST", "/v1/messages", "anthropic_messages",
             [this](RequestContext& c) { return Generation(c, ApiSurface::kAnthropicMessages); }, true});
  routes.Add({"POST", "/v1/messages/count_tokens", "anthropic_count_tokens",
             [this](RequestContext& c) { return AnthropicCountTokens(c); }, true});
  routes.Add({"GET", "/metrics", "metrics", [this](RequestContext& c) { return Metrics(c); }, false});
  routes.Add({"POST", "/api/v1/tokenize", "tokenize", [this](RequestContext& c) { return TokenizeRoute(c); }, true});
  routes.Add({"POST", "/api/v1/detokenize", "detokenize", [this](RequestContext& c) { return DetokenizeRoute(c); }, true});
  embeddings_.Attach(routes);
  server.AddHealthContributor([this](nlohmann::json& h) {
    h["generation"] = {{"slots_total", scheduler_.slots()},
                       {"slots_busy", scheduler_.busy()},
                       {"requests_queued", scheduler_.queued()},
                       {"max_queue", scheduler_.max_queue()},
                       {"models_loaded", registry_.loaded_count()},
                       {"default_model", settings_.default_model}};
  });
  server.AddShutdownHook([this] { Shutdown(); });
  // The key's name is known before the `request` record, so every record of the request has it.
  server.SetCredentialNamer([this](const HttpRequest& r) { return access_.KeyName(r); });
  server.AddRequestFilter([this](RequestContext& ctx) {
    WatchRequest(ctx);
    return std::optional<Response>();
  });
  // Before routing: a request without the key gets 401 whatever its path or body.
  server.AddRequestFilter([this](RequestContext& ctx) { return access_.Authorize(ctx); });
  // Every answered exchange, routed or not, streams when they end.
  server.AddResponseObserver([this](const RequestContext& ctx, int status, double seconds) {
    const std::string& endpoint = ctx.log_fields().endpoint;
    const std::string& key = ctx.log_fields().api_key_name;
    metrics_.ObserveRequest(endpoint.empty() ? "unrouted" : endpoint, status, seconds,
                            key.empty() ? kAnonymousKeyName : std::string_view(key));
  });
}

void ApiService::Shutdown() {
  scheduler_.BeginShutdown();
  const auto grace = std::chrono::duration<double>(settings_.shutdown_grace_seconds);
  if (!scheduler_.WaitIdle(std::chrono::duration_cast<std::chrono::steady_clock::duration>(grace))) {
    logger_.LogEvent("generation_shutdown_cancel", logging::Level::kWarning,
                     "Shutdown grace period over: cancelling the running generations",
                     {{"slots_busy", scheduler_.busy()}, {"grace_seconds", settings_.shutdown_grace_seconds}});
    scheduler_.CancelRunning();
    scheduler_.WaitIdle(std::chrono::seconds(5));
  }
  registry_.UnloadAll("server shutting down");
}

void ApiService::WatchRequest(RequestContext& ctx) const {
  const HttpRequest& req = ctx.request();
  std::optional<std::string_view> reason = SuspiciousPathReason(req.path);
  if (!reason) reason = SuspiciousPathReason(req.query);
  if (!reason) return;
  ctx.LogSecurityEvent(*reason, "Suspicious request path from " + ctx.log_fields().remote_addr + " (" +
                                    std::string(*reason) + ")",
                       {{"where", "path"}});
}

void ApiService::WatchModelName(RequestContext& ctx, const std::string& name) const {
  std::optional<std::string_view> reason = SuspiciousNameReason(name);
  if (!reason) return;
  // The name goes into the record JSON-escaped, so CR/LF/NUL cannot forge a line.
  ctx.LogSecurityEvent(*reason, "Suspicious model name from " + ctx.log_fields().remote_addr + " (" +
                                    std::string(*reason) + ")",
                       {{"where", "model_name"}, {"model_name", name}});
}

Response ApiService::Generation(RequestContext& ctx, ApiSurface surface) {
  std::unique_ptr<ApiAdapter> adapter = MakeAdapter(surface);
  GenerationRequest req;
  std::optional<ApiError> refused = adapter->Parse(ctx.json(), ctx.request().body, &req);
  WatchModelName(ctx, req.model);
  if (refused) return generation_.Reject(ctx, *adapter, req, *refused);
  return generation_.Handle(ctx, std::move(adapter), std::move(req));
}

Response ApiService::AnthropicCountTokens(RequestContext& ctx) {
  std::unique_ptr<ApiAdapter> adapter = MakeAdapter(ApiSurface::kAnthropicCountTokens);
  GenerationRequest req;
  std::optional<ApiError> refused = adapter->Parse(ctx.json(), ctx.request().body, &req);
  WatchModelName(ctx, req.model);
  if (refused) return ErrorAnswer(ctx, *refused, adapter->ErrorBody(*refused, ctx.request_id()));
  int64_t count = 0;
  if (std::optional<Response> failed = generation_.CountPromptTokens(ctx, *adapter, req, &count)) {
    return std::move(*failed);
  }
  return Response::Json(200, {{"input_tokens", count}});
}

Response ApiService::ListModels(RequestContext& ctx) {
  Result<nlohmann::json> listing = ListModelFiles(models_dir_);
  if (!listing.ok()) return ctx.Error(500, error_type::kInternal, listing.status().message());
  nlohmann::json body = std::move(listing).value();
  for (nlohmann::json& entry : body["models"]) {
    const std::string name = entry.value("name", "");
    Result<ModelFile> file = ResolveModelFile(models_dir_, name);
    Result<ModelDescription> d = file.ok() ? descriptions_.Get(*file) : Result<ModelDescription>(file.status());
    if (d.ok()) {
      entry.update(DescriptionFields(*d));
    } else {
      entry["error"] = d.status().message();
    }
    entry["loaded"] = registry_.IsLoaded(name);
  }
  body["default_model"] = settings_.default_model;
  return Response::Json(200, body);
}

Response ApiService::OpenAIListModels(RequestContext&) {
  Response r;
  r.body = DumpJson(OpenAIModelList(ScanModelsDir(models_dir_)));
  return r;
}

Response ApiService::OpenAIRetrieveModel(RequestContext& ctx) {
  const std::string& name = ctx.path_params().at("model");
  WatchModelName(ctx, name);
  Result<ModelFile> file = ResolveModelFile(models_dir_, name);
  if (!file.ok()) return ErrorResponse(ctx, ApiFlavor::kOpenAI, ModelNotFound("The model '" + name + "' does not exist"));
  Response r;
  r.body = DumpJson(OpenAIModelList({*file})["data"][0]);
  return r;
}

Response ApiService::Metrics(RequestContext&) {
  logging::LogCounters c = logger_.Counters();
  MetricsGauges g{scheduler_.busy(),    scheduler_.queued(),     registry_.loaded_count(), c.records_written,
                  c.records_dropped,    slots_.batched_passes(), slots_.batched_steps()};
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.Render(g);
  return r;
}

Result<std::shared_ptr<const ServedModel>> ApiService::ModelFor(RequestContext& ctx, const std::string& name,
                                                                std::optional<Response>* refused) {
  WatchModelName(ctx, name);
  const std::string model_name = name.empty() ? settings_.default_model : name;
  Result<std::shared_ptr<const ServedModel>> model = registry_.Acquire(model_name);
  if (!model.ok()) *refused = ErrorResponse(ctx, ApiFlavor::kNative, ModelUnavailable(model.status(), model_name));
  return model;
}

Response ApiService::TokenizeRoute(RequestContext& ctx) {
  TokenizeRequest req;
  if (auto e = ParseTokenize(ctx.json(), &req)) return ErrorResponse(ctx, ApiFlavor::kNative, *e);
  std::optional<Response> refused;
  Result<std::shared_ptr<const ServedModel>> model = ModelFor(ctx, req.model, &refused);
  if (!model.ok()) return std::move(*refused);
  nlohmann::json answer = Tokenize((*model)->model->tokenizer(), req);
  answer["model"] = (*model)->name;
  return Response::Json(200, answer);
}

Response ApiService::DetokenizeRoute(RequestContext& ctx) {
  DetokenizeRequest req;
  if (auto e = ParseDetokenize(ctx.json(), &req)) return ErrorResponse(ctx, ApiFlavor::kNative, *e);
  std::optional<Response> refused;
  Result<std::shared_ptr<const ServedModel>> model = ModelFor(ctx, req.model, &refused);
  if (!model.ok()) return std::move(*refused);
  std::string text;
  if (auto e = Detokenize((*model)->model->tokenizer(), req, &text)) return ErrorResponse(ctx, ApiFlavor::kNative, *e);
  return Response::Json(200, {{"model", (*model)->name}, {"text", text}});
}

}  // namespace llm::server
