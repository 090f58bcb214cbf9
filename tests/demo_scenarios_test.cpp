#include "loadgen/demo_scenarios.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
DemoScenario named(const std::string& name) {
  for (const auto& s : all_demo_scenarios(3))
    if (s.name == name) return s;
  ADD_FAILURE() << name;
  return {};
}
DemoFigures healthy() {
  DemoFigures f;
  f.ran = true;
  f.requests = 1000;
  f.hits = 900;
  f.last_interval_requests = 100;
  return f;
}
}  // namespace

TEST(DemoScenarios, MemoryRoundRobinExpectsMissesNearTwoThirds) {
  auto s = named("memory-roundrobin");
  auto f = healthy();
  f.hits = 300;
  f.misses = 600;
  EXPECT_TRUE(judge(s, f, 3).met);
  EXPECT_FALSE(judge(s, healthy(), 3).met);  // no misses would mean the demo shows nothing
}

TEST(DemoScenarios, SharedStoreExpectsNoMissesNoErrors) {
  for (auto name : {"memory-sticky", "memcached-roundrobin"}) {
    auto s = named(name);
    EXPECT_TRUE(judge(s, healthy(), 3).met) << name;
    auto f = healthy();
    f.misses = 1;
    EXPECT_FALSE(judge(s, f, 3).met) << name;
    f = healthy();
    f.errors = 1;
    EXPECT_FALSE(judge(s, f, 3).met) << name;
    f = healthy();
    f.foreign = 1;
    EXPECT_FALSE(judge(s, f, 3).met) << name;
  }
}

TEST(DemoScenarios, NodeKilledWithTwoCopiesLosesNothing) {
  auto s = named("node-killed");
  EXPECT_EQ(s.copies, 2u);
  EXPECT_TRUE(judge(s, healthy(), 3).met);
  auto f = healthy();
  f.misses = 3;  // what one copy would show
  EXPECT_FALSE(judge(s, f, 3).met);
  f = healthy();
  f.stale = 1;
  EXPECT_FALSE(judge(s, f, 3).met);
}

TEST(DemoScenarios, InstanceKilledAllowsFewErrorsButNoLoss) {
  auto s = named("instance-killed");
  auto f = healthy();
  f.errors = 10;
  EXPECT_TRUE(judge(s, f, 3).met);
  f.errors = 100;  // 10%
  EXPECT_FALSE(judge(s, f, 3).met);
  f = healthy();
  f.misses = 1;
  EXPECT_FALSE(judge(s, f, 3).met);
  f = healthy();
  f.last_interval_requests = 0;
  EXPECT_FALSE(judge(s, f, 3).met);
}

TEST(DemoScenarios, StalledMemcachedNeeds503sAndRecovery) {
  auto s = named("memcached-stalled");
  auto f = healthy();
  f.errors = 50;
  EXPECT_TRUE(judge(s, f, 3).met);
  EXPECT_FALSE(judge(s, healthy(), 3).met);  // no errors: the fault did not land
  f.last_interval_errors = 3;
  EXPECT_FALSE(judge(s, f, 3).met);
  f.last_interval_errors = 0;
  f.misses = 2;  // a stall must never look like an empty session
  EXPECT_FALSE(judge(s, f, 3).met);
  f.misses = 0;
  f.instances_survived = false;
  EXPECT_FALSE(judge(s, f, 3).met);
}

TEST(DemoScenarios, CounterScenarios) {
  auto none = named("counter-none"), cas = named("counter-cas");
  auto f = healthy();
  f.lost_updates = 5;
  EXPECT_TRUE(judge(none, f, 3).met);
  EXPECT_FALSE(judge(cas, f, 3).met);
  f.lost_updates = 0;
  EXPECT_FALSE(judge(none, f, 3).met);
  EXPECT_TRUE(judge(cas, f, 3).met);
  f.errors = 5;  // a few 503s after cas retries ran out are allowed
  EXPECT_TRUE(judge(cas, f, 3).met);
  f.errors = 50;
  EXPECT_FALSE(judge(cas, f, 3).met);
}

TEST(DemoScenarios, NotRunIsAFailure) {
  DemoFigures f;
  EXPECT_FALSE(judge(named("memcached-roundrobin"), f, 3).met);
}
