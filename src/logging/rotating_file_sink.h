// A size-rotating file sink for spdlog that names backups like Python's RotatingFileHandler
// (api.log.1 is the newest, never more than `backup_count` backups). The payload of each spdlog
// message is one finished JSON line; the sink adds '\n' and never splits a line across files
// (a line larger than max_bytes goes whole into a fresh file). It buffers lines and writes in
// large chunks on flush or when the buffer fills. A failed write (disk full) never throws: the
// lines of that chunk are counted as dropped, the file is cut back to its last whole line, one
// message goes to stderr, and writing resumes when a later write succeeds. Opening a file whose
// last line is torn (a process killed mid-write) ends that line first, so the next record
// never joins it.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace llm::logging {

struct SinkCounters {
  uint64_t written = 0;    // lines that reached the file
  uint64_t dropped = 0;    // lines lost to write failures
  uint64_t rotations = 0;  // files rotated
};

// The write(2) the sink calls; tests inject one that fails like a full disk.
using WriteFn = std::function<long(int fd, const void* data, size_t size)>;

class RotatingFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Opens (appends to) `path`. max_bytes == 0 or backup_count == 0 disables rotation.
  static Result<std::shared_ptr<RotatingFileSink>> Open(std::string path, uint64_t max_bytes,
                                                        uint64_t backup_count,
                                                        WriteFn write = nullptr);
  ~RotatingFileSink() override;

  // Thread-safe snapshot of the counters.
  SinkCounters counters() const;
  const std::string& path() const { return path_; }

  // Writes one line (without '\n') as if logged through spdlog; for tests and benchmarks.
  void WriteLine(std::string_view line);

  RotatingFileSink(std::string path, uint64_t max_bytes, uint64_t backup_count, WriteFn write,
                   int fd, uint64_t size);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void Append(std::string_view line);
  bool RotationNeeded(size_t line_bytes) const;
  void Rotate();
  void WriteBuffer();
  void ReportFailure(int err);

  const std::string path_;
  const uint64_t max_bytes_;
  const uint64_t backup_count_;
  WriteFn write_;
  int fd_ = -1;
  uint64_t file_size_ = 0;  // bytes on disk in the current file
  std::string buffer_;
  uint64_t buffered_lines_ = 0;
  bool failing_ = false;
  std::atomic<uint64_t> written_{0}, dropped_{0}, rotations_{0};
};

}  // namespace llm::logging
