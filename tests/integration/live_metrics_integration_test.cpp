// --metrics-bind: the tester's own figures while it runs, read back by Prometheus' own text
// parser (python3-prometheus-client from Debian), not by a parser written here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/json/parse.hpp>

#include "loadgen/report/live_metrics.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/load_run.hpp"
#include "tests/support/process.hpp"

using namespace sessdemo::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {
bool have_parser() {
  return std::system("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") == 0;
}

// The page parsed by prometheus_client: {"family": [[sample name, {labels}, value], ...]}.
boost::json::object parsed(const std::string& page) {
  auto dir = fs::temp_directory_path();
  auto in = dir / ("sessdemo-prom-" + std::to_string(getpid()) + ".txt");
  auto out = dir / ("sessdemo-prom-" + std::to_string(getpid()) + ".json");
  std::ofstream(in) << page;
  std::string cmd =
      "/usr/bin/python3 -c 'import json,sys\n"
      "from prometheus_client.parser import text_string_to_metric_families as parse\n"
      "print(json.dumps({f.name: [[s.name, s.labels, s.value] for s in f.samples] for f in "
      "parse(open(sys.argv[1]).read())}))' '" +
      in.string() + "' > '" + out.string() + "'";
  int rc = std::system(cmd.c_str());
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  fs::remove(in);
  fs::remove(out);
  if (rc != 0) return {};
  return boost::json::parse(ss.str()).as_object();
}
double sum_of(const boost::json::object& families, const char* family, const char* sample,
              const char* key = nullptr, const char* value = nullptr) {
  double sum = 0;
  if (!families.contains(family)) return -1;
  for (const auto& s : families.at(family).as_array()) {
    const auto& a = s.as_array();
    if (a[0].as_string() != sample) continue;
    if (key && a[1].as_object().if_contains(key) && a[1].as_object().at(key).as_string() != value)
      continue;
    if (key && !a[1].as_object().if_contains(key)) continue;
    sum += a[2].to_number<double>();
  }
  return sum;
}
}  // namespace

// Label values with quotes, backslashes and newlines still parse, as the format says.
TEST(LiveMetrics, ThePageParsesWithStrangeInstanceIds) {
  if (!have_parser()) GTEST_SKIP() << "python3-prometheus-client (Debian) is not installed";
  sessdemo::loadgen::StatsTable t;
  t.at("a \"quoted\" \\ id\nnext").counters.hits = 3;
  t.at("plain").by_kind[static_cast<std::size_t>(sessdemo::loadgen::Kind::read)].record(1500);
  std::vector<sessdemo::loadgen::Check> checks(2);
  checks[0].name = "miss rate";
  checks[1].name = "crossed \"instances\"";
  checks[1].status = sessdemo::loadgen::CheckStatus::unknown;
  auto page = sessdemo::loadgen::render_live_metrics({&t, 7, 12.5, 2, "2/4", &checks});
  auto f = parsed(page);
  ASSERT_FALSE(f.empty()) << page;
  EXPECT_EQ(sum_of(f, "sessdemo_load_reads", "sessdemo_load_reads_total", "judgement", "hit"), 3);
  EXPECT_EQ(sum_of(f, "sessdemo_load_active_clients", "sessdemo_load_active_clients"), 7);
  EXPECT_EQ(sum_of(f, "sessdemo_load_latency_seconds", "sessdemo_load_latency_seconds_bucket", "le",
                   "0.0025"),
            1);
  EXPECT_EQ(sum_of(f, "sessdemo_load_latency_seconds", "sessdemo_load_latency_seconds_bucket", "le",
                   "0.001"),
            0);
  EXPECT_NE(page.find("shard=\"2/4\""), std::string::npos);
  // Each check's status, one series per status, 1 on the one it has.
  EXPECT_EQ(sum_of(f, "sessdemo_load_check", "sessdemo_load_check", "status", "unknown"), 1)
      << page;
  EXPECT_EQ(sum_of(f, "sessdemo_load_check", "sessdemo_load_check", "status", "pass"), 1) << page;
  EXPECT_EQ(sum_of(f, "sessdemo_load_check", "sessdemo_load_check", "status", "fail"), 0) << page;
}

// While a run lasts, GET /metrics answers the figures so far; they grow, carry the shard label,
// and at the end match the run's own totals.
TEST(LiveMetrics, TheTesterServesItsFiguresWhileItRuns) {
  if (!have_parser()) GTEST_SKIP() << "python3-prometheus-client (Debian) is not installed";
  Memcached mc;
  auto inst = three_instances({"--memcached", mc.address()});
  auto port = free_port();
  auto load = start_load({"--instances", addresses(inst), "--clients", "20", "--duration", "4s",
                          "--interval", "500ms", "--shard", "1/2", "--metrics-bind",
                          "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(wait_for_port(port, milliseconds(5000)));
  // Waits for the page to show hits and read latencies (the run's first intervals), then for
  // more hits: each wait is for the figures, never for a time.
  HttpReply first;
  auto hits_in = [](const auto& figures) {
    return sum_of(figures, "sessdemo_load_reads", "sessdemo_load_reads_total", "judgement", "hit");
  };
  ASSERT_TRUE(eventually(
      [&] {
        first = http(port, "GET", "/metrics");
        auto f = parsed(first.body);
        return first.status == 200 && hits_in(f) > 0 &&
               sum_of(f, "sessdemo_load_latency_seconds", "sessdemo_load_latency_seconds_count",
                      "kind", "read") > 0;
      },
      seconds(4), milliseconds(100)))
      << first.body;
  EXPECT_NE(first.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  auto a = parsed(first.body);
  double hits_a = hits_in(a);
  EXPECT_EQ(sum_of(a, "sessdemo_load_reads", "sessdemo_load_reads_total", "judgement", "foreign"),
            0);
  EXPECT_EQ(
      sum_of(a, "sessdemo_load_active_clients", "sessdemo_load_active_clients", "shard", "1/2"),
      10);
  EXPECT_EQ(http(port, "GET", "/other").status, 404);
  EXPECT_TRUE(
      eventually([&] { return hits_in(parsed(http(port, "GET", "/metrics").body)) > hits_a; },
                 seconds(3), milliseconds(100)))
      << "the figures grow while the run lasts";
  auto r = load.finish();
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(wait_for_port(port, milliseconds(200))) << "the listener goes with the run";
}

// Port 0, as documented: a free port is taken and the log says which.
TEST(LiveMetrics, PortZeroTakesAFreePortAndSaysIt) {
  Memcached mc;
  Instance a({"--memcached", mc.address()});
  auto r = run_load_with_log({"--instances", a.address(), "--clients", "2", "--requests", "20",
                              "--duration", "3s", "--metrics-bind", "127.0.0.1:0", "--min-crossing",
                              "0"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("--metrics-bind: serving /metrics on 127.0.0.1:"), std::string::npos)
      << r.err;
}
