#include "loadgen/report/outputs.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/support/capture.hpp"

using namespace sessdemo::loadgen;
using sessdemo::test::capture;

// An instance id that a spreadsheet would run as a formula is written with a leading quote.
TEST(Outputs, CsvNeutralisesFormulas) {
  StatsTable t;
  t.at("=HYPERLINK(\"x\")").counters.requests = 1;
  t.at("@sum").counters.requests = 1;
  auto out = capture([&](std::FILE* f) {
    CsvWriter w(f);
    w.rows(1.0, 1.0, t, {});
  });
  EXPECT_NE(out.find(",'=HYPERLINK(_x_),"), std::string::npos) << out;
  EXPECT_NE(out.find(",'@sum,"), std::string::npos) << out;
  EXPECT_EQ(out.find(",=HYP"), std::string::npos);
}

TEST(Outputs, CsvHasHeaderAndOneRowPerInstancePlusAll) {
  StatsTable t;
  t.at("a").counters =
      Counters{.requests = 10, .errors = 1, .hits = 6, .misses = 2, .stale = 1, .late = 1};
  t.at("a").latency.record(1500);
  t.at("a").service.record(700);
  t.at("b").counters.requests = 5;
  t.at("a").counters.error_kinds[static_cast<std::size_t>(ErrorKind::timeout)] = 1;
  std::string out = capture([&](std::FILE* f) {
    CsvWriter w(f);
    w.header();
    w.rows(1.0, 0.5, t, IntervalLoad{40, 250.5, 3});
    w.total_row(1.0, t.total(), std::nullopt);
  });
  auto first_nl = out.find('\n');
  EXPECT_EQ(
      out.substr(0, first_nl),
      "elapsed_s,instance,requests,errors,hits,misses,stale,foreign,rps,p50_ms,p90_ms,p99_ms,"
      "p999_ms,max_ms,"
      "late,miss_rate,lost_updates,interval_s,service_p50_ms,service_p99_ms,resurrected,err_"
      "connect,err_tls,"
      "err_timeout,err_reset,err_protocol,err_http_4xx,err_http_5xx,err_csrf,err_login,err_refused,"
      "clients,target_rps,dropped");
  EXPECT_NE(out.find("\n1.000,a,10,1,6,2,1,0,20.0,1.500,"), std::string::npos) << out;
  // interval_s and service, then the error kinds: a's one error was a timeout.
  // Then the interval's load, on each of its rows; none on the total row.
  EXPECT_NE(out.find(",0.500,0.700,0.700,0,0,0,1,0,0,0,0,0,0,0,40,250.5,3\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\n1.000,b,5,0,"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), ",,,\n") << out;
  EXPECT_NE(out.find("\n1.000,b,5,0,"), std::string::npos);
  EXPECT_NE(out.find("\n1.000,all,15,1,6,2,1,0,30.0,"), std::string::npos);
  EXPECT_NE(out.find("\n,total,15,1,"), std::string::npos)
      << "the total row is not a point in time";
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 5);
}

TEST(Outputs, JsonHasTheSettingsChecksAndVersion) {
  LoadOptions o;
  o.scenario = Scenario::counter;
  o.path = "/x";
  RunReport r;
  r.opts = &o;
  r.started_at = "2026-01-02T03:04:05Z";
  r.total.counters.requests = 10;
  r.counter = CounterResult{5, 0, 100, 97, 3, 0};
  auto doc = boost::json::parse(to_json(r, evaluate(r))).as_object();
  EXPECT_EQ(doc["counter"].as_object()["lost_updates"].as_int64(), 3);
  EXPECT_EQ(doc["version"].as_string(), SESSDEMO_VERSION);
  EXPECT_EQ(doc["started_at"].as_string(), "2026-01-02T03:04:05Z");
  EXPECT_EQ(doc["verdict"].as_string(), "fail");
  auto& settings = doc["settings"].as_object();
  EXPECT_EQ(settings["path"].as_string(), "/x");
  EXPECT_DOUBLE_EQ(settings["interval_s"].to_number<double>(), 1.0);
  bool found = false;
  for (auto& c : doc["checks"].as_array()) {
    auto& ck = c.as_object();
    if (ck["name"].as_string() != "lost updates") continue;
    found = true;
    EXPECT_DOUBLE_EQ(ck["value"].to_number<double>(), 3);
    EXPECT_DOUBLE_EQ(ck["limit"].to_number<double>(), 0);
    EXPECT_FALSE(ck["pass"].as_bool());
  }
  EXPECT_TRUE(found);
}
