#include "demo/demo_scenarios.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sessdemo::demo;

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
// Ten intervals of 1 s, a fault from 2 s to 4 s on the tester's clock.
DemoFigures with_intervals(DemoFigures f) {
  for (int i = 0; i < 10; ++i) f.intervals.push_back({double(i), double(i + 1), 100, 0, 0, 0});
  f.events = {{"stall", "node-1", 2.0, 0}, {"resume", "node-1", 4.0, 0}};
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
    f.errors = 2;  // 0.2%: past the row's budget of 0.1%
    EXPECT_FALSE(judge(s, f, 3).met) << name;
    EXPECT_EQ(judge(s, f, 3).why, "error rate 0.002 above 0.1%") << name;
    f = healthy();
    f.requests = 127000;  // one 503 in 127,000 on a loaded machine is within the budget
    f.errors = 1;
    EXPECT_TRUE(judge(s, f, 3).met) << name;
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
  // Bound to the kill at 2 s: the killed instance's errors go on (the balancer probes it), the
  // others' must stop a second after it.
  f = with_intervals(healthy());
  f.errors = 20;
  f.intervals[2].errors = 10;
  f.intervals[2].errors_not_on_first = 4;  // in flight elsewhere while the kill was noticed
  f.intervals[7].errors = 10;              // the probes of the dead one
  EXPECT_TRUE(judge(s, f, 3).met) << judge(s, f, 3).why;
  f.intervals[7].errors_not_on_first = 2;
  EXPECT_EQ(judge(s, f, 3).why, "2 errors on the other instances from 4 s on");
}

// The stall's checks are bound to its window: 503s during it, none before it, none once the
// store's retry delay has passed after it.
TEST(DemoScenarios, StalledMemcachedNeeds503sAndRecovery) {
  auto s = named("memcached-stalled");
  auto f = with_intervals(healthy());
  f.errors = 50;
  f.intervals[2].errors = 30;
  f.intervals[5].errors = 20;  // the retry delay after the resume at 4 s
  auto j = judge(s, f, 3);
  EXPECT_TRUE(j.met) << j.why;
  EXPECT_FALSE(judge(s, with_intervals(healthy()), 3).met);  // no errors: the fault did not land
  auto late = f;
  late.intervals[8].errors = 3;
  j = judge(s, late, 3);
  EXPECT_FALSE(j.met);
  EXPECT_EQ(j.why, "no full recovery: 3 errors from 6.5 s on");
  auto checks = j.checks;
  auto after = std::find_if(checks.begin(), checks.end(), [](const RowCheck& c) {
    return c.name() == "errors after the recovery";
  });
  ASSERT_NE(after, checks.end());
  EXPECT_DOUBLE_EQ(after->from_s, 6.5);
  auto early = f;
  early.intervals[0].errors = 1;
  EXPECT_EQ(judge(s, early, 3).why, "1 errors before the stall");
  f.misses = 2;  // a stall must never look like an empty session
  EXPECT_FALSE(judge(s, f, 3).met);
  f.misses = 0;
  f.instances_survived = false;
  EXPECT_FALSE(judge(s, f, 3).met);
}

// node-isolated-c2 is about the heal: its stale reads come with it, never mostly before it.
TEST(DemoScenarios, IsolatedNodeStaleReadsComeWithTheHeal) {
  DemoScenario s;
  for (const auto& n : network_demo_scenarios())
    if (n.fault == Fault::isolate_node && n.copies == 2) s = n;
  ASSERT_EQ(s.expect, Expect::stale);
  auto f = with_intervals(healthy());
  f.stale = 5;
  f.intervals[6].stale = 5;
  EXPECT_TRUE(judge(s, f, 3).met) << judge(s, f, 3).why;
  // A read that fell back past a slow copy before the heal: a few, against the heal's many.
  f.intervals[1].stale = 2;
  f.stale = 7;
  EXPECT_TRUE(judge(s, f, 3).met) << judge(s, f, 3).why;
  f.intervals[1].stale = 3;
  f.stale = 8;
  EXPECT_EQ(judge(s, f, 3).why, "3 stale reads before the heal, against 5 after it");
  // On a saturated host the reads that fell back may be many; the heal's are still required.
  f.host_note = "the host was saturated: load average 11.8 on 2 cores";
  EXPECT_TRUE(judge(s, f, 3).met) << judge(s, f, 3).why;
  f.intervals[6].stale = 0;
  f.stale = 3;
  EXPECT_EQ(judge(s, f, 3).why, "no stale reads after the heal: the old copies did not come back");
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

// logout-none must show logouts undone; logout-cas none, with logouts read back.
TEST(DemoScenarios, LogoutScenarios) {
  auto none = named("logout-none"), cas = named("logout-cas");
  auto f = healthy();
  f.lost_updates = 3;
  EXPECT_TRUE(judge(none, f, 3).met);
  EXPECT_FALSE(judge(cas, f, 3).met);
  f.lost_updates = 0;
  EXPECT_FALSE(judge(none, f, 3).met);
  EXPECT_TRUE(judge(cas, f, 3).met);
  f.hits = 0;
  EXPECT_FALSE(judge(cas, f, 3).met) << "no logout read back";
}

// cache-evicting must show misses after the fill; cache-noevict none.
TEST(DemoScenarios, EvictionScenarios) {
  auto shared = named("cache-evicting"), own = named("cache-noevict");
  EXPECT_EQ(shared.fault, Fault::fill_shared);
  EXPECT_EQ(own.fault, Fault::fill_other);
  EXPECT_NE(std::find(own.memcached_flags.begin(), own.memcached_flags.end(), "-M"),
            own.memcached_flags.end());
  auto f = healthy();
  EXPECT_FALSE(judge(shared, f, 3).met) << "no misses: the fill did not show";
  EXPECT_TRUE(judge(own, f, 3).met);
  f.misses = 200;
  EXPECT_TRUE(judge(shared, f, 3).met);
  EXPECT_FALSE(judge(own, f, 3).met);
}

TEST(DemoScenarios, NotRunIsAFailure) {
  DemoFigures f;
  EXPECT_FALSE(judge(named("memcached-roundrobin"), f, 3).met);
}

// Fault timing scales with the run, and what cannot be judged in a short run is not judged.
TEST(DemoScenarios, FaultTimingFitsAnyDuration) {
  DemoScenario stall, kill, plain;
  for (const auto& s : all_demo_scenarios(3)) {
    if (s.fault == Fault::stall_memcached) stall = s;
    if (s.fault == Fault::kill_instance) kill = s;
    if (s.name == "memcached-roundrobin") plain = s;
  }
  auto p60 = fault_plan(stall, 60);
  EXPECT_DOUBLE_EQ(p60.interval_s, 1.0);
  EXPECT_DOUBLE_EQ(p60.start_s, 12.0);
  EXPECT_DOUBLE_EQ(p60.end_s, 14.0);  // a stall lasts 2 s at most
  EXPECT_TRUE(judgeable(stall, 60));
  auto p10 = fault_plan(stall, 10);
  EXPECT_GE(10 - p10.end_s, 1.5 + 2 * p10.interval_s)
      << "time to recover and two full intervals after the stall";
  // 3 s: too short to see memcached come back and judge two clean intervals.
  EXPECT_FALSE(judgeable(stall, 3));
  EXPECT_EQ(min_duration_s(stall), 5u);
  EXPECT_TRUE(judgeable(stall, 5));
  // Kills and plain runs fit into 3 s, on a finer interval.
  auto k3 = fault_plan(kill, 3);
  EXPECT_DOUBLE_EQ(k3.interval_s, 0.3);
  EXPECT_DOUBLE_EQ(k3.start_s, 1.5);
  EXPECT_TRUE(judgeable(kill, 3));
  EXPECT_GE(3 - k3.end_s, 2 * k3.interval_s);
  EXPECT_TRUE(judgeable(plain, 3));
  for (unsigned d : {3u, 5u, 10u, 60u})
    for (const auto& s : all_demo_scenarios(3)) {
      if (s.fault == Fault::none || !judgeable(s, d)) continue;
      auto p = fault_plan(s, d);
      EXPECT_GE(p.start_s, p.interval_s)
          << s.name << " at " << d << " s: at least one interval before the fault";
      EXPECT_LE(p.end_s, d) << s.name;
    }
}

namespace {
DemoScenario network(const std::string& name) {
  for (const auto& s : network_demo_scenarios())
    if (s.name == name) return s;
  ADD_FAILURE() << name;
  return {};
}
}  // namespace

TEST(DemoScenarios, NetworkScenariosCoverEachFaultAndCopiesPair) {
  auto all = network_demo_scenarios();
  for (auto name :
       {"partition-one-c1", "partition-one-c2", "partition-one-c3", "partition-one-counter-c1",
        "partition-one-counter-c2", "partition-one-counter-c3", "node-isolated-c1",
        "node-isolated-c2", "node-isolated-c3", "latency-c3"})
    EXPECT_EQ(std::count_if(all.begin(), all.end(), [&](const auto& s) { return s.name == name; }),
              1)
        << name;
  // Halfway through, for a third of the run; judgeable once a healed node is back in rotation.
  auto plan = fault_plan(network("partition-one-c3"), 15);
  EXPECT_DOUBLE_EQ(plan.start_s, 7.5);
  EXPECT_DOUBLE_EQ(plan.end_s, 12.5);
  EXPECT_TRUE(judgeable(network("partition-one-c3"), 15));
  EXPECT_FALSE(judgeable(network("partition-one-c3"), 12));
}

TEST(DemoScenarios, QuorumRowsPassOnlyWithoutStaleMissLostAndFewErrors) {
  auto visit = network("partition-one-c3"), counter = network("partition-one-counter-c3");
  auto f = healthy();
  f.lost_updates = 0;
  EXPECT_TRUE(judge(visit, f, 3).met);
  EXPECT_TRUE(judge(counter, f, 3).met);
  auto g = f;
  g.stale = 1;
  EXPECT_FALSE(judge(visit, g, 3).met);
  g = f;
  g.misses = 1;
  EXPECT_FALSE(judge(visit, g, 3).met);
  g = f;
  g.lost_updates = 1;
  EXPECT_FALSE(judge(counter, g, 3).met);
  g = f;
  g.errors = 11;  // 1.1% of 1000
  EXPECT_FALSE(judge(visit, g, 3).met);
  g.errors = 10;
  EXPECT_TRUE(judge(visit, g, 3).met);
  // On a saturated host (its note says so) CPU stalls cost 503s: up to 5%, never more.
  g.host_note = "the host was saturated: load average 12.0 on 2 cores";
  g.errors = 30;
  EXPECT_TRUE(judge(counter, g, 3).met) << judge(counter, g, 3).why;
  g.errors = 51;
  EXPECT_FALSE(judge(counter, g, 3).met);
  EXPECT_EQ(judge(counter, g, 3).why, "error rate 0.051 above 5% (saturated host)");
  g.errors = 30;
  g.lost_updates = 1;  // the guarantees do not loosen with the host
  EXPECT_FALSE(judge(counter, g, 3).met);
}

TEST(DemoScenarios, ExpectedFailureRowsPassOnlyWhenTheFailureShows) {
  auto f = healthy();
  f.lost_updates = 0;
  // Nothing went wrong: each of these must say the fault did not show.
  for (auto name : {"partition-one-c1", "partition-one-c2", "partition-one-counter-c1",
                    "partition-one-counter-c2", "node-isolated-c1", "node-isolated-c2"})
    EXPECT_FALSE(judge(network(name), f, 3).met) << name;
  auto stale = f;
  stale.stale = 3;
  EXPECT_TRUE(judge(network("partition-one-c2"), stale, 3).met);
  EXPECT_TRUE(judge(network("node-isolated-c2"), stale, 3).met);
  auto errors = f;
  errors.errors = 40;
  EXPECT_TRUE(judge(network("partition-one-c1"), errors, 3).met);
  EXPECT_FALSE(judge(network("partition-one-c2"), errors, 3).met);  // errors are not the split
  EXPECT_TRUE(judge(network("partition-one-counter-c1"), errors, 3).met);
  auto lost = f;
  lost.lost_updates = 7;
  EXPECT_TRUE(judge(network("partition-one-counter-c2"), lost, 3).met);
  // Another visitor's data fails every row, expected failure or not.
  auto foreign = stale;
  foreign.foreign = 1;
  EXPECT_FALSE(judge(network("partition-one-c2"), foreign, 3).met);
  // A fault that could not be set up proves nothing, whatever the figures.
  auto unfaulted = stale;
  unfaulted.fault_applied = false;
  EXPECT_FALSE(judge(network("partition-one-c2"), unfaulted, 3).met);
  unfaulted = f;
  unfaulted.fault_applied = false;
  EXPECT_FALSE(judge(network("partition-one-c3"), unfaulted, 3).met);
}
