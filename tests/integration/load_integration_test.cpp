// `sessdemo load` against real instances and a real memcached, and against broken servers.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>

#include "tests/support/fake_servers.hpp"
#include "tests/support/http_client.hpp"
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
  auto r =
      run_load(addresses(inst), {"--clients", "60", "--duration", "2s", "--balance", "sticky"});
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
  Child c({sessdemo_binary(), "load", "--instances", addresses(inst), "--balance", "sticky",
           "--clients", "10", "--requests", "500", "--csv", "-", "--interval", "100ms"},
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
  auto r = run_load(one.address(), {"--scenario", "get", "--path", "/healthz", "--clients", "20",
                                    "--rate", "300", "--duration", "2s", "--warmup", "500ms"});
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
  auto r = run_load(one.address(),
                    {"--scenario", "get", "--path", "/readyz", "--clients", "1", "--connections",
                     "1", "--rate", "50", "--duration", "2s", "--max-error-rate", "1"});
  mc.proc.signal(SIGCONT);
  EXPECT_GT(r.total_of("late"), 0) << r.out;
  EXPECT_GT(r.total().at("latency_ms").as_object().at("max").to_number<double>(), 1500.0) << r.out;
}

namespace {
// The rows of a CSV file as name -> value maps.
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> names;
  std::vector<std::map<std::string, std::string>> rows;
  for (std::string line; std::getline(f, line);) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    if (!line.empty() && line.back() == ',') cols.emplace_back();
    if (names.empty()) {
      names = cols;
      continue;
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < names.size() && i < cols.size(); ++i) row[names[i]] = cols[i];
    rows.push_back(row);
  }
  return rows;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("sessdemo-" + std::to_string(getpid()) + "-" + name))
      .string();
}
}  // namespace

TEST(LoadIntegration, CsvIntervalsAddUpToTheTotals) {
  auto inst = three_instances({"--store", "memory"});
  auto csv = temp_path("sum.csv");
  auto r = run_load(addresses(inst), {"--clients", "60", "--duration", "2s", "--interval", "300ms",
                                      "--balance", "sticky", "--csv", csv});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::map<std::string, std::uint64_t> sums;  // instance -> requests over the interval rows
  std::map<std::string, std::uint64_t> hits;
  const std::map<std::string, std::string>* total = nullptr;
  auto rows = read_csv(csv);
  for (const auto& row : rows) {
    if (row.at("instance") == "total") {
      total = &row;
      EXPECT_EQ(row.at("elapsed_s"), "") << "the total row is not a point in time";
      continue;
    }
    sums[row.at("instance")] += std::stoull(row.at("requests"));
    hits[row.at("instance")] += std::stoull(row.at("hits"));
  }
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(sums["all"], std::stoull(total->at("requests")));
  EXPECT_EQ(sums["all"], static_cast<std::uint64_t>(r.total_of("requests")));
  EXPECT_EQ(hits["all"], static_cast<std::uint64_t>(r.total_of("hits")));
  for (const auto& [name, fig] : r.json.at("instances").as_object())
    EXPECT_EQ(sums[std::string(name)], fig.as_object().at("requests").to_number<std::uint64_t>())
        << name;
  std::filesystem::remove(csv);
}

TEST(LoadIntegration, InterruptExits130WithThePartialFiguresWritten) {
  Instance one({"--store", "memory"});
  auto csv = temp_path("int.csv");
  auto load = start_load({"--instances", one.address(), "--clients", "20", "--duration", "30s",
                          "--interval", "1s", "--csv", csv});
  // Interrupted 300 ms into its second interval: once the first one is in the file.
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& row : read_csv(csv))
          if (row.at("instance") == "all") return true;
        return false;
      },
      seconds(20)));
  std::this_thread::sleep_for(milliseconds(300));
  load.proc.signal(SIGINT);
  auto r = load.finish();
  EXPECT_EQ(r.exit_code, 130) << r.out;
  EXPECT_EQ(std::string(r.json.at("verdict").as_string()), "interrupted");
  EXPECT_TRUE(r.json.at("interrupted").as_bool());
  EXPECT_NE(r.out.find("INTERRUPTED"), std::string::npos) << r.out;
  std::uint64_t sum = 0;
  int all_rows = 0;
  for (const auto& row : read_csv(csv))
    if (row.at("instance") == "all") {
      sum += std::stoull(row.at("requests"));
      all_rows++;
    }
  EXPECT_EQ(all_rows, 2) << "one full interval and the partial one before the interrupt";
  EXPECT_EQ(sum, static_cast<std::uint64_t>(r.total_of("requests")));
  std::filesystem::remove(csv);
}

TEST(LoadIntegration, TimeoutsFireCloseToTheirValue) {
  FakeServer slow(FakeServer::Mode::slow);  // answers after 200 ms
  auto r = run_load(slow.address(), {"--scenario", "get", "--clients", "4", "--duration", "1s",
                                     "--timeout", "50ms", "--max-error-rate", "1"});
  EXPECT_EQ(r.total_of("errors"), r.total_of("requests")) << r.out;
  EXPECT_GT(r.total_of("requests"), 20);
  // A timed-out request counts at its timeout: the service time of every one is 50 ms.
  auto svc = r.total().at("service_ms").as_object();
  EXPECT_NEAR(svc.at("max").to_number<double>(), 50.0, 1.0) << r.out;
  EXPECT_NEAR(svc.at("min").to_number<double>(), 50.0, 1.0) << r.out;
  auto tiny = run_load(slow.address(), {"--scenario", "get", "--clients", "2", "--duration",
                                        "500ms", "--timeout", "1ms", "--max-error-rate", "1"});
  EXPECT_GT(tiny.total_of("errors"), 0) << tiny.out;
  EXPECT_EQ(tiny.total_of("errors"), tiny.total_of("requests")) << tiny.out;
}

TEST(LoadIntegration, OneIdBehindTwoAddressesIsOneRowWithAWarning) {
  Instance a({"--store", "memory", "--id", "same"});
  Instance b({"--store", "memory", "--id", "same"});
  auto err = temp_path("ids.err");
  std::vector<std::string> argv{sessdemo_binary(),
                                "load",
                                "-i",
                                a.address() + "," + b.address(),
                                "--scenario",
                                "get",
                                "--path",
                                "/healthz",
                                "-c",
                                "4",
                                "--requests",
                                "200",
                                "--json",
                                temp_path("ids.json")};
  Child c(argv, err);
  std::string out = c.read_all(seconds(30));
  EXPECT_EQ(c.wait(seconds(10)), 0) << out;
  std::ifstream f(err);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find("instance id 'same' answered from 2 addresses"), std::string::npos)
      << ss.str();
  EXPECT_NE(out.find(a.address() + " " + b.address()), std::string::npos) << out;
  std::ifstream jf(temp_path("ids.json"));
  std::stringstream js;
  js << jf.rdbuf();
  auto doc = boost::json::parse(js.str()).as_object();
  EXPECT_EQ(
      doc.at("instances").as_object().at("same").as_object().at("addresses").as_array().size(), 2u);
  std::filesystem::remove(err);
  std::filesystem::remove(temp_path("ids.json"));
}

// examples/plot.gp reads a CSV from stdin without leaving its copy behind, and finds its columns
// by name.
TEST(LoadIntegration, PlotScriptLeavesNoTemporaryFile) {
  if (!sessdemo::on_path("gnuplot"))
    GTEST_SKIP() << "gnuplot is not installed (make test installs gnuplot-nox)";
  Instance one({"--store", "memory"});
  auto dir = std::filesystem::temp_directory_path() / ("sessdemo-plot-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir / "tmp");
  std::string script = std::string(SESSDEMO_SOURCE_DIR) + "/examples/plot.gp";
  std::string cmd = "TMPDIR='" + (dir / "tmp").string() + "' '" + sessdemo_binary() + "' load -i " +
                    one.address() + " -c 4 -d 1s --interval 200ms --csv - 2>/dev/null | TMPDIR='" +
                    (dir / "tmp").string() + "' gnuplot -e \"out='" + (dir / "p.png").string() +
                    "'\" '" + script + "'";
  Child c({"sh", "-c", cmd}, "/dev/null");
  c.read_all(seconds(30));
  EXPECT_EQ(c.wait(seconds(30)), 0);
  EXPECT_GT(std::filesystem::file_size(dir / "p.png"), 10000u);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "tmp")) << "plot.gp left its copy of stdin behind";
  std::filesystem::remove_all(dir);
}

// The open model never drops a tick silently: one client against a server that takes 200 ms
// per answer cannot carry 10,000,000 requests/s, and once the backlog is full the ticks are
// counted as dropped (JSON total.dropped, a line in the summary).
TEST(LoadIntegration, TicksNoClientCanTakeAreCountedAsDropped) {
  FakeServer slow(FakeServer::Mode::slow);
  auto r = run_load({"--instances", slow.address(), "--scenario", "get", "--clients", "1", "--rate",
                     "10000000", "--duration", "3s", "--timeout", "1s", "--max-error-rate", "1"});
  EXPECT_GT(r.total_of("dropped"), 0) << r.out;
  EXPECT_NE(r.out.find("scheduled requests were dropped"), std::string::npos) << r.out;
}
