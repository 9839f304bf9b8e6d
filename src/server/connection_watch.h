// ConnectionWatch: notices that the client of a request went away while its handler is still
// generating (cpp-httplib 0.11 gives handlers no access to the socket). The socket is found
// once, by the connection's addresses, among the process's descriptors; it stays open (owned
// by cpp-httplib) for as long as the handler runs.
#pragma once

#include <string>

namespace llm::server {

class ConnectionWatch {
 public:
  ConnectionWatch() = default;
  // The connected TCP socket whose peer is remote_addr:remote_port and whose local port is
  // local_port; an inert watch (never closed) when there is none.
  static ConnectionWatch ForPeer(const std::string& remote_addr, int remote_port, int local_port);

  bool found() const { return fd_ >= 0; }
  // True when the peer has closed or reset the connection (does not wait).
  bool PeerClosed() const;

 private:
  explicit ConnectionWatch(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace llm::server
