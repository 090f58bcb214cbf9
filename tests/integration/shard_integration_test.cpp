// Load from several processes: shards of one run merged into one report, against real instances.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>

#include "common/utc_time.hpp"
#include "loadgen/stats/hdr_log.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
std::string temp(const std::string& name) {
  return (fs::temp_directory_path() / ("sessdemo-shard-" + std::to_string(getpid()) + "-" + name))
      .string();
}

boost::json::object read_json(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return boost::json::parse(ss.str()).as_object();
}

struct Merged {
  int exit_code;
  boost::json::object json;
  std::uint64_t shard_requests = 0;
};

// Three shards of a 900-client run, at the same time, then merged.
Merged three_shards(const std::string& instances) {
  std::vector<Child> shards;
  std::vector<std::string> files;
  for (int i = 1; i <= 3; ++i) {
    files.push_back(temp("s" + std::to_string(i) + ".json"));
    shards.emplace_back(
        std::vector<std::string>{sessdemo_binary(), "load", "-i", instances, "-c", "900", "-d",
                                 "2s", "--threads", "1", "--shard", std::to_string(i) + "/3",
                                 "--run-id", "t1", "--json", files.back(), "-q"},
        "/dev/null");
  }
  Merged m{};
  for (auto& s : shards) s.wait(seconds(60));
  for (const auto& f : files)
    m.shard_requests +=
        read_json(f).at("total").as_object().at("requests").to_number<std::uint64_t>();
  std::vector<std::string> argv{sessdemo_binary(), "merge", "--json", temp("merged.json"), "-q"};
  argv.insert(argv.end(), files.begin(), files.end());
  Child merge(argv, "/dev/null");
  merge.read_all(seconds(30));
  m.exit_code = merge.wait(seconds(30));
  m.json = read_json(temp("merged.json"));
  for (const auto& f : files) fs::remove(f);
  fs::remove(temp("merged.json"));
  return m;
}
}  // namespace

TEST(ShardIntegration, ThreeShardsMergeToTheVerdictOfOneProcess) {
  Memcached mc;
  auto shared = three_instances({"--memcached", mc.address()});
  auto merged = three_shards(addresses(shared));
  EXPECT_EQ(merged.exit_code, 0);
  EXPECT_EQ(merged.json.at("total").as_object().at("requests").to_number<std::uint64_t>(),
            merged.shard_requests);
  EXPECT_EQ(merged.json.at("settings").as_object().at("clients").to_number<int>(), 900);
  EXPECT_EQ(merged.json.at("shards_merged").to_number<int>(), 3);
  EXPECT_EQ(merged.json.at("total").as_object().at("foreign").to_number<int>(), 0)
      << "shards' names never collide";
  auto one = run_load({"-i", addresses(shared), "-c", "900", "-d", "2s"});
  EXPECT_EQ(one.exit_code, 0) << one.out;

  auto memory = three_instances({"--store", "memory"});
  auto broken = three_shards(addresses(memory));
  EXPECT_EQ(broken.exit_code, 1) << "misses on the memory store fail the merged run";
  EXPECT_GT(broken.json.at("total").as_object().at("misses").to_number<int>(), 0);
  auto one_broken = run_load({"-i", addresses(memory), "-c", "900", "-d", "2s"});
  EXPECT_EQ(one_broken.exit_code, 1);
}

TEST(ShardIntegration, MergeReadsStdinAndRefusesAMissingShard) {
  Instance a({"--store", "memory"});
  auto f1 = temp("m1.json"), f2 = temp("m2.json");
  std::vector<Child> shards;  // together: shards started apart are refused by merge
  for (auto [shard, file] : {std::pair{"1/2", f1}, std::pair{"2/2", f2}})
    shards.emplace_back(
        std::vector<std::string>{sessdemo_binary(), "load", "-i", a.address(), "--scenario", "get",
                                 "--path", "/healthz", "-c", "4", "--requests", "100", "--shard",
                                 shard, "--json", file, "-q"},
        "/dev/null");
  for (auto& c : shards) EXPECT_EQ(c.wait(seconds(30)), 0);
  Child both(
      {"sh", "-c", "cat '" + f1 + "' '" + f2 + "' | '" + sessdemo_binary() + "' merge - --json -"},
      "/dev/null");
  auto doc = boost::json::parse(both.read_all(seconds(30))).as_object();
  EXPECT_EQ(both.wait(seconds(10)), 0);
  EXPECT_EQ(doc.at("total").as_object().at("requests").to_number<int>(), 100);
  Child half({sessdemo_binary(), "merge", f1}, temp("half.err"));
  half.read_all(seconds(10));
  EXPECT_EQ(half.wait(seconds(10)), 2);
  std::ifstream err(temp("half.err"));
  std::stringstream ss;
  ss << err.rdbuf();
  EXPECT_NE(ss.str().find("shard 2/2 is missing"), std::string::npos) << ss.str();
  for (auto f : {f1, f2, temp("half.err")}) fs::remove(f);
}

TEST(ShardIntegration, HdrLogHoldsEveryMeasuredRequest) {
  Instance a({"--store", "memory"});
  auto log = temp("run.hlog"), json = temp("run.json");
  Child c({sessdemo_binary(), "load", "-i", a.address(), "-c", "8", "-d", "2s", "--interval",
           "500ms", "--hdr-log", log, "--json", json, "-q", "--min-crossing", "0"},
          "/dev/null");
  EXPECT_EQ(c.wait(seconds(30)), 0);
  std::ifstream f(log);
  std::uint64_t count = 0;
  int lines = 0;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '"') continue;
    auto h = sessdemo::loadgen::hdr_decode(line.substr(line.rfind(',') + 1));
    ASSERT_TRUE(h.has_value()) << line;
    count += h->count();
    ++lines;
  }
  EXPECT_GE(lines, 4);
  EXPECT_EQ(count,
            read_json(json).at("total").as_object().at("requests").to_number<std::uint64_t>());
  fs::remove(log);
  fs::remove(json);
}

// Two shards started 2 s apart with one --start-at measure the same window (their measured
// starts within 0.2 s) and merge; shards started apart without it are refused by merge.
TEST(ShardIntegration, StartAtLinesUpShardsStartedApartAndMergeRefusesSkew) {
  Memcached mc;
  Instance a({"--memcached", mc.address()});
  auto at = sessdemo::utc_iso8601(
      duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 5);
  std::vector<std::string> files{temp("at1.json"), temp("at2.json")};
  auto shard = [&](int i, std::vector<std::string> extra) {
    std::vector<std::string> argv{sessdemo_binary(),
                                  "load",
                                  "-i",
                                  a.address(),
                                  "-c",
                                  "20",
                                  "-d",
                                  "1s",
                                  "--threads",
                                  "1",
                                  "--shard",
                                  std::to_string(i) + "/2",
                                  "--json",
                                  files[i - 1],
                                  "-q",
                                  "--min-crossing",
                                  "0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return Child(argv, "/dev/null");
  };
  auto merge = [&](const std::string& err) {
    Child m({sessdemo_binary(), "merge", files[0], files[1], "-q"}, err);
    m.read_all(seconds(30));
    return m.wait(seconds(30));
  };
  {
    auto first = shard(1, {"--start-at", at, "--warmup", "500ms"});
    std::this_thread::sleep_for(seconds(2));
    auto second = shard(2, {"--start-at", at, "--warmup", "500ms"});
    EXPECT_EQ(first.wait(seconds(30)), 0);
    EXPECT_EQ(second.wait(seconds(30)), 0);
  }
  double s1 = read_json(files[0]).at("measured_start_unix_s").to_number<double>();
  double s2 = read_json(files[1]).at("measured_start_unix_s").to_number<double>();
  EXPECT_NEAR(s1, s2, 0.2);
  EXPECT_EQ(std::string(read_json(files[0]).at("started_at").as_string()), at);
  EXPECT_EQ(merge("/dev/null"), 0);
  {
    auto first = shard(1, {});
    first.wait(seconds(30));
    std::this_thread::sleep_for(milliseconds(1200));
    auto second = shard(2, {});
    second.wait(seconds(30));
  }
  auto err = temp("skew.err");
  EXPECT_EQ(merge(err), 2);
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("measured starts differ by"), std::string::npos) << ss.str();
  for (const auto& f : {files[0], files[1], err}) fs::remove(f);
}
