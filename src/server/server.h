// The HTTP server: an HTTP/1.1 adapter (Boost.Beast parser, own sockets), the request/response logging middleware and the
// route table.
//
// EXTENSION POINTS (stable; other modules build on these):
//
// 1. Routes. Before Start(), add routes to server.routes():
//      server.routes().Add({"POST", "/api/v1/generate", "generate_response",
//                           [&](RequestContext& ctx) { return Generate(ctx); },
//                           /*json_body=*/true});
//    `endpoint` is the specification's `endpoint` value written in every record. Adding a
//    route with the same method and pattern replaces the old one (list_models may be taken
//    over by the model registry). Unknown paths answer 404, known paths with another method
//    405 (with Allow), json_body routes with an invalid JSON body 400 InvalidRequestError,
//    bodies over MAX_BODY_BYTES 413 PayloadTooLargeError -- all in the native error shape,
//    all logged. A handler never needs try/catch for bugs: an exception becomes a 500 with
//    the request id and an `exception` record with the stack trace.
//
// 2. Handlers. A handler gets a RequestContext (server/request_context.h): request(),
//    request_id(), log_fields() (request_id, trace_id, span_id, method, url, endpoint,
//    remote_addr), json() (parsed body), path_params(), logger(), and returns a Response
//    (server/http_types.h):
//      return Response::Json(200, {{"response", text}});
//      return ctx.Error(404, "ModelNotFoundError", "Model not found: x");  // + error record
//      ctx.LogEvent("text_generation_success", logging::Level::kInfo, "...", {{...}});
//    The server adds X-Request-ID (adopting a valid incoming one) and writes the `request`
//    record before the handler and the `response` record after it (LOG_API_CALLS).
//
// 3. Streaming (SSE). Return Response::Stream("text/event-stream", fn). fn(StreamWriter& out,
//    RequestContext& ctx) runs on the connection's thread; out.Write(chunk) sends a chunk at
//    once and returns false when the client has disconnected (stop then); out.IsConnected()
//    checks without writing. The `response` record is written when fn returns, with the true
//    duration_ms and response_size, "streamed": true and "client_disconnected": true if so.
//
// 4. Health. server.AddHealthContributor([&](nlohmann::json& h) { h["scheduler"] = ...; })
//    adds fields to GET /api/v1/health (which already has status, version, uptime_seconds
//    and the log writer counters under "logging").
//
// 5. Lifecycle. Start() binds and serves on background threads. Shutdown() (the serve command
//    calls it on SIGTERM/SIGINT) stops accepting connections, runs the shutdown hooks
//    (AddShutdownHook; e.g. let generations finish for SHUTDOWN_GRACE_SECONDS, then cancel)
//    while in-flight requests complete, then waits for the connection threads. The serve
//    command then writes `server_stopped` and destroys the Logger, which flushes the files.
//
// 6. Logger. logging::Logger (logging/logger.h) is usable anywhere: LogEvent(event_type,
//    level, message, fields, &ctx.log_fields()), LogError(error_type, message, status, ...),
//    LogException(type, message, stack_trace, ...), Counters().
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "logging/logger.h"
#include "logging/request_id.h"
#include "server/request_context.h"
#include "server/route_table.h"
#include "server/settings.h"

namespace llm::server {

using HealthContributor = std::function<void(nlohmann::json& health)>;
// Sees every answered exchange (routed or not, streams when they end): status and seconds.
using ResponseObserver = std::function<void(const RequestContext& ctx, int status, double seconds)>;
// Runs before routing; a returned Response is sent as is (e.g. 401 for a missing API key).
using RequestFilter = std::function<std::optional<Response>(RequestContext& ctx)>;
// Names the credential a request presents (e.g. the API key's name); "" when none is accepted.
using CredentialNamer = std::function<std::string(const HttpRequest& request)>;

class HttpAdapter;  // the sockets and HTTP/1.1 framing (http_adapter.cpp)

class Server {
 public:
  Server(ServerSettings settings, logging::Logger& logger);
  ~Server();  // calls Shutdown() if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  RouteTable& routes() { return routes_; }
  const ServerSettings& settings() const { return settings_; }
  logging::Logger& logger() { return logger_; }

  // Adds fields to the health payload (called on every GET /api/v1/health).
  void AddHealthContributor(HealthContributor contributor);
  // Runs during Shutdown(), after the server stopped accepting and before it waits for the
  // in-flight requests.
  void AddShutdownHook(std::function<void()> hook);
  // Called once per answered request, after its `response` record (metrics hang here).
  void AddResponseObserver(ResponseObserver observer);
  // Runs after the `request` record and before routing, JSON parsing and the handler.
  void AddRequestFilter(RequestFilter filter);
  // Names each request's credential when its context is built, so that every record of the
  // request -- the `request` record included -- carries api_key_name. At most one namer.
  void SetCredentialNamer(CredentialNamer namer) { credential_namer_ = std::move(namer); }

  // Binds settings().host:port (port 0 picks a free one) and serves on background threads.
  // Fails when the address cannot be bound.
  Status Start();
  // The bound port (valid after Start()).
  int port() const { return port_; }
  // Stops accepting, runs the shutdown hooks, waits for in-flight requests. Idempotent.
  void Shutdown();
  // Seconds since the Server was constructed.
  double UptimeSeconds() const;
  // The health payload: status, version, uptime_seconds, logging counters, contributions.
  nlohmann::json HealthPayload() const;

  // Answers one request through the middleware (ids, records, routing, errors); the adapter
  // calls it, tests may too.
  Response Handle(std::shared_ptr<RequestContext> ctx);
  // Builds the context of a request (request id, trace context, url).
  std::shared_ptr<RequestContext> NewContext(HttpRequest request);
  // Writes the `response` record for a finished exchange (LOG_API_CALLS).
  void LogResponse(const RequestContext& ctx, const logging::HttpResponseView& res);
  // Ends an exchange: the `response` record, then the response observers.
  void FinishExchange(const RequestContext& ctx, const logging::HttpResponseView& res);
  // Writes the `request` record (LOG_API_CALLS).
  void LogRequest(const RequestContext& ctx);

 private:
  Response RefuseDeepBody(RequestContext& ctx);

  ServerSettings settings_;
  logging::Logger& logger_;
  RouteTable routes_;
  logging::RequestIdGenerator ids_;
  std::vector<HealthContributor> health_contributors_;
  std::vector<std::function<void()>> shutdown_hooks_;
  std::vector<ResponseObserver> response_observers_;
  std::vector<RequestFilter> request_filters_;
  CredentialNamer credential_namer_;
  std::unique_ptr<HttpAdapter> http_;
  std::thread listener_;
  std::mutex lifecycle_mutex_;
  bool running_ = false;
  int port_ = 0;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace llm::server
