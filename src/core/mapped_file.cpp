#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace llm {

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      readable_(std::exchange(other.readable_, 0)),
      in_memory_(std::exchange(other.in_memory_, false)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    Reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    readable_ = std::exchange(other.readable_, 0);
    in_memory_ = std::exchange(other.in_memory_, false);
  }
  return *this;
}

MappedFile::~MappedFile() { Reset(); }

void MappedFile::Reset() {
  if (data_ != nullptr && size_ > 0) munmap(const_cast<char*>(data_), in_memory_ ? readable_ : size_);
  data_ = nullptr;
  size_ = 0;
  readable_ = 0;
  in_memory_ = false;
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IOError(path + ": " + std::strerror(err));
  }
  MappedFile file;
  if (st.st_size > 0) {
    void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return Status::IOError(path + ": mmap: " + std::strerror(err));
    }
    file.data_ = static_cast<const char*>(p);
    file.size_ = static_cast<size_t>(st.st_size);
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    file.readable_ = (file.size_ + page - 1) / page * page;
  }
  ::close(fd);
  return file;
}

Result<MappedFile> MappedFile::ReadIntoMemory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError(path + ": " + std::strerror(err));
  }
  MappedFile file;
  const size_t size = static_cast<size_t>(st.st_size);
  if (size > 0) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t readable = (size + page - 1) / page * page;
    void* p = mmap(nullptr, readable, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return Status::IOError(path + ": cannot allocate " + std::to_string(size) + " bytes: " + std::strerror(err));
    }
    file.data_ = static_cast<const char*>(p);  // owned by `file` from here on
    file.size_ = size;
    file.readable_ = readable;
    file.in_memory_ = true;
    madvise(p, readable, MADV_HUGEPAGE);  // a hint: fails harmlessly where THP is off
    for (size_t done = 0; done < size;) {
      const ssize_t n = ::pread(fd, static_cast<char*>(p) + done, size - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : 0;
        ::close(fd);
        return Status::IOError(path + ": read: " + (n < 0 ? std::strerror(err) : "the file shrank while being read"));
      }
      done += static_cast<size_t>(n);
    }
    mprotect(p, readable, PROT_READ);
  }
  ::close(fd);
  return file;
}

Result<MappedFile> MappedFile::Load(const std::string& path, LoadMode mode) {
  return mode == LoadMode::kReadIntoMemory ? ReadIntoMemory(path) : Open(path);
}

void MappedFile::AdviseSequential() const {
  if (data_ != nullptr && size_ > 0) madvise(const_cast<char*>(data_), size_, MADV_SEQUENTIAL);
}

void MappedFile::Release(const void* begin, size_t bytes) const {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto lo = reinterpret_cast<uintptr_t>(begin), hi = lo + bytes;
  const auto base = reinterpret_cast<uintptr_t>(data_);
  if (data_ == nullptr || lo < base || hi > base + size_) return;
  const uintptr_t first = (lo + page - 1) / page * page, last = hi / page * page;
  if (first < last) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace llm
