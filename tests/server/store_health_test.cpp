#include "server/store_health.hpp"

#include <gtest/gtest.h>

#include "server/instrumented_store.hpp"
#include "server/metrics.hpp"
#include "tests/support/fake_store.hpp"

using namespace sessdemo;
using namespace std::chrono;

namespace {
struct Log {
  std::vector<std::pair<StoreHealth::Level, std::string>> lines;
  StoreHealth::Clock::time_point now{};
  StoreHealth make() {
    return StoreHealth(
        [this](StoreHealth::Level l, const std::string& s) { lines.emplace_back(l, s); },
        seconds(10), [this] { return now; });
  }
};
}  // namespace

TEST(StoreHealth, FirstFailureAtOnceThenOneLinePerPeriodThenRecovery) {
  Log log;
  auto h = log.make();
  h.answered();
  EXPECT_TRUE(log.lines.empty());  // healthy: nothing to say
  h.failed("load: timeout");
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, StoreHealth::Level::warn);
  EXPECT_NE(log.lines[0].second.find("failing (load: timeout)"), std::string::npos);
  for (int i = 0; i < 1000; ++i) {
    log.now += milliseconds(5);  // 5 s of failures
    h.failed("load: timeout");
  }
  EXPECT_EQ(log.lines.size(), 1u) << "no line per failure";
  for (int i = 0; i < 1000; ++i) {
    log.now += milliseconds(5);
    h.failed("save");
  }
  ASSERT_EQ(log.lines.size(), 2u);  // 10 s after the first line
  EXPECT_NE(log.lines[1].second.find("still failing: 2000 failed calls in the last 10 s"),
            std::string::npos)
      << log.lines[1].second;
  log.now += seconds(1);
  h.answered();
  ASSERT_EQ(log.lines.size(), 3u);
  EXPECT_EQ(log.lines[2].first, StoreHealth::Level::info);
  EXPECT_NE(log.lines[2].second.find("answers again, after 2001 failed calls over 11000 ms"),
            std::string::npos)
      << log.lines[2].second;
  h.answered();
  EXPECT_EQ(log.lines.size(), 3u);
}

// Read-only traffic goes through load_many (the executor's batches): its outage is logged, and
// its recovery, as a single call's would be.
TEST(StoreHealth, BatchedReadsReportOutagesAndRecovery) {
  sessdemo::test::FakeStore store;
  Metrics metrics;
  std::vector<std::string> lines;
  StoreHealth health([&](StoreHealth::Level, const std::string& l) { lines.push_back(l); });
  InstrumentedStore instrumented(store, metrics, &health);
  store.mode = sessdemo::test::FakeStore::Mode::down;
  instrumented.load_many({"a", "b"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("load"), std::string::npos) << lines[0];
  store.mode = sessdemo::test::FakeStore::Mode::ok;
  instrumented.load_many({"a", "b"});
  ASSERT_EQ(lines.size(), 2u);
}
