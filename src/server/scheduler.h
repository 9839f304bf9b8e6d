// Scheduler: a fixed number of generation slots and a bounded FIFO queue of waiting requests.
// A request holds a SlotLease while it generates; the lease's index selects the slot's own
// compute resources (thread pool, session). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/status.h"

namespace llm::server {

class Scheduler;

// The right to generate in one slot, released on destruction. Movable, not copyable.
class SlotLease {
 public:
  SlotLease() = default;
  SlotLease(SlotLease&& other) noexcept;
  SlotLease& operator=(SlotLease&& other) noexcept;
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;
  ~SlotLease();

  int index() const { return index_; }
  // True once the scheduler asked the running generations to stop (shutdown).
  bool cancel_requested() const;
  // The time spent waiting in the queue before the slot was granted.
  std::chrono::steady_clock::duration waited() const { return waited_; }

 private:
  friend class Scheduler;
  SlotLease(Scheduler* owner, int index, std::chrono::steady_clock::duration waited)
      : owner_(owner), index_(index), waited_(waited) {}
  void Release();
  Scheduler* owner_ = nullptr;
  int index_ = -1;
  std::chrono::steady_clock::duration waited_{};
};

class Scheduler {
 public:
  // slots >= 1 generation slots; at most max_queue requests wait for one.
  Scheduler(int slots, int max_queue);
  ~Scheduler();

  // How much a request gains from slot `slot` (e.g. the prompt tokens its cache already
  // holds); called with the scheduler's lock held, for free slots only: must not block.
  using SlotPreference = std::function<int64_t(int slot)>;

  // Takes a free slot, or waits in FIFO order. Among free slots, the one `prefer` scores
  // highest, ties going to the one released longest ago (its cache is the least likely to be
  // wanted again). ResourceExhausted when the queue is full (answer 503), Cancelled when
  // should_cancel() turns true while waiting (polled every 20 ms) or the scheduler is
  // shutting down.
  Result<SlotLease> Acquire(const std::function<bool()>& should_cancel = {}, const SlotPreference& prefer = {});

  // A slot that is free now and wanted by no queued request; ResourceExhausted otherwise
  // (never waits).
  Result<SlotLease> TryAcquire();

  int slots() const { return static_cast<int>(cancel_.size()); }
  int busy() const;
  int queued() const;
  int max_queue() const { return max_queue_; }

  // From now on Acquire() fails with Cancelled, and waiting requests are released.
  void BeginShutdown();
  // Waits until no slot is busy or the timeout passes; true when idle.
  bool WaitIdle(std::chrono::steady_clock::duration timeout);
  // Asks every running generation to stop (SlotLease::cancel_requested() turns true).
  void CancelRunning();

 private:
  friend class SlotLease;
  void Release(int index);
  // Marks the free slot `prefer` likes best (see Acquire) busy and returns its index, or -1
  // when none is free (mu_ held).
  int GrantFreeSlot(const SlotPreference& prefer = {});

  const int max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<bool> busy_;                                    // guarded by mu_
  std::vector<uint64_t> released_at_;                         // release count at each slot's last release; guarded by mu_
  uint64_t releases_ = 0;                                     // guarded by mu_
  std::deque<uint64_t> waiting_;                              // tickets, FIFO; guarded by mu_
  uint64_t next_ticket_ = 0;                                  // guarded by mu_
  bool shutting_down_ = false;                                // guarded by mu_
  std::vector<std::unique_ptr<std::atomic<bool>>> cancel_;    // per slot
};

}  // namespace llm::server
