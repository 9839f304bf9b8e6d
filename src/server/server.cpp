#include "server/server.h"

#include <cxxabi.h>

#include <typeinfo>

#include "core/json_depth.h"
#include "core/throw_trace.h"
#include "logging/http_records.h"
#include "server/http_adapter.h"
#include "server/json_errors.h"

namespace llm::server {

namespace {

std::string Demangled(const char* name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string result = status == 0 && out ? out : name;
  std::free(out);
  return result;
}

std::string BuildUrl(const HttpRequest& req) {
  std::string_view host = req.Header("Host");
  std::string url = "http://";
  url += host.empty() ? std::string_view("localhost") : host;
  url += req.path;
  if (!req.query.empty()) {
    url += '?';
    url += req.query;
  }
  return url;
}

}  // namespace

Server::Server(ServerSettings settings, logging::Logger& logger)
    : settings_(std::move(settings)), logger_(logger) {}

Server::~Server() { Shutdown(); }

void Server::AddHealthContributor(HealthContributor contributor) {
  health_contributors_.push_back(std::move(contributor));
}

void Server::AddShutdownHook(std::function<void()> hook) {
  shutdown_hooks_.push_back(std::move(hook));
}

void Server::AddResponseObserver(ResponseObserver observer) {
  response_observers_.push_back(std::move(observer));
}

void Server::AddRequestFilter(RequestFilter filter) { request_filters_.push_back(std::move(filter)); }

void Server::FinishExchange(const RequestContext& ctx, const logging::HttpResponseView& res) {
  LogResponse(ctx, res);
  for (const auto& observe : response_observers_) observe(ctx, res.status_code, res.duration_ms / 1000.0);
}

double Server::UptimeSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

nlohmann::json Server::HealthPayload() const {
  logging::LogCounters c = logger_.Counters();
  nlohmann::json health = {
      {"status", "healthy"},
      {"version", LLM_API_VERSION},
      {"uptime_seconds", UptimeSeconds()},
      {"logging",
       {{"records_written", c.records_written},
        {"records_dropped", c.records_dropped},
        {"errors_written", c.errors_written},
        {"rotations", c.rotations},
        {"queue_depth", c.queue_depth},
        {"queue_capacity", c.queue_capacity},
        {"api_calls", logger_.api_calls()}}}};
  for (const auto& contribute : health_contributors_) contribute(health);
  return health;
}

std::shared_ptr<RequestContext> Server::NewContext(HttpRequest request) {
  logging::RequestContext fields;
  std::string_view incoming = request.Header("X-Request-ID");
  fields.request_id = logging::IsValidRequestId(incoming) ? std::string(incoming) : ids_.Next();
  if (auto trace = logging::ParseTraceparent(request.Header("traceparent"))) {
    fields.trace_id = std::move(trace->trace_id);
    fields.span_id = std::move(trace->span_id);
  }
  fields.method = request.method;
  fields.url = BuildUrl(request);
  fields.path = request.path;
  fields.remote_addr = request.remote_addr;
  if (credential_namer_) fields.api_key_name = credential_namer_(request);
  return std::make_shared<RequestContext>(std::move(request), std::move(fields), logger_);
}

void Server::LogRequest(const RequestContext& ctx) {
  if (!logger_.api_calls()) return;
  const HttpRequest& req = ctx.request();
  logging::HttpRequestView view;
  view.query = req.query;
  view.user_agent = req.Header("User-Agent");
  view.content_type = req.Header("Content-Type");
  view.content_length = req.body.size();
  view.headers = &req.headers;
  view.body = req.body;
  logger_.Write(logging::Level::kInfo,
                logging::AppendRequestRecord(ctx.record_buffer(), ctx.log_fields(), view,
                                             logger_.settings().body_max_bytes));
}

void Server::LogResponse(const RequestContext& ctx, const logging::HttpResponseView& res) {
  if (!logger_.api_calls()) return;
  logging::Level level;
  std::string_view line = logging::AppendResponseRecord(
      ctx.record_buffer(), ctx.log_fields(), res, logger_.settings().body_max_bytes,
      logger_.settings().slow_request_ms, &level);
  logger_.Write(level, line);
}

// Parsing, validating and logging walk a body once per nesting level: a body nested past
// kMaxJsonDepth is refused before any of them sees it.
Response Server::RefuseDeepBody(RequestContext& ctx) {
  const std::string message = "The request body nests JSON deeper than " +
                              std::to_string(kMaxJsonDepth) + " levels (the limit)";
  ctx.LogSecurityEvent(security_reason::kNestingTooDeep, message,
                       {{"limit", kMaxJsonDepth}, {"body_bytes", ctx.request().body.size()}});
  return ctx.Error(400, error_type::kInvalidRequest, message);
}

Response Server::Handle(std::shared_ptr<RequestContext> ctx) {
  RouteMatch match = routes_.Find(ctx->request().method, ctx->request().path);
  if (match.route != nullptr) {
    ctx->set_endpoint(match.route->endpoint);
    ctx->set_path_params(std::move(match.params));
  }
  LogRequest(*ctx);
  for (const auto& filter : request_filters_) {
    if (std::optional<Response> answered = filter(*ctx)) return std::move(*answered);
  }
  if (match.route == nullptr) {
    if (!match.path_known) {  // unknown routes: a response record, no error record
      return Response::Json(404, ErrorBodyFor(ctx->request().path, 404, error_type::kNotFound,
                                              "No route for " + ctx->request().path,
                                              ctx->request_id()));
    }
    Response r = ctx->Error(405, error_type::kMethodNotAllowed,
                            "Method " + ctx->request().method + " is not allowed on " +
                                ctx->request().path + " (allowed: " + match.allowed_methods + ")");
    r.headers.emplace_back("Allow", match.allowed_methods);
    return r;
  }
  if (match.route->json_body) {
    if (JsonNestingExceeds(ctx->request().body)) return RefuseDeepBody(*ctx);
    nlohmann::json body = nlohmann::json::parse(ctx->request().body, nullptr, false);
    if (body.is_discarded()) {
      return ctx->Error(400, error_type::kInvalidRequest, "The request body is not valid JSON");
    }
    ctx->set_json(std::move(body));
  }
  try {
    return match.route->handler(*ctx);
  } catch (const std::exception& e) {
    logger_.LogException(Demangled(typeid(e).name()), e.what(), TakeThrowStackTrace(),
                         &ctx->log_fields());
  } catch (...) {
    logger_.LogException("unknown", "a non-standard exception was thrown", TakeThrowStackTrace(),
                         &ctx->log_fields());
  }
  return Response::Json(500, ErrorBodyFor(ctx->request().path, 500, error_type::kInternal,
                                          "Internal server error (request " +
                                              ctx->request_id() + ")",
                                          ctx->request_id()));
}

Status Server::Start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (running_) return Status::Internal("server already started");
  http_ = std::make_unique<HttpAdapter>(*this);
  LLM_ASSIGN_OR_RETURN(port_, http_->Bind(settings_.host, settings_.port));
  listener_ = std::thread([this] { http_->Listen(); });
  running_ = true;
  return Status::Ok();
}

void Server::Shutdown() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!running_) return;
  running_ = false;
  http_->StopAccepting();
  for (auto& hook : shutdown_hooks_) hook();
  listener_.join();  // returns once the in-flight requests are answered
  http_.reset();
}

}  // namespace llm::server
