// The files of a rotated log set ("api.log.N" ... "api.log.1", "api.log", with optional .gz
// backups), oldest first, and their contents: memory-mapped, or inflated for .gz files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"

namespace llm::logview {

// Returns the paths of `dir`/`base` and its backups, oldest first (highest number first,
// the live file last). Missing files are simply absent; IOError if `dir` cannot be read.
Result<std::vector<std::string>> ListRotatedSet(const std::string& dir, std::string_view base);

// The bytes of one log file. `readable()` bytes may be read from data() on (>= size()).
class LogSource {
 public:
  // Maps a plain file or inflates a .gz file (by name) into memory.
  static Result<LogSource> Open(const std::string& path);
  const std::string& path() const { return path_; }
  std::string_view data() const { return data_; }
  size_t readable() const { return readable_; }
  bool compressed() const { return !inflated_.empty() || path_.ends_with(".gz"); }

 private:
  std::string path_;
  MappedFile map_;
  std::string inflated_;
  std::string_view data_;
  size_t readable_ = 0;
};

// Opens every file of a set, oldest first.
Result<std::vector<LogSource>> OpenRotatedSet(const std::string& dir, std::string_view base);

}  // namespace llm::logview
