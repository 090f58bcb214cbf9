#include "sessions/memory_store.hpp"

#include <gtest/gtest.h>

using namespace sessdemo;
using namespace std::chrono;

namespace {
struct FakeTime {
  steady_clock::time_point now{};
  MemoryStore::Clock clock() {
    return [this] { return now; };
  }
};
}  // namespace

TEST(MemoryStore, SaveLoadAndExpire) {
  FakeTime t;
  MemoryStore store(t.clock());
  Session s{std::string("a"), 0, 1, 1, 1, 0, ""};
  EXPECT_EQ(store.load("id").status, StoreStatus::not_found);
  ASSERT_EQ(store.save("id", s, seconds(10), 0), StoreStatus::ok);
  auto r = store.load("id");
  ASSERT_EQ(r.status, StoreStatus::ok);
  EXPECT_EQ(r.session->name, "a");
  t.now += seconds(11);
  EXPECT_EQ(store.load("id").status, StoreStatus::not_found);
}

TEST(MemoryStore, CasDetectsConcurrentWrite) {
  MemoryStore store;
  Session s;
  ASSERT_EQ(store.create("id", s, seconds(10)), StoreStatus::ok);
  EXPECT_EQ(store.create("id", s, seconds(10)), StoreStatus::conflict);
  auto first = store.load("id");
  auto second = store.load("id");
  EXPECT_EQ(store.save("id", s, seconds(10), first.cas), StoreStatus::ok);
  EXPECT_EQ(store.save("id", s, seconds(10), second.cas), StoreStatus::conflict);
  EXPECT_EQ(store.save("gone", s, seconds(10), 5), StoreStatus::not_found);
}

TEST(MemoryStore, LockExpiresAfterTtl) {
  FakeTime t;
  MemoryStore store(t.clock());
  EXPECT_EQ(store.try_lock("id", "a", seconds(5)), StoreStatus::ok);
  EXPECT_EQ(store.try_lock("id", "b", seconds(5)), StoreStatus::conflict);
  t.now += seconds(6);  // the holder died without unlocking
  EXPECT_EQ(store.try_lock("id", "b", seconds(5)), StoreStatus::ok);
  EXPECT_EQ(store.unlock("id", "a"), StoreStatus::not_found);  // a's lock is gone: b's stays
  EXPECT_EQ(store.try_lock("id", "c", seconds(5)), StoreStatus::conflict);
  EXPECT_EQ(store.unlock("id", "b"), StoreStatus::ok);
  EXPECT_EQ(store.try_lock("id", "c", seconds(5)), StoreStatus::ok);
}
