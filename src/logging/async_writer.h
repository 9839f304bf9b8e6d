// The asynchronous writer behind Logger: a bounded queue of finished lines and one writer
// thread feeding spdlog sinks. Producers WAIT while the queue is full (nothing is dropped).
// The queue is two contiguous byte buffers (double buffering): producers append each line
// into the filling buffer under a short lock (one memcpy, no allocation per record once the
// buffers have grown) with its level and length beside it, so record boundaries are kept;
// the writer swaps the filled buffer with its empty one and hands the lines to the sinks
// outside the lock. Unlike spdlog's thread pool, which wakes its worker for every record, the
// writer wakes once per batch: when a quarter of the queue (records or bytes) has filled,
// when a flush is due (every `flush_interval`), or at shutdown. Measured: spdlog's per-record
// wake-up cost the server 26% of its CPU in context switches (see BENCHMARKS.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <spdlog/sinks/sink.h>

namespace llm::logging {

class AsyncWriter {
 public:
  // Starts the writer thread. The queue holds at most `capacity` (>= 1) records and, unless it
  // holds a single record, at most `byte_capacity` bytes of lines.
  // With `write_through`, Push() writes and flushes the line itself (one write(2) per record,
  // nothing queued), and the thread only keeps the periodic flush.
  AsyncWriter(std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks, size_t capacity,
              std::chrono::milliseconds flush_interval, size_t byte_capacity = 16u << 20,
              bool write_through = false);
  // Writes everything queued, flushes the sinks, stops the thread.
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  // Queues one line (copied); waits while the queue is full. Write-through: writes it now.
  void Push(spdlog::level::level_enum level, std::string_view line);
  // Asks the writer to write and flush what is queued now; returns at once.
  void RequestFlush();
  // Records waiting in the queue.
  size_t depth() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    spdlog::level::level_enum level;
    size_t size;  // bytes of this line in the buffer; lines follow each other
  };
  struct Batch {
    std::string bytes;
    std::vector<Entry> entries;
  };
  bool HasRoom(size_t line_bytes) const;
  bool WakeDue() const;
  void Run();
  void WriteBatch(Batch& batch);
  void WriteLine(spdlog::level::level_enum level, std::string_view line);
  void FlushSinks();

  const std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks_;
  const size_t capacity_;
  const size_t byte_capacity_;
  const size_t wake_threshold_;
  const size_t wake_bytes_;
  const std::chrono::milliseconds flush_interval_;
  const bool write_through_;
  std::mutex write_through_mutex_;  // one record at a time through the sinks
  mutable std::mutex mutex_;
  std::condition_variable writer_cv_;    // the writer waits for work
  std::condition_variable producer_cv_;  // producers wait for room
  Batch queue_;                          // the buffer producers fill
  size_t waiting_ = 0;  // producers waiting for room
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace llm::logging
