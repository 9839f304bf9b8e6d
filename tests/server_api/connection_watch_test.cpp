#include "server/connection_watch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace llm::server {
namespace {

// A connected loopback pair: the accepted (server) side and the client side.
struct LoopbackPair {
  int server_fd = -1, client_fd = -1, listen_fd = -1;
  int client_port = 0, server_port = 0;
  LoopbackPair() {
    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd, 1);
    socklen_t len = sizeof addr;
    getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    server_port = ntohs(addr.sin_port);
    client_fd = socket(AF_INET, SOCK_STREAM, 0);
    connect(client_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    server_fd = accept(listen_fd, nullptr, nullptr);
    sockaddr_in local{};
    len = sizeof local;
    getsockname(client_fd, reinterpret_cast<sockaddr*>(&local), &len);
    client_port = ntohs(local.sin_port);
  }
  ~LoopbackPair() {
    for (int fd : {server_fd, client_fd, listen_fd}) {
      if (fd >= 0) close(fd);
    }
  }
};

TEST(ConnectionWatch, SeesThePeerLeaveButNotPendingInput) {
  LoopbackPair p;
  ConnectionWatch w(p.server_fd);
  EXPECT_FALSE(w.PeerClosed());
  ASSERT_EQ(write(p.client_fd, "GET", 3), 3);  // pending data is not a disconnect
  EXPECT_FALSE(w.PeerClosed());
  close(p.client_fd);
  p.client_fd = -1;
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    closed = w.PeerClosed();
    if (!closed) usleep(10000);
  }
  EXPECT_TRUE(closed);
}

TEST(ConnectionWatch, WithoutASocketNeverReportsAClose) {
  EXPECT_FALSE(ConnectionWatch().PeerClosed());
  EXPECT_FALSE(ConnectionWatch(-1).PeerClosed());
}

}  // namespace
}  // namespace llm::server
