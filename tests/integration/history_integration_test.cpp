// load --history and sessdemo check on the run's own history: the online verdict and the
// re-judged one agree, on the broken set-up (memory store, two instances, round-robin) and on
// the correct one (memcached), for names and for counters.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/eventually.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
struct Checked {
  int exit_code = -1;
  std::string out;
  // "reads judged: N: H hits, M misses, S stale, F foreign, R resurrected" or the counter line,
  // as numbers by name.
  std::int64_t figure(const std::string& name) const {
    auto at = out.find(" " + name);
    if (at == std::string::npos) return -1;
    auto start = out.rfind(' ', at - 1);
    return std::stoll(out.substr(start + 1, at - start - 1));
  }
};

Checked check(const std::vector<std::string>& files) {
  std::vector<std::string> args{sessdemo_binary(), "check"};
  args.insert(args.end(), files.begin(), files.end());
  Child c(args);
  Checked r;
  r.out = c.read_all(seconds(60));
  r.exit_code = c.wait(seconds(60));
  return r;
}

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("sessdemo-history-" + std::to_string(getpid()) + "-" + name);
}

// Every line parses, indexes count up from 0, times never go back, and each invoke of a
// process is followed by one completion of it before its next invoke.
void expect_well_formed(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::uint64_t index = 0;
  std::int64_t time = INT64_MIN;  // the warm-up's operations are before 0
  std::map<std::int64_t, bool> open;
  while (std::getline(in, line)) {
    auto o = boost::json::parse(line).as_object();
    ASSERT_EQ(o.at("index").to_number<std::uint64_t>(), index++) << line;
    auto t = o.at("time").to_number<std::int64_t>();
    ASSERT_GE(t, time) << line;
    time = t;
    if (o.at("process").is_string()) continue;
    auto p = o.at("process").to_number<std::int64_t>();
    bool invoke = o.at("type").as_string() == "invoke";
    ASSERT_NE(open[p], invoke) << "process " << p << ": " << line;
    open[p] = invoke;
  }
  EXPECT_GT(index, 10u);
}

// load's judged reads and check's, count by count: one checker, so always equal.
void expect_same_counts(const Checked& again, const sessdemo::test::LoadRun& online) {
  for (auto [text, field] :
       {std::pair{"hits,", "hits"}, std::pair{"misses,", "misses"}, std::pair{"stale,", "stale"},
        std::pair{"monotonic,", "monotonic"}, std::pair{"foreign,", "foreign"},
        std::pair{"refused-applied,", "refused_applied"}, std::pair{"resurrected;", "resurrected"},
        std::pair{"crossed instances", "crossed"}})
    EXPECT_EQ(again.figure(text), online.total_of(field)) << field << "\n" << again.out;
}
}  // namespace

TEST(History, CheckAgreesWithTheTesterOnABrokenAndACorrectSetUp) {
  auto path = temp("names.jsonl");
  {
    Instance a({"--store", "memory", "--id", "A"}), b({"--store", "memory", "--id", "B"});
    auto online =
        run_load({"--instances",
                  "127.0.0.1:" + std::to_string(a.port) + ",127.0.0.1:" + std::to_string(b.port),
                  "--clients", "20", "--duration", "2s", "--history", path.string()});
    EXPECT_EQ(online.exit_code, 1) << online.out;
    expect_well_formed(path);
    auto again = check({path.string()});
    EXPECT_EQ(again.exit_code, 1) << again.out;
    EXPECT_GT(online.total_of("misses"), 0);
    EXPECT_GT(online.total_of("crossed"), 100);
    expect_same_counts(again, online);
    EXPECT_NE(again.out.find("1. read-your-writes: the read of c"), std::string::npos) << again.out;
  }
  {
    Memcached mc;
    auto inst = three_instances({"--memcached", mc.address()});
    // With a warm-up: reads after the measured start show the warm-up's names, never foreign.
    auto online = run_load({"--instances", addresses(inst), "--clients", "20", "--duration", "2s",
                            "--warmup", "500ms", "--history", path.string()});
    EXPECT_EQ(online.exit_code, 0) << online.out;
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_NE(first.find("\"warmup\":true"), std::string::npos) << first;
    auto again = check({path.string()});
    EXPECT_EQ(again.exit_code, 0) << again.out;
    expect_same_counts(again, online);
    EXPECT_EQ(again.figure("misses,"), 0);
    EXPECT_GT(again.figure("hits,"), 100);
  }
  fs::remove(path);
}

// Counters: --concurrency none loses updates, and check finds the same number in the history
// (EDN this time, as Jepsen's checkers read it); cas loses none.
TEST(History, CheckFindsTheSameLostUpdatesInTheEdnHistory) {
  auto path = temp("counter.edn");
  for (const char* mode : {"none", "cas"}) {
    Memcached mc;
    auto inst = three_instances({"--memcached", mc.address(), "--concurrency", mode});
    // With a warm-up: its adds are in the history (marked), and the final read counts them.
    auto online = run_load({"--instances", addresses(inst), "--scenario", "counter", "--clients",
                            "20", "--inflight", "4", "--duration", "2s", "--warmup", "500ms",
                            "--history", path.string()});
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("{:index 0, :time ", 0), 0u) << first;
    auto again = check({path.string()});
    EXPECT_EQ(again.exit_code, online.exit_code) << mode << "\n" << again.out << online.out;
    EXPECT_EQ(again.figure("lost,"), online.counter_of("lost_updates")) << mode << "\n"
                                                                        << again.out;
    EXPECT_EQ(again.figure("adds acknowledged,"), online.counter_of("acknowledged")) << again.out;
    EXPECT_EQ(again.figure("phantom,"), 0) << again.out;  // the warm-up's adds are in the history
    if (std::string(mode) == "none") {
      EXPECT_GT(online.counter_of("lost_updates"), 0);
    }
    if (std::string(mode) == "cas") {
      EXPECT_EQ(online.counter_of("lost_updates"), 0);
    }
  }
  fs::remove(path);
}

// The shards of one run: check takes their histories together, merged by time.
TEST(History, TheShardsHistoriesAreCheckedTogether) {
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  std::vector<std::string> files;
  std::int64_t hits = 0;
  for (const char* shard : {"1/2", "2/2"}) {
    auto path = temp(std::string("shard-") + shard[0] + ".jsonl");
    auto r = run_load({"--instances", addresses(inst), "--clients", "20", "--duration", "1s",
                       "--shard", shard, "--run-id", "hist", "--history", path.string()});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    hits += r.total_of("hits");
    files.push_back(path.string());
  }
  auto again = check(files);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.figure("hits,"), hits) << again.out;
  for (const auto& f : files) fs::remove(f);
}

// The logout scenario: its increments run beside the logout and are no operations; the logout's
// completion is its own answer (204), and check counts the same resurrections as the tester.
TEST(History, LogoutsAreTheirOwnOperationsAndResurrectionsAgree) {
  auto path = temp("logout.jsonl");
  for (const char* mode : {"none", "cas"}) {
    Memcached mc;
    auto inst = three_instances({"--memcached", mc.address(), "--concurrency", mode});
    // Errors are judged apart: the tester counts its increments' too, which are no operations.
    auto online = run_load({"--instances", addresses(inst), "--scenario", "logout", "--clients",
                            "20", "--inflight", "4", "--duration", "2s", "--max-error-rate", "1",
                            "--history", path.string()});
    expect_well_formed(path);
    std::ifstream in(path);
    std::string line;
    int logouts = 0;
    while (std::getline(in, line)) {
      auto o = boost::json::parse(line).as_object();
      EXPECT_NE(o.at("f").as_string(), "add") << line;
      if (o.at("f").as_string() == "logout" && o.at("type").as_string() == "ok") {
        ++logouts;
        EXPECT_EQ(o.at("status").to_number<int>(), 204) << line;
      }
    }
    EXPECT_GT(logouts, 10) << mode;
    auto again = check({path.string(), "--max-error-rate", "1"});
    EXPECT_EQ(again.exit_code, online.exit_code) << mode << "\n" << again.out << online.out;
    EXPECT_EQ(again.figure("resurrected;"), online.total_of("resurrected")) << mode << "\n"
                                                                            << again.out;
    if (std::string(mode) == "none") {
      EXPECT_GT(online.total_of("resurrected"), 0) << online.out;
    }
  }
  fs::remove(path);
}

// A run stopped by SIGINT ends its history with the marker: check says interrupted and exits 130,
// as load did, never 0.
TEST(History, AnInterruptedRunIsCheckedAsInterrupted) {
  auto path = temp("interrupted.jsonl");
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto load = start_load({"--instances", addresses(inst), "--clients", "10", "--duration", "30s",
                          "--history", path.string()});
  // Interrupted once operations are on record (the history is written as the run goes).
  ASSERT_TRUE(eventually(
      [&] {
        std::ifstream f(path);
        return std::count(std::istreambuf_iterator<char>(f), {}, '\n') >= 100;
      },
      seconds(10)));
  ASSERT_EQ(kill(load.proc.pid(), SIGINT), 0);
  auto online = load.finish();
  EXPECT_EQ(online.exit_code, 130) << online.out;
  auto again = check({path.string()});
  EXPECT_EQ(again.exit_code, 130) << again.out;
  EXPECT_NE(again.out.find("verdict: INTERRUPTED"), std::string::npos) << again.out;
  fs::remove(path);
}
