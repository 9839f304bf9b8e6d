#include "engine/kernels/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <thread>
#include <vector>

namespace llm::engine {
namespace {

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 7, 64, 1000, 4099}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<bool> bad_range{false}, bad_thread{false};
      pool.ParallelFor(n, [&](int64_t begin, int64_t end, int thread) {
        if (begin < 0 || end > n || begin >= end) bad_range = true;
        if (thread < 0 || thread >= threads) bad_thread = true;
        for (int64_t i = begin; i < end; ++i) hits[i].fetch_add(1);
      });
      EXPECT_FALSE(bad_range);
      EXPECT_FALSE(bad_thread);
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << threads << " threads, n " << n << ", i " << i;
    }
  }
}

TEST(ThreadPool, ManyBackToBackJobsAllComplete) {
  ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  for (int job = 0; job < 2000; ++job) {
    pool.ParallelFor(16, [&](int64_t b, int64_t e, int) { total.fetch_add(e - b); });
  }
  EXPECT_EQ(total.load(), 2000 * 16);
}

TEST(ThreadPool, CoversEveryIndexWhenWorkersAreSlow) {
  ThreadPool pool(3);
  int total_worker_chunks = 0;
  for (int job = 0; job < 50; ++job) {
    const int64_t n = 37 + job;
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    std::atomic<int> worker_chunks{0};
    pool.ParallelFor(n, [&](int64_t b, int64_t e, int thread) {
      // Every chunk takes a while; a worker's chunks take longer and finish after the caller's.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      while (std::chrono::steady_clock::now() < until) {
      }
      if (thread != 0) {
        worker_chunks.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
      for (int64_t i = b; i < e; ++i) hits[i].fetch_add(1);
    });
    total_worker_chunks += worker_chunks.load();
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "job " << job << " index " << i;
  }
  std::printf("[pool] chunks run by workers over 50 jobs: %d\n", total_worker_chunks);
}

TEST(ThreadPool, WorkersWakeAfterSleeping) {
  ThreadPool pool(2);
  std::atomic<int> seen_worker{0};
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // longer than the spin window
    std::atomic<int64_t> count{0};
    pool.ParallelFor(1000, [&](int64_t b, int64_t e, int thread) {
      if (thread == 1) seen_worker = 1;
      count.fetch_add(e - b);
    });
    EXPECT_EQ(count.load(), 1000);
  }
}

TEST(ThreadPool, ScratchIsAlignedAndKeepsItsSize) {
  ThreadPool pool(1);
  auto* a = static_cast<uint8_t*>(pool.Scratch(1000));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  a[999] = 1;
  EXPECT_EQ(pool.Scratch(500), a);
}

}  // namespace
}  // namespace llm::engine
