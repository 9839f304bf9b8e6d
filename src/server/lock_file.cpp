#include "server/lock_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace llm::server {

namespace {

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string ReadAll(int fd) {
  char buf[64] = {};
  ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  return n > 0 ? Trimmed(std::string(buf, static_cast<size_t>(n))) : std::string();
}

}  // namespace

Result<std::unique_ptr<LockFile>> LockFile::Acquire(const std::string& dir) {
  std::string path = dir + "/llm-api.lock";
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::string holder = ReadAll(fd);
    ::close(fd);
    return Status::ResourceExhausted("another llm-api server (pid " + (holder.empty() ? "unknown" : holder) +
                                     ") is already using LOG_DIR " + dir + " (lock file " + path + ")");
  }
  // A pid left behind means its server never reached MarkCleanStop().
  const std::string previous = ReadAll(fd);
  const long previous_pid = previous.empty() ? 0 : std::strtol(previous.c_str(), nullptr, 10);
  std::string shutdown = !existed ? "none" : (previous.empty() ? "clean" : "unclean");
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0 || ::fsync(fd) != 0) {
    // The lock itself is held; the pid only serves the next start's report.
  }
  return std::make_unique<LockFile>(std::move(path), fd, std::move(shutdown), previous_pid);
}

void LockFile::MarkCleanStop() {
  if (::ftruncate(fd_, 0) != 0 || ::fsync(fd_) != 0) {
    // Then the next start reports this stop as unclean: a false alarm, never a missed one.
  }
}

LockFile::~LockFile() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace llm::server
