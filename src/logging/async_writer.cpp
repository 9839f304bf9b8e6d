#include "logging/async_writer.h"

#include <algorithm>

#include <spdlog/details/log_msg.h>

namespace llm::logging {

AsyncWriter::AsyncWriter(std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks, size_t capacity,
                         std::chrono::milliseconds flush_interval, size_t byte_capacity,
                         bool write_through)
    : sinks_(std::move(sinks)),
      capacity_(capacity == 0 ? 1 : capacity),
      byte_capacity_(byte_capacity == 0 ? 1 : byte_capacity),
      wake_threshold_(capacity_ / 4 == 0 ? 1 : capacity_ / 4),
      wake_bytes_(byte_capacity_ / 4 == 0 ? 1 : byte_capacity_ / 4),
      flush_interval_(flush_interval),
      write_through_(write_through) {
  queue_.entries.reserve(capacity_);
  queue_.bytes.reserve(std::min(byte_capacity_, capacity_ * 256));
  thread_ = std::thread([this] { Run(); });
}

AsyncWriter::~AsyncWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  writer_cv_.notify_one();
  thread_.join();
}

// An empty queue always takes one line, however large, so no record is refused.
bool AsyncWriter::HasRoom(size_t line_bytes) const {
  if (queue_.entries.empty()) return true;
  return queue_.entries.size() < capacity_ && queue_.bytes.size() + line_bytes <= byte_capacity_;
}

bool AsyncWriter::WakeDue() const {
  return queue_.entries.size() >= wake_threshold_ || queue_.bytes.size() >= wake_bytes_ ||
         (waiting_ > 0 && !queue_.entries.empty());
}

void AsyncWriter::Push(spdlog::level::level_enum level, std::string_view line) {
  if (write_through_) {
    std::lock_guard<std::mutex> lock(write_through_mutex_);
    WriteLine(level, line);
    FlushSinks();
    return;
  }
  bool wake = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!HasRoom(line.size())) {
      ++waiting_;
      writer_cv_.notify_one();  // the queue may be short of a wake-up (one huge line)
      producer_cv_.wait(lock, [this, &line] { return HasRoom(line.size()); });
      --waiting_;
    }
    const bool was_due = WakeDue();
    queue_.bytes.append(line.data(), line.size());
    queue_.entries.push_back({level, line.size()});
    wake = !was_due && WakeDue();  // once per batch; the writer rechecks before sleeping
  }
  if (wake) writer_cv_.notify_one();
}

void AsyncWriter::RequestFlush() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    flush_requested_ = true;
  }
  writer_cv_.notify_one();
}

size_t AsyncWriter::depth() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.entries.size();
}

void AsyncWriter::Run() {
  Batch batch;
  batch.entries.reserve(capacity_);
  batch.bytes.reserve(queue_.bytes.capacity());
  auto next_flush = std::chrono::steady_clock::now() + flush_interval_;
  for (;;) {
    bool stop, flush;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      writer_cv_.wait_until(lock, next_flush,
                            [this] { return stopping_ || flush_requested_ || WakeDue(); });
      std::swap(batch, queue_);  // both keep their capacity: no allocation in steady state
      stop = stopping_;
      flush = flush_requested_ || stop || std::chrono::steady_clock::now() >= next_flush;
      flush_requested_ = false;
    }
    producer_cv_.notify_all();
    WriteBatch(batch);
    if (flush) {
      FlushSinks();
      next_flush = std::chrono::steady_clock::now() + flush_interval_;
    }
    if (stop) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.entries.empty()) break;  // producers that raced the stop still get written
    }
  }
  FlushSinks();
}

namespace {
const spdlog::string_view_t kLoggerName = "llm-api";

void LogTo(const std::vector<std::shared_ptr<spdlog::sinks::sink>>& sinks, const spdlog::details::log_msg& msg) {
  for (const auto& sink : sinks) {
    if (!sink->should_log(msg.level)) continue;
    try {
      sink->log(msg);
    } catch (...) {  // a sink must never stop the writer; ours do not throw
    }
  }
}
}  // namespace

void AsyncWriter::WriteBatch(Batch& batch) {
  const auto now = spdlog::log_clock::now();  // our sinks ignore it; one clock read per batch
  const char* p = batch.bytes.data();
  for (const Entry& e : batch.entries) {
    LogTo(sinks_, spdlog::details::log_msg(now, spdlog::source_loc{}, kLoggerName, e.level,
                                           spdlog::string_view_t(p, e.size)));
    p += e.size;
  }
  batch.entries.clear();
  batch.bytes.clear();
}

void AsyncWriter::WriteLine(spdlog::level::level_enum level, std::string_view line) {
  LogTo(sinks_, spdlog::details::log_msg(spdlog::log_clock::now(), spdlog::source_loc{}, kLoggerName, level,
                                         spdlog::string_view_t(line.data(), line.size())));
}

void AsyncWriter::FlushSinks() {
  for (const auto& sink : sinks_) {
    try {
      sink->flush();
    } catch (...) {
    }
  }
}

}  // namespace llm::logging
