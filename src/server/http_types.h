// What a route handler sees and returns, independent of the HTTP library.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "logging/http_records.h"

namespace llm::server {

class RequestContext;

// One HTTP request, as received (owned copies; valid for the whole exchange, streams too).
struct HttpRequest {
  std::string method;                              // "GET"; HEAD is routed as GET
  std::string path;                                // "/api/v1/models"
  std::string query;                               // raw, without '?'
  std::multimap<std::string, std::string> params;  // decoded query parameters
  logging::HeaderList headers;                     // in arrival order
  std::string body;
  std::string remote_addr;
  int remote_port = -1;  // the client's port (-1 when unknown)
  int local_port = -1;   // our listening port the client connected to
  int socket_fd = -1;    // the connection (owned by the HTTP layer, open for the whole
                         // exchange; only polled for a client that left); -1: none

  // The first value of header `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
};

// The sending end of a streamed (chunked) response, e.g. Server-Sent Events.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends one chunk now; false when the client has gone (stop producing and return).
  virtual bool Write(std::string_view data) = 0;
  // False once a write failed or the connection is no longer writable.
  virtual bool IsConnected() = 0;
};

// Produces a streamed body. Runs on the connection's thread after the handler returned; the
// RequestContext stays valid until it returns. The `response` record is written when it
// returns, with the true duration and byte count.
using StreamFn = std::function<void(StreamWriter& out, RequestContext& ctx)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  logging::HeaderList headers;  // extra headers; X-Request-ID is always added by the server
  StreamFn stream;              // when set, `body` is ignored and the body is streamed

  // A JSON response (the body serialised compactly; invalid UTF-8 replaced).
  static Response Json(int status, const nlohmann::json& body);
  // A streamed response, e.g. Stream("text/event-stream", fn).
  static Response Stream(std::string content_type, StreamFn fn);
};

}  // namespace llm::server
