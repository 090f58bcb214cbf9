// Concurrent requests of one session over several instances: lost updates with --concurrency
// none, none with cas or lock; a dead lock holder's lock is taken over after its TTL; a holder
// paused past its TTL neither writes nor frees its successor's lock.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "sessions/memcached_store.hpp"
#include "sessions/session_service.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
LoadRun run_counter(const std::string& instances, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--instances", instances, "--scenario", "counter",
                                "--clients",   "40",      "--inflight", "4",
                                "--duration",  "2s"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_load(args);
}
}  // namespace

TEST(ConcurrencyIntegration, NoneLosesUpdatesOnMemcached) {
  Memcached mc;
  auto keep = three_instances({"--memcached", mc.address(), "--concurrency", "none"});
  auto list = addresses(keep);
  auto r = run_counter(list);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.counter_of("lost_updates"), 0) << r.out;
  EXPECT_NE(r.out.find("FAIL  lost updates"), std::string::npos);
}

TEST(ConcurrencyIntegration, NoneLosesUpdatesOnTheMemoryStore) {
  // One instance, so the session itself is shared: the losses come from concurrent writes alone.
  Instance one({"--store", "memory", "--concurrency", "none", "--store-threads", "8"});
  auto r = run_counter(one.address(), {"--inflight", "8", "--duration", "3s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.counter_of("lost_updates"), 0) << r.out;
}

// Three memcached-backed instances in `mode`: nothing acknowledged may be lost. A rare 503
// (cas out of retries, lock wait over) is allowed: it is not acknowledged, so it is not lost.
void expect_nothing_lost(const std::string& mode, std::int64_t min_acknowledged) {
  Memcached mc;
  auto keep = three_instances({"--memcached", mc.address(), "--concurrency", mode});
  auto list = addresses(keep);
  auto r = run_counter(list, {"--max-error-rate", "0.01"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
  EXPECT_GT(r.counter_of("acknowledged"), min_acknowledged);
  // What the contention cost, on /metrics in every mode: lock waits (lock mode) and cas retries.
  double waits = 0, retries = 0;
  for (const auto& i : keep) {
    auto count = metric(i.port, "sessdemo_lock_wait_seconds_count");
    auto inf = metric(i.port, "sessdemo_lock_wait_seconds_bucket{le=\"+Inf\"}");
    auto cas = metric(i.port, "sessdemo_cas_retries_total");
    ASSERT_TRUE(count && inf && cas && metric(i.port, "sessdemo_lock_timeouts_total"));
    EXPECT_EQ(*count, *inf);
    waits += *count;
    retries += *cas;
  }
  if (mode == "lock") {
    EXPECT_GT(waits, 100) << "every locked write records its wait";
  } else {
    EXPECT_EQ(waits, 0);
    EXPECT_GT(retries, 0) << "4 writers per session must conflict now and then";
  }
}

TEST(ConcurrencyIntegration, CasLosesNothing) {
  expect_nothing_lost("cas", 1000);
}
TEST(ConcurrencyIntegration, LockLosesNothing) {
  expect_nothing_lost("lock", 500);
}

TEST(ConcurrencyIntegration, CasOnTheMemoryStoreLosesNothing) {
  Instance one({"--store", "memory", "--concurrency", "cas", "--store-threads", "8"});
  auto r = run_counter(one.address(), {"--inflight", "8", "--min-crossing", "0"});  // one instance
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.counter_of("lost_updates"), 0);
}

TEST(ConcurrencyIntegration, DeadHoldersLockIsTakenOverAfterItsTtl) {
  Memcached mc;
  Instance patient({"--memcached", mc.address(), "--concurrency", "lock", "--lock-timeout", "6s"});
  Instance hasty({"--memcached", mc.address(), "--concurrency", "lock", "--lock-timeout", "300ms"});
  auto first = http(patient.port, "POST", "/api/session/visits");
  ASSERT_EQ(first.status, 200);
  std::string sid = first.session_cookie();
  // A holder that died: its lock key stays behind with a 2 s TTL.
  ASSERT_EQ(memcached_command(mc.port, "set sessdemo:lock:" + sid + " 0 2 1\r\n1\r\n"),
            "STORED\r\n");
  std::string cookie = "Cookie: sessdemo_sid=" + sid + "\r\n";
  auto refused = http(hasty.port, "POST", "/api/session/visits", "", cookie);
  EXPECT_EQ(refused.status, 503);  // never goes on without the lock
  auto t0 = steady_clock::now();
  auto taken = http(patient.port, "POST", "/api/session/visits", "", cookie, seconds(10));
  EXPECT_EQ(taken.status, 200) << taken.body;
  EXPECT_GE(steady_clock::now() - t0, milliseconds(500));
  EXPECT_NE(taken.body.find("\"visits\":2"), std::string::npos)
      << taken.body;  // the 503 changed nothing
  EXPECT_EQ(metric(hasty.port, "sessdemo_lock_timeouts_total"), 1);
}

// The lock of a holder paused past --lock-ttl expires in memcached and another writer takes it.
// When the paused holder wakes, it must not write (its lease is over: the successor's update
// would be lost) and its unlock must leave the successor's lock in place.
TEST(ConcurrencyIntegration, AHolderPausedPastItsLockTtlLosesNoUpdateAndFreesNoSuccessorsLock) {
  Memcached mc;
  sessdemo::MemcachedOptions mo;
  mo.servers = {{"127.0.0.1", mc.port}};
  sessdemo::MemcachedStore store(mo);
  sessdemo::SessionPolicy p;
  p.concurrency = sessdemo::Concurrency::lock;
  p.lock_ttl = seconds(3);
  p.lock_margin =
      milliseconds(1250);  // what serve sets: 1 s of memcached's clock + the 250 ms store timeout
  p.lock_timeout = seconds(5);
  sessdemo::SessionService svc(store, p);
  auto id = svc.update("", [](sessdemo::Session& s) { s.visits = 1; }).id;
  std::string lock_key = "sessdemo:lock:" + id;

  std::atomic<bool> first_holds{false}, successor_holds{false}, checked{false};
  sessdemo::WriteOutcome slow, next;
  std::thread first([&] {
    slow = svc.update(id, [&](sessdemo::Session& s) {
      first_holds = true;
      // Paused until its lock has expired and a successor holds it (at most 10 s).
      eventually([&] { return successor_holds.load(); }, seconds(10));
      s.visits += 100;
    });
  });
  ASSERT_TRUE(eventually([&] { return first_holds.load(); }, seconds(5)));
  // memcached ends a 3 s item 2 to 3 s after it was set: wait until the lock is gone.
  ASSERT_TRUE(eventually(
      [&] { return memcached_command(mc.port, "get " + lock_key + "\r\n") == "END\r\n"; },
      seconds(5)));
  std::thread second([&] {
    next = svc.update(id, [&](sessdemo::Session& s) {
      successor_holds = true;
      while (!checked) std::this_thread::sleep_for(milliseconds(5));
      s.visits += 1;
    });
  });
  first.join();
  ASSERT_TRUE(successor_holds) << "the successor never got the expired lock";
  // The paused holder has finished and unlocked: the successor's lock is still there.
  EXPECT_EQ(store.try_lock(id, "someone-else", seconds(3)), sessdemo::StoreStatus::conflict);
  checked = true;
  second.join();
  EXPECT_EQ(slow.status, sessdemo::StoreStatus::conflict);  // answered 503, nothing written
  EXPECT_EQ(next.status, sessdemo::StoreStatus::ok);
  EXPECT_EQ(svc.read(id).session->visits, 2);  // the successor's increment, and only it
  EXPECT_EQ(svc.stats().lease_expired, 1u);
  EXPECT_EQ(svc.stats().lock_lost, 1u);
  // Released by its holder, the lock can be taken at once (not only after its TTL).
  EXPECT_EQ(store.try_lock(id, "someone-else", seconds(3)), sessdemo::StoreStatus::ok);
}
