#include "logging/rotating_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace llm::logging {

namespace {
constexpr size_t kBufferLimit = 64 * 1024;

Result<int> OpenAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);  // read: the last byte
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  return fd;
}
}  // namespace

Result<std::shared_ptr<RotatingFileSink>> RotatingFileSink::Open(std::string path,
                                                                 uint64_t max_bytes,
                                                                 uint64_t backup_count,
                                                                 WriteFn write) {
  LLM_ASSIGN_OR_RETURN(int fd, OpenAppend(path));
  struct stat st {};
  uint64_t size = ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  // A process killed mid-write may have left a torn last line: end it, so that our first
  // record starts a line of its own and the torn one stays a single bad line.
  char last = '\n';
  if (size > 0 && ::pread(fd, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n' &&
      ::write(fd, "\n", 1) == 1) {
    ++size;
  }
  if (!write) write = [](int f, const void* d, size_t n) { return static_cast<long>(::write(f, d, n)); };
  return std::make_shared<RotatingFileSink>(std::move(path), max_bytes, backup_count,
                                            std::move(write), fd, size);
}

RotatingFileSink::RotatingFileSink(std::string path, uint64_t max_bytes, uint64_t backup_count,
                                   WriteFn write, int fd, uint64_t size)
    : path_(std::move(path)),
      max_bytes_(max_bytes),
      backup_count_(backup_count),
      write_(std::move(write)),
      fd_(fd),
      file_size_(size) {
  buffer_.reserve(kBufferLimit + 4096);
}

RotatingFileSink::~RotatingFileSink() {
  std::lock_guard<std::mutex> lock(mutex_);
  WriteBuffer();
  if (fd_ >= 0) ::close(fd_);
}

SinkCounters RotatingFileSink::counters() const {
  return {written_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed),
          rotations_.load(std::memory_order_relaxed)};
}

void RotatingFileSink::WriteLine(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  Append(line);
}

void RotatingFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  Append(std::string_view(msg.payload.data(), msg.payload.size()));
}

void RotatingFileSink::flush_() { WriteBuffer(); }

// Python's RotatingFileHandler rolls over when the current size plus the record reaches
// max_bytes; we also never roll an empty file, so an oversized record goes out whole.
bool RotatingFileSink::RotationNeeded(size_t line_bytes) const {
  if (max_bytes_ == 0 || backup_count_ == 0) return false;
  uint64_t current = file_size_ + buffer_.size();
  return current > 0 && current + line_bytes >= max_bytes_;
}

void RotatingFileSink::Append(std::string_view line) {
  const size_t bytes = line.size() + 1;
  if (RotationNeeded(bytes)) {
    WriteBuffer();
    Rotate();
  }
  buffer_.append(line.data(), line.size());
  buffer_.push_back('\n');
  ++buffered_lines_;
  if (buffer_.size() >= kBufferLimit) WriteBuffer();
}

void RotatingFileSink::Rotate() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  for (uint64_t i = backup_count_; i >= 1; --i) {
    std::string src = i == 1 ? path_ : path_ + "." + std::to_string(i - 1);
    std::string dst = path_ + "." + std::to_string(i);
    if (i == backup_count_) ::unlink(dst.c_str());
    ::rename(src.c_str(), dst.c_str());  // a missing source is fine
  }
  rotations_.fetch_add(1, std::memory_order_relaxed);
  Result<int> fd = OpenAppend(path_);
  if (!fd.ok()) {
    ReportFailure(errno);
    return;
  }
  fd_ = *fd;
  struct stat st {};
  file_size_ = ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

void RotatingFileSink::WriteBuffer() {
  if (buffer_.empty()) return;
  if (fd_ < 0) {  // the file could not be reopened after a rotation; try again now
    Result<int> fd = OpenAppend(path_);
    if (fd.ok()) fd_ = *fd;
  }
  size_t done = 0;
  int err = 0;
  while (fd_ >= 0 && done < buffer_.size()) {
    long n = write_(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (fd_ >= 0 && done == buffer_.size()) {
    file_size_ += done;
    written_.fetch_add(buffered_lines_, std::memory_order_relaxed);
    if (failing_) {
      std::fprintf(stderr, "llm-api: writing %s again (records were dropped meanwhile)\n",
                   path_.c_str());
      failing_ = false;
    }
  } else {
    // Cut a partial chunk back to the last whole line, then count the chunk as lost.
    if (fd_ >= 0 && done > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) != 0) {
      file_size_ += done;
    }
    dropped_.fetch_add(buffered_lines_, std::memory_order_relaxed);
    ReportFailure(fd_ < 0 ? errno : err);
  }
  buffer_.clear();
  buffered_lines_ = 0;
}

void RotatingFileSink::ReportFailure(int err) {
  if (failing_) return;
  failing_ = true;
  std::fprintf(stderr,
               "llm-api: cannot write %s (%s); counting dropped log records until it works "
               "again\n",
               path_.c_str(), std::strerror(err));
}

}  // namespace llm::logging
