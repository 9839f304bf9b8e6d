// A read-only memory mapping of a whole file (RAII). Empty files map to an empty view.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace llm {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // Maps `path` read-only; IOError naming the path when it cannot be opened or mapped.
  static Result<MappedFile> Open(const std::string& path);

  std::string_view view() const { return {data_, size_}; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  // Bytes readable from data() on: the mapping is rounded up to whole pages, so when the file
  // size is not a page multiple the bytes after size() up to the page end are readable zeros.
  size_t readable() const { return readable_; }
  // Asks the kernel to read ahead sequentially (a hint; failures are ignored).
  void AdviseSequential() const;

 private:
  void Reset();
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t readable_ = 0;
};

}  // namespace llm
