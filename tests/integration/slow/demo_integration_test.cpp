// `sessdemo demo` end to end: exit status, table, files, valid PNGs, and no process left behind,
// also after a SIGINT in the middle.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
// Pids whose parent is `parent`, read from /proc.
std::set<pid_t> children_of(pid_t parent) {
  std::set<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(e.path() / "stat");
    std::string stat;
    std::getline(f, stat);
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    if (ppid == parent) out.insert(std::stoi(name));
  }
  return out;
}

bool alive(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(f, stat);
  if (stat.empty()) return false;
  auto close = stat.rfind(')');
  return close != std::string::npos && stat[close + 2] != 'Z';
}

bool is_png(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  char head[24] = {};
  f.read(head, sizeof head);
  static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (f.gcount() != 24 || std::memcmp(head, sig, 8) != 0 || std::string(head + 12, 4) != "IHDR")
    return false;
  auto be32 = [&](int at) {
    auto b = reinterpret_cast<const unsigned char*>(head + at);
    return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
  };
  return be32(16) > 100 && be32(20) > 100;  // width and height of a real plot
}

fs::path fresh_dir(const std::string& tag) {
  auto d = fs::temp_directory_path() / ("sessdemo-demo-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST(DemoIntegration, RunsEveryScenarioAndLeavesFilesButNoProcesses) {
  auto out = fresh_dir("full");
  Child demo(
      {sessdemo_binary(), "demo", "--duration", "6s", "--clients", "150", "--out", out.string()},
      (fs::temp_directory_path() / "sessdemo-demo-test.err").string());
  std::set<pid_t> seen;
  std::string table;
  int status = -1;
  auto deadline = steady_clock::now() + minutes(4);
  while (status < 0 && steady_clock::now() < deadline) {
    for (pid_t p : children_of(demo.pid())) seen.insert(p);
    table += demo.read_all(milliseconds(100));
    status = demo.wait(milliseconds(0));
  }
  table += demo.read_all(milliseconds(500));
  ASSERT_EQ(status, 0) << table;
  EXPECT_GE(seen.size(), 5u);  // memcached, instances, load, gnuplot
  for (pid_t p : seen) EXPECT_FALSE(alive(p)) << "left behind: " << p;
  for (auto name : {"memory-roundrobin", "memory-sticky", "memcached-roundrobin", "instance-killed",
                    "memcached-stalled", "counter-none", "counter-cas", "node-killed",
                    "logout-none", "logout-cas", "cache-evicting", "cache-noevict"}) {
    auto line_at = table.find(std::string("\n") + name + " ");
    ASSERT_NE(line_at, std::string::npos) << name << "\n" << table;
    auto line = table.substr(line_at + 1, table.find('\n', line_at + 1) - line_at - 1);
    EXPECT_NE(line.find("PASS"), std::string::npos) << line;
    EXPECT_TRUE(fs::file_size(out / (std::string(name) + ".csv")) > 100) << name;
    EXPECT_TRUE(fs::file_size(out / (std::string(name) + ".json")) > 100) << name;
    EXPECT_TRUE(is_png(out / (std::string(name) + ".png"))) << name;
    // The scenario's JSON says what the row says, with its checks and the fault's events.
    std::ifstream jf(out / (std::string(name) + ".json"));
    std::stringstream js;
    js << jf.rdbuf();
    auto doc = boost::json::parse(js.str()).as_object();
    EXPECT_EQ(doc.at("verdict").as_string(), "pass") << name;
    EXPECT_FALSE(doc.at("checks").as_array().empty()) << name;
    for (const auto& c : doc.at("checks").as_array()) EXPECT_TRUE(c.at("pass").as_bool()) << name;
    const auto& events = doc.at("events").as_array();
    const std::set<std::string> faulty_rows{"instance-killed", "memcached-stalled", "node-killed",
                                            "cache-evicting", "cache-noevict"};
    bool faulty = faulty_rows.count(name) > 0;
    EXPECT_EQ(events.empty(), !faulty) << name;
    for (const auto& e : events) {
      double at = e.at("elapsed_s").to_number<double>();
      EXPECT_GT(at, 0.5) << name;  // on the tester's clock: after its start, before its end
      EXPECT_LT(at, 6.0) << name;
    }
  }
  EXPECT_NE(table.find("scenario"), std::string::npos);
  std::ifstream page(out / "index.html");
  std::stringstream ss;
  ss << page.rdbuf();
  const std::string html = ss.str();
  std::size_t rows = 0;
  for (auto at = html.find("<tr class=\"scenario\""); at != std::string::npos;
       at = html.find("<tr class=\"scenario\"", at + 1))
    ++rows;
  EXPECT_EQ(rows, 12u) << "index.html has a row per scenario";
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos) << "plots inline";
  EXPECT_NE(html.find("<svg class=\"timeline\""), std::string::npos) << "a timeline per scenario";
  EXPECT_NE(html.find("<rect class=\"fault\""), std::string::npos) << "the faults shaded";
  fs::remove_all(out);
}

TEST(DemoIntegration, SigintStopsEverythingItStarted) {
  auto out = fresh_dir("sigint");
  Child demo(
      {sessdemo_binary(), "demo", "--duration", "20s", "--clients", "50", "--out", out.string()},
      "/dev/null");
  std::set<pid_t> seen;
  auto deadline = steady_clock::now() + seconds(20);
  // Wait until memcached, the instances and the load are all up.
  while (steady_clock::now() < deadline && seen.size() < 5) {
    for (pid_t p : children_of(demo.pid())) seen.insert(p);
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_GE(seen.size(), 5u);
  std::this_thread::sleep_for(seconds(1));
  demo.signal(SIGINT);
  EXPECT_EQ(demo.wait(seconds(30)), 130);
  for (pid_t p : seen) EXPECT_FALSE(alive(p)) << "left behind: " << p;
  fs::remove_all(out);
}

// A demo killed outright (SIGKILL: no handler runs) takes its memcached nodes with it: they
// get the parent-death signal, which memcached's own -u used to clear as it dropped to nobody.
TEST(DemoIntegration, AKilledDemoLeavesNoMemcachedBehind) {
  auto out = fresh_dir("sigkill");
  Child demo(
      {sessdemo_binary(), "demo", "--duration", "20s", "--clients", "20", "--out", out.string()},
      "/dev/null");
  std::set<pid_t> nodes;
  auto deadline = steady_clock::now() + seconds(20);
  auto is_memcached = [](pid_t p) {
    std::ifstream f("/proc/" + std::to_string(p) + "/comm");
    std::string comm;
    std::getline(f, comm);
    return comm == "memcached";
  };
  while (steady_clock::now() < deadline && nodes.empty()) {
    for (pid_t p : children_of(demo.pid()))
      if (is_memcached(p)) nodes.insert(p);
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_FALSE(nodes.empty()) << "the demo started no memcached";
  std::this_thread::sleep_for(milliseconds(500));  // past any privilege drop
  demo.signal(SIGKILL);
  demo.wait(seconds(10));
  for (pid_t p : nodes) {
    auto until = steady_clock::now() + seconds(5);
    while (alive(p) && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds(50));
    EXPECT_FALSE(alive(p)) << "memcached " << p << " outlived the killed demo";
    if (alive(p)) kill(p, SIGKILL);  // ours: started by the demo this test started
  }
  fs::remove_all(out);
}

TEST(DemoIntegration, BadFlagsExit2) {
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"demo", "--scenarios", "nope"},
                                             {"demo", "--instances", "1"},
                                             {"demo", "--duration", "1s"}}) {
    args.insert(args.begin(), sessdemo_binary());
    Child c(args, "/dev/null");
    c.read_all(seconds(5));
    EXPECT_EQ(c.wait(seconds(10)), 2) << args[2];
  }
}

TEST(DemoIntegration, MissingMemcachedSaysHowToInstallAndExits2) {
  // A PATH without memcached: the demo must say how to install it, not fail obscurely.
  std::string saved = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  auto err =
      fs::temp_directory_path() / ("sessdemo-demo-nomc-" + std::to_string(getpid()) + ".err");
  Child demo({sessdemo_binary(), "demo", "--out",
              (fs::temp_directory_path() / "sessdemo-demo-nomc").string()},
             err.string());
  setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(demo.wait(seconds(10)), 2);
  std::ifstream f(err);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("apt-get install memcached"), std::string::npos) << text;
  fs::remove(err);
}

// demo --history: each scenario's history, with the fault in it as nemesis operations at their
// times, and sessdemo check reads it.
TEST(DemoIntegration, HistoriesCarryTheFaultAsNemesisOperations) {
  auto out = fresh_dir("history");
  Child demo({sessdemo_binary(), "demo", "--scenarios", "memcached-stalled", "--duration", "6s",
              "--clients", "50", "--history", "--out", out.string()},
             "/dev/null");
  demo.read_all(seconds(60));
  ASSERT_EQ(demo.wait(seconds(60)), 0);
  auto path = out / "memcached-stalled.history.jsonl";
  std::ifstream in(path);
  std::string line;
  std::uint64_t index = 0;
  std::int64_t last = 0;
  std::vector<std::string> nemesis;
  while (std::getline(in, line)) {
    auto o = boost::json::parse(line).as_object();
    ASSERT_EQ(o.at("index").to_number<std::uint64_t>(), index++);
    auto t = o.at("time").to_number<std::int64_t>();
    ASSERT_GE(t, last) << line;
    last = t;
    if (o.at("process").is_string())
      nemesis.push_back(std::string(o.at("f").as_string()) + " " +
                        std::string(o.at("value").as_string()));
  }
  EXPECT_EQ(nemesis, (std::vector<std::string>{"start stall node-1", "stop resume node-1"}));
  Child check({sessdemo_binary(), "check", path.string(), "--max-error-rate", "1"});
  auto said = check.read_all(seconds(60));
  EXPECT_EQ(check.wait(seconds(60)), 0) << said;
  EXPECT_NE(said.find("fault: "), std::string::npos) << said;
  fs::remove_all(out);
}
