#include "server/cache_watch.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "sessions/memory_store.hpp"
#include "tests/support/capture.hpp"

using namespace sessdemo;
using sessdemo::test::LogCapture;

namespace {
// A store whose one node says what the test sets.
class NodeFigures final : public SessionStore {
 public:
  // Set by the test while the watch's own thread may be asking: under a lock.
  void set_evictions(std::uint64_t n) {
    std::lock_guard lock(mutex_);
    figures_.evictions = n;
  }
  LoadResult load(std::string_view id) override { return data.load(id); }
  StoreStatus save(std::string_view id, const Session& s, std::chrono::seconds t,
                   std::uint64_t c) override {
    return data.save(id, s, t, c);
  }
  StoreStatus create(std::string_view id, const Session& s, std::chrono::seconds t) override {
    return data.create(id, s, t);
  }
  StoreStatus remove(std::string_view id) override { return data.remove(id); }
  StoreStatus try_lock(std::string_view id, std::string_view o, std::chrono::seconds t) override {
    return data.try_lock(id, o, t);
  }
  StoreStatus unlock(std::string_view id, std::string_view o) override {
    return data.unlock(id, o);
  }
  StoreStatus ping() override { return StoreStatus::ok; }
  std::vector<NodeStats> node_stats() override {
    std::lock_guard lock(mutex_);
    return {figures_};
  }
  const char* kind() const override { return "figures"; }
  MemoryStore data;

 private:
  std::mutex mutex_;
  NodeStats figures_{"10.0.0.1:11211", true, 0, 100, 8 << 20, 5};
};

}  // namespace

// Evictions that start rising while the instance keeps sessions: /metrics has the figures, and
// one warning says what to do; no warning before sessions exist, none twice.
TEST(CacheWatch, WarnsOnceWhenANodeHoldingSessionsStartsEvicting) {
  NodeFigures store;
  Metrics metrics;
  SessionStats sessions;
  LogCapture log;
  CacheWatch watch(store, metrics, sessions, std::chrono::hours(1));  // polled by hand below
  watch.poll();
  store.set_evictions(10);
  watch.poll();  // rising, but no session was made here yet
  EXPECT_EQ(log.text.str().find("evicting"), std::string::npos);
  sessions.created = 3;
  store.set_evictions(25);
  watch.poll();
  store.set_evictions(40);
  watch.poll();
  auto said = log.text.str();
  auto at = said.find("memcached 10.0.0.1:11211 is evicting items");
  ASSERT_NE(at, std::string::npos) << "log: " << said;
  EXPECT_EQ(said.find("memcached 10.0.0.1:11211 is evicting items", at + 1), std::string::npos)
      << "once";
  EXPECT_NE(said.find("-M"), std::string::npos);
  auto page = metrics.render(sessions);
  EXPECT_NE(page.find("sessdemo_memcached_evictions_total{node=\"10.0.0.1:11211\"} 40\n"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("sessdemo_memcached_limit_bytes{node=\"10.0.0.1:11211\"} 8388608\n"),
            std::string::npos);
  EXPECT_NE(page.find("sessdemo_memcached_bytes{node=\"10.0.0.1:11211\"} 100\n"),
            std::string::npos);
}

// The lock-wait histogram and the retry counters are on the page in every mode.
TEST(CacheWatch, LockWaitsAreAPrometheusHistogram) {
  Metrics metrics;
  SessionStats s;
  s.lock_wait.record(std::chrono::milliseconds(3));
  s.lock_wait.record(std::chrono::milliseconds(30));
  s.retries = 7;
  auto page = metrics.render(s);
  EXPECT_NE(page.find("# TYPE sessdemo_lock_wait_seconds histogram\n"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_lock_wait_seconds_bucket{le=\"0.001\"} 0\n"), std::string::npos)
      << page;
  EXPECT_NE(page.find("sessdemo_lock_wait_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_lock_wait_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_lock_wait_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_lock_wait_seconds_sum 0.033"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_cas_retries_total 7\n"), std::string::npos);
  EXPECT_NE(page.find("sessdemo_lock_timeouts_total 0\n"), std::string::npos);
}
