#include "logging/async_writer.h"

#include <spdlog/details/log_msg.h>

namespace llm::logging {

AsyncWriter::AsyncWriter(std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks, size_t capacity,
                         std::chrono::milliseconds flush_interval)
    : sinks_(std::move(sinks)),
      capacity_(capacity == 0 ? 1 : capacity),
      wake_threshold_(capacity_ / 4 == 0 ? 1 : capacity_ / 4),
      flush_interval_(flush_interval) {
  queue_.reserve(capacity_);
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

void AsyncWriter::Push(spdlog::level::level_enum level, std::string_view line) {
  Item item{level, std::string(line)};
  bool wake = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    producer_cv_.wait(lock, [this] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(item));
    wake = queue_.size() == wake_threshold_;
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
  return queue_.size();
}

void AsyncWriter::Run() {
  std::vector<Item> batch;
  batch.reserve(capacity_);
  auto next_flush = std::chrono::steady_clock::now() + flush_interval_;
  for (;;) {
    bool stop, flush;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      writer_cv_.wait_until(lock, next_flush, [this] {
        return stopping_ || flush_requested_ || queue_.size() >= wake_threshold_;
      });
      batch.swap(queue_);
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
      if (queue_.empty()) break;  // producers that raced the stop still get written
    }
  }
  FlushSinks();
}

void AsyncWriter::WriteBatch(std::vector<Item>& batch) {
  static const spdlog::string_view_t kName = "llm-api";
  for (Item& item : batch) {
    spdlog::details::log_msg msg(kName, item.level,
                                 spdlog::string_view_t(item.line.data(), item.line.size()));
    for (const auto& sink : sinks_) {
      if (!sink->should_log(item.level)) continue;
      try {
        sink->log(msg);
      } catch (...) {  // a sink must never stop the writer; ours do not throw
      }
    }
  }
  batch.clear();
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
