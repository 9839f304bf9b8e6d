#include "server/scheduler.h"

#include <algorithm>

namespace llm::server {

SlotLease::SlotLease(SlotLease&& other) noexcept
    : owner_(other.owner_), index_(other.index_), waited_(other.waited_) {
  other.owner_ = nullptr;
  other.index_ = -1;
}

SlotLease& SlotLease::operator=(SlotLease&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    index_ = other.index_;
    waited_ = other.waited_;
    other.owner_ = nullptr;
    other.index_ = -1;
  }
  return *this;
}

SlotLease::~SlotLease() { Release(); }

bool SlotLease::cancel_requested() const {
  return owner_ != nullptr && owner_->cancel_[index_]->load(std::memory_order_relaxed);
}

void SlotLease::Release() {
  if (owner_ != nullptr) owner_->Release(index_);
  owner_ = nullptr;
  index_ = -1;
}

Scheduler::Scheduler(int slots, int max_queue) : max_queue_(std::max(0, max_queue)) {
  busy_.assign(std::max(1, slots), false);
  released_at_.assign(busy_.size(), 0);
  for (size_t i = 0; i < busy_.size(); ++i) cancel_.push_back(std::make_unique<std::atomic<bool>>(false));
}

Scheduler::~Scheduler() = default;

int Scheduler::GrantFreeSlot(const SlotPreference& prefer) {
  int index = -1;
  int64_t best = 0;
  for (int i = 0; i < static_cast<int>(busy_.size()); ++i) {
    if (busy_[i]) continue;
    const int64_t score = prefer ? prefer(i) : 0;
    if (index < 0 || score > best || (score == best && released_at_[i] < released_at_[index])) {
      index = i;
      best = score;
    }
  }
  if (index < 0) return -1;
  busy_[index] = true;
  cancel_[index]->store(false);
  return index;
}

Result<SlotLease> Scheduler::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Cancelled("the server is shutting down");
  if (!waiting_.empty()) return Status::ResourceExhausted("requests are queued");
  const int index = GrantFreeSlot();
  if (index < 0) return Status::ResourceExhausted("every slot is busy");
  return SlotLease(this, index, std::chrono::steady_clock::duration::zero());
}

Result<SlotLease> Scheduler::Acquire(const std::function<bool()>& should_cancel, const SlotPreference& prefer) {
  const auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  if (shutting_down_) return Status::Cancelled("the server is shutting down");
  if (waiting_.empty()) {
    const int index = GrantFreeSlot(prefer);
    if (index >= 0) return SlotLease(this, index, std::chrono::steady_clock::duration::zero());
  }
  if (static_cast<int>(waiting_.size()) >= max_queue_) {
    return Status::ResourceExhausted("all " + std::to_string(busy_.size()) + " generation slots are busy and " +
                                     std::to_string(waiting_.size()) + " requests are queued");
  }
  const uint64_t ticket = next_ticket_++;
  waiting_.push_back(ticket);
  auto leave_queue = [&] { waiting_.erase(std::find(waiting_.begin(), waiting_.end(), ticket)); };
  while (true) {
    if (shutting_down_) {
      leave_queue();
      cv_.notify_all();
      return Status::Cancelled("the server is shutting down");
    }
    const int index = waiting_.front() == ticket ? GrantFreeSlot(prefer) : -1;
    if (index >= 0) {
      waiting_.pop_front();
      cv_.notify_all();  // the next ticket may take another free slot
      return SlotLease(this, index, std::chrono::steady_clock::now() - start);
    }
    if (should_cancel) {
      lock.unlock();
      bool cancel = should_cancel();
      lock.lock();
      if (cancel) {
        leave_queue();
        cv_.notify_all();
        return Status::Cancelled("the client went away while waiting for a slot");
      }
    }
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

int Scheduler::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(std::count(busy_.begin(), busy_.end(), true));
}

int Scheduler::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(waiting_.size());
}

void Scheduler::BeginShutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool Scheduler::WaitIdle(std::chrono::steady_clock::duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return std::find(busy_.begin(), busy_.end(), true) == busy_.end(); });
}

void Scheduler::CancelRunning() {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < busy_.size(); ++i) {
    if (busy_[i]) cancel_[i]->store(true);
  }
}

void Scheduler::Release(int index) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_[index] = false;
  released_at_[index] = ++releases_;
  cancel_[index]->store(false);
  cv_.notify_all();
}

}  // namespace llm::server
