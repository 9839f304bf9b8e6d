#include "server/http_adapter.h"

#include <httplib.h>

#include <atomic>

#include "server/json_errors.h"
#include "server/server.h"

namespace llm::server {

namespace {

// Pseudo-headers cpp-httplib adds to every request; not part of what the client sent.
bool IsPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

HttpRequest Translate(const httplib::Request& req) {
  HttpRequest r;
  r.method = req.method;
  r.path = req.path;
  size_t q = req.target.find('?');
  if (q != std::string::npos) r.query = req.target.substr(q + 1);
  r.params.insert(req.params.begin(), req.params.end());
  r.headers.reserve(req.headers.size());
  for (const auto& [k, v] : req.headers) {
    if (!IsPseudoHeader(k)) r.headers.emplace_back(k, v);
  }
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  r.remote_port = req.remote_port;
  r.local_port = req.local_port;
  return r;
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// State shared by a streamed response's provider and releaser.
struct StreamState {
  std::shared_ptr<RequestContext> ctx;
  StreamFn fn;
  std::string content_type;
  int status = 200;
  uint64_t bytes = 0;
  bool failed = false;
};

class SinkWriter final : public StreamWriter {
 public:
  SinkWriter(httplib::DataSink& sink, StreamState& state) : sink_(sink), state_(state) {}
  bool Write(std::string_view data) override {
    if (state_.failed) return false;
    if (data.empty()) return true;
    if (!sink_.write(data.data(), data.size())) {
      state_.failed = true;
      return false;
    }
    state_.bytes += data.size();
    return true;
  }
  bool IsConnected() override {
    if (!state_.failed && sink_.is_writable && !sink_.is_writable()) state_.failed = true;
    return !state_.failed;
  }

 private:
  httplib::DataSink& sink_;
  StreamState& state_;
};

}  // namespace

HttpAdapter::HttpAdapter(Server& server) : server_(server), http_(std::make_unique<httplib::Server>()) {
  const ServerSettings& s = server_.settings();
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(s.keep_alive_max);
  http_->set_payload_max_length(s.max_body_bytes);
  const size_t threads = s.http_threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  auto on_request = [this](const httplib::Request& req, httplib::Response& res) {
    auto ctx = server_.NewContext(Translate(req));
    Response out = server_.Handle(ctx);
    WriteResponse(std::move(ctx), std::move(out), res);
  };
  http_->Get(".*", on_request);
  http_->Post(".*", on_request);
  http_->Put(".*", on_request);
  http_->Patch(".*", on_request);
  http_->Delete(".*", on_request);
  http_->Options(".*", on_request);
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (res.has_header("X-Request-ID")) return httplib::Server::HandlerResponse::Unhandled;
        OnProtocolError(req, res);
        return httplib::Server::HandlerResponse::Handled;
      }));
}

HttpAdapter::~HttpAdapter() = default;

void HttpAdapter::OnProtocolError(const httplib::Request& req, httplib::Response& res) {
  auto ctx = server_.NewContext(Translate(req));
  RouteMatch match = server_.routes().Find(ctx->request().method, ctx->request().path);
  if (match.route != nullptr) ctx->set_endpoint(match.route->endpoint);
  server_.LogRequest(*ctx);
  Response out =
      res.status == 413
          ? ctx->Error(413, error_type::kPayloadTooLarge,
                       "The request body exceeds MAX_BODY_BYTES (" +
                           std::to_string(server_.settings().max_body_bytes) + " bytes)")
          : ctx->Error(res.status, error_type::kInvalidRequest,
                       "Malformed HTTP request (status " + std::to_string(res.status) + ")");
  WriteResponse(std::move(ctx), std::move(out), res);
}

void HttpAdapter::WriteResponse(std::shared_ptr<RequestContext> ctx, Response out,
                                httplib::Response& res) {
  res.status = out.status;
  for (auto& [k, v] : out.headers) res.set_header(k, v);
  res.set_header("X-Request-ID", ctx->request_id());
  if (!out.stream) {
    logging::HttpResponseView view;
    view.status_code = out.status;
    view.duration_ms = MillisSince(ctx->start_time());
    view.content_type = out.content_type;
    view.response_size = out.body.size();
    view.body = out.body;
    server_.FinishExchange(*ctx, view);
    res.set_content(std::move(out.body), out.content_type);
    return;
  }
  auto state = std::make_shared<StreamState>();
  state->ctx = std::move(ctx);
  state->fn = std::move(out.stream);
  state->content_type = out.content_type;
  state->status = out.status;
  Server& server = server_;
  res.set_chunked_content_provider(
      out.content_type,
      [state](size_t, httplib::DataSink& sink) {
        SinkWriter writer(sink, *state);
        state->fn(writer, *state->ctx);
        if (!state->failed) sink.done();
        return !state->failed;
      },
      [state, &server](bool success) {
        logging::HttpResponseView view;
        view.status_code = state->status;
        view.duration_ms = MillisSince(state->ctx->start_time());
        view.content_type = state->content_type;
        view.response_size = state->bytes;
        view.streamed = true;
        view.client_disconnected = !success || state->failed;
        server.FinishExchange(*state->ctx, view);
      });
}

Result<int> HttpAdapter::Bind(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = http_->bind_to_any_port(host);
  } else if (!http_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    return Status::IOError("cannot listen on " + host + ":" + std::to_string(port) +
                           " (address in use or not available)");
  }
  return bound;
}

void HttpAdapter::Listen() { http_->listen_after_bind(); }

void HttpAdapter::StopAccepting() { http_->stop(); }

}  // namespace llm::server
