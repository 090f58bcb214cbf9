#pragma once
// The demo's scenarios: what each runs and what it is expected to show.
#include <cstdint>
#include <string>
#include <vector>

namespace sessdemo::loadgen {

enum class Fault { none, kill_instance, stall_memcached, kill_node };

struct DemoScenario {
  std::string name;
  std::string store;        // memory | memcached
  std::string balance;      // round-robin | sticky
  std::string concurrency;  // none | cas | lock
  std::string load;         // visit | counter
  Fault fault = Fault::none;
  std::string expected;     // in words, for the table
  unsigned copies = 1;      // memcached nodes per session; above 1 the scenario starts its own 3 nodes
};

// What a finished scenario showed, read back from the tester's JSON and CSV.
struct DemoFigures {
  bool ran = false;
  std::uint64_t requests = 0, errors = 0, hits = 0, misses = 0, stale = 0, foreign = 0;
  std::int64_t lost_updates = -1;  // counter scenarios only
  double p50_ms = 0, p99_ms = 0;
  std::uint64_t last_interval_requests = 0;  // the last full CSV interval, for recovery
  std::uint64_t last_interval_errors = 0;
  bool instances_survived = true;            // no instance died that the scenario did not kill
  double reads() const { return static_cast<double>(hits + misses + stale + foreign); }
};

struct Judgement {
  bool met = false;
  std::string why;  // the figure that broke the expectation, when not met
};

std::vector<DemoScenario> all_demo_scenarios(unsigned instances);
Judgement judge(const DemoScenario& s, const DemoFigures& f, unsigned instances);

}  // namespace sessdemo::loadgen
