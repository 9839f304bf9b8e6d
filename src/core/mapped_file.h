// A read-only view of a whole file in memory (RAII): a memory mapping of the file, or the
// file read into the process's own memory. Empty files give an empty view.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace llm {

// How a file is brought into memory: mapped (pages read on first touch, shared with the page
// cache and other processes) or read into the process's own memory.
enum class LoadMode { kMap, kReadIntoMemory };

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
  // Reads `path` into private anonymous memory advised for transparent huge pages (llama.cpp's
  // --no-mmap): slower to open and not shared with other processes, but afterwards no page
  // faults on the file and far fewer TLB misses when the whole of it is read again and again
  // (a model's weights, once per token). IOError naming the path when it cannot be read.
  static Result<MappedFile> ReadIntoMemory(const std::string& path);
  // Open or ReadIntoMemory, as `mode` says.
  static Result<MappedFile> Load(const std::string& path, LoadMode mode);
  // True when the view is the file read into memory.
  bool in_memory() const { return in_memory_; }

  std::string_view view() const { return {data_, size_}; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  // Bytes readable from data() on: the mapping is rounded up to whole pages, so when the file
  // size is not a page multiple the bytes after size() up to the page end are readable zeros.
  size_t readable() const { return readable_; }
  // Asks the kernel to read ahead sequentially (a hint; failures are ignored).
  void AdviseSequential() const;
  // Gives back the memory of the whole pages inside [begin, begin + bytes), bytes of this view
  // the caller will not read again (e.g. weights copied elsewhere). A mapping's pages are read
  // from the file again if touched; memory read into the process reads as zeros afterwards.
  void Release(const void* begin, size_t bytes) const;

 private:
  void Reset();
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t readable_ = 0;
  bool in_memory_ = false;
};

}  // namespace llm
