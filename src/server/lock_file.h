// A lock file in LOG_DIR so that a second server on the same directory refuses to start
// (two writers would corrupt rotation). flock()-based: released when the process dies.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace llm::server {

class LockFile {
 public:
  // Takes LOG_DIR/llm-api.lock; fails with a message naming the holder's pid when taken.
  static Result<std::unique_ptr<LockFile>> Acquire(const std::string& dir);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  const std::string& path() const { return path_; }

  LockFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

 private:
  std::string path_;
  int fd_;
};

}  // namespace llm::server
