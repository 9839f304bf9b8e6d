// One client connection of the HTTP layer (internal to the server module): reads requests with
// Boost.Beast's HTTP/1.1 parser under the size and time limits of ServerSettings, answers
// them through the Server's middleware, and writes plain or chunked responses. Malformed
// framing is answered 400, an oversized body 413, an oversized head 431, a request that does
// not arrive in time 408; each such refusal gets its request, error and security records and
// closes the connection.
#pragma once

#include <memory>
#include <string>

#include "server/http_types.h"
#include "server/http_wire.h"

namespace llm::server {

class Server;
class RequestContext;

class HttpConnection {
 public:
  // `stop_fd` becomes readable when the server stops: an idle connection then closes.
  HttpConnection(Server& server, http::Fd socket, int stop_fd);

  // Serves requests until the client closes, a limit is reached, a refusal, or the server
  // stops. Never throws.
  void Serve();

 private:
  struct Incoming;
  enum class ReadOutcome { kRequest, kRefused, kGone };

  ReadOutcome ReadRequest(Incoming& in);
  // Answers a request the parser refused (or that timed out) and logs it.
  void Refuse(const Incoming& in, int status, std::string_view reason, const std::string& message);
  // Runs the middleware on a complete request; false when the connection must close.
  bool Answer(Incoming& in);
  bool WriteHead(const Response& out, bool chunked, bool keep_alive, size_t length, const std::string& request_id);
  bool WritePlain(std::shared_ptr<RequestContext> ctx, Response out, bool head_only, bool keep_alive);
  bool WriteStream(std::shared_ptr<RequestContext> ctx, Response out, bool chunked, bool keep_alive);
  bool Send(std::string_view data, bool* stalled = nullptr);

  Server& server_;
  http::Fd socket_;
  const int stop_fd_;
  http::Endpoints endpoints_;
  std::string buffer_;  // received bytes not yet parsed (pipelined requests)
  uint64_t served_ = 0;
};

}  // namespace llm::server
