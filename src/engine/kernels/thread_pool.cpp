// ThreadPool: persistent workers that poll briefly for the next job, then sleep on a condition
// variable. Chunks are claimed from one atomic word holding (job generation, next chunk), so
// a worker that wakes late can never take a chunk of a newer job, and the caller never waits
// for a worker that has not shown up: it runs the remaining chunks itself and waits only for
// chunks already claimed. That matters on a loaded machine (2 cores shared with other work).
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
// Low half of the claim word when a job is being set up: no chunk can be claimed.
constexpr uint64_t kClosed = 0xFFFFFFFFu;
}  // namespace

struct ThreadPool::Impl {
  int n_threads = 1;
  std::vector<std::thread> workers;

  // The current job. Fields are atomics because a late worker may read them while the next
  // job is being set up; it only runs a chunk after a successful claim for the generation it
  // read them under, which proves they were that job's.
  std::atomic<const std::function<void(int64_t, int64_t, int)>*> fn{nullptr};
  std::atomic<int64_t> total{0};
  std::atomic<int64_t> grain{1};
  std::atomic<uint64_t> n_chunks{0};
  std::atomic<uint64_t> claim{kClosed};  // (generation << 32) | next chunk
  std::atomic<uint64_t> done{0};         // chunks of the current job finished

  std::atomic<uint64_t> wake_count{0};  // bumped per job, what sleeping workers wait on
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable wake;
  std::vector<uint8_t> scratch;

  // Claims and runs chunks of job `gen` until none is left.
  void RunChunks(uint64_t gen, int thread_index) {
    for (;;) {
      uint64_t v = claim.load(std::memory_order_acquire);
      if ((v >> 32) != gen) return;
      const uint64_t index = v & kClosed;
      const auto* f = fn.load(std::memory_order_relaxed);
      const int64_t t = total.load(std::memory_order_relaxed);
      const int64_t g = grain.load(std::memory_order_relaxed);
      if (index >= n_chunks.load(std::memory_order_relaxed)) return;
      if (!claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) continue;
      const int64_t begin = static_cast<int64_t>(index) * g;
      (*f)(begin, std::min(t, begin + g), thread_index);
      done.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  // Waits until wake_count moves past `seen` (or stop); returns the new count.
  uint64_t AwaitJob(uint64_t seen) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
    for (int i = 0;; ++i) {
      const uint64_t w = wake_count.load(std::memory_order_acquire);
      if (w != seen || stop.load(std::memory_order_acquire)) return w;
      if (i < kPauseSpins) {
        LLM_CPU_RELAX();
      } else {
        // Yield rather than burn the core: the thread that publishes the next job may need it.
        std::this_thread::yield();
        if (std::chrono::steady_clock::now() > spin_until) break;
      }
    }
    std::unique_lock lock(mu);
    sleepers.fetch_add(1);
    wake.wait(lock, [&] { return wake_count.load() != seen || stop.load(); });
    sleepers.fetch_sub(1);
    return wake_count.load(std::memory_order_acquire);
  }

  void WorkerLoop(int thread_index) {
    uint64_t seen = 0;
    for (;;) {
      seen = AwaitJob(seen);
      if (stop.load(std::memory_order_acquire)) return;
      RunChunks(claim.load(std::memory_order_acquire) >> 32, thread_index);
    }
  }

  void Publish() {
    wake_count.fetch_add(1);  // seq_cst: ordered with the sleepers check below
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
  // Several chunks per thread balance the load when a core is busy with something else.
  const int64_t grain = std::max<int64_t>(1, n / (static_cast<int64_t>(p.n_threads) * 4));
  const uint64_t chunks = static_cast<uint64_t>((n + grain - 1) / grain);
  const uint64_t gen = (p.claim.load(std::memory_order_relaxed) >> 32) + 1;
  // Close claiming under the new generation first, so that a late worker of the previous job
  // cannot claim with fields of this one; then fill the job in and open it.
  p.claim.store((gen << 32) | kClosed, std::memory_order_seq_cst);
  p.fn.store(&fn, std::memory_order_relaxed);
  p.total.store(n, std::memory_order_relaxed);
  p.grain.store(grain, std::memory_order_relaxed);
  p.n_chunks.store(chunks, std::memory_order_relaxed);
  p.done.store(0, std::memory_order_relaxed);
  p.claim.store(gen << 32, std::memory_order_release);
  p.Publish();
  p.RunChunks(gen, 0);
  for (int i = 0; p.done.load(std::memory_order_acquire) != chunks; ++i) {
    if (i < kPauseSpins) {
      LLM_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
}

void* ThreadPool::Scratch(size_t bytes) {
  std::vector<uint8_t>& s = impl_->scratch;
  if (s.size() < bytes + 64) s.resize(bytes + 64);
  const auto addr = reinterpret_cast<uintptr_t>(s.data());
  return s.data() + ((64 - (addr & 63)) & 63);
}

}  // namespace llm::engine
