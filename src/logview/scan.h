// Scanning log bytes line by line into an aggregate, on several threads: each source is cut
// at line boundaries into pieces, each thread folds its pieces into its own aggregate, and the
// aggregates are merged. An aggregate is any type with
//   void Add(const RecordView&, std::string_view raw_line);
//   void Merge(Aggregate&& other);
//   uint64_t bad_lines, records;   (counters the scanner maintains)
//   optionally static constexpr bool kNeedsText (false: message etc. are not unescaped)
#pragma once

#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

#include "logview/filter.h"
#include "logview/log_set.h"
#include "logview/record.h"

namespace llm::logview {

// A slice of a source: data, and how many bytes are readable from data.data() on.
struct ScanPiece {
  std::string_view data;
  size_t readable;
  bool mapped = false;  // memory-mapped: pages may be released after reading
};

// Drops the whole pages of [begin, end) of a read-only file mapping from this process's
// resident set (the page cache keeps them), so a scan's RSS stays small on huge files.
void ReleaseMappedPages(const char* begin, const char* end);

// Splits a piece into consecutive slices of about `bytes` at line boundaries.
std::vector<ScanPiece> SliceAtLines(const ScanPiece& piece, size_t bytes);

// Cuts each source into about `parts` pieces of similar size at line boundaries.
std::vector<std::vector<ScanPiece>> SplitForThreads(const std::vector<LogSource>& sources, int parts);

// Calls fn(line, readable_from_line) for each non-blank line of the piece.
template <typename Fn>
void ForEachLine(const ScanPiece& piece, Fn&& fn) {
  const char* p = piece.data.data();
  const char* end = p + piece.data.size();
  const char* readable_end = p + piece.readable;
  while (p < end) {
    const char* nl = static_cast<const char*>(__builtin_memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    if (line_end > p) fn(std::string_view(p, static_cast<size_t>(line_end - p)),
                         static_cast<size_t>(readable_end - p));
    p = line_end + 1;
  }
}

// Folds the lines of `pieces` that pass `filter` into `agg`.
template <typename Aggregate>
void ScanPieces(const std::vector<ScanPiece>& pieces, const Filter& filter, Aggregate& agg) {
  bool need_text = true;
  if constexpr (requires { Aggregate::kNeedsText; }) need_text = Aggregate::kNeedsText;
  RecordParser parser(need_text);
  RecordView r;
  const bool no_filter = filter.Empty();
  for (const ScanPiece& whole : pieces) {
    for (const ScanPiece& piece : SliceAtLines(whole, size_t{8} << 20)) {
    ForEachLine(piece, [&](std::string_view line, size_t readable) {
      bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
      if (blank) return;
      if (!parser.Parse(line, readable, &r)) {
        ++agg.bad_lines;
        return;
      }
      ++agg.records;
      if (no_filter || filter.Matches(r, line)) agg.Add(r, line);
    });
    if (piece.mapped) ReleaseMappedPages(piece.data.data(), piece.data.data() + piece.data.size());
    }
  }
}

// Scans every source on `threads` threads and returns the merged aggregate; `make` builds
// an empty aggregate.
template <typename Aggregate, typename Make>
Aggregate ParallelScan(const std::vector<LogSource>& sources, const Filter& filter, int threads, Make make) {
  if (threads < 1) threads = 1;
  auto parts = SplitForThreads(sources, threads);
  std::vector<Aggregate> aggs;
  for (int i = 0; i < threads; ++i) aggs.push_back(make());
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i)
    workers.emplace_back([&, i] { ScanPieces(parts[i], filter, aggs[i]); });
  ScanPieces(parts[0], filter, aggs[0]);
  for (auto& w : workers) w.join();
  for (int i = 1; i < threads; ++i) aggs[0].Merge(std::move(aggs[i]));
  return std::move(aggs[0]);
}

}  // namespace llm::logview
