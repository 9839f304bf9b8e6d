#include "server/http_connection.h"

#include <boost/beast/http.hpp>

#include <cstdio>
#include <functional>

#include "server/json_errors.h"
#include "server/server.h"

namespace llm::server {

namespace beast_http = boost::beast::http;
using Parser = beast_http::request_parser<beast_http::string_body>;

struct HttpConnection::Incoming {
  Parser parser;
  std::string start_line;  // "POST /path HTTP/1.1" as received, for refusals before the head parsed
  bool continue_sent = false;
};

namespace {

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The part of an absolute-form target ("http://host/p?q") that routes see ("/p?q").
std::string_view OriginForm(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.substr(0, scheme.size()) == scheme) {
      size_t slash = target.find('/', scheme.size());
      return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  return target;
}

void SplitTarget(std::string_view target, HttpRequest& r) {
  target = OriginForm(target);
  size_t q = target.find('?');
  r.path = http::PercentDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) {
    r.query = std::string(target.substr(q + 1));
    r.params = http::ParseQuery(r.query);
  }
}

// The method and target of a start line we could not parse fully ("" when absent).
void FromStartLine(std::string_view line, HttpRequest& r) {
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > 32) return;
  r.method = std::string(line.substr(0, sp));
  std::string_view rest = line.substr(sp + 1);
  SplitTarget(rest.substr(0, rest.find(' ')), r);
}

bool IsExpectContinue(const Parser& p) {
  auto it = p.get().find(beast_http::field::expect);
  return it != p.get().end() && boost::beast::iequals(it->value(), "100-continue");
}

}  // namespace

HttpConnection::HttpConnection(Server& server, http::Fd socket, int stop_fd)
    : server_(server), socket_(std::move(socket)), stop_fd_(stop_fd), endpoints_(http::SocketEndpoints(socket_.get())) {}

void HttpConnection::Serve() {
  try {
    for (;;) {
      Incoming in;
      ReadOutcome got = ReadRequest(in);
      if (got != ReadOutcome::kRequest || !Answer(in)) return;
    }
  } catch (...) {  // a connection's failure (e.g. out of memory) never takes the worker down
  }
}

bool HttpConnection::Send(std::string_view data, bool* stalled) {
  bool timed_out = false;
  bool ok = http::WriteAll(socket_.get(), data, std::chrono::seconds(server_.settings().write_seconds), &timed_out);
  if (stalled != nullptr) *stalled = timed_out;
  return ok;
}

HttpConnection::ReadOutcome HttpConnection::ReadRequest(Incoming& in) {
  const ServerSettings& s = server_.settings();
  in.parser.body_limit(s.max_body_bytes);
  in.parser.header_limit(static_cast<std::uint32_t>(s.max_header_bytes));
  in.parser.eager(true);
  // Idle between requests until the first byte; then the whole request within read_seconds.
  auto deadline = http::Clock::now() + std::chrono::seconds(s.keep_alive_seconds);
  bool started = !buffer_.empty();
  if (started) deadline = http::Clock::now() + std::chrono::seconds(s.read_seconds);
  for (;;) {
    if (!buffer_.empty()) {
      if (in.start_line.empty()) in.start_line = buffer_.substr(0, std::min(buffer_.find("\r\n"), size_t{512}));
      boost::beast::error_code ec;
      size_t used = in.parser.put(boost::asio::buffer(buffer_), ec);
      buffer_.erase(0, used);
      if (ec == beast_http::error::body_limit) {
        Refuse(in, 413, security_reason::kBodyTooLarge,
               "The request body exceeds MAX_BODY_BYTES (" + std::to_string(s.max_body_bytes) + " bytes)");
        return ReadOutcome::kRefused;
      }
      if (ec == beast_http::error::header_limit) {
        Refuse(in, 431, security_reason::kHeadersTooLarge,
               "The request head exceeds MAX_HEADER_BYTES (" + std::to_string(s.max_header_bytes) + " bytes)");
        return ReadOutcome::kRefused;
      }
      if (ec && ec != beast_http::error::need_more) {
        Refuse(in, 400, security_reason::kBadFraming, "Malformed HTTP request: " + ec.message());
        return ReadOutcome::kRefused;
      }
      if (in.parser.is_header_done() && in.parser.get().has_content_length() == false &&
          in.parser.get().find(beast_http::field::transfer_encoding) != in.parser.get().end() &&
          !in.parser.chunked()) {
        Refuse(in, 400, security_reason::kBadFraming, "Malformed HTTP request: unsupported Transfer-Encoding");
        return ReadOutcome::kRefused;
      }
      if (in.parser.is_done()) return ReadOutcome::kRequest;
      if (in.parser.is_header_done() && !in.continue_sent && IsExpectContinue(in.parser)) {
        in.continue_sent = true;
        if (!Send("HTTP/1.1 100 Continue\r\n\r\n")) return ReadOutcome::kGone;
      }
    }
    // A stopping server closes idle connections, but lets a request that has begun arrive.
    http::ReadResult r = http::ReadSome(socket_.get(), started ? -1 : stop_fd_, deadline, buffer_);
    if (r == http::ReadResult::kData) {
      if (!started) deadline = http::Clock::now() + std::chrono::seconds(s.read_seconds);
      started = true;
      continue;
    }
    if (r == http::ReadResult::kTimeout && started) {
      Refuse(in, 408, security_reason::kBadFraming,
             "The request did not arrive within HTTP_READ_SECONDS (" + std::to_string(s.read_seconds) + " s)");
      return ReadOutcome::kRefused;
    }
    return ReadOutcome::kGone;  // closed, idle timeout, server stopping, or an error
  }
}

void HttpConnection::Refuse(const Incoming& in, int status, std::string_view reason, const std::string& message) {
  HttpRequest r;
  FromStartLine(in.start_line, r);
  if (in.parser.is_header_done()) {
    for (const auto& f : in.parser.get()) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  r.remote_addr = endpoints_.remote_addr;
  r.remote_port = endpoints_.remote_port;
  r.local_port = endpoints_.local_port;
  auto ctx = server_.NewContext(std::move(r));
  RouteMatch match = server_.routes().Find(ctx->request().method, ctx->request().path);
  if (match.route != nullptr) ctx->set_endpoint(match.route->endpoint);
  server_.LogRequest(*ctx);
  ctx->LogSecurityEvent(reason, message, {{"status_code", status}});
  std::string_view type = status == 413 ? error_type::kPayloadTooLarge : error_type::kInvalidRequest;
  Response out = ctx->Error(status, type, message);
  WritePlain(std::move(ctx), std::move(out), false, false);
}

bool HttpConnection::Answer(Incoming& in) {
  auto msg = in.parser.release();
  HttpRequest r;
  const bool head_only = msg.method() == beast_http::verb::head;
  r.method = head_only ? std::string("GET") : std::string(msg.method_string());
  SplitTarget(msg.target(), r);
  r.headers.reserve(std::distance(msg.begin(), msg.end()));
  for (const auto& f : msg) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(msg.body());
  r.remote_addr = endpoints_.remote_addr;
  r.remote_port = endpoints_.remote_port;
  r.local_port = endpoints_.local_port;
  r.socket_fd = socket_.get();
  ++served_;
  const bool keep_alive = msg.keep_alive() && served_ < server_.settings().keep_alive_max;
  auto ctx = server_.NewContext(std::move(r));
  Response out = server_.Handle(ctx);
  if (out.stream) return WriteStream(std::move(ctx), std::move(out), msg.version() >= 11, keep_alive) && keep_alive;
  return WritePlain(std::move(ctx), std::move(out), head_only, keep_alive) && keep_alive;
}

bool HttpConnection::WriteHead(const Response& out, bool chunked, bool keep_alive, size_t length,
                               const std::string& request_id) {
  std::string head = "HTTP/1.1 " + std::to_string(out.status) + " " + std::string(http::ReasonPhrase(out.status)) + "\r\n";
  head += "Content-Type: " + out.content_type + "\r\n";
  head += chunked ? std::string("Transfer-Encoding: chunked\r\n")
                  : (out.stream ? std::string() : "Content-Length: " + std::to_string(length) + "\r\n");
  for (const auto& [k, v] : out.headers) head += k + ": " + v + "\r\n";
  head += "X-Request-ID: " + request_id + "\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return Send(head);
}

bool HttpConnection::WritePlain(std::shared_ptr<RequestContext> ctx, Response out, bool head_only, bool keep_alive) {
  logging::HttpResponseView view;
  view.status_code = out.status;
  view.duration_ms = MillisSince(ctx->start_time());
  view.content_type = out.content_type;
  view.response_size = out.body.size();
  view.body = out.body;
  server_.FinishExchange(*ctx, view);
  if (!WriteHead(out, false, keep_alive, out.body.size(), ctx->request_id())) return false;
  return head_only || Send(out.body);
}

namespace {

// Streams a body as HTTP/1.1 chunks (or raw bytes for an HTTP/1.0 client, closing after).
class ChunkWriter final : public StreamWriter {
 public:
  ChunkWriter(std::function<bool(std::string_view, bool*)> send, int fd, bool chunked)
      : send_(std::move(send)), fd_(fd), chunked_(chunked) {}
  bool Write(std::string_view data) override {
    if (failed_) return false;
    if (data.empty()) return true;
    bool ok = true;
    if (chunked_) {
      char size[24];
      int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
      std::string frame;
      frame.reserve(static_cast<size_t>(n) + data.size() + 2);
      frame.append(size, static_cast<size_t>(n)).append(data).append("\r\n");
      ok = send_(frame, &stalled_);
    } else {
      ok = send_(data, &stalled_);
    }
    if (!ok) failed_ = true;
    bytes_ += ok ? data.size() : 0;
    return ok;
  }
  bool IsConnected() override {
    if (!failed_ && http::PeerClosed(fd_)) failed_ = true;
    return !failed_;
  }
  bool Finish() {
    if (!failed_ && chunked_ && !send_("0\r\n\r\n", &stalled_)) failed_ = true;
    return !failed_;
  }
  bool failed() const { return failed_; }
  bool stalled() const { return stalled_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::function<bool(std::string_view, bool*)> send_;
  int fd_;
  bool chunked_;
  bool failed_ = false;
  bool stalled_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace

bool HttpConnection::WriteStream(std::shared_ptr<RequestContext> ctx, Response out, bool chunked, bool keep_alive) {
  keep_alive = keep_alive && chunked;
  ChunkWriter writer([this](std::string_view d, bool* stalled) { return Send(d, stalled); }, socket_.get(), chunked);
  bool ok = WriteHead(out, chunked, keep_alive, 0, ctx->request_id());
  if (ok) {
    try {
      out.stream(writer, *ctx);
    } catch (const std::exception& e) {  // too late for a 500: log it and end the stream
      ctx->logger().LogException("stream", e.what(), "", &ctx->log_fields());
      ok = false;
    }
    ok = writer.Finish() && ok;
  }
  logging::HttpResponseView view;
  view.status_code = out.status;
  view.duration_ms = MillisSince(ctx->start_time());
  view.content_type = out.content_type;
  view.response_size = writer.bytes();
  view.streamed = true;
  view.client_disconnected = !ok || writer.failed();
  view.client_stalled = writer.stalled();
  server_.FinishExchange(*ctx, view);
  return ok;
}

}  // namespace llm::server
