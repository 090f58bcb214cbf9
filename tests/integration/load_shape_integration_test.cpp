// Load shapes and thresholds against real instances and a real memcached: --stages ramping the
// clients and the rate, --max-latency/--max-service/--min-rps, the rate reached, --abort-on-fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "tests/support/fake_servers.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
LoadRun load(const std::string& instances, std::vector<std::string> extra) {
  extra.insert(extra.begin(), {"--instances", instances, "--threads", "2"});
  return run_load(extra);
}
struct Row {
  double clients, target_rps, requests;
};
std::vector<Row> rows(const LoadRun& r) {
  std::vector<Row> out;
  for (const auto& v : r.json.at("intervals").as_array()) {
    const auto& iv = v.as_object();
    double requests = 0;
    for (const auto& [id, f] : iv.at("instances").as_object())
      requests += f.as_object().at("requests").to_number<double>();
    out.push_back(
        {iv.at("clients").to_number<double>(), iv.at("target_rps").to_number<double>(), requests});
  }
  return out;
}
bool says(const LoadRun& r, const std::string& line) {
  return r.out.find(line) != std::string::npos;
}
}  // namespace

// Closed model: 0 -> 40 clients over 2 s, 40 for 2 s, 40 -> 0 over 2 s, read from the intervals.
TEST(LoadShapeIntegration, ClosedStagesRampTheActiveClients) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  // 50 ms think times: 800 req/s at the top, well within what three instances serve under a
  // sanitizer, so the requests follow the clients and not the servers' limit.
  auto r = load(addresses(inst),
                {"--stages", "2s:40,2s:40,2s:0", "--interval", "500ms", "--think", "50ms"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto iv = rows(r);
  ASSERT_GE(iv.size(), 12u) << r.out;
  EXPECT_EQ(r.json.at("settings").as_object().at("clients").to_number<double>(), 40);
  // At each interval's end (about every half second: 10, 20, 30, 40 up, 40 held, 30, 20, 10, 0
  // down), the clients the shape asks for then, within a step of the ramper and the rounding of
  // two workers' shares.
  auto level = [](double t) {
    return t < 2 ? 20 * t : t < 4 ? 40 : std::max(0.0, 40 - 20 * (t - 4));
  };
  const auto& ivs = r.json.at("intervals").as_array();
  for (std::size_t i = 0; i < 12; ++i) {
    double t = ivs[i].as_object().at("elapsed_s").to_number<double>();
    EXPECT_NEAR(iv[i].clients, level(t), 2.5) << "interval " << i << " at " << t << " s";
  }
  EXPECT_NEAR(iv[5].clients, 40, 0.5);
  // The requests follow the clients: the held part carries several times the first half second.
  EXPECT_GT(iv[5].requests, 2.5 * iv[0].requests) << r.out;
  EXPECT_GT(iv[5].requests, 2.5 * iv[11].requests) << r.out;
  EXPECT_NEAR(r.json.at("measured_s").to_number<double>(), 6.0, 0.3);
}

// Open model: 50 req/s held for 2 s, then ramped to 400 req/s over 2 s.
TEST(LoadShapeIntegration, OpenStagesRampTheRate) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto r = load(addresses(inst), {"--rate", "50", "--stages", "2s:50,2s:400", "--clients", "100",
                                  "--scenario", "get", "--path", "/healthz"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto iv = rows(r);
  ASSERT_GE(iv.size(), 4u);
  const double target[] = {50, 50, 225, 400};  // at each interval's end
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(iv[i].target_rps, target[i], target[i] * 0.05) << i;
  // Sent per second: the level's mean over each second (one request per tick with get).
  const double sent[] = {50, 50, 137.5, 312.5};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(iv[i].requests, sent[i], sent[i] * 0.15 + 5) << i;
  EXPECT_TRUE(says(r, "PASS  rate reached")) << r.out;
  EXPECT_NEAR(r.total().at("scheduled").to_number<double>(), 550, 15);
}

// Every threshold is a check that fails on figures above its limit and passes below.
TEST(LoadShapeIntegration, EachThresholdFailsAndPasses) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto failing = load(addresses(inst), {"--clients", "10", "--duration", "1s", "--max-latency",
                                        "p50=1us", "--max-latency", "p99.9=1us", "--max-service",
                                        "p90=1us", "--min-rps", "100000000"});
  EXPECT_EQ(failing.exit_code, 1) << failing.out;
  for (auto* line :
       {"FAIL  p50 latency", "FAIL  p99.9 latency", "FAIL  p90 service time", "FAIL  request rate"})
    EXPECT_TRUE(says(failing, line)) << line << "\n" << failing.out;
  auto passing =
      load(addresses(inst), {"--clients", "10", "--duration", "1s", "--max-latency", "p50=10s",
                             "--max-p99", "10s", "--max-service", "p90=10s", "--min-rps", "10"});
  EXPECT_EQ(passing.exit_code, 0) << passing.out;
  for (auto* line :
       {"PASS  p50 latency", "PASS  p99 latency", "PASS  p90 service time", "PASS  request rate"})
    EXPECT_TRUE(says(passing, line)) << line << "\n" << passing.out;
  // --max-p99 0s turns the limit off.
  auto off = load(addresses(inst), {"--clients", "10", "--duration", "500ms", "--max-p99", "0s"});
  EXPECT_EQ(off.exit_code, 0) << off.out;
  EXPECT_FALSE(says(off, "p99 latency")) << off.out;
}

// Memory store behind round-robin: misses from the first interval on. --abort-on-fail stops a
// 30 s run within two 500 ms intervals, exit 1, with the figures measured so far and the reason.
TEST(LoadShapeIntegration, AbortOnFailStopsWithinTwoIntervals) {
  auto inst = three_instances({"--store", "memory"});
  auto start = steady_clock::now();
  auto r = load(addresses(inst),
                {"--clients", "30", "--duration", "30s", "--interval", "500ms", "--abort-on-fail"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_LT(steady_clock::now() - start, seconds(10));
  EXPECT_LE(r.json.at("measured_s").to_number<double>(), 1.1) << r.out;
  ASSERT_TRUE(r.json.at("aborted").is_string()) << r.out;
  EXPECT_NE(std::string(r.json.at("aborted").as_string()).find("miss rate"), std::string::npos);
  EXPECT_TRUE(says(r, "FAIL  ran to the end")) << r.out;
  EXPECT_GT(r.total_of("misses"), 0);
  // Without the flag the same set-up runs on (here bounded to 1 s): nothing aborted.
  auto full = load(addresses(inst), {"--clients", "30", "--duration", "1s"});
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_TRUE(full.json.at("aborted").is_null());
}

// A rate one client cannot carry: the ticks it cannot take are dropped, and the run fails on
// "rate reached" (k6's dropped_iterations, as a verdict).
TEST(LoadShapeIntegration, AnUnreachableRateFailsTheRun) {
  FakeServer slow(FakeServer::Mode::slow);
  auto r = run_load({"--instances", slow.address(), "--scenario", "get", "--clients", "2", "--rate",
                     "2000", "--duration", "2s", "--timeout", "1s", "--max-error-rate", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(says(r, "FAIL  rate reached")) << r.out;
  EXPECT_LT(r.total_of("ticks_sent"), 100);
  EXPECT_NEAR(r.total().at("scheduled").to_number<double>(), 4000, 100);
}

TEST(LoadShapeIntegration, BadShapesExit2WithOneLine) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"--stages", "1s:10", "--duration", "2s"},
                                             {"--stages", "1s"},
                                             {"--stages", "1s:10", "--scenario", "counter"},
                                             {"--stages", "1s:10", "--clients", "5"},
                                             {"--stages", "1s:10", "--warmup", "2s"},
                                             {"--think", "5s-1s"},
                                             {"--max-latency", "p101=1s"},
                                             {"--max-service", "p95"}}) {
    args.insert(args.begin(), {sessdemo_binary(), "load", "--instances", "127.0.0.1:1"});
    Child c(args, "/dev/null");
    c.read_all(seconds(10));
    EXPECT_EQ(c.wait(seconds(10)), 2) << args[4] << " " << args[5];
  }
}
