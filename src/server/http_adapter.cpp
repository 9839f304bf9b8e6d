#include "server/http_adapter.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/http_connection.h"
#include "server/server.h"

namespace llm::server {

namespace {

// Accepted connections may wait for a worker; past this many the newest is answered 503.
constexpr size_t kMaxPendingConnections = 1024;
// A fixed send buffer (the kernel doubles it) instead of one that autotuning grows to 4 MiB:
// a client that stops reading holds at most this much of the server's memory, and its
// writes stop making progress at once, so HTTP_WRITE_SECONDS drops it. Token streams and
// JSON answers need far less.
constexpr int kSendBufferBytes = 64 * 1024;

std::string BusyResponse() {
  const std::string body = R"({"error":"Too many connections","error_type":"ServerBusyError","status_code":503})";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body;
}

Result<http::Fd> ListenOn(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
    return Status::IOError("cannot listen on " + host + ":" + service + " (unknown address)");
  }
  std::string why = "address not available";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    http::Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (fd.get() < 0) continue;
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd.get(), 1024) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    why = std::strerror(errno);
  }
  ::freeaddrinfo(found);
  return Status::IOError("cannot listen on " + host + ":" + service + " (" + why + ")");
}

int BoundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

}  // namespace

HttpAdapter::HttpAdapter(Server& server)
    : server_(server), stop_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

HttpAdapter::~HttpAdapter() {
  StopAccepting();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

Result<int> HttpAdapter::Bind(const std::string& host, int port) {
  LLM_ASSIGN_OR_RETURN(listener_, ListenOn(host, port));
  return BoundPort(listener_.get());
}

void HttpAdapter::Listen() {
  const size_t threads = server_.settings().http_threads;
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  for (;;) {
    pollfd p[2] = {{listener_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (::poll(p, 2, -1) < 0 && errno != EINTR) break;
    if (p[1].revents & POLLIN) break;
    if (!(p[0].revents & POLLIN)) continue;
    http::Fd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (conn.get() < 0) {
      if (errno == EMFILE || errno == ENFILE) ::usleep(10000);  // out of descriptors: let some close
      continue;
    }
    int one = 1;
    ::setsockopt(conn.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes, sizeof kSendBufferBytes);
    Enqueue(std::move(conn));
  }
  listener_ = http::Fd();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    pending_.clear();  // accepted but never read: closed unanswered, as a closed listener would
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void HttpAdapter::Enqueue(http::Fd connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.size() < kMaxPendingConnections) {
      pending_.push_back(std::move(connection));
      cv_.notify_one();
      return;
    }
  }
  bool stalled = false;
  http::WriteAll(connection.get(), BusyResponse(), std::chrono::milliseconds(100), &stalled);
}

void HttpAdapter::Work() {
  for (;;) {
    http::Fd connection;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;
      connection = std::move(pending_.front());
      pending_.pop_front();
    }
    HttpConnection(server_, std::move(connection), stop_.get()).Serve();
  }
}

void HttpAdapter::StopAccepting() {
  const uint64_t one = 1;
  if (stop_.get() >= 0 && ::write(stop_.get(), &one, sizeof one) < 0) {
    // Already signalled (the counter is full) or closed: nothing more to wake.
  }
}

}  // namespace llm::server
