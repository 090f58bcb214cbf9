// `sessdemo demo --network netns`: hosts in network namespaces, partitions injected with
// nftables, and the figures each (fault, copies) pair must show, read from the tester's JSON.
// Root only: without root, ip or nft the tests are skipped with a message saying what is missing.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include <boost/json/parse.hpp>

#include "demo/netns.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
std::string command_output(const std::vector<std::string>& argv) {
  Child p(argv, "/dev/null");
  auto out = p.read_all(seconds(10));
  p.wait(seconds(10));
  return out;
}

// Everything of a demo run in `ip netns list` (its namespaces, sd-<pid>-*) and in the
// machine's own `ip link` (its links, which must never appear there).
std::string traces_of(pid_t demo) {
  std::string tag = "sd-" + std::to_string(demo) + "-";
  std::string found;
  std::istringstream lines(command_output({"ip", "netns", "list"}) +
                           command_output({"ip", "link", "show"}));
  for (std::string line; std::getline(lines, line);)
    if (line.find(tag) != std::string::npos || line.find("198.18.") != std::string::npos)
      found += line + "\n";
  return found;
}

// A demo run's output folder (CSV, JSON, plots, logs) is kept for a test that failed, to look
// at, and removed otherwise.
struct KeptOnFailure {
  fs::path dir;
  KeptOnFailure() = default;
  explicit KeptOnFailure(fs::path d) : dir(std::move(d)) {}
  KeptOnFailure(KeptOnFailure&& other) noexcept : dir(std::exchange(other.dir, {})) {}
  KeptOnFailure& operator=(KeptOnFailure&&) = delete;
  ~KeptOnFailure() {
    if (dir.empty() || ::testing::Test::HasFailure()) return;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::remove(dir.string() + ".err", ec);
  }
};

struct DemoRun {
  int exit_code = -1;
  std::string table;
  fs::path out;
  KeptOnFailure cleanup;
  pid_t pid = 0;
  LoadRun scenario(const std::string& name) const {
    LoadRun r;
    std::ifstream f(out / (name + ".json"));
    std::stringstream ss;
    ss << f.rdbuf();
    if (!ss.str().empty()) r.json = boost::json::parse(ss.str()).as_object();
    return r;
  }
};

DemoRun run_network_demo(const std::string& scenarios, const std::string& tag, int clients = 200) {
  DemoRun d;
  d.out = fs::temp_directory_path() / ("sessdemo-netns-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d.out);
  d.cleanup.dir = d.out;
  Child demo({sessdemo_binary(), "demo", "--network", "netns", "--scenarios", scenarios,
              "--duration", "15s", "--clients", std::to_string(clients), "--out", d.out.string()},
             (d.out.string() + ".err"));
  d.pid = demo.pid();
  d.table = demo.read_all(minutes(5));
  d.exit_code = demo.wait(minutes(1));
  return d;
}

#define SKIP_WITHOUT_NETNS()                                              \
  do {                                                                    \
    auto missing = sessdemo::demo::NetnsTopology::missing_requirements(); \
    if (!missing.empty()) GTEST_SKIP() << "skipped: " << missing;         \
  } while (0)

double error_rate(const LoadRun& r) {
  return static_cast<double>(r.total_of("errors")) /
         static_cast<double>(std::max<std::int64_t>(1, r.total_of("requests")));
}

// What quorum copies must show through a fault: nothing missing or stale, at most 1% errors.
void expect_consistent(const LoadRun& r, const std::string& table) {
  EXPECT_EQ(r.total_of("stale"), 0) << table;
  EXPECT_EQ(r.total_of("misses"), 0) << table;
  EXPECT_EQ(r.total_of("foreign"), 0) << table;
  // The judge's loosest budget (5%, a saturated host); the exit code carries its exact one.
  EXPECT_LE(error_rate(r), 0.05) << table;
}
}  // namespace

TEST(Network, WithoutItsToolsNetnsExitsTwoWithOneLine) {
  // No ip or nft on PATH (or no root): one line saying what is missing, exit 2.
  auto err_file = fs::temp_directory_path() / ("sessdemo-netns-err-" + std::to_string(getpid()));
  Child demo({"/usr/bin/env", "PATH=/nonexistent", sessdemo_binary(), "demo", "--network", "netns"},
             err_file.string());
  EXPECT_EQ(demo.wait(seconds(10)), 2);
  std::ifstream f(err_file);
  std::stringstream ss;
  ss << f.rdbuf();
  fs::remove(err_file);
  auto text = ss.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_TRUE(text.find("needs root") != std::string::npos ||
              text.find("needs ip (Debian package iproute2)") != std::string::npos)
      << text;
}

TEST(Network, PartitionOneShowsLossWithOneCopyStaleReadsWithTwoAndNothingWithQuorum) {
  SKIP_WITHOUT_NETNS();
  auto d = run_network_demo("partition-one-c1,partition-one-c2,partition-one-c3", "p1");
  EXPECT_EQ(d.exit_code, 0) << d.table;
  auto one = d.scenario("partition-one-c1"), two = d.scenario("partition-one-c2"),
       quorum = d.scenario("partition-one-c3");
  ASSERT_FALSE(one.json.empty());
  ASSERT_FALSE(two.json.empty());
  ASSERT_FALSE(quorum.json.empty());
  // One copy: the cut-off instance cannot reach the sessions on that node.
  EXPECT_GT(one.total_of("misses") + one.total_of("stale") + one.total_of("errors"), 0) << d.table;
  // Copies 2: the cut-off instance fails over to the backup while the others keep the primary.
  EXPECT_GT(two.total_of("stale"), 0) << d.table;
  // Quorum copies: nothing stale, nothing missing, few errors.
  EXPECT_GT(quorum.total_of("hits"), 1000);
  expect_consistent(quorum, d.table);
  EXPECT_EQ(traces_of(d.pid), "");
}

TEST(Network, APartitionLosesCounterUpdatesWithTwoCopiesAndNoneWithQuorum) {
  SKIP_WITHOUT_NETNS();
  // 64 clients: enough writers per counter for two primaries to lose thousands of updates,
  // few enough that the quorum row's cas retries do not run out on a saturated 2-core host
  // (with 200 clients its 503s ranged from 0.2% to 1.3% between runs here; with 64, 0.1-0.7%).
  auto d = run_network_demo("partition-one-counter-c2,partition-one-counter-c3", "counter", 64);
  EXPECT_EQ(d.exit_code, 0) << d.table;
  auto two = d.scenario("partition-one-counter-c2"),
       quorum = d.scenario("partition-one-counter-c3");
  ASSERT_FALSE(two.json.empty());
  ASSERT_FALSE(quorum.json.empty());
  EXPECT_GT(two.counter_of("lost_updates"), 0) << d.table;
  EXPECT_GT(quorum.counter_of("acknowledged"), 1000);
  EXPECT_EQ(quorum.counter_of("lost_updates"), 0) << d.table;
  EXPECT_LE(error_rate(quorum), 0.05) << d.table;
  EXPECT_EQ(traces_of(d.pid), "");
}

TEST(Network, AHealedNodeServesItsOldDataWithTwoCopiesButNotWithQuorum) {
  SKIP_WITHOUT_NETNS();
  // 64 clients, as for the counters: with 200 the 2-core host is saturated (load 7-8), and the
  // two-copy row's reads fall back past slow copies to old ones before the heal as well, which
  // hides the heal's stale reads in the noise (seen here once: 1,444 before against 238 after).
  auto d = run_network_demo("node-isolated-c2,node-isolated-c3", "isolated", 64);
  EXPECT_EQ(d.exit_code, 0) << d.table;
  auto two = d.scenario("node-isolated-c2"), quorum = d.scenario("node-isolated-c3");
  ASSERT_FALSE(two.json.empty());
  ASSERT_FALSE(quorum.json.empty());
  EXPECT_GT(two.total_of("stale"), 0) << d.table;
  EXPECT_GT(quorum.total_of("hits"), 1000);
  expect_consistent(quorum, d.table);
  EXPECT_EQ(traces_of(d.pid), "");
}

TEST(Network, TheLatencyRowRunsWhereTheKernelHasNetemAndSaysWhyNotElsewhere) {
  SKIP_WITHOUT_NETNS();
  auto d = run_network_demo("latency-c3", "latency");
  EXPECT_EQ(d.exit_code, 0) << d.table;
  auto quorum = d.scenario("latency-c3");
  if (quorum.json.empty()) {
    EXPECT_NE(d.table.find("SKIPPED: this kernel has no netem qdisc"), std::string::npos)
        << d.table;
  } else {
    expect_consistent(quorum, d.table);
  }
  EXPECT_EQ(traces_of(d.pid), "");
}

TEST(Network, NamespacesAreRemovedOnCtrlCAndAfterAKilledRun) {
  SKIP_WITHOUT_NETNS();
  KeptOnFailure killed_out{fs::temp_directory_path() /
                           ("sessdemo-netns-killed-" + std::to_string(getpid()))};
  KeptOnFailure interrupted_out{fs::temp_directory_path() /
                                ("sessdemo-netns-interrupted-" + std::to_string(getpid()))};
  auto start = [](const std::string& tag) {
    auto out =
        fs::temp_directory_path() / ("sessdemo-netns-" + tag + "-" + std::to_string(getpid()));
    fs::remove_all(out);
    return Child(
        {sessdemo_binary(), "demo", "--network", "netns", "--scenarios", "partition-one-c3",
         "--duration", "15s", "--clients", "50", "--out", out.string()},
        out.string() + ".err");
  };
  auto built = [](pid_t pid) {
    return eventually([&] { return traces_of(pid).find("-node3") != std::string::npos; },
                      seconds(20));
  };
  // Killed outright: nothing can clean up, so its namespaces stay...
  Child killed = start("killed");
  pid_t killed_pid = killed.pid();
  ASSERT_TRUE(built(killed_pid));
  killed.signal(SIGKILL);
  killed.wait(seconds(10));
  EXPECT_NE(traces_of(killed_pid), "");
  // ...until the next run, which removes them; Ctrl-C on it removes its own.
  Child interrupted = start("interrupted");
  ASSERT_TRUE(built(interrupted.pid()));
  EXPECT_EQ(traces_of(killed_pid), "");
  std::this_thread::sleep_for(seconds(2));  // into the load
  interrupted.signal(SIGINT);
  EXPECT_EQ(interrupted.wait(seconds(30)), 130);
  EXPECT_EQ(traces_of(interrupted.pid()), "");
}
