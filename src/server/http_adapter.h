// The cpp-httplib side of the server: translates requests, runs the Server's middleware and
// writes responses (plain or chunked) with X-Request-ID. Internal to the server module.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "server/http_types.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace llm::server {

class Server;
class RequestContext;

class HttpAdapter {
 public:
  explicit HttpAdapter(Server& server);
  ~HttpAdapter();

  // Binds host:port (0 = any free port); returns the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Serves until StopAccepting(); returns after in-flight requests finished.
  void Listen();
  // Closes the listening socket; Listen() then drains and returns.
  void StopAccepting();

 private:
  void WriteResponse(std::shared_ptr<RequestContext> ctx, Response out, httplib::Response& res);
  void OnProtocolError(const httplib::Request& req, httplib::Response& res);

  Server& server_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace llm::server
