#include "cli/demo_cmd.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <CLI/App.hpp>
#include <CLI/Validators.hpp>

#include "cli/options.hpp"
#include "common/endpoint.hpp"
#include "common/exit_status.hpp"

namespace sessdemo::cli {

namespace {
std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    auto item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

CLI::Validator scenario_list() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto known = demo::demo_scenario_names();
        for (const auto& name : split(text))
          if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string all;
            for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
            return "unknown scenario '" + name + "' (known: " + all + ")";
          }
        return {};
      },
      "NAME[,NAME...]");
}
}  // namespace

void setup_demo(CLI::App& app, DemoCliOptions& o) {
  auto& d = o.demo;
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.footer(
      "Scenarios, in order: memory-roundrobin, memory-sticky, memcached-roundrobin, "
      "instance-killed,\n"
      "memcached-stalled, counter-none, counter-cas, node-killed.\n"
      "With --network netns: partition-one-c1/-c2/-c3, partition-one-counter-c1/-c2/-c3,\n"
      "node-isolated-c1/-c2/-c3, latency-c3 (cN: N copies of each session; 3 is quorum).\n"
      "Exit 0 when each met its expectation, 1 otherwise, 2 when it cannot start.");
  app.add_option("--instances", d.instances, "web instances per scenario")
      ->check(whole_number(2, 26))
      ->capture_default_str();
  app.add_option("--memcached-nodes", d.memcached_nodes, "memcached processes to start")
      ->check(whole_number(1, 16))
      ->capture_default_str();
  app.add_option("--memcached", o.memcached, "use running memcached nodes instead, HOST:PORT[,...]")
      ->check(endpoint_list(false));
  app.add_option("--clients", d.clients, "virtual clients per scenario")
      ->check(whole_number(1, 100000))
      ->capture_default_str();
  add_duration(app, "--duration", d.duration,
               "load time per scenario (default 5s; 15s with --network netns)")
      ->each([&o](const std::string&) { o.duration_given = true; });
  app.add_option("--network", d.network,
                 "loopback: every process on 127.0.0.1 (process faults); netns: each host in a "
                 "network namespace of its own, 198.18.0.0/15, and the partition scenarios (needs "
                 "root, ip and nft)")
      ->check(CLI::IsMember({"loopback", "netns"}))
      ->capture_default_str();
  app.add_option("--threads", d.threads, "load threads (default: cores)")
      ->check(whole_number(1, 64));
  app.add_option("--scenarios", o.scenarios, "run only these, comma-separated")
      ->check(scenario_list());
  app.add_option(
      "--out", d.out,
      "output folder (default: sessdemo-out/<timestamp>); index.html there is the report");
  app.add_flag("--history", d.history,
               "write each scenario's history (SCENARIO.history.jsonl: every operation, as load "
               "--history writes it, and the faults as nemesis operations), for sessdemo check "
               "or Jepsen's checkers");
  app.add_flag("--open", d.open,
               "print the file:// address of the report page at the end (no browser is started)");
}

int run_demo_command(DemoCliOptions& o) {
  setup_logging("warn");
  auto& d = o.demo;
  if (d.network == "netns" && !o.duration_given) d.duration = std::chrono::seconds(15);
  if (d.duration < std::chrono::seconds(2)) {
    std::fprintf(stderr,
                 "sessdemo demo: --duration must be at least 2s (scenarios with a stall need 5s to "
                 "be judged)\n");
    return exit_code::usage;
  }
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    std::fprintf(stderr, "sessdemo demo: cannot find its own binary\n");
    return exit_code::usage;
  }
  d.self.assign(self, static_cast<std::size_t>(n));
  if (!o.memcached.empty())
    d.memcached = std::get<std::vector<Endpoint>>(parse_endpoints(o.memcached));
  d.scenarios = split(o.scenarios);
  return demo::run_demo(d);
}

}  // namespace sessdemo::cli
