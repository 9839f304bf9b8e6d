#include "server/generation_pipeline.h"

#include <chrono>
#include <optional>
#include <thread>

#include "server/connection_watch.h"
#include "server/error_answer.h"
#include "server/reply_assembler.h"
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

// Whether a rendered prompt ends inside a thinking block (its generation prompt opened <think>).
bool EndsInThinking(std::string_view prompt) {
  while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == ' ' || prompt.back() == '\r')) {
    prompt.remove_suffix(1);
  }
  return prompt.ends_with("<think>");
}

}  // namespace

struct GenerationPipeline::Job {
  GenerationRequest request;
  std::unique_ptr<ApiAdapter> adapter;
  std::string model_name;
  std::shared_ptr<const ServedModel> model;
  std::vector<int32_t> tokens;
  bool starts_in_reasoning = false;
  double load_seconds = 0;  // engine_.Acquire() of the model
  engine::GenerateParams params;
  SlotLease lease;
  ConnectionWatch watch;
  // Filled by Run():
  std::optional<GenerationOutcome> outcome;  // success (also at MAX_GENERATION_SECONDS: finish_reason "time_limit")
  std::optional<ApiError> error;             // failure
};

GenerationPipeline::GenerationPipeline(const ApiSettings& settings, GenerationEngine& engine, Scheduler& scheduler,
                                       ApiMetrics& metrics)
    : settings_(settings), engine_(engine), scheduler_(scheduler), metrics_(metrics) {}

namespace {

// The spec's failure record, then the surface's error answer (which writes the `error` record).
Response Fail(RequestContext& ctx, const ApiAdapter& adapter, const std::string& model_name, const ApiError& e) {
  ctx.LogEvent("text_generation_error", logging::Level::kError,
               "Text generation error with model " + model_name + ": " + e.message,
               {{"model_name", model_name}, {"error_type", e.error_type}, {"error_message", e.message},
                {"status_code", e.status}});
  return ErrorAnswer(ctx, e, adapter.ErrorBody(e, ctx.request_id()));
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
  if (r.renders_request()) return RenderChatRequest(r, m.chat_template);
  return m.chat_template.Render(r.messages, /*add_generation_prompt=*/true);
}

// A prompt that could not be rendered: what the template cannot show is the request's
// problem (400 about `tools`, or about what set the template variables: `chat_template_kwargs`
// or Anthropic's `thinking`), the rest as TemplateError says.
ApiError PromptError(const GenerationRequest& r, const Status& status) {
  if (status.code() == StatusCode::kUnsupported) {
    if (r.renders_tools()) return InvalidRequest(status.message(), "tools");
    if (r.flavor == ApiFlavor::kAnthropic) {
      return InvalidRequest("'thinking' cannot be set for this model: " + status.message(), "thinking");
    }
    return InvalidRequest(status.message(), "chat_template_kwargs");
  }
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

ApiError ContextExceeded(const GenerationRequest& r, size_t tokens, int32_t n_ctx, const std::string& model) {
  return ApiError{400, "ContextLengthExceededError",
                  "the prompt has " + std::to_string(tokens) + " tokens; the context of " + model + " holds " +
                      std::to_string(n_ctx),
                  r.kind == PromptKind::kChat ? "messages" : "prompt", "context_length_exceeded", 0};
}

}  // namespace

Response GenerationPipeline::Handle(RequestContext& ctx, std::unique_ptr<ApiAdapter> adapter,
                                    GenerationRequest request) {
  auto job = std::make_shared<Job>();
  job->adapter = std::move(adapter);
  job->model_name = request.model.empty() ? settings_.default_model : request.model;
  job->request = std::move(request);
  if (std::optional<Response> refused = Prepare(ctx, *job)) return std::move(*refused);
  if (std::optional<Response> refused = Admit(ctx, job)) return std::move(*refused);
  if (!job->request.stream) {
    Run(*job, ctx, nullptr, [job] { return job->watch.PeerClosed(); });
    if (job->outcome) {
      Response r;
      r.body = job->adapter->Complete(*job->outcome);
      return r;
    }
    if (job->error) return Fail(ctx, *job->adapter, job->model_name, *job->error);
    return Response::Json(499, {{"error", "client closed the connection"}});
  }
  return Stream(job);
}

std::optional<Response> GenerationPipeline::Prepare(RequestContext& ctx, Job& job) {
  const GenerationRequest& req = job.request;
  auto fail = [&](const ApiError& e) { return Fail(ctx, *job.adapter, job.model_name, e); };
  const auto acquire_started = Clock::now();
  Result<std::shared_ptr<const ServedModel>> model = engine_.Acquire(job.model_name);
  job.load_seconds = Seconds(Clock::now() - acquire_started);
  if (!model.ok()) return fail(ModelUnavailable(model.status(), job.model_name));
  job.model = *model;
  job.model_name = job.model->name;
  job.adapter->set_model(job.model_name);

  if (auto e = PromptTokens(req, *job.model, &job.tokens, &job.starts_in_reasoning)) return fail(*e);
  job.adapter->set_prompt_tokens(static_cast<int64_t>(job.tokens.size()));
  const int32_t n_ctx = engine_.ContextLength(*job.model);
  if (job.tokens.empty()) return fail(InvalidRequest("the prompt has no tokens", "prompt"));
  if (static_cast<int64_t>(job.tokens.size()) >= n_ctx) {
    return fail(ContextExceeded(req, job.tokens.size(), n_ctx, job.model_name));
  }
  if (req.max_tokens > n_ctx) {
    return fail(InvalidRequest("max_tokens (" + std::to_string(req.max_tokens) + ") exceeds the context length (" +
                                   std::to_string(n_ctx) + ") of " + job.model_name,
                               "max_tokens"));
  }
  const int32_t vocab = engine_.VocabSize(*job.model);
  for (const auto& [id, bias] : req.sampling.logit_bias) {
    if (id >= vocab) {
      return fail(InvalidRequest("'logit_bias' names token " + std::to_string(id) + ", outside the vocabulary of " +
                                     job.model_name + " (" + std::to_string(vocab) + " tokens)",
                                 "logit_bias"));
    }
  }
  job.params.max_tokens = req.max_tokens;
  job.params.sampling = req.sampling;
  job.params.stop = req.stop;
  job.params.timeout_ms = settings_.max_generation_seconds * 1000.0;
  job.params.grammar = req.grammar;
  job.params.logprobs = req.logprobs;
  if (req.tools.forced()) {
    if (auto e = ForceToolCall(req, *job.model, &job.params.grammar)) return fail(*e);
  }
  return std::nullopt;
}

std::optional<ApiError> GenerationPipeline::PromptTokens(const GenerationRequest& req, const ServedModel& model,
                                                         std::vector<int32_t>* tokens,
                                                         bool* starts_in_reasoning) const {
  Result<std::string> prompt = PromptText(req, model);
  if (!prompt.ok()) return PromptError(req, prompt.status());
  const std::string bos_text = engine_.BosText(model);
  // A template that writes the BOS text itself must not get a second BOS.
  const bool add_bos = !(req.kind == PromptKind::kChat && !bos_text.empty() && prompt->rfind(bos_text, 0) == 0);
  *tokens = engine_.Tokenize(model, *prompt, add_bos);
  *starts_in_reasoning = req.kind == PromptKind::kChat && EndsInThinking(*prompt);
  return std::nullopt;
}

std::optional<Response> GenerationPipeline::CountPromptTokens(RequestContext& ctx, const ApiAdapter& adapter,
                                                              const GenerationRequest& request, int64_t* count) {
  const std::string name = request.model.empty() ? settings_.default_model : request.model;
  auto refuse = [&](const ApiError& e) { return ErrorAnswer(ctx, e, adapter.ErrorBody(e, ctx.request_id())); };
  Result<std::shared_ptr<const ServedModel>> model = engine_.Acquire(name);
  if (!model.ok()) return refuse(ModelUnavailable(model.status(), name));
  std::vector<int32_t> tokens;
  bool starts_in_reasoning = false;
  if (auto e = PromptTokens(request, **model, &tokens, &starts_in_reasoning)) return refuse(*e);
  *count = static_cast<int64_t>(tokens.size());
  return std::nullopt;
}

std::optional<Response> GenerationPipeline::Admit(RequestContext& ctx, const std::shared_ptr<Job>& job) {
  job->watch = ConnectionWatch(ctx.request().socket_fd);
  // The free slot whose cache holds the most of this prompt (a chat's earlier turns) at the
  // least cost to other conversations' caches.
  const auto prefer = [this, &job](int slot) { return engine_.SlotPreference(slot, *job->model, job->tokens); };
  Result<SlotLease> lease = scheduler_.Acquire([job] { return job->watch.PeerClosed(); }, prefer);
  if (lease.ok()) {
    job->lease = std::move(lease).value();
    return std::nullopt;
  }
  if (lease.status().code() == StatusCode::kResourceExhausted) {
    return Fail(ctx, *job->adapter, job->model_name, ServerBusy(lease.status().message(), 1));
  }
  if (job->watch.PeerClosed()) {
    ctx.LogEvent("generation_cancelled", logging::Level::kWarning,
                 "Generation cancelled before it started: the client disconnected while queued",
                 {{"model_name", job->model_name}, {"reason", "client_disconnected"}, {"completion_tokens", 0}});
    return Response::Json(499, {{"error", "client closed the connection"}});
  }
  return Fail(ctx, *job->adapter, job->model_name, ApiErrorFromStatus(lease.status()));
}

Response GenerationPipeline::Stream(const std::shared_ptr<Job>& job) {
  Response r = Response::Stream(job->adapter->StreamContentType(), [this, job](StreamWriter& out, RequestContext& sctx) {
    bool connected = true;
    auto send = [&](const GenerationDelta& d) {
      const std::string event = job->adapter->StreamDelta(d);
      connected = connected && (event.empty() || out.Write(event));
      return connected;
    };
    std::string start = job->adapter->StreamStart();
    if (!start.empty()) connected = out.Write(start);
    Run(*job, sctx, send, [&] { return !connected || job->watch.PeerClosed(); });
    if (job->outcome) {
      out.Write(job->adapter->StreamEnd(*job->outcome));
    } else if (job->error) {
      Fail(sctx, *job->adapter, job->model_name, *job->error);  // the records; the body is sent below
      out.Write(job->adapter->StreamError(*job->error, sctx.request_id()));
    }
    job->lease = SlotLease();  // free the slot before the connection thread moves on
  });
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  return r;
}

Response GenerationPipeline::Reject(RequestContext& ctx, ApiAdapter& adapter, const GenerationRequest& request,
                                    const ApiError& error) {
  return Fail(ctx, adapter, request.model.empty() ? settings_.default_model : request.model, error);
}

GenerationPipeline::ChoiceRun GenerationPipeline::RunChoice(const Job& job, const SlotLease& lease,
                                                            const engine::GenerateParams& params,
                                                            const std::function<bool(const GenerationDelta&)>& send,
                                                            const std::function<bool()>& client_gone) {
  const bool split_reasoning =
      job.request.kind == PromptKind::kChat && job.request.reasoning_format != ReasoningFormat::kNone;
  // With tools the answer streams up to where a call may begin; without the reasoning told
  // apart the parsed reply's content is rewritten, so it is all held back.
  ContentRelease release;
  if (job.request.tools.active()) {
    if (split_reasoning) {
      release.tool_calls = job.model->chat_template.tool_call_format();
    } else {
      release.hold_all = true;
    }
  }
  ReplyAssembler reply([this, &job](int32_t id) { return engine_.TokenBytes(*job.model, id); }, split_reasoning,
                       job.starts_in_reasoning, release);
  engine::GenerateCallbacks callbacks;
  callbacks.on_token = [&](int32_t id, const engine::TokenLogprob* lp) { reply.OnToken(id, lp); };
  callbacks.on_piece = [&](std::string_view piece) {
    GenerationDelta d = reply.OnPiece(piece);
    return !send || d.empty() || send(d);
  };
  callbacks.should_cancel = [&] { return lease.cancel_requested() || client_gone(); };
  const auto started = Clock::now();
  ChoiceRun run{engine_.Run(lease.index(), job.model, job.tokens, params, callbacks), {}, 0};
  run.seconds = Seconds(Clock::now() - started);
  if (!run.result.ok() || run.result->finish_reason == engine::FinishReason::kCancelled) return run;
  GenerationDelta last = reply.Finish();
  if (send && !last.empty()) send(last);
  const engine::GenerateResult& g = *run.result;
  GenerationOutcome& o = run.outcome;
  o.text = g.text;
  o.finish_reason = g.finish_reason;
  o.stop_string = g.stop_string;
  o.prompt_tokens = static_cast<int64_t>(g.prompt_tokens.size());
  o.cached_tokens = std::max<int64_t>(0, o.prompt_tokens - g.timings.prompt_n);
  o.completion_tokens = static_cast<int64_t>(g.tokens.size());
  o.generation_seconds = run.seconds;
  o.timings = g.timings;
  o.content = reply.content();
  o.reasoning_content = reply.reasoning();
  o.reasoning_tokens = reply.ReasoningTokens();
  o.logprobs_requested = job.request.logprobs >= 0;
  o.logprobs = std::move(reply.logprobs());
  if (job.request.tools.active()) {
    SplitToolReply(job.request.tools, job.model->chat_template, o);
    GenerationDelta rest;
    rest.content = reply.UnsentContent(o.content);
    if (send && !rest.content.empty()) send(rest);
  }
  return run;
}

std::vector<GenerationPipeline::ChoiceRun> GenerationPipeline::RunChoices(
    const Job& job, const std::function<bool(const GenerationDelta&)>& send,
    const std::function<bool()>& client_gone) {
  const size_t n = static_cast<size_t>(job.request.n);
  // Choice i samples with seed + i, so a seeded request stays reproducible and its choices differ.
  auto params_of = [&](size_t i) {
    engine::GenerateParams p = job.params;
    if (p.sampling.seed != engine::kRandomSeed) p.sampling.seed += i;
    return p;
  };
  std::vector<ChoiceRun> runs;
  if (n == 1) {
    runs.push_back(RunChoice(job, job.lease, params_of(0), send, client_gone));
    return runs;
  }
  // The slots free now run choices side by side (their steps share the batched forward
  // passes); each slot runs its share of the choices one after another.
  std::vector<SlotLease> extra;
  while (extra.size() + 1 < n) {
    Result<SlotLease> lease = scheduler_.TryAcquire();
    if (!lease.ok()) break;
    extra.push_back(std::move(lease).value());
  }
  std::vector<const SlotLease*> slots = {&job.lease};
  for (const SlotLease& l : extra) slots.push_back(&l);
  std::vector<std::optional<ChoiceRun>> done(n);
  std::vector<std::thread> workers;
  for (size_t s = 0; s < slots.size(); ++s) {
    workers.emplace_back([&, s] {
      for (size_t i = s; i < n; i += slots.size()) done[i].emplace(RunChoice(job, *slots[s], params_of(i), nullptr, client_gone));
    });
  }
  for (std::thread& w : workers) w.join();
  for (std::optional<ChoiceRun>& run : done) runs.push_back(std::move(*run));
  return runs;
}

void GenerationPipeline::Run(Job& job, RequestContext& ctx, const std::function<bool(const GenerationDelta&)>& send,
                             const std::function<bool()>& client_gone) {
  const auto started = Clock::now();
  std::vector<ChoiceRun> runs = RunChoices(job, send, client_gone);
  const double seconds = Seconds(Clock::now() - started);
  int64_t completion_tokens = 0;
  bool cancelled = false;
  for (const ChoiceRun& run : runs) {
    if (!run.result.ok()) {
      job.error = ApiErrorFromStatus(run.result.status());
      return;
    }
    completion_tokens += static_cast<int64_t>(run.result->tokens.size());
    cancelled = cancelled || run.result->finish_reason == engine::FinishReason::kCancelled;
  }
  if (cancelled) {
    const bool shutdown = job.lease.cancel_requested();
    ctx.LogEvent("generation_cancelled", logging::Level::kWarning,
                 shutdown ? "Generation cancelled: the server is shutting down"
                          : "Generation cancelled: the client disconnected",
                 {{"model_name", job.model_name}, {"reason", shutdown ? "shutdown" : "client_disconnected"},
                  {"completion_tokens", completion_tokens}, {"generation_time", seconds}});
    if (shutdown) job.error = ApiError{503, "ServiceUnavailableError", "the server is shutting down", "", "shutting_down", 0};
    metrics_.ObserveGeneration(job.model_name, static_cast<int64_t>(job.tokens.size()), completion_tokens, -1, -1);
    return;
  }
  GenerationOutcome o = std::move(runs[0].outcome);
  for (size_t i = 1; i < runs.size(); ++i) o.more_choices.push_back(std::move(runs[i].outcome));
  o.request_id = ctx.request_id();
  o.completion_id = job.adapter->completion_id();
  o.model = job.model_name;
  o.generation_seconds = seconds;
  o.load_seconds = job.load_seconds;
  job.outcome = std::move(o);
  Finish(job, ctx, runs[0].result->timings, seconds);
}

void GenerationPipeline::Finish(Job& job, RequestContext& ctx, const engine::Timings& timings, double seconds) {
  const GenerationOutcome& o = *job.outcome;
  const int64_t completion_tokens = o.total_completion_tokens();
  const double ttft = timings.time_to_first_token_ms / 1000.0;
  const double tpot =
      o.completion_tokens > 1 ? (o.generation_seconds - ttft) / static_cast<double>(o.completion_tokens - 1) : -1;
  metrics_.ObserveGeneration(job.model_name, o.prompt_tokens, completion_tokens,
                             completion_tokens > 0 ? ttft : -1, tpot);
  ctx.LogEvent("text_generation_success", logging::Level::kInfo,
               "Text generation completed successfully with model: " + job.model_name,
               {{"model_name", job.model_name},
                {"response_length", CodePoints(o.text)},
                {"generation_time", seconds},
                {"prompt_tokens", o.prompt_tokens},
                {"cached_tokens", o.cached_tokens},
                {"completion_tokens", completion_tokens},
                {"tokens_per_second", seconds > 0 ? static_cast<double>(completion_tokens) / seconds : 0.0},
                {"time_to_first_token_ms", timings.time_to_first_token_ms},
                {"finish_reason", engine::FinishReasonName(o.finish_reason)},
                {"stream", job.request.stream},
                {"constrained", job.params.grammar != nullptr},
                {"tool_calls", static_cast<int64_t>(o.tool_calls.size())},
                {"reasoning_tokens", o.total_reasoning_tokens()},
                {"logprobs", o.logprobs_requested},
                {"choices", static_cast<int64_t>(1 + o.more_choices.size())}});
}

}  // namespace llm::server
