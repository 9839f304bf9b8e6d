// Socket I/O and HTTP/1.1 text helpers of the HTTP layer (internal to the server module):
// reads and writes with deadlines (a slow or stalled peer never holds a thread forever), the
// response head, and the decoding of request targets.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace llm::server::http {

using Clock = std::chrono::steady_clock;

// An owned file descriptor, closed by the destructor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

enum class ReadResult { kData, kClosed, kTimeout, kStopped, kError };

// Waits until `fd` is readable (or `stop_fd` becomes readable, or `deadline` passes), then
// appends what one recv() returns to `buf`.
ReadResult ReadSome(int fd, int stop_fd, Clock::time_point deadline, std::string& buf);

// Sends all of `data`, waiting at most `timeout` for the peer to make room each time the
// socket buffer is full. False when the peer is gone or stalled past the timeout (*stalled
// tells which).
bool WriteAll(int fd, std::string_view data, std::chrono::milliseconds timeout, bool* stalled);

// True when the peer has closed or reset the connection (does not wait; pending input is not
// a close).
bool PeerClosed(int fd);

// "OK", "Not Found", ... ("Unknown" for codes without a phrase here).
std::string_view ReasonPhrase(int status);

// "%2F" -> "/", other escapes decoded; a malformed escape is kept as it is. '+' is kept in
// paths and is a space in query parameters (form encoding).
std::string PercentDecode(std::string_view s, bool plus_is_space);

// Splits "a=1&b=x%20y" into decoded name/value pairs.
std::multimap<std::string, std::string> ParseQuery(std::string_view query);

// The peer's and our own address of a connected socket: "127.0.0.1"/port (v4-mapped v6 as v4).
struct Endpoints {
  std::string remote_addr;
  int remote_port = -1;
  int local_port = -1;
};
Endpoints SocketEndpoints(int fd);

}  // namespace llm::server::http
