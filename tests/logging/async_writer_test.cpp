#include "logging/async_writer.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>

#include <string>
#include <thread>
#include <vector>

namespace llm::logging {
namespace {

// Keeps every payload it receives, in order.
class CollectingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

TEST(AsyncWriter, KeepsRecordBoundariesAndOrderFromOneProducer) {
  auto sink = std::make_shared<CollectingSink>();
  {
    AsyncWriter writer({sink}, /*capacity=*/4, std::chrono::milliseconds(5), /*bytes=*/64);
    for (int i = 0; i < 1000; ++i) {
      writer.Push(spdlog::level::info, "line " + std::to_string(i) + std::string(i % 50, 'x'));
    }
  }
  std::vector<std::string> lines = sink->Lines();
  ASSERT_EQ(lines.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(lines[i], "line " + std::to_string(i) + std::string(i % 50, 'x'));
  }
}

TEST(AsyncWriter, ALineLargerThanTheByteCapacityStillGoesOutWhole) {
  auto sink = std::make_shared<CollectingSink>();
  const std::string big(10000, 'b');
  {
    AsyncWriter writer({sink}, 8, std::chrono::milliseconds(1000), /*bytes=*/100);
    writer.Push(spdlog::level::info, "small");
    writer.Push(spdlog::level::info, big);  // waits until the queue is empty, then fits
    writer.Push(spdlog::level::info, "after");
  }
  std::vector<std::string> lines = sink->Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "small");
  EXPECT_EQ(lines[1], big);
  EXPECT_EQ(lines[2], "after");
}

TEST(AsyncWriter, ProducersWaitInsteadOfDroppingUnderContention) {
  auto sink = std::make_shared<CollectingSink>();
  constexpr int kThreads = 4, kPerThread = 5000;
  {
    AsyncWriter writer({sink}, 16, std::chrono::milliseconds(5), 512);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < kPerThread; ++i) {
          writer.Push(spdlog::level::info, std::to_string(t) + ":" + std::to_string(i));
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  std::vector<std::string> lines = sink->Lines();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);  // each producer's lines arrive whole and in its order
  for (const std::string& line : lines) {
    size_t colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << line;
    int t = std::stoi(line.substr(0, colon));
    EXPECT_EQ(std::stoi(line.substr(colon + 1)), next[t]++);
  }
}

}  // namespace
}  // namespace llm::logging
