// A lock file in LOG_DIR so that a second server on the same directory refuses to start
// (two writers would corrupt rotation). flock()-based: released when the process dies. It
// holds the owner's pid while the server runs and is emptied by a clean stop, so the next
// server can tell whether the previous one stopped cleanly.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace llm::server {

class LockFile {
 public:
  // Takes LOG_DIR/llm-api.lock; fails with a message naming the holder's pid when taken.
  static Result<std::unique_ptr<LockFile>> Acquire(const std::string& dir);
  // Releases the lock without marking a clean stop (for a start-up that failed, too).
  ~LockFile();

  // "clean" (the previous server stopped normally), "unclean" (it died: killed, crashed, power
  // lost) or "none" (no server used this LOG_DIR before).
  const std::string& previous_shutdown() const { return previous_shutdown_; }
  // The pid the previous server wrote (0 when unknown).
  long previous_pid() const { return previous_pid_; }
  // Records that this server stops cleanly (called after the last log record is written).
  void MarkCleanStop();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  const std::string& path() const { return path_; }

  LockFile(std::string path, int fd, std::string previous_shutdown, long previous_pid)
      : path_(std::move(path)), fd_(fd), previous_shutdown_(std::move(previous_shutdown)), previous_pid_(previous_pid) {}

 private:
  std::string path_;
  int fd_;
  std::string previous_shutdown_;
  long previous_pid_ = 0;
};

}  // namespace llm::server
