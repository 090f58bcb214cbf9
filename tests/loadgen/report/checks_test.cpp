#include "loadgen/report/checks.hpp"

#include <gtest/gtest.h>

using namespace sessdemo::loadgen;

namespace {
// 100 judged reads, all hits, `crossed` of them served by another instance than took the write.
Counters reads(std::uint64_t hits, std::uint64_t misses, std::uint64_t crossed = 50) {
  Counters c;
  c.requests = hits + misses;
  c.hits = hits;
  c.misses = misses;
  c.crossed = crossed;
  return c;
}
const Check& named(const std::vector<Check>& checks, const std::string& name) {
  auto it =
      std::find_if(checks.begin(), checks.end(), [&](const Check& c) { return c.name == name; });
  EXPECT_NE(it, checks.end()) << name;
  return *it;
}
}  // namespace

TEST(Checks, FailOnTheirFigures) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.total.counters = reads(100, 0);
  EXPECT_TRUE(all_passed(evaluate(r)));
  r.total.counters.hits = 99;
  r.total.counters.foreign = 1;
  EXPECT_FALSE(all_passed(evaluate(r)));  // one foreign read fails the run
  r.total.counters = reads(90, 10);
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_miss_rate = 0.2;
  EXPECT_TRUE(all_passed(evaluate(r)));
  r.total.counters.monotonic = 1;  // a read that went back in time
  r.total.counters.hits--;
  EXPECT_EQ(named(evaluate(r), "monotonic reads").status, CheckStatus::fail);
  r.total.counters = reads(90, 10);
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
  // The same list on the figures so far: --abort-on-fail stops on the latency limit too.
  auto why = first_failure(evaluate(r, Moment::so_far));
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind("p99 latency: ", 0), 0u) << *why;
}

TEST(Checks, CarryTheirFigureAndLimit) {
  LoadOptions o;
  o.max_miss_rate = 0.25;
  RunReport r;
  r.opts = &o;
  r.total.counters = reads(80, 20);
  auto checks = evaluate(r);
  const Check& miss = named(checks, "miss rate");
  EXPECT_DOUBLE_EQ(miss.value, 0.2);
  EXPECT_DOUBLE_EQ(*miss.limit, 0.25);
  EXPECT_EQ(miss.unit, "fraction");
  EXPECT_TRUE(miss.passed());
}

// Nothing judged proves nothing: unknown, and the run does not pass (exit 1).
TEST(Checks, NothingJudgedIsUnknownNeverAPass) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  auto checks = evaluate(r);
  EXPECT_EQ(named(checks, "miss rate").status, CheckStatus::unknown);
  EXPECT_EQ(named(checks, "requests answered").status, CheckStatus::unknown);
  EXPECT_STREQ(verdict(r, checks), "unknown");
  EXPECT_EQ(exit_status(r, checks), 1);
  EXPECT_FALSE(first_failure(checks));  // unknown is no reason to abort
}

// No read crossed instances (a sticky balancer): the passing consistency checks are unknown, with
// the reason; a failure found stays a failure; --balance sticky and --min-crossing 0 opt out.
TEST(Checks, WithoutReadsThatCrossedInstancesConsistencyIsUnknown) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.addresses = {"127.0.0.1:1", "127.0.0.1:2"};
  r.total.counters = reads(1000, 0, 5);  // 5 crossed, 10 needed
  auto checks = evaluate(r);
  const Check& crossed = named(checks, "crossed instances");
  EXPECT_EQ(crossed.status, CheckStatus::unknown);
  EXPECT_NE(crossed.detail.find("a sticky balancer"), std::string::npos) << crossed.detail;
  EXPECT_EQ(named(checks, "miss rate").status, CheckStatus::unknown);
  EXPECT_STREQ(verdict(r, checks), "unknown");
  r.total.counters.foreign = 1;
  EXPECT_EQ(named(evaluate(r), "foreign reads").status, CheckStatus::fail);
  r.total.counters.foreign = 0;
  r.total.counters.crossed = 10;
  EXPECT_TRUE(all_passed(evaluate(r)));
  // 1% of 5,000 judged reads is 50.
  r.total.counters = reads(5000, 0, 49);
  EXPECT_EQ(named(evaluate(r), "crossed instances").status, CheckStatus::unknown);
  o.balance = Balance::sticky;
  EXPECT_TRUE(all_passed(evaluate(r)));
  o.balance = Balance::round_robin;
  o.min_crossing = 0;
  EXPECT_TRUE(all_passed(evaluate(r)));
  // Behind one address that names no instance: say which header to add.
  o.min_crossing = -1;
  r.addresses = {"127.0.0.1:8080"};
  r.table.instances["127.0.0.1:8080"] = {};
  r.total.counters = reads(100, 0, 0);
  EXPECT_NE(named(evaluate(r), "crossed instances").detail.find("add_header X-Served-By"),
            std::string::npos);
}

TEST(Checks, ScenarioGetHasNoConsistencyChecks) {
  LoadOptions o;
  o.scenario = Scenario::get;
  RunReport r;
  r.opts = &o;
  r.total.counters.requests = 10;
  auto checks = evaluate(r);
  for (const auto& c : checks) EXPECT_NE(c.name, "crossed instances");
  EXPECT_TRUE(all_passed(checks));
}

TEST(Checks, AnInterruptedRunIsNeverAPass) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.total.counters = reads(100, 0);
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
  r.counter = CounterResult{5, 0, 100, 97, 3, 0, 5};
  o.min_crossing = 1;
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_lost_updates = 3;
  EXPECT_TRUE(all_passed(evaluate(r)));
}

// --abort-on-fail: off, or inside the grace period, nothing stops the run; past it, the first
// failing check does, with the time; an unknown check never does.
TEST(Checks, AbortOnlyPastTheGraceAndOnlyOnAFailure) {
  LoadOptions o;
  RunReport r;
  r.opts = &o;
  r.total.counters = reads(50, 50);  // miss rate 0.5, over the default limit of 0
  EXPECT_FALSE(abort_reason(r, 10)) << "without --abort-on-fail";
  o.abort_on_fail = true;
  o.abort_grace = std::chrono::seconds(5);
  EXPECT_FALSE(abort_reason(r, 4.9)) << "inside the grace period";
  auto why = abort_reason(r, 12.5);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind("at 12.5 s: miss rate: ", 0), 0u) << *why;
  RunReport nothing;
  nothing.opts = &o;
  EXPECT_FALSE(abort_reason(nothing, 12.5)) << "nothing judged is unknown, no reason to stop";
}
