#include "loadgen/report.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace sessdemo::loadgen;

namespace {
std::string capture(const std::function<void(std::FILE*)>& fn) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  fn(f);
  std::fclose(f);
  std::string s(buf, len);
  free(buf);
  return s;
}
}  // namespace

TEST(Report, CsvHasHeaderAndOneRowPerInstancePlusAll) {
  StatsTable t;
  t.at("a").counters = Counters{10, 1, 6, 2, 1, 0, 0, 1};
  t.at("a").latency.record(1500);
  t.at("b").counters.requests = 5;
  std::string out = capture([&](std::FILE* f) {
    CsvWriter w(f);
    w.header();
    w.rows(1.0, 0.5, t);
  });
  auto first_nl = out.find('\n');
  EXPECT_EQ(out.substr(0, first_nl).rfind(
                "elapsed_s,instance,requests,errors,hits,misses,stale,foreign,rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms", 0),
            0u);
  EXPECT_NE(out.find("\n1.000,a,10,1,6,2,1,0,20.0,1.500,"), std::string::npos) << out;
  EXPECT_NE(out.find("\n1.000,b,5,0,"), std::string::npos);
  EXPECT_NE(out.find("\n1.000,all,15,1,6,2,1,0,30.0,"), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4);
}

TEST(Report, ChecksFailOnTheirFigures) {
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
  o.max_p99 = std::chrono::microseconds(1000);
  r.total.latency.record(5000);
  auto checks = evaluate(r);
  EXPECT_FALSE(all_passed(checks));
  std::string summary = capture([&](std::FILE* f) { write_summary(f, r, checks); });
  EXPECT_NE(summary.find("FAIL  p99 latency"), std::string::npos) << summary;
  EXPECT_NE(summary.find("verdict: FAIL"), std::string::npos);
}

TEST(Report, LostUpdatesCheck) {
  LoadOptions o;
  o.scenario = Scenario::counter;
  RunReport r;
  r.opts = &o;
  r.total.counters.requests = 10;
  r.counter = CounterResult{5, 0, 100, 97, 3, 0};
  EXPECT_FALSE(all_passed(evaluate(r)));
  o.max_lost_updates = 3;
  EXPECT_TRUE(all_passed(evaluate(r)));
  EXPECT_NE(to_json(r, evaluate(r)).find("\"lost_updates\":3"), std::string::npos);
}
