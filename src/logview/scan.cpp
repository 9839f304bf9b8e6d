#include "logview/scan.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace llm::logview {

std::vector<std::vector<ScanPiece>> SplitForThreads(const std::vector<LogSource>& sources, int parts) {
  std::vector<std::vector<ScanPiece>> out(static_cast<size_t>(parts));
  size_t total = 0;
  for (const LogSource& s : sources) total += s.data().size();
  const size_t target = total / static_cast<size_t>(parts) + 1;
  size_t part = 0, in_part = 0;
  for (const LogSource& s : sources) {
    const char* base = s.data().data();
    size_t pos = 0;
    const size_t size = s.data().size();
    while (pos < size) {
      size_t want = part + 1 == static_cast<size_t>(parts) ? size - pos : std::min(size - pos, target - in_part);
      size_t cut = pos + want;
      if (cut < size) {  // extend to the end of the line
        const void* nl = std::memchr(base + cut, '\n', size - cut);
        cut = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) + 1 : size;
      }
      out[part].push_back({std::string_view(base + pos, cut - pos), s.readable() - pos, !s.compressed()});
      in_part += cut - pos;
      pos = cut;
      if (in_part >= target && part + 1 < static_cast<size_t>(parts)) {
        ++part;
        in_part = 0;
      }
    }
  }
  return out;
}

void ReleaseMappedPages(const char* begin, const char* end) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t b = (reinterpret_cast<uintptr_t>(begin) + page - 1) / page * page;
  const uintptr_t e = reinterpret_cast<uintptr_t>(end) / page * page;
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_DONTNEED);
}

std::vector<ScanPiece> SliceAtLines(const ScanPiece& piece, size_t bytes) {
  std::vector<ScanPiece> out;
  const char* base = piece.data.data();
  const size_t size = piece.data.size();
  size_t pos = 0;
  while (pos < size) {
    size_t cut = std::min(size, pos + bytes);
    if (cut < size) {
      const void* nl = std::memchr(base + cut, '\n', size - cut);
      cut = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) + 1 : size;
    }
    out.push_back({std::string_view(base + pos, cut - pos), piece.readable - pos, piece.mapped});
    pos = cut;
  }
  return out;
}

}  // namespace llm::logview
