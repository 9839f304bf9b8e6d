// A fixed pool of worker threads for data-parallel loops (the caller's thread takes part).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace llm::engine {

class ThreadPool {
 public:
  // n_threads >= 1 counts the caller: ThreadPool(1) runs everything on the calling thread.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const;
  // Calls fn(begin, end, thread_index) on disjoint chunks covering [0, n), in parallel, and
  // returns when all are done. Not reentrant: one ParallelFor at a time per pool.
  void ParallelFor(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn);
  // A 64-byte aligned buffer of at least `bytes`, owned by the pool and reused by the next
  // call (MatMul keeps its converted activations here). One user at a time, like ParallelFor.
  void* Scratch(size_t bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llm::engine
