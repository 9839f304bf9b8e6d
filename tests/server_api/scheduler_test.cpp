#include "server/scheduler.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace llm::server {
namespace {

using namespace std::chrono_literals;

TEST(Scheduler, GrantsFreeSlotsAtOnceAndCountsThem) {
  Scheduler s(2, 4);
  auto a = s.Acquire();
  auto b = s.Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->index(), b->index());
  EXPECT_EQ(s.busy(), 2);
  EXPECT_EQ(s.queued(), 0);
  { SlotLease released = std::move(*a); }
  EXPECT_EQ(s.busy(), 1);
}

TEST(Scheduler, GrantsTheFreeSlotPreferredMostThenTheOneReleasedLongestAgo) {
  Scheduler s(3, 4);
  const auto prefer_slot = [](int wanted) { return [wanted](int slot) -> int64_t { return slot == wanted ? 5 : -1; }; };
  auto a = s.Acquire({}, prefer_slot(2));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->index(), 2);
  auto b = s.Acquire({}, prefer_slot(2));  // slot 2 is busy: the best free one
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->index(), 0);
  { SlotLease released = std::move(*a); }  // 2 released after 1 (never used): 1 is older
  auto c = s.Acquire();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->index(), 1);
  { SlotLease released = std::move(*b); }  // now 2 was released before 0
  auto d = s.Acquire();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->index(), 2);
}

TEST(Scheduler, FullQueueIsResourceExhausted) {
  Scheduler s(1, 1);
  auto held = s.Acquire();
  ASSERT_TRUE(held.ok());
  std::thread waiter([&] { auto r = s.Acquire(); EXPECT_TRUE(r.ok()); });
  while (s.queued() < 1) std::this_thread::sleep_for(1ms);
  auto overflow = s.Acquire();
  ASSERT_FALSE(overflow.ok());
  EXPECT_EQ(overflow.status().code(), StatusCode::kResourceExhausted);
  { SlotLease done = std::move(*held); }
  waiter.join();
}

TEST(Scheduler, ZeroQueueRejectsWhenAllSlotsBusy) {
  Scheduler s(1, 0);
  auto held = s.Acquire();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(s.Acquire().status().code(), StatusCode::kResourceExhausted);
}

TEST(Scheduler, ServesWaitersInArrivalOrder) {
  Scheduler s(1, 8);
  auto held = std::make_unique<SlotLease>(s.Acquire().value());
  std::mutex order_mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 4; ++i) {
    waiters.emplace_back([&, i] {
      auto lease = s.Acquire();
      ASSERT_TRUE(lease.ok());
      std::lock_guard<std::mutex> lock(order_mu);
      order.push_back(i);
    });
    while (s.queued() < i + 1) std::this_thread::sleep_for(1ms);  // enqueue in order i
  }
  held.reset();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(s.busy(), 0);
}

TEST(Scheduler, WaiterWhoseClientLeftIsCancelledAndLeavesTheQueue) {
  Scheduler s(1, 4);
  auto held = s.Acquire();
  std::atomic<bool> gone{false};
  std::thread waiter([&] {
    auto r = s.Acquire([&] { return gone.load(); });
    EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  });
  while (s.queued() < 1) std::this_thread::sleep_for(1ms);
  gone = true;
  waiter.join();
  EXPECT_EQ(s.queued(), 0);
}

TEST(Scheduler, ShutdownReleasesWaitersAndRefusesNewRequests) {
  Scheduler s(1, 4);
  auto held = s.Acquire();
  std::thread waiter([&] { EXPECT_EQ(s.Acquire().status().code(), StatusCode::kCancelled); });
  while (s.queued() < 1) std::this_thread::sleep_for(1ms);
  s.BeginShutdown();
  waiter.join();
  EXPECT_EQ(s.Acquire().status().code(), StatusCode::kCancelled);
  EXPECT_EQ(s.busy(), 1);  // the running one is not touched by BeginShutdown
}

TEST(Scheduler, CancelRunningFlagsOnlyBusySlotsAndWaitIdleSeesRelease) {
  Scheduler s(2, 0);
  auto lease = s.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(lease->cancel_requested());
  s.CancelRunning();
  EXPECT_TRUE(lease->cancel_requested());
  EXPECT_FALSE(s.WaitIdle(10ms));
  std::thread finisher([&] { std::this_thread::sleep_for(20ms); SlotLease done = std::move(*lease); });
  EXPECT_TRUE(s.WaitIdle(5s));
  finisher.join();
  auto next = s.Acquire();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->cancel_requested());  // a new lease starts clean
}

}  // namespace
}  // namespace llm::server
