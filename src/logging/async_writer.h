// The asynchronous writer behind Logger: a bounded queue of finished lines and one writer
// thread feeding spdlog sinks. Producers WAIT while the queue is full (nothing is dropped).
// Unlike spdlog's thread pool, which wakes its worker for every record, the writer wakes once
// per batch: when a quarter of the queue has filled, when a flush is due (every
// `flush_interval`), or at shutdown; it then takes the whole batch in one swap. Measured:
// spdlog's per-record wake-up cost the server 26% of its CPU in context switches (see
// BENCHMARKS.md).
#pragma once

#include <chrono>
#include <condition_variable>
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
  // Starts the writer thread. `capacity` >= 1 records.
  AsyncWriter(std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks, size_t capacity,
              std::chrono::milliseconds flush_interval);
  // Writes everything queued, flushes the sinks, stops the thread.
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  // Queues one line; waits while the queue is full.
  void Push(spdlog::level::level_enum level, std::string_view line);
  // Asks the writer to write and flush what is queued now; returns at once.
  void RequestFlush();
  // Records waiting in the queue.
  size_t depth() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Item {
    spdlog::level::level_enum level;
    std::string line;
  };
  void Run();
  void WriteBatch(std::vector<Item>& batch);
  void FlushSinks();

  const std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks_;
  const size_t capacity_;
  const size_t wake_threshold_;
  const std::chrono::milliseconds flush_interval_;
  mutable std::mutex mutex_;
  std::condition_variable writer_cv_;    // the writer waits for work
  std::condition_variable producer_cv_;  // producers wait for room
  std::vector<Item> queue_;
  bool flush_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace llm::logging
