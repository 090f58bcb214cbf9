// The store executor without sockets: deadlines, batching, bounded queues, failures that answer
// 500, and shutdown with work still queued.
#include "server/store_executor.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>

#include "sessions/session_id.hpp"
#include "tests/support/fake_store.hpp"

using namespace sessdemo;
using sessdemo::test::eventually;
using sessdemo::test::FakeStore;
using namespace std::chrono;

namespace {
// Collects the answers the executor gives, by request number.
struct Answers {
  std::mutex m;
  std::condition_variable cv;
  std::map<int, http::Response> got;
  std::map<int, steady_clock::time_point> at;
  std::map<int, int> calls;  // done() calls per request: must be exactly one

  StoreExecutor::Done done_for(int n) {
    return [this, n](http::Response r) {
      std::lock_guard lock(m);
      calls[n]++;
      at[n] = steady_clock::now();
      got[n] = std::move(r);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t count, milliseconds timeout) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, timeout, [&] { return got.size() >= count; });
  }
};

struct App {
  explicit App(StoreExecutorConfig c = {})
      : sessions(store, SessionPolicy{}), router({"inst", false}, sessions, metrics), config(c) {}
  FakeStore store;
  SessionService sessions;
  Metrics metrics;
  Router router;
  StoreExecutorConfig config;

  // The route of a request, kept as long as the App: a job holds it until it is answered.
  Routed& routed(const http::Request& req) {
    std::lock_guard lock(routed_mutex);
    return routes.emplace_back(router.route(req));
  }
  std::mutex routed_mutex;
  std::deque<Routed> routes;

  // GET /details of n sessions in the store, named prefix0, prefix1, ...
  std::vector<http::Request> details_of_sessions(int n, const std::string& prefix) {
    std::vector<http::Request> reqs;
    for (int i = 0; i < n; ++i) {
      auto id = new_session_id();
      Session s;
      s.name = prefix + std::to_string(i);
      s.created = s.refreshed = std::time(nullptr);
      store.data.create(id, s, seconds(60));
      reqs.push_back(get_details(id));
    }
    return reqs;
  }
  static http::Request get_details(const std::string& sid) {
    http::Request req{http::Verb::get, "/details", 11};
    req.set(http::Field::cookie, "sessdemo_sid=" + sid);
    return req;
  }
  static http::Request post_visit() {
    http::Request req{http::Verb::post, "/api/session/visits", 11};
    req.prepare_payload();
    return req;
  }
};
}  // namespace

TEST(StoreExecutor, AStalledStoreIsAnswered503AtTheDeadlineQueuedOrRunning) {
  StoreExecutorConfig c;
  c.read_threads = 1;
  c.write_threads = 1;
  c.read_budget = c.write_budget = milliseconds(100);
  App app(c);
  app.store.mode = FakeStore::Mode::stall;
  Answers a;
  std::vector<http::Request> reqs;
  for (int i = 0; i < 20; ++i)
    reqs.push_back(i % 2 ? App::post_visit() : App::get_details(new_session_id()));
  // Routed and given their answer slots ahead, so that the twenty arrive together: every write
  // behind the first arrives long before the first ends at its deadline.
  std::vector<Routed*> routes;
  std::vector<StoreExecutor::Done> dones;
  for (int i = 0; i < 20; ++i) {
    routes.push_back(&app.routed(reqs[i]));
    dones.push_back(a.done_for(i));
  }
  // The first write is held in the store, before its write, until every other request has been
  // answered: the writes queued behind it reach their deadlines while it holds the only write
  // thread, whatever the machine's timing (under TSan a later arrival could otherwise outlive
  // the first write's stall and be taken). Released on every way out of the block.
  std::promise<void> release;
  auto released = release.get_future().share();
  app.store.before_write = [released] { released.wait(); };
  struct Releaser {
    std::promise<void>& p;
    bool done = false;
    void operator()() {
      if (!done) p.set_value();
      done = true;
    }
    ~Releaser() { (*this)(); }
  };
  http::Request first = App::get_details(new_session_id());
  steady_clock::time_point start;
  {
    StoreExecutor ex(app.router, app.sessions, c, app.metrics.executor_counters());
    Releaser releaser{release};  // after ex: released before ex waits for its running call
    // One read answered first (at its deadline): the executor's reaper then sleeps with nothing
    // queued, and must still wake for the deadlines of what comes next.
    ex.submit(first, app.routed(first), a.done_for(20));
    ASSERT_TRUE(a.wait_for(1, seconds(5)));
    start = steady_clock::now();
    for (int i = 0; i < 20; ++i) ex.submit(reqs[i], *routes[i], std::move(dones[i]));
    ASSERT_TRUE(a.wait_for(1 + 19, seconds(5)))
        << "queued requests were not answered at their deadline";
    releaser();
    ASSERT_TRUE(a.wait_for(1 + 20, seconds(5)));
    // One write thread and a store that never answers: the nine writes queued behind the
    // first one never reach the store. (The reads may all ride in one batch.)
    EXPECT_GE(ex.stats().expired.load(), 9u);
    EXPECT_EQ(app.store.writes.load(), 1);
  }
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(a.got[i].result_int(), 503u) << i;
    EXPECT_EQ(a.calls[i], 1) << i;
    // A stalled store never answers: anything near the 100 ms budget shows the deadline worked;
    // the margin is what a loaded 2-core machine may add, not a latency target.
    EXPECT_LT(a.at[i] - start, milliseconds(100 + 400)) << "request " << i << " answered late";
  }
}

TEST(StoreExecutor, ReadsWaitingTogetherShareOneStoreRoundTrip) {
  StoreExecutorConfig c;
  c.read_threads = 1;
  App app(c);
  std::vector<http::Request> reqs = app.details_of_sessions(10, "n");
  Answers a;
  app.store.mode = FakeStore::Mode::stall;  // the first batch holds the only read thread
  app.store.stall_for = milliseconds(50);
  StoreExecutor ex(app.router, app.sessions, c, app.metrics.executor_counters());
  ex.submit(reqs[0], app.routed(reqs[0]), a.done_for(0));
  ASSERT_TRUE(eventually([&] { return app.store.load_manys.load() == 1; }));
  app.store.mode = FakeStore::Mode::ok;
  for (int i = 1; i < 10; ++i) ex.submit(reqs[i], app.routed(reqs[i]), a.done_for(i));
  ASSERT_TRUE(a.wait_for(10, seconds(5)));
  EXPECT_EQ(a.got[0].result_int(), 503u);  // the stalled one
  for (int i = 1; i < 10; ++i) {
    EXPECT_EQ(a.got[i].result_int(), 200u);
    EXPECT_NE(a.got[i].body().find(">n" + std::to_string(i) + "<"), std::string::npos);
  }
  EXPECT_EQ(app.store.load_manys.load(), 2);  // the nine waiting reads: one multi-get
  EXPECT_EQ(ex.stats().batches.load(), 1u + 1u);
  EXPECT_EQ(ex.stats().batched_reads.load(), 10u);
}

// Reads on the caller's thread (an I/O thread's turn of its loop): one multi-get for all of them,
// answered before read_here returns. What the store does not answer within inline_cap goes to the
// read lane, which answers it (a 200 when the store is only slow, a 503 when it is down: never an
// empty session). A batch that finds the store down, or slow, closes that path (the read lane
// takes reads then, so a stall holds an I/O thread once); a fast batch of the read lane opens it
// again. Turned off in its configuration, it is never open.
TEST(StoreExecutor, ReadsHereShareOneRoundTripAndStopWhileTheStoreIsDownOrSlow) {
  StoreExecutorConfig c;
  c.read_threads = 1;
  c.inline_slow = milliseconds(20);
  c.inline_cap = milliseconds(100);
  c.read_budget = milliseconds(400);  // a try here (100 ms) and one in the lane (150 ms) fit
  App app(c);
  std::vector<http::Request> reqs = app.details_of_sessions(5, "h");
  Answers a;
  StoreExecutor ex(app.router, app.sessions, c, app.metrics.executor_counters());
  ASSERT_TRUE(ex.reads_here());
  auto here = [&](int from, int to) {
    std::vector<StoreExecutor::Read> reads;
    for (int i = from; i < to; ++i)
      reads.push_back({&reqs[i], &app.routed(reqs[i]), a.done_for(i)});
    ex.read_here(reads);
  };
  here(0, 3);
  ASSERT_EQ(a.got.size(), 3u) << "answered before read_here returned";
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(a.got[i].body().find(">h" + std::to_string(i) + "<"), std::string::npos);
  EXPECT_EQ(app.store.load_manys.load(), 1);
  EXPECT_EQ(ex.stats().batches_here.load(), 1u);
  EXPECT_TRUE(ex.reads_here());

  app.store.mode = FakeStore::Mode::down;  // a store failure: 503, never an empty session
  here(3, 4);
  EXPECT_FALSE(ex.reads_here()) << "a failed batch closes the path";
  ASSERT_TRUE(a.wait_for(4, seconds(5)));
  EXPECT_EQ(a.got[3].result_int(), 503u) << "answered by the read lane after a second try";
  EXPECT_EQ(app.store.load_manys.load(), 3);
  app.store.mode = FakeStore::Mode::ok;
  ex.submit(reqs[4], app.routed(reqs[4]), a.done_for(4));  // the read lane's batch, fast
  ASSERT_TRUE(a.wait_for(5, seconds(5)));
  EXPECT_EQ(a.got[4].result_int(), 200u);
  EXPECT_TRUE(eventually([&] { return ex.reads_here(); }))
      << "a fast batch of the lane opens it again";

  app.store.delay = milliseconds(40);  // slower than inline_slow, within inline_cap
  a.got.clear();
  here(0, 1);
  ASSERT_EQ(a.got.size(), 1u);
  EXPECT_EQ(a.got[0].result_int(), 200u);
  EXPECT_FALSE(ex.reads_here()) << "a slow batch closes the path";

  app.store.delay = milliseconds(150);  // past inline_cap; with the lane's try, within the budget
  auto before = app.store.load_manys.load();
  auto start = steady_clock::now();
  here(1, 2);
  EXPECT_LT(steady_clock::now() - start, milliseconds(145)) << "the caller waited past inline_cap";
  ASSERT_TRUE(a.wait_for(2, seconds(5)));
  EXPECT_EQ(a.got[1].result_int(), 200u) << "the read lane answered it";
  EXPECT_NE(a.got[1].body().find(">h1<"), std::string::npos);
  EXPECT_EQ(app.store.load_manys.load(), before + 2);

  StoreExecutorConfig off = c;
  off.inline_reads = false;
  app.store.delay = milliseconds(0);
  StoreExecutor never(app.router, app.sessions, off, app.metrics.executor_counters());
  EXPECT_FALSE(never.reads_here());
}

TEST(StoreExecutor, AnExceptionAnswers500AndTheNextRequestIsServed) {
  App app;
  app.store.mode = FakeStore::Mode::throws;
  Answers a;
  auto read = App::get_details(new_session_id());
  auto write = App::post_visit();
  StoreExecutor ex(app.router, app.sessions, app.config, app.metrics.executor_counters());
  ex.submit(read, app.routed(read), a.done_for(0));
  ex.submit(write, app.routed(write), a.done_for(1));
  ASSERT_TRUE(a.wait_for(2, seconds(5)));
  EXPECT_EQ(a.got[0].result_int(), 500u);
  EXPECT_EQ(a.got[1].result_int(), 500u);
  EXPECT_EQ(a.got[1][http::Field::content_type], "application/json");
  EXPECT_EQ(ex.stats().internal_errors.load(), 2u);
  app.store.mode = FakeStore::Mode::ok;
  ex.submit(write, app.routed(write), a.done_for(2));
  ASSERT_TRUE(a.wait_for(3, seconds(5)));
  EXPECT_EQ(a.got[2].result_int(), 200u);
}

TEST(StoreExecutor, AFullQueueAnswers503AtOnce) {
  StoreExecutorConfig c;
  c.write_threads = 1;
  c.max_queue = 2;
  c.write_budget = seconds(2);
  App app(c);
  app.store.mode = FakeStore::Mode::stall;
  app.store.stall_for = milliseconds(300);
  auto req = App::post_visit();
  Answers a;
  StoreExecutor ex(app.router, app.sessions, c, app.metrics.executor_counters());
  ex.submit(req, app.routed(req), a.done_for(0));  // taken by the thread, stalls
  ASSERT_TRUE(eventually([&] { return app.store.writes.load() + app.store.loads.load() > 0; }));
  ex.submit(req, app.routed(req), a.done_for(1));
  ex.submit(req, app.routed(req), a.done_for(2));
  auto t0 = steady_clock::now();
  ex.submit(req, app.routed(req), a.done_for(3));  // over the cap
  std::unique_lock lock(a.m);
  ASSERT_EQ(a.got.count(3), 1u);
  EXPECT_EQ(a.got[3].result_int(), 503u);
  EXPECT_LT(a.at[3] - t0, milliseconds(50));
  EXPECT_EQ(ex.stats().overloaded.load(), 1u);
}

TEST(StoreExecutor, StoppingAnswersQueuedWorkOnceAndWaitsForRunningWork) {
  StoreExecutorConfig c;
  c.write_threads = 1;
  c.write_budget = seconds(10);
  App app(c);
  app.store.mode = FakeStore::Mode::stall;
  app.store.stall_for = milliseconds(200);
  auto req = App::post_visit();
  Answers a;
  {
    StoreExecutor ex(app.router, app.sessions, c, app.metrics.executor_counters());
    for (int i = 0; i < 5; ++i) ex.submit(req, app.routed(req), a.done_for(i));
    ASSERT_TRUE(eventually([&] { return app.store.writes.load() > 0; }));
  }  // destroyed with one request running and four queued
  ASSERT_EQ(a.got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a.calls[i], 1) << i;
    EXPECT_EQ(a.got[i].result_int(), 503u) << i;
  }
  EXPECT_EQ(app.store.writes.load(), 1);  // the queued ones never reached the store
}
