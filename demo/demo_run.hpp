#pragma once
// The inside of `sessdemo demo` (demo/ only): the run's state, the memcached nodes it starts,
// and one scenario run from start to figures. demo.cpp runs them all and reports.
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.hpp"
#include "demo/demo.hpp"
#include "demo/demo_scenarios.hpp"
#include "demo/netns.hpp"

namespace sessdemo::demo {

// Set by SIGINT or SIGTERM while the demo runs: every scenario stops, every process is stopped.
extern std::atomic<bool> stop_requested;

struct Run {
  const DemoOptions& opts;
  const std::filesystem::path out;
  std::vector<ChildProcess> memcached;
  std::vector<std::string> memcached_addrs;
  std::unique_ptr<NetnsTopology> net;  // --network netns
  bool netem = false;                  // the kernel can delay packets (latency scenario)
};

// Starts `count` memcached processes on free loopback ports; false when one does not come up.
bool start_nodes(unsigned count, const std::filesystem::path& log_prefix,
                 std::vector<ChildProcess>& procs, std::vector<std::string>& addrs,
                 const std::vector<std::string>& flags = {});
// One memcached in each node namespace, on its bridge address; false when one does not stay up.
bool start_netns_nodes(const NetnsTopology& net, const std::filesystem::path& log_prefix,
                       std::vector<ChildProcess>& procs, std::vector<std::string>& addrs);
// "memcached 1.6.18", from the memcached the demo starts; "" when it cannot tell.
std::string memcached_version();
// One scenario: its nodes and instances started, the tester run with the fault at its time,
// everything stopped, the figures read back (scenario_run.cpp).
DemoFigures run_scenario(Run& run, const DemoScenario& s);

}  // namespace sessdemo::demo
