// ThreadPool: persistent workers that spin briefly on a generation counter, then sleep on a
// condition variable. ParallelFor hands out chunks through an atomic counter, so a worker
// that is descheduled (2 cores shared with other processes) does not hold up the others.
#include "engine/kernels/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LLM_CPU_RELAX() _mm_pause()
#else
#define LLM_CPU_RELAX() std::this_thread::yield()
#endif

namespace llm::engine {
namespace {
// How long an idle worker polls for the next job before sleeping. Generation calls
// ParallelFor several times per layer, so the next job usually arrives within this window.
constexpr auto kSpinTime = std::chrono::microseconds(2000);
// Busy-wait iterations (pause) before a waiting thread starts yielding its core.
constexpr int kPauseSpins = 2000;
}  // namespace

struct ThreadPool::Impl {
  int n_threads = 1;
  std::vector<std::thread> workers;

  // The current job; written by ParallelFor before `generation` is bumped.
  const std::function<void(int64_t, int64_t, int)>* fn = nullptr;
  int64_t total = 0;
  int64_t grain = 1;
  std::atomic<int64_t> next{0};
  std::atomic<int> busy_workers{0};

  std::atomic<uint64_t> generation{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable wake;
  std::vector<uint8_t> scratch;

  void RunChunks(int thread_index) {
    for (;;) {
      const int64_t begin = next.fetch_add(grain, std::memory_order_relaxed);
      if (begin >= total) return;
      (*fn)(begin, std::min(total, begin + grain), thread_index);
    }
  }

  // Waits until `generation` moves past `seen` (or stop); returns the new generation.
  uint64_t AwaitJob(uint64_t seen) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
    for (int i = 0;; ++i) {
      const uint64_t g = generation.load(std::memory_order_acquire);
      if (g != seen || stop.load(std::memory_order_acquire)) return g;
      if (i < kPauseSpins) {
        LLM_CPU_RELAX();
      } else {
        // Yield rather than burn the core: another thread of this process (the caller that
        // will publish the next job) may be waiting for it.
        std::this_thread::yield();
        if (std::chrono::steady_clock::now() > spin_until) break;
      }
    }
    std::unique_lock lock(mu);
    sleepers.fetch_add(1);
    wake.wait(lock, [&] { return generation.load() != seen || stop.load(); });
    sleepers.fetch_sub(1);
    return generation.load(std::memory_order_acquire);
  }

  void WorkerLoop(int thread_index) {
    uint64_t seen = 0;
    for (;;) {
      seen = AwaitJob(seen);
      if (stop.load(std::memory_order_acquire)) return;
      RunChunks(thread_index);
      busy_workers.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void Publish() {
    generation.fetch_add(1);  // seq_cst: ordered with the sleepers check below
    if (sleepers.load() > 0) {
      { std::lock_guard lock(mu); }
      wake.notify_all();
    }
  }
};

ThreadPool::ThreadPool(int n_threads) : impl_(std::make_unique<Impl>()) {
  impl_->n_threads = std::max(1, n_threads);
  for (int i = 1; i < impl_->n_threads; ++i) {
    impl_->workers.emplace_back([this, i] { impl_->WorkerLoop(i); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop.store(true);
  }
  impl_->wake.notify_all();
  for (std::thread& t : impl_->workers) t.join();
}

int ThreadPool::size() const { return impl_->n_threads; }

void ThreadPool::ParallelFor(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  Impl& p = *impl_;
  if (p.n_threads == 1 || n == 1) {
    fn(0, n, 0);
    return;
  }
  p.fn = &fn;
  p.total = n;
  // Several chunks per thread balance the load when a core is busy with something else.
  p.grain = std::max<int64_t>(1, n / (static_cast<int64_t>(p.n_threads) * 4));
  p.next.store(0, std::memory_order_relaxed);
  p.busy_workers.store(static_cast<int>(p.workers.size()), std::memory_order_relaxed);
  p.Publish();
  p.RunChunks(0);
  for (int i = 0; p.busy_workers.load(std::memory_order_acquire) != 0; ++i) {
    if (i < kPauseSpins) {
      LLM_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace llm::engine

namespace llm::engine {

void* ThreadPool::Scratch(size_t bytes) {
  std::vector<uint8_t>& s = impl_->scratch;
  if (s.size() < bytes + 64) s.resize(bytes + 64);
  const auto addr = reinterpret_cast<uintptr_t>(s.data());
  return s.data() + ((64 - (addr & 63)) & 63);
}

}  // namespace llm::engine
