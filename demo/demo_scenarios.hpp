#pragma once
// The demo's scenarios: what each runs and what it is expected to show.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/report/checks.hpp"

namespace sessdemo::demo {

enum class Store { memory, memcached };
enum class Balance { round_robin, sticky };
enum class Concurrency { none, cas, lock };
enum class Load { visit, counter, logout };
// As the command line spells them (serve --store, load --balance, --concurrency, --scenario).
const char* to_string(Store v);
const char* to_string(Balance v);
const char* to_string(Concurrency v);
const char* to_string(Load v);

enum class Fault {
  none,
  kill_instance,
  stall_memcached,
  kill_node,
  // --network netns only: halfway through, for a third of the run, then healed.
  partition_one,  // the first instance loses the first memcached node; the others still reach it
  isolate_node,   // the first memcached node loses every instance, and keeps its data meanwhile
  delay_node,     // 20 ms on every packet the first memcached node sends (netem)
  // Halfway through, another user of the cache writes a burst of its own data (CacheFiller):
  fill_shared,  // into the node that holds the sessions
  fill_other,   // into a node of its own, beside the sessions' node
};

// What a network scenario must show. The failures are part of the story: with too few copies
// the fault must be seen, and the verdict is PASS when it is.
enum class Expect {
  by_name,           // the loopback scenarios: judged by their load, fault and concurrency
  share_of_misses,   // memory store, no stickiness: about (N-1)/N of the reads miss
  consistent,        // no miss, no stale read, no lost update; errors at most 1%
  misses_or_errors,  // a session unreachable or lost: misses, stale reads or errors
  stale,             // stale reads (two copies disagree and the old one is served)
  lost_or_errors,    // counter: lost updates or errors
  lost,              // counter: lost updates
};

struct DemoScenario {
  std::string name;
  Store store = Store::memcached;
  Balance balance = Balance::round_robin;
  Concurrency concurrency = Concurrency::cas;
  Load load = Load::visit;
  Fault fault = Fault::none;
  std::string expected;  // in words, for the table
  unsigned copies = 1;   // memcached nodes per session; above 1 the scenario starts its own 3 nodes
  std::string demonstrates;  // one sentence for the report page
  Expect expect = Expect::by_name;
  // Flags of memcached nodes of the scenario's own (for example -m 8 -M); empty: the run's.
  std::vector<std::string> memcached_flags;
  std::vector<std::string> load_flags;  // further flags of its `sessdemo load`
};

// A fault's start or end, on the tester's measured clock (seconds since its measured start).
struct FaultEvent {
  std::string name;    // kill, stall, partition, isolate, delay, fill, and heal, resume
  std::string target;  // inst-1, node-1, ...
  double elapsed_s = 0;
  std::int64_t monotonic_ns = 0;  // when the demo did it (CLOCK_MONOTONIC)
};

// One interval row of the tester's JSON, all instances summed.
struct IntervalFigure {
  double from_s = 0, to_s = 0;
  std::uint64_t requests = 0, errors = 0, misses = 0, stale = 0;
  std::uint64_t errors_not_on_first =
      0;  // errors of every instance but inst-A (the one a kill takes)
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
  bool fault_applied = true;       // the network fault could be set up (nft, tc)
  std::string contention;  // counter and logout rows: lock waits and cas retries, from /metrics
  std::vector<IntervalFigure> intervals;
  std::vector<FaultEvent> events;      // the faults, on the tester's clock
  std::int64_t measured_start_ns = 0;  // the tester's measured start (CLOCK_MONOTONIC)
  std::vector<std::pair<std::string, std::uint64_t>> errors_by_kind;  // as the tester names them
  std::string host_note;  // the host was saturated during the row: figures may be noisier
  // The first and last event (0 without a fault), seconds into the measured run.
  double fault_start_s() const { return events.empty() ? 0 : events.front().elapsed_s; }
  double fault_end_s() const { return events.empty() ? 0 : events.back().elapsed_s; }
  double reads() const { return static_cast<double>(hits + misses + stale + foreign); }
};

// One check of a row: the tester's check type (a figure against its limit, pass or fail, in
// words), over the whole run or a window of it.
struct RowCheck {
  loadgen::Check check;   // its limit: the largest value that passes (at_least: the smallest)
  bool at_least = false;  // passes when value >= limit (the fault must show)
  double from_s = -1, to_s = -1;  // the window (seconds since the measured start), or -1: all
  const std::string& name() const { return check.name; }
};

struct Judgement {
  bool met = false;      // every check passed
  std::string why;       // the first check that failed, when not met
  bool skipped = false;  // not run: the duration is too short to judge it (why says so)
  std::vector<RowCheck> checks;
};

std::vector<DemoScenario> all_demo_scenarios(unsigned instances);
// The scenarios of --network netns: one per (fault, workload, copies) pair.
std::vector<DemoScenario> network_demo_scenarios();
bool is_network_fault(Fault f);

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

// How long after its fault a store is back, as the judge and the duration checks count it.
inline constexpr double store_recovery_s =
    1.5;  // libmemcached's 1 s retry delay for a failed node, and a margin
// A healed node is back in rotation within the 2 s an ejection lasts; a little margin.
inline constexpr double network_recovery_s = 2.5;

}  // namespace sessdemo::demo
