#include "server/generation_handler.h"

#include <chrono>
#include <optional>

#include "core/utf8.h"
#include "engine/model/model.h"
#include "server/connection_watch.h"
#include "server/response_shaper.h"
#include "server/tool_grammar.h"
#include "server/tool_prompt.h"

namespace llm::server {
namespace {

using Clock = std::chrono::steady_clock;

// Code points, as the specification's Python len(response) counts them.
int64_t CodePoints(std::string_view s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

struct GenerationHandler::Job {
  GenerationRequest request;
  std::unique_ptr<ResponseShaper> shaper;
  std::string model_name;
  std::shared_ptr<const ServedModel> model;
  std::vector<int32_t> tokens;
  engine::GenerateParams params;
  SlotLease lease;
  ConnectionWatch watch;
  // Filled by Run():
  std::optional<GenerationOutcome> outcome;  // success (also at MAX_GENERATION_SECONDS: finish_reason "time_limit")
  std::optional<ApiError> error;             // failure
  bool cancelled = false;                    // client gone or shutdown; no answer needed
};

GenerationHandler::GenerationHandler(const ApiSettings& settings, ModelRegistry& registry, Scheduler& scheduler,
                                     GenerationSlots& slots, ApiMetrics& metrics)
    : settings_(settings), registry_(registry), scheduler_(scheduler), slots_(slots), metrics_(metrics) {}

namespace {

// The spec's failure record, then the flavour's error answer (which writes the `error` record).
Response Fail(RequestContext& ctx, ResponseShaper& shaper, const std::string& model_name, const ApiError& e) {
  ctx.LogEvent("text_generation_error", logging::Level::kError,
               "Text generation error with model " + model_name + ": " + e.message,
               {{"model_name", model_name}, {"error_type", e.error_type}, {"error_message", e.message},
                {"status_code", e.status}});
  return shaper.Error(ctx, e);
}

// A chat template's failure: 400 for a conversation the template refuses or cannot render
// (its raise_exception message, or the error with the template line), 500 when the template
// itself ran past the interpreter's limits.
ApiError TemplateError(const Status& status) {
  if (status.code() == StatusCode::kInvalidArgument) return InvalidRequest(status.message(), "messages");
  return ApiError{500, "ChatTemplateError", "the model's chat template failed: " + status.message(),
                  "messages", "chat_template_error", 0};
}

// The prompt text of a request: the text itself, or the conversation rendered by the model's
// chat template with the assistant's opening.
Result<std::string> PromptText(const GenerationRequest& r, const ServedModel& m) {
  if (r.kind == PromptKind::kText) return r.prompt;
  if (r.renders_tools()) return RenderToolPrompt(r, m.chat_template);
  return m.chat_template.Render(r.messages, /*add_generation_prompt=*/true);
}

// A prompt that could not be rendered: a template without tool support is the request's
// problem (400 about `tools`), the rest as TemplateError says.
ApiError PromptError(const Status& status) {
  if (status.code() == StatusCode::kUnsupported) return InvalidRequest(status.message(), "tools");
  return TemplateError(status);
}

// The grammar enforcing tool_choice "required" or a named function in the model's format.
std::optional<ApiError> ForceToolCall(const GenerationRequest& r, const ServedModel& m,
                                      std::shared_ptr<const engine::Grammar>* out) {
  auto grammar = ToolCallGrammar(r.tools, m.chat_template.tool_call_format());
  if (grammar.ok()) {
    *out = *grammar;
    return std::nullopt;
  }
  const bool unsupported = grammar.status().code() == StatusCode::kUnsupported;
  return InvalidRequest(grammar.status().message(), unsupported ? "tool_choice" : "tools");
}

}  // namespace

Response GenerationHandler::Handle(RequestContext& ctx, GenerationRequest request) {
  auto job = std::make_shared<Job>();
  job->shaper = MakeShaper(request);
  job->model_name = request.model.empty() ? settings_.default_model : request.model;
  job->request = std::move(request);
  if (std::optional<Response> refused = Prepare(ctx, *job)) return std::move(*refused);
  if (std::optional<Response> refused = Admit(ctx, job)) return std::move(*refused);
  if (!job->request.stream) {
    Run(*job, ctx, nullptr, [job] { return job->watch.PeerClosed(); });
    if (job->outcome) return job->shaper->Complete(*job->outcome);
    if (job->error) return Fail(ctx, *job->shaper, job->model_name, *job->error);
    return Response::Json(499, {{"error", "client closed the connection"}});
  }
  return Stream(job);
}

std::optional<Response> GenerationHandler::Prepare(RequestContext& ctx, Job& job) {
  const GenerationRequest& req = job.request;
  Result<std::shared_ptr<const ServedModel>> model = registry_.Acquire(job.model_name);
  if (!model.ok()) return Fail(ctx, *job.shaper, job.model_name, ModelUnavailable(model.status(), job.model_name));
  job.model = *model;
  job.model_name = job.model->name;
  job.shaper->set_model(job.model_name);

  Result<std::string> prompt = PromptText(req, *job.model);
  if (!prompt.ok()) return Fail(ctx, *job.shaper, job.model_name, PromptError(prompt.status()));
  const std::string& bos_text = job.model->model->info().bos_text;
  // A template that writes the BOS text itself must not get a second BOS.
  const bool add_bos = !(req.kind == PromptKind::kChat && !bos_text.empty() && prompt->rfind(bos_text, 0) == 0);
  job.tokens = job.model->model->tokenizer().Encode(*prompt, add_bos, /*parse_special=*/true);
  const int32_t n_ctx = slots_.ContextLength(*job.model);
  if (job.tokens.empty()) return Fail(ctx, *job.shaper, job.model_name, InvalidRequest("the prompt has no tokens", "prompt"));
  if (static_cast<int64_t>(job.tokens.size()) >= n_ctx) {
    return Fail(ctx, *job.shaper, job.model_name,
                ApiError{400, "ContextLengthExceededError",
                         "the prompt has " + std::to_string(job.tokens.size()) + " tokens; the context of " +
                             job.model_name + " holds " + std::to_string(n_ctx),
                         req.kind == PromptKind::kChat ? "messages" : "prompt", "context_length_exceeded", 0});
  }
  if (req.max_tokens > n_ctx) {
    return Fail(ctx, *job.shaper, job.model_name,
                InvalidRequest("max_tokens (" + std::to_string(req.max_tokens) + ") exceeds the context length (" +
                                   std::to_string(n_ctx) + ") of " + job.model_name,
                               "max_tokens"));
  }
  const int32_t vocab = job.model->model->tokenizer().vocab_size();
  for (const auto& [id, bias] : req.sampling.logit_bias) {
    if (id >= vocab) {
      return Fail(ctx, *job.shaper, job.model_name,
                  InvalidRequest("'logit_bias' names token " + std::to_string(id) + ", outside the vocabulary of " +
                                     job.model_name + " (" + std::to_string(vocab) + " tokens)",
                                 "logit_bias"));
    }
  }
  job.params.max_tokens = req.max_tokens;
  job.params.sampling = req.sampling;
  job.params.stop = req.stop;
  job.params.timeout_ms = settings_.max_generation_seconds * 1000.0;
  job.params.grammar = req.grammar;
  if (req.tools.forced()) {
    if (auto e = ForceToolCall(req, *job.model, &job.params.grammar)) return Fail(ctx, *job.shaper, job.model_name, *e);
  }
  return std::nullopt;
}

std::optional<Response> GenerationHandler::Admit(RequestContext& ctx, const std::shared_ptr<Job>& job) {
  job->watch = ConnectionWatch(ctx.request().socket_fd);
  Result<SlotLease> lease = scheduler_.Acquire([job] { return job->watch.PeerClosed(); });
  if (lease.ok()) {
    job->lease = std::move(lease).value();
    return std::nullopt;
  }
  if (lease.status().code() == StatusCode::kResourceExhausted) {
    return Fail(ctx, *job->shaper, job->model_name, ServerBusy(lease.status().message(), 1));
  }
  if (job->watch.PeerClosed()) {
    ctx.LogEvent("generation_cancelled", logging::Level::kWarning,
                 "Generation cancelled before it started: the client disconnected while queued",
                 {{"model_name", job->model_name}, {"reason", "client_disconnected"}, {"completion_tokens", 0}});
    return Response::Json(499, {{"error", "client closed the connection"}});
  }
  return Fail(ctx, *job->shaper, job->model_name, ApiErrorFromStatus(lease.status()));
}

Response GenerationHandler::Stream(const std::shared_ptr<Job>& job) {
  Response r = Response::Stream("text/event-stream", [this, job](StreamWriter& out, RequestContext& sctx) {
    bool connected = true;
    const bool hold_back = job->request.tools.active();  // a reply with tools is parsed first
    auto emit = [&](std::string_view piece) {
      if (hold_back) return connected;
      connected = connected && out.Write(job->shaper->StreamPiece(piece));
      return connected;
    };
    std::string start = job->shaper->StreamStart();
    if (!start.empty()) connected = out.Write(start);
    Run(*job, sctx, emit, [&] { return !connected || job->watch.PeerClosed(); });
    if (job->outcome) {
      out.Write(job->shaper->StreamEnd(*job->outcome));
    } else if (job->error) {
      Fail(sctx, *job->shaper, job->model_name, *job->error);  // the records; the body is sent below
      out.Write(job->shaper->StreamError(*job->error, sctx.request_id()));
    }
    job->lease = SlotLease();  // free the slot before the connection thread moves on
  });
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  return r;
}

Response GenerationHandler::Reject(RequestContext& ctx, const GenerationRequest& request, const ApiError& error) {
  std::unique_ptr<ResponseShaper> shaper = MakeShaper(request);
  return Fail(ctx, *shaper, request.model.empty() ? settings_.default_model : request.model, error);
}

void GenerationHandler::Run(Job& job, RequestContext& ctx, const std::function<bool(std::string_view)>& emit,
                            const std::function<bool()>& client_gone) {
  engine::GenerateCallbacks callbacks;
  if (emit) callbacks.on_piece = emit;
  callbacks.should_cancel = [&] { return job.lease.cancel_requested() || client_gone(); };
  const auto started = Clock::now();
  Result<engine::GenerateResult> result =
      slots_.Run(job.lease.index(), job.model, job.tokens, job.params, callbacks);
  const double seconds = Seconds(Clock::now() - started);
  if (!result.ok()) {
    job.error = ApiErrorFromStatus(result.status());
    return;
  }
  const engine::GenerateResult& g = *result;
  const int64_t completion_tokens = static_cast<int64_t>(g.tokens.size());
  if (g.finish_reason == engine::FinishReason::kCancelled) {
    const bool shutdown = job.lease.cancel_requested();
    job.cancelled = true;
    ctx.LogEvent("generation_cancelled", logging::Level::kWarning,
                 shutdown ? "Generation cancelled: the server is shutting down"
                          : "Generation cancelled: the client disconnected",
                 {{"model_name", job.model_name}, {"reason", shutdown ? "shutdown" : "client_disconnected"},
                  {"completion_tokens", completion_tokens}, {"generation_time", seconds}});
    if (shutdown) job.error = ApiError{503, "ServiceUnavailableError", "the server is shutting down", "", "shutting_down", 0};
    metrics_.ObserveGeneration(job.model_name, static_cast<int64_t>(job.tokens.size()), completion_tokens, -1, -1);
    return;
  }
  GenerationOutcome o;
  o.request_id = ctx.request_id();
  o.completion_id = job.shaper->completion_id();
  o.model = job.model_name;
  o.text = g.text;
  o.finish_reason = g.finish_reason;
  o.prompt_tokens = static_cast<int64_t>(g.prompt_tokens.size());
  o.completion_tokens = completion_tokens;
  o.generation_seconds = seconds;
  o.timings = g.timings;
  if (job.request.tools.active()) SplitToolReply(job.request.tools, job.model->chat_template, o);
  const double ttft = g.timings.time_to_first_token_ms / 1000.0;
  const double tpot = completion_tokens > 1 ? (seconds - ttft) / static_cast<double>(completion_tokens - 1) : -1;
  metrics_.ObserveGeneration(job.model_name, o.prompt_tokens, completion_tokens, completion_tokens > 0 ? ttft : -1,
                             tpot);
  ctx.LogEvent("text_generation_success", logging::Level::kInfo,
               "Text generation completed successfully with model: " + job.model_name,
               {{"model_name", job.model_name},
                {"response_length", CodePoints(o.text)},
                {"generation_time", seconds},
                {"prompt_tokens", o.prompt_tokens},
                {"completion_tokens", completion_tokens},
                {"tokens_per_second", seconds > 0 ? static_cast<double>(completion_tokens) / seconds : 0.0},
                {"time_to_first_token_ms", g.timings.time_to_first_token_ms},
                {"finish_reason", engine::FinishReasonName(g.finish_reason)},
                {"stream", job.request.stream},
                {"constrained", job.params.grammar != nullptr},
                {"tool_calls", static_cast<int64_t>(o.tool_calls.size())}});
  job.outcome = std::move(o);
}

}  // namespace llm::server
