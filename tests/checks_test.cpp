#include "loadgen/checks.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

TEST(Checks, FailOnTheirFigures) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.total.counters = Counters{100, 0, 100, 0, 0, 0, 0, 0};
  EXPECT_TRUE(all_passed(evaluate(r)));
  r.total.counters.hits = 99;
  r.total.counters.foreign = 1;
  EXPECT_FALSE(all_passed(evaluate(r)));  // one foreign read fails the run
  r.total.counters = Counters{100, 0, 90, 10, 0, 0, 0, 0};
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_miss_rate = 0.2;
  EXPECT_TRUE(all_passed(evaluate(r)));
  r.total.counters.errors = 3;
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_error_rate = 0.05;
  EXPECT_TRUE(all_passed(evaluate(r)));
  o.max_latency = {{99, std::chrono::microseconds(1000)}};
  r.total.latency.record(5000);
  r.total.service.record(500);  // the server was quick; the wait was not
  auto checks = evaluate(r);
  EXPECT_FALSE(all_passed(checks));
  EXPECT_EQ(exit_status(r, checks), 1);
  EXPECT_STREQ(verdict(r, checks), "fail");
}

TEST(Checks, CarryTheirFigureAndLimit) {
  LoadOptions o;
  o.max_miss_rate = 0.25;
  RunReport r;
  r.opts = &o;
  r.total.counters = Counters{100, 0, 80, 20, 0, 0, 0, 0};
  auto checks = evaluate(r);
  auto miss = std::find_if(checks.begin(), checks.end(), [](const Check& c) { return c.name == "miss rate"; });
  ASSERT_NE(miss, checks.end());
  EXPECT_DOUBLE_EQ(miss->value, 0.2);
  EXPECT_DOUBLE_EQ(*miss->limit, 0.25);
  EXPECT_EQ(miss->unit, "fraction");
  EXPECT_TRUE(miss->passed);
}

TEST(Checks, AnInterruptedRunIsNeverAPass) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.total.counters = Counters{100, 0, 100, 0, 0, 0, 0, 0};
  r.interrupted = true;
  auto checks = evaluate(r);
  EXPECT_TRUE(all_passed(checks));
  EXPECT_STREQ(verdict(r, checks), "interrupted");
  EXPECT_EQ(exit_status(r, checks), 130);
}

TEST(Checks, LostUpdates) {
  LoadOptions o;
  o.scenario = Scenario::counter;
  RunReport r;
  r.opts = &o;
  r.total.counters.requests = 10;
  r.counter = CounterResult{5, 0, 100, 97, 3, 0};
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_lost_updates = 3;
  EXPECT_TRUE(all_passed(evaluate(r)));
}
