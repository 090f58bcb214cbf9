#include "sessions/session_service.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "sessions/deadline.hpp"
#include "sessions/memory_store.hpp"
#include "sessions/session_id.hpp"

using namespace sessdemo;
using namespace std::chrono;

namespace {
struct Fixture {
  std::int64_t now = 1'000'000;
  steady_clock::time_point mono{};
  MemoryStore store{[this] { return mono + seconds(now); }};
  SessionPolicy policy() {
    SessionPolicy p;
    p.ttl = seconds(100);
    p.max_age = seconds(1000);
    return p;
  }
  SessionService make(SessionPolicy p) {
    return SessionService(store, p, [this] { return now; });
  }
};

// Counts store writes, to check that reads do not write on every view.
struct CountingStore : MemoryStore {
  using MemoryStore::MemoryStore;
  int saves = 0;
  StoreStatus save(std::string_view id, const Session& s, seconds ttl, std::uint64_t cas) override {
    ++saves;
    return MemoryStore::save(id, s, ttl, cas);
  }
};
}  // namespace

TEST(SessionService, CreatesOnFirstWriteWithFreshId) {
  Fixture f;
  auto svc = f.make(f.policy());
  auto w = svc.update("", [](Session& s) { s.name = "A"; });
  ASSERT_EQ(w.status, StoreStatus::ok);
  EXPECT_TRUE(w.created);
  EXPECT_TRUE(is_well_formed_session_id(w.id));
  EXPECT_EQ(svc.read(w.id).session->name, "A");
  EXPECT_EQ(svc.stats().created, 1u);
}

TEST(SessionService, NeverAdoptsAnUnknownId) {
  Fixture f;
  auto svc = f.make(f.policy());
  std::string made_up = new_session_id();  // well formed, but the store never issued it
  auto w = svc.update(made_up, [](Session& s) { s.name = "A"; });
  ASSERT_EQ(w.status, StoreStatus::ok);
  EXPECT_TRUE(w.created);
  EXPECT_NE(w.id, made_up);
  EXPECT_EQ(svc.read(made_up).status, StoreStatus::not_found);
  auto bad = svc.update("../etc/passwd", [](Session& s) { s.name = "B"; });
  EXPECT_TRUE(bad.created);
}

TEST(SessionService, SlidingExpiryRefreshesOnlyAfterHalfTheTtl) {
  std::int64_t now = 5000;
  CountingStore store([&] { return steady_clock::time_point{} + seconds(now); });
  SessionPolicy p;
  p.ttl = seconds(100);
  p.max_age = seconds(100000);
  SessionService svc(store, p, [&] { return now; });
  auto w = svc.update("", [](Session& s) { s.name = "A"; });
  for (int i = 0; i < 10; ++i) svc.read(w.id);
  EXPECT_EQ(store.saves, 0);  // reads inside the first half cost no write
  now += 60;
  ASSERT_EQ(svc.read(w.id).status, StoreStatus::ok);
  EXPECT_EQ(store.saves, 1);
  // 90 s after that refresh it is still alive (120 s after the write): the ttl slid.
  now += 90;
  EXPECT_EQ(svc.read(w.id).status, StoreStatus::ok);
  now += 101;  // idle past the ttl
  EXPECT_EQ(svc.read(w.id).status, StoreStatus::not_found);
}

TEST(SessionService, AbsoluteLifetimeEndsAnActiveSession) {
  Fixture f;
  auto p = f.policy();
  p.max_age = seconds(150);
  auto svc = f.make(p);
  auto w = svc.update("", [](Session& s) { s.name = "A"; });
  for (int i = 0; i < 4; ++i) {
    f.now += 40;
    svc.update(w.id, [](Session& s) { s.visits++; });
  }
  EXPECT_EQ(svc.read(w.id).status, StoreStatus::not_found);
}

// A value stamped decades ahead (planted in the store) would switch the absolute lifetime off:
// it is ended on read, and a write starts a new session rather than keep it.
TEST(SessionService, AValueFromTheFarFutureIsNoSession) {
  Fixture f;
  auto svc = f.make(f.policy());
  auto w = svc.update("", [](Session& s) { s.name = "A"; });
  auto r = f.store.load(w.id);
  ASSERT_EQ(r.status, StoreStatus::ok);
  Session future = *r.session;
  future.created = future.refreshed = f.now + 30LL * 365 * 86400;
  ASSERT_EQ(f.store.save(w.id, future, seconds(600), 0), StoreStatus::ok);
  EXPECT_EQ(svc.read(w.id).status, StoreStatus::not_found);
  auto again = svc.update(w.id, [](Session& s) { s.name = "B"; });
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.id, w.id);
}

namespace {
// Runs threads x increments against one session and returns the final counter.
std::int64_t hammer(Concurrency mode, int threads, int increments) {
  MemoryStore store;
  SessionPolicy p;
  p.concurrency = mode;
  p.max_attempts = 1000;
  SessionService svc(store, p);
  auto id = svc.update("", [](Session& s) { s.visits = 0; }).id;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < increments; ++i) {
        // Widen the read-modify-write window so races happen on any machine.
        svc.update(id, [](Session& s) {
          std::this_thread::sleep_for(microseconds(50));
          s.visits++;
        });
      }
    });
  for (auto& t : ts) t.join();
  return svc.read(id).session->visits;
}
}  // namespace

TEST(SessionService, NoneLosesConcurrentUpdates) {
  EXPECT_LT(hammer(Concurrency::none, 4, 100), 400);
}
TEST(SessionService, CasLosesNothing) {
  EXPECT_EQ(hammer(Concurrency::cas, 4, 100), 400);
}
TEST(SessionService, LockLosesNothing) {
  EXPECT_EQ(hammer(Concurrency::lock, 4, 100), 400);
}

TEST(SessionService, LockTimesOutInsteadOfWritingWithoutTheLock) {
  MemoryStore store;
  SessionPolicy p;
  p.concurrency = Concurrency::lock;
  p.lock_timeout = milliseconds(50);
  SessionService svc(store, p);
  auto id = svc.update("", [](Session& s) { s.visits = 1; }).id;
  ASSERT_EQ(store.try_lock(id, "stuck", seconds(30)),
            StoreStatus::ok);  // a holder that never lets go
  auto w = svc.update(id, [](Session& s) { s.visits = 99; });
  EXPECT_EQ(w.status, StoreStatus::conflict);
  EXPECT_EQ(svc.read(id).session->visits, 1);
  EXPECT_EQ(svc.stats().lock_timeouts, 1u);
}

TEST(SessionService, ReadManyKeepsOrderAndSkipsMalformedIds) {
  Fixture f;
  auto svc = f.make(f.policy());
  auto a = svc.update("", [](Session& s) { s.name = "A"; }).id;
  auto b = svc.update("", [](Session& s) { s.name = "B"; }).id;
  auto out = svc.read_many({b, "not-an-id", a, new_session_id()});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].session->name, "B");
  EXPECT_EQ(out[1].status, StoreStatus::not_found);
  EXPECT_EQ(out[2].session->name, "A");
  EXPECT_EQ(out[3].status, StoreStatus::not_found);
}

// A lock holder paused past its lock's TTL: its lock expires, another writer takes the lock
// and writes. When the first holder wakes it must not write (its lease is over) and its unlock
// must not remove the successor's lock.
TEST(SessionService, AHolderPausedPastItsLockTtlNeitherWritesNorFreesTheSuccessorsLock) {
  // One steady clock for the store's lock expiry and the holder's lease, moved on by the test.
  std::atomic<std::int64_t> skipped_ms{0};
  auto clock = [&] { return steady_clock::now() + milliseconds(skipped_ms.load()); };
  MemoryStore store(clock);
  SessionPolicy p;
  p.concurrency = Concurrency::lock;
  p.lock_ttl = seconds(2);
  p.lock_margin = milliseconds(500);
  p.lock_timeout = seconds(3);
  SessionService svc(store, p, {}, clock);
  auto id = svc.update("", [](Session& s) { s.visits = 1; }).id;

  std::atomic<bool> first_holds{false}, successor_holds{false}, checked{false};
  WriteOutcome slow;
  std::thread first([&] {
    slow = svc.update(id, [&](Session& s) {
      first_holds = true;
      // Paused until its lock has expired and a successor holds it (at most 10 s).
      for (int i = 0; i < 2000 && !successor_holds; ++i)
        std::this_thread::sleep_for(milliseconds(5));
      s.visits += 100;
    });
  });
  while (!first_holds) std::this_thread::sleep_for(milliseconds(1));
  skipped_ms = 2100;  // the first holder's 2 s lock has expired
  WriteOutcome next;
  std::thread second([&] {
    next = svc.update(id, [&](Session& s) {
      successor_holds = true;
      while (!checked) std::this_thread::sleep_for(milliseconds(5));  // hold until the check below
      s.visits += 1;
    });
  });
  first.join();
  ASSERT_TRUE(successor_holds) << "the successor never got the expired lock";
  // The first holder has unlocked by now: the successor's lock must still be there.
  EXPECT_EQ(store.try_lock(id, "third", seconds(1)), StoreStatus::conflict);
  checked = true;
  second.join();
  EXPECT_EQ(slow.status, StoreStatus::conflict);  // 503 for the late holder, nothing written
  EXPECT_EQ(next.status, StoreStatus::ok);
  EXPECT_EQ(svc.read(id).session->visits, 2);  // the successor's update, and only it
  EXPECT_EQ(svc.stats().lease_expired, 1u);
  EXPECT_EQ(svc.stats().lock_lost, 1u);
}

TEST(SessionService, CasRetriesStopAtTheDeadline) {
  MemoryStore store;
  SessionService svc(store, SessionPolicy{});
  auto id = svc.update("", [](Session& s) { s.visits = 1; }).id;
  auto start = steady_clock::now();
  WriteOutcome w;
  {
    deadline::Scope scope(start + milliseconds(50));
    // Every attempt loses to a writer that slips in between its read and its write.
    w = svc.update(id, [&](Session& s) {
      Session other = *store.load(id).session;
      other.version++;
      store.save(id, other, seconds(60), 0);
      s.visits++;
    });
  }
  EXPECT_EQ(w.status, StoreStatus::unavailable);
  // Well past the deadline only when the retries ignore it (a loaded 2-core box adds tens of ms).
  EXPECT_LT(steady_clock::now() - start, milliseconds(50 + 250));
  EXPECT_GE(svc.stats().deadline_exceeded, 1u);
}

TEST(SessionService, LockModeTakesNoLockForAnIdTheStoreDoesNotHold) {
  struct CountingStore : MemoryStore {
    int locks = 0;
    StoreStatus try_lock(std::string_view id, std::string_view owner,
                         std::chrono::seconds ttl) override {
      ++locks;
      return MemoryStore::try_lock(id, owner, ttl);
    }
  } store;
  SessionPolicy p;
  p.concurrency = Concurrency::lock;
  SessionService svc(store, p);
  std::string made_up = new_session_id();
  auto w = svc.update(made_up, [](Session& s) { s.visits = 1; });
  EXPECT_EQ(w.status, StoreStatus::ok);
  EXPECT_TRUE(w.created);
  EXPECT_NE(w.id, made_up);  // a new session with an id of the server's own
  EXPECT_EQ(store.locks, 0) << "a lock key was written for an id the server never issued";
  auto again = svc.update(w.id, [](Session& s) { s.visits++; });
  EXPECT_EQ(again.status, StoreStatus::ok);
  EXPECT_EQ(store.locks, 1);  // an existing session is locked as before
}

// A guard that says no: nothing written, nothing created, the outcome says refused.
TEST(SessionService, AGuardThatRefusesWritesNothing) {
  MemoryStore store;
  SessionService svc(store, SessionPolicy{});
  auto none = svc.update(
      "", [](Session& s) { s.visits++; }, [](const Session* s) { return s != nullptr; });
  EXPECT_TRUE(none.refused);
  EXPECT_EQ(store.size(), 0u);
  auto made = svc.update("", [](Session& s) { s.csrf = "t"; });
  ASSERT_TRUE(made.created);
  auto wrong = svc.update(
      made.id, [](Session& s) { s.visits = 99; },
      [](const Session* s) { return s && s->csrf == "other"; });
  EXPECT_TRUE(wrong.refused);
  EXPECT_EQ(svc.read(made.id).session->visits, 0);
  auto right = svc.update(
      made.id, [](Session& s) { s.visits = 7; },
      [](const Session* s) { return s && s->csrf == "t"; });
  EXPECT_FALSE(right.refused);
  EXPECT_EQ(svc.read(made.id).session->visits, 7);
}
