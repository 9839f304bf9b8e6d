// ConnectionWatch: notices that the client of a request went away while its handler is still
// generating, by polling the request's socket (HttpRequest::socket_fd, which the HTTP layer
// keeps open for the whole exchange).
#pragma once

#include <string>

namespace llm::server {

class ConnectionWatch {
 public:
  ConnectionWatch() = default;
  // Watches `socket_fd`; an inert watch (never closed) for -1.
  explicit ConnectionWatch(int socket_fd) : fd_(socket_fd) {}

  // True when the peer has closed or reset the connection (does not wait).
  bool PeerClosed() const;

 private:
  int fd_ = -1;
};

}  // namespace llm::server
