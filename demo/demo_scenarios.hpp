#pragma once
// The demo's scenarios: what each runs and what it is expected to show.
#include <cstdint>
#include <string>
#include <vector>

namespace sessdemo::demo {

enum class Fault { none, kill_instance, stall_memcached, kill_node };

struct DemoScenario {
  std::string name;
  std::string store;        // memory | memcached
  std::string balance;      // round-robin | sticky
  std::string concurrency;  // none | cas | lock
  std::string load;         // visit | counter
  Fault fault = Fault::none;
  std::string expected;  // in words, for the table
  unsigned copies = 1;   // memcached nodes per session; above 1 the scenario starts its own 3 nodes
  std::string demonstrates;  // one sentence for the report page
};

// What a finished scenario showed, read back from the tester's JSON and CSV.
struct DemoFigures {
  bool ran = false;
  std::uint64_t requests = 0, errors = 0, hits = 0, misses = 0, stale = 0, foreign = 0;
  std::int64_t lost_updates = -1;  // counter scenarios only
  double p50_ms = 0, p99_ms = 0;
  std::uint64_t last_interval_requests = 0;  // the last full interval of the JSON, for recovery
  std::uint64_t last_interval_errors = 0;
  bool instances_survived = true;  // no instance died that the scenario did not kill
  double reads() const { return static_cast<double>(hits + misses + stale + foreign); }
};

struct Judgement {
  bool met = false;
  std::string why;       // the figure that broke the expectation, when not met
  bool skipped = false;  // not run: the duration is too short to judge it (why says so)
};

std::vector<DemoScenario> all_demo_scenarios(unsigned instances);

// When a scenario's fault happens, scaled to the run: a kill halfway through, a stall from a
// fifth of the way for a fifth of the run (at most 2 s). After it, the run must still hold the
// time the store needs to answer again (libmemcached retries a failed node after 1 s) and two
// full intervals, so that recovery is judged on whole intervals.
struct FaultPlan {
  double start_s = 0;     // seconds into the load
  double end_s = 0;       // a kill ends where it starts
  double interval_s = 1;  // the load's --interval for this duration
};
// The CSV interval for a run of duration_s: a tenth of it, between 0.2 s and 1 s.
double demo_interval_s(double duration_s);
FaultPlan fault_plan(const DemoScenario& s, double duration_s);
// Whether a run of duration_s leaves enough after the fault to judge recovery.
bool judgeable(const DemoScenario& s, double duration_s);
// The shortest duration, in whole seconds, at which the scenario can be judged.
unsigned min_duration_s(const DemoScenario& s);
Judgement judge(const DemoScenario& s, const DemoFigures& f, unsigned instances);

}  // namespace sessdemo::demo
