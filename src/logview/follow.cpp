#include "logview/follow.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "logview/record.h"
#include "logview/render_text.h"

namespace llm::logview {
namespace {

class FileTail {
 public:
  explicit FileTail(std::string path) : path_(std::move(path)) {}
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;
  FileTail(FileTail&& o) noexcept : path_(std::move(o.path_)), fd_(o.fd_), ino_(o.ino_), partial_(std::move(o.partial_)) { o.fd_ = -1; }
  ~FileTail() { Close(); }

  // Opens the file; at its end when `at_end` (the state before following), else at its start.
  void Open(bool at_end) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    struct stat st {};
    fstat(fd_, &st);
    ino_ = st.st_ino;
    if (at_end) lseek(fd_, 0, SEEK_END);
    partial_.clear();
  }

  // Reads what was appended and hands each complete line to `fn`; reopens after rotation.
  template <typename Fn>
  void Poll(Fn&& fn) {
    if (fd_ < 0) {
      Open(false);
      if (fd_ < 0) return;
    }
    Drain(fn);
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return;  // renamed away, not yet recreated
    if (st.st_ino != ino_) {                     // rotated: finish the old file, then switch
      Drain(fn);
      if (!partial_.empty()) fn(std::string_view(partial_));
      Close();
      Open(false);
      if (fd_ >= 0) Drain(fn);
    } else if (st.st_size < lseek(fd_, 0, SEEK_CUR)) {  // truncated in place
      lseek(fd_, 0, SEEK_SET);
      partial_.clear();
    }
  }

 private:
  template <typename Fn>
  void Drain(Fn&& fn) {
    char buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd_, buf, sizeof buf)) > 0) {
      partial_.append(buf, static_cast<size_t>(n));
      size_t start = 0, nl;
      while ((nl = partial_.find('\n', start)) != std::string::npos) {
        if (nl > start) fn(std::string_view(partial_).substr(start, nl - start));
        start = nl + 1;
      }
      partial_.erase(0, start);
    }
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string path_;
  int fd_ = -1;
  ino_t ino_ = 0;
  std::string partial_;
};

}  // namespace

Status Follow(const FollowOptions& options, std::FILE* out, const std::atomic<bool>& stop) {
  std::vector<FileTail> tails;
  for (const std::string& base : options.bases) {
    tails.emplace_back(options.dir + "/" + base);
    tails.back().Open(true);
  }
  RecordParser parser;
  RecordView r;
  uint64_t bad = 0;
  auto on_line = [&](std::string_view line) {
    if (!parser.Parse(line, &r)) {
      ++bad;
      return;
    }
    if (!options.filter.Matches(r, line)) return;
    if (options.json) {
      std::fwrite(line.data(), 1, line.size(), out);
      std::fputc('\n', out);
    } else {
      std::string text = RenderEntryLine(r, options.color);
      text += '\n';
      std::fwrite(text.data(), 1, text.size(), out);
    }
  };
  while (!stop.load()) {
    for (FileTail& t : tails) t.Poll(on_line);
    std::fflush(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(options.poll_ms));
  }
  for (FileTail& t : tails) t.Poll(on_line);
  if (bad && !options.json) std::fprintf(out, "(%llu bad lines skipped)\n", static_cast<unsigned long long>(bad));
  std::fflush(out);
  return Status::Ok();
}

}  // namespace llm::logview
