// `sessdemo load` against real instances and a real memcached, and against broken servers.
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/support/fake_servers.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;

namespace {
LoadRun run_load(const std::string& instances, std::vector<std::string> extra) {
  extra.insert(extra.begin(), {"--instances", instances, "--threads", "2"});
  return sessdemo::test::run_load(extra);
}

}  // namespace

TEST(LoadIntegration, MemcachedStoreHasNoMisses) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto r = run_load(addresses(inst), {"--clients", "60", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_EQ(r.total_of("stale"), 0);
  EXPECT_GT(r.total_of("hits"), 1000);
  EXPECT_EQ(r.json.at("instances").as_object().size(), 3u);  // attributed by X-Instance-Id
  EXPECT_NE(r.out.find("verdict: PASS"), std::string::npos);
}

TEST(LoadIntegration, MemoryStoreRoundRobinMissesTwoThirds) {
  auto inst = three_instances({"--store", "memory"});
  auto r = run_load(addresses(inst), {"--clients", "60", "--duration", "2s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  double reads = static_cast<double>(r.total_of("hits") + r.total_of("misses"));
  double miss_rate = r.total_of("misses") / reads;
  EXPECT_NEAR(miss_rate, 2.0 / 3.0, 0.08) << r.out;
  EXPECT_NE(r.out.find("FAIL  miss rate"), std::string::npos);
}

TEST(LoadIntegration, MemoryStoreStickyHasNoMisses) {
  auto inst = three_instances({"--store", "memory"});
  auto r = run_load(addresses(inst), {"--clients", "60", "--duration", "2s", "--balance", "sticky"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_GT(r.total_of("hits"), 1000);
}

TEST(LoadIntegration, AnotherVisitorsNameIsForeignAndFails) {
  FakeServer leaky(FakeServer::Mode::leaky);
  auto r = run_load(leaky.address(), {"--clients", "20", "--duration", "1s", "--max-miss-rate", "1",
                                      "--max-stale-rate", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.total_of("foreign"), 0);
  EXPECT_NE(r.out.find("FAIL  foreign reads"), std::string::npos);
}

TEST(LoadIntegration, ClosedConnectionsAreErrorsNotMisses) {
  FakeServer closing(FakeServer::Mode::closing);
  auto r = run_load(closing.address(), {"--clients", "10", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_GT(r.total_of("errors"), 0);
  EXPECT_EQ(r.total_of("misses"), 0);
  EXPECT_EQ(r.total_of("errors"), r.total_of("requests"));
}

TEST(LoadIntegration, RequestBudgetAndCsvToStdout) {
  auto inst = three_instances({"--store", "memory"});
  Child c({sessdemo_binary(), "load", "--instances", addresses(inst), "--balance", "sticky", "--clients", "10",
           "--requests", "500", "--csv", "-", "--interval", "100ms"},
          "/dev/null");
  std::string out = c.read_all(seconds(30));
  EXPECT_EQ(c.wait(seconds(10)), 0);
  EXPECT_EQ(out.rfind("elapsed_s,instance,requests,", 0), 0u) << out;
  EXPECT_EQ(out.find("verdict"), std::string::npos);  // the summary went to stderr
  auto total = out.find("\n", out.find(",total,"));
  ASSERT_NE(total, std::string::npos);
  EXPECT_NE(out.find(",total,500,"), std::string::npos) << out;
}

TEST(LoadIntegration, NoInstanceAnswersExits3) {
  auto port = free_port();
  auto r = run_load("127.0.0.1:" + std::to_string(port), {"--clients", "2", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 3);
}

TEST(LoadIntegration, BadCommandLinesExit2) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"load", "--instances", "nonsense"},
           {"load", "--instances", "127.0.0.1:1", "--clients", "-5"},
           {"load", "--instances", "127.0.0.1:1", "--clients", "0"},
           {"load", "--instances", "127.0.0.1:1", "--balance", "sideways"},
           {"load", "--instances", "127.0.0.1:1", "--duration", "forever"},
           {"load", "--instances", "127.0.0.1:1", "--bogus"},
           {"load"}}) {
    args.insert(args.begin(), sessdemo_binary());
    Child c(args, "/dev/null");
    std::string out = c.read_all(seconds(10));
    EXPECT_EQ(c.wait(seconds(10)), 2) << args.back();
  }
}

TEST(LoadIntegration, OpenModelSendsAtTheGivenRate) {
  Instance one({"--store", "memory"});
  auto r = run_load(one.address(), {"--scenario", "get", "--path", "/healthz", "--clients", "20", "--rate", "300",
                                    "--duration", "2s", "--warmup", "500ms"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // 300 req/s for 2 s measured; the warm-up is not counted.
  EXPECT_NEAR(static_cast<double>(r.total_of("requests")), 600.0, 90.0) << r.out;
  EXPECT_EQ(r.json.at("settings").as_object().at("rate").to_number<double>(), 300.0);
}

TEST(LoadIntegration, OpenModelCountsStallsFromTheScheduledTime) {
  // memcached stopped: every store call waits out the 1 s timeout. Requests scheduled
  // meanwhile cannot go out on time (one client), and their latency counts from the schedule.
  Memcached mc;
  Instance one({"--memcached", mc.address(), "--store-timeout", "1s"});
  mc.proc.signal(SIGSTOP);
  auto r = run_load(one.address(), {"--scenario", "get", "--path", "/readyz", "--clients", "1",
                                    "--connections", "1", "--rate", "50", "--duration", "2s",
                                    "--max-error-rate", "1"});
  mc.proc.signal(SIGCONT);
  EXPECT_GT(r.total_of("late"), 0) << r.out;
  EXPECT_GT(r.total().at("latency_ms").as_object().at("max").to_number<double>(), 1500.0) << r.out;
}
