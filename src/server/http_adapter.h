// The HTTP/1.1 front of the server (internal to the server module): a listening socket, a
// fixed pool of HTTP_THREADS workers each serving one connection at a time (HttpConnection:
// Boost.Beast's parser, keep-alive, chunked streaming), and a graceful stop.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "server/http_wire.h"

namespace llm::server {

class Server;

class HttpAdapter {
 public:
  explicit HttpAdapter(Server& server);
  ~HttpAdapter();
  HttpAdapter(const HttpAdapter&) = delete;
  HttpAdapter& operator=(const HttpAdapter&) = delete;

  // Binds host:port (0 = any free port); returns the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Serves until StopAccepting(); returns after in-flight requests finished.
  void Listen();
  // Closes the listening socket and idle connections; Listen() then drains and returns.
  void StopAccepting();

 private:
  void Work();
  void Enqueue(http::Fd connection);

  Server& server_;
  http::Fd listener_;
  http::Fd stop_;  // an eventfd: readable once stopping
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<http::Fd> pending_;  // accepted connections waiting for a worker
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace llm::server
